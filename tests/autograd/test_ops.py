"""Every derivative rule of the engine, one table row per op, checked against two oracles.

Each row gives an engine expression, the same function on floats, and its first and second
derivatives in closed form (third for a few), with a domain kept away from kinks and poles.
Hypothesis draws the inputs. The engine's derivatives must match

* the closed forms, and
* fourth-order central differences in float64 (of the forward value for first derivatives,
  of backprop's gradient for second ones, and so on),

for ``backward()``, ``grad()``, ``grad(create_graph=True)`` and the generic (non-fast) backward
rules alike. Where PyTorch is importable, values and first/second derivatives must also match
torch in float64.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, detect_anomaly, dot, expr, grad, ops, topo_sort, vsum
from autograd.walk import backward, gradients

Floats = Sequence[float]
Grad = Callable[..., tuple[float, ...]]
Hess = Callable[..., tuple[tuple[float, ...], ...]]

# Domains: each keeps its functions smooth and finite, so finite differences mean something.
anywhere = st.floats(-3.0, 3.0)
wide = st.floats(-6.0, 6.0)
positive = st.floats(0.05, 5.0)
away_from_zero = st.one_of(st.floats(-3.0, -0.1), st.floats(0.1, 3.0))


@dataclass(frozen=True)
class Row:
    """One op: the engine expression, its float function and closed-form derivatives."""

    name: str
    build: Callable[..., Value]  # on Values: the engine op under test
    f: Callable[..., float]  # on floats: the same function, for the forward value
    grad: Grad  # closed-form first derivatives, one per argument
    hess: Hess  # closed-form second derivatives, [i][j] = d2f / dx_i dx_j
    domain: tuple[st.SearchStrategy[float], ...]
    d3: Callable[[float], float] | None = None  # third derivative, for a few unary rows
    torch: Callable[..., Any] | None = None  # the same on torch tensors, if build won't do


def unary(
    name: str,
    build: Callable[[Value], Value],
    f: Callable[[float], float],
    d1: Callable[[float], float],
    d2: Callable[[float], float],
    domain: st.SearchStrategy[float] = anywhere,
    d3: Callable[[float], float] | None = None,
) -> Row:
    return Row(name, build, f, lambda x: (d1(x),), lambda x: ((d2(x),),), (domain,), d3)


def zero_hess(n: int) -> Hess:
    return lambda *xs: tuple((0.0,) * n for _ in range(n))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _sigmoid3(x: float) -> float:
    s = _sigmoid(x)
    return s * (1 - s) * (1 - 6 * s * (1 - s))


def _tanh3(x: float) -> float:
    t = math.tanh(x)
    return (1 - t * t) * (6 * t * t - 2)


def _xx3(x: float) -> float:
    u = math.log(x) + 1.0
    return float(x**x) * (u**3 + 3 * u / x - 1 / x**2)


# --- one row per op --------------------------------------------------------------------------

FUNCTIONS = [
    unary("neg", lambda x: -x, lambda x: -x, lambda x: -1.0, lambda x: 0.0),
    unary("abs", abs, abs, lambda x: math.copysign(1.0, x), lambda x: 0.0, away_from_zero),
    unary("exp", lambda x: x.exp(), math.exp, math.exp, math.exp, st.floats(-5.0, 5.0),
          d3=math.exp),
    unary("log", lambda x: x.log(), math.log, lambda x: 1 / x, lambda x: -1 / x**2, positive,
          d3=lambda x: 2 / x**3),
    unary("sqrt", lambda x: x.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x),
          lambda x: -0.25 / x**1.5, positive, d3=lambda x: 0.375 / x**2.5),
    unary("tanh", lambda x: x.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2,
          lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2), st.floats(-4.0, 4.0), _tanh3),
    unary("sigmoid", lambda x: x.sigmoid(), _sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
          lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x)), wide,
          d3=_sigmoid3),
    unary("relu", lambda x: x.relu(), lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0,
          lambda x: 0.0, away_from_zero),
    unary("sin", lambda x: x.sin(), math.sin, math.cos, lambda x: -math.sin(x), wide,
          d3=lambda x: -math.cos(x)),
    unary("cos", lambda x: x.cos(), math.cos, lambda x: -math.sin(x), lambda x: -math.cos(x), wide,
          d3=math.sin),
]  # fmt: skip


def _with_numbers(c: float) -> list[Row]:
    """The four arithmetic ops with the number ``c`` on either side."""
    return [
        unary(f"x + {c!r}", lambda x: x + c, lambda x: x + c, lambda x: 1.0, lambda x: 0.0),
        unary(f"{c!r} + x", lambda x: c + x, lambda x: c + x, lambda x: 1.0, lambda x: 0.0),
        unary(f"x - {c!r}", lambda x: x - c, lambda x: x - c, lambda x: 1.0, lambda x: 0.0),
        unary(f"{c!r} - x", lambda x: c - x, lambda x: c - x, lambda x: -1.0, lambda x: 0.0),
        unary(f"x * {c!r}", lambda x: x * c, lambda x: x * c, lambda x: c, lambda x: 0.0),
        unary(f"{c!r} * x", lambda x: c * x, lambda x: c * x, lambda x: c, lambda x: 0.0),
        unary(f"x / {c!r}", lambda x: x / c, lambda x: x / c, lambda x: 1 / c, lambda x: 0.0),
        unary(f"{c!r} / x", lambda x: c / x, lambda x: c / x, lambda x: -c / x**2,
              lambda x: 2 * c / x**3, away_from_zero),
    ]  # fmt: skip


def _power(c: float) -> Row:
    """``x ** c`` with a number exponent; negative bases only for whole exponents."""
    domain = away_from_zero if float(c).is_integer() else positive
    return unary(
        f"x ** {c!r}",
        lambda x: x**c,
        lambda x: float(x**c),
        lambda x: c * x ** (c - 1),
        lambda x: c * (c - 1) * x ** (c - 2),
        domain,
    )


def _exponential(c: float) -> Row:
    """``c ** x``: a number base, a Value exponent."""
    ln = math.log(c)
    return unary(
        f"{c!r} ** x",
        lambda x: c**x,
        lambda x: float(c**x),
        lambda x: c**x * ln,
        lambda x: c**x * ln * ln,
        anywhere,
    )


# Both Values. x ** y needs a positive base for d/dy = x**y log x to be real.
BINARY = [
    Row("x + y", lambda x, y: x + y, lambda x, y: x + y, lambda x, y: (1.0, 1.0), zero_hess(2),
        (anywhere, anywhere)),
    Row("x - y", lambda x, y: x - y, lambda x, y: x - y, lambda x, y: (1.0, -1.0), zero_hess(2),
        (anywhere, anywhere)),
    Row("x * y", lambda x, y: x * y, lambda x, y: x * y, lambda x, y: (y, x),
        lambda x, y: ((0.0, 1.0), (1.0, 0.0)), (anywhere, anywhere)),
    Row("x / y", lambda x, y: x / y, lambda x, y: x / y, lambda x, y: (1 / y, -x / y**2),
        lambda x, y: ((0.0, -1 / y**2), (-1 / y**2, 2 * x / y**3)), (anywhere, away_from_zero)),
    Row("x ** y", lambda x, y: x**y, lambda x, y: x**y,
        lambda x, y: (y * x ** (y - 1), x**y * math.log(x)),
        lambda x, y: ((y * (y - 1) * x ** (y - 2), x ** (y - 1) * (1 + y * math.log(x))),
                      (x ** (y - 1) * (1 + y * math.log(x)), x**y * math.log(x) ** 2)),
        (st.floats(0.2, 4.0), st.floats(-2.5, 2.5))),
]  # fmt: skip

# A Value meeting itself: the gradient must add up over both paths.
SHARED = [
    unary("x * x", lambda x: x * x, lambda x: x * x, lambda x: 2 * x, lambda x: 2.0),
    unary("x - x", lambda x: x - x, lambda x: 0.0, lambda x: 0.0, lambda x: 0.0),
    unary("x / x", lambda x: x / x, lambda x: 1.0, lambda x: 0.0, lambda x: 0.0, away_from_zero),
    unary("x ** x", lambda x: x**x, lambda x: x**x, lambda x: x**x * (math.log(x) + 1),
          lambda x: x**x * ((math.log(x) + 1) ** 2 + 1 / x), st.floats(0.2, 3.0), d3=_xx3),
    Row("vsum([x, x, y])", lambda x, y: vsum([x, x, y]), lambda x, y: 2 * x + y,
        lambda x, y: (2.0, 1.0), zero_hess(2), (anywhere, anywhere),
        torch=lambda x, y: x + x + y),
    Row("dot([x, y], [x, x], y)", lambda x, y: dot([x, y], [x, x], y),
        lambda x, y: x * x + y * x + y, lambda x, y: (2 * x + y, x + 1),
        lambda x, y: ((2.0, 1.0), (1.0, 0.0)), (anywhere, anywhere),
        torch=lambda x, y: x * x + y * x + y),
]  # fmt: skip


def _dot_row(n: int, bias: bool) -> Row:
    """``dot(ws, xs, b)`` over 2n (+1) Values: d/dw_i = x_i, d/dx_i = w_i, d/db = 1."""
    k = 2 * n + bias

    def build(*v: Value) -> Value:
        return dot(v[:n], v[n : 2 * n], v[2 * n] if bias else None)

    def f(*v: Any) -> Any:
        total = sum((w * x for w, x in zip(v[:n], v[n : 2 * n])), 0.0 * v[0])
        return total + v[2 * n] if bias else total

    def hess(*v: float) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(1.0 if abs(i - j) == n and i < 2 * n and j < 2 * n else 0.0
                           for j in range(k)) for i in range(k))  # fmt: skip

    return Row(
        f"dot n={n}{' +b' if bias else ''}",
        build,
        f,
        lambda *v: (*v[n : 2 * n], *v[:n], *((1.0,) if bias else ())),
        hess,
        (anywhere,) * k,
        torch=f,
    )


def _dot_numbers_row(cs: tuple[float, ...]) -> Row:
    """``dot(ws, numbers)``: the numbers become leaves, so ws get them as gradients."""
    n = len(cs)
    return Row(
        f"dot(ws, {list(cs)})",
        lambda *ws: dot(ws, list(cs)),
        lambda *ws: math.fsum(w * c for w, c in zip(ws, cs)),
        lambda *ws: cs,
        zero_hess(n),
        (anywhere,) * n,
        torch=lambda *ws: sum((w * c for w, c in zip(ws, cs)), 0.0 * ws[0]),
    )


def _vsum_row(n: int) -> Row:
    return Row(
        f"vsum n={n}",
        lambda *v: vsum(v),
        lambda *v: math.fsum(v),
        lambda *v: (1.0,) * n,
        zero_hess(n),
        (anywhere,) * n,
        torch=lambda *v: sum(v[1:], v[0]),
    )


NARY = [
    *(_dot_row(n, bias) for n in (1, 2, 3, 5) for bias in (False, True)),
    _dot_numbers_row((1.5, -2.0, 0.25)),
    *(_vsum_row(n) for n in (1, 2, 3, 7)),
    Row("vsum([x, 2.5, y])", lambda x, y: vsum([x, 2.5, y]), lambda x, y: x + 2.5 + y,
        lambda x, y: (1.0, 1.0), zero_hess(2), (anywhere, anywhere),
        torch=lambda x, y: x + 2.5 + y),
]  # fmt: skip

ROWS: list[Row] = [
    *FUNCTIONS,
    *_with_numbers(2.5),
    *_with_numbers(-3),  # an int, which must be wrapped like a float
    *(_power(c) for c in (2, 3, 0, 1, -1, -2, 2.0, 0.5, 1.5, -2.5)),
    *(_exponential(c) for c in (2, 0.5, 10.0, math.e)),
    *BINARY,
    *SHARED,
    *NARY,
]
IDS = [row.name for row in ROWS]
THIRD = [row for row in ROWS if row.d3 is not None]


def test_every_op_has_a_row() -> None:
    # Building each row once must touch every op of the table (and POW's number-exponent twin).
    seen: set[ops.Op] = set()
    for row in ROWS:
        xs = [1.0 if d is not away_from_zero else 0.5 for d in row.domain]
        out = row.build(*[Value(x) for x in xs])
        seen |= {node._fn for node in topo_sort(out)}
    assert set(ops.ALL) <= seen, sorted(op.name for op in set(ops.ALL) - seen)
    assert len(ops.BY_NAME) == len(ops.TABLE) >= 17  # one entry per name


def _made_by_method(op: ops.Op) -> Value:
    """The op's node, made through the method its entry names."""
    x, y = Value(0.5, "x"), Value(2.0, "y")
    if op.arity is None:  # an n-ary op is a function of autograd: dot(ws, xs), vsum(values)
        function = getattr(autograd, op.method)
        return function([x], [y]) if op.method == "dot" else function([x, y])
    method = getattr(Value, op.method)
    return method(x) if op.arity == 1 else method(x, y)


