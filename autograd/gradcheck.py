"""Check backprop gradients against finite differences.

``gradcheck`` compares the first derivatives that backprop computes with central differences;
``gradgradcheck`` compares the second derivatives (``grad(..., create_graph=True)`` differentiated
again) with central differences of the gradient. Both return a report that is truthy when every
entry agrees and prints as a table (``autograd.gradcheck_report``).

The inputs come in two kinds:

* numbers, ``gradcheck(fn, [1.0, 2.0])``: ``fn`` gets one new ``Value`` per number, and each
  row is named after ``fn``'s argument (``w``, ``b``), or ``x[0]``, ``x[1]`` when it has none
  (``lambda *xs``); a dict ``{"w": 1.0, "b": 2.0}`` names them by its keys;
* Values a function reads by itself, such as a model's parameters:
  ``gradcheck(lambda: loss(model), dict(model.named_parameters()))``. ``fn`` takes no
  arguments; each parameter is moved in place for its probes and always put back. Rows are
  named by the dict's keys, or by the Values' labels for a list (``model.parameters()``).

With many inputs (``sample``, 64 by default), a random subset drawn from ``seed`` is checked
and the report says how many of how many. A probe step that leaves ``fn``'s domain (``sqrt``
just above 0, ``x - eps`` below it) is reported as the probe's doing, with its value.

A finite difference only means something where the function is smooth. At a kink (relu or abs
at 0) the two one-sided differences disagree by a jump that does not shrink with the step, while
for a smooth function they differ by ``f''(x) * h``. Such an entry gets a ``NonSmoothWarning``
and is judged only loosely: the backprop value must lie between the one-sided slopes (it must be
a subgradient), which any sensible rule for the kink satisfies.
"""

from __future__ import annotations

import inspect
import math
import numbers
import random
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeAlias

from .engine import Value, grad, is_grad_enabled, no_grad
from .finite_diff import Probe, judge
from .gradcheck_report import (
    KINK,
    GradcheckEntry,
    GradcheckError,
    GradcheckReport,
    NonSmoothWarning,
)

__all__ = [
    "GradcheckEntry",
    "GradcheckError",
    "GradcheckReport",
    "NonSmoothWarning",
    "gradcheck",
    "gradgradcheck",
]

Inputs: TypeAlias = Sequence[float] | Sequence[Value] | Mapping[str, float] | Mapping[str, Value]


def gradcheck(
    fn: Callable[..., Value],
    inputs: Inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    sample: int | None = 64,
    seed: int = 0,
    raise_on_failure: bool = False,
) -> GradcheckReport:
    """Compare the backprop gradient of ``fn`` at ``inputs`` with central differences.

    ``inputs`` are numbers (``fn`` takes one ``Value`` each) or Values that ``fn`` reads itself
    (``fn`` takes none), as a list or a dict naming them; see the module's docstring. An entry
    passes when ``|analytic - numeric| <= atol + rtol * |numeric|``. Inputs on a kink are
    warned about (``NonSmoothWarning``) instead of failing. With ``raise_on_failure=True`` a
    failure raises ``GradcheckError`` whose message is the report's table.

    Args:
        sample: check at most this many inputs, a random subset drawn from ``seed`` (the
            gradient is computed whole; only the finite differences are sampled). None
            checks them all.

    >>> report = gradcheck(lambda x, y: x * y + x.exp(), [2.0, 3.0])
    >>> bool(report), [e.name for e in report.entries]
    (True, ['x', 'y'])
    >>> bool(gradcheck(lambda x: x * x.data, [3.0]))  # .data detaches one factor: d/dx is 3, not 6
    False
    >>> w, b = Value(0.5, "w"), Value(-1.0, "b")
    >>> loss = lambda: (w * 2.0 + b - 1.0) ** 2  # reads w and b itself
    >>> [e.name for e in gradcheck(loss, [w, b]).entries], w.data
    (['w', 'b'], 0.5)
    """
    _check_tolerances("gradcheck", eps, atol, rtol)
    target = _Target(fn, inputs, eps, "gradcheck")
    chosen = _choose(len(target.xs), sample, seed)
    with target.at(target.xs) as (out, leaves):
        every = grad(out, leaves)
        analytic, center = [[every[j].data for j in chosen]], [out.data]

    def value(point: list[float]) -> list[float]:
        with no_grad(), target.at(point) as (result, _):
            return [result.data]

    tols = (eps, atol, rtol)
    return _finish(target, value, analytic, chosen, center, 1, tols, seed, raise_on_failure)


