"""The engine: ``Value``, the graph it records, and reverse-mode backprop.

Every arithmetic operation on Values makes a new Value that remembers its inputs
(``parents``) and the operation that made it (``op``). ``backward()`` walks that graph from
the output back to the inputs and applies the chain rule at each node::

    parent.grad += node.grad * d(node)/d(parent)

Three design choices make it fast and safe:

* A node stores its parents and a shared ``Op`` object, never a closure that points back at
  the node, so the graph has no reference cycles and is freed by reference counting as soon
  as nobody holds it.
* The topological sort is an explicit stack, not recursion: a chain of a million nodes is fine.
* ``__slots__`` keeps a node small, and data is always a Python float.
"""

from __future__ import annotations

import gc
import linecache
import math
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from types import TracebackType
from typing import Any, SupportsFloat, TypeVar, Union

from autograd import ops
from autograd.ops import Op

Number = int | float | SupportsFloat
Operand = Union["Value", int, float]
F = TypeVar("F", bound=Callable[..., Any])


# Per-thread switches. ``plain`` is True when nothing special is on, so the hot path checks
# one attribute instead of two.


class _Mode(threading.local):
    grad_enabled: bool = True
    anomaly: bool = False
    plain: bool = True


_mode = _Mode()


def _set_mode(*, grad_enabled: bool | None = None, anomaly: bool | None = None) -> None:
    if grad_enabled is not None:
        _mode.grad_enabled = grad_enabled
    if anomaly is not None:
        _mode.anomaly = anomaly
    _mode.plain = _mode.grad_enabled and not _mode.anomaly


def is_grad_enabled() -> bool:
    """Whether ops record the graph in this thread (False inside ``no_grad``).

    >>> is_grad_enabled()
    True
    """
    return _mode.grad_enabled


def is_anomaly_enabled() -> bool:
    """Whether ``detect_anomaly`` is on in this thread.

    >>> is_anomaly_enabled()
    False
    """
    return _mode.anomaly


class _Switch:
    """A context manager (and decorator) that sets one per-thread switch and restores it."""

    _name = ""  # which switch
    _sets = False  # the value it has inside the block

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(getattr(_mode, self._name))
        _set_mode(**{self._name: self._sets})

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _set_mode(**{self._name: self._saved.pop()})

    def __call__(self, func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_Switch):
    """Record no graph inside: op results are plain leaves. Per thread; also a decorator.

    Use it for work that needs values but no gradients, such as evaluating a model or
    updating its parameters.

    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.op, y.parents
    ('', ())
    """

    _name = "grad_enabled"
    _sets = False


class detect_anomaly(_Switch):
    """Raise ``FloatingPointError`` at the first op whose value or gradient is NaN or infinite.

    The message names the op, its input values and the line of your code that made the node.
    Per thread; slower than normal mode, so use it to find where a loss turns into nan.

    >>> x = Value(float("inf"))
    >>> with detect_anomaly():
    ...     y = x - x
    Traceback (most recent call last):
    ...
    FloatingPointError: - produced nan from inputs (inf, inf) ...
    """

    _name = "anomaly"
    _sets = True


def _to_float(data: object) -> float:
    if type(data) is float:
        return data
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


