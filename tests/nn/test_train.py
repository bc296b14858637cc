"""fit: learning y = 3x and the moons, divergence, history, determinism, the progress bar."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from autograd import Value, no_grad
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
    make_blobs,
    make_linear,
    make_moons,
    mse_loss,
)
from nn.losses import LossFn


def least_squares(X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The exact minimiser of the mean squared error: what gradient descent should reach."""
    w, b = np.polyfit(X[:, 0], y, 1)
    return float(w), float(b)


@pytest.mark.parametrize("noise", [0.0, 0.2])
def test_a_linear_neuron_learns_y_equals_3x(noise: float) -> None:
    X, y = make_linear(100, noise=noise, seed=0)
    neuron = Neuron(1, activation="linear", seed=0)
    opt = SGD(neuron.parameters(), lr=0.1)
    history = fit(neuron, X, y, loss=mse_loss, optimizer=opt, epochs=150, progress=False)
    w, b = neuron.w[0].data, neuron.b.data
    w_ls, b_ls = least_squares(X, y)
    assert (w, b) == pytest.approx((w_ls, b_ls), abs=1e-6)  # converged to the optimum
    # ... which is within a few standard errors (noise / sqrt(n)) of the true line.
    tol = 4 * noise / math.sqrt(len(X)) + 1e-9
    assert abs(w - 3.0) < tol and abs(b) < tol
    assert history.loss[-1] == pytest.approx(np.mean((w * X[:, 0] + b - y) ** 2), abs=1e-9)
    assert history.loss[-1] < history.loss[0]
    assert history.accuracy == []  # regression: no accuracy


def test_minibatch_sgd_on_an_mlp_with_one_linear_layer() -> None:
    X, y = make_linear(64, noise=0.1, seed=1)
    model = MLP(1, [1], seed=1)
    opt = SGD(model.parameters(), lr=0.05, momentum=0.5)
    fit(model, X, y, loss=mse_loss, optimizer=opt, epochs=40, batch_size=16, progress=False)
    neuron = model.layers[0].neurons[0]
    w_ls, b_ls = least_squares(X, y)
    # Minibatches jitter around the optimum; the jitter is small next to the noise.
    assert neuron.w[0].data == pytest.approx(w_ls, abs=0.02)
    assert neuron.b.data == pytest.approx(b_ls, abs=0.02)


def test_multi_output_regression_takes_rows_of_targets() -> None:
    X, y = make_linear(40, seed=3)
    Y = np.column_stack([y, -X[:, 0] + 1.0])  # two lines at once: 3x and 1 - x
    model = MLP(1, [2], seed=0)
    opt = SGD(model.parameters(), lr=0.2)
    fit(model, X, Y, loss=mse_loss, optimizer=opt, epochs=150, progress=False)
    first, second = model.layers[0].neurons
    assert (first.w[0].data, first.b.data) == pytest.approx((3.0, 0.0), abs=1e-6)
    assert (second.w[0].data, second.b.data) == pytest.approx((-1.0, 1.0), abs=1e-6)


def test_an_mlp_separates_the_moons() -> None:
    X, y = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    opt = Adam(model.parameters(), lr=0.02)
    history = fit(
        model, X, y, loss=hinge_loss, optimizer=opt, epochs=30, batch_size=25, progress=False
    )
    assert history.accuracy[-1] >= 0.98
    assert history.accuracy[0] < 0.98  # it had something to learn
    assert history.loss[-1] < 0.2 * history.loss[0]
    # The recorded accuracy is the model's, measured after the last epoch.
    assert history.accuracy[-1] == np.mean((model.predict(X)[:, 0] > 0) == y)


@pytest.mark.parametrize("loss", [hinge_loss, binary_cross_entropy])
def test_binary_accuracy_reads_a_score_above_0_as_class_1(loss: LossFn) -> None:
    neuron = Neuron(1, activation="linear", seed=0)
    neuron.w[0].data, neuron.b.data = 1.0, 0.0
    X = np.array([[0.25], [-1.0], [2.0], [-0.25]])
    y = np.array([1, 0, 0, 1])  # scores 0.25, -1, 2, -0.25: right, right, wrong, wrong
    opt = SGD(neuron.parameters(), lr=0.0)
    history = fit(neuron, X, y, loss=loss, optimizer=opt, epochs=1, progress=False)
    assert history.accuracy == [0.5]


