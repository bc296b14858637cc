"""``draw_dot``: the picture of the graph that computed a Value, as a ``graphviz.Digraph``.

A box per Value (its name, ``data`` and ``grad``), an oval per operation, and arrows in the
direction the forward pass ran; backprop runs along the same arrows, backwards. Every box is
named as ``explain`` names the node (see ``autograd.names``), and a constant (the ``2`` of
``x**2``) is a dashed grey box ``2 (const)`` with no gradient: it is not something to learn.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from autograd.draw import layout, style
from autograd.draw.backend import digraph_class
from autograd.draw.frames import caption, grad_text
from autograd.engine import Value, topo_sort
from autograd.messages import say
from autograd.names import Names, node_names, number
from autograd.replay import Replay, Snapshot, Step, replay

if TYPE_CHECKING:
    import graphviz

__all__ = ["draw_dot"]


def draw_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    max_nodes: int | None = 200,
    focus: Value | None = None,
    depth: int = 2,
    cluster: bool = False,
    color_by_grad: bool = False,
    step: int | None = None,
    explanation: Replay | None = None,
    format: str = "svg",
    lang: str = "en",
) -> graphviz.Digraph:
    """Draw the graph that computed ``root``: a box per Value, an oval per operation.

    Args:
        rankdir: "LR" (inputs left, output right), "RL", "TB" or "BT".
        max_nodes: draw at most this many Values, those nearest the root (or the focus);
            one box stands for the rest. None draws everything.
        focus, depth: draw only the Values at most ``depth`` arrows from ``focus``.
        cluster: box the nodes of each module (``nn``'s dotted labels) together, each
            layer to the right of the one before.
        color_by_grad: fill each Value by |grad| (see ``grad_color``), with a legend.
        step: draw the state of backprop right after step ``step`` of ``explain(root)``.
        explanation: ``explain(root)``, to reuse it when drawing many steps.
        format: the image format for ``render()`` and ``pipe()``: "svg", "png", ...
        lang: the language of the title, captions and notes (see ``autograd.messages``).

    >>> from autograd import Value
    >>> x = Value(2.0, "x")
    >>> y = x * 3.0
    >>> y.label = "y"
    >>> y.backward()
    >>> graph = draw_dot(y)  # in Jupyter, this displays; graph.pipe(format="svg") renders
    >>> for line in graph.source.splitlines()[4:]:  # doctest: +ELLIPSIS
    ...     print(line.strip())
    v0 [label=<...>x</td><vr/><td>data 2</td><vr/><td>grad 3</td></tr></table>> ...]
    v1 [label=<...>3 (const)</td></tr></table>> ...]
    v2 [label=<...>y</td><vr/><td>data 6</td><vr/><td>grad 1</td></tr></table>> ...]
    v2_op [label="*"]
    v0 -> v2_op
    v1 -> v2_op [color="#999999" style=dashed]
    v2_op -> v2
    }
    """
    _check(root, rankdir, max_nodes, depth)
    say("title", lang, root="")  # an unknown language fails here, before any work
    order = topo_sort(root)
    ids = {node: f"v{i}" for i, node in enumerate(order)}
    if focus is not None and focus not in ids:
        raise ValueError(f"focus {focus!r} is not part of the graph that computed the root")
    users = layout.consumers(order)
    shown = layout.select(
        root if focus is None else focus,
        users,
        both_ways=focus is not None,
        depth=math.inf if focus is None else depth,
        max_nodes=math.inf if max_nodes is None else max_nodes,
    )

    if explanation is not None and explanation.root is not root:
        raise ValueError("explanation is of another graph: pass explain(root) of this root")
    snapshot = None
    carried: dict[Value, Step] = {}  # the steps done so far, by node
    if step is not None:
        explanation = replay(root) if explanation is None else explanation
        snapshot = explanation.after(step)
        carried = {s.node: s for s in explanation[: snapshot.step.index + 1]}
    names = explanation.names if explanation is not None else node_names(order)

    cls = digraph_class()
    graph = cls(
        name=say("title", lang, root=names[root]),
        format=format,
        # remincross=false: a second pass of crossing reduction would undo the order of the
        # weights that _keep_order sets.
        graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "remincross": "false"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.7", "fontname": "Helvetica"},
    )
    module = layout.clusters(order, users) if cluster else {}
    if cluster:
        # Rank all nodes together, not each module box apart: only then do the two-rank
        # arrows into a box (see _add_edges) put each layer wholly after the one before.
        graph.graph_attr["newrank"] = "true"
        if rankdir in ("LR", "RL"):
            # Few rounds of crossing reduction, so that a layer's neurons keep the order they
            # are written in (0, 1, 2, ...): with more, dot stacked the neurons of a capped
            # layer 0, 2, 4, ..., 1, 3, ... to save crossings that the picture does not have.
            # Invisible rank=same arrows between neurons do not hold across module boxes.
            # Ranks that run down start from the opposite order: dot's usual rounds suit them.
            graph.graph_attr["mclimit"] = "0.2"
    # In graph order, not set order: the same graph must give the same DOT text every run.
    paths = dict.fromkeys(module[n] for n in order if n in shown and n in module)
    subgraphs = layout.cluster_graphs(paths, cls)

    # Nodes: each Value and its op oval go into the subgraph of its module, if any.
    for node in order:
        if node not in shown:
            continue
        path = module.get(node, "")
        where = subgraphs.get(path, graph)
        label = layout.relative(names[node], path)
        if node in names.constants:
            where.node(
                ids[node], style.cells([say("constant_box", lang, name=label)]), **_CONSTANT
            )
            continue
        _add_value(where, ids[node], node, label, snapshot, color_by_grad, node is focus, lang)
        if node.parents:
            current = snapshot is not None and snapshot.step.node is node
            fill = {"style": "filled", "fillcolor": style.CURRENT} if current else {}
            where.node(ids[node] + "_op", node.op, **fill)

    _keep_order(graph, subgraphs, order, shown, ids, names, module, rankdir in ("LR", "RL"))

    # Nest the subgraphs, innermost first: graphviz copies a subgraph's text when it is added.
    for path in sorted(subgraphs, key=lambda p: p.count("."), reverse=True):
        subgraphs.get(layout.owner(path), graph).subgraph(subgraphs[path])

    _add_edges(graph, order, shown, ids, carried, names, module)
    captions = layout.add_hidden(graph, order, shown, users, ids, lang)
    if color_by_grad:
        graph.node("legend", style.legend(lang), shape="plaintext")
    if snapshot is not None and explanation is not None:
        captions.insert(0, caption(explanation, snapshot.step.index, lang))
    if captions:
        graph.attr(label="\\n".join(style.escape_label(c) for c in captions), labelloc="t")
    return graph


_CONSTANT = {
    "shape": "box",
    "margin": "0",
    "height": "0",
    "width": "0",
    "style": "dashed",
    "color": style.CONSTANT,
}


def _check(root: Value, rankdir: str, max_nodes: int | None, depth: int) -> None:
    if not isinstance(root, Value):
        raise TypeError(
            f"draw_dot() needs a Value, got {type(root).__name__}; "
            "for a list of outputs, draw each one or their sum (autograd.vsum)"
        )
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1 (or None for all), got {max_nodes}")
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, got {depth}")


def _keep_order(
    graph: Any,
    subgraphs: dict[str, Any],
    order: list[Value],
    shown: set[Value],
    ids: dict[Value, str],
    names: Names,
    module: dict[Value, str],
    sideways: bool,
) -> None:
    """Stack the leaves an op reads in the order it reads them: w.0, w.1, ..., b.

    Left to itself, ``dot`` orders the boxes of one rank to shorten arrows, and a neuron's
    weights came out as w.2, w.3, b, w.0, w.1. Invisible arrows between leaves of the same
    rank fix their order.
    """
    for node in order:
        if node not in shown:
            continue
        path = module.get(node, "")
        leaves = [
            p
            for p in dict.fromkeys(node.parents)
            if p in shown
            and not p.parents
            and p not in names.constants
            and module.get(p, "") == path
        ]
        if len(leaves) < 3:
            continue
        if sideways:  # rank=same rows run bottom to top when the ranks run left to right
            leaves.reverse()
        chain = " -> ".join(ids[p] for p in leaves)
        subgraphs.get(path, graph).body.append(f"\t{{rank=same; {chain} [style=invis]}}\n")


def _add_value(
    graph: Any,
    node_id: str,
    node: Value,
    label: str,
    snapshot: Snapshot | None,
    color_by_grad: bool,
    is_focus: bool,
    lang: str,
) -> None:
    """The box for one Value: ``name | data | grad`` side by side, filled and outlined as asked.

    The cells are an HTML-like table in a plain box, not a ``shape=record``: Graphviz's ``dot``
    cannot route an arrow between neighbouring record nodes of the same rank inside a cluster
    ("flat edge ... lost edge"), and a table reads the same in every ``rankdir``. The box is
    sized to the table (``margin=0``, ``height=0``), so the rules between cells reach its frame.
    """
    fields = [
        label,
        say("data_cell", lang, value=number(node.data)),
        grad_text(node, snapshot, lang),
    ]
    attrs = {"shape": "box", "margin": "0", "height": "0", "width": "0"}
    if snapshot is not None and snapshot.step.node is node:
        attrs.update(style="filled", fillcolor=style.CURRENT, penwidth="2.5")
    elif color_by_grad:
        known = node.grad if snapshot is None else snapshot.grads.get(node)
        if known is not None:
            attrs.update(style="filled", fillcolor=style.grad_color(known))
    if is_focus:
        attrs.update(color=style.FOCUS, penwidth="3")
    graph.node(node_id, style.cells(fields), **attrs)


def _add_edges(
    graph: Any,
    order: list[Value],
    shown: set[Value],
    ids: dict[Value, str],
    carried: dict[Value, Step],
    names: Names,
    module: dict[Value, str],
) -> None:
    """Arrows in the direction of the forward pass: each parent -> op -> result.

    In a step picture, the arrows of the nodes already processed (``carried``, with their
    steps) have carried gradient back: they are red, and each parent's arrow is labelled
    with the product it carried. Arrows from constants stay grey and dashed: nothing flows
    back into a constant that anyone uses. An arrow into a module's box from outside it is
    two ranks long, so that each layer's box lies wholly after the layer before.
    """
    for node in order:
        if node not in shown or not node.parents:
            continue
        step = carried.get(node)
        red = {"color": style.CARRIED, "penwidth": "2"} if step else {}
        inside = module.get(node, "")
        for i, parent in enumerate(node.parents):
            if parent not in shown:
                continue
            attrs: dict[str, str] = {}
            if parent in names.constants:
                attrs = {"style": "dashed", "color": style.CONSTANT}
            elif step:
                product = number(step.contributions[i].product)
                attrs = {**red, "label": product, "fontcolor": style.CARRIED, "fontsize": "10"}
            if inside and not module.get(parent, "").startswith(inside):
                attrs["minlen"] = "2"
            graph.edge(ids[parent], ids[node] + "_op", **attrs)
        graph.edge(ids[node] + "_op", ids[node], **red)
