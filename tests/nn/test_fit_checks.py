"""fit refuses bad data and settings up front, and stops (or warns) when a run goes non-finite."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from nn import (
    MLP,
    SGD,
    Adam,
    History,
    Neuron,
    binary_cross_entropy,
    cross_entropy,
    fit,
    hinge_loss,
    make_linear,
    make_moons,
    mse_loss,
)
from nn.losses import LossFn

NAN = float("nan")


def run(X: object, y: object, loss: LossFn = mse_loss, nout: int = 1, **kwargs: object) -> History:
    model = MLP(np.asarray(X).shape[-1], [nout], seed=0)
    args: dict[str, object] = {"epochs": 1, "progress": False}
    args.update(kwargs)
    return fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.1), **args)  # type: ignore[arg-type]


# --- data -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (NAN, r"X contains nan at row 2: \[1.0, nan\]"),
        (math.inf, "X contains inf at row 2"),
        (-math.inf, "X contains -inf at row 2"),
    ],
)
def test_non_finite_inputs_are_refused_naming_the_row(bad: float, match: str) -> None:
    X = np.ones((4, 2))
    X[2, 1] = bad
    with pytest.raises(ValueError, match=match) as info:
        run(X, np.zeros(4))
    assert "diverged" not in str(info.value)


def test_all_nan_inputs_are_refused_at_row_0() -> None:
    with pytest.raises(ValueError, match="X contains nan at row 0"):
        run(np.full((5, 2), NAN), np.zeros(5), loss=hinge_loss)


@pytest.mark.parametrize("loss", [mse_loss, hinge_loss, cross_entropy])
def test_a_nan_label_is_refused_naming_the_row(loss: LossFn) -> None:
    y = np.array([0.0, NAN, 1.0])
    with pytest.raises(ValueError, match="labels y contain NaN at row 1") as info:
        run(np.zeros((3, 2)), y, loss=loss, nout=2 if loss is cross_entropy else 1)
    assert "learning rate" not in str(info.value)


def test_an_infinite_regression_target_is_refused_naming_the_row() -> None:
    Y = np.zeros((3, 2))
    Y[2, 0] = math.inf
    with pytest.raises(ValueError, match="labels y contain inf at row 2"):
        run(np.zeros((3, 1)), Y, nout=2)


@pytest.mark.parametrize(
    "y", [np.array(["0", "1", "1"]), ["0", "1", "1"], np.array([0, "a", 1], dtype=object)]
)
def test_string_labels_are_refused_up_front(y: object) -> None:
    with pytest.raises(TypeError, match=r"numeric targets y, got (strings|dtype object)"):
        run(np.zeros((3, 2)), y, loss=hinge_loss)


def test_numeric_object_labels_still_train() -> None:
    history = run(np.zeros((3, 2)), np.array([0, 1, 1], dtype=object), loss=hinge_loss)
    assert history.epochs == 1 and len(history.accuracy) == 1


def test_string_inputs_are_refused_up_front() -> None:
    with pytest.raises(TypeError, match="numeric inputs X"):
        run([["a", "b"]], [0.0])


@pytest.mark.parametrize("loss", [hinge_loss, binary_cross_entropy])
def test_micrograd_labels_name_the_conversion(loss: LossFn) -> None:
    X, y = make_moons(10, seed=0)
    with pytest.raises(ValueError, match=r"got \[-1\.0, 1\.0\].*y = \(y \+ 1\) // 2"):
        run(X, 2 * y - 1, loss=loss)
    assert run(X, (2 * y - 1 + 1) // 2, loss=loss).epochs == 1  # converted, it trains


def test_binary_labels_other_than_0_and_1_are_refused() -> None:
    with pytest.raises(ValueError, match=r"takes the labels 0 and 1, got \[0\.0, 2\.0\]") as info:
        run(np.zeros((2, 2)), [0, 2], loss=hinge_loss)
    assert "micrograd" not in str(info.value)
    with pytest.raises(ValueError, match=r"integer class labels, got 0\.5"):
        run(np.zeros((2, 2)), [0, 0.5], loss=cross_entropy, nout=2)


def test_one_output_with_cross_entropy_says_it_needs_one_output_per_class() -> None:
    X, y = make_moons(10, seed=0)
    with pytest.raises(ValueError, match="cross-entropy needs one output per class"):
        run(X, y, loss=cross_entropy, nout=1)


# --- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"epochs": "2"}, "epochs must be an int >= 0, got str '2'"),
        ({"epochs": 2.0}, "epochs must be an int >= 0, got float 2.0"),
        ({"epochs": True}, "epochs must be an int >= 0, got bool True"),
        ({"batch_size": "3"}, "batch_size must be None or an int >= 1, got str '3'"),
        ({"l2": "0.1"}, "l2 must be a number >= 0, got str '0.1'"),
        ({"patience": "2"}, "patience must be None or an int >= 1, got str '2'"),
    ],
)
def test_settings_of_the_wrong_type_are_a_type_error_naming_them(
    kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(TypeError, match=match):
        run(np.zeros((3, 2)), np.zeros(3), **kwargs)


def test_numpy_ints_are_ints() -> None:
    history = run(np.zeros((4, 2)), np.zeros(4), epochs=np.int64(2), batch_size=np.int64(2))
    assert history.epochs == 2


@pytest.mark.parametrize("l2", [math.inf, NAN])
def test_l2_must_be_finite(l2: float) -> None:
    with pytest.raises(ValueError, match=f"l2 must be finite and >= 0, got {l2}"):
        run(np.zeros((3, 2)), np.zeros(3), l2=l2)


# --- runs that go non-finite ----------------------------------------------------------------


def test_a_huge_learning_rate_with_the_hinge_loss_stops_instead_of_reporting_0() -> None:
    X, y = make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    with pytest.raises(FloatingPointError, match=r"epoch 1/5, .*smaller learning rate"):
        fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=1e300),
            epochs=5, progress=False)  # fmt: skip


def test_a_parameter_gone_nan_stops_at_its_step() -> None:
    class Poisoning(SGD):
        steps = 0

        def step(self) -> None:
            super().step()
            self.steps += 1
            if self.steps == 5:
                self.params[-1].data = NAN

    X, y = make_linear(20, seed=0)
    neuron = Neuron(1, activation="linear", seed=0)
    with pytest.raises(FloatingPointError, match=r"epoch 2/3, step 1: a parameter became nan"):
        fit(neuron, X, y, loss=mse_loss, optimizer=Poisoning(neuron.parameters(), lr=0.01),
            epochs=3, batch_size=5, progress=False)  # fmt: skip


def test_a_loss_growing_a_millionfold_warns_once_and_is_recorded() -> None:
    X, y = make_linear(50, noise=0.1, seed=0)
    model = MLP(1, [1], seed=0)
    with pytest.warns(RuntimeWarning, match="the loss grew from .* times") as rec:
        history = fit(model, X, y, loss=mse_loss, optimizer=SGD(model.parameters(), lr=5.0),
                      epochs=15, progress=False)  # fmt: skip
    grew = [w for w in rec if "the loss grew" in str(w.message)]
    assert len(grew) == 1  # once, though it kept growing
    assert history.loss[-1] > 1e12 * history.loss[0] and math.isfinite(history.loss[-1])
    first = 1 + next(i for i, v in enumerate(history.loss) if v > 1e6 * history.loss[0])
    assert history.warnings == [str(grew[0].message)]
    assert f"(epoch {first})" in history.warnings[0]


def test_a_healthy_run_records_no_warning() -> None:
    X, y = make_linear(50, noise=0.1, seed=0)
    model = MLP(1, [1], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = fit(model, X, y, loss=mse_loss, optimizer=Adam(model.parameters(), lr=0.1),
                      epochs=15, progress=False)  # fmt: skip
    assert history.warnings == []
