"""fit with validation data, a schedule and early stopping; History's repr; custom modules."""

from __future__ import annotations

import functools
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from autograd import Value
from nn import (
    MLP,
    SGD,
    Adam,
    History,
    Layer,
    Module,
    Neuron,
    StepLR,
    cross_entropy,
    fit,
    hinge_loss,
    make_blobs,
    make_linear,
    make_moons,
    mse_loss,
)


def forward_loss(model: Module, loss, X: np.ndarray, y: np.ndarray) -> float:  # type: ignore[no-untyped-def]
    """The mean loss through the Value forward pass: the oracle for fit's numpy shortcut."""
    return float(np.mean([loss(model(list(row)), t).data for row, t in zip(X, y.tolist())]))


def test_validation_loss_and_accuracy_are_measured_after_every_epoch() -> None:
    X, y = make_moons(60, noise=0.2, seed=0)
    Xv, yv = make_moons(30, noise=0.2, seed=1)
    model = MLP(2, [6, 1], seed=0)
    seen: list[tuple[float, float]] = []

    def measure(epoch: int, history: History) -> None:
        accuracy = float(np.mean((model.predict(Xv)[:, 0] > 0) == yv))
        seen.append((forward_loss(model, hinge_loss, Xv, yv), accuracy))

    history = fit(model, X, y, loss=hinge_loss, optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=5, batch_size=20, validation_data=(Xv, yv), progress=False,
                  callback=measure)  # fmt: skip
    assert history.val_loss == pytest.approx([s[0] for s in seen], rel=1e-12)
    assert history.val_accuracy == [s[1] for s in seen]
    assert len(history.val_loss) == len(history.loss) == 5
    assert history.val_loss != history.loss  # measured on the other data
    assert history.best_epoch == 1 + int(np.argmin(history.val_loss))
    assert not history.stopped_early and history.warnings == []


def test_without_validation_data_the_lists_stay_empty_and_best_follows_the_training_loss() -> None:
    X, y = make_linear(20, seed=0)
    model = MLP(1, [1], seed=0)
    history = fit(model, X, y, loss=mse_loss, optimizer=SGD(model.parameters(), lr=0.1),
                  epochs=4, progress=False)  # fmt: skip
    assert history.val_loss == history.val_accuracy == []
    assert history.best_epoch == 1 + int(np.argmin(history.loss))


def test_regression_validation_has_a_loss_and_no_accuracy() -> None:
    X, y = make_linear(20, noise=0.1, seed=0)
    Xv, yv = make_linear(10, noise=0.1, seed=1)
    model = MLP(1, [1], seed=0)
    history = fit(model, X, y, loss=mse_loss, optimizer=SGD(model.parameters(), lr=0.1),
                  epochs=3, validation_data=(Xv, yv), progress=False)  # fmt: skip
    assert history.val_loss[-1] == pytest.approx(forward_loss(model, mse_loss, Xv, yv), rel=1e-12)
    assert history.val_accuracy == []


def test_multiclass_validation_accuracy_uses_argmax() -> None:
    X, y = make_blobs(45, n_classes=3, seed=0)
    Xv, yv = make_blobs(30, n_classes=3, seed=0, shuffle=True, noise=2.0)
    model = MLP(2, [5, 3], seed=0)
    history = fit(model, X, y, loss=cross_entropy, optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=3, validation_data=(Xv, yv), progress=False)  # fmt: skip
    assert history.val_accuracy[-1] == np.mean(model.predict(Xv).argmax(axis=1) == yv)
    assert history.val_loss[-1] == pytest.approx(
        forward_loss(model, cross_entropy, Xv, yv), rel=1e-12
    )


