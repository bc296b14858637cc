"""The chain rule at one node: the line every gradient in the engine goes through.

When backprop reaches a node, the node's gradient (``upstream``, d root / d node) is complete.
The chain rule sends one product to each parent::

    parent.grad += upstream * local        # local = d node / d parent, from the op's rule

``chain_rule`` below is that line, written once. It runs on whatever flows through the walk:

* floats, in ``backward()`` and ``grad()``;
* Values, in ``grad(..., create_graph=True)``, so that the gradient is itself a graph that
  can be differentiated again (the op's ``local`` rule then builds its derivative from Values).

A ``watch`` may look at each node's products before they are added: ``detect_anomaly`` checks
them, ``explain`` records them. The hot ops of a network also have a hand-written float rule
beside their entry in ``autograd/ops.py``, which does exactly what this function does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

# (parent, local derivative, product sent to the parent); product None: nothing to send.
Send = tuple[Any, Any, Any]
Watch = Callable[[Any, Any, Sequence[Send]], None]


def chain_rule(node: Any, upstream: Any, watch: Watch | None = None) -> None:
    """Add ``upstream * local`` to the gradient of each parent of ``node``.

    >>> from autograd import Value
    >>> a, b = Value(2.0), Value(5.0)
    >>> chain_rule(a * b, 10.0)
    >>> a.grad, b.grad
    (50.0, 20.0)
    """
    parents = node.parents
    if type(upstream) is float:
        local = node._fn.local(node.data, *[p.data for p in parents])
    else:  # a Value: the rule builds its derivative from Values, to differentiate again
        local = node._fn.local(node, *parents)
    sends = [(parent, d, _times(upstream, d)) for parent, d in zip(parents, local)]
    if watch is not None:
        watch(node, upstream, sends)
    for parent, _, product in sends:
        parent.grad = accumulate(parent.grad, product)


def _times(g: Any, d: Any) -> Any:
    """g * d; for a Value g, without needless nodes for the constants 1, -1 and 0 (None)."""
    if type(g) is float or type(d) is not float:
        return g * d
    if d == 1.0:
        return g
    if d == -1.0:
        return -g
    if d == 0.0:
        return None
    return g * d


def accumulate(total: Any, product: Any) -> Any:
    """total + product; a Value gradient's first product replaces the 0.0 it starts from.

    >>> accumulate(0.5, 0.25), accumulate(0.5, None)
    (0.75, 0.5)
    """
    if type(product) is float:
        return total + product
    if product is None:
        return total
    return product if type(total) is float else total + product
