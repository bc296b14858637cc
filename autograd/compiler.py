"""Compile a scalar graph: record it once, then replay it as a few vectorised numpy operations.

A training loop rebuilds the same graph every step. ``compile(loss)`` records that graph
once into flat arrays and returns a ``CompiledGraph`` whose ``forward()`` and ``backward()``
redo the step with numpy: the nodes of one op at one depth run as one array operation, dot
nodes that share weights across samples as one matrix product, Python's ``sum`` as one
reduction. The leaves stay the user's Values: ``forward()`` reads their ``.data`` and
``backward()`` adds into their ``.grad``, so optimizers work unchanged.

Like ``torch.jit.trace``, recording sees one run: structure that depends on data (a Python
``if`` on ``.data``, ``max`` over values, a label used as an index) is baked in as it was
that time. ``verify(build)`` checks a replay against a fresh eager graph and names the first
node that differs.
"""

from __future__ import annotations

import hashlib
import sys
from collections import deque
from collections.abc import Callable, Sequence
from itertools import chain, repeat
from operator import attrgetter
from typing import Any

import numpy as np

from autograd._compile_plan import Step, nbytes, plan
from autograd._compile_record import CompileError, Group, Recording, Value, grad, record

__all__ = ["CompileError", "CompiledGraph", "MismatchError", "compile"]

_DATA, _GRAD = attrgetter("data"), attrgetter("grad")


class MismatchError(CompileError):
    """A compiled replay that differs from eager; the message names the first node that does."""


def compile(root: Value, *, check: bool = False, watch: Sequence[Value] = ()) -> CompiledGraph:
    """Record the graph below ``root`` once, for replay with numpy; see ``CompiledGraph``.

    Args:
        check: replay at once and compare every node's value and every leaf's gradient with
            eager's; raise ``MismatchError`` naming the first node that differs.
        watch: nodes below ``root`` whose values each ``forward()`` also computes, read
            with ``watched()`` (say, the data loss inside a loss plus a penalty). The
            graph keeps their slots, not the nodes.

    >>> from autograd import Value, compile
    >>> x, w = Value(2.0), Value(3.0)
    >>> y = (x * w).tanh() + x
    >>> g = compile(y)
    >>> x.data = 0.0
    >>> g.forward()
    0.0
    >>> g.backward(); x.grad, w.grad
    (4.0, 0.0)
    """
    rec = record(root, watch)
    expected = np.array(rec.expected) if check else None
    graph = CompiledGraph(root, rec)
    if expected is not None:
        graph._check(expected, "was recorded with", root)
    return graph


