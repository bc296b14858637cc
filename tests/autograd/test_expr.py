"""The expression parser behind ``python -m autograd``: what it accepts, refuses and computes."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, detect_anomaly, expr
from autograd.expr import FUNCTIONS, Expression, ExpressionError, parse

# --- what it accepts and computes -------------------------------------------------------------


def test_variables_are_listed_once_in_order_of_first_appearance() -> None:
    assert parse("b + a*b - c + a").variables == ("b", "a", "c")
    assert parse("2 * 3").variables == ()


def test_neuron_value_and_gradients_match_the_closed_form() -> None:
    x, w, b = Value(0.5, "x"), Value(-1.0, "w"), Value(2.0, "b")
    out = parse("tanh(x*w + b)").evaluate({"x": x, "w": w, "b": b})
    out.backward()
    t = math.tanh(0.5 * -1.0 + 2.0)
    assert out.data == t
    assert (x.grad, w.grad, b.grad) == pytest.approx(
        ((1 - t * t) * -1.0, (1 - t * t) * 0.5, 1 - t * t), rel=1e-15
    )


def test_a_variable_used_twice_is_one_leaf() -> None:
    x = Value(3.0, "x")
    out = parse("x*x*x").evaluate({"x": x})
    out.backward()
    assert x.grad == 27.0  # 3 x**2; two separate leaves would give a smaller gradient


def test_number_bindings_become_leaves_labelled_with_their_name() -> None:
    out = parse("x * y").evaluate({"x": 2.0, "y": 5})
    assert out.op == "*"
    assert [(p.label, p.data, p.op) for p in out.parents] == [("x", 2.0, ""), ("y", 5.0, "")]


def test_call_takes_the_variables_by_position() -> None:
    e = parse("a / b")
    assert e(6.0, 3.0).data == 2.0
    with pytest.raises(ExpressionError, match=r"takes 2 values \(a, b\), got 1"):
        e(1.0)


def test_a_number_only_expression_gives_a_value() -> None:
    out = parse("-(2 * 3) + 1").evaluate({})
    assert isinstance(out, Value)
    assert out.data == -5.0


def test_number_only_parts_are_folded_into_constants() -> None:
    assert parse("2*3*x").postfix() == "6.0 x *"
    assert parse("x ** (1/2)").postfix() == "x 0.5 **"
    assert parse("x*2*3").postfix() == "x 2.0 * 3.0 *"  # (x*2)*3: nothing to fold
    assert parse("-x + exp(0)").postfix() == "x neg 1.0 +"
    assert parse("tanh(x*w + b)").postfix() == "x w * b + tanh"


def test_a_folded_exponent_stays_a_constant_with_no_gradient() -> None:
    # Were (1+1) a Value, backprop would give it d/db = out*log(x), NaN for x < 0, and anomaly
    # mode would stop on it.
    x = Value(-3.0, "x")
    with detect_anomaly():
        out = parse("x ** (1+1)").evaluate({"x": x})
        out.backward()
    assert (out.data, x.grad) == (9.0, -6.0)


def test_a_negative_literal_exponent_is_a_constant() -> None:
    x = Value(-2.0, "x")
    out = parse("x**-2").evaluate({"x": x})
    out.backward()
    assert out.data == 0.25
    assert x.grad == 0.25  # -2 * x**-3


def test_constant_errors_are_the_engines_errors() -> None:
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        parse("x + 1/0")
    with pytest.raises(ValueError, match=r"log\(\) of a non-positive value: -1.0"):
        parse("log(-1) * x")


def test_engine_errors_surface_when_evaluating() -> None:
    with pytest.raises(ValueError, match=r"sqrt\(\) of a negative value: -4.0"):
        parse("sqrt(x)").evaluate({"x": -4.0})


def test_repr_and_str_show_the_text() -> None:
    e = parse("  x + 1 ")
    assert str(e) == "x + 1"
    assert repr(e) == "Expression('x + 1')"
    assert isinstance(e, Expression)


def test_every_engine_function_can_be_called() -> None:
    assert set(FUNCTIONS) == {"exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos", "abs"}
    for name in FUNCTIONS:
        out = parse(f"{name}(x)").evaluate({"x": 0.5})
        assert out.op == name
        assert out.parents[0].label == "x"


# --- what it refuses ----------------------------------------------------------------------------

REFUSED = [
    ("x.real", "attribute access is not allowed: 'x.real'"),
    ("__import__('os').system('ls')", "only the engine's functions can be called"),
    ("a[0]", "subscript is not allowed: 'a[0]'"),
    ("lambda: 1", "lambda is not allowed"),
    ("exp(x=1)", "keyword arguments are not allowed: 'exp(x=1)'"),
    ("exp(x, y)", "exp() takes exactly one argument"),
    ("exp(*xs)", "exp() takes exactly one argument"),
    ("exp()", "exp() takes exactly one argument"),
    ("'x'", "string \"'x'\" is not a number"),
    ("True + x", "'True' is not a number"),
    ("None", "'None' is not a number"),
    ("1j * x", "'1j' is not a number"),
    ("x ^ 2", "operator ^ is not allowed: 'x ^ 2' (for a power write **)"),
    ("x // 2", "operator // is not allowed"),
    ("x % 2", "operator % is not allowed"),
    ("~x", "operator ~ is not allowed"),
    ("not x", "operator not is not allowed"),
    ("x < 1", "comparison is not allowed: 'x < 1'"),
    ("x and y", "'and'/'or' is not allowed"),
    ("x if y else z", "conditional expression is not allowed"),
    ("(x := 1)", "assignment expression is not allowed"),
    ("(x, y)", "tuple is not allowed"),
    ("[x]", "list is not allowed"),
    ("{x: 1}", "dict is not allowed"),
    ("f'{x}'", "f-string is not allowed"),
    ("[x for x in y]", "comprehension is not allowed"),
    ("print(x)", "unknown function 'print'"),
    ("(x)(2)", "unknown function 'x'"),
    ("tanh", "'tanh' is a function; call it, e.g. tanh(x)"),
    ("1e999 * x", "number '1e999' is too large for a float"),
    ("10**400 + x", "** overflows"),  # folded by the engine, which names the op
    ("x y", "cannot parse 'x y'"),
    ("x = 1", "cannot parse 'x = 1'"),
    ("import os", "cannot parse 'import os'"),
    ("", "empty expression"),
    ("   ", "empty expression"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_anything_outside_the_allow_list_is_refused_by_name(text: str, message: str) -> None:
    with pytest.raises((ExpressionError, OverflowError)) as info:
        parse(text)
    assert message in str(info.value)


def test_a_refused_piece_inside_a_larger_expression_names_both() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("tanh(x.real + 1)")
    message = str(info.value)
    assert "attribute access is not allowed: 'x.real' in 'tanh(x.real + 1)'" in message
    assert "exp, log, relu" in message  # says what is allowed


def test_parse_needs_a_string() -> None:
    with pytest.raises(TypeError, match="takes the expression as a str, got int"):
        parse(3)  # type: ignore[arg-type]


def test_missing_bindings_are_named_with_an_example() -> None:
    with pytest.raises(ExpressionError, match=r"no value for variable w, b in .*w=1.0 b=1.0"):
        parse("x*w + b").evaluate({"x": 1.0})


def test_unknown_bindings_are_named_with_the_real_variables() -> None:
    with pytest.raises(ExpressionError, match=r"unknown variable z: 'x\*w' uses x, w"):
        parse("x*w").evaluate({"x": 1.0, "w": 2.0, "z": 3.0})


def test_deep_expressions_evaluate_without_recursion_or_fail_cleanly() -> None:
    out = parse("+".join(["x"] * 500)).evaluate({"x": 1.0})
    assert out.data == 500.0
    # Python's own parser has a depth limit; past it the error is ours, not a RecursionError.
    for text in ("+".join(["x"] * 50_000), "(" * 5_000 + "x" + ")" * 5_000):
        try:
            e = parse(text)
        except ExpressionError as error:
            assert "nested too deeply" in str(error) or "cannot parse" in str(error)
        else:
            assert e.evaluate({"x": 1.0}).data == text.count("x")


# --- round trips against Python arithmetic on floats ------------------------------------------


def _pow(a: float, b: float) -> float:
    if (a == 0.0 and b < 0.0) or (a < 0.0 and not b.is_integer()):
        raise ValueError("not a real power")
    return math.pow(a, b)


def _sigmoid(a: float) -> float:
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _log(a: float) -> float:
    if a <= 0.0:
        raise ValueError("log of a non-positive value")
    return math.log(a)


def _div(a: float, b: float) -> float:
    return a / b


REFERENCE: dict[str, Callable[[float], float]] = {
    "abs": abs,
    "cos": math.cos,
    "exp": math.exp,
    "log": _log,
    "relu": lambda a: a if a > 0.0 else 0.0,
    "sigmoid": _sigmoid,
    "sin": math.sin,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
}
BINARY: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _div,
    "**": _pow,
}


@dataclass(frozen=True)
class Tree:
    """A random expression: its text and a Python function computing it on floats."""

    text: str
    compute: Callable[[dict[str, float]], float]


def _number(x: float) -> Tree:
    text = repr(x) if math.copysign(1.0, x) > 0 else f"({x!r})"  # -0.0 too
    return Tree(text, lambda env: x)


def _variable(name: str) -> Tree:
    return Tree(name, lambda env: env[name])


def _extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    def binary(op: str, a: Tree, b: Tree) -> Tree:
        f = BINARY[op]
        return Tree(f"({a.text} {op} {b.text})", lambda env: f(a.compute(env), b.compute(env)))

    def call(name: str, a: Tree) -> Tree:
        f = REFERENCE[name]
        return Tree(f"{name}({a.text})", lambda env: f(a.compute(env)))

    def negate(a: Tree) -> Tree:
        return Tree(f"(-{a.text})", lambda env: -a.compute(env))  # -x ** y is -(x ** y)

    return st.one_of(
        st.builds(binary, st.sampled_from(sorted(BINARY)), children, children),
        st.builds(call, st.sampled_from(sorted(REFERENCE)), children),
        st.builds(negate, children),
    )


NUMBERS = st.floats(-10, 10, allow_nan=False)
TREES = st.recursive(
    st.one_of(st.builds(_number, NUMBERS), st.sampled_from(["x", "y", "z"]).map(_variable)),
    _extend,
    max_leaves=12,
)


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@given(TREES, NUMBERS, NUMBERS, NUMBERS)
def test_parsed_text_computes_what_python_computes(
    tree: Tree, x: float, y: float, z: float
) -> None:
    env = {"x": x, "y": y, "z": z}
    try:
        expected = tree.compute(env)
    except (ArithmeticError, ValueError):
        # Python refuses (log of a negative, 1/0, overflow...): the engine must refuse too.
        with pytest.raises((ArithmeticError, ValueError)):
            expression = parse(tree.text)
            expression.evaluate({k: v for k, v in env.items() if k in expression.variables})
        return
    expression = parse(tree.text)
    bindings = {k: v for k, v in env.items() if k in expression.variables}
    got = expression.evaluate(bindings).data
    assert _same(got, expected), (tree.text, bindings, got, expected)


@given(TREES)
def test_variables_are_exactly_the_names_in_the_text(tree: Tree) -> None:
    try:
        expression = parse(tree.text)
    except (ArithmeticError, ValueError):
        return  # a constant part that fails (e.g. log of a negative number)
    assert set(expression.variables) == set(re.findall(r"\b[xyz]\b", tree.text))


def test_a_valid_expression_never_looks_up_source_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # Finding a node's text is linear in the source; doing it per node made parse quadratic
    # (2,000 terms took seconds). Only error messages may need it. (The lookup was
    # ast.get_source_segment, itself quadratic on a long line; it is expr_text.span now.)
    calls: list[object] = []
    real = expr.span
    monkeypatch.setattr(expr, "span", lambda *a, **k: calls.append(a) or real(*a))
    parse("+".join(["tanh(x)"] * 2000)).evaluate({"x": 0.5})
    assert calls == []
    with pytest.raises(ExpressionError, match=r"x\.real"):
        parse("tanh(x.real)")
    assert calls
