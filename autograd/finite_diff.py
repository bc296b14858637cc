"""Central and one-sided finite differences, and the test that tells a kink from a curve.

``Probe`` evaluates a function with one input moved by a step; ``judge`` compares backprop's
value with the central difference and, where the one-sided differences disagree in a way that
does not shrink with the step (a kink), accepts any value between them. ``autograd.gradcheck``
drives these; the verdicts are ``GradcheckEntry`` rows of a report.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

from .gradcheck_report import FAIL, KINK, OK, GradcheckEntry

__all__ = ["Probe", "judge", "kink_slopes"]

# For a smooth function, one-sided differences at step h disagree by f''(x) * h, so shrinking
# the step tenfold shrinks the disagreement tenfold, within this relative slack. A kink keeps
# it (or makes it vanish when the kink lies between the two steps).
_SHRINK = 10.0
_SMOOTH_SLACK = 0.5
# Rounding error of one function value, in units of its magnitude, with room to spare.
_ROUNDING = 16 * sys.float_info.epsilon


class Probe:
    """Evaluates ``f`` with input ``j`` moved by a step, remembering each step's result.

    ``name`` is the input's name and ``what`` the check's, for the messages of a step lost in
    rounding or a step that leaves ``f``'s domain.
    """

    def __init__(
        self,
        f: Callable[[list[float]], list[float]],
        xs: list[float],
        j: int,
        center: list[float],
        name: str,
        what: str,
    ) -> None:
        self._f, self._xs, self._j = f, xs, j
        self._name, self._what = name, what
        self._cache: dict[float, list[float]] = {0.0: center}

    def at(self, step: float) -> list[float]:
        if step not in self._cache:
            point = list(self._xs)
            point[self._j] += step
            try:
                self._cache[step] = self._f(point)
            except (ValueError, ArithmeticError) as err:
                raise ValueError(self._left_domain(step, err)) from err
        return self._cache[step]

    def _left_domain(self, step: float, err: Exception) -> str:
        x, name, h = self._xs[self._j], self._name, abs(step)
        sign = "+" if step > 0 else "-"
        return (
            f"{self._what}: the finite-difference probe {name} {sign} {h:g} = {x + step!r} "
            f"left fn's domain ({err}). This is the check's own step, not your input: fn is "
            f"defined at {name} = {x!r}; move {name} more than {h:g} inside its domain, or "
            "pass a smaller eps"
        )

    def step(self, h: float) -> float:
        """The step x + h - x as floats take it (not exactly h when x is large)."""
        x = self._xs[self._j]
        taken = (x + h) - x
        if taken == 0.0:
            raise ValueError(
                f"{self._what}: the step {h!r} is lost in rounding at {self._name} = {x!r} "
                "(x + step == x); pass a larger eps"
            )
        return taken

    def lost(self, h: float) -> bool:
        """Whether x +- h rounds back to x."""
        x = self._xs[self._j]
        return x + h == x or x - h == x

    def span(self, h: float) -> float:
        """The distance between x - h and x + h as floats take them."""
        return self.step(h) - self.step(-h)

    def noise(self, i: int, h: float) -> float:
        """How much rounding alone can move a one-sided difference of output ``i``."""
        scale = max(abs(self.at(-h)[i]), abs(self.at(0.0)[i]), abs(self.at(h)[i]))
        return _ROUNDING * scale / abs(self.step(h))

    def one_sided(self, i: int, h: float) -> tuple[float, float]:
        """Forward and backward differences of output ``i`` with step ``h``."""
        mid = self.at(0.0)[i]
        return (self.at(h)[i] - mid) / self.step(h), (mid - self.at(-h)[i]) / -self.step(-h)


def judge(
    probe: Probe,
    i: int,
    index: tuple[int, ...],
    name: str,
    x: float,
    analytic: float,
    numeric: float,
    eps: float,
    atol: float,
    rtol: float,
) -> GradcheckEntry:
    abs_err = abs(analytic - numeric)
    # Relative to the numeric value; a nonzero error on a zero derivative is infinitely off.
    rel_err = abs_err / abs(numeric) if numeric != 0 else math.inf if abs_err else 0.0
    # NaN fails every comparison, so a NaN on either side is a failure, never a pass.
    status = OK if abs_err <= atol + rtol * abs(numeric) else FAIL
    one_sided = None
    slopes = kink_slopes(probe, i, eps, atol, rtol)
    if slopes is not None:
        # At a kink, the central difference means nothing, but a subgradient still lies
        # between the one-sided slopes: a value outside them is a bug whatever the kink's rule.
        lo, hi = min(slopes), max(slopes)
        slack = atol + rtol * max(abs(lo), abs(hi))
        status = KINK if lo - slack <= analytic <= hi + slack else FAIL
        one_sided = (lo, hi)
    return GradcheckEntry(index, name, x, analytic, numeric, abs_err, rel_err, status, one_sided)


def kink_slopes(
    probe: Probe, i: int, eps: float, atol: float, rtol: float
) -> tuple[float, ...] | None:
    """The one-sided slopes around the point if the function is not smooth there, else None."""
    fwd, bwd = probe.one_sided(i, eps)
    gap, noise = abs(fwd - bwd), probe.noise(i, eps)
    if not gap > atol + rtol * max(abs(fwd), abs(bwd)) + noise:
        return None  # the two sides agree: the central difference is trustworthy
    if probe.lost(eps / _SHRINK):
        return None  # no finer step to compare with: trust the central difference
    fine_fwd, fine_bwd = probe.one_sided(i, eps / _SHRINK)
    fine_gap, fine_noise = abs(fine_fwd - fine_bwd), probe.noise(i, eps / _SHRINK)
    # Smooth: the gap is curvature, f''(x) * h, and shrinks with the step (give or take
    # rounding). A kink keeps it, or loses it entirely when it lies between the two steps.
    expected = gap / _SHRINK
    if abs(fine_gap - expected) <= _SMOOTH_SLACK * expected + fine_noise + noise / _SHRINK:
        return None
    return fwd, bwd, fine_fwd, fine_bwd
