"""The tutorial notebooks run top to bottom, and the committed copies match their sources.

Each notebook is executed in its own folder with a fresh ``python3`` kernel, as a reader
would run it from a checkout. Skipped only when nbclient or ipykernel is not installed.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(
    p for p in NOTEBOOK_DIR.glob("**/*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
SERIES = [
    "01_gradient_descent_by_hand",
    "02_the_value_engine",
    "03_backprop_step_by_step",
    "04_from_neuron_to_mlp",
    "05_checking_gradients",
    "06_learning_rates_and_optimizers",
]


def _name(path: Path) -> str:
    return path.relative_to(NOTEBOOK_DIR).as_posix()


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notebook_build", NOTEBOOK_DIR / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_whole_series_is_there() -> None:
    names = {_name(p) for p in NOTEBOOKS}
    missing = [f"{n}.ipynb" for n in SERIES if f"{n}.ipynb" not in names]
    missing += [f"ja/{n}.ipynb" for n in SERIES if f"ja/{n}.ipynb" not in names]
    assert not missing, f"notebooks missing: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_committed_notebook_matches_its_source_and_has_outputs(path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    builder = _load_builder()
    lang = "en" if path.parent == NOTEBOOK_DIR else path.parent.name
    source = NOTEBOOK_DIR / "src" / lang / f"{path.stem}.py"
    assert source.exists(), f"{_name(path)} has no source {source}; edit sources, not .ipynb"
    expected = builder.parse_cells(source.read_text(encoding="utf-8"))
    nb = nbformat.read(path, as_version=4)
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        (c.cell_type, c.source) for c in expected
    ], f"{_name(path)} is stale: run `python notebooks/build.py {lang}/{path.stem[:2]}`"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "saved without outputs"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    # Outputs must stay small enough to read on GitHub.
    assert path.stat().st_size < 400_000, f"{_name(path)}: {path.stat().st_size} bytes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_notebook_runs_top_to_bottom(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    monkeypatch.setenv("PYTHONPATH", pythonpath)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in errors if o.output_type == "error"]
