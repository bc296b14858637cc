"""to_torch and from_torch: same weights, same predictions to 1e-12, clear refusals."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import nn
from nn import MLP, Layer, Neuron, from_torch, to_torch


@pytest.mark.parametrize(
    ("activation", "output_activation"),
    [("relu", "linear"), ("tanh", "sigmoid"), ("sigmoid", "tanh"), ("linear", "relu")],
)
def test_to_torch_predicts_what_the_model_predicts(
    activation: str, output_activation: str
) -> None:
    torch = pytest.importorskip("torch")
    model = MLP(4, [6, 5, 3], activation, output_activation, seed=1)
    seq = to_torch(model)
    assert isinstance(seq, torch.nn.Sequential)
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(4, 6), (6, 5), (5, 3)]
    assert all(m.weight.dtype == torch.float64 for m in linears)
    # Neuron j of layer i is row j of Linear i's weight matrix.
    assert linears[1].weight[2, 3].item() == model.layers[1].neurons[2].w[3].data
    assert linears[2].bias[1].item() == model.layers[2].neurons[1].b.data
    X = np.random.default_rng(0).normal(size=(64, 4)) * 3.0
    with torch.no_grad():
        out = seq(torch.tensor(X)).numpy()
    assert np.allclose(out, model.predict(X), rtol=0.0, atol=1e-12)
    # The graph's forward pass agrees too, not only the numpy fast path.
    assert out[0] == pytest.approx([v.data for v in model(list(X[0]))], abs=1e-12)
    kinds = [type(m).__name__ for m in seq]
    want = {"relu": ["ReLU"], "tanh": ["Tanh"], "sigmoid": ["Sigmoid"], "linear": []}
    expected = (["Linear", *want[activation]] * 2) + ["Linear", *want[output_activation]]
    assert kinds == expected


def test_the_copy_is_independent() -> None:
    torch = pytest.importorskip("torch")
    model = MLP(2, [3, 1], seed=0)
    seq = to_torch(model)
    before = model.state_dict()
    with torch.no_grad():
        seq[0].weight.add_(1.0)
    assert model.state_dict() == before


def test_layers_and_neurons_convert_too() -> None:
    torch = pytest.importorskip("torch")
    X = np.random.default_rng(1).normal(size=(10, 3))
    for module in (Layer(3, 2, "tanh", seed=0), Neuron(3, "sigmoid", seed=0)):
        with torch.no_grad():
            out = to_torch(module)(torch.tensor(X)).numpy()
        assert np.allclose(out, module.predict(X), rtol=0.0, atol=1e-12)


def test_round_trip_keeps_every_weight_exactly() -> None:
    pytest.importorskip("torch")
    model = MLP(3, [4, 4, 2], "tanh", "sigmoid", seed=2)
    back = from_torch(to_torch(model))
    assert back.state_dict() == model.state_dict()
    assert (back.activation, back.output_activation) == ("tanh", "sigmoid")


def test_from_torch_takes_a_torch_model_trained_or_not() -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    seq = torch.nn.Sequential(
        torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 8), torch.nn.ReLU(),
        torch.nn.Linear(8, 3), torch.nn.Identity(),
    )  # fmt: skip
    model = from_torch(seq)
    assert (model.nin, model.nouts, model.activation) == (5, [8, 8, 3], "relu")
    assert model.output_activation == "linear"
    X = np.random.default_rng(2).normal(size=(32, 5))
    with torch.no_grad():
        # float32 weights are copied exactly into float64, so run torch in float64 to compare
        out = seq.to(torch.float64)(torch.tensor(X)).numpy()
    assert np.allclose(out, model.predict(X), rtol=0.0, atol=1e-12)
    single = from_torch(torch.nn.Linear(2, 1).double())
    assert single.nouts == [1] and single.output_activation == "linear"


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Dropout()), r"module 1 is a Dropout"),
        (lambda t: t.nn.Sequential(t.nn.ReLU(), t.nn.Linear(2, 3)), r"module 0 \(ReLU\) must"),
        (lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Tanh()), "at most one"),
        (lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Linear(4, 1)), "takes 4 inputs"),
        (lambda t: t.nn.Sequential(t.nn.Linear(2, 3, bias=False)), "without bias"),
        (lambda t: t.nn.Sequential(), "no Linear layer"),
        (
            lambda t: t.nn.Sequential(
                t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Linear(3, 3), t.nn.Tanh(), t.nn.Linear(3, 1)
            ),
            r"different activations \['relu', 'tanh'\]",
        ),
    ],
)
def test_from_torch_refuses_what_it_cannot_convert(build: object, match: str) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=match):
        from_torch(build(torch))  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"takes a torch\.nn\.Sequential or Linear, got ReLU"):
        from_torch(torch.nn.ReLU())


def test_to_torch_refuses_a_custom_module() -> None:
    pytest.importorskip("torch")

    class Twice(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = Neuron(1, seed=0)

    with pytest.raises(TypeError, match="converts an MLP, Layer or Neuron, got Twice"):
        to_torch(Twice())


def test_without_torch_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"'torch' extra: pip install 'chainrule\[torch\]'"):
        to_torch(MLP(2, [1], seed=0))
    with pytest.raises(ImportError, match=r"chainrule\[torch\]"):
        from_torch(object())
