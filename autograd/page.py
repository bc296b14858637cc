"""Backprop as a web page: one self-contained HTML file you open from disk and click through.

``explain_page(explanation, path)`` writes the page; ``explain(root).to_html(path)`` calls it.
The page shows the computational graph and a stepper:

* the forward pass, node by node in topological order, each value appearing as it is computed;
* then backpropagation, one chain-rule product at a time: the edge it travels lights up, the
  caption reads ``upstream × local = contribution``, and the parent's gradient fills in.

Python does the thinking: it lays the graph out, draws it as SVG and writes every step's text
and numbers (the very floats of ``explain()``, formatted as its table formats them). The
JavaScript in ``autograd/web/explain.js`` only shows step ``k``. Nothing is fetched: the CSS,
the script and the data are inlined, so the page works offline and makes no request. The
page's words are the ``page.*`` messages of ``autograd.messages``, where every sentence
autograd writes lives; the few the script needs travel in the page's data.

This module never imports ``autograd.explain`` (which imports it lazily for ``to_html``): it
reads the explanation through the few attributes the ``Explained`` protocol names.
"""

from __future__ import annotations

import html
import json
from collections import deque
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from autograd.engine import Value, topo_sort
from autograd.messages import page_strings as strings

__all__ = ["Explained", "assets", "explain_page", "page", "stepper_html", "strings"]

_INFIX = {"+", "-", "*", "/", "**"}
_BOX_H, _ROW_H, _GAP_X, _PAD = 58, 74, 64, 12  # pixels of the graph's layout
_CENTRE_ROWS = 10  # a graph with a taller column puts every column at the top
_NAME_CHARS = 28  # a longer name is cut in the box (its full text is in the tooltip)
_MAX_ARGS = 6  # inputs spelled out in a forward step's caption


class _Step(Protocol):
    @property
    def node(self) -> Value: ...
    @property
    def upstream(self) -> float: ...
    @property
    def contributions(self) -> Sequence[tuple[Value, float, float]]: ...


class Explained(Protocol):
    """What the page reads from an ``Explanation``: its root, its steps and its names."""

    @property
    def root(self) -> Value: ...
    @property
    def steps(self) -> Sequence[_Step]: ...
    def name(self, node: Value) -> str: ...
    def is_constant(self, node: Value) -> bool: ...


def assets() -> tuple[str, str]:
    """The stepper's CSS and JavaScript, to inline in a page.

    >>> css, js = assets()
    >>> "function" in js and "{" in css
    True
    """
    return _asset("explain.css"), _asset("explain.js")


def _asset(name: str) -> str:
    return resources.files("autograd").joinpath("web", name).read_text(encoding="utf-8")


def _num(x: float) -> str:
    """A number as ``explain()``'s table prints it (4 significant digits)."""
    return f"{x:.4g}"


def _width(text: str) -> float:
    """Rough width in pixels of ``text`` in the 12 px monospace font; CJK is twice as wide."""
    return sum(14.4 if ord(c) >= 0x2E80 else 7.2 for c in text)


def _select(root: Value, max_nodes: int | None) -> set[Value]:
    """The ``max_nodes`` nodes nearest the root, breadth-first (all of them for None)."""
    seen, queue = {root}, deque([root])
    picked: list[Value] = []
    while queue and (max_nodes is None or len(picked) < max_nodes):
        node = queue.popleft()
        picked.append(node)
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return set(picked)


def _layout(order: list[Value], boxes: dict[Value, float]) -> dict[Value, tuple[float, float]]:
    """Top-left corner of each box: inputs in the left column, the root in the right one.

    A node's column is one more than its furthest drawn parent's, so every arrow points right.
    """
    column: dict[Value, int] = {}
    for node in order:  # topological: parents first
        drawn = [column[p] for p in node.parents if p in column]
        column[node] = 1 + max(drawn) if drawn else 0
    columns: list[list[Value]] = [[] for _ in range(max(column.values()) + 1)]
    for node in order:
        columns[column[node]].append(node)
    tallest = max(len(c) for c in columns)
    where: dict[Value, tuple[float, float]] = {}
    x = float(_PAD)
    for nodes in columns:
        # Centre short columns, unless one is so tall that the root would leave the screen.
        top = _PAD + (tallest - len(nodes)) * _ROW_H / 2 if tallest <= _CENTRE_ROWS else _PAD
        for row, node in enumerate(nodes):
            where[node] = (x, top + row * _ROW_H)
        x += max(boxes[n] for n in nodes) + _GAP_X
    return where


