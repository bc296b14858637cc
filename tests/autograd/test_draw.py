"""draw_dot(): what the picture holds, checked in the DOT source and in the SVG dot renders."""

from __future__ import annotations

import html
import itertools
import math
import os
import re
import subprocess
import sys
import traceback
import types
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import graphviz
import pytest

import autograd.draw.backend
from autograd import GraphvizNotFoundError, Value, dot, draw_dot, explain, topo_sort, vsum
from autograd.draw import frames_widget, grad_color

SVG = "{http://www.w3.org/2000/svg}"
CURRENT, CARRIED, FOCUS = "#ffd966", "#d62728", "#1f5fbf"
REPO = Path(__file__).resolve().parents[2]


def neuron() -> tuple[Value, dict[str, Value]]:
    """micrograd's neuron, o = tanh(x1*w1 + x2*w2 + b), after backward()."""
    v = {
        "x1": Value(2.0, "x1"),
        "x2": Value(0.0, "x2"),
        "w1": Value(-3.0, "w1"),
        "w2": Value(1.0, "w2"),
        "b": Value(6.8813735870195432, "b"),
    }
    n = v["x1"] * v["w1"] + v["x2"] * v["w2"] + v["b"]
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, v


# --- reading the results -----------------------------------------------------------------------


def render_svg(graph: graphviz.Digraph) -> ET.Element:
    return ET.fromstring(graph.pipe(format="svg"))


def svg_groups(svg: ET.Element, kind: str) -> dict[str, ET.Element]:
    """The <g class="node|edge|cluster"> elements of an SVG, by their <title> (the DOT id)."""
    found = {}
    for g in svg.iter(f"{SVG}g"):
        if g.get("class") == kind:
            title = g.find(f"{SVG}title")
            assert title is not None and title.text is not None
            found[title.text] = g
    return found


def texts(g: ET.Element) -> list[str]:
    return [t.text or "" for t in g.iter(f"{SVG}text")]


def statements(source: str) -> dict[str, str]:
    """Node id -> its attribute text, for every node statement of a DOT source."""
    nodes = {}
    for line in source.splitlines():
        m = re.match(r"\s*(\w+) \[(.*)\]$", line)
        if m and m.group(1) not in ("graph", "node", "edge"):
            nodes[m.group(1)] = m.group(2)
    return nodes


def edges(source: str) -> list[tuple[str, str, str]]:
    """(tail, head, attributes) for every edge statement of a DOT source."""
    return re.findall(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$", source, flags=re.M)


# A Value's label: one row of cells with rules between them, e.g.
# <<table ...><tr><td height="36">x1</td><vr/><td>data 2</td><vr/><td>grad -1.5</td></tr></table>>
# A constant's box has the one cell "2 (const)".
VALUE_LABEL = re.compile(
    r'label=<<table [^>]*><tr>(<td height="36">[^<]*</td>(?:<vr/><td>[^<]*</td>)*)'
)


def values(source: str) -> dict[str, str]:
    """Node id -> attributes, for the Values: boxes labelled with a row of cells."""
    found = {k: a for k, a in statements(source).items() if VALUE_LABEL.search(a)}
    for attributes in found.values():
        assert "shape=box" in attributes and "</tr></table>>" in attributes, attributes
    return found


def cells(attributes: str) -> list[str]:
    """The texts of a Value's cells (label, data, grad), with HTML entities decoded."""
    m = VALUE_LABEL.search(attributes)
    assert m is not None, attributes
    return [html.unescape(t) for t in re.findall(r"<td[^>]*>([^<]*)</td>", m.group(1))]


def ids(root: Value) -> dict[Value, str]:
    """The DOT ids draw_dot gives: v + position in topo_sort."""
    return {node: f"v{i}" for i, node in enumerate(topo_sort(root))}


# --- the basic picture -------------------------------------------------------------------------


def test_returns_a_graphviz_digraph() -> None:
    o, _ = neuron()
    graph = draw_dot(o)
    assert isinstance(graph, graphviz.Digraph)
    assert graph.graph_attr["rankdir"] == "LR"
    assert graph.format == "svg"


def test_source_has_a_box_per_value_an_oval_per_op_and_forward_edges() -> None:
    o, v = neuron()
    source = draw_dot(o).source
    order = topo_sort(o)
    name = ids(o)
    nodes = statements(source)
    assert set(values(source)) == {name[n] for n in order}
    ops = {k: a for k, a in nodes.items() if k not in values(source)}
    assert set(ops) == {name[n] + "_op" for n in order if n.parents}
    assert not any("shape=" in a for a in ops.values())  # the default: an oval
    assert "shape=record" not in source  # dot cannot lay records out in clusters
    expected = [(name[p], name[n] + "_op") for n in order for p in n.parents]
    expected += [(name[n] + "_op", name[n]) for n in order if n.parents]
    assert sorted((t, h) for t, h, _ in edges(source)) == sorted(expected)
    assert cells(nodes[name[v["x1"]]]) == ["x1", "data 2", "grad -1.5"]
    assert cells(nodes[name[o]]) == ["o", "data 0.7071", "grad 1"]
    assert cells(nodes[name[o.parents[0].parents[1]]]) == ["b", "data 6.881", "grad 0.5"]
    assert "label=tanh" in nodes[name[o] + "_op"]


def test_svg_holds_the_labels_nodes_and_edges() -> None:
    o, v = neuron()
    svg = render_svg(draw_dot(o))
    nodes, arrows = svg_groups(svg, "node"), svg_groups(svg, "edge")
    assert len(nodes) == 10 + 5  # ten Values, five operations
    assert len(arrows) == 9 + 5  # one per parent slot, one per op -> result
    name = ids(o)
    assert texts(nodes[name[v["x1"]]]) == ["x1", "data 2", "grad -1.5"]
    assert texts(nodes[name[v["w2"]]]) == ["w2", "data 1", "grad 0"]
    assert texts(nodes[name[o] + "_op"]) == ["tanh"]
    assert f"{name[v['b']]}->{name[o.parents[0]]}_op" in arrows


def test_renders_png_to_a_file_and_for_jupyter(tmp_path: Path) -> None:
    o, _ = neuron()
    graph = draw_dot(o, format="png")
    path = Path(graph.render(tmp_path / "neuron"))
    assert path.suffix == ".png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bundle = draw_dot(o)._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml"}
    assert "data 0.7071" in bundle["image/svg+xml"]  # (SVG writes a minus sign as &#45;)
    assert "data 0.7071" in draw_dot(o)._repr_svg_()


