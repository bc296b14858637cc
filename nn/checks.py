"""What ``fit`` checks before it trains (its data, its labels, its settings), and seeds.

Everything here runs once, up front, so that a mistake is reported at the call with the row
or the argument it concerns, instead of surfacing epochs later as "training diverged".
``rng`` turns every ``seed`` argument of ``nn`` (models, data sets, ``fit``) into a numpy
generator, with our own message for a seed numpy would refuse.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.optim import Optimizer
from nn.schedules import LRScheduler

__all__: list[str] = []  # internal: fit's checks

# A schedule for fit: a ready LRScheduler over fit's optimizer, or a function that builds one
# from it (``lambda opt: StepLR(opt, 10)``, ``functools.partial(StepLR, step_size=10)``).
Scheduler = LRScheduler | Callable[[Optimizer], LRScheduler]


def rng(seed: object, name: str = "seed") -> np.random.Generator:
    """A numpy generator from ``seed``: an int >= 0, a ``numpy.random.Generator`` or None.

    >>> int(rng(0).integers(10)) == int(rng(0).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator) or seed is None:
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{name} must be an int >= 0, a numpy Generator or None, "
            f"got {type(seed).__name__} {seed!r}"
        )
    if seed < 0:
        raise ValueError(f"{name} must be an int >= 0, a numpy Generator or None, got {seed!r}")
    return np.random.default_rng(int(seed))


def integer(name: str, value: object, minimum: int, *, none_ok: bool = False) -> int | None:
    """``value`` as an int >= ``minimum``: Python and numpy ints pass, bool and str do not.

    >>> integer("epochs", np.int64(3), 0)
    3
    """
    wanted = f"{'None or ' if none_ok else ''}an int >= {minimum}"
    if value is None and none_ok:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {wanted}, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return int(value)


def l2_strength(l2: object) -> float:
    """``l2`` as a float that is finite and >= 0."""
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real):
        raise TypeError(f"l2 must be a number >= 0, got {type(l2).__name__} {l2!r}")
    value = float(l2)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"l2 must be finite and >= 0, got {value!r}")
    if value < 0.0:
        raise ValueError(f"l2 must be >= 0, got {value!r}")
    return value


def _first_bad_row(finite: NDArray[np.bool_]) -> int | None:
    rows = finite.reshape(len(finite), -1).all(axis=1)
    return None if rows.all() else int(np.argmin(rows))


def _labels(y: ArrayLike, name: str) -> NDArray[Any]:
    """``y`` as a numeric array; strings (and objects that are not numbers) are refused."""
    ya = np.asarray(y)
    if ya.dtype.kind in "biuf":
        return ya
    if ya.dtype.kind == "O":
        try:
            return ya.astype(np.float64)
        except (TypeError, ValueError):
            pass
    first = ya.flat[0] if ya.size else None
    what = "strings" if ya.dtype.kind in "US" else f"dtype {ya.dtype}"
    raise TypeError(
        f"fit() needs numeric targets {name}, got {what}"
        f" (the first is {first!r}); convert them first, e.g. map class names to the ints "
        "0..k-1 or write y.astype(int)"
    )


def data(X: ArrayLike, y: ArrayLike, kind: str | None, which: str = "") -> tuple[Any, Any]:
    """``(X, y)`` checked and as arrays: shapes, numbers, finiteness, labels for ``kind``.

    ``which`` prefixes the names in messages ("validation " for ``validation_data``).
    """
    xname, yname = f"{which}X", f"{which}y"
    try:
        Xa = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"fit() needs numeric inputs {xname}: {err}") from None
    ya = _labels(y, yname)
    if Xa.ndim != 2 or len(Xa) == 0 or ya.ndim == 0 or len(Xa) != len(ya):
        raise ValueError(
            f"fit() needs {xname} of shape (n, nin) with n >= 1 and one target per row, "
            f"got {xname} of shape {Xa.shape} and {yname} of shape {ya.shape}"
        )
    row = _first_bad_row(np.isfinite(Xa))
    if row is not None:
        bad = Xa[row][~np.isfinite(Xa[row])][0]
        raise ValueError(
            f"fit() needs finite inputs, but {xname} contains {bad} at row {row}: "
            f"{Xa[row].tolist()!r:.80}; drop or fill that row before training"
        )
    if ya.dtype.kind == "f":
        row = _first_bad_row(np.isfinite(ya))
        if row is not None:
            bad = ya[row] if ya.ndim == 1 else ya[row][~np.isfinite(ya[row])][0]
            what = "NaN" if np.isnan(bad) else bad
            raise ValueError(
                f"the labels {yname} contain {what} at row {row}; "
                "drop or fix that row before training"
            )
    if kind in ("binary", "multiclass"):
        _check_classes(ya, kind, yname)
    return Xa, ya


def _check_classes(ya: NDArray[Any], kind: str, yname: str) -> None:
    if ya.ndim != 1:
        raise ValueError(
            f"a {kind} loss needs one class label per row, got {yname} of shape {ya.shape}"
        )
    values = np.unique(ya).astype(np.float64)
    whole = values == np.round(values)
    if not whole.all():
        raise ValueError(
            f"a {kind} loss needs integer class labels, got {values[~whole][0]} in {yname}"
        )
    if kind == "binary" and not set(values.tolist()) <= {0, 1}:
        hint = (
            "; micrograd's -1/+1 labels convert with y = (y + 1) // 2"
            if set(values.tolist()) <= {-1, 1}
            else ""
        )
        raise ValueError(
            f"a binary loss (hinge_loss, binary_cross_entropy) takes the labels 0 and 1, "
            f"got {sorted(set(values.tolist()))} in {yname}{hint}"
        )
    if kind == "multiclass" and values[0] < 0:
        raise ValueError(f"cross_entropy takes class labels 0..k-1, got {values[0]} in {yname}")


def validation(validation_data: object, nin: int, kind: str | None) -> tuple[Any, Any]:
    """``validation_data`` as checked arrays ``(X_val, y_val)`` with ``nin`` columns."""
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise TypeError(
            f"validation_data must be a pair (X_val, y_val), got {type(validation_data).__name__}"
        )
    Xv, yv = data(validation_data[0], validation_data[1], kind, "validation ")
    if Xv.shape[1] != nin:
        raise ValueError(
            f"validation X has {Xv.shape[1]} columns but X has {nin}; give them the same features"
        )
    return Xv, yv


def scheduler(schedule: Scheduler | None, optimizer: Optimizer) -> LRScheduler | None:
    """The schedule to step after each epoch: given, or built from ``optimizer``."""
    if schedule is None or isinstance(schedule, LRScheduler):
        built = schedule
    elif callable(schedule):
        built = schedule(optimizer)
        if not isinstance(built, LRScheduler):
            raise TypeError(
                "scheduler, when a function, must build an nn schedule from the optimizer "
                f"(e.g. lambda opt: StepLR(opt, 10)), but it returned {type(built).__name__}"
            )
    else:
        raise TypeError(
            "scheduler must be an nn schedule (StepLR, LinearLR, CosineAnnealingLR) or a "
            f"function that builds one from the optimizer, got {type(schedule).__name__}"
        )
    if built is not None and built.optimizer is not optimizer:
        raise ValueError(
            "scheduler drives another optimizer than the one fit() got; build it over the "
            "same optimizer, e.g. scheduler=StepLR(optimizer, 10)"
        )
    return built
