"""Check backprop gradients against finite differences.

``gradcheck`` compares the first derivatives that backprop computes with central differences;
``gradgradcheck`` compares the second derivatives (``grad(..., create_graph=True)`` differentiated
again) with central differences of the gradient. Both return a report that is truthy when every
entry agrees and prints as a table.

A finite difference only means something where the function is smooth. At a kink (relu or abs
at 0) the two one-sided differences disagree by a jump that does not shrink with the step, while
for a smooth function they differ by ``f''(x) * h``. Such an entry gets a ``NonSmoothWarning``
and is judged only loosely: the backprop value must lie between the one-sided slopes (it must be
a subgradient), which any sensible rule for the kink satisfies.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .engine import Value, grad, is_grad_enabled, no_grad

__all__ = [
    "GradcheckEntry",
    "GradcheckError",
    "GradcheckReport",
    "NonSmoothWarning",
    "gradcheck",
    "gradgradcheck",
]

# Statuses of one entry of the report.
OK = "ok"
FAIL = "FAIL"
KINK = "kink"

# For a smooth function, one-sided differences at step h disagree by f''(x) * h, so shrinking
# the step tenfold shrinks the disagreement tenfold, within this relative slack. A kink keeps
# it (or makes it vanish when the kink lies between the two steps).
_SHRINK = 10.0
_SMOOTH_SLACK = 0.5
# Rounding error of one function value, in units of its magnitude, with room to spare.
_ROUNDING = 16 * sys.float_info.epsilon


class GradcheckError(AssertionError):
    """Raised by ``gradcheck(..., raise_on_failure=True)`` when an entry fails.

    It is an ``AssertionError`` so that a failed check inside a test reads as a failed
    assertion. ``report`` holds the full ``GradcheckReport``; the message is its table.
    """

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(str(report))
        self.report = report


class NonSmoothWarning(UserWarning):
    """Warned when an input sits on a kink, where a finite difference means nothing."""


@dataclass(frozen=True)
class GradcheckEntry:
    """One compared derivative: ``d out / d input`` (first order) or a Hessian entry.

    ``index`` is ``(i,)`` for a first derivative by input ``i`` and ``(i, j)`` for the second
    derivative by inputs ``i`` then ``j``; ``name`` spells it for the table, e.g. ``"x[0]"`` or
    ``"x[0],x[1]"``; ``value`` is the input the derivative is taken by (``x[j]``). ``status``
    is ``"ok"``, ``"FAIL"`` or ``"kink"``; at a kink ``one_sided`` is the range of the
    one-sided differences that backprop's value had to fall in.
    """

    index: tuple[int, ...]
    name: str
    value: float
    analytic: float
    numeric: float
    abs_err: float
    rel_err: float
    status: str
    one_sided: tuple[float, float] | None = None

    @property
    def passed(self) -> bool:
        """Whether this entry agrees (a kink whose backprop value is a subgradient passes)."""
        return self.status != FAIL


_HEADER = ("input", "value", "analytic", "numeric", "abs err", "rel err", "status")


@dataclass(frozen=True)
class GradcheckReport:
    """The result of ``gradcheck`` or ``gradgradcheck``: one entry per compared derivative.

    ``bool(report)`` is the verdict; ``str(report)`` is a readable table.

    >>> from autograd import gradcheck
    >>> report = gradcheck(lambda x: x * x.data, [3.0])  # .data hides one factor from backprop
    >>> bool(report), report.entries[0].analytic, round(report.entries[0].numeric, 6)
    (False, 3.0, 6.0)
    """

    entries: tuple[GradcheckEntry, ...]
    order: int
    eps: float
    atol: float
    rtol: float

    def __bool__(self) -> bool:
        return all(entry.passed for entry in self.entries)

    @property
    def failures(self) -> tuple[GradcheckEntry, ...]:
        """The entries that disagree."""
        return tuple(entry for entry in self.entries if not entry.passed)

    def __str__(self) -> str:
        what = "gradcheck" if self.order == 1 else "gradgradcheck"
        failed = len(self.failures)
        verdict = f"FAILED ({failed} of {len(self.entries)} entries)" if failed else "passed"
        title = (
            f"{what} {verdict}: backprop vs central differences "
            f"(eps={self.eps:g}, atol={self.atol:g}, rtol={self.rtol:g})"
        )
        rows: list[tuple[str, ...]] = [_HEADER]
        rows += [
            (
                e.name,
                f"{e.value:.6g}",
                f"{e.analytic:.10g}",
                f"{e.numeric:.10g}",
                f"{e.abs_err:.3g}",
                f"{e.rel_err:.3g}",
                e.status,
            )
            for e in self.entries
        ]
        if self.order == 2:
            # A Hessian entry is taken by two inputs, so there is no one input value to show.
            rows = [(row[0], *row[2:]) for row in rows]
            rows[0] = ("entry", *rows[0][1:])
        widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
        lines = [title] + [
            "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows
        ]
        return "\n".join(lines)


def gradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_on_failure: bool = False,
) -> GradcheckReport:
    """Compare the backprop gradient of ``fn`` at ``inputs`` with central differences.

    ``fn`` takes one ``Value`` per input float and returns a ``Value``. An entry passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|``. Inputs on a kink are warned about
    (``NonSmoothWarning``) instead of failing. With ``raise_on_failure=True`` a failure raises
    ``GradcheckError`` whose message is the report's table.

    >>> report = gradcheck(lambda x, y: x * y + x.exp(), [2.0, 3.0])
    >>> bool(report)
    True
    >>> bool(gradcheck(lambda x: x * x.data, [3.0]))  # .data detaches one factor: d/dx is 3, not 6
    False
    """
    xs = _as_floats(inputs, eps)
    _require_grad_mode("gradcheck")
    leaves = _leaves(xs)
    out = _call(fn, leaves, "gradcheck")
    analytic = [[g.data for g in grad(out, leaves)]]

    def value(point: list[float]) -> list[float]:
        with no_grad():
            return [_call(fn, _leaves(point), "gradcheck").data]

    return _finish(value, analytic, xs, [out.data], 1, eps, atol, rtol, raise_on_failure)


def gradgradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_on_failure: bool = False,
) -> GradcheckReport:
    """Compare second derivatives of ``fn`` (backprop twice) with differences of its gradient.

    The analytic Hessian comes from ``grad(fn(...), xs, create_graph=True)`` differentiated
    again; the numeric one from central differences of the (backprop) gradient. Entry ``(i, j)``
    is ``d2 out / dx_i dx_j``. Arguments and result are as for ``gradcheck``.

    >>> bool(gradgradcheck(lambda x, y: x * x * y, [2.0, 3.0]))
    True
    >>> bool(gradgradcheck(lambda x: x * x.data, [3.0]))  # backprop says 0, truly 2
    False
    """
    xs = _as_floats(inputs, eps)
    _require_grad_mode("gradgradcheck")
    leaves = _leaves(xs)
    out = _call(fn, leaves, "gradgradcheck")
    first = grad(out, leaves, create_graph=True)
    analytic = [[h.data for h in grad(g, leaves)] for g in first]

    def gradient(point: list[float]) -> list[float]:
        inner = _leaves(point)
        return [g.data for g in grad(_call(fn, inner, "gradgradcheck"), inner)]

    center = [g.data for g in first]
    return _finish(gradient, analytic, xs, center, 2, eps, atol, rtol, raise_on_failure)


def _finish(
    f: Callable[[list[float]], list[float]],
    analytic: list[list[float]],
    xs: list[float],
    center: list[float],
    order: int,
    eps: float,
    atol: float,
    rtol: float,
    raise_on_failure: bool,
) -> GradcheckReport:
    """Compare ``analytic[i][j]`` with the central difference of ``f(x)[i]`` along ``x[j]``."""
    tols = (eps, atol, rtol)
    probes = [_Probe(f, xs, j, center) for j in range(len(xs))]
    numeric = [
        [(p - m) / probe.span(eps) for p, m in zip(probe.at(eps), probe.at(-eps))]
        for probe in probes
    ]
    entries = [
        _judge(probes[j], i, (j,) if order == 1 else (i, j), xs[j], a, numeric[j][i], *tols)
        for i, row in enumerate(analytic)
        for j, a in enumerate(row)
    ]
    report = GradcheckReport(tuple(entries), order, eps, atol, rtol)
    _warn_kinks(report)
    if raise_on_failure and not report:
        raise GradcheckError(report)
    return report


class _Probe:
    """Evaluates ``f`` with input ``j`` moved by a step, remembering each step's result."""

    def __init__(
        self, f: Callable[[list[float]], list[float]], xs: list[float], j: int, center: list[float]
    ) -> None:
        self._f, self._xs, self._j = f, xs, j
        self._cache: dict[float, list[float]] = {0.0: center}

    def at(self, step: float) -> list[float]:
        if step not in self._cache:
            point = list(self._xs)
            point[self._j] += step
            self._cache[step] = self._f(point)
        return self._cache[step]

    def step(self, h: float) -> float:
        """The step x + h - x as floats take it (not exactly h when x is large)."""
        x = self._xs[self._j]
        taken = (x + h) - x
        if taken == 0.0:
            raise ValueError(
                f"gradcheck: the step {h!r} is lost in rounding at x[{self._j}] = {x!r} "
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


def _judge(
    probe: _Probe,
    i: int,
    index: tuple[int, ...],
    x: float,
    analytic: float,
    numeric: float,
    eps: float,
    atol: float,
    rtol: float,
) -> GradcheckEntry:
    name = ",".join(f"x[{k}]" for k in index)
    abs_err = abs(analytic - numeric)
    # Relative to the numeric value; a nonzero error on a zero derivative is infinitely off.
    rel_err = abs_err / abs(numeric) if numeric != 0 else math.inf if abs_err else 0.0
    # NaN fails every comparison, so a NaN on either side is a failure, never a pass.
    status = OK if abs_err <= atol + rtol * abs(numeric) else FAIL
    one_sided = None
    slopes = _kink_slopes(probe, i, eps, atol, rtol)
    if slopes is not None:
        # At a kink, the central difference means nothing, but a subgradient still lies
        # between the one-sided slopes: a value outside them is a bug whatever the kink's rule.
        lo, hi = min(slopes), max(slopes)
        slack = atol + rtol * max(abs(lo), abs(hi))
        status = KINK if lo - slack <= analytic <= hi + slack else FAIL
        one_sided = (lo, hi)
    return GradcheckEntry(index, name, x, analytic, numeric, abs_err, rel_err, status, one_sided)


def _warn_kinks(report: GradcheckReport) -> None:
    """One NonSmoothWarning per entry on a kink, pointing at the caller of the check."""
    for e in report.entries:
        if e.status != KINK or e.one_sided is None:
            continue
        lo, hi = e.one_sided
        j = e.index[-1]
        what = "fn" if report.order == 1 else f"d fn / d x[{e.index[0]}]"
        warnings.warn(
            f"{what} is not smooth in x[{j}] at {e.value!r}: its one-sided differences range "
            f"over [{lo:.6g}, {hi:.6g}], so a finite difference means nothing there. "
            f"Backprop's {e.analytic:.6g} lies in that range and is accepted as a "
            "subgradient; move the input away from the kink to check it properly.",
            NonSmoothWarning,
            stacklevel=4,  # _warn_kinks < _finish < gradcheck < the caller
        )


def _kink_slopes(
    probe: _Probe, i: int, eps: float, atol: float, rtol: float
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


def _as_floats(inputs: Sequence[float], eps: float) -> list[float]:
    if not (eps > 0 and math.isfinite(eps)):
        raise ValueError(f"gradcheck: eps must be a positive finite step, got {eps!r}")
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"gradcheck: inputs must be a sequence of floats, got {type(inputs).__name__}; "
            "pass e.g. [1.0, 2.0]"
        )
    xs = [float(x) for x in inputs]
    for k, x in enumerate(xs):
        if not math.isfinite(x):
            raise ValueError(f"gradcheck: input x[{k}] is not finite: {x!r}")
    return xs


def _require_grad_mode(what: str) -> None:
    if not is_grad_enabled():
        raise RuntimeError(
            f"{what}: gradient recording is off (inside no_grad()); call it outside no_grad()"
        )


def _leaves(xs: list[float]) -> list[Value]:
    return [Value(x, label=f"x[{k}]") for k, x in enumerate(xs)]


def _call(fn: Callable[..., Value], leaves: list[Value], what: str) -> Value:
    out = fn(*leaves)
    if not isinstance(out, Value):
        raise TypeError(
            f"{what}: fn must return a Value, got {type(out).__name__} ({out!r}); "
            "build the result from the Values it is given"
        )
    return out
