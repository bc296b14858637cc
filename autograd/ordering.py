"""Order between Values: ``<``, ``<=``, ``>`` and ``>=`` compare the numbers they hold.

So ``max(a, b)``, ``min`` and ``sorted`` work on Values and give back the Values themselves
(with their graphs), as they would on floats. The comparisons are ``bool``: an order is not
differentiable and records no node. Equality and hashing stay by identity, as for any object:
two nodes holding the same number are still two nodes of the graph, and a Value can be a dict
key or a set member (``_prev`` is a set) whatever its number becomes during training.
PyTorch differs here (``t1 == t2`` is an elementwise tensor), because tensors are arrays;
a scalar engine keeps Python's rule that ``==`` means "the same object" for mutable things.

>>> from autograd import Value
>>> a, b = Value(2.0, "a"), Value(3.0, "b")
>>> a < b, a >= 3, max(a, b).label, [v.label for v in sorted([b, a])]
(True, False, 'b', ['a', 'b'])
>>> Value(1.0) == Value(1.0)
False
"""

from __future__ import annotations

import numbers
from typing import Any


def _number(other: object) -> float | None:
    """The number to compare with: a Value's data or a real number (numpy's too); else None."""
    data = other.data if isinstance(other, OrderByData) else other
    return float(data) if isinstance(data, numbers.Real) else None


class OrderByData:
    """The four order comparisons of ``Value``, on ``.data``; see the module docstring."""

    __slots__ = ()
    data: float

    def __lt__(self, other: Any) -> bool:
        o = _number(other)
        return NotImplemented if o is None else self.data < o

    def __le__(self, other: Any) -> bool:
        o = _number(other)
        return NotImplemented if o is None else self.data <= o

    def __gt__(self, other: Any) -> bool:
        o = _number(other)
        return NotImplemented if o is None else self.data > o

    def __ge__(self, other: Any) -> bool:
        o = _number(other)
        return NotImplemented if o is None else self.data >= o
