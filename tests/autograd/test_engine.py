"""The engine's contract: values, the graph, backprop's classic traps, modes and bad input."""

from __future__ import annotations

import gc
import math
import random
import threading
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, dot, grad, no_grad, topo_sort, vsum
from autograd.chain import chain_rule
from autograd.walk import backward

# --- construction ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", [3, 3.0, np.float64(3.0), np.float32(3.0), np.int64(3), Fraction(3), Decimal(3)]
)
def test_data_is_always_a_python_float(raw: object) -> None:
    v = Value(raw)  # type: ignore[arg-type]
    assert type(v.data) is float
    assert v.data == 3.0
    assert v.grad == 0.0 and type(v.grad) is float


@pytest.mark.parametrize("bad", ["3", b"3", None, [1.0], (1.0,), {1.0}, np.array([1.0, 2.0]), 1j])
def test_non_numbers_are_refused_with_a_clear_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match=r"Value\(\)"):
        Value(bad)  # type: ignore[arg-type]


def test_a_node_exposes_its_op_and_parents() -> None:
    a, b = Value(2.0, "a"), Value(3.0, "b")
    c = a * b
    assert c.op == "*" and c.parents == (a, b)
    assert a.op == "" and a.parents == ()
    assert float(c) == 6.0 and c.item() == 6.0
    assert a.label == "a" and c.label == ""


def test_equality_and_hashing_are_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b, a}) == 2


def test_repr_shows_data_grad_label_and_op() -> None:
    a = Value(2.0, "a")
    assert repr(a) == "Value(data=2.0, grad=0.0, label='a')"
    assert repr(a + 1) == "Value(data=3.0, grad=0.0, op='+')"


# --- operators against closed forms -------------------------------------------------------

finite = st.floats(-50, 50, allow_nan=False)
positive = st.floats(0.1, 20)


@given(finite, finite)
def test_binary_operators_with_numbers_on_either_side(x: float, c: float) -> None:
    cases = [
        (lambda v: v + c, x + c, 1.0),
        (lambda v: c + v, c + x, 1.0),
        (lambda v: v - c, x - c, 1.0),
        (lambda v: c - v, c - x, -1.0),
        (lambda v: v * c, x * c, c),
        (lambda v: c * v, c * x, c),
        (lambda v: -v, -x, -1.0),
        (lambda v: +v, x, 1.0),
    ]
    for f, value, slope in cases:
        v = Value(x)
        y = f(v)
        y.backward()
        assert y.data == value
        assert v.grad == slope


@given(finite, positive)
def test_division_both_ways(x: float, c: float) -> None:
    v = Value(x)
    (v / c).backward()
    assert v.grad == pytest.approx(1 / c, rel=1e-12)
    w = Value(c)
    y = x / w
    y.backward()
    assert y.data == pytest.approx(x / c, rel=1e-12)
    assert w.grad == pytest.approx(-x / c**2, rel=1e-12, abs=1e-300)


@given(positive, st.floats(-3, 3))
def test_power_with_number_and_value_exponents(x: float, p: float) -> None:
    v = Value(x)
    (v**p).backward()
    assert v.grad == pytest.approx(p * x ** (p - 1), rel=1e-9)
    base, exponent = Value(x), Value(p)
    y = base**exponent
    y.backward()
    assert y.data == pytest.approx(x**p, rel=1e-12)
    assert base.grad == pytest.approx(p * x ** (p - 1), rel=1e-9)
    assert exponent.grad == pytest.approx(x**p * math.log(x), rel=1e-9, abs=1e-12)
    e = Value(p)
    z = 2**e
    z.backward()
    assert z.data == pytest.approx(2**p) and e.grad == pytest.approx(2**p * math.log(2))


def test_integer_power_of_a_negative_base() -> None:
    v = Value(-2.0)
    y = v**3
    y.backward()
    assert y.data == -8.0 and v.grad == 12.0