def gradgradcheck(
    fn: Callable[..., Value],
    inputs: Inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    sample: int | None = 64,
    seed: int = 0,
    raise_on_failure: bool = False,
) -> GradcheckReport:
    """Compare second derivatives of ``fn`` (backprop twice) with differences of its gradient.

    The analytic Hessian comes from ``grad(fn(...), xs, create_graph=True)`` differentiated
    again; the numeric one from central differences of the (backprop) gradient. Entry ``(i, j)``
    is ``d2 out / dx_i dx_j``, named ``"x,y"``. Arguments and result are as for ``gradcheck``.

    >>> bool(gradgradcheck(lambda x, y: x * x * y, [2.0, 3.0]))
    True
    >>> bool(gradgradcheck(lambda x: x * x.data, [3.0]))  # backprop says 0, truly 2
    False
    """
    _check_tolerances("gradgradcheck", eps, atol, rtol)
    target = _Target(fn, inputs, eps, "gradgradcheck")
    chosen = _choose(len(target.xs), sample, seed)
    with target.at(target.xs) as (out, leaves):
        first = grad(out, leaves, create_graph=True)
        rows = [grad(first[i], leaves) for i in chosen]
        analytic = [[row[j].data for j in chosen] for row in rows]
        center = [first[i].data for i in chosen]

    def gradient(point: list[float]) -> list[float]:
        with target.at(point) as (result, inner):
            g = grad(result, inner)
            return [g[i].data for i in chosen]

    tols = (eps, atol, rtol)
    return _finish(target, gradient, analytic, chosen, center, 2, tols, seed, raise_on_failure)


def _check_tolerances(what: str, eps: float, atol: float, rtol: float) -> None:
    """Refuse a step or tolerance that would make every verdict meaningless."""
    for name, value, ok, want in (
        ("eps", eps, lambda v: v > 0, "a positive finite step"),
        ("atol", atol, lambda v: v >= 0, "a finite number >= 0"),
        ("rtol", rtol, lambda v: v >= 0, "a finite number >= 0"),
    ):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{what}: {name} must be a number, got {type(value).__name__}")
        if not (math.isfinite(value) and ok(value)):
            raise ValueError(f"{what}: {name} must be {want}, got {value!r}")


class _Target:
    """``fn`` and how to evaluate it at a point: on new leaves, or on Values moved in place."""

    def __init__(self, fn: Callable[..., Value], inputs: Inputs, eps: float, what: str) -> None:
        if isinstance(inputs, Mapping):
            names: list[str] | None = [str(key) for key in inputs]
            items: list[float | Value] = list(inputs.values())
        elif isinstance(inputs, Sequence) and not isinstance(inputs, (str, bytes)):
            names, items = None, list(inputs)
        else:
            raise TypeError(
                f"{what}: inputs must be a sequence of floats, got {type(inputs).__name__}; "
                "pass e.g. [1.0, 2.0], a dict {'x': 1.0}, or a model's parameters()"
            )
        self.fn, self.what = fn, what
        # Values only: fn reads them itself. Anything else is numbers, given to fn as leaves.
        values = [v for v in items if isinstance(v, Value)]
        self.params = values if items and len(values) == len(items) else None
        if self.params is not None:
            self.xs = [p.data for p in self.params]
            default = [p.label or f"p[{k}]" for k, p in enumerate(self.params)]
        else:
            self.xs = [float(x) for x in items]
            default = _argument_names(fn, len(items))
        self.names = names if names is not None else default
        for name, x in zip(self.names, self.xs):
            if not math.isfinite(x):
                raise ValueError(f"{what}: input {name} is not finite: {x!r}")
        if not is_grad_enabled():
            raise RuntimeError(
                f"{what}: gradient recording is off (inside no_grad()); call it outside no_grad()"
            )

    @contextmanager
    def at(self, point: list[float]) -> Iterator[tuple[Value, list[Value]]]:
        """``fn`` evaluated at ``point``, with the Values to differentiate it by."""
        if self.params is None:
            leaves = [Value(x, label=name) for x, name in zip(point, self.names)]
            yield self._call(*leaves), leaves
            return
        saved = [p.data for p in self.params]
        try:
            for p, x in zip(self.params, point):
                p.data = x
            yield self._call(), self.params
        finally:
            for p, x in zip(self.params, saved):
                p.data = x  # exactly as they were, whatever happened in between

    def _call(self, *leaves: Value) -> Value:
        out = self.fn(*leaves)
        if not isinstance(out, Value):
            raise TypeError(
                f"{self.what}: fn must return a Value, got {type(out).__name__} ({out!r}); "
                "build the result from the Values it is given"
            )
        return out


