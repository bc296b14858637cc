"""Replay steps for the compiler: each group of a recording as one gather, compute, scatter.

A step's ``forward`` gathers its parents' values from the slot array, runs the op's
``np_forward`` (from its entry in the op table, ``autograd/ops.py``) and writes the results
into its own slots. Its ``backward`` gathers again, asks the op's ``np_local`` for the local
derivatives, applies the chain rule over the arrays (``chain_rule`` below) and adds the
products into the gradient array at the parents' slots (``Scatter``), which is where nodes
reached by many paths sum up.

One op belongs to the compiler alone: ``PROD``, a chain of ``*`` merged into one n-ary node
(the recorder makes it, as it makes one ``sum`` of a chain of ``+``). No Value ever holds it,
so it is not in the op table.
"""

from __future__ import annotations

import math
from itertools import chain
from typing import Any

import numpy as np

from autograd import ops
from autograd._compile_record import Group
from autograd.op import NpRule, Op

Array = Any


def chain_rule(g: Array, d: Any) -> Array:
    """``g * d``: upstream gradients times local derivatives, with the walk's habits.

    As ``autograd/chain.py``'s ``_times``, a constant 1 or -1 costs no multiplication. As the
    walk, a node whose gradient is exactly 0 sends nothing, which matters only where a local
    derivative is not finite (``sqrt`` at 0, ``/`` by a tiny number): 0 * inf would be NaN.
    """
    if type(d) is float:
        return g if d == 1.0 else -g if d == -1.0 else g * d
    c = g * d
    if d.dtype != bool and not np.isfinite(d).all():
        c = np.where(g == 0.0, 0.0, c)
    return c


def _prod(*args: float) -> float:
    return math.prod(args)


def _prod_local(out: Any, *args: Any) -> tuple[Any, ...]:
    """d(x_1 ... x_m)/dx_i = the product of the others."""
    return tuple(math.prod(args[:i] + args[i + 1 :]) for i in range(len(args)))


def _np_prod_local(np: Any, out: Array, P: Array) -> Array:
    """_prod_local a row at a time: prefix times suffix products, no division."""
    ones = np.ones((P.shape[0], 1))
    before = np.cumprod(np.hstack([ones, P[:, :-1]]), axis=1)
    after = np.cumprod(np.hstack([ones, P[:, :0:-1]]), axis=1)[:, ::-1]
    return before * after


PROD = Op("prod", _prod, _prod_local, arity=None, method="",
          np_forward=lambda np, P: P.prod(axis=1), np_local=_np_prod_local)  # fmt: skip


def op_of(name: str) -> Op:
    """The op whose numpy rules replay a group of nodes named ``name``."""
    return PROD if name == "prod" else ops.BY_NAME[name]


def _rules(name: str) -> tuple[NpRule, NpRule]:
    """The op's ``np_forward`` and ``np_local`` (``record`` made sure that it has both)."""
    op = op_of(name)
    assert op.np_forward is not None and op.np_local is not None
    return op.np_forward, op.np_local


class Gather:
    """Reads slots from the value array: a plain slice (no copy) when they are consecutive.

    They often are: a layer's nodes sit side by side, so the next layer reads a block.
    """

    __slots__ = ("at", "shape")

    def __init__(self, idx: Array) -> None:
        self.shape = idx.shape
        self.at = _as_slice(idx) or np.ascontiguousarray(idx)

    def take(self, vals: Array) -> Array:
        at = self.at
        return vals[at].reshape(self.shape) if type(at) is slice else vals[at]

    @property
    def nbytes(self) -> int:
        return 0 if type(self.at) is slice else int(self.at.nbytes)


def _as_slice(idx: Array) -> slice | None:
    flat = idx.ravel()
    lo = int(flat[0]) if len(flat) else 0
    if len(flat) and (flat == np.arange(lo, lo + len(flat))).all():
        return slice(lo, lo + len(flat))
    return None


