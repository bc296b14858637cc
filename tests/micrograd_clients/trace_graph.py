"""micrograd's trace_graph: collect a graph's nodes and edges over ``_prev`` and draw it.

Each Value is a record box with its data and gradient; a node made by an op also gets a
small node for the op, keyed ``str(id(n)) + n._op``, with an edge into the Value.
"""

from __future__ import annotations

import random
from typing import Any

from graphviz import Digraph


def trace(root: Any) -> tuple[set[Any], set[tuple[Any, Any]]]:
    """All nodes and edges (child, parent) of the graph under ``root``."""
    nodes: set[Any] = set()
    edges: set[tuple[Any, Any]] = set()

    def build(v: Any) -> None:
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def draw_dot(root: Any, format: str = "svg", rankdir: str = "LR") -> Digraph:
    """A left-to-right Digraph of the graph under ``root``."""
    nodes, edges = trace(root)
    dot = Digraph(format=format, graph_attr={"rankdir": rankdir})
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label=f"{{ data {n.data:.4f} | grad {n.grad:.4f} }}", shape="record")
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def example_expression(Value: Any) -> tuple[Any, Any]:
    """The notebook's first picture: ``relu(x * 2 + 1)``, after backward."""
    x = Value(1.0)
    y = (x * 2 + 1).relu()
    y.backward()
    return x, y


def example_neuron(Value: Any, nn: Any) -> tuple[list[Any], Any, Any]:
    """The second picture: a two-input relu neuron from ``nn``, after backward."""
    random.seed(1337)
    n = nn.Neuron(2)
    x = [Value(1.0), Value(-2.0)]
    y = n(x)
    y.backward()
    return x, n, y
