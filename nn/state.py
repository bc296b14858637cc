"""Checking a state before it is loaded: the ``SerializationError`` and the all-or-nothing rule.

Both a model's ``load_state_dict`` and an optimizer's read numbers from outside (a dict, a
JSON file). They check all of it first and assign only when everything fits, so a bad state
leaves the object untouched. This module holds that check, and the parse of JSON from outside
(``_parse_json``: whatever the bytes are, a ``SerializationError`` of at most 500
characters or the document). It imports no model and no optimizer, so ``nn.module``,
``nn.optim`` and ``nn.serialize`` can all use it without a cycle.
"""

from __future__ import annotations

import json
import math
import numbers
import reprlib
from collections.abc import Sequence

from autograd import Value

__all__ = ["SerializationError"]

# A model file nests 6 levels deep; anything deeper is not ours (and could exhaust the stack).
_MAX_DEPTH = 32
# More digits than any float has (1e308 has 309); also keeps int() from a quadratic parse.
_MAX_DIGITS = 400


# However large or strange a file is, the error about it stays short enough to read.
MAX_MESSAGE = 500


class SerializationError(ValueError):
    """A model file or state dict that cannot be loaded (or a model that cannot be saved).

    The message names the file (or ``load_state_dict()``) and what is wrong with it. It is
    never longer than ``MAX_MESSAGE`` (500) characters: values from the file are quoted in
    short excerpts, and a longer message is cut in the middle, keeping its start (the file)
    and its end (what to do).

    >>> from nn import MLP
    >>> MLP(2, [1], seed=0).load_state_dict({"layers.0.neurons.0.w.0": 1.0})
    Traceback (most recent call last):
    ...
    nn.state.SerializationError: load_state_dict(): ...
    """

    def __init__(self, message: str = "") -> None:
        if len(message) > MAX_MESSAGE:
            cut = len(message) - 460
            message = f"{message[:340]} [...{cut} characters cut...] {message[-120:]}"
        super().__init__(message)


# Quotes a value from outside in a few dozen characters, whatever its size or depth.
_short = reprlib.Repr()
_short.maxstring = _short.maxother = _short.maxlong = 40
_short.maxlevel, _short.maxlist, _short.maxdict, _short.maxtuple = 2, 3, 3, 3


def _excerpt(x: object) -> str:
    """``repr(x)``, in at most about 40 characters and in time bounded by that (not by x)."""
    if isinstance(x, int) and x.bit_length() > 1000:  # repr() refuses over 4300 digits
        return f"<an integer of about {int(x.bit_length() * math.log10(2))} digits>"
    return _short.repr(x)


def _listing(names: Sequence[object], limit: int = 5) -> str:
    """At most ``limit`` names, each in a short excerpt, and how many more there are."""
    shown = ", ".join(_excerpt(n) for n in names[:limit])
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
    unexpected = [k for k in state if k not in expected]
    if unexpected:
        problems.append(f"unexpected parameters {_listing(unexpected)}")
    values = [(p, _as_finite(state.get(name))) for name, p in named]
    bad = [name for (name, _), (_, v) in zip(named, values) if name in state and v is None]
    if bad:
        shown = ", ".join(f"{_excerpt(name)}={_excerpt(state[name])}" for name in bad[:3])
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        problems.append(f"values that are not finite numbers: {shown}{more}")
    if problems:
        raise SerializationError(f"{where}: does not fit {who}: {'; '.join(problems)}")
    return [(p, v) for p, v in values if v is not None]


def _assign(values: list[tuple[Value, float]]) -> None:
    """Set checked values in place, so optimizers holding the parameters keep working."""
    for p, v in values:
        p.data = v


# --- reading JSON from outside ------------------------------------------------------------


def _parse_json(raw: bytes, where: str) -> object:
    """The JSON in ``raw``, or a ``SerializationError`` naming ``where``, whatever ``raw`` is.

    No NaN or Infinity, no integer over ``_MAX_DIGITS`` digits (Python's own limit would
    raise a plain ValueError), and nothing nested over ``_MAX_DEPTH`` deep (the parser's
    RecursionError, or a later recursive repr or comparison, never sees it).
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SerializationError(f"{where}: not a model file (not UTF-8 text: {e})") from e
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_int=_parse_int)
    except json.JSONDecodeError as e:
        raise SerializationError(
            f"{where}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno}); "
            "the file is corrupt or truncated"
        ) from e
    except SerializationError as e:
        raise SerializationError(f"{where}: {e}") from e
    except RecursionError:
        document = _TOO_DEEP  # deeper than the parser's stack goes
    if document is _TOO_DEEP or _nested_deeper(document, _MAX_DEPTH):
        raise SerializationError(
            f"{where}: not a chainrule model file (lists or objects nested more than "
            f"{_MAX_DEPTH} deep)"
        )
    return document


_TOO_DEEP = object()


def _refuse_constant(name: str) -> float:
    raise SerializationError(f"{name} is not allowed in a model file")


def _parse_int(text: str) -> int:
    if len(text) > _MAX_DIGITS:
        raise SerializationError(
            f"an integer of {len(text)} digits is not allowed in a model file "
            f"(at most {_MAX_DIGITS})"
        )
    return int(text)


def _nested_deeper(document: object, limit: int) -> bool:
    """Whether lists and dicts nest more than ``limit`` deep, found without recursion."""
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False
