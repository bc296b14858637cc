"""Backprop, recorded step by step: the data behind ``explain``, its pictures and its page.

``replay(root)`` does what ``root.backward()`` does, one node at a time, and records each
multiplication instead of only its result. Backprop visits the nodes in reverse topological
order (a node before everything it was computed from), so when it reaches a node, that node's
gradient is complete. It then sends one product to each parent::

    parent's gradient += upstream × local
    (d root / d parent)  (d root / d node) × (d node / d parent)

``upstream`` is the node's own gradient; ``local`` is ``node.local_grads()[i]``. A parent used
by several nodes receives several products, and its gradient is their sum (the sum over paths).

The replay keeps its own tally, so it never touches ``.grad``. ``explain`` wraps the record
with its text and pictures; ``draw_dot(step=k)`` and the HTML page read the record itself
(``Replay.as_data()`` is the record as plain lists and dicts).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from autograd.chain import Send
from autograd.engine import Value, topo_sort
from autograd.names import Names, node_names
from autograd.walk import gradients

__all__ = ["Contribution", "Replay", "Snapshot", "Step", "record_steps", "replay"]


class Contribution(NamedTuple):
    """What one step sends to one parent: ``product = upstream × local``."""

    parent: Value
    local: float  # d node / d parent
    product: float  # added to the parent's gradient


@dataclass(frozen=True)
class Step:
    """One node's turn in backprop: its gradient, times each local derivative."""

    index: int  # position in the record: ``record[index] is self``
    node: Value
    upstream: float  # d root / d node, complete by the time backprop reaches the node
    contributions: tuple[Contribution, ...]  # one per parent, in the order of node.parents


class Snapshot(NamedTuple):
    """The state of backprop right after one step: what a picture of that moment shows."""

    step: Step  # the step just done
    grads: dict[Value, float]  # every gradient received so far (partial or complete)
    complete: frozenset[Value]  # nodes whose gradient has received all its products
    done: frozenset[Value]  # nodes whose step has run: their edges have carried gradient


