"""Pictures of the computation graph, drawn with Graphviz.

``draw_dot(root)`` returns a ``graphviz.Digraph``: a box per Value (its label, ``data`` and
``grad``), an oval per operation, and arrows in the direction the forward pass ran. Backprop
runs along the same arrows, backwards. In Jupyter the result displays itself; elsewhere call
``.render()`` or ``.pipe(format="svg")``. Building the picture needs only the ``graphviz``
Python package; turning it into an image needs Graphviz's ``dot`` program, and without it
every rendering method raises ``GraphvizNotFoundError``, which says how to install it.

A network's loss has thousands of nodes, far too many for one readable picture. So by default
only the ``max_nodes`` Values nearest the root are drawn and the rest are summarised in one
box; ``focus=node, depth=k`` draws the neighbourhood of one node instead, ``cluster=True`` boxes
the nodes of each Neuron and Layer together (by their dotted labels, such as
``layers.0.neurons.3.w.1``), and ``color_by_grad=True`` shades every Value by the size of its
gradient, so vanishing (blue) and exploding (red) gradients stand out.

``step=k`` draws backprop in progress, as ``explain(root)`` tells it: the node of step ``k``
highlighted, the arrows that have carried gradient so far in red with the amount they
carried, and only the gradients known so far (the others read ``?``).
"""

from __future__ import annotations

import functools
import html
import importlib
import math
import shutil
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from autograd.engine import Value, topo_sort
from autograd.explain import Explanation, Snapshot, Step, explain

if TYPE_CHECKING:
    import graphviz

__all__ = ["GraphvizNotFoundError", "draw_dot", "frames_widget", "grad_color"]


