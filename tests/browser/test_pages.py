"""The explain page and the training report, opened from disk in a real browser (Chromium).

Playwright drives Debian's /usr/bin/chromium (never a downloaded browser). Without either,
these tests skip. Each page must make no request but file:// and data:, and log no error.
Running them also refreshes the screenshots in docs/images/.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, explain, topo_sort

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"

if CHROMIUM is None:
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Open an HTML file; at the end, fail if it made a request or logged an error."""
    pages: list[tuple[Any, list[str], list[str]]] = []

    def opener(path: Path) -> Any:
        page = browser.new_page(viewport={"width": 1100, "height": 760})
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        # Anything but file:// and data: is blocked, and reported below.
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file://", "data:"))
                else route.abort()
            ),
        )
        page.goto(path.resolve().as_uri())
        pages.append((page, requests, errors))
        return page

    yield opener
    for page, requests, errors in pages:
        assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
        assert errors == []
        page.close()


def _boxes(page: Any) -> dict[str, dict[str, str]]:
    """What every node's box shows, keyed by its full name (the box's tooltip).

    A constant's box has no gradient line: its grad and gradExact are None.
    """
    result: dict[str, dict[str, str]] = page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll("g.node")).map((g) => [
            g.querySelector("title").textContent,
            {data: g.querySelector(".data .v").textContent,
             dataExact: g.querySelector(".data .v").getAttribute("data-exact"),
             grad: g.querySelector(".grad .v")?.textContent ?? null,
             gradExact: g.querySelector(".grad .v")?.getAttribute("data-exact") ?? null,
             on: g.classList.contains("on") ? "on" : ""}]))"""
    )
    return result


def _neuron() -> Value:
    x, w, b = Value(0.5, "x"), Value(-1.5, "w"), Value(2.0, "b")
    u = x * w
    n = u + b * x  # x is used twice: its gradient is a sum of two products
    return (n.tanh() * 3.0).exp()


def test_every_step_shows_explains_numbers(open_page: Any, tmp_path: Path) -> None:
    root = _neuron()
    e = explain(root)
    path = tmp_path / "explain.html"
    e.to_html(path)
    page = open_page(path)
    order = topo_sort(root)
    name = {node: e.name(node) for node in order}
    assert len(set(name.values())) == len(order)  # the test maps boxes by name
    interior = [n for n in order if n.parents]

    # Step 0: the inputs are known, nothing else.
    shown = _boxes(page)
    assert {k for k, v in shown.items() if v["data"] != "?"} == {
        name[n] for n in order if not n.parents
    }
    # The forward pass: one more value per step, in topological order, exactly node.data.
    for node in interior:
        page.click("button.next")
        box = _boxes(page)[name[node]]
        assert box["on"] == "on"
        assert (box["data"], float(box["dataExact"])) == (f"{node.data:.4g}", node.data)
    assert all(v["grad"] in ("?", None) for v in _boxes(page).values())
    constants = [n for n in order if e.is_constant(n)]
    assert [_boxes(page)[name[n]]["grad"] for n in constants] == [None]  # the 3 of tanh(n) * 3
    page.click("button.next")  # the seed
    assert _boxes(page)[name[root]]["grad"] == "1"

    # Backprop: one product per step, along the edge it travels, summed as explain sums.
    running: dict[Value, float] = {}
    for step in e:
        for k, (parent, local, product) in enumerate(step.contributions):
            if e.is_constant(parent):  # a constant learns nothing: the page skips its product
                continue
            page.click("button.next")
            running[parent] = running.get(parent, 0.0) + product
            up = step.upstream
            assert page.text_content(".formula") == f"{up:.4g} × {local:.4g} = {product:.4g}"
            hot = page.evaluate("() => document.querySelector('.edge.hot').id")
            node_id = page.evaluate(
                "(n) => Array.from(document.querySelectorAll('g.node'))"
                ".find((g) => g.querySelector('title').textContent === n).id",
                name[step.node],
            )
            assert hot == f"{node_id}-{k}"
            box = _boxes(page)[name[parent]]
            assert float(box["gradExact"]) == running[parent]
            assert box["grad"] == f"{running[parent]:.4g}"
    page.click("button.next")  # the last step: every gradient complete
    assert page.get_attribute("section.explain", "data-step") == str(
        page.evaluate("() => Number(document.querySelector('.slider').max)")
    )
    root.backward()
    final = _boxes(page)
    for node in order:
        if e.is_constant(node):
            assert final[name[node]]["grad"] is None
            continue
        assert float(final[name[node]]["gradExact"]) == e.grad(node) == node.grad
    incomplete = "() => document.querySelectorAll('g.node:not(.complete):not(.const)').length"
    assert page.evaluate(incomplete) == 0
    page.screenshot(path=str(IMAGES / "explain_page.png"), full_page=True)


def test_keys_buttons_and_slider_move_the_stepper(open_page: Any, tmp_path: Path) -> None:
    path = tmp_path / "keys.html"
    explain(_neuron()).to_html(path)
    page = open_page(path)

    def at() -> int:
        return int(page.get_attribute("section.explain", "data-step"))

    last = int(page.get_attribute(".slider", "max"))
    assert last > 10 and at() == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert at() == 2
    page.keyboard.press("ArrowLeft")
    assert at() == 1
    page.keyboard.press("End")
    assert at() == last
    page.keyboard.press("ArrowRight")  # stays at the end
    assert at() == last
    page.keyboard.press("Home")
    assert at() == 0
    page.fill(".slider", "7")
    assert at() == 7 and page.text_content(".counter") == f"step 8 of {last + 1}"
    page.click("button.prev")
    assert at() == 6
    page.click("button.last")
    assert at() == last
    page.click("button.first")
    assert at() == 0
    # A step backwards hides again what it had revealed.
    page.keyboard.press("End")
    page.keyboard.press("Home")
    assert {v["grad"] for v in _boxes(page).values()} == {"?", None}  # None: the constant


def test_japanese_page(open_page: Any, tmp_path: Path) -> None:
    x = Value(3.0, "x")
    f = x.sin() ** 2 + x.cos() ** 2
    path = tmp_path / "ja.html"
    explain(f).to_html(path, lang="ja")
    page = open_page(path)
    assert page.get_attribute("html", "lang") == "ja"
    assert page.text_content(".counter").startswith("ステップ 1 /")
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    assert "上流の勾配" in page.text_content(".caption")
    assert "勾配" in page.text_content("g.node .grad")
    page.screenshot(path=str(IMAGES / "explain_page_ja.png"), full_page=True)


def test_a_large_graph_is_capped_with_a_note(open_page: Any, tmp_path: Path) -> None:
    x = Value(0.1, "x")
    y = x
    for _ in range(300):
        y = y * 1.001 + x
    path = tmp_path / "big.html"
    explain(y).to_html(path, max_nodes=50)
    page = open_page(path)
    assert page.evaluate("() => document.querySelectorAll('g.node').length") == 50
    assert "nodes" in page.text_content(".note")
    page.keyboard.press("End")
    # x also gets products from the 250 adds left out: its sum still includes them all.
    assert float(_boxes(page)["x"]["gradExact"]) == explain(y).grad(x)
    assert "?" not in {v["grad"] for v in _boxes(page).values()}


# ----- the training report ------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[float]]:
    from nn import MLP, Adam, fit, hinge_loss, make_moons
    from nn.report import Recorder, hardest_example, write_report

    X, y = make_moons(40, noise=0.1, seed=1)
    model = MLP(2, [8, 1], seed=1)
    recorder = Recorder(model, X, y, resolution=30)
    history = fit(
        model,
        X,
        y,
        loss=hinge_loss,
        optimizer=Adam(model.parameters(), lr=0.05),
        epochs=15,
        progress=False,
        record=recorder,
    )
    example = hardest_example(model, X, y, hinge_loss)
    path = write_report(
        tmp_path_factory.mktemp("report") / "report.html", recorder, history, example=example
    )
    return path, history.accuracy


def _pixels(page: Any) -> str:
    return str(page.evaluate("() => document.querySelector('canvas.boundary').toDataURL()"))


def test_report_slider_redraws_the_boundary(open_page: Any, small_run: tuple[Path, Any]) -> None:
    path, accuracy = small_run
    page = open_page(path)
    last = int(page.get_attribute("input.epoch", "max"))
    assert last == len(accuracy)  # epoch 0 (untrained) to the last epoch
    at_end = _pixels(page)
    readout = page.get_attribute(".readout", "data-accuracy")
    assert float(readout) == accuracy[-1]
    assert f"{accuracy[-1]:.1%}" in page.text_content(".readout")
    page.fill("input.epoch", "0")
    assert _pixels(page) != at_end
    page.fill("input.epoch", "3")
    assert float(page.get_attribute(".readout", "data-accuracy")) == accuracy[2]
    page.fill("input.epoch", str(last))
    assert _pixels(page) == at_end
    # Play starts over from epoch 0 and moves forward by itself.
    page.click("button.play")
    page.wait_for_function("() => Number(document.querySelector('input.epoch').value) >= 3")
    page.click("button.play")  # pause
    # The report's stepper works too.
    page.click("section.explain button.next")
    assert page.get_attribute("section.explain", "data-step") == "1"


def test_default_report_is_small_and_shows_the_runs_accuracy(
    open_page: Any, tmp_path: Path
) -> None:
    import io

    from nn.cli import main

    out = io.StringIO()
    assert main(["--out", str(tmp_path), "--no-progress"], stdout=out) == 0
    report = tmp_path / "report.html"
    assert report.stat().st_size < 5_000_000
    result = next(line for line in out.getvalue().splitlines() if line.startswith("result"))
    accuracy = result.split("accuracy ")[1]
    page = open_page(report)
    assert page.text_content(".readout").endswith(f"accuracy {accuracy}")
    assert math.isclose(
        float(page.get_attribute(".readout", "data-accuracy")),
        float(accuracy.rstrip("%")) / 100,
        abs_tol=5e-4,
    )
    # Show the example's first chain-rule step: the loss's end of the graph, in view.
    first_backward = page.evaluate(
        "() => JSON.parse(document.querySelector('.explain-data').textContent)"
        ".steps.findIndex((s) => s.formula)"
    )
    page.fill("section.explain .slider", str(first_backward + 1))
    assert "×" in page.text_content("section.explain .formula")
    page.screenshot(path=str(IMAGES / "report.png"), full_page=True)
