"""What a Value holds: a float. Numbers given to it become floats; anything else is refused.

``Value(x)`` converts ``x`` once (``to_float``). Learners also assign to ``.data`` directly
(``p.data -= lr * g`` with a numpy ``lr``, ``p.data = np.random.randn()``), and the engine's hot
paths read ``.data`` without checking it, for speed. So the checks sit where those paths
already fail or step aside: a forward that raises ``TypeError`` asks ``data_error`` whose
``.data`` was to blame, and ``dot``, whose sum is not a float, reads each ``.data`` through
``as_float``, which turns a numpy scalar into its float and names a non-number's node.
"""

from __future__ import annotations

import numbers
from typing import Any


def to_float(data: object) -> float:
    """A number given to ``Value()`` as a float; a clear TypeError for anything else.

    >>> to_float(3), to_float(True)
    (3.0, 1.0)
    >>> to_float(1j)
    Traceback (most recent call last):
    ...
    TypeError: Value() needs a real number, got complex 1j; take its .real, .imag or abs() first
    """
    if type(data) is float:
        return data
    if isinstance(data, numbers.Complex) and not isinstance(data, numbers.Real):
        raise TypeError(
            f"Value() needs a real number, got {type(data).__name__} {data!r}; "
            "take its .real, .imag or abs() first"
        )
    if isinstance(data, (str, bytes, bytearray)) or data is None:
        raise TypeError(
            f"Value() needs a number, got {type(data).__name__} {data!r}; "
            "convert it first, e.g. Value(float(text))"
        )
    if getattr(data, "ndim", 0) != 0 or not hasattr(data, "__float__"):
        raise TypeError(
            f"Value() holds one number, got {type(data).__name__}; "
            "make one Value per element, e.g. [Value(x) for x in xs]"
        )
    return float(data)


def as_float(v: Any, where: str) -> float:
    """``v.data`` as a float, converted as ``Value()`` does (numpy scalars, ints); else TypeError.

    >>> from autograd import Value
    >>> x = Value(1.0, "x"); x.data = 2
    >>> as_float(x, "dot()")
    2.0
    >>> x.data = "2"; as_float(x, "dot()")
    Traceback (most recent call last):
    ...
    TypeError: dot() read Value 'x', whose .data is str '2', not a number; ...
    """
    try:
        return to_float(v.data)
    except TypeError:
        raise _not_a_number(v, where) from None


def data_error(error: TypeError, op: Any, *values: Any) -> TypeError:
    """The clear error for ``op`` failing on a non-number in some ``.data``, else ``error``.

    >>> from autograd import Value, ops
    >>> x = Value(1.0); x.data = None
    >>> data_error(TypeError("bad operand"), ops.EXP, x)
    TypeError('exp() read a Value, whose .data is NoneType None, not a number; ...')
    """
    where = op.name if op.precedence is not None else f"{op.symbol or op.method}()"
    for v in values:
        try:
            to_float(v.data)
        except TypeError:
            return _not_a_number(v, where)
    return error


def _not_a_number(v: Any, where: str) -> TypeError:
    d = v.data
    name = f"Value {v.label!r}" if v.label else f"a Value made by {v.op!r}" if v.op else "a Value"
    return TypeError(
        f"{where} read {name}, whose .data is {type(d).__name__} {d!r:.40}, not a number; "
        "assign numbers only, e.g. x.data = float(text)"
    )