def overfitting_run(patience: int | None) -> tuple[History, list[list[float]], MLP]:
    """Validation labels are the training labels flipped: the better the fit, the worse."""
    X, y = make_moons(40, noise=0.1, seed=0)
    model = MLP(2, [8, 1], seed=3)
    snapshots: list[list[float]] = []

    def snapshot(epoch: int, history: History) -> None:
        snapshots.append([p.data for p in model.parameters()])

    history = fit(model, X, y, loss=hinge_loss, optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=30, validation_data=(X, 1 - y), patience=patience, progress=False,
                  callback=snapshot)  # fmt: skip
    return history, snapshots, model


def test_patience_stops_and_restores_the_best_parameters_exactly() -> None:
    with pytest.warns(RuntimeWarning, match=r"early stopping after epoch \d+.*restored") as rec:
        history, snapshots, model = overfitting_run(patience=3)
    assert len(rec) == 1
    best = history.best_epoch
    assert best is not None
    assert history.stopped_early
    assert history.epochs == best + 3 < 30  # three epochs without improvement, then stop
    assert min(history.val_loss[best:]) >= history.val_loss[best - 1]
    assert [p.data for p in model.parameters()] == snapshots[best - 1]  # exactly, not approx
    assert [p.data for p in model.parameters()] != snapshots[-1]
    assert history.warnings == [str(rec[0].message)]
    assert f"epoch {best}" in history.warnings[0]


def test_without_patience_the_run_goes_on_and_keeps_the_last_parameters() -> None:
    history, snapshots, model = overfitting_run(patience=None)
    assert history.epochs == 30 and not history.stopped_early
    assert [p.data for p in model.parameters()] == snapshots[-1]


def test_patience_needs_validation_data() -> None:
    X, y = make_linear(10)
    model = MLP(1, [1], seed=0)
    with pytest.raises(ValueError, match=r"patience=2 .* needs validation_data"):
        fit(model, X, y, loss=mse_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=3,
            patience=2, progress=False)  # fmt: skip


@pytest.mark.parametrize("patience", [0, -1])
def test_patience_must_be_positive(patience: int) -> None:
    X, y = make_linear(10)
    model = MLP(1, [1], seed=0)
    with pytest.raises(ValueError, match=f"patience must be None or an int >= 1, got {patience}"):
        fit(model, X, y, loss=mse_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=3,
            patience=patience, validation_data=(X, y), progress=False)  # fmt: skip


@pytest.mark.parametrize(
    "make",
    [
        lambda opt: StepLR(opt, step_size=1, gamma=0.5),  # a ready schedule
        lambda opt: functools.partial(StepLR, step_size=1, gamma=0.5),  # built by fit
        lambda opt: lambda o: StepLR(o, 1, 0.5),
    ],
)
def test_the_schedule_sets_each_epochs_lr(make) -> None:  # type: ignore[no-untyped-def]
    X, y = make_linear(10)
    model = MLP(1, [1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    lrs: list[float] = []

    class Spy(SGD):
        def step(self) -> None:
            lrs.append(self.lr)
            super().step()

    opt = Spy(model.parameters(), lr=0.1)
    fit(model, X, y, loss=mse_loss, optimizer=opt, epochs=4, batch_size=5, scheduler=make(opt),
        progress=False)  # fmt: skip
    assert lrs == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125]
    assert opt.lr == 0.1 * 0.5**4


def test_a_bad_scheduler_is_refused() -> None:
    X, y = make_linear(10)
    model = MLP(1, [1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    other = SGD(model.parameters(), lr=0.1)
    args = {"loss": mse_loss, "optimizer": opt, "epochs": 1, "progress": False}
    with pytest.raises(ValueError, match="another optimizer"):
        fit(model, X, y, scheduler=StepLR(other, 1), **args)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="scheduler must be an nn schedule"):
        fit(model, X, y, scheduler=0.5, **args)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="returned float"):
        fit(model, X, y, scheduler=lambda o: 0.5, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "error", "match"),
    [
        ((np.zeros((3, 3)), np.zeros(3)), ValueError, "validation X has 3 columns but X has 2"),
        ((np.zeros((3, 2)), np.zeros(2)), ValueError, "validation X of shape"),
        (np.zeros((3, 2)), TypeError, "pair"),
        (
            (np.array([[0.0, np.nan]]), np.zeros(1)),
            ValueError,
            "validation X contains nan at row 0",
        ),
        (
            (np.zeros((2, 2)), np.array([0.0, np.nan])),
            ValueError,
            "validation y contain NaN at row 1",
        ),
    ],
)
def test_bad_validation_data(data: object, error: type[Exception], match: str) -> None:
    model = MLP(2, [1], seed=0)
    with pytest.raises(error, match=match):
        fit(model, np.zeros((3, 2)), np.zeros(3), loss=mse_loss, epochs=1, progress=False,
            optimizer=SGD(model.parameters(), lr=0.1), validation_data=data)  # type: ignore[arg-type]  # fmt: skip


