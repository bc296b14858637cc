"""Recording for the compiler: the graph below a root, flattened into numbered slots.

The recorder reads the graph once, through the three small accessors below (the only place
the compiler touches a node's internals), and returns a ``Recording``: numbered slots, the
leaves to read, the constants, and the interior nodes grouped by (depth, op, arity) so that
each group can run as one numpy operation. On the way it rewrites what users write into
what numpy does well:

* a chain of binary ``+`` (what Python's ``sum`` makes) becomes one ``sum`` node, and a
  chain of ``*`` one ``prod`` node, when its links are used nowhere else;
* constants are folded: a leaf that nothing outside the graph refers to (a number such as
  the ``2.0`` in ``2.0 * x``) can never change, so neither can a node made only of such
  leaves; their values are taken once, here.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from typing import Any

# The adapter: everything the compiler takes from the engine is imported here, and a node's
# insides are read only through the three functions below.
from autograd.engine import Value, grad, topo_sort

__all__ = ["CompileError", "Group", "Recording", "Value", "grad", "record"]


def _parents(v: Value) -> tuple[Value, ...]:
    return v.parents


def _opname(v: Value) -> str:
    return v.op


def _opfn(v: Value) -> Any:
    """The op object, whose float ``forward`` gives eager's own error for a bad input."""
    return v._fn


# --------------------------------------------------------------------------------------------


class CompileError(ValueError):
    """A graph the compiler cannot replay, or a compiled graph used in a way it cannot serve."""


class Group:
    """Nodes of one op at one depth with the same number of parents: one numpy operation.

    ``idx[r, j]`` is the slot of parent ``j`` of the group's node ``r``; the nodes' own slots
    are ``start, start + 1, ...``.
    """

    __slots__ = ("depth", "idx", "name", "op", "start")

    def __init__(self, depth: int, name: str, op: Any, idx: Any, start: int) -> None:
        self.depth, self.name, self.op, self.idx, self.start = depth, name, op, idx, start


class Recording:
    """The flat graph: slots ``[0, C)`` constants, ``[C, C + L)`` leaves, then the groups."""

    def __init__(self) -> None:
        self.consts: list[float] = []
        self.leaves: list[Value] = []
        self.graph_refs: list[int] = []  # references from the graph to each leaf
        self.groups: list[Group] = []
        self.size = 0
        self.root = 0
        self.expected: list[float] = []  # eager's value of every slot, for check/verify
        self.labels: dict[int, str] = {}  # of the leaves and constants, for messages
        self.recorded_nodes = 0  # interior nodes of the eager graph, before rewriting
        self.watched: list[int] = []  # the slots of the nodes record(..., watch) was given


def external_refs(values: list[Any], graph_refs: list[int]) -> list[int]:
    """How many references to each value exist outside the graph and this list.

    A fresh probe, held only by the list, measures what holding and counting cost, so the
    answer does not depend on the interpreter's bookkeeping.
    """
    values.append(Value(0.0))
    try:
        counts = list(map(sys.getrefcount, values))
    finally:
        values.pop()
    base = counts[-1]
    return [c - base - r for c, r in zip(counts, graph_refs)]


