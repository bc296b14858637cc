"""micrograd's client code runs on chainrule: the lecture, the exercises, demo and trace_graph.

Each client program in ``tests/micrograd_clients`` is run with chainrule's ``Value`` (and
``nn.micrograd``) and, where micrograd can run it, with micrograd 0.1.0's, and the numbers
must agree to 1e-12. micrograd 0.1.0 has no ``exp`` or ``tanh``; the lecture's ``Value``
adds them, so the ``lecture_micrograd`` fixture adds them to micrograd's ``Value`` for the
length of a test, written the lecture's way (a closure per node).
"""

from __future__ import annotations

import gc
import math
import os
import random
import tracemalloc
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from micrograd_clients import demo, exercises, lecture_part1, lecture_part2, trace_graph

import nn
import nn.micrograd
from autograd import Value, draw_dot, explain, topo_sort

try:
    import micrograd.engine as mg_engine
    import micrograd.nn as mg_nn
except ImportError:  # pragma: no cover - micrograd is in the test extra
    mg_engine = mg_nn = None  # type: ignore[assignment]

needs_micrograd = pytest.mark.skipif(mg_engine is None, reason="micrograd 0.1.0 not installed")
TOL = 1e-12


def assert_close(ours: Any, theirs: Any, tol: float = TOL) -> None:
    """Equal to ``tol`` (relative above 1), element by element, through dicts and lists."""
    if isinstance(ours, dict):
        assert ours.keys() == theirs.keys()
        for key in ours:
            assert_close(ours[key], theirs[key], tol)
    elif isinstance(ours, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_close(a, b, tol)
    else:
        assert abs(float(ours) - float(theirs)) <= tol * max(1.0, abs(float(theirs))), (
            ours,
            theirs,
        )


@pytest.fixture
def lecture_micrograd(monkeypatch: pytest.MonkeyPatch) -> Any:
    """micrograd's ``Value`` with the lecture's ``exp`` and ``tanh``, for one test."""
    if mg_engine is None:
        pytest.skip("micrograd 0.1.0 not installed")
    MV = mg_engine.Value

    def exp(self: Any) -> Any:
        out = MV(math.exp(self.data), (self,), "exp")

        def _backward() -> None:
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def tanh(self: Any) -> Any:
        out = MV(math.tanh(self.data), (self,), "tanh")

        def _backward() -> None:
            self.grad += (1 - out.data**2) * out.grad

        out._backward = _backward
        return out

    monkeypatch.setattr(MV, "exp", exp, raising=False)
    monkeypatch.setattr(MV, "tanh", tanh, raising=False)
    return MV


# --- micrograd's demo, side by side -----------------------------------------------------

# micrograd takes about 0.1 s per demo step for 32 samples (1 s for 100, most of it in the
# cyclic garbage collector), so the side-by-side run keeps the demo's 100 steps and model
# but uses 32 of its 100 points. The full demo agrees too (losses to 3e-16, parameters to
# 9e-16, the same accuracy at every step): set MICROGRAD_FULL_DEMO=1 to run it.
DEMO_SAMPLES = 100 if os.environ.get("MICROGRAD_FULL_DEMO") else 32


@pytest.fixture(scope="module")
def moons() -> tuple[np.ndarray, np.ndarray]:
    X, y = nn.make_moons(DEMO_SAMPLES, noise=0.1, seed=1)
    return X, y * 2 - 1  # labels -1 and +1, numpy ints as in the demo


def _train_micrograd(X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """micrograd's demo loop, its garbage collected once per step (it makes cycles)."""

    def collect(_: Any) -> None:
        gc.collect(0)  # the step's nodes are all still in the youngest generation

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return demo.train(mg_engine.Value, mg_nn, X, y, after_step=collect)
    finally:
        if was_enabled:
            gc.enable()


@needs_micrograd
def test_the_demo_trains_as_micrograd_does(moons: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = moons
    ours = demo.train(Value, nn.micrograd, X, y)
    theirs = _train_micrograd(X, y)
    assert len(ours["losses"]) == 100
    # Before the first update only the forward pass counts: the same floats, to the bit.
    assert ours["losses"][0] == theirs["losses"][0]
    assert_close(ours["losses"], theirs["losses"])
    assert ours["accuracies"] == theirs["accuracies"]
    assert ours["accuracies"][-1] >= 0.9  # it learned: a broken backward would not get here
    assert_close(
        [p.data for p in ours["model"].parameters()],
        [p.data for p in theirs["model"].parameters()],
    )
    grid = [[u, v] for u in np.linspace(-2, 3, 6) for v in np.linspace(-1.5, 2, 6)]
    assert demo.decision(ours["model"], Value, grid) == demo.decision(
        theirs["model"], mg_engine.Value, grid
    )


# --- the lecture, first half -------------------------------------------------------------

# d/dx of L = (a*b + c) * f, and of o = tanh(x1*w1 + x2*w2 + b), worked out by hand.
EXPRESSION_GRADS = {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0, "e": -2.0, "d": -2.0, "L": 1.0}


def _neuron_grads() -> dict[str, float]:
    x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
    dn = 1.0 - math.tanh(x1 * w1 + x2 * w2 + b) ** 2
    return {
        "x1": dn * w1, "x2": dn * w2, "w1": dn * x1, "w2": dn * x2, "b": dn,
        "x1w1": dn, "x2w2": dn, "x1w1x2w2": dn, "n": dn, "o": 1.0,
    }  # fmt: skip


def test_the_lecture_arithmetic_matches_micrograd(lecture_micrograd: Any) -> None:
    ours = lecture_part1.arithmetic(Value)
    assert_close(ours, lecture_part1.arithmetic(lecture_micrograd))
    assert ours["a / b"] == 0.5 and ours["2 * a"] == 4.0 and ours["1 - a"] == -1.0


def test_nudging_the_inputs_finds_the_derivatives() -> None:
    slopes = lecture_part1.nudged_slopes(Value)
    for x, slope in slopes.items():
        assert abs(slope - EXPRESSION_GRADS[x]) < 1e-6  # L is linear in each input


@pytest.mark.parametrize("tanh_from_exp", [False, True])
def test_the_neuron_backward_matches_micrograd(
    tanh_from_exp: bool, lecture_micrograd: Any
) -> None:
    ours = lecture_part1.neuron_by_backward(Value, tanh_from_exp)
    theirs = lecture_part1.neuron_by_backward(lecture_micrograd, tanh_from_exp)
    assert_close(ours, theirs)
    leaves = ("x1", "x2", "w1", "w2", "b")
    assert_close({k: ours[k] for k in leaves}, {k: _neuron_grads()[k] for k in leaves})
    assert abs(lecture_part1.neuron(Value, tanh_from_exp)["o"].data - math.sqrt(0.5)) < 1e-9


def test_the_neuron_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    g = lecture_part1.neuron(Value)
    g["o"].backward()
    names = ("x1", "x2", "w1", "w2", "b")
    t = {k: torch.tensor([g[k].data], dtype=torch.float64, requires_grad=True) for k in names}
    o = torch.tanh(t["x1"] * t["w1"] + t["x2"] * t["w2"] + t["b"])
    o.backward()
    assert abs(o.item() - g["o"].data) < TOL
    assert_close([g[k].grad for k in names], [t[k].grad.item() for k in names])


def test_a_node_used_twice_collects_both_contributions(lecture_micrograd: Any) -> None:
    ours = lecture_part1.reused_node(Value)
    assert_close(ours, lecture_part1.reused_node(lecture_micrograd))
    # f = x*y * (x + y): df/dx = y*(x+y) + x*y, df/dy = x*(x+y) + x*y
    assert ours["a"] == 2.0 and ours["x"] == -3.0 and ours["y"] == -8.0


def test_explain_replays_the_hand_steps_with_their_numbers() -> None:
    # What chainrule offers at the lecture's manual backprop: the same steps, recorded.
    g = lecture_part1.neuron(Value)
    steps = explain(g["o"])
    assert [step.node for step in steps][:2] == [g["o"], g["n"]]
    assert_close({k: steps.grads[v] for k, v in g.items()}, _neuron_grads())
    assert all(v.grad == 0.0 for v in g.values())  # explain leaves .grad alone


def test_draw_dot_draws_an_nn_micrograd_model_with_its_gradients() -> None:
    random.seed(1337)
    model = nn.micrograd.MLP(2, [3, 1])
    out = model([Value(1.0), Value(-2.0)])
    out.backward()
    source = draw_dot(out, max_nodes=None).source
    assert source.count("_op [label=") == len([n for n in topo_sort(out) if n.parents])
    assert f"grad {model.layers[1].neurons[0].b.grad:g}" in source


def test_backprop_by_hand_steps_one_node_at_a_time(lecture_micrograd: Any) -> None:
    ours = lecture_part1.expression_by_hand(Value)
    assert ours == EXPRESSION_GRADS
    assert_close(ours, lecture_part1.expression_by_hand(lecture_micrograd))
    by_hand = lecture_part1.neuron_by_hand(Value)
    assert_close(by_hand, lecture_part1.neuron_by_backward(Value))
    assert_close(by_hand, _neuron_grads())


def test_backward_of_a_leaf_or_a_zero_gradient_changes_nothing() -> None:
    x = Value(3.0)
    x.grad = 5.0
    x._backward()
    assert x.grad == 5.0
    y = x * 2.0
    y._backward()  # y.grad is 0: nothing flows
    assert x.grad == 5.0
    y.grad = 1.0
    y._backward()
    y._backward()  # as micrograd's: each call adds its step again
    assert x.grad == 9.0


@pytest.mark.parametrize("tanh_from_exp", [False, True])
def test_build_topo_over_prev_then_backward_steps(tanh_from_exp: bool) -> None:
    by_topo = lecture_part1.neuron_by_topo(Value, tanh_from_exp)
    assert_close(by_topo, lecture_part1.neuron_by_backward(Value, tanh_from_exp))
    g = lecture_part1.neuron(Value, tanh_from_exp)
    topo = lecture_part1.build_topo(g["o"])
    assert set(topo) == set(topo_sort(g["o"]))
    position = {v: i for i, v in enumerate(topo)}
    assert all(position[p] < position[v] for v in topo for p in v._prev)


def test_prev_is_the_set_of_parents() -> None:
    a, b = Value(2.0), Value(3.0)
    assert a._prev == set()
    assert (a * b)._prev == {a, b}
    assert (a + a)._prev == {a}
    assert type((a * b).tanh()._prev) is set
    c = a * 4.0  # the constant is a leaf parent, as in micrograd
    assert a in c._prev and len(c._prev) == 2


def test_op_is_a_string_and_empty_for_a_leaf() -> None:
    a, b = Value(2.0), Value(3.0)
    assert a._op == ""
    for node in (a * b, a + b, a - b, a / b, a**2, a.exp(), a.tanh(), a.relu()):
        assert isinstance(node._op, str) and node._op == node.op != ""
        assert str(id(node)) + node._op == f"{id(node)}{node.op}"


def test_values_take_attributes_set_by_the_user() -> None:
    p = Value(1.0)
    p.m = 0  # an optimizer's moment, kept on the parameter
    p.m += 0.5
    attribute = "_vis_color"  # as a drawing helper sets it, by name
    setattr(p, attribute, "red")
    assert (p.m, p._vis_color) == (0.5, "red")
    with pytest.raises(AttributeError):
        _ = Value(1.0).m  # set on one Value, not on all
    y = p * 2.0  # still an ordinary node
    y.backward()
    assert p.grad == 2.0


@needs_micrograd
def test_a_node_costs_at_most_a_fifth_of_micrograds_memory() -> None:
    def bytes_per_node(V: Any, n: int = 20_000) -> float:
        a, b = V(1.5), V(2.5)
        keep: list[Any] = [None] * n
        gc.collect()
        tracemalloc.start()
        try:
            before, _ = tracemalloc.get_traced_memory()
            for i in range(n):
                keep[i] = a * b
            after, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return (after - before) / n

    assert bytes_per_node(Value) <= 0.2 * bytes_per_node(mg_engine.Value)


# --- the lecture, second half ------------------------------------------------------------


def test_the_lectures_own_mlp_trains_as_on_micrograd(lecture_micrograd: Any) -> None:
    ours = lecture_part2.train(Value)
    theirs = lecture_part2.train(lecture_micrograd)
    assert_close(ours, theirs)
    assert ours["losses"][-1] < 0.1 * ours["losses"][0]


def test_chainrule_mlp_runs_the_lectures_loop() -> None:
    model = nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=0)
    xs, ys = lecture_part2.XS, lecture_part2.YS
    losses = []
    for _ in range(20):
        ypred = [model(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    assert all(isinstance(y, Value) for y in ypred)
    final = [model(x).data for x in xs]  # after the last update, as predict() sees the model
    assert_close(final, list(model.predict(xs)[:, 0]), 1e-9)
    assert losses[-1] < 0.5 * losses[0]


# --- the exercises -----------------------------------------------------------------------


def test_the_exercise_derivatives_agree() -> None:
    by_hand = exercises.gradf(*exercises.POINT)
    value, by_backprop = exercises.f_by_backprop(Value)
    assert abs(value - exercises.f(*exercises.POINT)) < TOL
    assert_close(by_backprop, by_hand)
    assert_close(exercises.one_sided(), by_hand, 1e-4)  # error O(h)
    assert_close(exercises.symmetric(), by_hand, 1e-8)  # error O(h**2)


def test_the_exercise_softmax_loss_gradient_is_softmax_minus_onehot() -> None:
    loss, grads = exercises.nll_by_backprop(Value, target=3)
    e = [math.exp(x) for x in exercises.LOGITS]
    probs = [x / sum(e) for x in e]
    assert abs(loss + math.log(probs[3])) < TOL
    assert_close(grads, [p - (i == 3) for i, p in enumerate(probs)])


def test_the_exercise_softmax_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    logits = torch.tensor(exercises.LOGITS, dtype=torch.float64, requires_grad=True)
    loss = -torch.log_softmax(logits, 0)[3]
    loss.backward()
    ours, grads = exercises.nll_by_backprop(Value, target=3)
    assert abs(ours - loss.item()) < TOL
    assert_close(grads, logits.grad.tolist())


# --- trace_graph ---------------------------------------------------------------------------


def _check_drawing(root: Any) -> None:
    """The drawing has a record per node with its numbers, and an op node per interior node."""
    nodes, edges = trace_graph.trace(root)
    graph = trace_graph.draw_dot(root)
    source = graph.source.replace('"', "")
    for n in nodes:
        assert f"{{ data {n.data:.4f} | grad {n.grad:.4f} }}" in source
        if n._op:
            assert f"{id(n)}{n._op} -> {id(n)}" in source
    assert len(edges) == sum(len(n._prev) for n in nodes)
    assert b"<svg" in graph.pipe(format="svg")


@needs_micrograd
def test_trace_graph_runs_on_micrograd() -> None:
    # The baseline the chainrule run below is held to.
    _, y = trace_graph.example_expression(mg_engine.Value)
    _check_drawing(y)


@needs_micrograd
def test_trace_graph_draws_as_on_micrograd() -> None:
    x, y = trace_graph.example_expression(Value)
    mx, my = trace_graph.example_expression(mg_engine.Value)
    assert (x.grad, y.data, y.grad) == (mx.grad, my.data, my.grad) == (2.0, 3.0, 1.0)
    nodes, edges = trace_graph.trace(y)
    mnodes, medges = trace_graph.trace(my)
    assert len(nodes) == len(mnodes) and len(edges) == len(medges)
    assert sorted((n.data, n.grad) for n in nodes) == sorted((n.data, n.grad) for n in mnodes)
    _check_drawing(y)

    xs, neuron, out = trace_graph.example_neuron(Value, nn.micrograd)
    mxs, mneuron, mout = trace_graph.example_neuron(mg_engine.Value, mg_nn)
    assert out.data == mout.data
    assert_close([v.grad for v in xs], [v.grad for v in mxs])
    assert_close([p.grad for p in neuron.parameters()], [p.grad for p in mneuron.parameters()])
    _check_drawing(out)


# --- micrograd-style modules on chainrule's own nn.Module ----------------------------------


class _Affine(nn.Module):
    """Written as micrograd's modules are: no super().__init__(), its own parameters()."""

    def __init__(self) -> None:
        self.w = Value(random.uniform(-1, 1))
        self.b = Value(0.0)

    def __call__(self, x: Any) -> Any:
        return self.w * x + self.b

    def parameters(self) -> list[Value]:
        return [self.w, self.b]


def test_a_micrograd_style_subclass_works_on_nn_module() -> None:
    random.seed(0)
    m = _Affine()
    y = m(Value(3.0))
    y.backward()
    assert (m.w.grad, m.b.grad) == (3.0, 1.0)
    m.zero_grad()
    assert (m.w.grad, m.b.grad) == (0.0, 0.0)
    assert [name for name, _ in m.named_parameters()] == ["w", "b"]


@pytest.fixture(autouse=True)
def _keep_random_state() -> Iterator[None]:
    """The clients seed Python's ``random``; leave it as the test found it."""
    state = random.getstate()
    yield
    random.setstate(state)
