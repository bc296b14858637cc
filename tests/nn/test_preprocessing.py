"""Standardizer: statistics from the training rows only, applied unchanged to the others."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nn import Standardizer, load_iris, train_val_test_split


def test_fit_learns_training_statistics_and_transform_reuses_them() -> None:
    rng = np.random.default_rng(0)
    X_train = rng.normal(loc=[5.0, -3.0], scale=[2.0, 0.5], size=(200, 2))
    X_val = rng.normal(loc=[5.0, -3.0], scale=[2.0, 0.5], size=(50, 2))
    scaler = Standardizer().fit(X_train)
    assert scaler.mean_ is not None and scaler.scale_ is not None
    assert np.array_equal(scaler.mean_, X_train.mean(axis=0))
    assert np.array_equal(scaler.scale_, X_train.std(axis=0))
    Z = scaler.fit_transform(X_train)
    assert np.allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(Z.std(axis=0), 1.0, rtol=1e-12)
    # Validation rows are scaled with the training statistics, not their own.
    expected = (X_val - X_train.mean(axis=0)) / X_train.std(axis=0)
    assert np.array_equal(scaler(X_val), expected)
    assert np.array_equal(scaler.transform(X_val), expected)
    assert not np.allclose(scaler(X_val).mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(scaler.inverse_transform(scaler(X_val)), X_val, rtol=1e-14)


def test_a_constant_column_becomes_zero_not_nan() -> None:
    scaler = Standardizer().fit([[1.0, 7.0], [3.0, 7.0]])
    assert scaler.scale_ is not None and scaler.scale_.tolist() == [1.0, 1.0]
    assert scaler([[2.0, 7.0], [2.0, 9.0]]).tolist() == [[0.0, 0.0], [0.0, 2.0]]


def test_round_trip_through_plain_json_values() -> None:
    X, _ = load_iris()
    scaler = Standardizer().fit(X)
    again = Standardizer.from_dict(scaler.to_dict())
    assert np.array_equal(again(X), scaler(X))


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"mean": [1.0], "scale": [1.0, 2.0]},
        {"mean": [1.0], "scale": [0.0]},
        {"mean": [math.nan], "scale": [1.0]},
        {"mean": ["1"], "scale": [1.0]},
        {"mean": [], "scale": []},
    ],
)
def test_from_dict_refuses_malformed_state(state: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"Standardizer\.from_dict\(\) needs"):
        Standardizer.from_dict(state)


def test_misuse_is_refused_with_what_to_do() -> None:
    with pytest.raises(RuntimeError, match=r"before fit\(\): call fit\(X_train\) first"):
        Standardizer().transform([[1.0]])
    scaler = Standardizer().fit([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"fitted on 2 columns, got X of shape \(1, 3\)"):
        scaler([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match=r"reshape one sample with X.reshape\(1, -1\)"):
        scaler([1.0, 2.0])
    with pytest.raises(ValueError, match=r"X\[1, 0\] is nan"):
        Standardizer().fit([[1.0], [math.nan]])
    assert repr(scaler) == "Standardizer()  # fitted on 2 columns"


def test_iris_standardized_by_its_training_split() -> None:
    X, y = load_iris()
    X_train, *_ = train_val_test_split(X, y, seed=0)
    scaler = Standardizer().fit(X_train)
    assert np.allclose(scaler(X_train).mean(axis=0), 0.0, atol=1e-12)
    whole = Standardizer().fit(X)  # fitting on everything would give other statistics
    assert scaler.mean_ is not None and whole.mean_ is not None
    assert not np.array_equal(scaler.mean_, whole.mean_)