def record(root: Value, watch: Sequence[Value] = ()) -> Recording:
    """Flatten the graph below ``root`` (see the module docstring).

    The nodes in ``watch`` keep a slot of their own (never folded into a chain), so that a
    replay can read their values; ``Recording.watched`` lists those slots.
    """
    if not isinstance(root, Value):
        raise TypeError(f"compile() needs a Value, got {type(root).__name__} {root!r}")
    if not _parents(root):
        raise CompileError(
            f"compile() of a leaf ({root!r}): there is no graph to record; "
            "compile the output of a computation, such as a loss"
        )
    order = topo_sort(root)
    n = len(order)
    ext = external_refs(order, [0] * n)  # graph references are subtracted below
    position = {id(v): i for i, v in enumerate(order)}
    index = position.__getitem__
    parents = [list(map(index, map(id, _parents(v)))) for v in order]
    uses = Counter(chain.from_iterable(parents))
    fanout = [uses[i] for i in range(n)]  # how many parent slots refer to each node
    names = [_opname(v) for v in order]
    for ps, v in zip(parents, order):
        if ps and (_opfn(v).np_forward is None or _opfn(v).np_local is None):
            raise CompileError(
                f"compile(): the op {_opname(v)!r} has no vectorised rule; give its entry in "
                "autograd/ops.py an np_forward and an np_local, or run this graph eagerly"
            )
    r = n - 1  # topo_sort puts the root last
    watched = []
    for w in watch:
        if id(w) not in position:
            raise CompileError(
                f"compile(watch=...): {w!r} is not a node of the graph below the root; "
                "watch nodes that the root is computed from"
            )
        watched.append(position[id(w)])
    keep = set(watched)

    const = [False] * n
    for i in range(n):
        ps = parents[i]
        const[i] = all(const[p] for p in ps) if ps else ext[i] - fanout[i] <= 0

    # Chains of + (and sum nodes) become one sum; chains of * one prod.
    kind = [("sum" if nm in ("+", "sum") else "prod" if nm == "*" else "") for nm in names]
    absorbed = [False] * n
    for i in range(n):
        if not kind[i] or const[i]:
            continue
        flat: list[int] = []
        for p in parents[i]:
            if kind[p] == kind[i] and fanout[p] == 1 and not const[p] and p not in keep:
                flat.extend(parents[p])
                absorbed[p] = True
            else:
                flat.append(p)
        if len(flat) > len(parents[i]) or names[i] == "sum":
            names[i] = kind[i]
        parents[i] = flat

    depth = [0] * n
    emit: list[int] = []
    for i in range(n):
        if parents[i] and not const[i]:
            depth[i] = 1 + max(map(depth.__getitem__, parents[i]))
            if not absorbed[i]:
                emit.append(i)
    return _layout(order, parents, names, const, depth, emit, fanout, r, watched)


def _layout(
    order: list[Value],
    parents: list[list[int]],
    names: list[str],
    const: list[bool],
    depth: list[int],
    emit: list[int],
    fanout: list[int],
    r: int,
    watched: list[int],
) -> Recording:
    """Number the slots: the constants and leaves the groups read, then the groups in order."""
    import numpy as np

    rec = Recording()
    rec.recorded_nodes = sum(1 for ps in parents if ps)
    slot = [-1] * len(order)
    # Slots for the constants and leaves the groups read, the root and the watched nodes
    # if those are constants or leaves themselves (interior nodes get theirs in a group).
    ends = {i for i in (r, *watched) if const[i] or not parents[i]}
    used = sorted({p for i in emit for p in parents[i]} | ends)
    for i in used:
        if const[i]:
            slot[i] = len(rec.consts)
            rec.consts.append(order[i].data)
    for i in used:
        if not const[i] and not parents[i]:
            slot[i] = len(rec.consts) + len(rec.leaves)
            rec.leaves.append(order[i])
            rec.graph_refs.append(fanout[i])
    rec.expected = [*rec.consts, *(v.data for v in rec.leaves)]
    keyed: dict[tuple[int, str, int], list[int]] = {}
    for i in emit:
        keyed.setdefault((depth[i], names[i], len(parents[i])), []).append(i)
    at = len(rec.expected)
    for (d, name, _arity), members in sorted(keyed.items()):
        for k, i in enumerate(members):
            slot[i] = at + k
        idx = np.array(slot)[np.array([parents[i] for i in members], dtype=np.intp)]
        rec.groups.append(Group(d, name, _opfn(order[members[0]]), idx, at))
        rec.expected.extend(order[i].data for i in members)
        at += len(members)
    for i in used:
        if order[i].label and (const[i] or not parents[i]):  # messages name only these
            rec.labels[slot[i]] = order[i].label
    rec.size, rec.root = at, slot[r]
    rec.watched = [slot[i] for i in watched]
    return rec
