"""Layers inside an MLP, one output as one Value, and the lecture's training loop."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import Value
from nn import MLP, Layer, Module, Neuron, hinge_loss, mse_loss
from nn.layers import _ACTIVATIONS


class Doubled(Layer):
    """A Layer subclass whose forward doubles every output: an MLP must use it."""

    def forward(self, x: list[Value]) -> Value | list[Value]:  # type: ignore[override]
        out = super().forward(x)
        return 2.0 * out if isinstance(out, Value) else [2.0 * v for v in out]


@pytest.mark.parametrize("widths", [(3, 2), (3, 1), (1, 2)])
def test_mlp_calls_each_layers_own_forward(widths: tuple[int, int]) -> None:
    plain = MLP(2, list(widths), activation="tanh", seed=0)
    doubled = MLP(2, list(widths), activation="tanh", seed=0)
    first = Doubled(2, widths[0], activation="tanh", seed=0)
    first.load_state_dict(plain.layers[0].state_dict())
    doubled.layers = [first, doubled.layers[1]]
    x = [0.4, -0.3]
    # By hand: the first layer's outputs times 2, then the plain second layer.
    hidden = plain.layers[0](x)
    hidden = [hidden] if isinstance(hidden, Value) else hidden
    want = plain.layers[1]([2.0 * h.data for h in hidden])
    got = doubled(x)
    want_list = [want] if isinstance(want, Value) else want
    got_list = [got] if isinstance(got, Value) else got
    assert [g.data for g in got_list] == pytest.approx([w.data for w in want_list], abs=1e-15)
    out = plain(x)
    plain_list = [out] if isinstance(out, Value) else out
    assert [g.data for g in got_list] != pytest.approx([p.data for p in plain_list])
    # predict honours the subclass too (per row for the changed layer), and the names stay.
    X = np.array([x, [1.0, 2.0], [-0.5, 0.0]])
    rows = [doubled(list(r)) for r in X]
    expect = [[v.data for v in ([r] if isinstance(r, Value) else r)] for r in rows]
    np.testing.assert_allclose(doubled.predict(X), expect, rtol=1e-12, atol=1e-12)
    assert doubled.parameters()[0].label == "layers.0.neurons.0.w.0"


def test_a_subclass_that_changes_forward_is_predicted_per_row() -> None:
    class Shifted(MLP):
        def forward(self, x: list[float]) -> Value | list[Value]:  # type: ignore[override]
            out = super().forward(x)
            assert isinstance(out, Value)
            return out + 1.0

    model = Shifted(2, [3, 1], seed=0)
    X = np.array([[0.1, 0.2], [0.3, -0.4]])
    want = [model(list(r)).data for r in X]
    assert model.predict(X)[:, 0].tolist() == pytest.approx(want, abs=1e-12)
    assert model.predict(X)[0, 0] == pytest.approx(
        MLP.predict(MLP(2, [3, 1], seed=0), X)[0, 0] + 1
    )


def test_one_output_is_one_value_all_the_way_through() -> None:
    for model in (Neuron(3, seed=0), Layer(3, 1, seed=0), MLP(3, [4, 1], seed=0)):
        out = model([1.0, 2.0, 3.0])
        assert isinstance(out, Value)
        assert model.predict([[1.0, 2.0, 3.0]]).tolist() == [[pytest.approx(out.data, abs=1e-12)]]
        assert mse_loss(out, 0.5).data == pytest.approx((out.data - 0.5) ** 2, abs=1e-15)
        assert hinge_loss(out, 1).data == max(0.0, 1.0 - out.data)


def test_the_lectures_training_loop_runs_and_learns() -> None:
    # The loop of the micrograd lecture, written as a learner would, on chainrule's MLP.
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    n = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=0)
    losses = []
    for _ in range(40):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        assert isinstance(loss, Value)
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.05 * p.grad
        losses.append(loss.data)
    # The loss is the sum of squares of the predictions it was built from.
    assert losses[-1] == pytest.approx(sum((n(x).data - y) ** 2 for x, y in zip(xs, ys)), rel=0.5)
    assert losses[-1] < 0.1 * losses[0]
    assert [np.sign(n(x).data) for x in xs] == ys
    # micrograd's own default MLP (relu hidden, linear out) takes the same loop.
    m = MLP(3, [4, 4, 1], seed=1)
    ypred = [m(x) for x in xs]
    total = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
    assert isinstance(total, Value)
    assert total.data == pytest.approx(sum((p.data - y) ** 2 for p, y in zip(ypred, ys)))


@pytest.mark.parametrize("name", list(_ACTIVATIONS))
def test_each_activation_has_its_numpy_twin_in_one_table(name: str) -> None:
    value_fn, numpy_fn = _ACTIVATIONS[name]
    z = np.array([-800.0, -3.0, -0.5, 0.0, 0.25, 2.0, 800.0])
    want = [z_i if value_fn is None else value_fn(Value(z_i)).data for z_i in z.tolist()]
    np.testing.assert_allclose(numpy_fn(z), want, rtol=1e-15, atol=0.0)


def test_every_user_of_the_walk_sees_the_same_parts() -> None:
    class Net(Module):
        def __init__(self) -> None:
            super().__init__()
            self.gain = Value(1.5)
            self.blocks = (MLP(2, [2], seed=0), Neuron(2, seed=1))
            self.extra = [Value(0.5), "not a part", 3.0]

    net = Net()
    names = [name for name, _ in net.named_parameters()]
    assert names[0] == "gain" and names[-1] == "extra.0"
    assert "blocks.0.layers.0.neurons.1.b" in names and "blocks.1.w.1" in names
    assert net.parameters() == [p for _, p in net.named_parameters()]
    assert [p.label for p in net.parameters()] == names
    assert list(net.state_dict()) == names
    assert [n for n, _ in net.named_modules()] == [
        "",
        "blocks.0",
        "blocks.0.layers.0",
        "blocks.0.layers.0.neurons.0",
        "blocks.0.layers.0.neurons.1",
        "blocks.1",
    ]
    for p in net.parameters():
        p.grad = 1.0
    net.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())
    # A part assigned later is labelled where it sits, inside sub-modules too.
    net.blocks[1].w = [Value(0.0), Value(0.0)]
    net.late = Neuron(1, seed=0)
    assert net.late.w[0].label == "late.w.0" and net.blocks[1].w[1].label == "blocks.1.w.1"
    assert net.late([1.0]).label == "late"
    assert autograd.topo_sort(net.late([1.0]))[-1].label == "late"
