"""Regenerate the graph pictures of the README: ``python docs/images/make_images.py`` (needs dot).

* ``graph.svg``, ``explain.txt`` and ``backprop_step_2.svg``: micrograd's neuron,
  ``o = tanh(x1*w1 + x2*w2 + b)``, after ``backward()``;
* ``moons_graph.svg``: the picture ``python -m nn`` draws for its default run (the loss of
  one example, boxed by layer and neuron, coloured by gradient), copied from a run made here;
* ``pytorch_overlay.ja.png``: copied from notebook 08's committed outputs, so it is drawn in
  one place (rebuild the notebook first: ``python notebooks/build.py ja/08``).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not

from autograd import Value, draw_dot, explain  # noqa: E402


def neuron() -> Value:
    """micrograd's example neuron, with every node labelled as in its README."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def moons_graph(target: Path) -> None:
    """Run ``python -m nn`` with its defaults in a temporary folder and keep its graph.svg."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "nn", "--no-progress", "--out", folder],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        shutil.copyfile(Path(folder) / "graph.svg", target)


def notebook_figure(notebook: Path, index: int = 0) -> bytes:
    """The PNG bytes of the ``index``-th figure among a committed notebook's outputs."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    pngs = [
        output["data"]["image/png"]
        for cell in cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    return base64.b64decode(pngs[index])


def main() -> None:
    o = neuron()
    o.backward()
    (HERE / "graph.svg").write_bytes(draw_dot(o).pipe(format="svg"))
    (HERE / "explain.txt").write_text(str(explain(o)) + "\n", encoding="utf-8")
    (HERE / "backprop_step_2.svg").write_bytes(explain(o).frame(2).pipe(format="svg"))
    moons_graph(HERE / "moons_graph.svg")
    notebooks = HERE.parents[1] / "notebooks"
    overlay = notebook_figure(notebooks / "ja" / "08_graduating_to_pytorch.ipynb")
    (HERE / "pytorch_overlay.ja.png").write_bytes(overlay)


if __name__ == "__main__":
    main()