class CompiledGraph:
    """A recorded graph that replays with numpy: ``forward()``, ``backward()``, ``feed()``.

    Leaves are of two kinds. A leaf that something outside the graph refers to (a model's
    parameter, an input list you keep) is read at every ``forward()``. A leaf nothing else
    refers to (the ``2.0`` in ``2.0 * x``) can never change: it is a constant, folded in
    together with every node made only of constants.

    A training loop over minibatches builds the graph of one batch once, with input leaves,
    and feeds each batch into it::

        xs = [[Value(0.0) for _ in range(n_in)] for _ in range(batch_size)]
        ts = [[Value(0.0) for _ in range(n_out)] for _ in range(batch_size)]
        graph = compile(loss_fn(model, xs, ts))   # targets as leaves too, not numbers
        for X, T in batches:
            graph.feed(xs, X); graph.feed(ts, T)
            graph.forward(); opt.zero_grad(); graph.backward(); opt.step()

    Numbers taken from data while building (``max`` of the logits, a label used to pick an
    output) are baked in, like a Python ``if`` on ``.data``: ``verify(build)`` finds them.
    The graph keeps the leaves, and ``root`` (whose ``.data`` ``forward()`` sets) only while
    something else refers to it: once nothing outside does, ``forward()`` lets it go and
    with it the eager graph below it, which nobody could read any more. So
    ``compile(loss_fn(...))`` keeps flat arrays and the leaves, not the Values between.
    One compiled graph serves one thread at a time.
    """

    def __init__(self, root: Value, rec: Recording) -> None:
        # The root, then a probe that only this list holds: see _release_root.
        self._root_ref: list[Value | None] = [root, Value(0.0)]
        self._n_fixed = len(rec.consts)
        leaves = rec.leaves
        rec.leaves = []
        leaves.append(Value(0.0))  # a probe that only this list holds: see _check_leaves
        self._held: list[Value] = leaves
        self._n_leaves = len(leaves) - 1
        self._graph_refs = np.array(rec.graph_refs, dtype=np.intp)
        base = list(map(sys.getrefcount, leaves))[-1]
        self._limits = np.array([base + r for r in rec.graph_refs] + [base - 1], dtype=np.intp)
        self._slot = {id(v): self._n_fixed + i for i, v in enumerate(leaves[:-1])}
        self._vals = np.array(rec.expected, dtype=float)
        self._root = rec.root
        self._watched = np.array(rec.watched, dtype=np.intp)
        self._labels = rec.labels
        self._steps: list[Step] = [plan(group, self._n_fixed) for group in rec.groups]
        # What verify() compares a new recording with: each group's place, op and parents.
        self._signature = [_signature(group) for group in rec.groups]
        for step in self._steps:
            step.group.idx = None  # the steps keep what they need, often much less
        self.recorded_nodes = rec.recorded_nodes

    # --- the replay -------------------------------------------------------------------------

    def forward(self) -> float:
        """Recompute the graph from the leaves' current ``.data``; set and return ``root.data``.

        Only ``root.data`` is updated: the interior nodes of the eager graph keep the values
        they had when it was built.
        """
        self._replay(np.fromiter(map(_DATA, self._held[:-1]), float, self._n_leaves))
        value = float(self._vals[self._root])
        root = self._release_root()
        if root is not None:
            root.data = value
        return value

    def run(self, data: Any) -> Any:
        """``forward(); backward()`` on arrays: the leaves' gradients from the leaves' values.

        For a training loop that holds the leaves' values itself (``nn.CompiledStep``):
        ``data`` has one value per leaf, in the order of ``leaves``. No Value is read or
        written (not ``root.data``, not any ``.grad``); d root / d leaf comes back as an
        array in the same order, and ``watched()`` reads this replay's values.

        >>> from autograd import Value, compile
        >>> x, w = Value(2.0, "x"), Value(3.0, "w")
        >>> g = compile(x * w)
        >>> [v.label for v in g.leaves], g.run([5.0, 4.0]).tolist(), x.grad
        (['x', 'w'], [4.0, 5.0], 0.0)
        """
        self._replay(np.asarray(data, dtype=float))
        self._release_root()  # as forward(): an eager graph nobody reads is let go
        return self._leaf_grads()

    @property
    def leaves(self) -> list[Value]:
        """The leaves the replay reads, in the order of ``run``'s arrays (constants left out)."""
        return self._held[:-1]

    def watched(self) -> list[float]:
        """The values of the nodes given as ``compile(..., watch=...)``, as of the last forward.

        >>> from autograd import Value, compile
        >>> x = Value(3.0)
        >>> inner = x * x
        >>> g = compile(inner + 1.0, watch=[inner])
        >>> x.data = 2.0
        >>> g.forward(), g.watched()
        (5.0, [4.0])
        """
        return list(map(float, self._vals[self._watched]))

    def backward(self) -> None:
        """Add d root / d leaf to every leaf's ``.grad``, as ``root.backward()`` would.

        It uses the values of the last ``forward()`` (or of the recording). Interior nodes'
        ``.grad`` is left alone.
        """
        leaves = self._held[:-1]
        # The same additions as leaf.grad += g, a leaf at a time, without a Python loop.
        grads = np.fromiter(map(_GRAD, leaves), float, self._n_leaves) + self._leaf_grads()
        deque(map(setattr, leaves, repeat("grad"), grads.tolist()), maxlen=0)

    def feed(self, leaves: Sequence[Any], values: Any) -> None:
        """Set the ``.data`` of many input leaves at once from an array of the same shape.

        Args:
            leaves: leaves of this graph, as a list, or a list of equal-length lists (one per
                sample); ``values`` must have that shape.

        >>> from autograd import Value, compile
        >>> xs = [Value(1.0), Value(2.0)]
        >>> g = compile(xs[0] * xs[1])
        >>> g.feed(xs, [3.0, 4.0]); g.forward()
        12.0
        """
        flat, shape = _flatten(leaves)
        arr = np.asarray(values, dtype=float)
        if arr.shape != shape:
            raise ValueError(
                f"feed() got values of shape {arr.shape} for leaves of shape {shape}; "
                "give one value per leaf, in the leaves' layout"
            )
        slots = list(map(self._slot.get, map(id, flat)))
        if None in slots:
            i = slots.index(None)
            where = "".join(f"[{int(k)}]" for k in np.unravel_index(i, shape)) if shape else ""
            raise CompileError(
                f"feed(): leaves{where} ({flat[i]!r}) "
                "is not a leaf of this compiled graph; feed the leaves the graph was built from"
            )
        deque(map(setattr, flat, repeat("data"), arr.ravel().tolist()), maxlen=0)

    # --- checks ---------------------------------------------------------------------------

    def verify(self, build: Callable[[], Value]) -> None:
        """Check a replay against eager on the leaves' current data; ``MismatchError`` if unequal.

        Args:
            build: rebuilds the graph eagerly from the same leaves, e.g.
                ``lambda: loss_fn(model(xs), ys)``. A Python ``if`` on ``.data`` that now
                takes another branch shows up as the first node whose op or inputs differ.
        """

        fresh = build()
        rec = record(fresh)
        self._compare_structure(rec)
        self._check(np.array(rec.expected), "now gives", fresh)

    def _check(self, expected: Any, verb: str, eager_root: Value) -> None:
        """Replay; compare every slot's value, then every leaf's gradient, with eager's."""
        self.forward()
        self._compare(self._vals, expected, verb)
        eager = [g.data for g in grad(eager_root, self._held[:-1])]
        self._compare_grads(eager)

    # --- what the compiler found ------------------------------------------------------------

    def summary(self) -> list[tuple[int, str, int, str]]:
        """One row per group: (depth, op, number of nodes, how it runs).

        >>> from autograd import Value, compile
        >>> xs = [Value(float(i)) for i in range(4)]
        >>> compile(sum(x * x for x in xs)).summary()
        [(1, '*', 4, 'elementwise'), (2, 'sum', 1, 'rows')]
        """
        return [
            (depth, name, count, step.how)
            for (_, depth, name, count, _), step in zip(self._signature, self._steps)
        ]

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays that hold the recording (not counting the leaves themselves)."""
        return int(self._vals.nbytes + self._graph_refs.nbytes + sum(map(nbytes, self._steps)))

    @property
    def nodes(self) -> int:
        """The number of slots: constants, leaves and the nodes the replay computes."""
        return len(self._vals)

    # --- helpers ----------------------------------------------------------------------------

    def _replay(self, leaf_data: Any) -> None:
        """Put the leaves' values in their slots and recompute every group."""
        self._check_leaves()
        self._vals[self._n_fixed : self._n_fixed + self._n_leaves] = leaf_data
        with np.errstate(all="ignore"):
            for step in self._steps:
                step.forward(self._vals)

    def _leaf_grads(self) -> Any:
        G = np.zeros(len(self._vals))
        G[self._root] = 1.0
        with np.errstate(all="ignore"):
            for step in reversed(self._steps):
                step.backward(self._vals, G)
        return G[self._n_fixed : self._n_fixed + self._n_leaves]

    @property
    def root(self) -> Value | None:
        """The Value ``forward()`` writes to; None once nothing but this graph referred to it."""
        return self._release_root()

    def _release_root(self) -> Value | None:
        """The root, or None after letting it go: nobody else holds it, so nobody reads it."""
        held = self._root_ref
        if held[0] is not None:
            # The probe after it is held by the list alone: a root counted no higher than
            # the probe is referred to by nothing else, so the eager graph can be freed.
            root_count, probe_count = map(sys.getrefcount, held)
            if root_count <= probe_count:
                held[0] = None
                # The eager graph is gone, and with it its references to the leaves.
                self._limits -= np.append(self._graph_refs, 0)
                self._graph_refs[:] = 0
        return held[0]

    def _check_leaves(self) -> None:
        """Refuse to replay when a leaf was replaced by a new Value instead of updated."""
        # Each leaf is held by the graph, by this object and by its user. The probe at the end
        # of _held tells what the first two cost; a leaf at or below that has no user left.
        counts = np.fromiter(map(sys.getrefcount, self._held), np.intp, len(self._held))
        if not (counts <= self._limits).any():
            return
        outside = counts[:-1] - counts[-1] - self._graph_refs
        if (outside <= 0).any():
            leaf = self._held[int(np.argmax(outside <= 0))]
            raise CompileError(
                f"forward(): the leaf {leaf!r} is no longer used outside the compiled graph: "
                "it was replaced by a new Value (or dropped) instead of updated in place, "
                "so the graph cannot see it; set .data in place (p.data = ...), or compile again"
            )

    def _describe(self, slot: int) -> str:
        label = f" {self._labels[slot]!r}" if slot in self._labels else ""
        if slot < self._n_fixed:
            return f"constant #{slot}{label}"
        if slot < self._n_fixed + self._n_leaves:
            return f"leaf #{slot - self._n_fixed}{label}"
        for start, depth, name, count, _ in self._signature:
            if slot < start + count:
                return f"node #{slot} ({name} at depth {depth})"
        return f"node #{slot}"  # pragma: no cover - every slot is in a group

    def _compare(self, got: Any, want: Any, verb: str) -> None:
        bad = ~np.isclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True)
        if bad.any():
            s = int(np.argmax(bad))
            raise MismatchError(
                f"the replay differs from eager at {self._describe(s)}: it gives "
                f"{float(got[s])!r}, eager {verb} {float(want[s])!r}"
            )

    def _compare_grads(self, eager: list[float]) -> None:
        got, want = self._leaf_grads(), np.array(eager)
        bad = ~np.isclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True)
        if bad.any():
            i = int(np.argmax(bad))
            raise MismatchError(
                f"the replay's gradient differs from eager at {self._describe(self._n_fixed + i)}:"
                f" {float(got[i])!r} against eager's {float(want[i])!r}"
            )

    def _compare_structure(self, rec: Recording) -> None:
        fresh_leaves = rec.leaves
        if [id(v) for v in fresh_leaves] != [id(v) for v in self._held[:-1]]:
            raise MismatchError(
                "the new eager graph reads other leaves than the recording "
                f"({len(fresh_leaves)} against {self._n_leaves}); compile it again"
            )
        if rec.consts != list(self._vals[: self._n_fixed]):
            s = next(i for i, (a, b) in enumerate(zip(rec.consts, self._vals)) if a != b)
            if len(rec.consts) == self._n_fixed:
                raise MismatchError(
                    f"{self._describe(s)} was {float(self._vals[s])!r} when recorded and is "
                    f"{rec.consts[s]!r} now: a number taken from data is baked into the graph; "
                    "make it a leaf and feed() it, or compile again"
                )
        for mine, group in zip(self._signature, rec.groups):
            theirs = _signature(group)
            if mine == theirs:
                continue
            where = f"the graph's structure changed at {self._describe(mine[0])}: "
            if mine[1:4] == theirs[1:4]:
                raise MismatchError(
                    where + f"its group of {mine[3]} {mine[2]} nodes now reads other inputs "
                    "(a label used as an index, or a Python `if` on .data); compile again "
                    "for this data, or make such numbers leaves and feed() them"
                )
            raise MismatchError(
                where + f"the recording has {mine[3]} {mine[2]} nodes at depth {mine[1]} there, "
                f"the new eager graph {theirs[3]} {theirs[2]} nodes at depth {theirs[1]}; a "
                "Python `if` on .data took another branch: compile again for this data"
            )
        if len(self._signature) != len(rec.groups) or len(rec.consts) != self._n_fixed:
            raise MismatchError(
                f"the new eager graph has {len(rec.groups)} groups and {len(rec.consts)} "
                f"constants, the recording {len(self._signature)} and {self._n_fixed}; "
                "compile again"
            )


def _signature(group: Group) -> tuple[int, int, str, int, bytes]:
    """A group's start slot, depth, op, size and a digest of its parents' slots."""
    digest = hashlib.blake2b(group.idx.tobytes(), digest_size=16).digest()
    return (group.start, group.depth, group.name, len(group.idx), digest)


def _flatten(leaves: Sequence[Any]) -> tuple[list[Any], tuple[int, ...]]:
    """The leaves as one flat list, and their shape: (n,) or (rows, columns)."""
    if isinstance(leaves, Value):
        return [leaves], ()
    items = list(leaves)
    if not items or isinstance(items[0], Value):
        return items, (len(items),)
    flat = list(chain.from_iterable(items))
    cols = len(items[0])
    if len(flat) != len(items) * cols:
        raise ValueError("feed() needs rows of equal length, one list of leaves per sample")
    return flat, (len(items), cols)