class Value:
    """One number in a computation graph, with the gradient backprop gives it.

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
    # an n-ary node keeps the tuple of all its parents in _a and the marker _MANY in _b.
    # Two slots instead of a tuple per node save about a third of a node's memory.
    __slots__ = ("_a", "_b", "_op", "data", "grad", "label")

    data: float
    grad: float
    label: str
    _a: Any
    _b: Any
    _op: Op

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = _to_float(data)
        self.grad = 0.0
        self.label = label
        self._a = self._b = None
        self._op = ops.LEAF

    # --- what the graph shows -------------------------------------------------------------

    @property
    def op(self) -> str:
        """The operation that made this node: "+", "*", "tanh", ...; "" for a leaf."""
        return self._op.name

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the operation that made this node; () for a leaf."""
        b = self._b
        if b is None:
            a = self._a
            return () if a is None else (a,)
        if b is _MANY:
            return self._a  # type: ignore[no-any-return]
        return (self._a, b)

    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, in the order of ``parents``.

        These are the factors the chain rule multiplies the upstream gradient by.

        >>> x, y = Value(3.0), Value(4.0)
        >>> (x * y).local_grads()
        (4.0, 3.0)
        """
        local = self._op.local(self.data, *[p.data for p in self.parents])
        return tuple(float(d) for d in local)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self._a is not None else ""
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
        return _make(op.forward(self.data), self, None, op)

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
        _backprop(self)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0.0 on this node and every node it was computed from.

        >>> x = Value(3.0); y = x * x; y.backward()
        >>> y.zero_grad(); x.grad
        0.0
        """
        for node in topo_sort(self):
            node.grad = 0.0


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
    return _make(op.forward(value.data, o.data), value, o, op)


def _right(op: Op, value: Value, other: object) -> Value:
    """``op(other, value)``, for the reflected operators such as ``2 - v``."""
    o = _lift(other)
    if o is None:
        return NotImplemented  # type: ignore[no-any-return]
    return _make(op.forward(o.data, value.data), o, value, op)


_new = object.__new__


_MANY: Any = object()  # the marker in _b of an n-ary node


def _make(data: float, a: Any, b: Any, op: Op) -> Value:
    """A new node with parents ``a`` and ``b`` (see ``Value.__slots__``).

    Inside ``no_grad`` it is a leaf; inside ``detect_anomaly`` it is checked and traced.
    """
    v: Value = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    if _mode.plain or a is None:
        v._a = a
        v._b = b
        v._op = op
        return v
    if not _mode.grad_enabled:
        v._a = v._b = None
        v._op = ops.LEAF
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
    v.data, v.grad, v.label = data, 0.0, ""
    v._a, v._b, v._op, v.site = a, b, op, site
    if not math.isfinite(data):
        inputs = ", ".join(repr(p.data) for p in v.parents)
        raise FloatingPointError(
            f"{op.name} produced {data!r} from inputs ({inputs}) at {site}. "
            "Check the inputs of this op; a smaller learning rate often helps."
        )
    return v


def _checked_backward(node: Value, g: float) -> None:
    """The chain rule for one node, raising at the first gradient that is NaN or infinite."""
    parents = node.parents
    local = node._op.local(node.data, *[p.data for p in parents])
    for parent, d in zip(parents, local):
        contribution = g * d
        if not math.isfinite(contribution):
            inputs = ", ".join(repr(p.data) for p in parents)
            site = getattr(node, "site", "a line outside detect_anomaly()")
            raise FloatingPointError(
                f"the backward pass of {node.op} produced a gradient of {contribution!r} "
                f"(upstream {g!r} x local derivative {d!r}) for inputs ({inputs}); "
                f"the node was made at {site}"
            )
        parent.grad += contribution


# --- the graph walk -----------------------------------------------------------------------


def _interior(root: Value, *, skip_dead: bool = False) -> list[Value]:
    """The nodes ``root`` depends on that were made by an op, each after its parents.

    Leaves are left out: backprop has nothing to do at a leaf, and a network's leaves (its
    weights) are the parents of very many nodes, so skipping them saves most of the walk.
    With ``skip_dead``, so is a relu that output 0: it passes no gradient back, so for
    backprop it is a leaf, and whatever lies behind it only is never visited. In a relu
    network (and behind every satisfied hinge margin) that is much of the graph.
    The walk uses an explicit stack, so depth is limited by memory, not by the recursion limit.
    """
    if root._a is None:
        return []
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is _PARENTS_DONE:
            order.append(stack.pop())  # the node under the marker: all its parents are in order
            continue
        if node in seen:
            continue
        seen.add(node)
        if skip_dead and node._op is ops.RELU and node.data == 0.0:
            continue
        stack.append(node)
        stack.append(_PARENTS_DONE)
        # Push the parents that are interior and new, last parent first so that they are
        # expanded in their own order. The three layouts of Value.__slots__, unrolled.
        a, b = node._a, node._b
        if b is _MANY:
            for parent in reversed(a):
                if parent._a is not None and parent not in seen:
                    stack.append(parent)
        else:
            if b is not None and b._a is not None and b not in seen:
                stack.append(b)
            if a._a is not None and a not in seen:
                stack.append(a)
    return order


