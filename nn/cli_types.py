"""The checks of single option values for ``python -m nn``: numbers in range, paths.

Each turns the text of one option into its value or raises ``argparse.ArgumentTypeError``,
which argparse prints as one line naming the option. Command-line code only.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _out_path(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a path, got an empty one")
    return Path(text)


def _number(text: str, kind: Callable[[str], float], what: str) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _momentum(text: str) -> float:
    value = _number(text, float, "a number")
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {value}")
    return value


def _fraction(*, allow_zero: bool) -> Callable[[str], float]:
    def check(text: str) -> float:
        value = _number(text, float, "a fraction")
        if not (0.0 <= value < 1.0 if allow_zero else 0.0 < value < 1.0):
            raise argparse.ArgumentTypeError(f"must be in [0, 1), got {value}")
        return value

    return check


def _bounded(kind: Callable[[str], float], what: str, low: float, *, strict: bool) -> Any:
    """An argparse type: a ``kind`` number at least ``low`` (above it, when ``strict``)."""

    def check(text: str) -> float:
        value = _number(text, kind, what)
        if value < low or (strict and value == low):
            bound = "greater than" if strict else "at least"
            raise argparse.ArgumentTypeError(f"must be {bound} {low}, got {value}")
        return value

    return check


def _int_at_least(low: int) -> Callable[[str], int]:
    return _bounded(int, "a whole number", low, strict=False)  # type: ignore[no-any-return]


def _float_at_least(low: float) -> Callable[[str], float]:
    return _bounded(float, "a number", low, strict=False)  # type: ignore[no-any-return]


def _float_above(low: float) -> Callable[[str], float]:
    return _bounded(float, "a number", low, strict=True)  # type: ignore[no-any-return]