def _argument_names(fn: Callable[..., Value], n: int) -> list[str]:
    """fn's first n positional parameters' names, or x[0], x[1], ... if it has no such names."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # some builtins and C functions have no signature
        parameters = []
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in parameters[:n] if p.kind in positional]
    return names if len(names) == n else [f"x[{k}]" for k in range(n)]


def _choose(n: int, sample: int | None, seed: int) -> list[int]:
    """Which inputs to probe: all of them, or a seeded random subset of ``sample``, in order."""
    if sample is None:
        return list(range(n))
    if isinstance(sample, bool) or not isinstance(sample, int) or sample < 1:
        raise ValueError(f"sample must be a positive number of inputs or None, got {sample!r}")
    return list(range(n)) if n <= sample else sorted(random.Random(seed).sample(range(n), sample))


def _finish(
    target: _Target,
    f: Callable[[list[float]], list[float]],
    analytic: list[list[float]],
    chosen: list[int],
    center: list[float],
    order: int,
    tols: tuple[float, float, float],
    seed: int,
    raise_on_failure: bool,
) -> GradcheckReport:
    """Compare ``analytic[r][c]`` with the central difference of ``f(x)[r]`` along input
    ``chosen[c]``."""
    eps = tols[0]
    probes = {j: Probe(f, target.xs, j, center, target.names[j], target.what) for j in chosen}
    numeric = {
        j: [(p - m) / probe.span(eps) for p, m in zip(probe.at(eps), probe.at(-eps))]
        for j, probe in probes.items()
    }
    entries = []
    for r, row in enumerate(analytic):
        for c, j in enumerate(chosen):
            index = (j,) if order == 1 else (chosen[r], j)
            name = ",".join(target.names[k] for k in index)
            x, a = target.xs[j], row[c]
            entries.append(judge(probes[j], r, index, name, x, a, numeric[j][r], *tols))
    n = len(target.xs)
    report = GradcheckReport(tuple(entries), order, *tols, len(chosen), n, seed)
    _warn_kinks(report, target.names)
    if raise_on_failure and not report:
        raise GradcheckError(report)
    return report


def _warn_kinks(report: GradcheckReport, names: list[str]) -> None:
    """One NonSmoothWarning per entry on a kink, pointing at the caller of the check."""
    for e in report.entries:
        if e.status != KINK or e.one_sided is None:
            continue
        lo, hi = e.one_sided
        j = e.index[-1]
        what = "fn" if report.order == 1 else f"d fn / d {names[e.index[0]]}"
        warnings.warn(
            f"{what} is not smooth in {names[j]} at {e.value!r}: its one-sided differences "
            f"range over [{lo:.6g}, {hi:.6g}], so a finite difference means nothing there. "
            f"Backprop's {e.analytic:.6g} lies in that range and is accepted as a "
            "subgradient; move the input away from the kink to check it properly.",
            NonSmoothWarning,
            stacklevel=4,  # _warn_kinks < _finish < gradcheck < the caller
        )
