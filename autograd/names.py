"""What pictures and text call each node: one set of names for draw_dot, explain and frames.

``node_names(order)`` names every node of a graph once, and everything that shows a node
(the boxes of ``draw_dot``, the rows of ``explain``, the caption of a backprop frame) reads
the same dictionary. The rules, in order:

* a node with a ``label`` is called by it (``x``, ``loss``, ``layers.0.neurons.3.w.1``);
* an unlabelled leaf that enters a ``dot`` as one of its inputs is ``x[i]``, its position;
* any other unlabelled leaf is a constant, called by its number (the ``2`` of ``x**2``):
  it is not something to learn, so explain leaves it out of its gradient table and
  drawings show it as ``2 (const)``;
* the ``dot`` of a neuron whose weights are named ``P.w.0, P.w.1, ...`` is ``P.w·x+b``;
* any other node is a small formula of its parents' names (``x*y+b``, ``tanh(n)``); one
  too long to read, or made of dotted paths, becomes its op and a count (``prod2``: the
  second such product).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from autograd import ops
from autograd.engine import Value

__all__ = ["Names", "node_names"]

# Binding strength of each formula, for parentheses: x*y+z needs none, (x+y)*z does.
_PRECEDENCE = {op.name: op.precedence for op in ops.TABLE if op.precedence is not None}
_ATOM = 5  # a label, a number or a call like tanh(x): never needs parentheses
_MAX_FORMULA = 24  # longer formulas are unreadable in a table column or a box
_PATH = re.compile(r"[A-Za-z_]\w*\.\w")  # a dotted name such as layers.0.neurons.3
_WORDS = {"+": "sum", "-": "diff", "*": "prod", "/": "quot", "**": "pow"}


@dataclass(frozen=True)
class Names:
    """The name of every node of one graph, and which of its leaves are constants.

    >>> from autograd import Value, topo_sort
    >>> x = Value(3.0, "x")
    >>> y = x**2 * 0.5
    >>> names = node_names(topo_sort(y))
    >>> names[y], names[y.parents[1]], y.parents[1] in names.constants
    ('x**2*0.5', '0.5', True)
    """

    of: dict[Value, str]  # node -> name
    constants: frozenset[Value]  # unlabelled leaves that are not inputs: plain numbers

    def __getitem__(self, node: Value) -> str:
        return self.of[node]

    def __contains__(self, node: object) -> bool:
        return node in self.of


def number(x: float, digits: int = 4) -> str:
    """A number as pictures and tables print it; never ``-0``.

    >>> number(-0.0), number(2.0), number(0.123456), number(-1e-20, 3)
    ('0', '2', '0.1235', '-1e-20')
    """
    return f"{x + 0.0:.{digits}g}"  # + 0.0 turns -0.0 into 0.0


def node_names(order: Sequence[Value]) -> Names:
    """Name each node of ``order``: ``topo_sort(root)``, parents first and the root last.

    >>> from autograd import Value, dot, topo_sort
    >>> w = [Value(0.5, "n.w.0"), Value(-1.0, "n.w.1")]
    >>> out = dot(w, [1.0, 2.0], Value(0.0, "n.b")).relu()
    >>> names = node_names(topo_sort(out))
    >>> [names[p] for p in out.parents[0].parents], names[out.parents[0]], names[out]
    (['n.w.0', 'n.w.1', 'x[0]', 'x[1]', 'n.b'], 'n.w·x+b', 'relu1')
    """
    inputs = _dot_inputs(order)
    names: dict[Value, str] = {}
    strength: dict[Value, int] = {}
    constants: set[Value] = set()
    counts: dict[str, int] = {}

    def operand(p: Value, outer: int, *, right: bool = False) -> str:
        inner = strength[p]
        # a - (b - c) and a / (b * c) need them on the right; (a ** b) ** c on the left.
        tie = right if outer < _PRECEDENCE["**"] else not right
        needs = inner < outer or (inner == outer and tie) or (right and names[p][0] == "-")
        return f"({names[p]})" if needs else names[p]

    for node in order:
        strength[node] = _ATOM
        parents = node.parents
        if node.label:
            names[node] = node.label
            continue
        if not parents:
            if node in inputs:
                names[node] = f"x[{inputs[node]}]"
            else:
                names[node] = number(node.data)
                if node is not order[-1]:  # the root is what is explained, even a bare number
                    constants.add(node)
            continue
        op, prec = node.op, _PRECEDENCE.get(node.op, _ATOM)
        owner = _neuron_of(node) if op == "dot" else ""
        if owner:
            names[node] = owner + (".w·x+b" if len(parents) % 2 else ".w·x")
            continue
        if prec < _ATOM and op != "neg" and len(parents) == 2:
            a, b = parents
            formula = f"{operand(a, prec)}{op}{operand(b, prec, right=True)}"
        elif op == "neg":
            formula = f"-{operand(parents[0], prec)}"
        else:
            prec = _ATOM
            formula = f"{op}({', '.join(names[p] for p in parents)})"
        # A formula of dotted paths (layers.2.neurons.0*1) reads worse than a short name.
        if len(formula) > _MAX_FORMULA or any(_PATH.search(names[p]) for p in parents):
            word = _WORDS.get(op, op)
            counts[word] = counts.get(word, 0) + 1
            names[node] = f"{word}{counts[word]}"
        else:
            names[node], strength[node] = formula, prec
    return Names(names, frozenset(constants))


def _dot_inputs(order: Sequence[Value]) -> dict[Value, int]:
    """Unlabelled leaves fed to a ``dot`` as inputs, with their position in its ``xs``.

    A dot's parents are its n weights, its n inputs, then its bias if it has one.
    """
    found: dict[Value, int] = {}
    for node in order:
        if node.op != "dot":
            continue
        parents = node.parents
        n = len(parents) // 2
        for i, x in enumerate(parents[n : 2 * n]):
            if not x.label and not x.parents and x not in found:
                found[x] = i
    return found


def _neuron_of(node: Value) -> str:
    """``P`` when the weights of a dot node are labelled ``P.w.0``, ``P.w.1``, ...; else ""."""
    weights = node.parents[: len(node.parents) // 2]
    first = weights[0].label if weights else ""
    owner, sep, _ = first.rpartition(".w.")
    if not sep or not owner:
        return ""
    expected = [f"{owner}.w.{i}" for i in range(len(weights))]
    return owner if [w.label for w in weights] == expected else ""