@pytest.mark.parametrize("rankdir", ["LR", "RL", "TB", "BT"])
def test_the_cells_lie_side_by_side_in_every_direction(rankdir: str) -> None:
    o, v = neuron()
    graph = draw_dot(o, rankdir=rankdir)
    assert cells(statements(graph.source)[ids(o)[v["x1"]]]) == ["x1", "data 2", "grad -1.5"]
    nodes = svg_groups(render_svg(graph), "node")
    assert len(nodes) == 15
    for node in topo_sort(o):
        words = list(nodes[ids(o)[node]].iter(f"{SVG}text"))
        assert len(words) == 3  # every box is named: its label, or explain's formula
        xs = [float(t.get("x", "nan")) for t in words]
        assert len({t.get("y") for t in words}) == 1 and xs == sorted(xs)  # one row, in order


@pytest.mark.parametrize("cluster", [False, True])
def test_labels_with_markup_are_escaped(cluster: bool) -> None:
    label = "a|b{c}<d>\"e&f'g</td></table>&amp;"
    x = Value(1.0, label)
    y = x * 2.0
    y.backward()
    graph = draw_dot(y, cluster=cluster)
    assert cells(statements(graph.source)["v0"]) == [label, "data 1", "grad 2"]
    nodes = svg_groups(render_svg(graph), "node")
    assert texts(nodes["v0"]) == [label, "data 1", "grad 2"]


def test_import_autograd_does_not_import_graphviz() -> None:
    code = "import sys, autograd; x = autograd.Value(1.0); print('graphviz' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rankdir": "XY"}, "rankdir must be"),
        ({"max_nodes": 0}, "max_nodes must be at least 1"),
        ({"depth": -1}, "depth must be 0 or more"),
        ({"focus": Value(3.0)}, "not part of the graph"),
        ({"explanation": explain(Value(1.0) * 2.0)}, "explanation is of another graph"),
    ],
)
def test_bad_options_are_refused_clearly(options: dict[str, Any], message: str) -> None:
    o, _ = neuron()
    with pytest.raises(ValueError, match=message):
        draw_dot(o, **options)


def test_root_must_be_a_value() -> None:
    with pytest.raises(TypeError, match="needs a Value, got list"):
        draw_dot([Value(1.0)])  # type: ignore[arg-type]


# --- without Graphviz's dot --------------------------------------------------------------------


@pytest.fixture
def no_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A PATH with no Graphviz programs on it: an empty directory."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    yield tmp_path


RENDERERS: dict[str, Callable[[Any, Path], object]] = {
    "pipe": lambda g, _: g.pipe(),
    "pipe png": lambda g, _: g.pipe(format="png"),
    "render": lambda g, tmp: g.render(tmp / "graph"),
    "view": lambda g, tmp: g.view(tmp / "graph"),
    "_repr_mimebundle_": lambda g, _: g._repr_mimebundle_(),
    "_repr_svg_": lambda g, _: g._repr_svg_(),
    "_repr_image_png": lambda g, _: g._repr_image_png(),
}


@pytest.mark.parametrize("how", RENDERERS)
def test_every_way_of_rendering_says_how_to_install_graphviz(how: str, no_dot: Path) -> None:
    o, _ = neuron()
    graph = draw_dot(o)  # building works without dot
    with pytest.raises(GraphvizNotFoundError) as caught:
        RENDERERS[how](graph, no_dot)
    message = str(caught.value)
    assert "'dot' program is not on PATH" in message
    for hint in (
        "apt-get install graphviz",
        "brew install graphviz",
        "conda install -c conda-forge graphviz",
        ".source",
    ):
        assert hint in message
    assert isinstance(caught.value, RuntimeError)
    # Raised by our check before any subprocess starts, not deep inside one.
    frames = [f.filename for f in traceback.extract_tb(caught.value.__traceback__)]
    assert not any("subprocess" in f for f in frames)
    assert frames[-1].endswith(os.path.join("autograd", "draw", "backend.py"))
    assert caught.value.__context__ is None


