"""Toy data sets to learn on, and helpers to split them and walk them in minibatches.

Every maker returns ``(X, y)`` as numpy arrays: ``X`` float64 of shape ``(n_samples, d)`` and
``y`` of shape ``(n_samples,)`` (int64 class labels, or float64 targets for ``make_linear``).
All randomness comes from ``numpy.random.default_rng(seed)``, so the same seed gives the same
data on every machine; ``seed=None`` draws fresh randomness.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.checks import rng as _make_rng

__all__ = [
    "make_blobs",
    "make_circles",
    "make_linear",
    "make_moons",
    "make_spirals",
    "minibatches",
    "train_test_split",
    "train_val_test_split",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Seed = int | np.random.Generator | None


def _check_n(n_samples: int, least: int = 1) -> None:
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}")
    if n_samples < least:
        raise ValueError(f"n_samples must be at least {least}, got {n_samples}")


def _check_noise(noise: float) -> None:
    if not noise >= 0.0 or not math.isfinite(noise):
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise}")


def _box(center_box: object) -> tuple[float, float]:
    """``center_box`` as a pair of finite numbers (low, high) with low < high."""
    try:
        low, high = (float(v) for v in center_box)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        low = high = math.nan
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(
            f"center_box must be a pair (low, high) of finite numbers with low < high, "
            f"got {center_box!r}"
        )
    return low, high


def _finish(
    X: FloatArray, y: IntArray, noise: float, rng: np.random.Generator, shuffle: bool
) -> tuple[FloatArray, IntArray]:
    """Add Gaussian noise to every coordinate, then shuffle the rows (X and y together)."""
    if noise > 0.0:
        X = X + rng.normal(scale=noise, size=X.shape)
    if shuffle:
        order = rng.permutation(len(X))
        X, y = X[order], y[order]
    return np.ascontiguousarray(X, dtype=np.float64), y.astype(np.int64)


def make_moons(
    n_samples: int = 100, *, noise: float = 0.0, seed: Seed = 0, shuffle: bool = True
) -> tuple[FloatArray, IntArray]:
    """Two interleaving half circles in 2-D, the classic non-linear toy problem.

    The geometry is scikit-learn's: class 0 lies on the upper half of the unit circle,
    class 1 on the lower half of a unit circle centred at (1, 0.5). ``n_samples // 2`` points
    go to class 0, the rest to class 1.

    Args:
        noise: standard deviation of the Gaussian noise added to each coordinate.
        seed: seeds the noise and the shuffle.
        shuffle: shuffle the rows; otherwise class 0 comes first.

    >>> X, y = make_moons(6, shuffle=False)
    >>> X.shape, X.dtype, y.tolist()
    ((6, 2), dtype('float64'), [0, 0, 0, 1, 1, 1])
    >>> X[0].tolist(), X[3].tolist()
    ([1.0, 0.0], [0.0, 0.5])
    """
    _check_n(n_samples)
    _check_noise(noise)
    rng = _make_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0.0, math.pi, n_out)
    t_in = np.linspace(0.0, math.pi, n_in)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)]),
        ]
    )
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    return _finish(X, y, noise, rng, shuffle)


def make_circles(
    n_samples: int = 100,
    *,
    noise: float = 0.0,
    factor: float = 0.5,
    seed: Seed = 0,
    shuffle: bool = True,
) -> tuple[FloatArray, IntArray]:
    """A circle of radius ``factor`` (class 1) inside the unit circle (class 0), in 2-D.

    ``n_samples // 2`` points are evenly spaced on the outer circle, the rest on the inner
    one, as in scikit-learn.

    Args:
        noise: standard deviation of the Gaussian noise added to each coordinate.
        factor: radius of the inner circle, in [0, 1).

    >>> X, y = make_circles(8, factor=0.5, shuffle=False)
    >>> np.hypot(X[:, 0], X[:, 1]).round(6).tolist(), y.tolist()
    ([1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5], [0, 0, 0, 0, 1, 1, 1, 1])
    """
    _check_n(n_samples)
    _check_noise(noise)
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"factor is the inner radius and must be in [0, 1), got {factor}")
    rng = _make_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0.0, 2.0 * math.pi, n_out, endpoint=False)
    t_in = np.linspace(0.0, 2.0 * math.pi, n_in, endpoint=False)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
        ]
    )
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    return _finish(X, y, noise, rng, shuffle)


def _class_sizes(n_samples: int, n_classes: int) -> list[int]:
    """Split n_samples as evenly as possible; the first classes get the remainder."""
    base, extra = divmod(n_samples, n_classes)
    return [base + (1 if k < extra else 0) for k in range(n_classes)]


def make_blobs(
    n_samples: int = 100,
    *,
    n_classes: int = 3,
    n_features: int = 2,
    centers: ArrayLike | None = None,
    noise: float = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    seed: Seed = 0,
    shuffle: bool = True,
) -> tuple[FloatArray, IntArray]:
    """Gaussian clusters, one per class, with (nearly) equal numbers of points.

    Args:
        n_classes: how many clusters; ignored when ``centers`` is given.
        n_features: the dimension ``d``; ignored when ``centers`` is given.
        centers: a ``(k, d)`` array of cluster centres; by default drawn uniformly from
            ``center_box`` in every coordinate.
        noise: the standard deviation of each cluster (scikit-learn's ``cluster_std``).

    >>> X, y = make_blobs(5, centers=[[0.0, 0.0], [5.0, 5.0]], noise=0.0, shuffle=False)
    >>> X.tolist()
    [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [5.0, 5.0]]
    >>> y.tolist()
    [0, 0, 0, 1, 1]
    """
    _check_n(n_samples)
    _check_noise(noise)
    rng = _make_rng(seed)
    if centers is None:
        if n_classes < 1 or n_features < 1:
            raise ValueError(
                f"make_blobs needs n_classes >= 1 and n_features >= 1, "
                f"got {n_classes} and {n_features}"
            )
        low, high = _box(center_box)
        c = rng.uniform(low, high, size=(n_classes, n_features))
    else:
        c = np.asarray(centers, dtype=np.float64)
        if c.ndim != 2 or len(c) == 0:
            raise ValueError(f"centers must be a (k, d) array with k >= 1, got shape {c.shape}")
    sizes = _class_sizes(n_samples, len(c))
    X = np.repeat(c, sizes, axis=0)
    y = np.repeat(np.arange(len(c), dtype=np.int64), sizes)
    return _finish(X, y, noise, rng, shuffle)


def make_spirals(
    n_samples: int = 100,
    *,
    n_classes: int = 2,
    noise: float = 0.0,
    turns: float = 1.0,
    seed: Seed = 0,
    shuffle: bool = True,
) -> tuple[FloatArray, IntArray]:
    """``n_classes`` spiral arms winding out of the centre in 2-D, one arm per class.

    Arm ``k`` starts at angle ``2 pi k / n_classes`` and makes ``turns`` full turns while its
    radius grows from 0.1 to 1 (starting off the origin keeps the arms apart there).

    Args:
        noise: standard deviation of the Gaussian noise added to each coordinate.
        turns: how many times each arm winds around the centre.

    >>> X, y = make_spirals(6, n_classes=3, shuffle=False)
    >>> y.tolist(), np.hypot(X[:, 0], X[:, 1]).round(6).tolist()
    ([0, 0, 1, 1, 2, 2], [0.1, 1.0, 0.1, 1.0, 0.1, 1.0])
    """
    _check_n(n_samples)
    _check_noise(noise)
    if n_classes < 1:
        raise ValueError(f"make_spirals needs n_classes >= 1, got {n_classes}")
    rng = _make_rng(seed)
    parts = []
    for k, size in enumerate(_class_sizes(n_samples, n_classes)):
        t = np.linspace(0.0, 1.0, size)
        radius = 0.1 + 0.9 * t
        angle = 2.0 * math.pi * (k / n_classes + turns * t)
        parts.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
    X = np.concatenate(parts)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), _class_sizes(n_samples, n_classes))
    return _finish(X, y, noise, rng, shuffle)


def make_linear(
    n_samples: int = 100,
    *,
    w: float = 3.0,
    b: float = 0.0,
    noise: float = 0.0,
    seed: Seed = 0,
) -> tuple[FloatArray, FloatArray]:
    """The tutorial's regression problem: ``y = w x + b`` (``y = 3x`` by default) plus noise.

    ``x`` is drawn from the standard normal distribution; ``X`` has shape ``(n, 1)`` so a
    model with one input takes it as it is, and ``y`` is float64 of shape ``(n,)``.

    Args:
        w, b: the slope and intercept a model should recover.
        noise: standard deviation of the Gaussian noise added to ``y``.

    >>> X, y = make_linear(3)
    >>> X.shape, y.shape, bool(np.allclose(y, 3 * X[:, 0]))
    ((3, 1), (3,), True)
    """
    _check_n(n_samples)
    _check_noise(noise)
    rng = _make_rng(seed)
    X = rng.standard_normal((n_samples, 1))
    y = w * X[:, 0] + b
    if noise > 0.0:
        y = y + rng.normal(scale=noise, size=n_samples)
    return X, y.astype(np.float64)


def _as_xy(X: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.generic], NDArray[np.generic]]:
    Xa, ya = np.asarray(X), np.asarray(y)
    if Xa.ndim == 0 or len(Xa) != len(ya):
        raise ValueError(
            f"X and y need the same number of rows, got shapes {Xa.shape} and {ya.shape}"
        )
    return Xa, ya


def train_test_split(
    X: ArrayLike, y: ArrayLike, *, test_size: float | int = 0.25, seed: Seed = 0
) -> tuple[NDArray[np.generic], NDArray[np.generic], NDArray[np.generic], NDArray[np.generic]]:
    """Shuffle the rows and split them: ``X_train, X_test, y_train, y_test`` (scikit-learn order).

    Args:
        test_size: a fraction in (0, 1) (rounded up to whole rows, as scikit-learn does) or a
            number of rows.

    >>> X, y = make_moons(8)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25)
    >>> X_train.shape, X_test.shape, y_train.shape, y_test.shape
    ((6, 2), (2, 2), (6,), (2,))
    """
    Xa, ya = _as_xy(X, y)
    n = len(Xa)
    n_test = _rows_for("test_size", test_size, n)
    if not 0 < n_test < n:
        raise ValueError(
            f"test_size={test_size} leaves {n_test} of {n} rows for testing; "
            "both parts need at least one row"
        )
    order = _make_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return Xa[train], Xa[test], ya[train], ya[test]


def train_val_test_split(
    X: ArrayLike,
    y: ArrayLike,
    *,
    val_size: float | int = 0.15,
    test_size: float | int = 0.15,
    seed: Seed = 0,
) -> tuple[
    NDArray[np.generic],
    NDArray[np.generic],
    NDArray[np.generic],
    NDArray[np.generic],
    NDArray[np.generic],
    NDArray[np.generic],
]:
    """Shuffle the rows and split them three ways: train on one, tune on one, test on one.

    Returns ``X_train, X_val, X_test, y_train, y_val, y_test``. Choose epochs, learning rate
    and architecture by the validation rows; look at the test rows once, at the end, for an
    honest estimate of how the model does on data it has never influenced.

    Args:
        val_size, test_size: each a fraction in (0, 1) of all rows (rounded up to whole rows)
            or a number of rows; every part needs at least one row.
        seed: seeds the shuffle, so the same seed gives the same split.

    >>> X, y = make_moons(20)
    >>> parts = train_val_test_split(X, y, val_size=0.2, test_size=0.25)
    >>> [len(p) for p in parts]
    [11, 4, 5, 11, 4, 5]
    """
    Xa, ya = _as_xy(X, y)
    n = len(Xa)
    n_val, n_test = _rows_for("val_size", val_size, n), _rows_for("test_size", test_size, n)
    if n_val < 1 or n_test < 1 or n_val + n_test >= n:
        raise ValueError(
            f"val_size={val_size} and test_size={test_size} give {n_val} validation and "
            f"{n_test} test rows of {n}; each of the three parts needs at least one row"
        )
    order = _make_rng(seed).permutation(n)
    test, val, train = order[:n_test], order[n_test : n_test + n_val], order[n_test + n_val :]
    return Xa[train], Xa[val], Xa[test], ya[train], ya[val], ya[test]


def _rows_for(name: str, size: float | int, n: int) -> int:
    """A fraction of n rows (rounded up, as scikit-learn does) or a number of rows."""
    if isinstance(size, float):
        if not 0.0 < size < 1.0:
            raise ValueError(
                f"{name}={size}: a fraction of the rows must be in (0, 1); "
                "for a number of rows pass an int"
            )
        return math.ceil(size * n)
    return int(size)


def minibatches(
    X: ArrayLike, y: ArrayLike, batch_size: int, *, shuffle: bool = True, seed: Seed = 0
) -> Iterator[tuple[NDArray[np.generic], NDArray[np.generic]]]:
    """Walk ``(X, y)`` once in batches of ``batch_size`` rows; the last batch may be smaller.

    Args:
        shuffle: visit the rows in a random order (drawn from ``seed``); else in order.
        seed: an int (the same order on every call), a ``numpy.random.Generator`` (pass the
            same one every epoch to get a new order each time, as ``fit`` does), or None.

    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in minibatches(X, y, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    Xa, ya = _as_xy(X, y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
        raise TypeError(f"batch_size must be an int, got {type(batch_size).__name__}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    n = len(Xa)
    order = _make_rng(seed).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        rows = order[start : start + batch_size]
        yield Xa[rows], ya[rows]
