"""micrograd's names on Value (autograd/micrograd_names.py), and attributes of the user's own.

``_backward()`` is checked for every op of the table against central differences of the
op's forward function and against ``backward()``; ``_prev`` and ``_op`` against what they are
views of. User attributes and the label's new home must not break copying, saving, the
compiler, or a node's size. And ``dot`` adds in micrograd's order, so a neuron's value is
micrograd's to the bit.
"""

from __future__ import annotations

import copy
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import nn
from autograd import Value, compile, detect_anomaly, dot, ops, vsum

G = 1.7  # the upstream gradient a node is given before its _backward()


def _node(op: ops.Op) -> tuple[Value, list[Value]]:
    """A node made by ``op`` at a point where it is smooth, and its parents' leaves."""
    if op is ops.POW_CONST:
        x = Value(0.7)
        return x**1.3, [x]
    if op is ops.DOT:
        xs = [Value(v) for v in (0.7, 1.3, -0.4, 0.9, 0.5)]
        return dot(xs[:2], xs[2:4], xs[4]), xs
    if op is ops.SUM:
        xs = [Value(v) for v in (0.7, 1.3, -0.4)]
        return vsum(xs), xs
    xs = [Value(v) for v in (0.7, 1.3)[: op.arity]]
    return getattr(xs[0], op.method)(*xs[1:]), xs


def _central(f: object, xs: list[float], i: int, h: float = 1e-4) -> float:
    """d f / d x_i by the fourth-order central difference, in float64."""

    def at(step: float) -> float:
        point = list(xs)
        point[i] += step
        return f(*point)  # type: ignore[operator, no-any-return]

    return (8.0 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12.0 * h)


@pytest.mark.parametrize("op", ops.ALL, ids=lambda op: f"{op.name}{'c' * (op is ops.POW_CONST)}")
def test_backward_step_adds_upstream_times_the_local_derivative(op: ops.Op) -> None:
    y, _ = _node(op)
    assert y._fn is op and y._op == op.name != ""
    parents = y.parents
    start = [p.grad for p in parents]  # 0.0; a parent that appears twice still starts at 0
    y.grad = G
    y._backward()
    datas = [p.data for p in parents]
    for i, p in enumerate(parents):
        constant = op is ops.POW_CONST and i == 1  # a number exponent: nothing flows to it
        expected = 0.0 if constant else G * _central(op.forward, datas, i)
        assert p.grad - start[i] == pytest.approx(expected, rel=1e-8, abs=1e-10), (op, i)


@pytest.mark.parametrize("op", ops.ALL, ids=lambda op: f"{op.name}{'c' * (op is ops.POW_CONST)}")
def test_stepping_one_node_by_hand_equals_backward(op: ops.Op) -> None:
    by_hand, leaves = _node(op)
    by_hand.grad = 1.0
    by_hand._backward()
    walked, same = _node(op)
    walked.backward()
    for a, b in zip(leaves, same):
        assert a.grad == pytest.approx(b.grad, rel=1e-15, abs=0.0)
    assert by_hand.grad == walked.grad == 1.0


def test_backward_step_does_nothing_at_a_leaf_and_adds_again_when_repeated() -> None:
    x = Value(2.0)
    x.grad = 3.0
    x._backward()
    assert x.grad == 3.0
    y = x.tanh()
    y.grad = 2.0
    y._backward()
    y._backward()
    assert x.grad == pytest.approx(3.0 + 2 * 2.0 * (1 - math.tanh(2.0) ** 2), rel=1e-15)


def test_backward_step_under_detect_anomaly_names_the_op_and_adds_nothing() -> None:
    x = Value(0.0)
    y = x.sqrt()  # d sqrt / dx is infinite at 0
    y.grad = 1.0
    with detect_anomaly(), pytest.raises(FloatingPointError, match="sqrt"):
        y._backward()
    assert x.grad == 0.0
    y._backward()  # outside: the product is added, infinity and all, as micrograd would
    assert x.grad == math.inf