class Scatter:
    """Adds contributions into a gradient array at fixed slots, repeated slots summing up."""

    __slots__ = ("at", "mode", "size")

    def __init__(self, idx: Array) -> None:
        idx = np.ascontiguousarray(idx.ravel())
        lo, hi = int(idx.min()), int(idx.max()) + 1
        span = _as_slice(idx)
        self.at: Any = idx
        self.size = hi - lo
        if span is not None:
            self.mode, self.at = "slice", span  # consecutive slots: a view, no gather
        elif len(np.unique(idx)) == len(idx):
            self.mode = "unique"  # plain fancy indexing is exact when no slot repeats
        elif hi - lo <= 4 * len(idx) + 64:
            self.mode, self.at = "bincount", (lo, idx - lo)
        else:
            self.mode = "add.at"

    def add(self, G: Array, c: Array) -> None:
        mode, at = self.mode, self.at
        if mode == "slice" or mode == "unique":
            G[at] += c
        elif mode == "bincount":
            lo, shifted = at
            G[lo : lo + self.size] += np.bincount(
                shifted, weights=np.ravel(c), minlength=self.size
            )
        else:
            np.add.at(G, at, c)

    @property
    def nbytes(self) -> int:
        if self.mode == "slice":
            return 0
        return int(self.at[1].nbytes if self.mode == "bincount" else self.at.nbytes)


def _first_error(group: Group, args: list[Array], out: Array) -> None:
    """Raise eager's own error for the first result that eager would have refused."""
    finite_in = np.logical_and.reduce([np.isfinite(a) for a in args])
    for i in np.flatnonzero(~np.isfinite(out) & finite_in):
        group.op.forward(*[float(a[i]) for a in args])  # raises, naming op and value


class ElementwiseStep:
    """A group of one- or two-input nodes: one numpy call forward, one per parent backward."""

    how = "elementwise"

    def __init__(self, group: Group, n_fixed: int) -> None:
        self.group = group
        self.np_forward, self.np_local = _rules(group.name)
        # The walk treats a relu that output 0 as a leaf: it passes nothing back, not even NaN.
        self.dead_relus = op_of(group.name) is ops.RELU
        self.start, self.stop = group.start, group.start + len(group.idx)
        cols = [group.idx[:, j] for j in range(group.idx.shape[1])]
        self.cols = [Gather(c) for c in cols]
        # A column of constants needs no gradient: skip its rule and its scatter.
        self.scatters = [Scatter(c) if (c >= n_fixed).any() else None for c in cols]

    def forward(self, vals: Array) -> None:
        args = [c.take(vals) for c in self.cols]
        out = self.np_forward(np, *args)
        if not np.isfinite(out).all():
            _first_error(self.group, args, out)
        vals[self.start : self.stop] = out

    def backward(self, vals: Array, G: Array) -> None:
        g = G[self.start : self.stop]
        out = vals[self.start : self.stop]
        if self.dead_relus:
            g = np.where(out == 0.0, 0.0, g)
        local = self.np_local(np, out, *[c.take(vals) for c in self.cols])
        for d, scatter in zip(local, self.scatters):
            if scatter is not None:
                scatter.add(G, chain_rule(g, d))


class NaryStep:
    """A group of n-ary nodes of one arity: parents gathered into a 2-D array, a row a node."""

    how = "rows"

    def __init__(self, group: Group, n_fixed: int) -> None:
        self.group = group
        self.np_forward, self.np_local = _rules(group.name)
        self.start, self.stop = group.start, group.start + len(group.idx)
        self.rows = Gather(group.idx)
        self.scatter = Scatter(group.idx)

    def forward(self, vals: Array) -> None:
        vals[self.start : self.stop] = self.np_forward(np, self.rows.take(vals))

    def backward(self, vals: Array, G: Array) -> None:
        g = G[self.start : self.stop]
        out = vals[self.start : self.stop]
        local = self.np_local(np, out, self.rows.take(vals))
        self.scatter.add(G, chain_rule(g[:, None], local).ravel())