def test_abs_and_its_kink() -> None:
    for x, slope in [(-2.0, -1.0), (3.0, 1.0), (0.0, 0.0)]:
        v = Value(x)
        y = abs(v)
        y.backward()
        assert y.data == abs(x) and v.grad == slope


def test_local_grads_are_the_chain_rule_factors() -> None:
    x, y = Value(3.0), Value(4.0)
    assert (x * y).local_grads() == (4.0, 3.0)
    assert (x / y).local_grads() == (0.25, -3.0 / 16.0)
    assert x.tanh().local_grads() == (1 - math.tanh(3.0) ** 2,)
    assert x.local_grads() == ()


# --- backprop's classic traps -------------------------------------------------------------


def test_a_node_used_twice_gets_the_sum_of_both_paths() -> None:
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    x2 = Value(3.0)
    (x2 + x2).backward()
    assert x2.grad == 2.0


def test_a_reused_interior_node_sums_over_its_uses() -> None:
    x = Value(2.0)
    h = x * 3.0  # interior, used three times
    y = h * h + h
    y.backward()
    # y = 9x^2 + 3x, dy/dx = 18x + 3
    assert x.grad == 39.0
    assert h.grad == 2 * 6.0 + 1


def test_diamond_graph() -> None:
    x = Value(0.7)
    a, b = x.sin(), x.cos()
    y = a * b  # both paths meet again
    y.backward()
    assert x.grad == pytest.approx(math.cos(1.4), rel=1e-12)


def test_backward_twice_doubles_every_grad_instead_of_compounding() -> None:
    x = Value(1.5)
    h = (x * x).tanh()  # interior nodes on the path must not feed stale grads forward
    y = h * 2.0
    y.backward()
    first = (x.grad, h.grad, y.grad)
    y.backward()
    assert (x.grad, h.grad, y.grad) == tuple(2 * g for g in first)


def test_zero_grad_resets_the_whole_graph() -> None:
    x, w = Value(1.0), Value(2.0)
    y = (x * w).relu() + w
    y.backward()
    assert w.grad != 0.0
    y.zero_grad()
    assert all(n.grad == 0.0 for n in topo_sort(y))


def test_a_million_deep_chain_backprops_without_recursion_error() -> None:
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = -y
    y.backward()
    assert x.grad == 1.0  # an even number of negations
    assert len(topo_sort(y)) == 1_000_001


def _live_values() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, Value))


def test_a_dropped_graph_is_freed_by_reference_counting_alone() -> None:
    gc.collect()
    gc.disable()
    try:
        before = _live_values()
        x = Value(0.3)
        y = x
        for i in range(2000):
            y = (y * 0.5 + i).sin() if i % 2 else autograd.vsum([y, x, 1.0])
        y.backward()
        assert y.grad == 1.0 and x.grad != 0.0
        during = _live_values()
        del y
        after = _live_values()
        # Nothing was left for the cycle collector to find.
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert during - before > 5000, (before, during, after)
    assert after - before == 1, (before, during, after)  # x alone


def test_topo_sort_puts_parents_first_and_each_node_once() -> None:
    rng = random.Random(0)
    leaves = [Value(rng.uniform(-1, 1)) for _ in range(5)]
    nodes = list(leaves)
    for _ in range(60):
        a, b = rng.choice(nodes), rng.choice(nodes)
        nodes.append((a * b + a).tanh() if rng.random() < 0.5 else a - b)
    order = topo_sort(nodes[-1])
    position = {id(n): i for i, n in enumerate(order)}
    assert len(position) == len(order)
    for n in order:
        for p in n.parents:
            assert position[id(p)] < position[id(n)]
    assert order[-1] is nodes[-1]


