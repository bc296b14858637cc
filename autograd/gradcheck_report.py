"""What a gradient check found: one entry per compared derivative, and a table of them.

``gradcheck`` and ``gradgradcheck`` (in ``autograd.gradcheck``) build these; this module only
holds and prints the result, so it can be read without the numerics.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GradcheckEntry", "GradcheckError", "GradcheckReport", "NonSmoothWarning"]

# Statuses of one entry of the report.
OK = "ok"
FAIL = "FAIL"
KINK = "kink"


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
    derivative by inputs ``i`` then ``j``; ``name`` spells it for the table after the input's
    name: the function's argument (``"w"``, ``"w,b"`` for a Hessian entry), a parameter's
    dotted name (``"layers.0.neurons.1.w.0"``) or ``"x[0]"`` when there is no name; ``value``
    is the input the derivative is taken by. ``status``
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

    ``bool(report)`` is the verdict; ``str(report)`` is a readable table. When only a random
    subset of the inputs was checked (``sample``), ``checked`` of ``total`` says how many, and
    ``seed`` which draw.

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
    checked: int = 0
    total: int = 0
    seed: int | None = None

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
        if self.checked < self.total:
            title += (
                f"\nchecked {self.checked} of {self.total} inputs, a random subset drawn with "
                f"seed {self.seed}; pass sample=None to check them all"
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
