"""Scale features with statistics learned from the training rows only.

Standardizing (subtracting each column's mean and dividing by its standard deviation) puts
every feature on the same footing, so one learning rate suits them all. The mean and the
deviation must come from the training set alone: computing them on validation or test rows
too would leak what the model is later judged on into its input.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Standardizer"]


class Standardizer:
    """Standardize columns: ``(X - mean_) / scale_``, with both learned by ``fit``.

    The names follow scikit-learn's ``StandardScaler``: ``fit(X_train)`` learns ``mean_`` and
    ``scale_`` (the population standard deviation), ``transform(X)`` (or calling the scaler)
    applies them, ``fit_transform`` does both. A column that is constant in the training set
    gets scale 1, so it becomes 0 instead of dividing by zero.

    >>> X_train = np.array([[1.0, 10.0], [3.0, 10.0]])
    >>> scaler = Standardizer().fit(X_train)
    >>> scaler.mean_.tolist(), scaler.scale_.tolist()
    ([2.0, 10.0], [1.0, 1.0])
    >>> scaler(np.array([[5.0, 12.0]])).tolist()  # validation rows use the training statistics
    [[3.0, 2.0]]
    """

    def __init__(self) -> None:
        self.mean_: NDArray[np.float64] | None = None
        self.scale_: NDArray[np.float64] | None = None

    def fit(self, X: ArrayLike) -> Standardizer:
        """Learn each column's mean and standard deviation from ``X``; returns the scaler."""
        A = _as_2d(X, "fit")
        if len(A) == 0:
            raise ValueError("Standardizer.fit() needs at least one row, got X of shape (0, ...)")
        bad = np.argwhere(~np.isfinite(A))
        if len(bad):
            i, j = bad[0]
            raise ValueError(
                f"Standardizer.fit(): X[{i}, {j}] is {float(A[i, j])!r}; "
                "the statistics need finite numbers"
            )
        self.mean_ = A.mean(axis=0)
        std = A.std(axis=0)
        self.scale_ = np.where(std > 0.0, std, 1.0)
        return self

    def transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """``(X - mean_) / scale_`` for any rows: training, validation, test or new data."""
        if self.mean_ is None or self.scale_ is None:
            raise RuntimeError("Standardizer.transform() before fit(): call fit(X_train) first")
        A = _as_2d(X, "transform")
        if A.shape[1] != len(self.mean_):
            raise ValueError(
                f"Standardizer was fitted on {len(self.mean_)} columns, got X of shape {A.shape}"
            )
        return (A - self.mean_) / self.scale_

    __call__ = transform

    def fit_transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """``fit(X)`` then ``transform(X)``: for the training set only.

        >>> Standardizer().fit_transform([[0.0], [2.0], [4.0]]).ravel().round(4).tolist()
        [-1.2247, 0.0, 1.2247]
        """
        return self.fit(X).transform(X)

    def inverse_transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Undo ``transform``: ``X * scale_ + mean_``.

        >>> s = Standardizer().fit([[1.0], [3.0]])
        >>> s.inverse_transform(s([[7.0]])).tolist()
        [[7.0]]
        """
        if self.mean_ is None or self.scale_ is None:
            raise RuntimeError("Standardizer.inverse_transform() before fit(): call fit first")
        return _as_2d(X, "inverse_transform") * self.scale_ + self.mean_

    def to_dict(self) -> dict[str, list[float]]:
        """The learned statistics as plain JSON values, to save beside a model.

        >>> Standardizer().fit([[1.0], [3.0]]).to_dict()
        {'mean': [2.0], 'scale': [1.0]}
        """
        if self.mean_ is None or self.scale_ is None:
            raise RuntimeError("Standardizer.to_dict() before fit(): nothing to save")
        return {"mean": self.mean_.tolist(), "scale": self.scale_.tolist()}

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Standardizer:
        """A fitted scaler from ``to_dict()``'s output; refuses anything malformed.

        >>> Standardizer.from_dict({"mean": [2.0], "scale": [1.0]})([[3.0]]).tolist()
        [[1.0]]
        """
        mean, scale = _numbers(state.get("mean")), _numbers(state.get("scale"))
        if mean is None or scale is None or not 0 < len(mean) == len(scale) or min(scale) <= 0:
            raise ValueError(
                "Standardizer.from_dict() needs {'mean': [...], 'scale': [...]}: two lists of "
                f"the same non-zero length, finite numbers, positive scales; got {state!r}"
            )
        scaler = cls()
        scaler.mean_ = np.array(mean, dtype=np.float64)
        scaler.scale_ = np.array(scale, dtype=np.float64)
        return scaler

    def __repr__(self) -> str:
        if self.mean_ is None:
            return "Standardizer()  # not fitted"
        return f"Standardizer()  # fitted on {len(self.mean_)} columns"


def _numbers(value: object) -> list[float] | None:
    """``value`` as a list of finite floats if it is a list of finite numbers, else None."""
    if not isinstance(value, list):
        return None
    ok = all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value
    )
    return [float(v) for v in value] if ok else None


def _as_2d(X: ArrayLike, method: str) -> NDArray[np.float64]:
    A = np.asarray(X, dtype=np.float64)
    if A.ndim != 2:
        raise ValueError(
            f"Standardizer.{method}() takes X of shape (n_samples, n_features), "
            f"got shape {A.shape}; reshape one sample with X.reshape(1, -1)"
        )
    return A
