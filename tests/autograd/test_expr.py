"""The expression parser behind ``python -m autograd``: what it accepts, refuses and computes."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, detect_anomaly, expr
from autograd.expr import FUNCTIONS, Expression, ExpressionError, fold_name, parse

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


# --- hostile and huge input (issue 12, items 6 and 13) ----------------------------------------

MESSAGE_BOUND = 400  # an excerpt of 80 characters, the column and the allow-list


def test_a_huge_refusal_quotes_a_short_excerpt_and_the_operators_column() -> None:
    # The message used to echo the whole text (1,000,051 characters here).
    text = "a" * 1_000_000 + " % 2"
    with pytest.raises(ExpressionError) as info:
        parse(text)
    message = str(info.value)
    assert len(message) < MESSAGE_BOUND
    assert message.startswith("operator % is not allowed: 'aaa")
    # The excerpt keeps both ends, so the operator shows; the column is the %'s, in characters.
    assert re.search(r"'a+\.\.\.a+ % 2' at column 1000002;", message)


def test_a_refused_piece_inside_a_huge_text_is_quoted_in_a_short_window() -> None:
    text = " + ".join(["x"] * 100_000) + " + y.real"
    with pytest.raises(ExpressionError) as info:
        parse(text)
    message = str(info.value)
    assert len(message) < MESSAGE_BOUND
    assert message.startswith("attribute access is not allowed: '...")
    assert f"x + x + y.real' at column {text.index('.real') + 1};" in message


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("(x +\n y.real)", "at line 2, column 2"),  # lines and columns as an editor counts them
        ("ｘ + é + y.real", "at column 9"),  # characters, not UTF-8 bytes (ast's unit)
        ("tanh(x) + (\n  ｘ ^ 2)", "at line 2, column 5"),  # the operator's own column
    ],
)
def test_refusals_give_the_line_and_column_in_characters(text: str, where: str) -> None:
    with pytest.raises(ExpressionError, match=re.escape(where)):
        parse(text)


def test_a_huge_syntax_error_quotes_a_window_around_the_error() -> None:
    text = "x + " * 200_000 + "* y"
    with pytest.raises(ExpressionError) as info:
        parse(text)
    message = str(info.value)
    assert len(message) < MESSAGE_BOUND
    assert re.match(r"cannot parse '\.\.\.[x +]+ \* y': invalid syntax at column 800001$", message)


def test_binding_messages_list_a_few_names_and_say_how_many() -> None:
    text = " + ".join(f"v{k}" for k in range(10_000))
    with pytest.raises(ExpressionError) as info:
        parse(text).evaluate({})
    message = str(info.value)
    assert len(message) < MESSAGE_BOUND
    assert "no value for variable v0, v1, v2, v3, v4, ... (10000 in all)" in message


def test_a_flat_sum_of_3000_terms_is_a_chain_not_deep_nesting() -> None:
    x = Value(1.5, "x")
    out = parse(" + ".join(["x"] * 3000)).evaluate({"x": x})
    out.backward()
    assert (out.data, x.grad) == (4500.0, 3000.0)


def test_long_mixed_chains_compute_left_to_right_as_python_does() -> None:
    rng = random.Random(12)
    terms = [f"{rng.uniform(0.5, 2.0)!r}" for _ in range(6000)]
    ops = [rng.choice("+-*/") for _ in terms[1:]]
    text = "x" + "".join(f" {op} {term}" for op, term in zip(ops, terms[1:]))
    expected = _python_left_to_right(0.7, ops, [float(t) for t in terms[1:]])
    got = parse(text).evaluate({"x": 0.7}).data
    assert got == expected


def _python_left_to_right(x: float, ops: list[str], numbers: list[float]) -> float:
    """x op a op b ... as Python computes it (* and / first, then + and -, left to right)."""
    total, sign, product = 0.0, 1.0, x
    for op, number in zip(ops, numbers):
        if op == "*":
            product = product * number
        elif op == "/":
            product = product / number
        else:
            total = total + sign * product if sign > 0 else total - product
            sign, product = (1.0 if op == "+" else -1.0), number
    return total + product if sign > 0 else total - product


def test_long_chains_inside_calls_and_brackets_and_of_products_are_accepted() -> None:
    inner = " + ".join(["x"] * 4000)
    assert parse(f"tanh(({inner}) / 4000)").evaluate({"x": 0.5}).data == math.tanh(0.5)
    assert parse(" * ".join(["x"] * 4000)).evaluate({"x": 1.0}).data == 1.0
    assert parse("-" + " - ".join(["x"] * 4000)).evaluate({"x": 1.0}).data == -4000.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(" * 1000 + "x" + ")" * 1000, "too many nested parentheses"),
        ("tanh(" * 100_000 + "x" + ")" * 100_000, "too many nested parentheses"),
        ("-" * 100_000 + "x", "nested too deeply"),
        ("x**" * 100_000 + "x", "nested too deeply"),
    ],
)
def test_real_deep_nesting_is_still_refused_with_a_short_message(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert message in str(info.value)
    assert len(str(info.value)) < MESSAGE_BOUND


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (".real", "attribute access is not allowed"),
        (" % 2", "operator % is not allowed"),
        (" ^ 2", "operator ^ is not allowed (for a power write **)"),
        (" + 'a'", "string is not allowed"),
        (" + (lambda: 1)", "lambda is not allowed"),
        (" + [1][0]", "subscript or list is not allowed"),
        (" + print(1)", "unknown function 'print'"),
        (" + pi(x)", "pi is a constant, not a function"),
        (" + tanh(x, x)", "a second argument or a tuple is not allowed"),
        (" + tanh()", "an empty call is not allowed"),
        (" < 1", "comparison is not allowed"),
        (" + True", "'True' is not a number"),
    ],
)
def test_a_long_chain_with_a_refused_piece_names_it(tail: str, message: str) -> None:
    text = " + ".join(["x"] * 4000) + tail
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert message in str(info.value)
    assert len(str(info.value)) < MESSAGE_BOUND


def test_pi_and_e_are_constants() -> None:
    x = Value(1.0, "x")
    out = parse("e**x * sin(pi/2)").evaluate({"x": x})
    out.backward()
    assert out.data == pytest.approx(math.e, rel=1e-15)
    assert x.grad == pytest.approx(math.e, rel=1e-15)  # d/dx e**x = e**x
    assert parse("2*pi").evaluate({}).data == 2 * math.pi
    assert parse("e + x").variables == ("x",)
    assert parse("2*pi*x").postfix() == f"{2 * math.pi!r} x *"  # folded like any number
    assert parse("1e3 * x").postfix() == "1000.0 x *"  # the e of a literal is not the constant


@pytest.mark.parametrize("name", ["pi", "e", "ｅ"])
def test_pi_and_e_are_refused_as_binding_names(name: str) -> None:
    with pytest.raises(ExpressionError, match=r"is the constant .*not a variable; give your"):
        parse("x + 1").evaluate({"x": 1.0, name: 2.0})


def test_a_lookalike_name_is_the_same_variable_in_the_text_and_in_the_bindings() -> None:
    # Python reads the fullwidth ｘ as x (NFKC); a binding written ｘ=1 must mean it too.
    expression = parse("ｘ * 2")
    assert expression.variables == ("x",)
    assert expression.evaluate({"ｘ": 3.0}).data == 6.0
    assert expression.evaluate({"x": 3.0}).data == 6.0
    leaf = expression.evaluate({"ｘ": 3.0}).parents[0]
    assert leaf.label == "x"
    assert fold_name("ｘ") == "x" and fold_name("ﬁ") == "fi" and fold_name("x") == "x"


def test_two_bindings_folding_to_one_name_are_refused() -> None:
    with pytest.raises(ExpressionError, match="x, ｘ name the same variable x"):
        parse("x * 2").evaluate({"x": 1.0, "ｘ": 2.0})


def test_a_binding_name_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="a variable's name is a str, got int"):
        parse("x").evaluate({1: 2.0})  # type: ignore[dict-item]
