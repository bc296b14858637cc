"""Backprop, step by step: the chain rule with the numbers filled in.

``explain(root)`` replays what ``root.backward()`` does, one node at a time, and records each
multiplication instead of only its result. Backprop visits the nodes in reverse topological
order (a node before everything it was computed from), so when it reaches a node, that node's
gradient is complete. It then sends one product to each parent::

    parent's gradient += upstream × local
    (d root / d parent)  (d root / d node) × (d node / d parent)

``upstream`` is the node's own gradient; ``local`` is ``node.local_grads()[i]``. A parent used
by several nodes receives several products, and its gradient is their sum (the sum over paths).

The replay keeps its own tally, so it never touches ``.grad``: you can explain a graph before
or after calling ``backward()``, and as often as you like.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from autograd.engine import Value, topo_sort

if TYPE_CHECKING:
    import graphviz

__all__ = ["Contribution", "Explanation", "Snapshot", "Step", "explain"]


class Contribution(NamedTuple):
    """What one step sends to one parent: ``product = upstream × local``."""

    parent: Value
    local: float  # d node / d parent
    product: float  # added to the parent's gradient


@dataclass(frozen=True)
class Step:
    """One node's turn in backprop: its gradient, times each local derivative."""

    index: int  # position in the explanation: ``explanation[index] is self``
    node: Value
    upstream: float  # d root / d node, complete by the time backprop reaches the node
    contributions: tuple[Contribution, ...]  # one per parent, in the order of node.parents


class Snapshot(NamedTuple):
    """The state of backprop right after one step: what a picture of that moment shows."""

    step: Step  # the step just done
    grads: dict[Value, float]  # every gradient received so far (partial or complete)
    complete: frozenset[Value]  # nodes whose gradient has received all its products
    done: frozenset[Value]  # nodes whose step has run: their edges have carried gradient


class Explanation(Sequence[Step]):
    """The steps of backprop from one root; prints as a table, indexes like a list.

    ``grads`` maps every node to d root / d node: what ``root.backward()`` adds to ``.grad``.

    >>> from autograd import Value
    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> f = a * b + a
    >>> e = explain(f)
    >>> len(e), e.name(f), e[0].upstream, e.grad(a)
    (2, 'a*b+a', 1.0, -2.0)
    >>> after = e.after(0)  # f has sent 1 to a, but a*b has not sent its share yet
    >>> after.grads[a], a in after.complete
    (1.0, False)
    >>> "grad 1 + ?" in e.frame(0).source  # the picture of that moment
    True
    """

    def __init__(self, root: Value, steps: tuple[Step, ...], grads: dict[Value, float]) -> None:
        self.root = root
        self.steps = steps
        self.grads = grads
        self._names = _names(topo_sort(root))
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
        """How the table calls a node: its label, its number (a constant), or its formula."""
        return self._names[node]

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

    def frame(self, k: int, **draw_options: Any) -> graphviz.Digraph:
        """The graph drawn right after step ``k``; ``draw_options`` go to ``draw_dot``."""
        from autograd.draw import draw_dot

        return draw_dot(self.root, step=k, explanation=self, **draw_options)

    def frames(self, **draw_options: Any) -> list[graphviz.Digraph]:
        """One picture per step: backprop as a flip-book (show them one after another)."""
        return [self.frame(k, **draw_options) for k in range(len(self.steps))]

    def to_html(
        self, path: str | Path | None = None, *, lang: str = "en", max_nodes: int | None = 200
    ) -> str:
        """A web page to click through this backprop; written to ``path`` if given.

        See ``autograd.page.explain_page``: one self-contained file (no network), ``lang``
        "en" or "ja", the drawing capped to the ``max_nodes`` nodes nearest the root.
        """
        from autograd.page import explain_page

        return explain_page(self, path, lang=lang, max_nodes=max_nodes)

    def table(self, digits: int = 4) -> str:
        """The steps as a text table with ``digits`` significant digits per number."""

        def num(x: float) -> str:
            return f"{x:.{digits}g}"

        root = self.name(self.root)
        header = ("step", "node", "op", "upstream", "parent", "local", "product", "parent sum")
        rows: list[tuple[str, ...]] = []
        running: dict[Value, float] = {}
        for step in self.steps:
            first = (str(step.index), self.name(step.node), step.node.op, num(step.upstream))
            for parent, local, product in step.contributions:
                running[parent] = running.get(parent, 0.0) + product
                rows.append((*first, self.name(parent), num(local), num(product)))
                rows[-1] += (num(running[parent]),)
                first = ("", "", "", "")  # the step's own columns only on its first line
        lines = [
            f"Backprop from {root} = {num(self.root.data)}; its own gradient (the seed) is 1.",
            "Each line: product = upstream × local, added to the parent's gradient (parent sum).",
            "",
            *_columns([header, *rows]),
            "",
            f"Gradients of {root} with respect to the inputs (leaves):",
            *_columns(
                [(self.name(n), num(self.grad(n))) for n in topo_sort(self.root) if not n.parents]
            ),
        ]
        return "\n".join(line.rstrip() for line in lines)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return f"<Explanation: {len(self.steps)} steps of backprop from {self.name(self.root)}>"


