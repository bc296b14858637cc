"""Toy data sets, train_test_split and minibatches: shapes, geometry, balance, seeding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nn.data
from nn import (
    make_blobs,
    make_circles,
    make_linear,
    make_moons,
    make_spirals,
    minibatches,
    train_test_split,
)

Maker = Callable[..., tuple[np.ndarray, np.ndarray]]
CLASSIFIERS: list[tuple[Maker, dict[str, Any], int]] = [
    (make_moons, {"noise": 0.1}, 2),
    (make_circles, {"noise": 0.1}, 2),
    (make_blobs, {"n_classes": 4}, 4),
    (make_spirals, {"n_classes": 3, "noise": 0.05}, 3),
]


def test_data_is_a_submodule_too() -> None:
    assert nn.data.make_moons is make_moons


@pytest.mark.parametrize(("make", "kwargs", "k"), CLASSIFIERS)
@pytest.mark.parametrize("n", [1, 7, 100])
def test_shapes_dtypes_and_balance(make: Maker, kwargs: dict[str, Any], k: int, n: int) -> None:
    X, y = make(n, **kwargs)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=k)
    assert len(counts) == k and counts.sum() == n
    assert counts.max() - counts.min() <= 1  # as even as n allows
    assert np.isfinite(X).all()


@pytest.mark.parametrize(("make", "kwargs", "k"), [*CLASSIFIERS, (make_linear, {"noise": 0.5}, 0)])
def test_seeds(make: Maker, kwargs: dict[str, Any], k: int) -> None:
    X1, y1 = make(50, seed=3, **kwargs)
    X2, y2 = make(50, seed=3, **kwargs)
    X3, _ = make(50, seed=4, **kwargs)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_moons_without_noise_lie_on_the_two_half_circles() -> None:
    X, y = make_moons(101, noise=0.0, shuffle=False)
    upper, lower = X[y == 0], X[y == 1]
    assert (len(upper), len(lower)) == (50, 51)
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-12)
    assert (upper[:, 1] >= -1e-12).all()  # the upper half of the circle around (0, 0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()  # the lower half of the circle around (1, 0.5)
    # scikit-learn's endpoints: (1, 0) .. (-1, 0) and (0, 0.5) .. (2, 0.5)
    np.testing.assert_allclose(upper[[0, -1]], [[1.0, 0.0], [-1.0, 0.0]], atol=1e-12)
    np.testing.assert_allclose(lower[[0, -1]], [[0.0, 0.5], [2.0, 0.5]], atol=1e-12)


def test_moons_shuffle_keeps_rows_and_labels_together() -> None:
    X0, y0 = make_moons(40, noise=0.0, shuffle=False)
    X1, y1 = make_moons(40, noise=0.0, shuffle=True)
    assert not np.array_equal(y0, y1)
    rows0 = {(*x, c) for x, c in zip(X0.round(12).tolist(), y0.tolist())}
    rows1 = {(*x, c) for x, c in zip(X1.round(12).tolist(), y1.tolist())}
    assert rows0 == rows1


def test_noise_has_the_requested_standard_deviation() -> None:
    X0, _ = make_moons(4000, noise=0.0, shuffle=False)
    X1, _ = make_moons(4000, noise=0.2, shuffle=False, seed=1)
    assert np.std(X1 - X0) == pytest.approx(0.2, rel=0.05)


@pytest.mark.parametrize("factor", [0.0, 0.3, 0.8])
def test_circles_radii_are_1_and_factor(factor: float) -> None:
    X, y = make_circles(60, noise=0.0, factor=factor)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(r[y == 1], factor, atol=1e-12)


def test_blobs_without_noise_sit_on_their_centres_and_spread_with_noise() -> None:
    centers = np.array([[0.0, 0.0, 0.0], [10.0, -5.0, 2.0]])
    X, y = make_blobs(9, centers=centers, noise=0.0)
    assert X.shape == (9, 3)
    np.testing.assert_array_equal(X, centers[y])
    X, y = make_blobs(4000, centers=centers, noise=0.5, seed=1)
    assert np.std(X - centers[y]) == pytest.approx(0.5, rel=0.05)
    X, y = make_blobs(30, n_classes=5, n_features=4)
    assert X.shape == (30, 4) and set(y.tolist()) == set(range(5))
    assert (np.abs(X) < 10 + 6).all()  # centres in the box (-10, 10), noise 1


def test_spirals_without_noise() -> None:
    X, y = make_spirals(40, n_classes=2, noise=0.0, shuffle=False)
    r = np.hypot(X[:, 0], X[:, 1])
    for k in range(2):
        rk = r[y == k]
        np.testing.assert_allclose(rk, np.linspace(0.1, 1.0, 20), rtol=1e-12)
    # The two arms start opposite each other and are point reflections of one another.
    np.testing.assert_allclose(X[y == 0], -X[y == 1], atol=1e-12)


def test_make_linear_is_the_tutorials_line() -> None:
    X, y = make_linear(50)
    assert X.shape == (50, 1) and y.shape == (50,) and y.dtype == np.float64
    np.testing.assert_allclose(y, 3.0 * X[:, 0], rtol=1e-15)
    X, y = make_linear(5000, w=-2.0, b=1.5, noise=0.3, seed=1)
    residual = y - (-2.0 * X[:, 0] + 1.5)
    assert np.std(residual) == pytest.approx(0.3, rel=0.05)
    assert abs(np.mean(residual)) < 0.03
    assert np.std(X) == pytest.approx(1.0, rel=0.05)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: make_moons(0), "n_samples must be at least 1, got 0"),
        (lambda: make_moons(10, noise=-0.1), "noise .* >= 0, got -0.1"),
        (lambda: make_circles(10, factor=1.0), r"factor .* \[0, 1\), got 1.0"),
        (lambda: make_blobs(10, centers=[1.0, 2.0]), r"\(k, d\) array .* shape \(2,\)"),
        (lambda: make_spirals(10, n_classes=0), "n_classes >= 1, got 0"),
    ],
)
def test_bad_arguments(call: Callable[[], object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_n_samples_must_be_an_int() -> None:
    with pytest.raises(TypeError, match="n_samples must be an int, got float"):
        make_moons(10.0)  # type: ignore[arg-type]


# --- train_test_split -----------------------------------------------------------------------


def test_split_partitions_the_rows_and_keeps_pairs() -> None:
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=1)
    assert (len(X_train), len(X_test)) == (15, 5)
    assert sorted([*y_train.tolist(), *y_test.tolist()]) == list(range(20))
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)  # rows stay with their labels
    np.testing.assert_array_equal(X_test[:, 0], 2 * y_test)
    again = train_test_split(X, y, test_size=0.25, seed=1)
    np.testing.assert_array_equal(again[3], y_test)
    other = train_test_split(X, y, test_size=0.25, seed=2)
    assert not np.array_equal(other[3], y_test)
    assert len(train_test_split(X, y, test_size=3)[1]) == 3
    assert len(train_test_split(X, y, test_size=0.01)[1]) == 1  # rounded up, as scikit-learn


@pytest.mark.parametrize("test_size", [0.0, 1.0, 0, 20])
def test_split_needs_both_parts(test_size: float) -> None:
    with pytest.raises(ValueError, match=f"test_size={test_size}"):
        train_test_split(np.zeros((20, 2)), np.zeros(20), test_size=test_size)


def test_split_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match=r"shapes \(5, 2\) and \(4,\)"):
        train_test_split(np.zeros((5, 2)), np.zeros(4))


# --- minibatches ----------------------------------------------------------------------------


def test_minibatches_cover_every_row_once() -> None:
    X = np.arange(22.0).reshape(11, 2)
    y = np.arange(11)
    batches = list(minibatches(X, y, 4, seed=0))
    assert [len(yb) for _, yb in batches] == [4, 4, 3]
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(11))
    assert seen.tolist() != list(range(11))  # shuffled
    for Xb, yb in batches:
        np.testing.assert_array_equal(Xb[:, 0], 2 * yb)
    in_order = np.concatenate([yb for _, yb in minibatches(X, y, 4, shuffle=False)])
    assert in_order.tolist() == list(range(11))


def test_minibatches_seeding() -> None:
    X, y = np.zeros((30, 1)), np.arange(30)

    def order(seed: int | np.random.Generator) -> list[int]:
        return np.concatenate([yb for _, yb in minibatches(X, y, 7, seed=seed)]).tolist()

    assert order(5) == order(5)
    assert order(5) != order(6)
    rng = np.random.default_rng(0)
    assert order(rng) != order(rng)  # a Generator gives a new order each epoch


def test_minibatches_rejects_bad_batch_size() -> None:
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        next(minibatches(np.zeros((3, 1)), np.zeros(3), 0))


# --- the three-way split --------------------------------------------------------------------


def test_train_val_test_split_partitions_the_rows() -> None:
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    X_tr, X_va, X_te, y_tr, y_va, y_te = nn.data.train_val_test_split(
        X, y, val_size=0.2, test_size=0.25, seed=3
    )
    assert (len(y_tr), len(y_va), len(y_te)) == (11, 4, 5)
    # Every row lands in exactly one part, and X and y stay paired.
    assert sorted([*y_tr, *y_va, *y_te]) == list(range(20))
    for Xp, yp in [(X_tr, y_tr), (X_va, y_va), (X_te, y_te)]:
        assert np.array_equal(Xp[:, 0], 2.0 * yp)
    # Seeded: the same seed, the same split; another seed, another one.
    again = nn.data.train_val_test_split(X, y, val_size=0.2, test_size=0.25, seed=3)
    assert np.array_equal(again[4], y_va)
    other = nn.data.train_val_test_split(X, y, val_size=0.2, test_size=0.25, seed=4)
    assert not np.array_equal(other[4], y_va)
    # Row counts work as in train_test_split.
    parts = nn.data.train_val_test_split(X, y, val_size=3, test_size=2)
    assert [len(p) for p in parts[3:]] == [15, 3, 2]


@pytest.mark.parametrize(
    ("val", "test", "match"),
    [
        (0.5, 0.5, "each of the three parts needs at least one row"),
        (0, 0.2, "give 0 validation"),
        (1.5, 0.2, r"val_size=1.5: a fraction of the rows must be in \(0, 1\)"),
        (0.2, -0.1, r"test_size=-0.1: a fraction"),
    ],
)
def test_train_val_test_split_refuses_an_empty_part(val: float, test: float, match: str) -> None:
    X, y = make_moons(10)
    with pytest.raises(ValueError, match=match):
        nn.data.train_val_test_split(X, y, val_size=val, test_size=test)
