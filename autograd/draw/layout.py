"""What a picture holds and where: the nodes nearest the root, module boxes, hidden nodes.

A network's loss has thousands of nodes, far too many for one readable picture. ``select``
keeps the nodes nearest the root (or a focus), ``add_hidden`` sums up the rest in one box,
and ``clusters`` boxes the nodes of each Neuron and Layer together, from dotted labels such
as ``layers.0.neurons.3.w.1`` alone: autograd knows nothing of ``nn``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from autograd.engine import Value
from autograd.messages import say

__all__ = ["ancestors", "cluster_graphs", "clusters", "consumers", "owner", "relative", "select"]


def consumers(order: list[Value]) -> dict[Value, list[Value]]:
    """For each node, the nodes that use it (once per use)."""
    users: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        for parent in node.parents:
            users[parent].append(node)
    return users


def select(
    start: Value,
    users: dict[Value, list[Value]],
    *,
    both_ways: bool,
    depth: float,
    max_nodes: float,
) -> set[Value]:
    """The nodes nearest ``start`` (breadth-first), at most ``depth`` arrows and ``max_nodes``.

    Without a focus the walk goes from the root towards the inputs, so a big graph keeps its
    output end, where the loss is; with a focus it goes both ways.
    """
    distance = {start: 0}
    queue = deque([start])
    picked: set[Value] = set()
    while queue and len(picked) < max_nodes:
        node = queue.popleft()
        picked.add(node)
        if distance[node] >= depth:
            continue
        for near in (*node.parents, *users[node]) if both_ways else node.parents:
            if near not in distance:
                distance[near] = distance[node] + 1
                queue.append(near)
    return picked


def ancestors(nodes: Iterable[Value]) -> set[Value]:
    """Every node that the given nodes were computed from (not including themselves)."""
    found: set[Value] = set()
    stack = [p for node in nodes for p in node.parents]
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(node.parents)
    return found


def owner(path: str) -> str:
    """The module a dotted name belongs to: drop trailing indices, then one name.

    >>> owner("layers.0.neurons.3.w.1"), owner("layers.0.neurons.3.b"), owner("layers.0")
    ('layers.0.neurons.3', 'layers.0.neurons.3', '')
    """
    parts = path.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts[:-1])


def clusters(order: list[Value], users: dict[Value, list[Value]]) -> dict[Value, str]:
    """The module path of each node that belongs to one, from dotted labels alone.

    ``nn`` labels each parameter with its dotted name and each neuron's output with the
    neuron's path. A parameter belongs to its owner (``...neurons.3.w.1`` to
    ``...neurons.3``); a label that is itself an owner (a neuron's output) to that module.
    An unlabelled intermediate node joins a module when every node using it is in that
    module, like the sum inside a neuron that feeds its activation.
    """
    owners = {owner(node.label) for node in order if "." in node.label} - {""}
    module: dict[Value, str] = {}
    for node in reversed(order):  # users before the nodes they use
        if node.label:
            path = node.label if node.label in owners else owner(node.label)
        elif node.parents and users[node]:
            paths = {module.get(user, "") for user in users[node]}
            path = paths.pop() if len(paths) == 1 else ""
        else:
            path = ""
        if path:
            module[node] = path
    return module


def cluster_graphs(paths: Iterable[str], cls: type[Any]) -> dict[str, Any]:
    """A subgraph per module path and per enclosing module (a Layer around its Neurons)."""
    graphs: dict[str, Any] = {}
    for path in paths:
        while path and path not in graphs:
            parent = owner(path)
            title = path[len(parent) + 1 :] if parent else path
            graphs[path] = cls(
                name=f"cluster_{path}",
                graph_attr={"label": title, "style": "rounded", "color": "#888888"},
            )
            path = parent
    return graphs


def relative(label: str, path: str) -> str:
    """A name as shown inside its module's box: ``w.1`` for ``layers.0.neurons.3.w.1``.

    >>> relative("layers.0.neurons.3.w.1", "layers.0.neurons.3"), relative("x", "")
    ('w.1', 'x')
    >>> relative("layers.0.neurons.3", "layers.0.neurons.3")  # the neuron's own result
    'output'
    """
    if not path:
        return label
    if label == path:
        return "output"
    return label[len(path) + 1 :] if label.startswith(path + ".") else label


def add_hidden(
    graph: Any,
    order: list[Value],
    shown: set[Value],
    users: dict[Value, list[Value]],
    ids: dict[Value, str],
    lang: str = "en",
) -> list[str]:
    """One box for the hidden nodes feeding the picture, one for those using it.

    Returns the caption that says how much is hidden (none if nothing is).
    """
    if len(shown) == len(order):
        return []
    earlier = ancestors(shown) - shown
    later = set(order) - shown - earlier
    style = {"shape": "note", "style": "filled", "fillcolor": "#eeeeee"}
    if earlier:
        graph.node("hidden_inputs", say("hidden_earlier", lang, count=len(earlier)), **style)
        for node in order:
            if node in shown and any(p not in shown for p in node.parents):
                graph.edge("hidden_inputs", ids[node] + "_op", style="dashed")
    if later:
        graph.node("hidden_uses", say("hidden_later", lang, count=len(later)), **style)
        for node in order:
            if node in shown and any(u in later for u in users[node]):
                graph.edge(ids[node], "hidden_uses", style="dashed")
    return [say("showing", lang, shown=len(shown), total=len(order))]
