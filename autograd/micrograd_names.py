"""micrograd's names on ``Value``: ``_prev``, ``_op`` and ``_backward()``.

Code written for micrograd, and Karpathy's lecture that builds it, reads three internals of
its ``Value``: the set of children ``_prev``, the op's string ``_op``, and the closure
``_backward`` that applies one node's step of the chain rule. ``Value`` inherits them from
``MicrogradNames`` below, so that code runs on chainrule unchanged (see docs/micrograd.md).

They are views, computed when read from what a node already stores (its parents and its
``Op`` entry), so they cost no memory per node, and ``_backward()`` is the engine's own
``chain_rule`` at one node, not a closure stored in it: the graph stays free of reference
cycles. The other micrograd habit, setting attributes of your own on a Value
(``p.m = 0.0``), is the ``__dict__`` entry of ``Value.__slots__``.

Where chainrule differs from micrograd on purpose, it keeps its own behaviour:

* ``backward()`` adds to ``.grad`` as PyTorch's does; micrograd's sets the root's gradient to
  1 first, so a second call compounds through the interior nodes;
* op names are chainrule's: ``'relu'`` (micrograd: ``'ReLU'``), ``'**'`` (``'**2'``),
  ``'-'`` and ``'/'`` as ops of their own, and ``'dot'`` for a neuron's weighted sum;
* a number in an expression becomes a leaf parent, as in micrograd, but the exponent of
  ``a ** 2`` is one too (micrograd keeps it in the op's name), and it receives no gradient.
"""

from __future__ import annotations

from typing import Any, Protocol

from autograd.chain import chain_rule
from autograd.modes import is_anomaly_enabled
from autograd.ops import Op
from autograd.walk import check


class _Node(Protocol):
    """What the views read from a node: the parts of ``Value`` that they are views of."""

    data: float
    grad: Any
    _fn: Op

    @property
    def parents(self) -> tuple[Any, ...]: ...


class MicrogradNames:
    """micrograd's ``_prev``, ``_op`` and ``_backward()``, as views of chainrule's node."""

    __slots__ = ()

    @property
    def _prev(self: _Node) -> set[Any]:
        """micrograd's name for the parents, as a set: ``set(node.parents)``; empty for a leaf.

        A new set at each read. ``parents`` keeps their order and repeats (``a + a``).

        >>> from autograd import Value
        >>> a, b = Value(2.0), Value(3.0)
        >>> (a * b)._prev == {a, b}, (a + a)._prev == {a}, a._prev
        (True, True, set())
        """
        return set(self.parents)

    @property
    def _op(self: _Node) -> str:
        """micrograd's name for ``op``: the op's string, ``''`` for a leaf.

        >>> from autograd import Value
        >>> a = Value(2.0)
        >>> a._op, (a * 3)._op, a.tanh()._op
        ('', '*', 'tanh')
        """
        return self._fn.name

    def _backward(self: _Node) -> None:
        """One step of backprop at this node: add ``grad × local derivative`` to each parent.

        What micrograd's per-node closure does, and what the lecture's hand-stepped cells
        call from the output back: set ``o.grad = 1.0``, then ``o._backward()``, then each
        parent's. It is the engine's ``chain_rule`` at this one node (``autograd/chain.py``),
        so it adds again at each call, as micrograd's does; on a leaf it does nothing. Inside
        ``detect_anomaly()`` a product that is not finite raises, naming the op.

        >>> from autograd import Value
        >>> x, w = Value(2.0), Value(-3.0)
        >>> n = x * w
        >>> o = n + 1.0
        >>> o.grad = 1.0
        >>> o._backward(); n.grad
        1.0
        >>> n._backward(); x.grad, w.grad
        (-3.0, 2.0)
        """
        chain_rule(self, self.grad, check if is_anomaly_enabled() else None)


def settle_attributes(cls: type[Any]) -> None:
    """Make every new instance of ``cls`` keep room for one attribute, ``label``, and no more.

    CPython (3.11+) gives each new instance of a class with a ``__dict__`` a small array for
    its attributes, sized by the names set on instances while the first few dozen were made.
    ``Value`` calls this once, at import: it makes those instances and sets ``label`` on one,
    so a node stays at its size (``benchmarks/run.py``) whatever names users set later. A
    node that gets an attribute of a user's own (``p.m = 0.0``) has a dict of its own.
    """
    new = object.__new__
    for _ in range(64):
        new(cls)
    new(cls).label = ""