# --- n-ary nodes --------------------------------------------------------------------------


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=12), finite)
def test_dot_equals_the_chain_of_binary_nodes_it_replaces(pairs: list, b: float) -> None:
    ws = [Value(w) for w, _ in pairs]
    xs = [Value(x) for _, x in pairs]
    bias = Value(b)
    y = dot(ws, xs, bias)
    assert y.op == "dot" and len(y.parents) == 2 * len(pairs) + 1
    y.backward()
    ws2 = [Value(w) for w, _ in pairs]
    xs2 = [Value(x) for _, x in pairs]
    bias2 = Value(b)
    y2 = bias2
    for w, x in zip(ws2, xs2):
        y2 = y2 + w * x
    y2.backward()
    assert y.data == pytest.approx(y2.data, rel=1e-12, abs=1e-9)
    assert [w.grad for w in ws] == [w.grad for w in ws2]
    assert [x.grad for x in xs] == [x.grad for x in xs2]
    assert bias.grad == bias2.grad == 1.0


def test_dot_accepts_plain_numbers_and_no_bias() -> None:
    ws = [Value(2.0), Value(-1.0)]
    y = dot(ws, [3.0, np.float64(4.0)])
    y.backward()
    assert y.data == 2.0 and [w.grad for w in ws] == [3.0, 4.0]
    with pytest.raises(ValueError, match="as many weights as inputs"):
        dot(ws, [1.0])
    with pytest.raises(TypeError, match="dot"):
        dot(ws, ["a", 1.0])  # type: ignore[list-item]


def test_vsum_is_one_node() -> None:
    xs = [Value(float(i)) for i in range(10)]
    s = vsum([*xs, 0.5])
    assert s.op == "sum" and s.data == 45.5 and len(s.parents) == 11
    (s * s).backward()
    assert all(x.grad == 2 * 45.5 for x in xs)
    assert vsum([]).data == 0.0


# --- gradients as values: grad() and higher orders ----------------------------------------


def test_grad_leaves_dot_grad_alone_and_gives_zero_for_unrelated_inputs() -> None:
    x, w, unrelated = Value(2.0), Value(3.0), Value(5.0)
    x.grad, w.grad = 10.0, 20.0
    h = x * w
    h.grad = 7.0
    y = h.tanh() + x
    gx, gw, gu = grad(y, [x, w, unrelated])
    t = math.tanh(6.0)
    assert gx.data == pytest.approx(3 * (1 - t * t) + 1)
    assert gw.data == pytest.approx(2 * (1 - t * t))
    assert gu.data == 0.0
    assert (x.grad, w.grad, h.grad, y.grad) == (10.0, 20.0, 7.0, 0.0)
    assert gx.parents == ()


@given(st.floats(-3, 3))
def test_second_and_third_derivatives_of_tanh(x: float) -> None:
    v = Value(x)
    (d1,) = grad(v.tanh(), [v], create_graph=True)
    (d2,) = grad(d1, [v], create_graph=True)
    (d3,) = grad(d2, [v])
    t = math.tanh(x)
    assert d1.data == pytest.approx(1 - t * t, rel=1e-12, abs=1e-15)
    assert d2.data == pytest.approx(-2 * t * (1 - t * t), rel=1e-10, abs=1e-13)
    assert d3.data == pytest.approx(-2 * (1 - t * t) * (1 - 3 * t * t), rel=1e-10, abs=1e-12)


@given(st.floats(0.2, 3))
def test_higher_derivatives_of_x_to_the_x(x: float) -> None:
    v = Value(x)
    (d1,) = grad(v**v, [v], create_graph=True)
    (d2,) = grad(d1, [v], create_graph=True)
    (d3,) = grad(d2, [v])
    f, u = x**x, math.log(x) + 1
    assert d1.data == pytest.approx(f * u, rel=1e-12)
    assert d2.data == pytest.approx(f * (u * u + 1 / x), rel=1e-10)
    assert d3.data == pytest.approx(f * (u**3 + 3 * u / x - 1 / x**2), rel=1e-9)


