"""nn.micrograd: micrograd 0.1.0's nn on chainrule's engine, number for number."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from autograd import Value, gradcheck
from nn.micrograd import MLP, Layer, Module, Neuron

try:
    import micrograd.engine as mg_engine
    import micrograd.nn as mg_nn
except ImportError:  # pragma: no cover - micrograd is in the test extra
    mg_engine = mg_nn = None

# The tests that compare with micrograd itself; the others run without it.
needs_micrograd = pytest.mark.skipif(mg_nn is None, reason="micrograd 0.1.0 not installed")


@pytest.fixture(autouse=True)
def _keep_random_state() -> Iterator[None]:
    state = random.getstate()
    yield
    random.setstate(state)


def _pair(make: str, *args: Any, seed: int = 1337, **kwargs: Any) -> tuple[Any, Any]:
    """The same module built by nn.micrograd and by micrograd, each from ``random.seed(seed)``."""
    random.seed(seed)
    ours = globals()[make](*args, **kwargs)
    after_ours = random.getstate()
    random.seed(seed)
    theirs = getattr(mg_nn, make)(*args, **kwargs)
    assert random.getstate() == after_ours  # the same number of draws
    return ours, theirs


def _random_biases(ours: Any, theirs: Any, seed: int) -> None:
    """Give both models the same non-zero biases, so the order of the sums shows."""
    rng = random.Random(seed)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        if p.data == 0.0:
            p.data = q.data = rng.uniform(-1, 1)


@needs_micrograd
def test_the_same_seed_gives_micrograds_weights_to_the_bit() -> None:
    ours, theirs = _pair("MLP", 2, [16, 16, 1])
    assert len(ours.parameters()) == len(theirs.parameters()) == 337
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert all(n.b.data == 0.0 for layer in ours.layers for n in layer.neurons)
    assert all(-1.0 <= w.data <= 1.0 for n in ours.layers[0].neurons for w in n.w)


@needs_micrograd
@pytest.mark.parametrize(
    ("make", "args", "kwargs"),
    [
        ("Neuron", (3,), {}),
        ("Neuron", (3,), {"nonlin": False}),
        ("Layer", (2, 3), {}),
        ("Layer", (2, 1), {"nonlin": False}),
        ("MLP", (3, [4, 4, 1]), {}),
        ("MLP", (2, [2]), {}),
    ],
)
def test_reprs_are_micrograds(make: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    ours, theirs = _pair(make, *args, **kwargs)
    assert repr(ours) == repr(theirs)


@needs_micrograd
@pytest.mark.parametrize("seed", range(5))
def test_the_forward_pass_is_micrograds_to_the_bit(seed: int) -> None:
    ours, theirs = _pair("MLP", 3, [8, 8, 2], seed=seed)
    _random_biases(ours, theirs, seed)
    rng = random.Random(100 + seed)
    for _ in range(20):
        x = [rng.uniform(-3, 3) for _ in range(3)]
        out = ours([Value(v) for v in x])
        ref = theirs([mg_engine.Value(v) for v in x])
        assert [o.data for o in out] == [r.data for r in ref]


@needs_micrograd
def test_the_gradients_are_micrograds() -> None:
    ours, theirs = _pair("MLP", 2, [6, 6, 1], seed=7)
    _random_biases(ours, theirs, 7)
    xs = [[0.5, -1.5], [2.0, 0.25], [-1.0, -1.0]]
    loss = sum((ours(x) - t) ** 2 for x, t in zip(xs, [1.0, -1.0, 0.5]))
    ref = sum((theirs(x) - t) ** 2 for x, t in zip(xs, [1.0, -1.0, 0.5]))
    loss.backward()
    ref.backward()
    assert loss.data == ref.data
    grads = [p.grad for p in ours.parameters()]
    assert any(g != 0.0 for g in grads)
    for g, r in zip(grads, [p.grad for p in theirs.parameters()]):
        assert abs(g - r) <= 1e-13 * max(1.0, abs(r))


def test_the_gradients_agree_with_finite_differences() -> None:
    random.seed(3)
    model = MLP(2, [4, 1])
    params = model.parameters()
    for p in params:
        p.data += 0.1  # biases off 0, so that no hidden unit sits on its relu kink
    x = [0.3, -0.7]
    model(x).backward()
    eps = 1e-6
    for p in params:
        p.data += eps
        up = model(x).data
        p.data -= 2 * eps
        down = model(x).data
        p.data += eps
        assert abs(p.grad - (up - down) / (2 * eps)) < 1e-7
    # and with respect to the inputs
    assert bool(gradcheck(lambda a, b: model([a, b]), x))


def test_one_output_is_a_value_and_several_a_list() -> None:
    random.seed(0)
    assert isinstance(MLP(2, [3, 1])([1.0, 2.0]), Value)
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    out = MLP(2, [3, 2])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2


def test_numbers_numpy_and_values_give_the_same_output() -> None:
    random.seed(1)
    model = MLP(2, [4, 1])
    row = np.array([0.25, -1.5])
    as_values = model([Value(0.25), Value(-1.5)]).data
    assert model([0.25, -1.5]).data == as_values
    assert model(row).data == as_values
    assert model(list(row)).data == as_values


def test_a_wrong_number_of_inputs_is_refused() -> None:
    random.seed(0)
    with pytest.raises(ValueError, match=r"ReLUNeuron\(3\) takes 3 inputs, got 2"):
        Neuron(3)([1.0, 2.0])
    with pytest.raises(ValueError, match="width 1"):
        MLP(2, [1, 3])([1.0, 2.0])


def test_zero_grad_resets_every_parameter() -> None:
    random.seed(0)
    model = MLP(2, [3, 1])
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert Module().parameters() == []


class _Square(Module):
    """A module written micrograd's way: no super().__init__(), its own parameters()."""

    def __init__(self, nin: int) -> None:
        self.inner = Neuron(nin, nonlin=False)
        self.k = Value(2.0)

    def __call__(self, x: list[float]) -> Value:
        return self.k * self.inner(x) ** 2

    def parameters(self) -> list[Value]:
        return [*self.inner.parameters(), self.k]


def test_a_micrograd_style_subclass_works() -> None:
    random.seed(0)
    m = _Square(2)
    y = m([1.0, 2.0])
    y.backward()
    z = m.inner([1.0, 2.0]).data
    assert y.data == 2.0 * z * z
    assert m.k.grad == z * z and m.inner.b.grad == 4.0 * z
    m.zero_grad()
    assert [p.grad for p in m.parameters()] == [0.0] * 4


def test_a_neuron_is_one_dot_node_and_its_relu() -> None:
    random.seed(0)
    y = Neuron(16)([1.0] * 16)
    assert y.op == "relu" and y.parents[0].op == "dot"
    assert Neuron(4, nonlin=False)([1.0] * 4).op == "dot"