def _svg(e: Explained, order: list[Value], ids: dict[Value, str], text: dict[str, str]) -> str:
    """The graph as SVG: one labelled box per node and one arrow per use as a parent."""
    names = {n: e.name(n) for n in order}
    short = {
        n: s if len(s) <= _NAME_CHARS else s[: _NAME_CHARS - 1] + "…" for n, s in names.items()
    }
    # Wide enough for the name and its op tag, and for the longest number .4g can print.
    numbers = max(_width(f"{text[k]} -1.234e-05") for k in ("data", "grad")) + 20
    boxes = {n: max(110.0, _width(short[n]) + 60, numbers) for n in order}
    where = _layout(order, boxes)
    width = max(where[n][0] + boxes[n] for n in order) + _PAD
    height = max(where[n][1] for n in order) + _BOX_H + _PAD
    out = [
        f'<svg class="graph" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img">',
        f"<title>{html.escape(text['graph_caption'])}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ]
    for node in order:  # arrows first, so the boxes sit on top of them
        x1, y1 = where[node]
        for k, parent in enumerate(node.parents):
            if parent not in where:
                continue
            x0, y0 = where[parent][0] + boxes[parent], where[parent][1] + _BOX_H / 2
            # Arrows into one box end a few pixels apart, all within its height.
            spread = min(6.0, (_BOX_H - 12) / len(node.parents))
            y1m = y1 + _BOX_H / 2 + spread * (k - (len(node.parents) - 1) / 2)
            bend = _GAP_X / 2
            out.append(
                f'<path class="edge" id="{ids[node]}-{k}" marker-end="url(#arrow)" '
                f'd="M{x0:.1f},{y0:.1f} C{x0 + bend:.1f},{y0:.1f} '
                f'{x1 - bend:.1f},{y1m:.1f} {x1:.1f},{y1m:.1f}"/>'
            )
    for node in order:
        x, y = where[node]
        const = e.is_constant(node)  # the same test as explain's gradient table
        kind = node.op or (text["const"] if const else text["input"])
        cls = "node" + ("" if node.parents else " leaf") + (" const" if const else "")
        out += [
            f'<g class="{cls}" id="{ids[node]}" transform="translate({x:.1f},{y:.1f})">',
            f"<title>{html.escape(names[node])}</title>",
            f'<rect width="{boxes[node]:.1f}" height="{_BOX_H}" rx="6"/>',
            f'<text class="name" x="8" y="17">{html.escape(short[node])}</text>',
            f'<text class="op" x="{boxes[node] - 8:.1f}" y="17">{html.escape(kind)}</text>',
            f'<text class="data" x="8" y="34">{html.escape(text["data"])} '
            f'<tspan class="v">?</tspan></text>',
            *(
                []
                if const
                else [
                    f'<text class="grad" x="8" y="50">{html.escape(text["grad"])} '
                    f'<tspan class="v">?</tspan></text>'
                ]
            ),
            "</g>",
        ]
    out.append("</svg>")
    return "\n".join(out)


def _forward_text(e: Explained, node: Value, text: dict[str, str]) -> str:
    """``x*y = 3 * 4 = 12``: the node, its op on its inputs' values, and its value."""
    args = [_num(p.data) for p in node.parents]
    if node.op in _INFIX and len(args) == 2:
        expr = f"{args[0]} {node.op} {args[1]}"
    elif node.op == "neg":
        expr = f"-({args[0]})"
    else:
        if len(args) > _MAX_ARGS:  # a neuron's dot has dozens: show the first few
            args = [*args[: _MAX_ARGS - 1], f"… {len(args) - _MAX_ARGS + 1} more"]
        expr = f"{node.op}({', '.join(args)})"
    return text["forward"].format(node=e.name(node), expr=expr, value=_num(node.data))


def _steps(
    e: Explained, order: list[Value], ids: dict[Value, str], text: dict[str, str]
) -> list[dict[str, Any]]:
    """Every step the page shows: what it says, what it lights up, and which numbers it sets.

    A set is ``[node id, "data" or "grad", shown text, exact repr, complete]``. Gradients are
    summed exactly as ``explain()`` sums them, in its order, over all its steps, including the
    steps of nodes left out of a capped picture (their sums show at the next step drawn).
    """
    shown = set(order)

    def value(node: Value) -> list[Any]:
        return [ids[node], "data", _num(node.data), repr(node.data), True]

    steps: list[dict[str, Any]] = [
        {"caption": text["start"], "set": [value(n) for n in order if not n.parents]}
    ]
    for node in order:
        if node.parents:
            steps.append(
                {"caption": _forward_text(e, node, text), "node": ids[node], "set": [value(node)]}
            )
    root = e.root
    steps.append(
        {
            "caption": text["seed"].format(root=e.name(root)),
            "node": ids[root],
            "set": [[ids[root], "grad", _num(1.0), repr(1.0), True]],
        }
    )
    pending: dict[Value, int] = {}  # products a node has still to receive
    for step in e.steps:
        for parent, _, _ in step.contributions:
            pending[parent] = pending.get(parent, 0) + 1
    sums: dict[Value, float] = {}
    unseen: dict[Value, list[Any]] = {}  # sums changed by steps left out: shown with the next
    for step in e.steps:
        for k, (parent, local, product) in enumerate(step.contributions):
            if e.is_constant(parent):  # a constant learns nothing: no step, no gradient shown
                continue
            sums[parent] = sums.get(parent, 0.0) + product
            pending[parent] -= 1
            if parent not in shown:
                continue
            grad = [
                ids[parent],
                "grad",
                _num(sums[parent]),
                repr(sums[parent]),
                pending[parent] == 0,
            ]
            if step.node not in shown:
                unseen[parent] = grad  # only its latest sum matters
                continue
            names = {
                "node": e.name(step.node),
                "parent": e.name(parent),
                "sum": _num(sums[parent]),
            }
            steps.append(
                {
                    "caption": text["backward"].format(**names),
                    "node": ids[step.node],
                    "edge": f"{ids[step.node]}-{k}",
                    "parent": ids[parent],
                    "formula": text["formula"].format(
                        up=_num(step.upstream), local=_num(local), product=_num(product)
                    ),
                    "set": [*unseen.values(), grad],
                }
            )
            unseen = {}
    steps.append({"caption": text["finished"], "set": list(unseen.values())})
    return steps


def stepper_html(e: Explained, *, lang: str = "en", max_nodes: int | None = 200) -> str:
    """The graph and its stepper as an HTML fragment (a ``<section>``) for a page.

    ``max_nodes`` caps the drawing to the nodes nearest the root, as ``draw_dot`` does, and
    the section says so. ``assets()`` holds the CSS and script the fragment needs.

    >>> from autograd import Value, explain
    >>> html = stepper_html(explain(Value(2.0, "x") * 3.0), lang="ja")
    >>> html.startswith('<section class="explain">'), "局所的な微分" in html
    (True, True)
    """
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1 (or None for all), got {max_nodes}")
    text = strings(lang)
    full = topo_sort(e.root)
    picked = _select(e.root, max_nodes)
    order = [n for n in full if n in picked]
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    steps = _steps(e, order, ids, text)
    ui = {k: text[k] for k in ("counter", "first", "prev", "next", "last")}
    data = json.dumps({"steps": steps, "ui": ui}, ensure_ascii=False).replace("<", "\\u003c")
    note = ""
    if len(order) < len(full):
        capped = text["capped"].format(total=len(full), shown=len(order), root=e.name(e.root))
        note = f'<p class="note capped">{html.escape(capped)}</p>'
    button = '<button type="button" class="{0}" title="{1}" aria-label="{1}">{2}</button>'
    return "\n".join(
        [
            '<section class="explain">',
            note,
            '<div class="controls">',
            button.format("first", html.escape(text["first"]), "|◀"),
            button.format("prev", html.escape(text["prev"]), "◀"),
            f'<input type="range" class="slider" min="0" max="{len(steps) - 1}" value="0" '
            f'aria-label="{html.escape(text["counter"].format(k="", n=""))}">',
            button.format("next", html.escape(text["next"]), "▶"),
            button.format("last", html.escape(text["last"]), "▶|"),
            '<span class="counter"></span>',
            "</div>",
            f'<p class="help">{html.escape(text["help"])}</p>',
            '<p class="caption" aria-live="polite"></p>',
            '<p class="formula"></p>',
            f'<div class="canvas">{_svg(e, order, ids, text)}</div>',
            f'<script type="application/json" class="explain-data">{data}</script>',
            "</section>",
        ]
    )


def page(title: str, body: str, *, lang: str, css: Sequence[str], js: Sequence[str]) -> str:
    """A whole HTML document with ``css`` and ``js`` inlined: nothing for the browser to fetch.

    >>> page("T", "<p>hi</p>", lang="en", css=["p {}"], js=[]).count("<style>")
    1
    """
    styles = "\n".join(f"<style>\n{c}</style>" for c in css)
    scripts = "\n".join(f"<script>\n{s}</script>" for s in js)
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Forbid every fetch: the page must work from disk with no network at all.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{html.escape(title)}</title>\n{styles}\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n{body}\n{scripts}\n</body>\n</html>\n"
    )


def explain_page(
    e: Explained, path: str | Path | None = None, *, lang: str = "en", max_nodes: int | None = 200
) -> str:
    """The explain page of ``e`` as HTML text; also written (atomically) to ``path`` if given.

    >>> from autograd import Value, explain
    >>> x, y = Value(3.0, "x"), Value(4.0, "y")
    >>> text = explain_page(explain(x * y + x))
    >>> "4 × 3 = 12" in text or "1 × 4 = 4" in text, "http" in text.split("<body>")[1]
    (True, False)
    """
    text = strings(lang)
    css, js = assets()
    title = text["explain_title"].format(root=e.name(e.root))
    document = page(
        title, stepper_html(e, lang=lang, max_nodes=max_nodes), lang=lang, css=[css], js=[js]
    )
    if path is not None:
        write_text(Path(path), document)
    return document


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a reader never sees half a file.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.html"
    >>> write_text(path, "<p>hi</p>"); path.read_text(encoding="utf-8")
    '<p>hi</p>'
    """
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
