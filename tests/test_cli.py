"""End to end: ``python -m nn`` and ``python -m autograd`` run in a subprocess, as a user would.

Each run gets ``PYTHONPATH`` set to the repository and its own working folder. The checks open
what the commands wrote: PNGs are decoded, the model JSON is loaded and compared with a model
trained here the same way, and the SVGs are parsed for the graph's nodes and labels.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import nn

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str, cwd: Path, path_env: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python <args>`` with the repository importable; ``path_env`` replaces PATH."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if path_env is not None:
        env["PATH"] = path_env
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    from matplotlib.image import imread

    assert imread(path).shape[:2] == (height, width)  # the whole image decodes
    return width, height


def svg_nodes(path: Path) -> tuple[int, str]:
    """The number of graph nodes in a Graphviz SVG, and all its text."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    return len(nodes), text


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- python -m nn -------------------------------------------------------------------------------

MOONS = ["-m", "nn", "--epochs", "30", "--no-progress", "--out", "out"]


@pytest.fixture(scope="module")
def moons(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One short default-settings run on two moons: (its folder, its stdout)."""
    cwd = tmp_path_factory.mktemp("moons")
    result = run(*MOONS, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return cwd / "out", result.stdout


def test_nn_run_reports_loss_accuracy_and_every_file(moons: tuple[Path, str]) -> None:
    out, stdout = moons
    match = re.search(r"^result +loss (\S+), accuracy ([\d.]+)%$", stdout, re.MULTILINE)
    assert match, stdout
    assert float(match.group(1)) < 0.5 and float(match.group(2)) >= 80.0
    for name in ("loss.png", "boundary.png", "model.json", "graph.svg"):
        assert str(Path("out") / name) in stdout
        assert (out / name).stat().st_size > 0


def test_nn_pictures_are_500_by_400_pngs(moons: tuple[Path, str]) -> None:
    out, _ = moons
    assert png_size(out / "loss.png") == (500, 400)
    assert png_size(out / "boundary.png") == (500, 400)


def test_nn_model_json_is_the_trained_model(moons: tuple[Path, str]) -> None:
    out, stdout = moons
    saved = nn.load(out / "model.json")
    assert json.loads((out / "model.json").read_text())["config"]["nouts"] == [16, 16, 1]
    # Train the same way here: the same seed must give the very same weights.
    X, y = nn.make_moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.02)
    history = nn.fit(
        model, X, y, loss=nn.hinge_loss, optimizer=optimizer, epochs=30, progress=False, seed=0
    )
    np.testing.assert_array_equal(saved.predict(X), model.predict(X))
    assert f"accuracy {history.accuracy[-1]:.1%}" in stdout


def test_nn_graph_svg_holds_the_loss_graph(moons: tuple[Path, str]) -> None:
    out, stdout = moons
    count, text = svg_nodes(out / "graph.svg")
    assert count > 20
    assert "loss" in text and "relu" in text and "dot" in text
    assert "layers.1" in text or "w.0" in text  # nn's parameter names reach the picture
    assert "computation graph of the largest one-example loss" in stdout
    assert "note:" not in stdout  # rendered, not left as DOT source
    # Boxed by module (python -m nn asks for cluster=True), with the output layer's box.
    root = ET.parse(out / "graph.svg").getroot()
    clusters = {
        g.findtext(f"{SVG}title") for g in root.iter(f"{SVG}g") if g.get("class") == "cluster"
    }
    assert "cluster_layers.2.neurons.0" in clusters
    # The picture shows gradients flowing: some grad cell reads a non-zero number.
    grads = [float(g) for g in re.findall(r"grad (-?[0-9.e+-]+)", text)]
    assert grads and any(g != 0.0 for g in grads)


def test_nn_same_seed_same_numbers_other_seed_other_numbers(tmp_path: Path) -> None:
    args = ["-m", "nn", "--dataset", "blobs", "--samples", "30", "--epochs", "3", "--no-progress"]
    a = run(*args, "--out", "a", cwd=tmp_path)
    b = run(*args, "--out", "b", cwd=tmp_path)
    c = run(*args, "--seed", "1", "--out", "c", cwd=tmp_path)
    assert a.returncode == b.returncode == c.returncode == 0, a.stderr + c.stderr

    def numbers(stdout: str) -> list[str]:
        return re.findall(r"^(?:data|model|training|result) .*$", stdout, re.MULTILINE)

    assert numbers(a.stdout) == numbers(b.stdout)
    assert (tmp_path / "a/model.json").read_bytes() == (tmp_path / "b/model.json").read_bytes()
    assert (tmp_path / "a/model.json").read_bytes() != (tmp_path / "c/model.json").read_bytes()
    assert "seed 1" in c.stdout


def test_nn_linear_fits_a_line_and_draws_it(tmp_path: Path) -> None:
    result = run("-m", "nn", "--dataset", "linear", "--no-progress", "--out", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    match = re.search(r"^learned +y = (\S+) x ([+-]) (\S+)$", result.stdout, re.MULTILINE)
    assert match, result.stdout
    assert abs(float(match.group(1)) - 3.0) < 0.1  # the tutorial's y = 3x
    assert png_size(tmp_path / "fit.png") == (500, 400)
    assert not (tmp_path / "boundary.png").exists()
    assert "accuracy" not in result.stdout


def test_nn_without_graphviz_writes_dot_source(tmp_path: Path) -> None:
    result = run(
        "-m", "nn", "--samples", "10", "--epochs", "1", "--no-progress", "--out", ".",
        cwd=tmp_path, path_env=str(tmp_path / "no-such-bin"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "dot -Tsvg" in result.stdout and "graph.dot" in result.stdout
    assert (tmp_path / "graph.dot").read_text().startswith("digraph")
    assert not (tmp_path / "graph.svg").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "0"], "--epochs: must be at least 1, got 0"),
        (["--epochs", "ten"], "--epochs: expected a whole number, got 'ten'"),
        (["--lr", "-1"], "--lr: must be greater than 0.0"),
        (["--lr", "nan"], "--lr: expected a finite number"),
        (["--dataset", "mnist"], "--dataset: invalid choice: 'mnist'"),
        (["--hidden", "16", "0"], "--hidden: must be at least 1"),
        (["--noise", "-0.1"], "--noise: must be at least 0.0"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--dataset", "linear", "--loss", "hinge"], "--loss hinge needs class labels"),
        (["--momentum", "0.9"], "--momentum is for sgd"),
    ],
)
def test_nn_bad_options_are_one_line_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run("-m", "nn", *args, cwd=tmp_path)
    line = one_error_line(result)
    assert result.returncode == 2
    assert message in line
    assert not any(tmp_path.iterdir())  # nothing written


def test_nn_diverging_run_is_one_error_line_exit_1(tmp_path: Path) -> None:
    result = run(
        "-m", "nn", "--dataset", "linear", "--lr", "1e40", "--epochs", "30", "--no-progress",
        cwd=tmp_path,
    )  # fmt: skip
    line = one_error_line(result)
    assert result.returncode == 1
    assert line.startswith("error: training diverged")


def test_nn_unwritable_out_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    result = run(
        "-m", "nn", "--samples", "10", "--epochs", "1", "--no-progress", "--out", "taken",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert one_error_line(result).startswith("error: ")


def test_nn_help_lists_every_option(tmp_path: Path) -> None:
    result = run("-m", "nn", "--help", cwd=tmp_path)
    assert result.returncode == 0
    options = [
        "--dataset", "--hidden", "--activation", "--loss", "--optimizer", "--lr", "--epochs",
        "--batch-size", "--seed", "--samples", "--noise", "--out", "--no-progress",
        "--momentum", "--l2",
    ]  # fmt: skip
    for option in options:
        assert option in result.stdout
    for dataset in ("moons", "circles", "blobs", "spirals", "linear"):
        assert dataset in result.stdout


# --- python -m autograd -------------------------------------------------------------------------

NEURON = ["tanh(x*w + b)", "x=0.5", "w=-1", "b=2"]


def test_autograd_graph_prints_values_and_gradients(tmp_path: Path) -> None:
    result = run("-m", "autograd", "graph", *NEURON, "--out", "g.svg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    t = math.tanh(0.5 * -1 + 2)
    got = dict(re.findall(r"d/d(\w) = (\S+)", result.stdout))
    assert float(got["x"]) == pytest.approx((1 - t * t) * -1, rel=1e-9)
    assert float(got["w"]) == pytest.approx((1 - t * t) * 0.5, rel=1e-9)
    assert float(got["b"]) == pytest.approx(1 - t * t, rel=1e-9)
    assert f"= {t:.10g}" in result.stdout
    count, text = svg_nodes(tmp_path / "g.svg")
    assert count >= 7  # x, w, b, x*w, +, tanh: values and op ovals
    for label in ("x", "w", "b", "tanh", "*", "+"):
        assert label in text.split()


def test_autograd_graph_format_follows_the_suffix(tmp_path: Path) -> None:
    png = run("-m", "autograd", "graph", "x*x", "x=3", "--out", "sub/g.png", cwd=tmp_path)
    dot = run("-m", "autograd", "graph", "x*x", "x=3", "--out", "g.dot", cwd=tmp_path)
    assert png.returncode == dot.returncode == 0, png.stderr + dot.stderr
    assert png_size(tmp_path / "sub/g.png")[0] > 0
    assert (tmp_path / "g.dot").read_text().startswith("digraph")
    no_dot = run(
        "-m", "autograd", "graph", "x*x", "x=3", "--out", "h.svg", cwd=tmp_path,
        path_env=str(tmp_path / "no-such-bin"),
    )  # fmt: skip
    assert no_dot.returncode == 0
    assert "dot -Tsvg h.dot -o h.svg" in no_dot.stdout
    assert (tmp_path / "h.dot").exists() and not (tmp_path / "h.svg").exists()


def test_autograd_gradcheck_passes_and_fails_with_the_right_exit(tmp_path: Path) -> None:
    good = run(
        "-m", "autograd", "gradcheck", "x**3 / (1 + exp(-y))", "x=1.5", "y=0.3", cwd=tmp_path
    )
    assert good.returncode == 0, good.stderr
    assert "gradcheck passed" in good.stdout
    assert re.search(r"^x +1\.5 .* ok$", good.stdout, re.MULTILINE)
    assert re.search(r"^y +0\.3 .* ok$", good.stdout, re.MULTILINE)
    # A huge step makes the central difference wrong: the check must fail and say so.
    bad = run(
        "-m", "autograd", "gradcheck", "exp(x)", "x=1", "--eps", "0.5", "--rtol", "1e-9",
        cwd=tmp_path,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "FAILED" in bad.stdout and "Traceback" not in bad.stderr


def test_autograd_bindings_fold_look_alike_names_as_the_expression_does(tmp_path: Path) -> None:
    # Issue 12: ｘ in the expression means x, so ｘ=1 must bind it (it was a KeyError).
    folded = run("-m", "autograd", "gradcheck", "ｘ*2", "ｘ=1", cwd=tmp_path)
    assert folded.returncode == 0, folded.stderr
    assert re.search(r"^x +1 .* ok$", folded.stdout, re.MULTILINE)
    twice = run("-m", "autograd", "gradcheck", "x*2", "x=1", "ｘ=2", cwd=tmp_path)
    assert twice.returncode != 0
    assert twice.stderr.strip().count("\n") == 0 and "given twice" in twice.stderr


def test_autograd_explain_shows_each_step(tmp_path: Path) -> None:
    result = run("-m", "autograd", "explain", "x*y + x", "x=3", "y=4", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^x +5$", result.stdout, re.MULTILINE)  # dz/dx = y + 1
    assert re.search(r"^y +3$", result.stdout, re.MULTILINE)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["graph", "x.real", "x=1"], "attribute access is not allowed: 'x.real'"),
        (["graph", "__import__('os')", "x=1"], "unknown function '__import__'"),
        (["graph", "x*y", "x=1"], "no value for variable y"),
        (["graph", "x", "x=1", "z=2"], "unknown variable z"),
        (["graph", "x", "x=one"], "the value of x must be a number, got 'one'"),
        (["graph", "x", "x"], "expected NAME=VALUE, got 'x'"),
        (["graph", "log(x)", "x=-1"], "log() of a non-positive value: -1.0"),
        (["graph", "x", "x=1", "--out", "g.jpg"], "unknown suffix '.jpg'"),
        (["gradcheck", "2*3"], "has no variables"),
    ],
)
def test_autograd_bad_input_is_one_error_line(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = run("-m", "autograd", *args, cwd=tmp_path)
    line = one_error_line(result)
    assert result.returncode == 1
    assert line.startswith("error: ") and message in line


def test_autograd_usage_errors_exit_2_and_help_lists_commands(tmp_path: Path) -> None:
    missing = run("-m", "autograd", "graph", cwd=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    helped = run("-m", "autograd", "--help", cwd=tmp_path)
    assert helped.returncode == 0
    for command in ("graph", "gradcheck", "explain"):
        assert command in helped.stdout
    graph_help = run("-m", "autograd", "graph", "--help", cwd=tmp_path)
    assert "--out" in graph_help.stdout and ".dot" in graph_help.stdout


@pytest.mark.parametrize("where", ["folder", "folder/", "file/g.svg", "file/sub/g.png"])
def test_autograd_graph_out_that_cannot_be_written_is_one_error_line(
    tmp_path: Path, where: str
) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("a file, not a folder")
    result = run("-m", "autograd", "graph", "x*x", "x=3", "--out", where, cwd=tmp_path)
    line = one_error_line(result)
    assert result.returncode == 1 and result.stdout == ""  # nothing printed before the error
    assert line.startswith("error: cannot write the graph to ")
    assert ("is a folder" if where.startswith("folder") else "'file' is a file") in line
    assert (tmp_path / "file").read_text() == "a file, not a folder"
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_autograd_graph_out_in_a_read_only_folder_is_one_error_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run("-m", "autograd", "graph", "x", "x=1", "--out", "locked/g.svg", cwd=tmp_path)
    finally:
        locked.chmod(0o700)
    assert "Permission denied" in one_error_line(result)
    assert result.returncode == 1 and not any(locked.iterdir())


def test_autograd_without_a_command_prints_its_help(tmp_path: Path) -> None:
    result = run("-m", "autograd", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("usage: python -m autograd")
    for command in ("graph", "gradcheck", "explain"):
        assert command in result.stdout


def test_autograd_expression_with_a_leading_minus_hints_at_double_dash(tmp_path: Path) -> None:
    result = run("-m", "autograd", "graph", "-x*y", "x=2", "y=3", cwd=tmp_path)
    line = one_error_line(result)
    assert result.returncode == 2
    assert "-x*y" in line and "after --" in line
    fixed = run(
        "-m", "autograd", "graph", "--out", "g.dot", "--", "-x*y", "x=2", "y=3", cwd=tmp_path
    )
    assert fixed.returncode == 0, fixed.stderr
    assert "d/dx = -3" in fixed.stdout


def test_autograd_graph_svg_labels_constants_and_has_a_title(tmp_path: Path) -> None:
    result = run("-m", "autograd", "graph", "x**2 + 3*x", "x=2", "--out", "g.svg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = ET.parse(tmp_path / "g.svg").getroot()
    top = root.find(f"{SVG}g")
    assert top is not None and top.findtext(f"{SVG}title") == "computation graph of x**2+3*x"
    _, text = svg_nodes(tmp_path / "g.svg")
    assert "2 (const)" in text and "3 (const)" in text


def test_nn_graph_of_a_perfect_fit_shows_the_first_step_instead(tmp_path: Path) -> None:
    from nn.cli import _write_graph

    X = np.array([[1.0, 0.0], [-1.0, 0.0]])
    y = np.array([1, 0])
    model = nn.MLP(2, [1], seed=0)
    initial = model.state_dict()
    # w = (5, 0) puts both points beyond the margin: every hinge loss, every gradient is 0.
    names = [name for name, _ in model.named_parameters()]
    model.load_state_dict(dict(zip(names, [5.0, 0.0, 0.0])))
    path, what = _write_graph(model, X, y, nn.hinge_loss, tmp_path, initial)
    assert "at the first step" in what
    _, text = svg_nodes(path)
    assert any(float(g) != 0.0 for g in re.findall(r"grad (-?[0-9.e+-]+)", text))
    assert model.state_dict() == dict(zip(names, [5.0, 0.0, 0.0]))  # the model is untouched


def test_autograd_lang_ja_speaks_japanese_in_the_steps_the_picture_and_the_page(
    tmp_path: Path,
) -> None:
    # Issue 15: --lang ja on the command line, for explain's text, its page and the graph.
    ja = run(
        "-m", "autograd", "explain", "x*x + 2*x", "x=3", "--html", "e.html", "--lang", "ja",
        cwd=tmp_path,
    )  # fmt: skip
    assert ja.returncode == 0, ja.stderr
    assert "上流の勾配" in ja.stdout and "upstream" not in ja.stdout
    assert 'lang="ja"' in (tmp_path / "e.html").read_text(encoding="utf-8")
    en = run("-m", "autograd", "explain", "x*x + 2*x", "x=3", cwd=tmp_path)
    assert "upstream" in en.stdout and "勾配" not in en.stdout
    graph = run(
        "-m", "autograd", "graph", "x*x", "x=3", "--out", "g.dot", "--lang", "ja", cwd=tmp_path
    )  # fmt: skip
    assert graph.returncode == 0, graph.stderr
    assert "勾配" in (tmp_path / "g.dot").read_text(encoding="utf-8")
