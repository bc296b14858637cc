"""Functions of many Values: ``dot`` and ``vsum`` (one node each), and ``grad``.

``dot`` is a neuron's weighted sum in a single node, the hot path of a network; ``vsum`` adds
many Values in one node. ``grad`` returns gradients as Values instead of adding them to
``.grad``, and with ``create_graph=True`` builds them into the graph, for higher derivatives.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from autograd import ops
from autograd.floats import as_float, data_error
from autograd.modes import is_anomaly_enabled
from autograd.value import Value, _lift, _make
from autograd.walk import MANY, check, gradients


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
    # not a float and the careful path below converts or refuses it. The bias comes first,
    # then each product from left to right, as micrograd's sum(..., self.b): the same floats.
    data: float | None
    try:
        data = 0.0 if bias is None else bias.data
        for w, x in zip(ws, xs):
            data += w.data * x.data  # type: ignore[union-attr]
    except (AttributeError, TypeError):
        data = None
    if type(data) is not float:
        return _dot_converting(ws, xs, bias)
    args = (*ws, *xs) if bias is None else (*ws, *xs, bias)
    return _make(data, args, MANY, ops.DOT)


def _dot_converting(ws: Sequence[Value], xs: Sequence[Value | float], bias: Value | None) -> Value:
    """``dot`` when the fast sum is not a float: numbers in ``xs`` become leaves, a numpy
    scalar in a Value's ``.data`` is stored back as its float, anything else is refused."""
    for w in (*ws, bias):
        if not isinstance(w, Value) and w is not None:
            raise TypeError(f"dot() weights and bias must be Values, got {type(w).__name__}")
    xv = [x if isinstance(x, Value) else _lift_strict(x, "dot") for x in xs]
    args = (*ws, *xv) if bias is None else (*ws, *xv, bias)
    for a in args:
        if type(a.data) is not float:
            a.data = as_float(a, "dot()")  # once: the next call takes the fast path
    return _make(ops.DOT.forward(*[a.data for a in args]), args, MANY, ops.DOT)


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
    try:
        return _make(ops.SUM.forward(*[a.data for a in args]), args, MANY, ops.SUM)
    except TypeError as e:
        raise data_error(e, ops.SUM, *args) from None


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
    if not isinstance(output, Value):
        raise TypeError(
            f"grad() needs a Value as output, got {type(output).__name__} {output!r:.40}; "
            "differentiate what an op on Values returned"
        )
    if isinstance(inputs, Value) or not isinstance(inputs, Iterable):
        raise TypeError(
            f"grad() needs a list of Values as inputs, got {type(inputs).__name__}; "
            "e.g. grad(y, [x])"
        )
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(
                f"grad() inputs must be Values, got {type(x).__name__} {x!r:.40} at [{i}]; "
                "pass the Values the output was computed from"
            )
    # The same walk as backward(): floats flow through it, or, to differentiate again, Values.
    seed = Value(1.0) if create_graph else 1.0
    found = gradients(output, seed, watch=check if is_anomaly_enabled() else None)
    return [_as_value(found.get(x, 0.0)) for x in inputs]


def _as_value(g: Value | float) -> Value:
    return g if isinstance(g, Value) else Value(g)
