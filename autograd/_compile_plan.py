"""Replay steps for the compiler: each group of a recording as one gather, compute, scatter.

A step's ``forward`` gathers its parents' values from the slot array, runs the op's
vectorised forward and writes the results into its own slots. Its ``backward`` gathers
again, asks the op's vjp rules for the contributions and adds them into the gradient array
at the parents' slots (``Scatter``), which is where nodes reached by many paths sum up.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np

from autograd._compile_record import Group
from autograd._compile_rules import RULES, Rule

Array = Any


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
        self.rule: Rule = RULES[group.name]
        self.start, self.stop = group.start, group.start + len(group.idx)
        cols = [group.idx[:, j] for j in range(group.idx.shape[1])]
        self.cols = [Gather(c) for c in cols]
        # A column of constants needs no gradient: skip its rule and its scatter.
        self.scatters = [Scatter(c) if (c >= n_fixed).any() else None for c in cols]

    def forward(self, vals: Array) -> None:
        args = [c.take(vals) for c in self.cols]
        out = self.rule.forward(*args)
        if self.rule.risky and not np.isfinite(out).all():
            _first_error(self.group, args, out)
        vals[self.start : self.stop] = out

    def backward(self, vals: Array, G: Array) -> None:
        g = G[self.start : self.stop]
        out = vals[self.start : self.stop]
        args = [c.take(vals) for c in self.cols]
        for vjp, scatter in zip(self.rule.vjps, self.scatters):
            if scatter is not None:
                scatter.add(G, vjp(g, out, *args))


class NaryStep:
    """A group of n-ary nodes of one arity: parents gathered into a 2-D array, a row a node."""

    how = "rows"

    def __init__(self, group: Group, n_fixed: int) -> None:
        self.group = group
        self.rule: Rule = RULES[group.name]
        self.start, self.stop = group.start, group.start + len(group.idx)
        self.rows = Gather(group.idx)
        self.scatter = Scatter(group.idx)

    def forward(self, vals: Array) -> None:
        vals[self.start : self.stop] = self.rule.forward(self.rows.take(vals))

    def backward(self, vals: Array, G: Array) -> None:
        g = G[self.start : self.stop]
        out = vals[self.start : self.stop]
        (vjp,) = self.rule.vjps
        self.scatter.add(G, vjp(g, out, self.rows.take(vals)).ravel())


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
    if RULES[group.name].nary:
        return NaryStep(group, n_fixed)
    return ElementwiseStep(group, n_fixed)