def test_mixed_second_derivative() -> None:
    x, y = Value(1.3), Value(-0.4)
    f = (x * y).sin() + x * x * y
    gx, _ = grad(f, [x, y], create_graph=True)
    (gxy,) = grad(gx, [y])
    # d2f/dxdy = cos(xy) - xy sin(xy) + 2x
    xy = 1.3 * -0.4
    assert gxy.data == pytest.approx(math.cos(xy) - xy * math.sin(xy) + 2 * 1.3, rel=1e-12)


# --- no_grad ------------------------------------------------------------------------------


def test_no_grad_records_nothing_and_restores_the_switch() -> None:
    x = Value(2.0)
    with no_grad():
        assert not autograd.is_grad_enabled()
        y = x * x + 1
        with no_grad():
            pass
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()
    assert y.data == 5.0 and y.parents == () and y.op == ""
    z = x * x
    assert z.parents == (x, x)


def test_no_grad_as_a_decorator() -> None:
    @no_grad()
    def f(v: Value) -> Value:
        return v.exp()

    out = f(Value(0.0))
    assert out.data == 1.0 and out.parents == ()
    assert autograd.is_grad_enabled()


def test_no_grad_is_per_thread() -> None:
    seen: list[bool] = []

    def other() -> None:
        v = Value(1.0)
        seen.append(autograd.is_grad_enabled())
        seen.append(bool((v * v).parents))

    with no_grad():
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert seen == [True, True]


def test_no_grad_is_restored_after_an_exception() -> None:
    with pytest.raises(ZeroDivisionError), no_grad():
        Value(1.0) / 0
    assert autograd.is_grad_enabled()


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Value(-1.0).log(), ValueError, r"log\(\) of a non-positive value: -1.0"),
        (lambda: Value(0.0).log(), ValueError, r"log\(\) of a non-positive value: 0.0"),
        (lambda: Value(-4.0).sqrt(), ValueError, r"sqrt\(\) of a negative value: -4.0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"division by zero in /: 1.0 / 0.0"),
        (lambda: 3 / Value(0.0), ZeroDivisionError, r"division by zero in /: 3.0 / 0.0"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"\*\* of zero to a negative power"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, r"negative base .* -8.0"),
        (lambda: Value(-8.0) ** Value(0.5), ValueError, r"negative base .* -8.0"),
        (lambda: Value(1000.0).exp(), OverflowError, r"exp\(\) overflows for 1000.0"),
        (lambda: Value(10.0) ** 400, OverflowError, r"\*\* overflows: 10.0 \*\* 400"),
    ],
)
def test_bad_input_names_the_op_and_the_value(make, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        make()


def test_operators_with_non_numbers_raise_type_error() -> None:
    with pytest.raises(TypeError):
        Value(1.0) + "a"  # type: ignore[operator]
    with pytest.raises(TypeError):
        [1.0] * Value(2.0)  # type: ignore[operator]


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308])
def test_tanh_and_sigmoid_never_overflow(x: float) -> None:
    for method, limit in [("tanh", math.copysign(1.0, x)), ("sigmoid", 1.0 if x > 0 else 0.0)]:
        v = Value(x)
        y = getattr(v, method)()
        y.backward()
        assert y.data == limit
        assert math.isfinite(v.grad) and v.grad == 0.0


def test_sigmoid_is_accurate_in_both_tails() -> None:
    for x in [-30.0, -5.0, 0.0, 5.0, 30.0]:
        assert Value(x).sigmoid().data == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-15)


# --- the fast backward rules against the generic ones -------------------------------------


def _random_graph(seed: int) -> tuple[list[Value], Value]:
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1, 1)) for _ in range(6)]
    nodes = list(leaves)
    for _ in range(40):
        a, b = rng.choice(nodes), rng.choice(nodes)
        kind = rng.randrange(8)
        if kind == 0:
            n = a + b
        elif kind == 1:
            n = a - b
        elif kind == 2:
            n = a * b
        elif kind == 3:
            n = -a
        elif kind == 4:
            n = a.tanh()
        elif kind == 5:
            n = a.relu() + 0.1
        elif kind == 6:
            n = dot(rng.sample(nodes, 3), rng.sample(nodes, 3), b if rng.random() < 0.5 else None)
        else:
            n = vsum(rng.sample(nodes, 4))
        nodes.append(n * 0.5)
    return leaves, vsum(nodes[-10:])