# --- when Graphviz is missing ---------------------------------------------------------------


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's programs (``dot``) are not installed, so a graph cannot become an image.

    >>> print(str(GraphvizNotFoundError()).splitlines()[2])
        macOS:          brew install graphviz
    """

    def __init__(self, program: str = "dot") -> None:
        super().__init__(
            f"cannot render the graph: Graphviz's {program!r} program is not on PATH. "
            "Install Graphviz, then restart Python (or the Jupyter kernel):\n"
            "    Debian/Ubuntu:  sudo apt-get install graphviz\n"
            "    macOS:          brew install graphviz\n"
            "    conda:          conda install -c conda-forge graphviz\n"
            "    Windows:        winget install graphviz (or https://graphviz.org/download/)\n"
            "The pip package 'graphviz' alone is not enough. Without Graphviz the DOT text "
            "of the graph is still available as .source."
        )
        self.program = program


def _require(program: str) -> None:
    """Fail before any subprocess starts if ``program`` is missing, with the install hint."""
    if shutil.which(program) is None:
        raise GraphvizNotFoundError(program)


@functools.cache
def _digraph_class() -> type[graphviz.Digraph]:
    """``graphviz.Digraph`` with every way of rendering checked for Graphviz first.

    Made on first use, so that ``import autograd`` does not import ``graphviz``.
    """
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "drawing needs the graphviz Python package: pip install graphviz "
            "(and Graphviz itself for images, e.g. sudo apt-get install graphviz)"
        ) from None

    class Digraph(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no type hints
        """A ``graphviz.Digraph`` that raises ``GraphvizNotFoundError`` if ``dot`` is missing."""

        def pipe(self, *args: Any, **kwargs: Any) -> Any:
            _require(self.engine)
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound:  # e.g. removed between check and call
                raise GraphvizNotFoundError(self.engine) from None

        def render(self, *args: Any, **kwargs: Any) -> Any:
            _require(self.engine)
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound:
                raise GraphvizNotFoundError(self.engine) from None

        def unflatten(self, *args: Any, **kwargs: Any) -> Any:
            _require("unflatten")
            return super().unflatten(*args, **kwargs)

        def _repr_mimebundle_(self, *args: Any, **kwargs: Any) -> Any:
            _require(self.engine)
            return super()._repr_mimebundle_(*args, **kwargs)

        def _repr_svg_(self) -> str:
            svg: str = self.pipe(format="svg", encoding="utf-8")
            return svg

    Digraph.__module__ = __name__
    return Digraph


# --- colours --------------------------------------------------------------------------------

_VANISHING = 1e-4  # |grad| at which the fill is fully blue
_EXPLODING = 1e2  # |grad| at which the fill is fully red
_BLUE, _WHITE, _RED = (67, 147, 195), (255, 255, 255), (214, 96, 77)
_ZERO_GREY = "#d9d9d9"  # no gradient at all: an unused input, a relu that is off
_NAN_PURPLE = "#b07cc6"
_CURRENT = "#ffd966"  # the node backprop is processing in a step=k picture
_CARRIED = "#d62728"  # arrows that have carried gradient in a step=k picture
_FOCUS = "#1f5fbf"
_CAPTION_PARENTS = 4  # products spelled out in a step picture's caption


def grad_color(g: float) -> str:
    """The fill colour for a gradient: white at |g| = 1, bluer as it vanishes, redder as it grows.

    The scale is logarithmic and saturates at |g| = 1e-4 (blue) and 1e2 (red). Exactly 0 is
    grey (no gradient reached the node) and nan is purple.

    >>> grad_color(1.0), grad_color(-1e-4), grad_color(1e3), grad_color(0.0)
    ('#ffffff', '#4393c3', '#d6604d', '#d9d9d9')
    >>> grad_color(0.01)  # halfway to vanishing on the log scale
    '#a1c9e1'
    """
    if math.isnan(g):
        return _NAN_PURPLE
    size = abs(g)
    if size == 0.0:
        return _ZERO_GREY
    if size <= 1.0:
        t, target = math.log10(size) / math.log10(_VANISHING), _BLUE
    else:
        t, target = math.log10(size) / math.log10(_EXPLODING), _RED
    t = min(t, 1.0)
    r, g_, b = (round(w + (c - w) * t) for w, c in zip(_WHITE, target))
    return f"#{r:02x}{g_:02x}{b:02x}"


def _legend() -> str:
    """An HTML-like label: the colour scale with a few sample gradients."""
    samples = [("0", 0.0), ("1e-4", 1e-4), ("0.01", 1e-2), ("1", 1.0), ("10", 1e1), ("1e2", 1e2)]
    cells = "".join(f'<td bgcolor="{grad_color(g)}">{text}</td>' for text, g in samples)
    return (
        '<<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
        f'<tr><td colspan="{len(samples)}">|grad|: blue vanishes, red explodes</td></tr>'
        f"<tr>{cells}</tr></table>>"
    )


# --- choosing what to draw ------------------------------------------------------------------


def _consumers(order: list[Value]) -> dict[Value, list[Value]]:
    """For each node, the nodes that use it (once per use)."""
    users: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        for parent in node.parents:
            users[parent].append(node)
    return users


def _select(
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


def _ancestors(nodes: Iterable[Value]) -> set[Value]:
    """Every node that the given nodes were computed from (not including themselves)."""
    found: set[Value] = set()
    stack = [p for node in nodes for p in node.parents]
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(node.parents)
    return found


# --- grouping by module ---------------------------------------------------------------------


def _owner(path: str) -> str:
    """The module a dotted name belongs to: drop trailing indices, then one name.

    >>> _owner("layers.0.neurons.3.w.1"), _owner("layers.0.neurons.3.b"), _owner("layers.0")
    ('layers.0.neurons.3', 'layers.0.neurons.3', '')
    """
    parts = path.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts[:-1])


def _clusters(order: list[Value], users: dict[Value, list[Value]]) -> dict[Value, str]:
    """The module path of each node that belongs to one, from dotted labels alone.

    ``nn`` labels each parameter with its dotted name and each neuron's output with the
    neuron's path. A parameter belongs to its owner (``...neurons.3.w.1`` to
    ``...neurons.3``); a label that is itself an owner (a neuron's output) to that module.
    An unlabelled intermediate node joins a module when every node using it is in that
    module, like the sum inside a neuron that feeds its activation.
    """
    owners = {_owner(node.label) for node in order if "." in node.label} - {""}
    module: dict[Value, str] = {}
    for node in reversed(order):  # users before the nodes they use
        if node.label:
            path = node.label if node.label in owners else _owner(node.label)
        elif node.parents and users[node]:
            paths = {module.get(user, "") for user in users[node]}
            path = paths.pop() if len(paths) == 1 else ""
        else:
            path = ""
        if path:
            module[node] = path
    return module


def _cluster_graphs(paths: Iterable[str], cls: type[graphviz.Digraph]) -> dict[str, Any]:
    """A subgraph per module path and per enclosing module (a Layer around its Neurons)."""
    graphs: dict[str, Any] = {}
    for path in paths:
        while path and path not in graphs:
            parent = _owner(path)
            title = path[len(parent) + 1 :] if parent else path
            graphs[path] = cls(
                name=f"cluster_{path}",
                graph_attr={"label": title, "style": "rounded", "color": "#888888"},
            )
            path = parent
    return graphs


def _relative(label: str, path: str) -> str:
    """A label as shown inside its module's box: ``w.1`` for ``layers.0.neurons.3.w.1``.

    >>> _relative("layers.0.neurons.3.w.1", "layers.0.neurons.3"), _relative("x", "")
    ('w.1', 'x')
    >>> _relative("layers.0.neurons.3", "layers.0.neurons.3")  # the neuron's own result
    'output'
    """
    if not path:
        return label
    if label == path:
        return "output"
    return label[len(path) + 1 :] if label.startswith(path + ".") else label


# --- the picture ----------------------------------------------------------------------------


def _num(x: float) -> str:
    return f"{x:.4g}"


def _escape_label(text: str) -> str:
    """Escape a quoted label (a caption): only quotes and backslashes are special."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _grad_text(node: Value, snapshot: Snapshot | None) -> str:
    """``grad 0.5``; in a step picture ``grad ?`` (nothing yet) or ``grad 0.5 + ?`` (partial)."""
    if snapshot is None:
        return f"grad {_num(node.grad)}"
    if node in snapshot.complete:
        return f"grad {_num(snapshot.grads[node])}"
    if node in snapshot.grads:
        return f"grad {_num(snapshot.grads[node])} + ?"
    return "grad ?"


def _describe(explanation: Explanation, k: int) -> str:
    """One sentence for the caption of a step picture: the chain rule of step ``k``."""
    step = explanation[k]
    name = explanation.name
    parts = [
        f"{_num(step.upstream)} × {_num(local)} = {_num(product)} to {name(parent)}"
        for parent, local, product in step.contributions
    ]
    if len(parts) > _CAPTION_PARENTS:  # a neuron's dot node has dozens of parents
        parts[_CAPTION_PARENTS:] = [f"and {len(parts) - _CAPTION_PARENTS} more"]
    sends = ", ".join(parts)
    return (
        f"step {step.index} of 0-{len(explanation) - 1}: {name(step.node)} ({step.node.op}) "
        f"has gradient {_num(step.upstream)} and sends {sends}"
    )


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
    explanation: Explanation | None = None,
    format: str = "svg",
) -> graphviz.Digraph:
    """Draw the graph that computed ``root``: a box per Value, an oval per operation.

    Args:
        rankdir: "LR" (inputs left, output right), "RL", "TB" or "BT".
        max_nodes: draw at most this many Values, those nearest the root (or the focus);
            one box stands for the rest. None draws everything.
        focus, depth: draw only the Values at most ``depth`` arrows from ``focus``.
        cluster: box the nodes of each module (``nn``'s dotted labels) together.
        color_by_grad: fill each Value by |grad| (see ``grad_color``), with a legend.
        step: draw the state of backprop right after step ``step`` of ``explain(root)``.
        explanation: ``explain(root)``, to reuse it when drawing many steps.
        format: the image format for ``render()`` and ``pipe()``: "svg", "png", ...

    >>> from autograd import Value
    >>> x = Value(2.0, "x")
    >>> y = x * 3.0
    >>> y.label = "y"
    >>> y.backward()
    >>> graph = draw_dot(y)  # in Jupyter, this displays; graph.pipe(format="svg") renders
    >>> for line in graph.source.splitlines()[4:]:  # doctest: +ELLIPSIS
    ...     print(line.strip())
    v0 [label=<...>x</td><vr/><td>data 2</td><vr/><td>grad 3</td></tr></table>> ...]
    v1 [label=<...>data 3</td><vr/><td>grad 2</td></tr></table>> ...]
    v2 [label=<...>y</td><vr/><td>data 6</td><vr/><td>grad 1</td></tr></table>> ...]
    v2_op [label="*"]
    v0 -> v2_op
    v1 -> v2_op
    v2_op -> v2
    }
    """
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

    order = topo_sort(root)
    ids = {node: f"v{i}" for i, node in enumerate(order)}
    if focus is not None and focus not in ids:
        raise ValueError(f"focus {focus!r} is not part of the graph that computed the root")
    users = _consumers(order)
    shown = _select(
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
        explanation = explain(root) if explanation is None else explanation
        snapshot = explanation.after(step)
        carried = {s.node: s for s in explanation[: snapshot.step.index + 1]}

    cls = _digraph_class()
    graph = cls(
        format=format,
        graph_attr={"rankdir": rankdir, "fontname": "Helvetica"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.7", "fontname": "Helvetica"},
    )
    module = _clusters(order, users) if cluster else {}
    # In graph order, not set order: the same graph must give the same DOT text every run.
    paths = dict.fromkeys(module[n] for n in order if n in shown and n in module)
    subgraphs = _cluster_graphs(paths, cls)

    # Nodes: each Value and its op oval go into the subgraph of its module, if any.
    for node in order:
        if node not in shown:
            continue
        path = module.get(node, "")
        where = subgraphs.get(path, graph)
        label = _relative(node.label, path)
        _add_value(where, ids[node], node, label, snapshot, color_by_grad, node is focus)
        if node.parents:
            current = snapshot is not None and snapshot.step.node is node
            style = {"style": "filled", "fillcolor": _CURRENT} if current else {}
            where.node(ids[node] + "_op", node.op, **style)

    # Nest the subgraphs, innermost first: graphviz copies a subgraph's text when it is added.
    for path in sorted(subgraphs, key=lambda p: p.count("."), reverse=True):
        subgraphs.get(_owner(path), graph).subgraph(subgraphs[path])

    _add_edges(graph, order, shown, ids, carried)
    captions = _add_hidden(graph, order, shown, users, ids)
    if color_by_grad:
        graph.node("legend", _legend(), shape="plaintext")
    if snapshot is not None and explanation is not None:
        captions.insert(0, _describe(explanation, snapshot.step.index))
    if captions:
        graph.attr(label="\\n".join(_escape_label(c) for c in captions), labelloc="t")
    return graph


def _add_value(
    graph: Any,
    node_id: str,
    node: Value,
    label: str,
    snapshot: Snapshot | None,
    color_by_grad: bool,
    is_focus: bool,
) -> None:
    """The box for one Value: ``label | data | grad`` side by side, filled and outlined as asked.

    The cells are an HTML-like table in a plain box, not a ``shape=record``: Graphviz's ``dot``
    cannot route an arrow between neighbouring record nodes of the same rank inside a cluster
    ("flat edge ... lost edge"), and a table reads the same in every ``rankdir``. The box is
    sized to the table (``margin=0``, ``height=0``), so the rules between cells reach its frame.
    """
    fields = [label] if label else []
    fields += [f"data {_num(node.data)}", _grad_text(node, snapshot)]
    attrs = {"shape": "box", "margin": "0", "height": "0", "width": "0"}
    if snapshot is not None and snapshot.step.node is node:
        attrs.update(style="filled", fillcolor=_CURRENT, penwidth="2.5")
    elif color_by_grad:
        known = node.grad if snapshot is None else snapshot.grads.get(node)
        if known is not None:
            attrs.update(style="filled", fillcolor=grad_color(known))
    if is_focus:
        attrs.update(color=_FOCUS, penwidth="3")
    graph.node(node_id, _cells(fields), **attrs)


def _cells(fields: list[str]) -> str:
    """An HTML-like label: the fields in one row of cells, with a rule between neighbours.

    >>> _cells(["a<b", "data 1"])  # doctest: +ELLIPSIS
    '<<table ...><tr><td height="36">a&lt;b</td><vr/><td>data 1</td></tr></table>>'
    """
    # One cell 36pt (half an inch, Graphviz's default node height) tall sets the row's height.
    first, *rest = [html.escape(field) for field in fields]
    cells = "".join([f'<td height="36">{first}</td>', *(f"<vr/><td>{f}</td>" for f in rest)])
    return f'<<table border="0" cellspacing="0" cellpadding="8"><tr>{cells}</tr></table>>'


def _add_edges(
    graph: Any,
    order: list[Value],
    shown: set[Value],
    ids: dict[Value, str],
    carried: dict[Value, Step],
) -> None:
    """Arrows in the direction of the forward pass: each parent -> op -> result.

    In a step picture, the arrows of the nodes already processed (``carried``, with their
    steps) have carried gradient back: they are red, and each parent's arrow is labelled
    with the product it carried.
    """
    for node in order:
        if node not in shown or not node.parents:
            continue
        step = carried.get(node)
        red = {"color": _CARRIED, "penwidth": "2"} if step else {}
        for i, parent in enumerate(node.parents):
            if parent not in shown:
                continue
            label = {}
            if step:
                product = _num(step.contributions[i].product)
                label = {"label": product, "fontcolor": _CARRIED, "fontsize": "10"}
            graph.edge(ids[parent], ids[node] + "_op", **red, **label)
        graph.edge(ids[node] + "_op", ids[node], **red)


def _add_hidden(
    graph: Any,
    order: list[Value],
    shown: set[Value],
    users: dict[Value, list[Value]],
    ids: dict[Value, str],
) -> list[str]:
    """One box for the hidden nodes feeding the picture, one for those using it.

    Returns the caption that says how much is hidden (none if nothing is).
    """
    if len(shown) == len(order):
        return []
    earlier = _ancestors(shown) - shown
    later = set(order) - shown - earlier
    style = {"shape": "note", "style": "filled", "fillcolor": "#eeeeee"}
    if earlier:
        graph.node("hidden_inputs", f"… {len(earlier)} earlier values not drawn", **style)
        for node in order:
            if node in shown and any(p not in shown for p in node.parents):
                graph.edge("hidden_inputs", ids[node] + "_op", style="dashed")
    if later:
        graph.node("hidden_uses", f"… {len(later)} later values not drawn", **style)
        for node in order:
            if node in shown and any(u in later for u in users[node]):
                graph.edge(ids[node], "hidden_uses", style="dashed")
    return [
        f"showing {len(shown)} of {len(order)} values; "
        "raise max_nodes or use focus=node, depth=k to see others"
    ]


def frames_widget(root: Value, **draw_options: Any) -> Any:
    """A slider that steps through backprop in Jupyter, one picture per step.

    Needs ``ipywidgets`` (``pip install ipywidgets``); without it, display
    ``explain(root).frames()`` one after another instead. ``draw_options`` go to ``draw_dot``.

    >>> from autograd import Value
    >>> y = (Value(2.0, "x") * 3.0).tanh()
    >>> frames_widget(y, rankdir="TB")  # doctest: +SKIP
    (a slider labelled "step" above the picture of backprop after that step)
    """
    try:
        ipywidgets = importlib.import_module("ipywidgets")
    except ImportError:
        raise ImportError(
            "frames_widget() needs ipywidgets: pip install ipywidgets, then restart Jupyter. "
            "Without it, display the pictures of explain(root).frames() one by one."
        ) from None
    explanation = explain(root)
    if not len(explanation):
        raise ValueError(f"nothing to step through: {root!r} is a leaf, backprop has no steps")
    slider = ipywidgets.IntSlider(value=0, min=0, max=len(explanation) - 1, description="step")
    picture = ipywidgets.HTML()

    def show(_change: object = None) -> None:
        frame = explanation.frame(slider.value, **draw_options)
        picture.value = frame.pipe(format="svg", encoding="utf-8")

    slider.observe(show, names="value")
    show()
    return ipywidgets.VBox([slider, picture])
