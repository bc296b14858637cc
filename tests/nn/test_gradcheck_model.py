"""gradcheck on a whole model's parameters: named by dotted name, sampled, put back exactly."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nn
from autograd import NonSmoothWarning, Value, gradcheck


def loss_of(model: nn.Module, X: np.ndarray, y: np.ndarray) -> Value:
    """Cross-entropy over a few rows, built the way a training step builds it."""
    return nn.batch_loss(nn.cross_entropy, [model(list(row)) for row in X], list(y))


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    X, y = nn.load_iris()
    rows = np.random.default_rng(0).choice(150, size=6, replace=False)
    return nn.Standardizer().fit(X).transform(X)[rows], y[rows]


def test_every_parameter_of_a_small_model_by_dotted_name(
    data: tuple[np.ndarray, np.ndarray],
) -> None:
    X, y = data
    model = nn.MLP(4, [3, 3], activation="tanh", seed=0)
    before = model.state_dict()
    params = dict(model.named_parameters())
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonSmoothWarning)
        report = gradcheck(lambda: loss_of(model, X, y), params, sample=None)
    assert report, str(report)
    assert [e.name for e in report.entries] == list(before)  # every row, by dotted name
    assert report.entries[0].name == "layers.0.neurons.0.w.0"
    assert (report.checked, report.total) == (27, 27)
    assert model.state_dict() == before  # every probe was put back exactly
    # A list of the parameters is named by their labels, which the model sets to the same.
    by_label = gradcheck(lambda: loss_of(model, X, y), model.parameters(), sample=None)
    assert [e.name for e in by_label.entries] == list(before)


def test_a_large_model_is_sampled_and_says_how_many(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = nn.MLP(4, [16, 16, 3], activation="tanh", seed=1)
    total = model.num_parameters()
    report = gradcheck(lambda: loss_of(model, X, y), dict(model.named_parameters()), sample=12)
    assert report, str(report)
    assert (report.checked, report.total, len(report.entries)) == (12, total, 12)
    assert f"checked 12 of {total} inputs" in str(report)
    names = [name for name, _ in model.named_parameters()]
    assert all(e.name == names[e.index[0]] for e in report.entries)


def test_a_bug_in_one_parameters_gradient_is_named(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = nn.MLP(4, [3, 3], activation="tanh", seed=0)
    w = model.layers[1].neurons[2].w[1]

    def buggy() -> Value:
        # An L2 penalty on one weight written as w * w.data: backprop sees half its slope.
        return loss_of(model, X, y) + w * w.data

    report = gradcheck(buggy, dict(model.named_parameters()), sample=None)
    assert [e.name for e in report.failures] == ["layers.1.neurons.2.w.1"]