def explain(root: Value) -> Explanation:
    """Replay backprop from ``root`` step by step, without touching any ``.grad``.

    The result prints as a table, and ``result[k]`` is step ``k`` (``node``, ``upstream``,
    ``contributions``). ``result.grads[v]`` is the gradient ``root.backward()`` gives ``v``.

    >>> from autograd import Value
    >>> x, y = Value(3.0, "x"), Value(4.0, "y")
    >>> z = x * y + x
    >>> z.label = "z"
    >>> e = explain(z)
    >>> print(e)  # doctest: +NORMALIZE_WHITESPACE
    Backprop from z = 15; its own gradient (the seed) is 1.
    Each line: product = upstream × local, added to the parent's gradient (parent sum).
    <BLANKLINE>
    step  node  op  upstream  parent  local  product  parent sum
    0     z     +   1         x*y     1      1        1
                              x       1      1        1
    1     x*y   *   1         x       4      4        5
                              y       3      3        3
    <BLANKLINE>
    Gradients of z with respect to the inputs (leaves):
    x  5
    y  3
    >>> e[1].contributions[0]
    Contribution(parent=Value(data=3.0, grad=0.0, label='x'), local=4.0, product=4.0)
    >>> e.grads[x], x.grad
    (5.0, 0.0)
    """
    if not isinstance(root, Value):
        raise TypeError(f"explain() needs a Value, got {type(root).__name__}")
    grads: dict[Value, float] = {root: 1.0}
    steps: list[Step] = []
    for node in reversed(topo_sort(root)):
        if not node.parents:
            continue  # a leaf: nothing to send further back
        upstream = grads.get(node, 0.0)
        contributions = tuple(
            Contribution(parent, local, upstream * local)
            for parent, local in zip(node.parents, node.local_grads())
        )
        for parent, _, product in contributions:
            grads[parent] = grads.get(parent, 0.0) + product
        steps.append(Step(len(steps), node, upstream, contributions))
    return Explanation(root, tuple(steps), grads)


def _uses(steps: Sequence[Step]) -> dict[Value, int]:
    """How many products each node will receive: one per use as a parent."""
    count: dict[Value, int] = {}
    for step in steps:
        for parent in step.node.parents:
            count[parent] = count.get(parent, 0) + 1
    return count


# Binding strength of each formula, for parentheses: x*y+z needs none, (x+y)*z does.
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}
_ATOM = 5  # a label, a number or a call like tanh(x): never needs parentheses
_MAX_FORMULA = 24  # longer formulas are unreadable in a table column; use a short id instead


def _names(order: list[Value]) -> dict[Value, str]:
    """A short name for each node: label, else a constant's number, else a small formula.

    Formulas are built from the parents' names (``x*y + b`` reads ``x*y+b``, ``tanh(n)``);
    one that grows too long becomes ``v7``, the node's position in topological order (the
    same as its id in drawings).
    """
    names: dict[Value, str] = {}
    strength: dict[Value, int] = {}

    def operand(p: Value, outer: int, *, right: bool = False) -> str:
        inner = strength[p]
        # a - (b - c) and a / (b * c) need them on the right; (a ** b) ** c on the left.
        tie = right if outer < _PRECEDENCE["**"] else not right
        needs = inner < outer or (inner == outer and tie) or (right and names[p][0] == "-")
        return f"({names[p]})" if needs else names[p]

    for i, node in enumerate(order):
        strength[node] = _ATOM
        if node.label:
            names[node] = node.label
            continue
        if not node.parents:
            names[node] = f"{node.data:.4g}"
            continue
        op, prec = node.op, _PRECEDENCE.get(node.op, _ATOM)
        if prec < _ATOM and op != "neg" and len(node.parents) == 2:
            a, b = node.parents
            formula = f"{operand(a, prec)}{op}{operand(b, prec, right=True)}"
        elif op == "neg":
            formula = f"-{operand(node.parents[0], prec)}"
        else:
            prec = _ATOM
            formula = f"{op}({', '.join(names[p] for p in node.parents)})"
        if len(formula) > _MAX_FORMULA:
            names[node] = f"v{i}"
        else:
            names[node], strength[node] = formula, prec
    return names


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns, two spaces apart."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
