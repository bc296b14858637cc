"""Checking a state before it is loaded: the ``SerializationError`` and the all-or-nothing rule.

Both a model's ``load_state_dict`` and an optimizer's read numbers from outside (a dict, a
JSON file). They check all of it first and assign only when everything fits, so a bad state
leaves the object untouched. This module holds that check; it imports no model and no
optimizer, so ``nn.module``, ``nn.optim`` and ``nn.serialize`` can all use it without a cycle.
"""

from __future__ import annotations

import math
import numbers

from autograd import Value

__all__ = ["SerializationError"]


class SerializationError(ValueError):
    """A model file or state dict that cannot be loaded (or a model that cannot be saved).

    The message names the file (or ``load_state_dict()``) and what is wrong with it.

    >>> from nn import MLP
    >>> MLP(2, [1], seed=0).load_state_dict({"layers.0.neurons.0.w.0": 1.0})
    Traceback (most recent call last):
    ...
    nn.state.SerializationError: load_state_dict(): ...
    """


def _listing(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _as_finite(x: object) -> float | None:
    """``x`` as a finite float, or None if it is not a finite real number (bools excluded)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or isinstance(x, Value):
        return None
    try:
        f = float(x)
    except (OverflowError, ValueError, TypeError):
        return None
    return f if math.isfinite(f) else None


def _check_parameters(
    named: list[tuple[str, Value]], state: object, where: str, who: str
) -> list[tuple[Value, float]]:
    """Check ``state`` (name -> number) against ``named``; return what to assign, or raise.

    ``who`` describes the model in the error (``MLP (13 parameters)``). Nothing is assigned
    here: the caller assigns once every part it loads has been checked.
    """
    if not isinstance(state, dict):
        raise SerializationError(
            f"{where}: parameters must be a dict of name -> number, got {type(state).__name__}"
        )
    expected = {name for name, _ in named}
    problems = []
    missing = [name for name, _ in named if name not in state]
    if missing:
        problems.append(f"missing parameters {_listing(missing)}")
    unexpected = [str(k) for k in state if k not in expected]
    if unexpected:
        problems.append(f"unexpected parameters {_listing(unexpected)}")
    values = [(p, _as_finite(state.get(name))) for name, p in named]
    bad = [
        f"{name!r}={state[name]!r}"
        for (name, _), (_, v) in zip(named, values)
        if name in state and v is None
    ]
    if bad:
        problems.append(f"values that are not finite numbers: {', '.join(bad[:8])}")
    if problems:
        raise SerializationError(f"{where}: does not fit {who}: {'; '.join(problems)}")
    return [(p, v) for p, v in values if v is not None]


def _assign(values: list[tuple[Value, float]]) -> None:
    """Set checked values in place, so optimizers holding the parameters keep working."""
    for p, v in values:
        p.data = v