def test_history_repr_is_short_and_names_last_and_best() -> None:
    n = 1000
    history = History(
        loss=list(np.linspace(1.0, 0.1, n)),
        accuracy=[0.5] * n,
        val_loss=[0.9] * 10 + [0.3] + [0.8] * (n - 11),
        val_accuracy=[0.6] * n,
        best_epoch=11,
    )
    text = repr(history)
    assert len(text) < 200
    assert text.startswith("History(epochs=1000, loss=0.1, accuracy=0.5, val_loss=0.8")
    assert "best_epoch=11, best_val_loss=0.3" in text
    assert repr(History()) == "History(epochs=0)"
    assert "best_loss=0.25" in repr(History(loss=[0.5, 0.25], best_epoch=2))


class Residual(Module):
    """x + tanh(Wx) into a linear head: a custom module with no nin/nout attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.inner = Layer(2, 2, activation="tanh", seed=0)
        self.head = Neuron(2, activation="linear", seed=1)

    def forward(self, x: list[float]) -> Value:
        h = self.inner(x)
        return self.head([xi + hi for xi, hi in zip(x, h)])


def test_fit_trains_a_custom_module_without_nin_or_nout() -> None:
    X, y = make_moons(40, noise=0.1, seed=0)
    model = Residual()
    with pytest.raises(AttributeError):
        model.nin  # noqa: B018  (the attribute the old accuracy needed)
    history = fit(model, X, y, loss=hinge_loss, optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=15, validation_data=(X[:10], y[:10]), progress=False)  # fmt: skip
    scores = [model(list(row)).data for row in X]
    assert history.accuracy[-1] == np.mean((np.array(scores) > 0) == y)  # from the forward pass
    assert history.loss[-1] < 0.7 * history.loss[0]  # it learned
    assert history.val_loss[-1] == pytest.approx(
        forward_loss(model, hinge_loss, X[:10], y[:10]), rel=1e-12
    )
    assert model.predict(X).shape == (40, 1)


def test_plot_history_draws_validation_curves(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.image import imread

    from nn.plots import _VAL_COLOR, plot_history

    rgb = np.array([int(_VAL_COLOR[i : i + 2], 16) for i in (1, 3, 5)]) / 255

    def share(history: object, name: str) -> float:
        image = imread(plot_history(history, tmp_path / name))  # type: ignore[arg-type]
        return float(np.all(np.abs(image[..., :3] - rgb) < 0.03, axis=-1).mean())

    train = {"loss": [1.0, 0.5, 0.3], "accuracy": [0.5, 0.7, 0.8]}
    with_val = SimpleNamespace(**train, val_loss=[1.1, 0.7, 0.6], val_accuracy=[0.4, 0.6, 0.7])
    assert share(SimpleNamespace(**train), "a.png") == 0.0
    assert share(History(**train), "b.png") == 0.0  # type: ignore[arg-type]
    assert share(with_val, "c.png") > 0.002
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert share(History(**train, val_loss=[1.1, 0.7, 0.6]), "d.png") > 0.001  # type: ignore[arg-type]
