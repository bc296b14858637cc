"""Each op's vectorised twin, for the compiler: its forward over arrays and its vjp rules.

One entry per op name, in ``RULES``. ``forward`` maps the parents' value arrays to the
results' array, exactly as the op's float forward does element by element. ``vjps`` holds one
function per parent slot: given the upstream gradients ``g``, the results ``out`` and the
parents' values, it returns ``g * d(out)/d(parent)``, the contribution backprop adds to that
parent. Each entry is written to become fields of its op's row in ``autograd/ops.py``.

Two habits of the eager walk are kept, so that compiled gradients equal eager ones:

* a node whose gradient is exactly 0 passes nothing back (``_skip``), which matters only
  where a local derivative can be infinite (``sqrt`` at 0, ``/`` by a tiny number, ...);
* a relu that output 0 passes nothing back at all, even a NaN (a relu *of* NaN is not dead:
  its value and derivative are NaN).

The n-ary ops (``sum``, ``dot`` and the compiler's own ``prod``, a chain of ``*``) work on a
2-D array ``P``, one row of parent values per node, and have one vjp that returns the
contributions to every parent as an array shaped like ``P``. (A group of ``dot`` nodes that
share their weights is replayed as a matrix product instead; see ``_compile_plan.py``.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Array = Any  # numpy arrays; kept loose so that numpy's stubs don't leak into the engine's
Vjp = Callable[..., Array]


class Rule:
    """An op's vectorised forward and one vjp per parent; ``risky`` ops can raise in eager."""

    __slots__ = ("forward", "nary", "risky", "vjps")

    def __init__(
        self, forward: Callable[..., Array], *vjps: Vjp, risky: bool = False, nary: bool = False
    ) -> None:
        self.forward = forward
        self.vjps = vjps
        self.risky = risky
        self.nary = nary


def _skip(g: Array, c: Array) -> Array:
    """``c`` with 0 wherever ``g`` is 0: eager never runs the rule of a node with gradient 0."""
    return np.where(g == 0.0, 0.0, c)


def _sigmoid(a: Array) -> Array:
    # The two branches of ops._sigmoid: exp() only ever sees a non-positive argument.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sign(a: Array) -> Array:
    # As ops._sign: 0 at 0, NaN for NaN.
    return np.sign(a)


def _dpow_da(a: Array, b: Array) -> Array:
    """d(a**b)/da = b a**(b-1); 0 (b == 0) or inf (b < 1) at a == 0, as ops._dpow_da."""
    at_zero = (a == 0.0) & (b < 1.0)
    return np.where(at_zero, np.where(b == 0.0, 0.0, np.inf), b * np.power(a, b - 1.0))


def _dpow_db(out: Array, a: Array, b: Array) -> Array:
    """d(a**b)/db = a**b log(a) for a > 0; 0 at a == 0 with b >= 0; else NaN, as ops._dpow_db."""
    inside = out * np.log(np.where(a > 0.0, a, 1.0))
    return np.where(a > 0.0, inside, np.where((a == 0.0) & (b >= 0.0), 0.0, np.nan))


# name: forward, then one vjp per parent: (g, out, *parents) -> contribution to that parent.
RULES: dict[str, Rule] = {
    "+": Rule(np.add, lambda g, out, a, b: g, lambda g, out, a, b: g),
    "-": Rule(np.subtract, lambda g, out, a, b: g, lambda g, out, a, b: -g),
    "*": Rule(np.multiply, lambda g, out, a, b: g * b, lambda g, out, a, b: g * a),
    "/": Rule(
        np.divide,
        lambda g, out, a, b: _skip(g, g * (1.0 / b)),
        lambda g, out, a, b: _skip(g, g * (-out / b)),
        risky=True,
    ),
    "**": Rule(
        np.power,
        lambda g, out, a, b: _skip(g, g * _dpow_da(a, b)),
        lambda g, out, a, b: _skip(g, g * _dpow_db(out, a, b)),
        risky=True,
    ),
    "neg": Rule(np.negative, lambda g, out, a: -g),
    "abs": Rule(np.abs, lambda g, out, a: _skip(g, g * _sign(a))),
    "exp": Rule(np.exp, lambda g, out, a: g * out, risky=True),
    "log": Rule(np.log, lambda g, out, a: _skip(g, g * (1.0 / a)), risky=True),
    "sqrt": Rule(np.sqrt, lambda g, out, a: _skip(g, g * (0.5 / out)), risky=True),
    "tanh": Rule(np.tanh, lambda g, out, a: g * (1.0 - out * out)),
    "sigmoid": Rule(_sigmoid, lambda g, out, a: g * (out * (1.0 - out))),
    "relu": Rule(
        lambda a: np.where(a <= 0.0, 0.0, a),  # NaN stays NaN, as ops._relu
        # A dead relu passes nothing back; a NaN one passes NaN (where g is not 0).
        lambda g, out, a: np.where(out > 0.0, g, np.where(out == 0.0, 0.0, _skip(g, g * out))),
    ),
    "sin": Rule(np.sin, lambda g, out, a: g * np.cos(a), risky=True),  # eager refuses inf
    "cos": Rule(np.cos, lambda g, out, a: g * -np.sin(a), risky=True),
}


def _dot(P: Array) -> Array:
    """w . x (+ b) per row: the row holds w_1..w_n, x_1..x_n and maybe b, as ops._dot."""
    n = P.shape[1] // 2
    out = np.einsum("ij,ij->i", P[:, :n], P[:, n : 2 * n])
    return out + P[:, -1] if P.shape[1] & 1 else out


def _dot_vjp(g: Array, out: Array, P: Array) -> Array:
    """d/dw_i = x_i, d/dx_i = w_i, d/db = 1, times g: one row of contributions per node."""
    n = P.shape[1] // 2
    C = np.empty_like(P)
    C[:, :n] = g[:, None] * P[:, n : 2 * n]
    C[:, n : 2 * n] = g[:, None] * P[:, :n]
    if P.shape[1] & 1:
        C[:, -1] = g
    return C


def _sum_vjp(g: Array, out: Array, P: Array) -> Array:
    """d(x_1 + ... + x_m)/dx_i = 1: every parent gets the node's gradient."""
    return np.repeat(g[:, None], P.shape[1], axis=1)


def _prod_vjp(g: Array, out: Array, P: Array) -> Array:
    """d(x_1 ... x_m)/dx_i = the product of the others: prefix times suffix, no division."""
    ones = np.ones((P.shape[0], 1))
    before = np.cumprod(np.hstack([ones, P[:, :-1]]), axis=1)
    after = np.cumprod(np.hstack([ones, P[:, :0:-1]]), axis=1)[:, ::-1]
    return g[:, None] * before * after


RULES.update(
    {
        "sum": Rule(lambda P: P.sum(axis=1), _sum_vjp, nary=True),
        "dot": Rule(_dot, _dot_vjp, nary=True),
        "prod": Rule(lambda P: P.prod(axis=1), _prod_vjp, nary=True),
    }
)