def test_cross_entropy_accuracy_uses_argmax() -> None:
    X, y = make_blobs(60, n_classes=3, seed=0)
    model = MLP(2, [8, 3], seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    history = fit(model, X, y, loss=cross_entropy, optimizer=opt, epochs=8, progress=False)
    assert len(history.accuracy) == 8
    assert history.accuracy[-1] == np.mean(model.predict(X).argmax(axis=1) == y)
    assert history.accuracy[-1] > 0.9


def test_accuracy_follows_the_kind_the_loss_declares_not_its_identity() -> None:
    X, y = make_blobs(30, n_classes=3, seed=0)

    def run(loss: LossFn) -> list[float]:
        model = MLP(2, [3], seed=0)
        opt = SGD(model.parameters(), lr=0.0)  # lr 0: the accuracy of the initial model
        return fit(model, X, y, loss=loss, optimizer=opt, epochs=2, progress=False).accuracy

    want = run(cross_entropy)
    scores = MLP(2, [3], seed=0).predict(X)
    assert want == [np.mean(scores.argmax(axis=1) == y)] * 2
    assert run(functools.partial(cross_entropy)) == want

    def wrapped(output: list[Value], target: int) -> Value:
        return 2.0 * cross_entropy(output, target)

    assert run(wrapped) == []  # no declared kind: fit cannot know it classifies
    wrapped.kind = "multiclass"  # type: ignore[attr-defined]
    assert run(wrapped) == want

    @functools.wraps(hinge_loss)
    def binary(output: Value, target: int) -> Value:
        return hinge_loss(output, target)

    neuron = Neuron(1, activation="linear", seed=0)
    neuron.w[0].data, neuron.b.data = 1.0, 0.0
    Xb, yb = np.array([[0.25], [-1.0], [2.0], [-0.25]]), np.array([1, 0, 0, 1])
    history = fit(neuron, Xb, yb, loss=binary, optimizer=SGD(neuron.parameters(), lr=0.0),
                  epochs=1, progress=False)  # fmt: skip
    assert history.accuracy == [0.5]  # read as one score, > 0 is class 1
    with pytest.raises(ValueError, match="declares kind='ranking'"):
        wrapped.kind = "ranking"  # type: ignore[attr-defined]
        run(wrapped)


def test_epoch_loss_is_the_mean_loss_before_the_step() -> None:
    X, y = make_moons(10, noise=0.1, seed=2)
    model = MLP(2, [4, 1], seed=2)
    expected = np.mean(np.maximum(0.0, 1.0 - (2 * y - 1) * model.predict(X)[:, 0]))
    # lr = 0 leaves the model as it is, so every epoch sees the same loss.
    history = fit(
        model,
        X,
        y,
        loss=hinge_loss,
        optimizer=SGD(model.parameters(), lr=0.0),
        epochs=2,
        batch_size=3,
        progress=False,
    )
    assert history.loss == pytest.approx([expected, expected], rel=1e-12)


def test_one_full_batch_step_is_gradient_descent_on_the_mean_loss_plus_l2() -> None:
    X = np.array([[1.0], [2.0]])
    y = np.array([1.0, 3.0])
    neuron = Neuron(1, activation="linear", seed=0)
    neuron.w[0].data, neuron.b.data = 0.5, 0.25
    fit(
        neuron,
        X,
        y,
        loss=mse_loss,
        optimizer=SGD(neuron.parameters(), lr=0.1),
        epochs=1,
        l2=0.5,
        progress=False,
    )
    # errors e = (0.75 - 1, 1.25 - 3) = (-0.25, -1.75)
    # dL/dw = mean(2 e x) + 2 * 0.5 * w = (-0.5 - 7.0) / 2 + 0.5 = -3.25
    # dL/db = mean(2 e) + 2 * 0.5 * b = (-0.5 - 3.5) / 2 + 0.25 = -1.75
    assert neuron.w[0].data == pytest.approx(0.5 + 0.325, abs=1e-15)
    assert neuron.b.data == pytest.approx(0.25 + 0.175, abs=1e-15)


def test_steps_per_epoch_follow_the_batch_size() -> None:
    class CountingSGD(SGD):
        steps = 0

        def step(self) -> None:
            self.steps += 1
            super().step()

    X, y = make_linear(10)
    for batch_size, steps in [(None, 3), (4, 9), (10, 3), (100, 3), (1, 30)]:
        neuron = Neuron(1, activation="linear", seed=0)
        opt = CountingSGD(neuron.parameters(), lr=0.01)
        fit(
            neuron,
            X,
            y,
            loss=mse_loss,
            optimizer=opt,
            epochs=3,
            batch_size=batch_size,
            progress=False,
        )
        assert opt.steps == steps, batch_size


def test_history_lengths_and_early_stop() -> None:
    X, y = make_moons(20, noise=0.1)
    model = MLP(2, [4, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.05)
    seen: list[int] = []

    def stop_after_three(epoch: int, history: History) -> bool:
        seen.append(epoch)
        assert history.epochs == epoch
        return epoch == 3

    history = fit(
        model,
        X,
        y,
        loss=hinge_loss,
        optimizer=opt,
        epochs=10,
        progress=False,
        callback=stop_after_three,
    )
    assert seen == [1, 2, 3]
    assert len(history.loss) == len(history.accuracy) == history.epochs == 3
    history = fit(model, X, y, loss=hinge_loss, optimizer=opt, epochs=0, progress=False)
    assert history == History()


def test_same_seeds_same_run_different_seed_different_run() -> None:
    X, y = make_moons(40, noise=0.2, seed=0)

    def run(model_seed: int, fit_seed: int) -> tuple[list[float], list[float]]:
        model = MLP(2, [6, 1], seed=model_seed)
        opt = SGD(model.parameters(), lr=0.05, momentum=0.9)
        history = fit(
            model,
            X,
            y,
            loss=hinge_loss,
            optimizer=opt,
            epochs=3,
            batch_size=8,
            seed=fit_seed,
            progress=False,
        )
        return history.loss, [p.data for p in model.parameters()]

    assert run(0, 0) == run(0, 0)
    assert run(0, 0)[0] != run(0, 1)[0]  # another minibatch order
    assert run(0, 0)[0] != run(1, 0)[0]  # another initialisation


def test_divergence_raises_naming_the_epoch() -> None:
    X, y = make_linear(50, noise=0.1)
    neuron = Neuron(1, activation="linear", seed=0)
    opt = SGD(neuron.parameters(), lr=1e3)
    with pytest.raises(FloatingPointError, match=r"epoch \d+/1000, step 1.*smaller learning"):
        fit(neuron, X, y, loss=mse_loss, optimizer=opt, epochs=1000, progress=False)


def test_overflow_in_the_loss_becomes_a_floating_point_error() -> None:
    def exp_loss(output: Value, target: float) -> Value:
        return (output * (1 - 2 * target)).exp()  # overflows once the score passes 709

    X, y = make_moons(20, noise=0.1)
    model = MLP(2, [4, 1], seed=0)
    opt = SGD(model.parameters(), lr=50.0)
    with pytest.raises(FloatingPointError, match=r"epoch \d+/100, step \d+") as info:
        fit(model, X, y, loss=exp_loss, optimizer=opt, epochs=100, batch_size=5, progress=False)
    assert isinstance(info.value.__cause__, OverflowError)


def test_progress_bar_goes_to_stderr_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    X, y = make_moons(10, noise=0.1)
    model = MLP(2, [3, 1], seed=0)
    fit(
        model,
        X,
        y,
        loss=hinge_loss,
        optimizer=SGD(model.parameters(), lr=0.1),
        epochs=2,
        progress=False,
    )
    assert capsys.readouterr() == ("", "")
    fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=2)
    out, err = capsys.readouterr()
    assert out == ""
    assert "2/2" in err and "loss=" in err and "acc=" in err


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"X": np.zeros((3, 2)), "y": np.zeros(4)}, r"shape \(3, 2\) and y of shape \(4,\)"),
        ({"X": np.zeros(3), "y": np.zeros(3)}, r"X of shape \(3,\)"),
        ({"epochs": -1}, "epochs must be an int >= 0, got -1"),
        ({"batch_size": 0}, "batch_size must be None or an int >= 1, got 0"),
        ({"l2": -0.5}, "l2 must be >= 0, got -0.5"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], match: str) -> None:
    model = MLP(2, [1], seed=0)
    args: dict[str, object] = {
        "X": np.zeros((3, 2)),
        "y": np.zeros(3),
        "loss": mse_loss,
        "optimizer": SGD(model.parameters(), lr=0.1),
        "epochs": 1,
        "progress": False,
    }
    args.update(kwargs)
    X, y = args.pop("X"), args.pop("y")
    with pytest.raises(ValueError, match=match):
        fit(model, X, y, **args)  # type: ignore[arg-type]


def test_fit_refuses_to_run_inside_no_grad() -> None:
    model = MLP(1, [1], seed=0)
    X, y = make_linear(5)
    with no_grad(), pytest.raises(RuntimeError, match="inside no_grad"):
        fit(model, X, y, loss=mse_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=1)
