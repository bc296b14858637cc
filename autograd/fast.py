"""Hand-written float backward rules for the ops a network spends its time in.

Each rule here does exactly what ``ops._generic_backward`` derives from the op's ``local``
rule, with the loop unrolled and no intermediate tuples. They exist only for speed; the
tests run every graph through both and demand the same numbers. ``use_fast_paths(False)``
switches back to the generic rules.
"""

from __future__ import annotations

from typing import Any

from autograd import ops


def _add(node: Any, g: float) -> None:
    a, b = node._a, node._b
    a.grad += g
    b.grad += g


def _sub(node: Any, g: float) -> None:
    a, b = node._a, node._b
    a.grad += g
    b.grad -= g


def _mul(node: Any, g: float) -> None:
    a, b = node._a, node._b
    a.grad += g * b.data
    b.grad += g * a.data


def _neg(node: Any, g: float) -> None:
    node._a.grad -= g


def _tanh(node: Any, g: float) -> None:
    t = node.data
    node._a.grad += g * (1.0 - t * t)


def _relu(node: Any, g: float) -> None:
    if node.data > 0.0:
        node._a.grad += g


def _dot(node: Any, g: float) -> None:
    prev = node._a  # an n-ary node's parents, as a tuple
    n = len(prev) // 2
    for w, x in zip(prev[:n], prev[n : 2 * n]):
        w.grad += g * x.data
        x.grad += g * w.data
    if len(prev) & 1:
        prev[-1].grad += g


def _sum(node: Any, g: float) -> None:
    for p in node._a:
        p.grad += g


FAST = {
    ops.ADD: _add,
    ops.SUB: _sub,
    ops.MUL: _mul,
    ops.NEG: _neg,
    ops.TANH: _tanh,
    ops.RELU: _relu,
    ops.DOT: _dot,
    ops.SUM: _sum,
}


def use_fast_paths(enabled: bool = True) -> None:
    """Switch the hand-written backward rules on (the default) or off (the generic rules).

    >>> use_fast_paths(False); ops.MUL.backward is ops._generic_backward
    True
    >>> use_fast_paths(True); ops.MUL.backward is _mul
    True
    """
    for op, rule in FAST.items():
        op.backward = rule if enabled else ops._generic_backward


use_fast_paths(True)
