"""``Value``: one number in a computation graph, and how each op adds a node to the graph.

Every arithmetic operation on Values makes a new Value that remembers its inputs
(``parents``) and the op that made it (``op``, an entry of the table in ``autograd/ops.py``).
``backward()`` hands the graph to the walk (``autograd/walk.py``).

Three design choices make it fast and safe:

* A node stores its parents and a shared ``Op`` entry, never a closure that points back at
  the node, so the graph has no reference cycles and is freed by reference counting as soon
  as nobody holds it.
* ``__slots__`` keeps a node small, and data is always a Python float.
  (A node also takes attributes of your own, as micrograd's does: see ``Value.__slots__``.)
* ``_make`` is the one place a node is built; ``no_grad`` and ``detect_anomaly`` act there.
"""

from __future__ import annotations

import linecache
import math
import sys
from pathlib import Path
from typing import Any, SupportsFloat, Union

from autograd import ops, walk
from autograd.floats import data_error
from autograd.floats import to_float as _to_float
from autograd.micrograd_names import MicrogradNames, settle_attributes
from autograd.modes import _mode
from autograd.ops import Op
from autograd.ordering import OrderByData
from autograd.walk import MANY

Number = int | float | SupportsFloat
Operand = Union["Value", int, float]


class Value(MicrogradNames, OrderByData):
    """One number in a computation graph, with the gradient backprop gives it.

    It also answers to micrograd's ``_prev``, ``_op`` and ``_backward()``
    (``autograd/micrograd_names.py``).

    Args:
        data: the number; ints, numpy scalars and anything with ``__float__`` become a float.
        label: an optional name, shown by drawing and ``explain``.

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> c = a * b + a
    >>> c.backward()
    >>> c.data, a.grad, b.grad
    (-4.0, -2.0, 2.0)
    """

    # The parents of a unary or binary node sit in two slots, _a and _b (None where absent);
    # an n-ary node keeps the tuple of all its parents in _a and the marker walk.MANY in _b.
    # Two slots instead of a tuple per node save about a third of a node's memory.
    # "__dict__" lets a user set attributes of their own (p.m = 0.0), as on micrograd's Value.
    # CPython gives each node a one-name array for them (see settle_attributes), which holds
    # the label of a node that has one (the rest read the class's "" below); a node given an
    # attribute of a user's own gets a dict of its own.
    __slots__ = ("__dict__", "_a", "_b", "_fn", "data", "grad")

    data: float
    grad: float
    label: str = ""
    _a: Any
    _b: Any
    _fn: Op

    def __init__(self, data: Number, label: str = "") -> None:
        if type(label) is not str:
            raise TypeError(f"Value() label must be a str, got {type(label).__name__} {label!r}")
        self.data = _to_float(data)
        self.grad = 0.0
        if label:
            self.label = label
        self._a = self._b = None
        self._fn = ops.LEAF

    # --- what the graph shows -------------------------------------------------------------

    @property
    def op(self) -> str:
        """The operation that made this node: "+", "*", "tanh", ...; "" for a leaf."""
        return self._fn.name

    @property
    def is_leaf(self) -> bool:
        """True for a node no op made: an input, a parameter, a constant (as PyTorch's).

        >>> x = Value(2.0)
        >>> x.is_leaf, (x * x).is_leaf
        (True, False)
        """
        return self._a is None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the operation that made this node; () for a leaf."""
        b = self._b
        if b is None:
            a = self._a
            return () if a is None else (a,)
        if b is MANY:
            return self._a  # type: ignore[no-any-return]
        return (self._a, b)

    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, in the order of ``parents``.

        These are the factors the chain rule multiplies the upstream gradient by.

        >>> x, y = Value(3.0), Value(4.0)
        >>> (x * y).local_grads()
        (4.0, 3.0)
        """
        local = self._fn.local(self.data, *[p.data for p in self.parents])
        return tuple(float(d) for d in local)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = "" if self.is_leaf else f", op={self.op!r}"
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    def __float__(self) -> float:
        return self.data

    def item(self) -> float:
        """The number this Value holds, as PyTorch's ``tensor.item()``.

        >>> Value(1.5).item()
        1.5
        """
        return self.data

    def detach(self) -> Value:
        """A new leaf with the same number: gradients do not flow through it.

        >>> x = Value(3.0)
        >>> y = x * x.detach()
        >>> y.backward(); x.grad
        3.0
        """
        return Value(self.data, self.label)

    # --- building nodes -------------------------------------------------------------------

    def _apply(self, op: Op) -> Value:
        """Make the node ``op(self)`` of a one-input op: forward value, parent, op."""
        try:
            return _make(op.forward(self.data), self, None, op)
        except TypeError as e:
            raise data_error(e, op, self) from None

    # --- arithmetic -----------------------------------------------------------------------
    # Each operator is one line: _left(op, self, other) makes op(self, other) and
    # _right(op, self, other) makes op(other, self), turning a plain number into a leaf.

    def __add__(self, other: Operand) -> Value:
        return _left(ops.ADD, self, other)

    def __radd__(self, other: Operand) -> Value:
        return _right(ops.ADD, self, other)

    def __sub__(self, other: Operand) -> Value:
        return _left(ops.SUB, self, other)

    def __rsub__(self, other: Operand) -> Value:
        return _right(ops.SUB, self, other)

    def __mul__(self, other: Operand) -> Value:
        return _left(ops.MUL, self, other)

    def __rmul__(self, other: Operand) -> Value:
        return _right(ops.MUL, self, other)

    def __truediv__(self, other: Operand) -> Value:
        return _left(ops.DIV, self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        return _right(ops.DIV, self, other)

    def __pow__(self, other: Operand) -> Value:
        # A number exponent is a constant: POW_CONST sends no derivative to it.
        return _left(ops.POW if isinstance(other, Value) else ops.POW_CONST, self, other)

    def __rpow__(self, other: Operand) -> Value:
        return _right(ops.POW, self, other)

    def __neg__(self) -> Value:
        return self._apply(ops.NEG)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return self._apply(ops.ABS)

    # --- functions ------------------------------------------------------------------------

    def exp(self) -> Value:
        """e ** self. Raises OverflowError above about 709.78 rather than giving inf.

        >>> Value(0.0).exp().data
        1.0
        """
        return self._apply(ops.EXP)

    def log(self) -> Value:
        """The natural logarithm; ValueError for a non-positive value.

        >>> Value(1.0).log().data
        0.0
        """
        return self._apply(ops.LOG)

    def sqrt(self) -> Value:
        """The square root; ValueError for a negative value.

        >>> Value(9.0).sqrt().data
        3.0
        """
        return self._apply(ops.SQRT)

    def tanh(self) -> Value:
        """The hyperbolic tangent, in (-1, 1); never overflows.

        >>> Value(0.0).tanh().data
        0.0
        """
        return self._apply(ops.TANH)

    def sigmoid(self) -> Value:
        """1 / (1 + exp(-self)), in (0, 1); never overflows.

        >>> Value(0.0).sigmoid().data
        0.5
        """
        return self._apply(ops.SIGMOID)

    def relu(self) -> Value:
        """max(0, self); its derivative at 0 is taken as 0, as PyTorch does.

        >>> Value(-2.0).relu().data, Value(2.0).relu().data
        (0.0, 2.0)
        """
        return self._apply(ops.RELU)

    def sin(self) -> Value:
        """The sine (radians).

        >>> Value(0.0).sin().data
        0.0
        """
        return self._apply(ops.SIN)

    def cos(self) -> Value:
        """The cosine (radians).

        >>> Value(0.0).cos().data
        1.0
        """
        return self._apply(ops.COS)

    # --- gradients ------------------------------------------------------------------------

    def backward(self) -> None:
        """Backprop from this node: add d(self)/d(node) to ``.grad`` of every node it reaches.

        The seed is 1.0 (d self / d self). Gradients are *added*, so calling ``backward()``
        twice doubles them, and a model's parameters must be reset between training steps
        (``zero_grad()`` here, or ``model.zero_grad()`` in ``nn``).

        >>> x = Value(3.0)
        >>> y = x * x
        >>> y.backward(); x.grad
        6.0
        >>> y.backward(); x.grad
        12.0
        """
        walk.backward(self)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0.0 on this node and every node it was computed from.

        >>> x = Value(3.0); y = x * x; y.backward()
        >>> y.zero_grad(); x.grad
        0.0
        """
        walk.zero_grad(self)


def _lift(x: object) -> Value | None:
    """A Value for an operand: itself, or a new leaf for a plain number; None if not a number."""
    if isinstance(x, Value):
        return x
    if type(x) is float or type(x) is int:
        return _make(float(x), None, None, ops.LEAF)
    try:
        return Value(x)  # type: ignore[arg-type]
    except TypeError:
        return None


def _left(op: Op, value: Value, other: object) -> Value:
    """``op(value, other)``; NotImplemented (so Python raises TypeError) if other is no number."""
    o = other if type(other) is Value else _lift(other)
    if o is None:
        return NotImplemented  # type: ignore[no-any-return]
    try:
        return _make(op.forward(value.data, o.data), value, o, op)
    except TypeError as e:  # a non-number assigned to .data: say whose
        raise data_error(e, op, value, o) from None


def _right(op: Op, value: Value, other: object) -> Value:
    """``op(other, value)``, for the reflected operators such as ``2 - v``."""
    o = _lift(other)
    if o is None:
        return NotImplemented  # type: ignore[no-any-return]
    try:
        return _make(op.forward(o.data, value.data), o, value, op)
    except TypeError as e:
        raise data_error(e, op, o, value) from None


_new = object.__new__
settle_attributes(Value)  # every node keeps room for one attribute, its label: see there


def _make(data: float, a: Any, b: Any, op: Op) -> Value:
    """A new node with parents ``a`` and ``b`` (see ``Value.__slots__``).

    Inside ``no_grad`` it is a leaf; inside ``detect_anomaly`` it is checked and traced.
    """
    v: Value = _new(Value)
    v.data = data
    v.grad = 0.0
    if _mode.plain or a is None:
        v._a = a
        v._b = b
        v._fn = op
        return v
    if not _mode.grad_enabled:
        v._a = v._b = None
        v._fn = ops.LEAF
        return v
    return _make_traced(data, a, b, op)


# --- anomaly mode -------------------------------------------------------------------------


class _TracedValue(Value):
    """A node made inside ``detect_anomaly``: it remembers the line of code that made it."""

    __slots__ = ("site",)
    site: str


_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def _user_site() -> str:
    """'file:line: code' of the innermost frame outside the autograd package."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "<unknown>"
    filename, lineno = frame.f_code.co_filename, frame.f_lineno
    code = linecache.getline(filename, lineno).strip()
    return f"{filename}:{lineno}: {code}" if code else f"{filename}:{lineno}"


def _make_traced(data: float, a: Any, b: Any, op: Op) -> Value:
    site = _user_site()
    v: _TracedValue = _new(_TracedValue)
    v.data, v.grad = data, 0.0
    v._a, v._b, v._fn, v.site = a, b, op, site
    if not math.isfinite(data):
        inputs = ", ".join(repr(p.data) for p in v.parents)
        raise FloatingPointError(
            f"{op.name} produced {data!r} from inputs ({inputs}) at {site}. "
            "Check the inputs of this op; a smaller learning rate often helps."
        )
    return v