@pytest.mark.parametrize("op", ops.TABLE, ids=[op.name for op in ops.TABLE])
def test_op_contract_method_and_parser_entry(op: ops.Op) -> None:
    # The method the entry names makes a node of exactly this entry.
    assert _made_by_method(op)._fn is op
    # Every op with one or two inputs can be written in an expression, as its symbol says.
    if op.arity is None:
        assert op.symbol is None
        return
    assert op.symbol is not None, f"{op.name} has no symbol for the expression parser"
    if op.arity == 2:
        text = f"x {op.symbol} y"
    elif op.precedence is not None:  # a prefix operator: -x
        text = f"{op.symbol}x"
    else:
        assert expr.FUNCTIONS[op.symbol] is getattr(Value, op.method)
        text = f"{op.symbol}(x)"
    out = expr.parse(text).evaluate({"x": 0.5, "y": 2.0} if op.arity == 2 else {"x": 0.5})
    assert out._fn is op, (text, out.op)


@pytest.mark.parametrize("op", ops.ALL, ids=[f"{op.name}#{i}" for i, op in enumerate(ops.ALL)])
def test_op_contract_vectorised_twins_agree_with_the_float_rules(op: ops.Op) -> None:
    # The compiler replays every op with the numpy twins of its entry: they must exist and
    # give, element by element, what forward and local give on floats.
    np = pytest.importorskip("numpy")
    assert op.np_forward is not None and op.np_local is not None, f"{op.name}: no numpy rules"
    rows = [[0.7, 1.3, 0.4, 2.0, -0.5], [1.5, 0.25, -1.2, 0.9, 3.0], [0.3, 2.5, 0.8, 1.1, 0.6]]
    k = op.arity if op.arity is not None else 5
    cols = [np.array([r[j] for r in rows]) for j in range(k)]
    outs = [op.forward(*r[:k]) for r in rows]
    if op.arity is None:
        got_out = op.np_forward(np, np.array([r[:k] for r in rows]))
        got_local = op.np_local(np, got_out, np.array([r[:k] for r in rows]))
        want_local = [op.local(o, *r[:k]) for o, r in zip(outs, rows)]
        assert np.allclose(got_local, want_local, rtol=1e-14), op.name
    else:
        got_out = op.np_forward(np, *cols)
        got_local = op.np_local(np, got_out, *cols)
        for j, d in enumerate(got_local):
            want = [op.local(o, *r[:k])[j] for o, r in zip(outs, rows)]
            assert np.allclose(np.broadcast_to(d, (3,)), want, rtol=1e-14), (op.name, j)
    assert np.allclose(got_out, outs, rtol=1e-14), op.name