class Replay(Sequence[Step]):
    """The steps of backprop from one root; indexes like a list of ``Step``.

    ``grads`` maps every node to d root / d node: what ``root.backward()`` adds to ``.grad``.
    ``names`` names every node (see ``autograd.names``), for the text and the pictures.

    >>> from autograd import Value
    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> r = replay(a * b + a)
    >>> len(r), r.name(r.root), r[0].upstream, r.grad(a)
    (2, 'a*b+a', 1.0, -2.0)
    >>> after = r.after(0)  # the root has sent 1 to a, but a*b has not sent its share yet
    >>> after.grads[a], a in after.complete
    (1.0, False)
    """

    def __init__(self, root: Value, steps: tuple[Step, ...], grads: dict[Value, float]) -> None:
        self.root = root
        self.steps = steps
        self.grads = grads
        self.order = topo_sort(root)
        self.names: Names = node_names(self.order)
        self._step_of = {step.node: step for step in steps}

    @overload
    def __getitem__(self, index: int) -> Step: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Step]: ...
    def __getitem__(self, index: int | slice) -> Step | Sequence[Step]:
        return self.steps[index]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def name(self, node: Value) -> str:
        """What the text and the pictures call a node (see ``autograd.names``)."""
        return self.names[node]

    def is_constant(self, node: Value) -> bool:
        """Whether ``node`` is a plain number (an unlabelled leaf that is no input)."""
        return node in self.names.constants

    def step_of(self, node: Value) -> Step | None:
        """The step that processes ``node``; None for a leaf."""
        return self._step_of.get(node)

    def grad(self, node: Value) -> float:
        """d root / d node; 0.0 for a node the root does not depend on."""
        return self.grads.get(node, 0.0)

    def after(self, k: int) -> Snapshot:
        """The state of backprop after step ``k`` (negative k counts from the end)."""
        if not -len(self.steps) <= k < len(self.steps):
            raise IndexError(
                f"step {k} is out of range: this backprop has {len(self.steps)} steps, "
                f"numbered 0 to {len(self.steps) - 1}"
            )
        k %= len(self.steps)
        # A node's gradient is complete once every node that uses it has run its step.
        pending = _uses(self.steps)
        grads = {self.root: 1.0}
        done: set[Value] = set()
        for step in self.steps[: k + 1]:
            done.add(step.node)
            for parent, _, product in step.contributions:
                grads[parent] = grads.get(parent, 0.0) + product
                pending[parent] -= 1
        complete = frozenset(node for node in grads if pending.get(node, 0) == 0)
        return Snapshot(self.steps[k], grads, complete, frozenset(done))

    def as_data(self) -> dict[str, Any]:
        """The record as plain lists, dicts, strings and floats, ready for ``json.dumps``.

        ``nodes`` lists every node in topological order (the forward pass), each with
        ``id`` (its position, as in ``draw_dot``), ``name``, ``op``, ``data``, ``grad``
        (d root / d node), ``parents`` (ids) and ``constant``. ``steps`` lists the backward
        pass: ``node`` (an id), ``upstream`` and one ``{parent, local, product}`` per parent.
        The floats are exactly those of ``replay`` (and so of ``backward()``).

        >>> from autograd import Value
        >>> data = replay(Value(3.0, "x") * 2.0).as_data()
        >>> [n["name"] for n in data["nodes"]], data["steps"][0]["contributions"][0]
        (['x', '2', 'x*2'], {'parent': 0, 'local': 2.0, 'product': 2.0})
        """
        ids = {node: i for i, node in enumerate(self.order)}
        nodes = [
            {
                "id": ids[node],
                "name": self.name(node),
                "op": node.op,
                "data": node.data,
                "grad": self.grad(node),
                "parents": [ids[p] for p in node.parents],
                "constant": self.is_constant(node),
            }
            for node in self.order
        ]
        steps = [
            {
                "index": step.index,
                "node": ids[step.node],
                "upstream": step.upstream,
                "contributions": [
                    {"parent": ids[c.parent], "local": c.local, "product": c.product}
                    for c in step.contributions
                ],
            }
            for step in self.steps
        ]
        return {"root": ids[self.root], "nodes": nodes, "steps": steps}

    def __repr__(self) -> str:
        kind = type(self).__name__
        return f"<{kind}: {len(self.steps)} steps of backprop from {self.name(self.root)}>"


def replay(root: Value) -> Replay:
    """Replay backprop from ``root`` step by step, without touching any ``.grad``.

    >>> from autograd import Value
    >>> x = Value(3.0, "x")
    >>> r = replay(x * x)
    >>> r[0].contributions[0].product, r.grads[x], x.grad
    (3.0, 6.0, 0.0)
    """
    return Replay(root, *record_steps(root))


def record_steps(root: Value) -> tuple[tuple[Step, ...], dict[Value, float]]:
    """The walk of ``replay`` and ``explain``: each step, and every node's d root / d node."""
    if not isinstance(root, Value):
        raise TypeError(f"explain() needs a Value, got {type(root).__name__}")
    grads: dict[Value, float] = {root: 1.0}
    steps: list[Step] = []

    def record(node: Value, upstream: float, sends: Sequence[Send]) -> None:
        # The walk backward() takes calls this at each node, with the products it sends.
        contributions = tuple(Contribution(p, float(d), product) for p, d, product in sends)
        for parent, _, product in contributions:
            grads[parent] = grads.get(parent, 0.0) + product
        steps.append(Step(len(steps), node, upstream, contributions))

    gradients(root, 1.0, watch=record)
    return tuple(steps), grads


def _uses(steps: Sequence[Step]) -> dict[Value, int]:
    """How many products each node will receive: one per use as a parent."""
    count: dict[Value, int] = {}
    for step in steps:
        for parent in step.node.parents:
            count[parent] = count.get(parent, 0) + 1
    return count
