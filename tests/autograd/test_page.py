"""The explain page's content, read without a browser (tests/browser clicks through it)."""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, explain, topo_sort
from autograd.cli import main
from autograd.page import explain_page, strings


def _data(document: str) -> dict[str, Any]:
    blob = re.search(
        r'<script type="application/json" class="explain-data">(.*?)</script>', document, re.S
    )
    assert blob is not None
    result: dict[str, Any] = json.loads(blob.group(1))
    return result


def _ids(document: str) -> dict[str, str]:
    """Node id -> full name, from the SVG boxes."""
    return dict(
        re.findall(r'<g class="node[^"]*" id="(n\d+)"[^>]*>\s*<title>(.*?)</title>', document)
    )


def _final(steps: list[dict[str, Any]]) -> dict[tuple[str, str], list[Any]]:
    """What the page shows after its last step: the last set of each (node, data|grad)."""
    shown: dict[tuple[str, str], list[Any]] = {}
    for step in steps:
        for entry in step["set"]:
            shown[entry[0], entry[1]] = entry
    return shown


def _graph() -> tuple[Value, list[Value]]:
    a, b, c = Value(1.5, "a"), Value(-0.5, "b"), Value(2.0, "c")
    d = a * b + c
    e = d.tanh() * a - b / c  # a and b are used twice
    e.label = "e"
    return e, [a, b, c]


def test_steps_are_forward_then_one_product_each() -> None:
    root, _ = _graph()
    e = explain(root)
    steps = _data(e.to_html())["steps"]
    order = topo_sort(root)
    interior = [n for n in order if n.parents]
    products = [c for step in e for c in step.contributions]
    # start, one per computed node, the seed, one per product, the end
    assert len(steps) == 1 + len(interior) + 1 + len(products) + 1
    formulas = [s["formula"] for s in steps if "formula" in s]
    assert formulas == [
        f"{s.upstream:.4g} × {local:.4g} = {product:.4g}"
        for s in e
        for _, local, product in s.contributions
    ]
    forward = steps[1 : 1 + len(interior)]
    assert [s["set"][0][3] for s in forward] == [repr(n.data) for n in interior]


def test_final_numbers_are_explains_and_backwards_exactly() -> None:
    root, leaves = _graph()
    e = explain(root)
    document = e.to_html()
    names = _ids(document)
    final = _final(_data(document)["steps"])
    root.backward()
    by_name = {e.name(n): n for n in topo_sort(root)}
    for node_id, name in names.items():
        node = by_name[name]
        assert float(final[node_id, "grad"][3]) == e.grad(node) == node.grad
        assert final[node_id, "grad"][4] is True  # complete
        assert float(final[node_id, "data"][3]) == node.data
    assert {e.name(x) for x in leaves} <= set(names.values())


def test_capped_page_keeps_the_sums_of_the_steps_left_out() -> None:
    x = Value(0.3, "x")
    y = x
    for _ in range(100):
        y = y * 0.99 + x
    e = explain(y)
    document = e.to_html(max_nodes=30)
    names = _ids(document)
    assert len(names) == 30
    assert "30" in document and str(len(topo_sort(y))) in document  # the note says both
    x_id = next(k for k, v in names.items() if v == "x")
    assert float(_final(_data(document)["steps"])[x_id, "grad"][3]) == e.grad(x)


def test_page_fetches_nothing_and_labels_cannot_break_out() -> None:
    x = Value(2.0, "</script><script>alert(1)</script>")
    document = explain(x * x).to_html()
    assert "<script>alert" not in document
    assert "http:" not in document and "https:" not in document
    assert not re.search(r"\b(src|href)=", document)
    names = set(_ids(document).values())
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in names


def test_nan_is_shown_as_nan() -> None:
    x = Value(math.nan, "x")
    final = _final(_data(explain(x * 2.0).to_html())["steps"])
    assert {entry[2] for key, entry in final.items() if key[1] == "data"} >= {"nan"}


def test_japanese_table_has_every_string_and_the_terms() -> None:
    en, ja = strings("en"), strings("ja")
    assert en.keys() == ja.keys()
    text = " ".join(ja.values())
    # The glossary's words (docs/glossary.ja.md); the report's are checked in tests/nn.
    for term in (
        "勾配",
        "順伝播",
        "誤差逆伝播",
        "計算グラフ",
        "上流の勾配",
        "局所的な微分",
        "寄与",
        "ステップ",
    ):
        assert term in text, term
    document = explain(Value(1.0, "x") * 3.0).to_html(lang="ja")
    assert '<html lang="ja">' in document and "ステップ" in document
    with pytest.raises(ValueError, match="lang must be one of"):
        strings("fr")


def test_the_page_words_come_from_the_message_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd import messages

    words = {**messages.LANGUAGES["en"], "page.first": "Go to the start", "page.data": "dat"}
    monkeypatch.setitem(messages.LANGUAGES, "xx", words)
    document = explain(Value(2.0, "x") * 3.0).to_html(lang="xx")
    assert 'title="Go to the start"' in document and ">dat <tspan" in document
    assert _data(document)["ui"]["first"] == "Go to the start"  # the script's words too


def test_to_html_writes_the_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    text = explain(Value(1.0, "x").exp()).to_html(path)
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    assert explain_page(explain(Value(1.0, "x").exp())) == text


def test_cli_explain_html(tmp_path: Path) -> None:
    out = io.StringIO()
    path = tmp_path / "out.html"
    assert main(["explain", "x*y + x", "x=3", "y=4", "--html", str(path)], stdout=out) == 0
    assert f"wrote {path}" in out.getvalue()
    formulas = [s.get("formula") for s in _data(path.read_text(encoding="utf-8"))["steps"]]
    assert "1 × 4 = 4" in formulas and "1 × 3 = 3" in formulas


def test_a_leaf_alone_and_a_bad_cap() -> None:
    steps = _data(explain(Value(1.0, "x")).to_html())["steps"]
    assert [s.get("node") for s in steps] == [None, "n0", None]  # start, seed, end
    with pytest.raises(ValueError, match="max_nodes must be at least 1"):
        explain(Value(1.0) * 2).to_html(max_nodes=0)


@pytest.mark.parametrize("seed", range(5))
def test_random_graphs_end_with_explains_gradients(seed: int) -> None:
    import random

    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-2, 2), f"x{i}") for i in range(3)]
    for i in range(12):  # each new node uses one or two earlier ones: a DAG with sharing
        a, b = rng.choice(nodes), rng.choice(nodes)
        made = rng.choice([a + b, a * b, a - b, a.tanh(), a * 0.5])
        made.label = f"v{i}"
        nodes.append(made)
    root = nodes[-1]
    e = explain(root)
    cap = rng.choice([None, 5])
    document = e.to_html(max_nodes=cap)
    final = _final(_data(document)["steps"])
    by_name = {e.name(n): n for n in topo_sort(root)}
    for node_id, name in _ids(document).items():
        node = by_name[name]
        if e.is_constant(node):  # the 0.5 of a * 0.5: a constant shows no gradient
            assert (node_id, "grad") not in final
            continue
        assert float(final[node_id, "grad"][3]) == e.grad(node)
        assert final[node_id, "grad"][4] is True