def test_prev_and_op_are_read_only_views() -> None:
    a, b = Value(2.0), Value(3.0)
    y = a * b
    prev = y._prev
    prev.clear()  # a new set at each read: the graph is untouched
    assert y._prev == {a, b} and y.parents == (a, b)
    assert vars(y) == {}  # nothing stored per node
    for name in ("_prev", "_op"):
        with pytest.raises(AttributeError):
            setattr(y, name, None)
    assert "_prev" not in Value.__slots__ and "_op" not in Value.__slots__
    assert vsum([a, b, a])._prev == {a, b}
    assert y.relu()._op == "relu" and (-y)._op == "neg" and Value(1.0)._op == ""


def test_a_label_is_stored_only_where_it_is_set() -> None:
    x = Value(1.0, "x")
    y = x * 2.0
    assert (x.label, y.label, Value(1.0).label) == ("x", "", "")
    assert vars(x) == {"label": "x"} and vars(y) == {}
    y.label = "y"
    assert y.label == "y" and repr(y).endswith("label='y', op='*')")
    assert x.detach().label == "x"
    with detect_anomaly():
        traced = x * 3.0
    assert traced.label == "" and vars(traced) == {}


def test_a_model_with_user_attributes_copies_saves_and_compiles(tmp_path: Path) -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    for p in model.parameters():
        p.m = 0.5 * p.data  # an optimizer's state, micrograd-style
    labels = [p.label for p in model.parameters()]
    assert all(labels)

    twin = copy.deepcopy(model)
    assert [p.label for p in twin.parameters()] == labels
    assert [p.m for p in twin.parameters()] == [p.m for p in model.parameters()]
    assert all(a is not b for a, b in zip(twin.parameters(), model.parameters()))
    assert twin([0.3, -1.2]).data == model([0.3, -1.2]).data

    path = tmp_path / "model.json"
    nn.save(model, path)
    loaded = nn.load(path)
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]
    assert [p.label for p in loaded.parameters()] == labels

    xs = [Value(0.3, "x0"), Value(-1.2, "x1")]
    out = model(xs)
    out.colour = "red"  # an attribute on an interior node too
    graph = compile(out, check=True)
    xs[0].data = 0.9
    assert graph.forward() == pytest.approx(model([0.9, -1.2]).data, rel=1e-12)


def test_a_node_stays_small_whatever_attributes_users_set() -> None:
    # In a fresh interpreter (CPython sizes every node's attribute array by the names the
    # class has seen): set many names first, then measure plain and labelled nodes.
    script = textwrap.dedent(
        """
        import sys, tracemalloc
        from autograd import Value
        def per_node(label, n=20000):
            a, b = Value(1.5), Value(2.5)
            keep = [None] * n
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
            for i in range(n):
                keep[i] = v = a * b
                if label:
                    v.label = "y"
            after = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
            return round((after - before) / n)
        plain = per_node(False)
        p = Value(1.0)
        for k in range(int(sys.argv[1])):
            setattr(p, "attr%d" % k, k)
        print(plain, per_node(False), per_node(True))
        """
    )
    root = Path(__file__).resolve().parents[2]
    for names in (0, 12):
        result = subprocess.run(
            [sys.executable, "-c", script, str(names)],
            capture_output=True, text=True, check=True, cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
        )  # fmt: skip
        fresh, after_names, labelled = map(int, result.stdout.split())
        assert fresh == after_names == labelled, (names, result.stdout)


def test_dot_adds_the_bias_first_then_each_product_left_to_right() -> None:
    # Float addition is not associative: with these numbers every other order differs.
    ws = [Value(1.0), Value(1.0), Value(1.0)]
    xs = [Value(1e16), Value(1.0), Value(-1e16)]
    bias = Value(1.0)
    in_order = ((1.0 + 1e16) + 1.0) + -1e16  # micrograd: sum((wi*xi for ...), self.b)
    assert in_order != ((1e16 + 1.0) + -1e16) + 1.0  # the products first, the bias last
    y = dot(ws, xs, bias)
    assert y.data == in_order
    assert ops.DOT.forward(*[p.data for p in y.parents]) == in_order  # the table's forward too
    assert dot(ws, [1e16, 1.0, -1e16]).data == (1e16 + 1.0) + -1e16  # numbers, no bias
