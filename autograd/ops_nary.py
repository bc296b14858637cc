"""The n-ary ops of the table: ``dot`` and ``sum``, nodes with any number of parents.

A network's neuron is one ``dot`` node (``w . x + b``) instead of 2n binary nodes, and a
loss over a batch one ``sum``. Their entries join the others in ``ops.TABLE``; the fields
are those of every op (``autograd/op.py``). For arrays, ``P`` holds one row of parent values
per node: w_1..w_n, x_1..x_n and maybe b for ``dot``.
"""

from __future__ import annotations

from typing import Any

from autograd.op import Num, Op


def _dot(*args: float) -> float:
    n = len(args) // 2
    total = args[-1] if len(args) & 1 else 0.0  # the bias first, then left to right (as dot)
    for w, x in zip(args[:n], args[n : 2 * n]):
        total += w * x
    return total


def _dot_local(out: Num, *args: Num) -> tuple[Num, ...]:
    """d(w.x + b)/dw_i = x_i, d/dx_i = w_i, d/db = 1."""
    n = len(args) // 2
    ws, xs = args[:n], args[n : 2 * n]
    return (*xs, *ws, 1.0) if len(args) & 1 else (*xs, *ws)


def _dot_backward(node: Any, g: float) -> None:
    prev = node._a  # an n-ary node's parents, as a tuple
    n = len(prev) // 2
    for w, x in zip(prev[:n], prev[n : 2 * n]):
        w.grad += g * x.data
        x.grad += g * w.data
    if len(prev) & 1:
        prev[-1].grad += g


def _np_dot(np: Any, P: Any) -> Any:
    """w . x (+ b), a row at a time."""
    n = P.shape[1] // 2
    out = np.einsum("ij,ij->i", P[:, :n], P[:, n : 2 * n])
    return out + P[:, -1] if P.shape[1] & 1 else out


def _np_dot_local(np: Any, out: Any, P: Any) -> Any:
    """_dot_local a row at a time: x_i for w_i, w_i for x_i, 1 for b."""
    n = P.shape[1] // 2
    L = np.ones_like(P)
    L[:, :n] = P[:, n : 2 * n]
    L[:, n : 2 * n] = P[:, :n]
    return L


DOT = Op("dot", _dot, _dot_local, arity=None, method="dot", backward=_dot_backward,
         np_forward=_np_dot, np_local=_np_dot_local)  # fmt: skip


def _sum(*args: float) -> float:
    return sum(args, 0.0)


def _sum_backward(node: Any, g: float) -> None:
    for p in node._a:
        p.grad += g


SUM = Op("sum", _sum, lambda out, *args: (1.0,) * len(args),
         arity=None, method="vsum", backward=_sum_backward,
         np_forward=lambda np, P: P.sum(axis=1),
         np_local=lambda np, out, P: np.ones_like(P))  # fmt: skip
