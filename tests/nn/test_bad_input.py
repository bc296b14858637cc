"""Models, optimizers and data makers refuse bad input at the call, in our own words."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from autograd import Value
from nn import MLP, SGD, Adam, AdamW, Layer, Neuron, make_blobs, make_moons


@pytest.mark.parametrize("make", [lambda: MLP(2, [3, 1], seed=0), lambda: Layer(2, 2, seed=0),
                                  lambda: Neuron(2, seed=0)])  # fmt: skip
@pytest.mark.parametrize("sample", [{0: 5.0, 1: 7.0}, {5.0, 7.0}, frozenset({1.0, 2.0})])
def test_a_dict_or_set_is_not_one_sample(make: Callable[[], object], sample: object) -> None:
    model = make()
    with pytest.raises(
        TypeError, match=f"one sample as a list of 2 numbers.*{type(sample).__name__}"
    ):
        model(sample)  # type: ignore[operator]
    assert model([5.0, 7.0]) is not None  # type: ignore[operator]


def test_the_numpy_twin_lets_nan_through_like_the_engine() -> None:
    model = MLP(2, [3, 3, 1], seed=0)
    out = model.predict(np.array([[np.nan, 1.0], [0.5, 1.0]]))
    assert math.isnan(out[0, 0])
    assert math.isfinite(out[1, 0])


@pytest.mark.parametrize("opt", [SGD, Adam, AdamW])
@pytest.mark.parametrize("name", ["lr", "weight_decay"])
def test_string_hyperparameters_are_a_type_error_naming_them(opt: type, name: str) -> None:
    kwargs = {"lr": 0.1, name: "0.1"}
    with pytest.raises(TypeError, match=f"{name} must be a number, got str '0.1'"):
        opt([Value(1.0)], **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"momentum": "0.9"}, "momentum must be a number, got str"),
        ({"lr": True}, "lr must be a number, got bool"),
    ],
)
def test_sgd_settings_of_the_wrong_type(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(TypeError, match=match):
        SGD([Value(1.0)], **{"lr": 0.1, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"eps": "1e-8"}, "eps must be a number, got str"),
        ({"betas": ("0.9", 0.999)}, r"betas\[0\] must be a number, got str"),
        ({"betas": "ab"}, "betas must be a pair"),
    ],
)
def test_adam_settings_of_the_wrong_type(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises((TypeError, ValueError), match=match):
        Adam([Value(1.0)], **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("opt", [Adam, AdamW])
def test_adam_needs_eps_above_0(opt: type) -> None:
    with pytest.raises(ValueError, match=r"eps must be > 0, got 0\.0"):
        opt([Value(1.0)], eps=0.0)
    w = Value(1.0)
    step = opt([w], eps=1e-8, weight_decay=0.0)
    w.grad = 0.0
    step.step()  # a zero gradient with eps > 0: no move, no ZeroDivisionError
    assert w.data == 1.0


@pytest.mark.parametrize(
    ("seed", "error", "match"),
    [
        (-1, ValueError, "seed must be an int >= 0, a numpy Generator or None, got -1"),
        ("1", TypeError, "seed must be an int >= 0, a numpy Generator or None, got str '1'"),
        (1.5, TypeError, "got float 1.5"),
    ],
)
def test_bad_seeds_get_our_message(seed: object, error: type[Exception], match: str) -> None:
    for make in (lambda: MLP(2, [1], seed=seed), lambda: make_moons(10, seed=seed)):  # type: ignore[arg-type]
        with pytest.raises(error, match=match):
            make()


def test_numpy_int_seeds_are_seeds() -> None:
    a, b = MLP(2, [2], seed=np.int64(3)), MLP(2, [2], seed=3)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]


@pytest.mark.parametrize("box", [(5, -5), (1.0, 1.0), (0.0, math.inf), (1,), "ab", None])
def test_make_blobs_needs_an_increasing_finite_center_box(box: object) -> None:
    with pytest.raises(ValueError, match=r"center_box must be a pair \(low, high\) of finite"):
        make_blobs(10, center_box=box)  # type: ignore[arg-type]
    X, _ = make_blobs(50, center_box=(-5.0, 5.0), noise=0.0, seed=0)
    assert X.min() >= -5.0 and X.max() <= 5.0


def test_numpy_floats_assigned_to_parameters_compute_as_their_floats() -> None:
    # Issue 12, item 4: this died with RecursionError (dot's careful path called dot again).
    model = MLP(2, [4, 4, 1], seed=0)
    want = model([1.0, 2.0]).data  # type: ignore[union-attr]
    for p in model.parameters():
        p.data = np.float64(p.data)
    assert model([1.0, 2.0]).data == want  # type: ignore[union-attr]
    assert all(type(p.data) is float for p in model.parameters())
    for p in model.parameters():
        p.data -= np.float32(0.5) * 0.0  # a numpy learning rate in a hand-written update
    assert model([1.0, 2.0]).data == pytest.approx(want, rel=1e-6)  # type: ignore[union-attr]


def test_a_string_assigned_to_a_parameter_is_named_at_the_next_call() -> None:
    model = MLP(2, [2, 1], seed=0)
    model.layers[0].neurons[1].b.data = "0.5"  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"dot\(\) read Value 'layers\.0\.neurons\.1\.b', whose"):
        model([1.0, 2.0])