@given(st.integers(0, 10_000))
def test_fast_paths_give_the_same_numbers_as_the_generic_rules(seed: int) -> None:
    results = []
    for fast in (True, False):
        leaves, out = _random_graph(seed)
        backward(out, fast=fast)
        results.append([n.grad for n in topo_sort(out)] + [x.grad for x in leaves])
    assert results[0] == pytest.approx(results[1], rel=1e-12, abs=1e-12)


def test_a_zero_gradient_is_not_propagated_and_dead_relus_give_zero() -> None:
    x, w = Value(0.0), Value(-2.0)
    dead = (w * 3.0).relu()  # 0, with a zero local derivative
    y = dead * x.sqrt()  # sqrt's derivative at 0 is infinite, but nothing flows into it
    y.backward()
    assert (w.grad, x.grad) == (0.0, 0.0)
    alive = (Value(-1.0) * w).relu()  # relu(2): the gradient flows
    alive.backward()
    assert w.grad == -1.0


def test_infinite_derivatives_at_zero_agree_across_paths() -> None:
    for f in (lambda v: v.sqrt(), lambda v: v**0.5, lambda v: v**0.25):
        x = Value(0.0)
        assert grad(f(x), [x])[0].data == math.inf
        assert grad(f(x), [x], create_graph=True)[0].data == math.inf
        y = Value(0.0)
        f(y).backward()
        assert y.grad == math.inf


def test_a_dead_relu_still_gets_its_own_grad_but_passes_nothing_back() -> None:
    x = Value(2.0)
    dead = (-x).relu()  # relu(-2) = 0: backprop treats it as a leaf
    y = dead * 3.0 + x
    y.backward()
    assert dead.grad == 3.0 and x.grad == 1.0
    y.backward()
    assert dead.grad == 6.0 and x.grad == 2.0  # accumulates, as every node does


@given(st.integers(0, 10_000))
def test_skipping_dead_relus_gives_the_same_grads_as_the_full_graph(seed: int) -> None:
    rng = random.Random(seed)
    xs = [Value(rng.uniform(-1, 1)) for _ in range(3)]
    ws = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(4)]
    hidden = [dot(w, xs, Value(rng.uniform(-0.5, 0.5))).relu() for w in ws]  # some dead
    out = vsum([(h * rng.uniform(-1, 1)).relu() for h in hidden]) + vsum(hidden) * 0.5
    params = [*xs, *(p for w in ws for p in w)]
    full = [g.data for g in grad(out, params, create_graph=True)]  # the Value path: no skipping
    out.backward()
    assert [p.grad for p in params] == pytest.approx(full, rel=1e-12, abs=1e-15)


def test_each_fast_rule_equals_its_generic_rule_node_by_node() -> None:
    # Backprop never calls a rule on a dead relu (it is a leaf for the walk), so check the
    # rules themselves, at ordinary points and at the special ones.
    from autograd import ops

    def nodes() -> list[Value]:
        a, b, c = Value(-1.5), Value(0.0), Value(2.5)
        return [
            a + c, a - c, a * c, a * a, -c, c.tanh(), a.relu(), b.relu(), c.relu(),
            dot([a, b], [c, a]), dot([a, b], [c, a], c), vsum([a, b, c, a]),
        ]  # fmt: skip

    # Every hand-written rule of the table is among these nodes.
    hand_written = {op for op in ops.ALL if op.backward is not chain_rule}
    assert {node._fn for node in nodes()} == hand_written
    for i, node in enumerate(nodes()):
        results = []
        for rule in (node._fn.backward, chain_rule):
            fresh = nodes()[i]  # the same node, with untouched parents
            rule(fresh, 0.75)
            results.append([p.grad for p in fresh.parents])
        assert results[0] == results[1], (node.op, results)
