"""The walk: backprop's classic traps, depth, memory, the ops' own rules against chain_rule."""

from __future__ import annotations

import gc
import math
import random
import sys
import threading
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, dot, grad, topo_sort, vsum
from autograd.chain import chain_rule
from autograd.walk import backward

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


# --- threads ----------------------------------------------------------------------------------


def _chain(n: int) -> tuple[Value, Value]:
    x = Value(0.5)
    y = x
    for i in range(n):
        y = y * 1.0001 if i % 2 else y + 0.25
    return x, y


def _in_threads(work: Callable[[], object], n: int = 8) -> None:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=work) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60.0)
        assert not any(t.is_alive() for t in threads), "a walk did not finish"
    finally:
        sys.setswitchinterval(old)


def test_eight_threads_backprop_one_graph_and_each_adds_its_share() -> None:
    # Issue 12: 8 concurrent y.backward() on a 20,000-node chain gave 27,774 to 796 million
    # times the single-thread x.grad, not 8 times.
    x, y = _chain(20_000)
    y.backward()
    single, interior = x.grad, y.parents[0].grad
    for _ in range(3):
        y.zero_grad()
        _in_threads(y.backward)
        assert x.grad == pytest.approx(8 * single, rel=1e-12)
        assert y.grad == 8.0 and y.parents[0].grad == pytest.approx(8 * interior, rel=1e-12)


def test_grad_and_explain_in_threads_leave_grad_alone_and_agree() -> None:
    x, y = _chain(2_000)
    (want,) = grad(y, [x])
    x.grad = 0.125
    results: list[float] = []

    def work() -> None:
        results.append(grad(y, [x])[0].data)
        results.append(autograd.explain(y).grad(x))
        y.backward()

    _in_threads(work)
    assert results == [want.data] * 16
    assert x.grad == pytest.approx(0.125 + 8 * want.data, rel=1e-12)