def test_the_parser_and_explain_read_the_table() -> None:
    calls = {op.name for op in ops.TABLE if op.arity == 1 and op.precedence is None}
    assert set(expr.FUNCTIONS) == calls
    names_module = sys.modules["autograd.names"]
    infix = {op.name: op.precedence for op in ops.TABLE if op.precedence is not None}
    assert infix == names_module._PRECEDENCE
    assert infix == {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


# --- oracles ---------------------------------------------------------------------------------


def central(f: Callable[[list[float]], float], xs: Floats, j: int) -> float:
    """d f / d x_j by the fourth-order central difference (error ~ h**4 f''''' / 30)."""
    # A step relative to x keeps x +- 2h inside positive domains and resolves x**c near 0.
    h = 1e-3 * max(0.05, abs(xs[j]))

    def at(step: float) -> float:
        point = list(xs)
        point[j] += step
        return f(point)

    return (8.0 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12.0 * h)


def close(got: float, want: float, *, rel: float, scale: float = 1.0) -> bool:
    """Relative agreement, with an absolute floor for values near 0 (relative to ``scale``)."""
    return abs(got - want) <= rel * abs(want) + 1e-9 * scale


def _leaves(xs: Floats) -> list[Value]:
    return [Value(x, f"x{k}") for k, x in enumerate(xs)]


def _value(row: Row) -> Callable[[list[float]], float]:
    return lambda p: row.build(*_leaves(p)).data


def _first(row: Row, i: int) -> Callable[[list[float]], float]:
    """x -> backprop's d f / d x_i (float path), for differencing into second derivatives."""

    def d(p: list[float]) -> float:
        leaves = _leaves(p)
        return grad(row.build(*leaves), leaves)[i].data

    return d


def _draw(data: st.DataObject, row: Row) -> list[float]:
    return [data.draw(d, label=f"x{k}") for k, d in enumerate(row.domain)]


# --- the checks ------------------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=IDS)
@settings(max_examples=25)
@given(data=st.data())
def test_forward_and_first_derivatives(row: Row, data: st.DataObject) -> None:
    xs = _draw(data, row)
    leaves = _leaves(xs)
    out = row.build(*leaves)
    scale = 1.0 + abs(out.data)
    assert close(out.data, row.f(*xs), rel=1e-12, scale=1e-3)
    want = row.grad(*xs)

    got = [g.data for g in grad(out, leaves)]
    out.backward()
    assert [leaf.grad for leaf in leaves] == got, "backward() and grad() disagree"
    graphed = [g.data for g in grad(out, leaves, create_graph=True)]
    for k, x in enumerate(xs):
        assert close(got[k], want[k], rel=1e-9, scale=1e-3), f"d/dx{k} vs closed form at {x}"
        fd = central(_value(row), xs, k)
        assert close(got[k], fd, rel=1e-6, scale=scale), f"d/dx{k} vs differences at {x}"
        assert close(graphed[k], got[k], rel=1e-12, scale=1e-6), "create_graph changes d/dx"


@pytest.mark.parametrize("row", ROWS, ids=IDS)
@settings(max_examples=15)
@given(data=st.data())
def test_generic_anomaly_and_local_grads_agree(row: Row, data: st.DataObject) -> None:
    """The fast rules, the generic rules, anomaly mode and ``local_grads`` are one chain rule."""
    xs = _draw(data, row)
    leaves = _leaves(xs)
    out = row.build(*leaves)
    want = [g.data for g in grad(out, leaves)]
    generic = gradients(out, 1.0, fast=False)
    assert [generic.get(leaf, 0.0) for leaf in leaves] == pytest.approx(want, rel=1e-12, abs=1e-15)
    with detect_anomaly():
        assert [g.data for g in grad(out, leaves)] == pytest.approx(want, rel=1e-12, abs=1e-15)
    # Reverse accumulation by hand, with the local factors that explain() prints.
    adjoint: dict[Value, float] = {out: 1.0}
    for node in reversed(topo_sort(out)):
        for parent, local in zip(node.parents, node.local_grads(), strict=True):
            adjoint[parent] = adjoint.get(parent, 0.0) + adjoint.get(node, 0.0) * local
    by_hand = [adjoint.get(leaf, 0.0) for leaf in leaves]
    assert by_hand == pytest.approx(want, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
@settings(max_examples=15)
@given(data=st.data())
def test_second_derivatives(row: Row, data: st.DataObject) -> None:
    xs = _draw(data, row)
    leaves = _leaves(xs)
    first = grad(row.build(*leaves), leaves, create_graph=True)
    want = row.hess(*xs)
    for i, g in enumerate(first):
        got = [h.data for h in grad(g, leaves)]
        # The oracle: differences of backprop's first derivative along each input.
        scale = 1.0 + abs(g.data)
        for j, x in enumerate(xs):
            where = f"d2/dx{i}dx{j} at {x}"
            assert close(got[j], want[i][j], rel=1e-9, scale=1e-3), f"{where} vs closed form"
            fd = central(_first(row, i), xs, j)
            assert close(got[j], fd, rel=1e-6, scale=scale), f"{where} vs differences"


@pytest.mark.parametrize("row", THIRD, ids=[row.name for row in THIRD])
@settings(max_examples=15)
@given(data=st.data())
def test_third_derivatives(row: Row, data: st.DataObject) -> None:
    assert row.d3 is not None
    (x,) = _draw(data, row)
    leaf = Value(x)
    (d1,) = grad(row.build(leaf), [leaf], create_graph=True)
    (d2,) = grad(d1, [leaf], create_graph=True)
    (d3,) = grad(d2, [leaf])
    assert close(d3.data, row.d3(x), rel=1e-9, scale=1e-3), "vs closed form"

    def second(p: list[float]) -> float:
        v = Value(p[0])
        (g,) = grad(row.build(v), [v], create_graph=True)
        return grad(g, [v])[0].data

    assert close(d3.data, central(second, [x], 0), rel=1e-6, scale=1.0 + abs(d2.data))


# --- PyTorch as a third oracle ---------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=IDS)
@settings(max_examples=6)  # torch's per-call overhead dominates; the other oracles go wider
@given(data=st.data())
def test_matches_torch(row: Row, data: st.DataObject) -> None:
    torch = pytest.importorskip("torch")
    xs = _draw(data, row)
    # torch's pow backward masks d/dx to 0 where the exponent is 0, which also cuts d/dy of
    # it: torch says d2(x**y)/dx dy = 0 at y = 0, where it is x**-1 (and the engine says so).
    assume(not (row.name == "x ** y" and xs[1] == 0.0))
    leaves = _leaves(xs)
    out = row.build(*leaves)
    first = grad(out, leaves, create_graph=True)
    hess = [[h.data for h in grad(g, leaves)] for g in first]

    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    t_out = (row.torch or row.build)(*ts)
    t_first = torch.autograd.grad(t_out, ts, create_graph=True, allow_unused=True)
    t_first = [g if g is not None else torch.zeros((), dtype=torch.float64) for g in t_first]
    assert out.data == pytest.approx(t_out.item(), rel=1e-12, abs=1e-14)
    assert [g.data for g in first] == pytest.approx(
        [g.item() for g in t_first], rel=1e-10, abs=1e-12
    )
    for i, g in enumerate(t_first):
        if g.requires_grad:
            row_i = torch.autograd.grad(g, ts, allow_unused=True)
            t_row = [0.0 if h is None else h.item() for h in row_i]
        else:
            t_row = [0.0] * len(xs)
        assert hess[i] == pytest.approx(t_row, rel=1e-10, abs=1e-12), f"d2/dx{i}"


# --- the edges the rules special-case --------------------------------------------------------

# Where a derivative is a kink, a pole or undefined, the rules pick PyTorch's convention.
# (name, expression, inputs, d/dx_i as backward() gives them)
EDGES: list[tuple[str, Callable[..., Any], list[float], list[float]]] = [
    ("relu at 0", lambda x: x.relu(), [0.0], [0.0]),
    ("abs at 0", lambda x: abs(x), [0.0], [0.0]),
    ("sqrt at 0", lambda x: x.sqrt(), [0.0], [math.inf]),
    ("sqrt at -0.0", lambda x: x.sqrt(), [-0.0], [math.inf]),  # torch says -inf: 1 / (2 * -0.0)
    ("sqrt at 1", lambda x: x.sqrt(), [1.0], [0.5]),
    ("x ** 0.5 at 1", lambda x: x**0.5, [1.0], [0.5]),
    ("x ** y at 1, 0.5", lambda x, y: x**y, [1.0, 0.5], [0.5, 0.0]),
    ("x ** 0.5 at 0", lambda x: x**0.5, [0.0], [math.inf]),
    ("x ** 0 at 0", lambda x: x**0, [0.0], [0.0]),
    ("x ** 1 at 0", lambda x: x**1, [0.0], [1.0]),
    ("x ** 2 at 0", lambda x: x**2, [0.0], [0.0]),
    ("x ** y at 0, 2", lambda x, y: x**y, [0.0, 2.0], [0.0, 0.0]),
    ("x ** y at 0, 0", lambda x, y: x**y, [0.0, 0.0], [0.0, 0.0]),
    ("x ** y at 0, 0.5", lambda x, y: x**y, [0.0, 0.5], [math.inf, 0.0]),
    ("x ** y at -2, 2", lambda x, y: x**y, [-2.0, 2.0], [-4.0, math.nan]),
    ("x ** y at -2, 3", lambda x, y: x**y, [-2.0, 3.0], [12.0, math.nan]),
]


@pytest.mark.parametrize(("name", "build", "xs", "want"), EDGES, ids=[e[0] for e in EDGES])
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "generic"])
def test_derivatives_at_the_edges(
    name: str, build: Callable[..., Any], xs: list[float], want: list[float], fast: bool
) -> None:
    leaves = _leaves(xs)
    out = build(*leaves)
    backward(out, fast=fast)
    got = [leaf.grad for leaf in leaves]
    assert got == pytest.approx(want, nan_ok=True)
    # The factors explain() shows are the same ones.
    locals_ = dict(zip(out.parents, out.local_grads()))
    assert [locals_[leaf] for leaf in leaves] == pytest.approx(want, nan_ok=True)


@pytest.mark.parametrize(("name", "build", "xs", "want"), EDGES, ids=[e[0] for e in EDGES])
def test_edges_match_torch(
    name: str, build: Callable[..., Any], xs: list[float], want: list[float]
) -> None:
    torch = pytest.importorskip("torch")
    if name == "sqrt at -0.0":
        pytest.skip("torch divides by 2 * sqrt(-0.0) = -0.0; the engine keeps the slope's sign")
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    build(*ts).backward()
    assert [t.grad.item() for t in ts] == pytest.approx(want, nan_ok=True)


def test_a_number_exponent_gets_no_gradient() -> None:
    # The wrapped exponent is a constant: its local derivative is 0, never log(-2) * ... = nan.
    x = Value(-2.0)
    y = x**3
    assert y.local_grads() == (12.0, 0.0)
    y.backward()
    exponent = y.parents[1]
    assert (x.grad, exponent.grad) == (12.0, 0.0)
    (dx, dc) = grad(y, [x, exponent], create_graph=True)
    assert (dx.data, dc.data) == (12.0, 0.0)