def _unique_rows(M: Array) -> tuple[Array, Array]:
    """The distinct rows of M in order of first appearance, and each row's number among them."""
    seen: dict[bytes, int] = {}
    inverse = np.array([seen.setdefault(bytes(row), len(seen)) for row in M], dtype=np.intp)
    first = np.unique(inverse, return_index=True)[1]
    return M[first], inverse


class MatmulDotStep:
    """``dot`` nodes that share weight rows across samples, replayed as one matrix product.

    With the distinct weight rows ``W`` (one per neuron) and input rows ``X`` (one per
    sample), every node is one entry of ``X @ W.T``: the node of sample ``s`` and neuron
    ``u`` is ``M[s, u]``. Backward is the two products of the matrix chain rule.
    """

    how = "matmul"

    @staticmethod
    def plan(group: Group, n_fixed: int) -> MatmulDotStep | None:
        """The step for a dot group, or None when its rows are not shared enough to pay."""
        k, m = group.idx.shape
        n = m // 2
        if k < 2 or n < 1:
            return None
        Wu, wi = _unique_rows(group.idx[:, :n])
        Xu, xi = _unique_rows(group.idx[:, n : 2 * n])
        flat = xi * len(Wu) + wi
        dense = len(Wu) * len(Xu) <= 2 * k and min(len(Wu), len(Xu)) < k
        if not dense or len(np.unique(flat)) != k:
            return None
        return MatmulDotStep(group, Wu, Xu, flat, n_fixed)

    def __init__(self, group: Group, Wu: Array, Xu: Array, flat: Array, n_fixed: int) -> None:
        self.group = group
        self.start, self.stop = group.start, group.start + len(group.idx)
        self.W, self.X = Gather(Wu), Gather(Xu)
        # Usually the nodes come sample by sample, neuron by neuron: M in order, no gather.
        self.flat = None if _as_slice(flat) == slice(0, len(flat)) else flat
        self.shape = (len(Xu), len(Wu))
        bias = group.idx[:, -1] if group.idx.shape[1] & 1 else None
        self.bias = Gather(bias) if bias is not None else None
        self.w_scatter = Scatter(Wu) if (Wu >= n_fixed).any() else None
        self.x_scatter = Scatter(Xu) if (Xu >= n_fixed).any() else None
        self.b_scatter = Scatter(bias) if bias is not None else None

    def forward(self, vals: Array) -> None:
        out = (self.X.take(vals) @ self.W.take(vals).T).ravel()
        if self.flat is not None:
            out = out[self.flat]
        if self.bias is not None:
            out += self.bias.take(vals)
        vals[self.start : self.stop] = out

    def backward(self, vals: Array, G: Array) -> None:
        g = G[self.start : self.stop]
        if self.flat is None:
            dM = g.reshape(self.shape)
        else:
            dM = np.zeros(self.shape[0] * self.shape[1])
            dM[self.flat] = g
            dM = dM.reshape(self.shape)
        if self.w_scatter is not None:
            self.w_scatter.add(G, (dM.T @ self.X.take(vals)).ravel())
        if self.x_scatter is not None:
            self.x_scatter.add(G, (dM @ self.W.take(vals)).ravel())
        if self.b_scatter is not None:
            self.b_scatter.add(G, g)


Step = ElementwiseStep | NaryStep | MatmulDotStep


def nbytes(step: Step) -> int:
    """The bytes of the index arrays a step keeps."""
    parts = chain.from_iterable(v if isinstance(v, list) else [v] for v in vars(step).values())
    return sum(int(getattr(part, "nbytes", 0)) for part in parts if not isinstance(part, Group))


def plan(group: Group, n_fixed: int) -> Step:
    """The step that replays one group; ``n_fixed`` is the number of constant slots."""
    if group.name == "dot":
        step = MatmulDotStep.plan(group, n_fixed)
        if step is not None:
            return step
    if op_of(group.name).arity is None:
        return NaryStep(group, n_fixed)
    return ElementwiseStep(group, n_fixed)
