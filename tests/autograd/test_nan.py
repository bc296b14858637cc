"""NaN never vanishes: one row per op of ``ops.TABLE``, forward and backward.

The promise (docs/reliability.md): an op with a NaN input has a NaN value, and its local
derivative with respect to each parent is NaN wherever that derivative depends on the NaN
input (relu and abs included: a relu of NaN is not dead). Every way of backpropagating
(the ops' fast float rules, the generic ``chain_rule``, ``grad`` with and without
``create_graph``) gives the same gradients, so the walk's shortcuts never turn a NaN into 0.
The two shortcuts that remain are documented choices: a node whose gradient is exactly 0
sends nothing back, and a relu that output 0 (dead) sends nothing back, even a NaN (as PyTorch).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from autograd import Value, dot, grad, ops, vsum
from autograd.walk import _interior, backward, gradients

NAN = math.nan

# Ordinary inputs for each op, at which every op is defined and smooth with non-zero
# derivatives (so a NaN upstream gradient has something to multiply).
ORDINARY: dict[str, list[float]] = {
    "+": [0.5, 2.0],
    "-": [0.5, 2.0],
    "*": [0.5, 2.0],
    "/": [0.5, 2.0],
    "**": [0.5, 2.0],
    "dot": [0.5, 2.0, 1.5, -1.0, 0.25],  # w1, w2, x1, x2, bias
    "sum": [0.5, 2.0, -1.0],
}
# Values the NaN input is replaced by, to see whether a derivative depends on it.
PROBES = (0.3, 0.7, 1.3, -0.7)


def _inputs(op: ops.Op) -> list[float]:
    return list(ORDINARY.get(op.name, [0.5]))


def _build(op: ops.Op, args: list[Value]) -> Value:
    """The node of ``op`` over ``args``, made as a user makes it (a method or a function)."""
    if op is ops.DOT:
        n = len(args) // 2
        return dot(args[:n], args[n : 2 * n], args[-1])
    if op is ops.SUM:
        return vsum(args)
    method: Callable[..., Value] = getattr(args[0], op.method)
    return method(*args[1:])


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _expected_locals(op: ops.Op, xs: list[float], i: int) -> list[float]:
    """d op / d x_j at ``xs`` whose entry ``i`` is NaN, from the op's rule at finite points.

    A derivative that takes the same value wherever the NaN input is put (``d(a+b)/da`` or,
    for ``a * b`` with ``a`` NaN, ``d/da = b``) keeps that value; one that changes with it
    (``d relu(a)/da``, ``d(a*b)/db = a``) is NaN at NaN.
    """
    seen: list[tuple[float, ...]] = []
    for r in PROBES:
        ys = [*xs[:i], r, *xs[i + 1 :]]
        try:
            out = op.forward(*ys)
        except (ValueError, ZeroDivisionError):
            continue  # outside the op's domain (log of a negative, say)
        seen.append(tuple(float(d) for d in op.local(out, *ys)))
    assert len(seen) >= 2
    return [col[0] if all(c == col[0] for c in col) else NAN for col in zip(*seen)]


def _all_ways(make: Callable[[], tuple[Value, list[Value]]]) -> dict[str, list[float]]:
    """The gradients of the leaves, by every path through the walk, on fresh graphs."""
    ways: dict[str, list[float]] = {}
    for name, fast in (("fast rules", True), ("chain_rule", False)):
        root, leaves = make()
        backward(root, fast=fast)
        ways[name] = [x.grad for x in leaves]
    root, leaves = make()
    found = gradients(root, 1.0)
    ways["gradients"] = [found.get(x, 0.0) for x in leaves]
    root, leaves = make()
    ways["grad"] = [g.data for g in grad(root, leaves)]
    root, leaves = make()
    ways["grad(create_graph)"] = [g.data for g in grad(root, leaves, create_graph=True)]
    return ways


CASES = [
    pytest.param(op, i, id=f"{op.name}[{i}]") for op in ops.TABLE for i in range(len(_inputs(op)))
]


@pytest.mark.parametrize(("op", "i"), CASES)
def test_a_nan_input_gives_a_nan_value(op: ops.Op, i: int) -> None:
    xs = _inputs(op)
    xs[i] = NAN
    assert math.isnan(_build(op, [Value(x) for x in xs]).data)
    assert math.isnan(op.forward(*xs))


@pytest.mark.parametrize(("op", "i"), CASES)
def test_a_nan_input_reaches_every_gradient_that_depends_on_it(op: ops.Op, i: int) -> None:
    xs = _inputs(op)
    xs[i] = NAN
    want = [3.0 * d for d in _expected_locals(op, xs, i)]

    def make() -> tuple[Value, list[Value]]:
        leaves = [Value(x) for x in xs]
        return _build(op, leaves) * 3.0, leaves

    for way, got in _all_ways(make).items():
        assert all(map(_same, got, want)), f"{way}: {got} != {want}"


@pytest.mark.parametrize("op", ops.TABLE, ids=lambda op: op.name)
def test_a_nan_gradient_flows_through_every_op(op: ops.Op) -> None:
    xs = _inputs(op)

    def make() -> tuple[Value, list[Value]]:
        leaves = [Value(x) for x in xs]
        return _build(op, leaves) * Value(NAN), leaves

    for way, got in _all_ways(make).items():
        assert all(math.isnan(g) for g in got), f"{way}: {got}"


def test_relu_of_nan_is_nan_and_not_dead() -> None:
    x = Value(NAN)
    y = x.relu()
    assert math.isnan(y.data)
    assert math.isnan(y.local_grads()[0])
    assert y in _interior(y, skip_dead=True)  # the walk does not skip it as a dead relu
    y.backward()
    assert math.isnan(x.grad)


def test_a_nan_weight_poisons_every_gradient_of_a_relu_network() -> None:
    # Two relu neurons feeding one: the NaN weight makes both hidden units NaN, so the
    # loss and every weight's gradient are NaN. (Before: relu(nan) was 0, the loss 1.0.)
    w1 = [Value(NAN), Value(0.5)]
    w2 = [Value(-0.3), Value(0.8)]
    v = [Value(1.5), Value(-2.0)]
    x = [1.0, 2.0]
    hidden = [dot(w1, x).relu(), dot(w2, x).relu()]
    loss = (dot(v, hidden) - 1.0) ** 2
    assert math.isnan(loss.data)
    loss.backward()
    assert all(math.isnan(p.grad) for p in (*w1, *w2, *v))


def test_dead_relu_and_zero_gradient_send_nothing_even_nan() -> None:
    # The two documented shortcuts: a relu that output 0 passes nothing back, and a node
    # whose gradient is exactly 0 runs no rule (0 x inf would be nan).
    z = Value(-1.0)
    root = z.relu() * Value(NAN) + z
    root.backward()
    assert z.grad == 1.0
    x = Value(0.0)
    root = x.sqrt() * 0.0 + x
    root.backward()
    assert x.grad == 1.0


@pytest.mark.parametrize("name", ["sin", "cos"])
@pytest.mark.parametrize("x", [math.inf, -math.inf])
def test_sin_and_cos_of_inf_say_so(name: str, x: float) -> None:
    with pytest.raises(ValueError, match=rf"^{name}\(\) of an infinite value: {x!r}; "):
        getattr(Value(x), name)()
    assert math.isnan(getattr(Value(NAN), name)().data)  # NaN is not refused: it flows


def test_nan_exponent_of_a_negative_base_is_nan_not_an_error() -> None:
    assert math.isnan((Value(-2.0) ** NAN).data)
    assert math.isnan((Value(-2.0) ** Value(NAN)).data)
    with pytest.raises(ValueError, match="non-integer exponent"):
        Value(-2.0) ** 0.5