_PARENTS_DONE: Any = object()  # on _interior's stack: the node below it is finished


def topo_sort(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each after its parents, ``root`` last.

    Backprop visits this list in reverse.

    >>> x = Value(1.0, "x"); y = (x * 2.0).tanh()
    >>> [n.op or n.label or n.data for n in topo_sort(y)]
    ['x', 2.0, '*', 'tanh']
    """
    if root._a is None:
        return [root]
    order: list[Value] = []
    seen: set[Value] = set()
    for node in _interior(root):
        for parent in node.parents:
            if parent._a is None and parent not in seen:
                seen.add(parent)
                order.append(parent)
        order.append(node)
    return order


def _backprop(root: Value) -> None:
    """Add d root / d node to ``.grad`` of every node ``root`` depends on.

    Zeros are not propagated: a node whose gradient is exactly 0 passes nothing on, so its
    rule is skipped, and a relu that output 0 is treated as a leaf (see ``_interior``); this
    is where relu networks save most of their time. (A non-finite local derivative behind a
    zero therefore gives 0, not nan; ``detect_anomaly`` runs every rule and reports it.)
    Leaves and such dead relus simply accumulate. An interior node's ``.grad`` is set aside
    first and added back at the end, so that what flows backwards from it is this pass's
    gradient alone (a second ``backward()`` then doubles every grad instead of compounding).
    The cyclic garbage collector is paused meanwhile: the graph holds no cycles, and the
    sort's allocations would otherwise trigger many pointless collections.
    """
    if _mode.anomaly:
        _backprop_checked(root)
        return
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        interior = _interior(root, skip_dead=True)
        saved = [node.grad for node in interior]
        for node in interior:
            node.grad = 0.0
        root.grad += 1.0
        for node in reversed(interior):
            g = node.grad
            if g:  # a zero gradient adds nothing: skip (a dead relu, a satisfied hinge margin)
                node._op.backward(node, g)
        for node, old in zip(interior, saved):
            node.grad += old
    finally:
        if gc_was_enabled:
            gc.enable()


def _backprop_checked(root: Value) -> None:
    """``_backprop`` for anomaly mode: every gradient checked; on failure no grad changes."""
    order = topo_sort(root)
    saved = [node.grad for node in order]
    try:
        for node in order:
            if node._a is not None:
                node.grad = 0.0
        root.grad += 1.0
        for node in reversed(order):
            if node._a is not None:
                _checked_backward(node, node.grad)
    except BaseException:
        for node, old in zip(order, saved):
            node.grad = old
        raise
    for node, old in zip(order, saved):
        if node._a is not None:
            node.grad += old


# --- n-ary nodes --------------------------------------------------------------------------


def dot(ws: Sequence[Value], xs: Sequence[Value | float], bias: Value | None = None) -> Value:
    """``w . x + bias`` as one node with ``2n (+1)`` parents: a neuron in a single node.

    Numbers in ``xs`` become leaves. The backward pass is the same as for the chain of
    ``*`` and ``+`` nodes it replaces, but the graph is ``2n`` times smaller.

    >>> w = [Value(1.0), Value(2.0)]
    >>> y = dot(w, [3.0, 4.0], Value(0.5))
    >>> y.data, y.op
    (11.5, 'dot')
    >>> y.backward(); [wi.grad for wi in w]
    [3.0, 4.0]
    """
    if len(ws) != len(xs):
        raise ValueError(f"dot() needs as many weights as inputs, got {len(ws)} and {len(xs)}")
    # The hot path of a network: Values only, no per-element checks. Anything that is not a
    # Value has no float .data (numbers have no .data, numpy's is a buffer), so the sum is
    # not a float and the careful path below converts or refuses it.
    try:
        data = sum([w.data * x.data for w, x in zip(ws, xs)], 0.0)  # type: ignore[union-attr]
        if bias is not None:
            data += bias.data
    except (AttributeError, TypeError):
        data = None
    if type(data) is not float:
        return _dot_converting(ws, xs, bias)
    args = (*ws, *xs) if bias is None else (*ws, *xs, bias)
    return _make(data, args, _MANY, ops.DOT)


def _dot_converting(ws: Sequence[Value], xs: Sequence[Value | float], bias: Value | None) -> Value:
    """``dot`` for inputs that are plain numbers (made leaves) or wrong (a clear TypeError)."""
    xv = [x if isinstance(x, Value) else _lift_strict(x, "dot") for x in xs]
    for w in (*ws, bias):
        if not isinstance(w, Value) and w is not None:
            raise TypeError(f"dot() weights and bias must be Values, got {type(w).__name__}")
    return dot(ws, xv, bias)


def vsum(values: Iterable[Value | float]) -> Value:
    """The sum of many Values as one node (``sum`` in pictures), not a chain of ``+``.

    >>> xs = [Value(1.0), Value(2.0), Value(3.0)]
    >>> s = vsum(xs)
    >>> s.data, len(s.parents)
    (6.0, 3)
    """
    args = tuple(v if isinstance(v, Value) else _lift_strict(v, "vsum") for v in values)
    if not args:
        return Value(0.0)
    return _make(ops.SUM.forward(*[a.data for a in args]), args, _MANY, ops.SUM)


def _lift_strict(x: object, where: str) -> Value:
    v = _lift(x)
    if v is None:
        raise TypeError(f"{where}() needs numbers or Values, got {type(x).__name__} {x!r}")
    return v


# --- gradients as values ------------------------------------------------------------------


def grad(output: Value, inputs: Sequence[Value], *, create_graph: bool = False) -> list[Value]:
    """The gradients of ``output`` with respect to each of ``inputs``, leaving ``.grad`` alone.

    With ``create_graph=True`` the gradients are themselves nodes of the graph, so they can
    be differentiated again: second, third, ... derivatives. An input that ``output`` does
    not depend on gets 0.0.

    >>> x = Value(3.0)
    >>> y = x ** 3
    >>> (dy,) = grad(y, [x], create_graph=True)
    >>> (d2y,) = grad(dy, [x], create_graph=True)
    >>> (d3y,) = grad(d2y, [x])
    >>> dy.data, d2y.data, d3y.data
    (27.0, 18.0, 6.0)
    """
    if not create_graph:
        # Run an ordinary backward pass on zeroed grads, read the answers, put everything back.
        order = topo_sort(output)
        saved = [node.grad for node in order]
        try:
            for node in order:
                node.grad = 0.0
            _backprop(output)
            reached = set(order)
            return [Value(x.grad if x in reached else 0.0) for x in inputs]
        finally:
            for node, old in zip(order, saved):
                node.grad = old

    grads: dict[Value, Value] = {output: Value(1.0)}
    for node in reversed(topo_sort(output)):
        g = grads.get(node)
        if g is None or node._a is None:
            continue
        parents = node.parents
        for parent, d in zip(parents, node._op.local(node, *parents)):
            contribution = _times(g, d)
            if contribution is not None:
                before = grads.get(parent)
                grads[parent] = contribution if before is None else before + contribution
    return [_or_zero(grads.get(x)) for x in inputs]


def _or_zero(g: Value | None) -> Value:
    return Value(0.0) if g is None else g


def _times(g: Value, d: Value | float) -> Value | None:
    """g * d without needless nodes for the constant factors 1, -1 and 0."""
    if isinstance(d, Value):
        return g * d
    if d == 1.0:
        return g
    if d == -1.0:
        return -g
    if d == 0.0:
        return None
    return g * d