def test_without_dot_the_source_is_still_complete(no_dot: Path) -> None:
    o, _ = neuron()
    source = draw_dot(o, color_by_grad=True, step=1).source
    assert len(values(source)) == 10
    assert "grad ?" in source


def test_unflatten_names_its_own_program(no_dot: Path) -> None:
    o, _ = neuron()
    with pytest.raises(GraphvizNotFoundError, match="'unflatten' program"):
        draw_dot(o).unflatten()


def test_a_failure_inside_graphviz_is_translated_too(
    no_dot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Skip the early check, so that graphviz itself hits the missing program.
    monkeypatch.setattr(autograd.draw.backend, "_require", lambda program: None)
    o, _ = neuron()
    graph = draw_dot(o)
    for render in (lambda: graph.pipe(), lambda: graph.render(no_dot / "g")):
        with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as caught:
            render()
        assert caught.value.__suppress_context__  # `from None`: one clear error, not two


# --- big graphs: max_nodes and focus -----------------------------------------------------------


def wide_loss(n: int) -> Value:
    """sum_i tanh(x_i * w_i): 4n + 1 Values."""
    terms = [(Value(float(i), f"x{i}") * Value(0.1, f"w{i}")).tanh() for i in range(n)]
    loss = vsum(terms)
    loss.label = "loss"
    loss.backward()
    return loss


def distances_from(root: Value) -> dict[Value, int]:
    dist = {root: 0}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        for p in node.parents:
            if p not in dist:
                dist[p] = dist[node] + 1
                queue.append(p)
    return dist


def test_max_nodes_keeps_the_values_nearest_the_root_and_summarises_the_rest() -> None:
    loss = wide_loss(50)
    total = len(topo_sort(loss))
    graph = draw_dot(loss, max_nodes=20)
    kept = values(graph.source)
    assert len(kept) == 20
    name = ids(loss)
    assert name[loss] in kept
    dist = distances_from(loss)
    shown = {n for n in dist if name[n] in kept}
    assert max(dist[n] for n in shown) <= min(dist[n] for n in dist if n not in shown)
    nodes = statements(graph.source)
    assert f"… {total - 20} earlier values not drawn" in nodes["hidden_inputs"]
    assert f"showing 20 of {total} values" in graph.source
    # Every op whose inputs are (partly) hidden gets a dashed arrow from the summary.
    cut = {name[n] + "_op" for n in shown if any(p not in shown for p in n.parents)}
    assert {h for t, h, _ in edges(graph.source) if t == "hidden_inputs"} == cut
    svg_nodes = svg_groups(render_svg(graph), "node")
    assert len(svg_nodes) == 20 + sum(1 for n in shown if n.parents) + 1


def test_by_default_a_big_graph_is_capped_and_max_nodes_none_draws_everything() -> None:
    loss = wide_loss(60)  # 241 Values
    assert len(values(draw_dot(loss).source)) == 200
    full = draw_dot(loss, max_nodes=None).source
    assert len(values(full)) == 241 and "hidden" not in full


def test_a_very_deep_chain_is_drawn_without_recursion() -> None:
    x = Value(0.5, "x")
    y = x
    for _ in range(30_000):
        y = y * 1.0
    source = draw_dot(y, max_nodes=10).source
    assert len(values(source)) == 10
    assert "… 59991 earlier values not drawn" in source


def chain() -> tuple[Value, list[Value]]:
    x = Value(1.0, "x")
    a = x * 2.0
    a.label = "a"
    b = a.tanh()
    b.label = "b"
    c = b + 1.0
    c.label = "c"
    d = c * c
    d.label = "d"
    d.backward()
    return d, [x, a, b, c, d]


def test_focus_draws_the_neighbourhood_of_one_node_and_outlines_it() -> None:
    d, (_, a, b, c, _) = chain()
    graph = draw_dot(d, focus=b, depth=1)
    name = ids(d)
    assert set(values(graph.source)) == {name[a], name[b], name[c]}
    nodes = statements(graph.source)
    assert f'color="{FOCUS}"' in nodes[name[b]] and "penwidth=3" in nodes[name[b]]
    assert "color=" not in nodes[name[a]]
    arrows = [(t, h) for t, h, _ in edges(graph.source)]
    # Hidden: x and the constant 2 (feeding a), the constant 1 (feeding c), and d (using c).
    assert ("hidden_inputs", name[a] + "_op") in arrows
    assert ("hidden_inputs", name[c] + "_op") in arrows
    assert (name[c], "hidden_uses") in arrows
    assert "… 3 earlier values not drawn" in nodes["hidden_inputs"]
    assert "… 1 later values not drawn" in nodes["hidden_uses"]
    only = draw_dot(d, focus=b, depth=0)
    assert set(values(only.source)) == {name[b]}


# --- clusters by module ------------------------------------------------------------------------


def nesting(source: str) -> dict[str, tuple[str, ...]]:
    """Node id -> the clusters it is declared in, outermost first."""
    inside: dict[str, tuple[str, ...]] = {}
    stack: list[str] = []
    for line in source.splitlines():
        opened = re.match(r'\s*subgraph "?(cluster_[^" ]*)"? \{', line)
        if opened:
            stack.append(opened.group(1))
        elif line.strip() == "}":
            if stack:
                stack.pop()
        else:
            m = re.match(r"\s*(\w+) \[", line)
            if m and m.group(1) not in ("graph", "node", "edge"):
                inside[m.group(1)] = tuple(stack)
    return inside


def test_clusters_follow_nn_labels_layer_around_neurons() -> None:
    from nn import MLP

    model = MLP(2, [3, 1], activation="tanh", seed=0)
    out = model([0.5, -1.0])
    loss = (out - 1.0) ** 2
    loss.backward()
    graph = draw_dot(loss, cluster=True)
    where = nesting(graph.source)
    name = ids(loss)
    neuron = model.layers[0].neurons[1]
    for p in [*neuron.w, neuron.b]:
        assert where[name[p]] == ("cluster_layers.0", "cluster_layers.0.neurons.1")
    first = next(n for n in topo_sort(loss) if n.label == "layers.0.neurons.1")
    dot_node = first.parents[0]
    for node_id in (name[first], name[first] + "_op", name[dot_node], name[dot_node] + "_op"):
        assert where[node_id] == ("cluster_layers.0", "cluster_layers.0.neurons.1")
    assert where[name[loss]] == ()  # the loss belongs to no module
    inputs = [n for n in topo_sort(loss) if not n.parents and not n.label]
    assert all(where[name[n]] == () for n in inputs)
    labels = {cells(statements(graph.source)[name[p]])[0] for p in neuron.w}
    assert labels == {"w.0", "w.1"}  # shown relative to the neuron's box
    assert cells(statements(graph.source)[name[first]])[0] == "output"
    clusters = svg_groups(render_svg(graph), "cluster")
    assert set(clusters) == {
        "cluster_layers.0",
        "cluster_layers.1",
        *(f"cluster_layers.0.neurons.{i}" for i in range(3)),
        "cluster_layers.1.neurons.0",
    }
    assert texts(clusters["cluster_layers.0.neurons.2"])[0] == "neurons.2"


def test_without_cluster_there_are_no_subgraphs() -> None:
    from nn import MLP

    out = MLP(2, [2, 1], seed=0)([1.0, 2.0])
    assert "subgraph" not in draw_dot(out).source


def test_clusters_need_dotted_labels_only() -> None:
    # autograd knows nothing of nn: any dotted names group the same way.
    w = [Value(1.0, "enc.w.0"), Value(2.0, "enc.w.1")]
    h = dot(w, [3.0, 4.0])
    h.label = "enc"
    y = h * Value(0.5, "scale")
    where = nesting(draw_dot(y, cluster=True).source)
    name = ids(y)
    assert where[name[w[0]]] == where[name[h]] == ("cluster_enc",)
    assert where[name[y]] == () and where[name[y.parents[1]]] == ()


def bfs_order(root: Value) -> list[Value]:
    """Every node reachable from root, nearest first (parents in order), as draw_dot walks."""
    seen, queue, order = {root}, deque([root]), []
    while queue:
        node = queue.popleft()
        order.append(node)
        for p in node.parents:
            if p not in seen:
                seen.add(p)
                queue.append(p)
    return order


@pytest.mark.parametrize("max_nodes", [40, 60, 80, 100, None])
@pytest.mark.parametrize("sizes", [[16, 1], [16, 2, 1]], ids=["16-1", "16-2-1"])
def test_a_clustered_mlp_loss_renders_whole_at_every_size(
    sizes: list[int], max_nodes: int | None
) -> None:
    # When Values were record-shaped nodes, dot gave up on some of these ("flat edge between
    # adjacent nodes one of which has a record shape ... lost edge"): 16-1 at 60 and 100
    # nodes, 16-2-1 at 80 (and the moons MLP 16-16-1 at 60 to 85).
    from nn import MLP, hinge_loss

    model = MLP(2, sizes, seed=0)
    loss = hinge_loss(model([0.5, -0.25]), 1)
    loss.backward()
    graph = draw_dot(loss, cluster=True, max_nodes=max_nodes)
    svg = render_svg(graph)  # raises CalledProcessError if dot fails
    name = ids(loss)
    everything = bfs_order(loss)
    shown = everything[:max_nodes]
    hidden = len(shown) < len(everything)
    nodes = svg_groups(svg, "node")
    assert len(nodes) == len(shown) + sum(1 for n in shown if n.parents) + hidden
    assert {k for k in nodes if re.fullmatch(r"v\d+", k)} == {name[n] for n in shown}
    assert ("hidden_inputs" in nodes) == hidden
    # Every arrow and every module box of the DOT source made it into the picture.
    assert set(svg_groups(svg, "edge")) == {f"{t}->{h}" for t, h, _ in edges(graph.source)}
    declared = set(re.findall(r'subgraph "?(cluster_[^" ]*)"? \{', graph.source))
    assert set(svg_groups(svg, "cluster")) == declared
    assert "cluster_layers.0.neurons.15" in declared or max_nodes is not None  # all 16 boxed
    output = next(n for n in shown if n.label == f"layers.{len(sizes) - 1}.neurons.0")
    assert texts(nodes[name[output]]) == ["output", f"data {output.data:.4g}", "grad -1"]


# --- colour by gradient ------------------------------------------------------------------------


def test_grad_color_scale() -> None:
    assert grad_color(1.0) == grad_color(-1.0) == "#ffffff"
    assert grad_color(1e-4) == grad_color(1e-9) == "#4393c3"  # saturated: vanishing
    assert grad_color(1e2) == grad_color(-1e6) == grad_color(float("inf")) == "#d6604d"
    assert grad_color(0.0) == "#d9d9d9"
    assert grad_color(float("nan")) == "#b07cc6"
    # Bluer the smaller, redder the larger, on a log scale.
    reds = [int(grad_color(g)[1:3], 16) for g in (1.0, 0.1, 0.01, 1e-3)]
    greens = [int(grad_color(g)[3:5], 16) for g in (1.0, 3.0, 10.0, 30.0)]
    assert reds == sorted(reds, reverse=True) and len(set(reds)) == 4
    assert greens == sorted(greens, reverse=True) and len(set(greens)) == 4


def test_color_by_grad_fills_every_value_and_adds_a_legend() -> None:
    x = Value(3.0, "x")
    small = x * 1e-6
    small.label = "small"
    big = small * 1e9
    big.label = "big"
    y = big.tanh()  # tanh(3000) is flat: x's gradient vanishes
    z = y + x**6  # ... but x**6 sends a big one
    z.backward()
    graph = draw_dot(z, color_by_grad=True)
    nodes = statements(graph.source)
    name = ids(z)
    for node in topo_sort(z):
        if node.parents or node.label:
            assert f'fillcolor="{grad_color(node.grad)}"' in nodes[name[node]]
        else:  # the numbers 1e-6, 1e9 and 6: constants, grey boxes with no gradient
            assert "style=dashed" in nodes[name[node]] and "grad" not in nodes[name[node]]
            assert "fillcolor" not in nodes[name[node]]
    assert f'fillcolor="{grad_color(0.0)}"' in nodes[name[big]]  # tanh'(3000) == 0
    assert f'fillcolor="{grad_color(1e3)}"' in nodes[name[x]]  # 6 x^5 = 1458: exploding
    assert "legend" in nodes and "blue vanishes, red explodes" in nodes["legend"]
    svg = render_svg(graph)
    polygon = svg_groups(svg, "node")[name[x]].find(f"{SVG}polygon")
    assert polygon is not None and polygon.get("fill") == "#d6604d"
    plain = draw_dot(z).source
    assert "fillcolor" not in plain and "legend" not in plain


# --- frames: backprop in progress --------------------------------------------------------------


def test_a_frame_highlights_the_current_node_and_the_edges_that_carried_gradient() -> None:
    o, _ = neuron()
    e = explain(o)
    graph = draw_dot(o, step=2)
    assert graph.source == e.frame(2).source
    nodes = statements(graph.source)
    name = ids(o)
    current = e[2].node
    highlighted = {k for k, a in nodes.items() if f'fillcolor="{CURRENT}"' in a}
    assert highlighted == {name[current], name[current] + "_op"}
    red = [(t, h, a) for t, h, a in edges(graph.source) if CARRIED in a]
    done = [e[k].node for k in range(3)]
    assert len(red) == sum(len(n.parents) + 1 for n in done) == 8
    assert {h for _, h, _ in red} == {name[n] + "_op" for n in done} | {name[n] for n in done}
    # Each parent's arrow carries the product it received.
    tanh_edge = next(a for t, h, a in red if h == name[o] + "_op")
    assert "label=0.5" in tanh_edge
    last = {(t, h): a for t, h, a in edges(draw_dot(o, step=4).source)}
    x1, w1 = e[4].node.parents  # x1*w1: x1 receives 0.5 × -3, w1 receives 0.5 × 2
    assert "label=-1.5" in last[name[x1], name[e[4].node] + "_op"]
    assert "label=1 " in last[name[w1], name[e[4].node] + "_op"]
    strokes = [g.find(f"{SVG}path") for g in svg_groups(render_svg(graph), "edge").values()]
    assert sum(1 for p in strokes if p is not None and p.get("stroke") == CARRIED) == 8


def test_a_frame_shows_only_the_gradients_known_so_far() -> None:
    o, v = neuron()
    nodes = svg_groups(render_svg(draw_dot(o, step=2)), "node")
    name = ids(o)
    assert texts(nodes[name[o]])[-1] == "grad 1"
    assert texts(nodes[name[v["x1"]]])[-1] == "grad ?"
    x1w1 = o.parents[0].parents[0].parents[0]  # o = tanh((x1*w1 + x2*w2) + b)
    assert x1w1.op == "*" and x1w1.parents == (v["x1"], v["w1"])
    assert texts(nodes[name[x1w1]])[-1] == "grad 0.5"  # complete, though not yet processed
    assert texts(nodes[name[v["b"]]])[-1] == "grad 0.5"


def test_a_partial_gradient_reads_plus_question_mark() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    g = a * b
    g.label = "g"
    f = g + a
    f.label = "f"
    name = ids(f)
    first = statements(draw_dot(f, step=0).source)
    assert cells(first[name[a]]) == ["a", "data 2", "grad 1 + ?"]  # g has not sent yet
    assert cells(first[name[b]]) == ["b", "data -3", "grad ?"]
    assert "step 0 of 0-1: f (+) has gradient 1 and sends 1 × 1 = 1 to g, 1 × 1 = 1 to a" in (
        draw_dot(f, step=0).source
    )
    last = statements(draw_dot(f, step=1).source)
    assert cells(last[name[a]]) == ["a", "data 2", "grad -2"]
    assert a.grad == 0.0  # frames never touch .grad


def test_the_last_frame_agrees_with_backward_and_has_no_unknowns() -> None:
    o, _ = neuron()
    e = explain(o)
    frames = e.frames()
    assert len(frames) == len(e) == 5
    last = frames[-1].source
    assert "?" not in last
    plain = values(draw_dot(o).source)
    for node_id, attrs in values(last).items():
        assert cells(attrs) == cells(plain[node_id])


def test_the_caption_of_a_wide_node_is_shortened() -> None:
    ws = [Value(float(i), f"w{i}") for i in range(6)]
    y = dot(ws, [1.0] * 6)
    caption = re.search(r'label="(step 0[^"]*)"', draw_dot(y, step=0).source)
    assert caption is not None
    assert caption.group(1).count("×") == 4 and caption.group(1).endswith("and 8 more")


def test_step_out_of_range() -> None:
    o, _ = neuron()
    with pytest.raises(IndexError, match="numbered 0 to 4"):
        draw_dot(o, step=5)


# --- the slider --------------------------------------------------------------------------------


def test_frames_widget_needs_ipywidgets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` fail
    o, _ = neuron()
    with pytest.raises(ImportError, match="pip install ipywidgets"):
        frames_widget(o)


def fake_ipywidgets() -> types.ModuleType:
    """Just enough of ipywidgets to check the wiring: a slider, an HTML pane, a box."""
    module = types.ModuleType("ipywidgets")

    class IntSlider:
        def __init__(self, value: int, min: int, max: int, description: str) -> None:
            self.value, self.min, self.max = value, min, max
            self.observers: list[Callable[[object], None]] = []

        def observe(self, callback: Callable[[object], None], names: str) -> None:
            assert names == "value"
            self.observers.append(callback)

        def move(self, value: int) -> None:
            self.value = value
            for callback in self.observers:
                callback({"new": value})

    class HTML:
        value = ""

    class VBox:
        def __init__(self, children: list[object]) -> None:
            self.children = children

    module.IntSlider, module.HTML, module.VBox = IntSlider, HTML, VBox  # type: ignore[attr-defined]
    return module


def test_frames_widget_shows_the_frame_the_slider_points_at(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", fake_ipywidgets())
    o, _ = neuron()
    box = frames_widget(o, rankdir="TB")
    slider, picture = box.children
    assert (slider.min, slider.max, slider.value) == (0, 4, 0)
    assert picture.value.startswith("<?xml") and ">step 0 of 0&#45;4: o (tanh)" in picture.value
    slider.move(3)
    assert ">step 3 of 0&#45;4" in picture.value and "step 0 of" not in picture.value
    with pytest.raises(ValueError, match="is a leaf"):
        frames_widget(Value(1.0))


# --- the README's picture ----------------------------------------------------------------------


def test_the_committed_readme_picture_matches_what_draw_dot_draws_today() -> None:
    sys.path.insert(0, str(REPO / "docs" / "images"))
    try:
        from make_images import neuron as readme_neuron
    finally:
        sys.path.pop(0)
    o = readme_neuron()
    o.backward()
    fresh = render_svg(draw_dot(o))
    committed = ET.parse(REPO / "docs" / "images" / "graph.svg").getroot()
    for kind in ("node", "edge"):
        now, then = svg_groups(fresh, kind), svg_groups(committed, kind)
        assert {k: texts(g) for k, g in now.items()} == {k: texts(g) for k, g in then.items()}
    assert texts(svg_groups(committed, "node")["v0"]) == ["x1", "data 2", "grad -1.5"]
    assert (REPO / "docs" / "images" / "explain.txt").read_text(encoding="utf-8") == (
        str(explain(o)) + "\n"
    )
    # The picture of python -m nn is made by a training run: check it was made by today's
    # draw_dot (a named title, every layer right of the one before, no unnamed box).
    moons = ET.parse(REPO / "docs" / "images" / "moons_graph.svg").getroot()
    top = moons.find(f"{SVG}g")
    assert top is not None and top.findtext(f"{SVG}title") == "computation graph of loss"
    assert all(texts(g)[0] for g in svg_groups(moons, "node").values())
    assert "1 (const)" in {t for g in svg_groups(moons, "node").values() for t in texts(g)}


def test_without_the_graphviz_package_drawing_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    autograd.draw.backend.digraph_class.cache_clear()
    try:
        with pytest.raises(ImportError, match="pip install graphviz"):
            draw_dot(Value(1.0) * 2.0)
    finally:
        monkeypatch.undo()
        autograd.draw.backend.digraph_class.cache_clear()
    assert isinstance(draw_dot(Value(1.0) * 2.0), graphviz.Digraph)


def test_ipython_displays_the_graph_as_svg() -> None:
    formatters = pytest.importorskip("IPython.core.formatters")
    o, _ = neuron()
    data, _ = formatters.DisplayFormatter().format(draw_dot(o))
    assert data["image/svg+xml"].startswith("<?xml") and "data 0.7071" in data["image/svg+xml"]


def test_clustered_dot_source_is_the_same_in_every_process() -> None:
    # Module paths are strings; iterating a set of them follows the per-process hash seed.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import nn\n"
        "from autograd import draw_dot\n"
        "model = nn.MLP(2, [4, 4, 1], seed=0)\n"
        "loss = nn.hinge_loss(model([0.3, -0.7]), 1)\n"
        "loss.backward()\n"
        "print(draw_dot(loss, cluster=True, max_nodes=None).source)\n"
    )
    root = str(Path(__file__).resolve().parents[2])
    sources = {
        subprocess.run(
            [sys.executable, "-c", script, root],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(sources) == 1
    assert "cluster_layers.0" in sources.pop()


# --- pictures a learner can read (issue 15) ----------------------------------------------------


def plain_positions(graph: graphviz.Digraph) -> dict[str, tuple[float, float]]:
    """Node id -> (x, y) of its centre, as dot lays it out (y grows upwards)."""
    text = graph.pipe(format="plain", encoding="utf-8")
    found = {}
    for line in text.splitlines():
        if line.startswith("node "):
            _, name, x, y, *_ = line.split()
            found[name.strip('"')] = (float(x), float(y))
    return found


def mlp_loss(sizes: list[int]) -> Value:
    from nn import MLP, hinge_loss

    model = MLP(3, sizes, seed=0)
    loss = hinge_loss(model([0.5, -0.25, 1.0]), 1)
    loss.label = "loss"
    loss.backward()
    return loss


def test_the_svg_title_names_the_root() -> None:
    o, _ = neuron()
    svg = render_svg(draw_dot(o))
    top = svg.find(f"{SVG}g")
    assert top is not None and top.findtext(f"{SVG}title") == "computation graph of o"


@pytest.mark.parametrize("rankdir", ["LR", "RL", "TB", "BT"])
def test_a_neurons_weights_are_stacked_in_order(rankdir: str) -> None:
    loss = mlp_loss([4, 1])
    graph = draw_dot(loss, cluster=True, max_nodes=None, rankdir=rankdir)
    where = plain_positions(graph)
    name = ids(loss)
    sideways = rankdir in ("LR", "RL")
    for path in ("layers.0.neurons.1", "layers.1.neurons.0"):
        params = [n for n in topo_sort(loss) if n.label.startswith(path + ".")]
        expected = sorted(params, key=lambda n: (n.label.endswith(".b"), n.label))
        # Top to bottom when the ranks run sideways, left to right when they run down.
        seen = sorted(params, key=lambda n: -where[name[n]][1] if sideways else where[name[n]][0])
        assert [n.label for n in seen] == [n.label for n in expected]
        labels = [cells(statements(graph.source)[name[n]])[0] for n in seen]
        assert labels == [*(f"w.{i}" for i in range(len(params) - 1)), "b"]


@pytest.mark.parametrize(
    ("sizes", "max_nodes", "rankdir"),
    [
        ([4, 4, 1], None, "LR"),
        ([8, 8, 1], 30, "LR"),
        ([16, 16, 1], 40, "LR"),  # python -m nn's picture: it stacked 0, 2, 4, ..., 1, 3, ...
        ([16, 16, 1], None, "LR"),
        ([4, 4, 1], None, "RL"),
        ([8, 8, 1], None, "TB"),
        ([4, 4, 1], None, "BT"),
    ],
)
def test_a_layers_neurons_are_stacked_in_numeric_order(
    sizes: list[int], max_nodes: int | None, rankdir: str
) -> None:
    loss = mlp_loss(sizes)
    where = plain_positions(draw_dot(loss, cluster=True, max_nodes=max_nodes, rankdir=rankdir))
    name = ids(loss)
    sideways = rankdir in ("LR", "RL")
    for layer, size in enumerate(sizes):
        outputs = [n for n in topo_sort(loss) if n.label.startswith(f"layers.{layer}.neurons.")]
        outputs = [n for n in outputs if n.label.count(".") == 3 and name[n] in where]
        # Top to bottom when the ranks run sideways, left to right when they run down.
        seen = sorted(outputs, key=lambda n: -where[name[n]][1] if sideways else where[name[n]][0])
        numbers = [int(n.label.rsplit(".", 1)[1]) for n in seen]
        assert numbers == sorted(numbers), (layer, numbers)
        assert len(numbers) == size or max_nodes is not None


@pytest.mark.parametrize(
    ("sizes", "max_nodes"), [([4, 4, 1], None), ([16, 16, 1], 40)], ids=["whole", "moons-capped"]
)
def test_each_layer_is_drawn_to_the_right_of_the_one_before(
    sizes: list[int], max_nodes: int | None
) -> None:
    # The capped 16-16-1 picture is python -m nn's: one neuron of layer 1 drawn whole used to
    # push layer 2's box above layer 1's instead of to its right.
    loss = mlp_loss(sizes)
    svg = render_svg(draw_dot(loss, cluster=True, max_nodes=max_nodes))
    boxes = svg_groups(svg, "cluster")

    def xs(title: str) -> list[float]:
        polygon = boxes[title].find(f"{SVG}path")
        polygon = polygon if polygon is not None else boxes[title].find(f"{SVG}polygon")
        assert polygon is not None
        return [float(v) for v in re.findall(r"(-?[\d.]+),-?[\d.]+", str(polygon.attrib))]

    layers = [f"cluster_layers.{i}" for i in range(3) if f"cluster_layers.{i}" in boxes]
    assert len(layers) >= 2
    for before, after in itertools.pairwise(layers):
        assert max(xs(before)) < min(xs(after))


def test_boxes_show_the_names_explain_gives() -> None:
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    o = (x1 * w1 + x2 * w2).tanh()
    o.backward()
    source = draw_dot(o).source
    e = explain(o)
    name = ids(o)
    for node in topo_sort(o):
        assert cells(statements(source)[name[node]])[0] == e.name(node)
    assert cells(statements(source)[name[o]])[0] == "tanh(x1*w1+x2*w2)"
    assert "caption" not in source  # (no step asked for)
    frame = e.frame(1).source
    assert "x1*w1+x2*w2 (+) has gradient" in frame


def test_an_mlp_picture_labels_inputs_constants_and_neuron_sums() -> None:
    loss = mlp_loss([2, 1])
    source = draw_dot(loss, cluster=True, max_nodes=None).source
    first = {cells(a)[0] for a in values(source).values()}
    assert {"x[0]", "x[1]", "x[2]", "w·x+b", "output", "loss", "1 (const)"} <= first
    assert not any(re.fullmatch(r"v\d+", label) for label in first)


def test_a_negative_zero_product_reads_0() -> None:
    a = Value(-1.0, "a")
    r = a.relu()
    y = r * -3.0  # relu is off: a receives -3 × 0 = -0.0
    e = explain(y)
    assert math.copysign(1.0, e[1].contributions[0].product) == -1.0
    frame = draw_dot(y, step=1).source
    into_relu = next(attrs for t, h, attrs in edges(frame) if t == ids(y)[a])
    assert "label=0 " in into_relu and "-0" not in frame
    assert e.table().splitlines()[5].split() == ["1", "relu(a)", "relu", "-3", "a", "0", "0", "0"]


def test_constants_are_drawn_as_constants_not_as_parents_with_a_gradient() -> None:
    x = Value(0.7, "x")
    y = x.sin() ** 2 + x.cos() ** 2
    y.backward()
    source = draw_dot(y).source
    name = ids(y)
    twos = [n for n in topo_sort(y) if not n.parents and not n.label]
    assert len(twos) == 2
    for two in twos:
        assert cells(statements(source)[name[two]]) == ["2 (const)"]  # no data, no grad cell
        assert "style=dashed" in statements(source)[name[two]]
    frame = draw_dot(y, step=1).source  # the step of sin(x)**2 (or cos): nothing sent to 2
    assert " to 2" not in frame
    carried = [a for t, _, a in edges(frame) if t in {name[t2] for t2 in twos}]
    assert carried and not any("label=" in a or CARRIED in a for a in carried)


def test_gradient_shading_is_clearly_visible_a_factor_of_ten_from_one() -> None:
    # Issue 15: the shading was too faint. A gradient 10 times smaller or larger than 1 is
    # now at least halfway from white to the saturated colour in every channel.
    for g, full in ((0.1, grad_color(1e-4)), (10.0, grad_color(1e2))):
        tint, end = grad_color(g), full
        for i in (1, 3, 5):
            white, c, e = 255, int(tint[i : i + 2], 16), int(end[i : i + 2], 16)
            assert abs(white - c) >= abs(white - e) / 2 - 1


def test_the_words_of_a_picture_come_from_the_message_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from autograd import messages

    words = {
        **messages.LANGUAGES["en"],
        "title": "graph of {root}",
        "constant_box": "{name} fixed",
        "caption": "STEP {index}/{last}: {node}",
        "showing": "{shown}/{total} shown",
    }
    monkeypatch.setitem(messages.LANGUAGES, "xx", words)
    x = Value(3.0, "x")
    y = x * 2.0 + x
    y.label = "y"
    source = draw_dot(y, step=0, max_nodes=3, lang="xx").source
    assert source.startswith('digraph "graph of y"')
    assert "STEP 0/1: y" in source and "3/4 shown" in source  # x, 2, x*2, y
    assert "2 fixed" in draw_dot(y, lang="xx").source
    assert "2 fixed" in explain(y).frame(1, lang="xx").source
    assert "STEP 1/1" in explain(y, lang="xx").frame(1).source  # explain passes its lang on
    with pytest.raises(ValueError, match="lang must be one of"):
        draw_dot(y, lang="tlh")
