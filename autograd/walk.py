"""The walk: reverse accumulation over the graph, the one loop every gradient comes from.

``backward()``, ``grad()`` (with float or, for ``create_graph``, Value gradients),
``detect_anomaly`` and ``explain`` all run ``_walk``: visit the nodes from the root back to the
inputs, each after every node that uses it, so that a node's gradient is complete when it is
reached, and apply the chain rule there (``autograd/chain.py``). What differs is only what
flows through it (floats or Values) and what watches it (an anomaly check, explain's record).

The gradients accumulate in each node's ``.grad``. Around a walk, ``_SetAside`` sets the
``.grad`` of the nodes involved aside and restores it afterwards: ``backward()`` adds the old
values back (gradients accumulate over calls), ``grad()`` and ``explain`` put them back (they
leave no trace). One lock serialises the walks, so threads that backprop the same graph at
once each add their full share, one after another.

The order is found with an explicit stack, not recursion: a chain of a million nodes is fine.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Any

from autograd import ops
from autograd.chain import Send, Watch, accumulate, chain_rule
from autograd.modes import is_anomaly_enabled, pause_gc

MANY: Any = object()  # the marker in _b of an n-ary node (see Value.__slots__)
_PARENTS_DONE: Any = object()  # on _interior's stack: the node below it is finished

# Held for the whole of every walk, so that two walks never interleave their updates of
# ``.grad``. Re-entrant: a walk may start another (anomaly mode, grad()).
_LOCK = threading.RLock()


def _interior(root: Any, *, skip_dead: bool = False) -> list[Any]:
    """The nodes ``root`` depends on that were made by an op, each after its parents.

    Leaves are left out: backprop has nothing to do at a leaf, and a network's leaves (its
    weights) are the parents of very many nodes, so skipping them saves most of the walk.
    With ``skip_dead``, so is a relu that output 0: it passes no gradient back, so for
    backprop it is a leaf, and whatever lies behind it only is never visited. In a relu
    network (and behind every satisfied hinge margin) that is much of the graph.
    (``x._a is None`` is ``x.is_leaf``, inlined: this loop runs once per edge.)
    """
    if root._a is None:
        return []
    order: list[Any] = []
    seen: set[Any] = set()
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is _PARENTS_DONE:
            order.append(stack.pop())  # the node under the marker: all its parents are in order
            continue
        if node in seen:
            continue
        seen.add(node)
        if skip_dead and node._fn is ops.RELU and node.data == 0.0:
            continue
        stack.append(node)
        stack.append(_PARENTS_DONE)
        # Push the parents that are interior and new, last parent first so that they are
        # expanded in their own order. The three layouts of Value.__slots__, unrolled.
        a, b = node._a, node._b
        if b is MANY:
            for parent in reversed(a):
                if parent._a is not None and parent not in seen:
                    stack.append(parent)
        else:
            if b is not None and b._a is not None and b not in seen:
                stack.append(b)
            if a._a is not None and a not in seen:
                stack.append(a)
    return order


def topo_sort(root: Any) -> list[Any]:
    """Every node ``root`` depends on, each after its parents, ``root`` last.

    Backprop visits this list in reverse.

    >>> from autograd import Value
    >>> x = Value(1.0, "x"); y = (x * 2.0).tanh()
    >>> [n.op or n.label or n.data for n in topo_sort(y)]
    ['x', 2.0, '*', 'tanh']
    """
    if root._a is None:
        return [root]
    order: list[Any] = []
    seen: set[Any] = set()
    for node in _interior(root):
        for parent in node.parents:
            if parent.is_leaf and parent not in seen:
                seen.add(parent)
                order.append(parent)
        order.append(node)
    return order


class _SetAside:
    """The ``.grad`` of some nodes, set to 0.0 for one walk and restored after it.

    ``guard`` lists more nodes (leaves, say) whose ``.grad`` the walk adds to in place: only a
    failure puts theirs back.
    """

    __slots__ = ("guarded", "nodes", "saved")

    def __init__(self, nodes: list[Any], guard: Sequence[Any] = ()) -> None:
        self.guarded = [(node, node.grad) for node in guard]
        self.nodes = nodes
        self.saved = [node.grad for node in nodes]
        for node in nodes:
            node.grad = 0.0

    def add_back(self) -> None:
        """Add the old values to what the walk left: gradients accumulate over walks."""
        for node, old in zip(self.nodes, self.saved):
            node.grad += old

    def put_back(self) -> None:
        """Restore the old values: the walk leaves no trace (or failed)."""
        for node, old in self.guarded:
            node.grad = old
        for node, old in zip(self.nodes, self.saved):
            node.grad = old


def _walk(root: Any, order: list[Any], seed: Any, watch: Watch | None, fast: bool) -> None:
    """Reverse accumulation: the root gets ``seed``, then each node sends its gradient back.

    ``order`` holds the interior nodes, each after its parents; their ``.grad`` starts at 0.
    With floats flowing and no watch (``fast``), each op's own float rule runs, and a node
    whose gradient is exactly 0 is skipped: it would send nothing. Otherwise ``chain_rule``
    runs; with a watch, at every node (so a check sees every product, and a record every step).
    """
    root.grad = accumulate(root.grad, seed)
    fast = fast and watch is None and type(seed) is float
    for node in reversed(order):
        g = node.grad
        if fast:
            if g:
                node._fn.backward(node, g)  # the op's float rule: chain_rule or a faster twin
        elif g or watch is not None:
            chain_rule(node, g, watch)


def backward(root: Any, *, fast: bool = True) -> None:
    """Add d root / d node to ``.grad`` of every node ``root`` depends on (``Value.backward``).

    Zeros are not propagated: a node whose gradient is exactly 0 passes nothing on, so its
    rule is skipped, and a relu that output 0 is treated as a leaf (see ``_interior``); this
    is where relu networks save most of their time. (A non-finite local derivative behind a
    zero therefore gives 0, not nan; ``detect_anomaly`` runs every rule and reports it.)
    NaN is never mistaken for a zero: a relu of NaN is NaN, not dead, and every rule's
    derivative at a NaN input is NaN where it depends on that input (see test_nan.py).
    ``fast=False`` runs the generic ``chain_rule`` at every node instead of the ops' own
    float rules: the tests compare the two.

    >>> from autograd import Value
    >>> x = Value(3.0); y = x * x
    >>> backward(y); x.grad
    6.0
    """
    checked = is_anomaly_enabled()  # then every product is checked, and a failure is undone
    with _LOCK, pause_gc():
        order = _interior(root, skip_dead=not checked)
        aside = _SetAside(order, guard=topo_sort(root) if checked else ())
        try:
            _walk(root, order, 1.0, check if checked else None, fast)
        except BaseException:
            aside.put_back()
            raise
        aside.add_back()


def gradients(
    root: Any, seed: Any, watch: Watch | None = None, *, fast: bool = True
) -> dict[Any, Any]:
    """d root / d node for every node ``root`` depends on, leaving every ``.grad`` as it was.

    ``seed`` is d root / d root: 1.0, or ``Value(1.0)`` for gradients that are Values (then
    a node nothing reached maps to 0.0). ``watch`` sees each node's products (``chain.py``).

    >>> from autograd import Value
    >>> x = Value(3.0); y = x * x
    >>> gradients(y, 1.0)[x], x.grad
    (6.0, 0.0)
    """
    with _LOCK, pause_gc():
        everything = topo_sort(root)
        aside = _SetAside(everything)
        try:
            _walk(root, _interior(root, skip_dead=watch is None), seed, watch, fast)
            return {node: node.grad for node in everything}
        finally:
            aside.put_back()


def check(node: Any, upstream: Any, sends: Sequence[Send]) -> None:
    """The watch of ``detect_anomaly``: raise at the first product that is NaN or infinite."""
    for _, d, product in sends:
        value = product if type(product) is float or product is None else product.data
        if value is not None and not math.isfinite(value):
            inputs = ", ".join(repr(p.data) for p in node.parents)
            g = upstream if type(upstream) is float else upstream.data
            d = d if type(d) is float else d.data
            site = getattr(node, "site", "a line outside detect_anomaly()")
            raise FloatingPointError(
                f"the backward pass of {node.op} produced a gradient of {value!r} "
                f"(upstream {g!r} x local derivative {d!r}) for inputs ({inputs}); "
                f"the node was made at {site}"
            )


def zero_grad(root: Any) -> None:
    """Set ``.grad`` to 0.0 on ``root`` and every node it depends on (``Value.zero_grad``)."""
    with _LOCK:
        for node in topo_sort(root):
            node.grad = 0.0
