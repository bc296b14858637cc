"""The tutorial notebooks run top to bottom, and the committed copies match their sources.

Each notebook is executed in its own folder with a fresh ``python3`` kernel, as a reader
would run it from a checkout. Skipped only when nbclient or ipykernel is not installed, or
when the notebook needs an optional package that is not (its source's header says so:
``# needs: torch``).
A notebook whose figures lack glyphs (Japanese words drawn without a CJK font) fails.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
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
    "07_from_scalars_to_tensors",
    "08_graduating_to_pytorch",
]
# Optional packages a notebook may need; its source declares each in a header line
# before the first cell, `# needs: torch`, and is skipped where one is missing.
OPTIONAL = ("torch",)
NEEDS = re.compile(r"^# needs: (?P<modules>.+)$", re.M)


# matplotlib's warning for a character its fonts cannot draw (a box appears instead).
MISSING_GLYPH = re.compile(r"Glyph \d+ .*missing from font")


def _name(path: Path) -> str:
    return path.relative_to(NOTEBOOK_DIR).as_posix()


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notebook_build", NOTEBOOK_DIR / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _needs(source: str) -> list[str]:
    """The optional packages a notebook source declares in its header (before any cell)."""
    header = source.split("# %%", 1)[0]
    return [m.strip() for found in NEEDS.finditer(header) for m in found["modules"].split(",")]


def _language(path: Path) -> str:
    return "en" if path.parent == NOTEBOOK_DIR else path.parent.name


def _stream_text(nb: object) -> str:
    cells = getattr(nb, "cells", [])
    return "".join(
        o.get("text", "") for c in cells if c.cell_type == "code" for o in c.get("outputs", [])
    )


def test_the_whole_series_is_there() -> None:
    names = {_name(p) for p in NOTEBOOKS}
    missing = [f"{n}.ipynb" for n in SERIES if f"{n}.ipynb" not in names]
    missing += [f"ja/{n}.ipynb" for n in SERIES if f"ja/{n}.ipynb" not in names]
    assert not missing, f"notebooks missing: {missing}"
    sources = sorted(p.stem for p in (NOTEBOOK_DIR / "src").glob("*.py"))
    built = sorted({p.stem for p in NOTEBOOKS})
    assert sources == built, "every source builds an English and a Japanese notebook"


@pytest.mark.parametrize(
    "source", sorted((NOTEBOOK_DIR / "src").glob("*.py")), ids=lambda p: p.stem
)
def test_a_notebook_that_imports_an_optional_package_declares_it(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    imported = [m for m in OPTIONAL if re.search(rf"^\s*(?:import|from) {m}\b", text, re.M)]
    needs = _needs(text)
    assert set(needs) <= set(OPTIONAL), f"{source.name}: unknown needs {needs}"
    missing = sorted(set(imported) - set(needs))
    assert not missing, f"{source.name} imports {missing}: add `# needs: {', '.join(missing)}`"


def test_needs_is_read_from_the_header_only() -> None:
    assert _needs("# needs: torch\n# %%\nimport torch\n") == ["torch"]
    assert _needs("# %% [markdown] en\n# needs: torch\n") == []
    assert _needs("# header\n# needs: torch, sklearn\n\n# %%\n") == ["torch", "sklearn"]


def test_the_builder_resolves_words_and_comments_per_language() -> None:
    builder = _load_builder()
    source = (
        "# header, dropped\n"
        "# %% [markdown] en\n# Hello\n"
        "# %% [markdown] ja\n# こんにちは\n"
        "# %%\n"
        'LANG = T("en", "ja")  # en: the language  ja: 言語\n'
        "# ja: 日本語だけの行\n"
        "x = 2  # shared comment\n"
        'print(T(f"{x} apples", f"りんご {x} 個"), "#", T("a", "あ"))\n'
    )
    en = builder.parse_cells(source, "en")
    ja = builder.parse_cells(source, "ja")
    assert [(c.cell_type, c.source) for c in en] == [
        ("markdown", "Hello"),
        (
            "code",
            'LANG = "en"  # the language\nx = 2  # shared comment\nprint(f"{x} apples", "#", "a")',
        ),
    ]
    assert [(c.cell_type, c.source) for c in ja] == [
        ("markdown", "こんにちは"),
        (
            "code",
            'LANG = "ja"  # 言語\n# 日本語だけの行\nx = 2  # shared comment\n'
            'print(f"りんご {x} 個", "#", "あ")',
        ),
    ]
    with pytest.raises(builder.SourceError, match="line 2: T\\(\\) takes 2 string literals"):
        builder.parse_cells('# %%\nprint(T("only English"))', "ja")
    with pytest.raises(builder.SourceError, match="code is shared"):
        builder.parse_cells("# %% ja\nx = 1", "ja")
    with pytest.raises(builder.SourceError, match="unknown cell marker"):
        builder.parse_cells("# %% [markdown] fr\n# Bonjour", "en")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_committed_notebook_matches_its_source_and_has_outputs(path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    builder = _load_builder()
    lang = _language(path)
    source = NOTEBOOK_DIR / "src" / f"{path.stem}.py"
    assert source.exists(), f"{_name(path)} has no source {source}; edit sources, not .ipynb"
    expected = builder.parse_cells(source.read_text(encoding="utf-8"), lang)
    nb = nbformat.read(path, as_version=4)
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        (c.cell_type, c.source) for c in expected
    ], f"{_name(path)} is stale: run `python notebooks/build.py {lang}/{path.stem[:2]}`"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "saved without outputs"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not MISSING_GLYPH.search(_stream_text(nb)), f"{_name(path)} drew boxes for glyphs"
    # Outputs must stay small enough to read on GitHub.
    assert path.stat().st_size < 400_000, f"{_name(path)}: {path.stat().st_size} bytes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_notebook_runs_top_to_bottom(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    source = NOTEBOOK_DIR / "src" / f"{path.stem}.py"
    for module in _needs(source.read_text(encoding="utf-8")) if source.exists() else []:
        pytest.importorskip(module, reason=f"{_name(path)} needs {module}")
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
    # A figure with words its font cannot draw shows boxes; matplotlib warns on stderr.
    assert not MISSING_GLYPH.search(_stream_text(nb)), MISSING_GLYPH.search(_stream_text(nb))


def test_a_figure_that_lacks_glyphs_is_caught(tmp_path: Path) -> None:
    """The check above can fail: Japanese words in a font without them leave the warning."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    code = (
        "import matplotlib.pyplot as plt\n"
        'plt.rcParams["font.family"] = ["DejaVu Sans"]  # no Japanese glyphs\n'
        'plt.title("損失"); plt.show()'
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert MISSING_GLYPH.search(_stream_text(nb))


def test_the_docs_picture_is_the_japanese_notebooks_overlay() -> None:
    """docs/images/pytorch_overlay.ja.png is copied from notebook 08's output, not redrawn."""
    images = ROOT / "docs" / "images"
    sys.path.insert(0, str(images))
    try:
        from make_images import notebook_figure
    finally:
        sys.path.pop(0)
    figure = notebook_figure(NOTEBOOK_DIR / "ja" / "08_graduating_to_pytorch.ipynb")
    assert figure.startswith(b"\x89PNG")
    # Compare digests: pytest's diff of two PNGs' bytes would take minutes to print.
    committed = hashlib.sha256((images / "pytorch_overlay.ja.png").read_bytes()).hexdigest()
    assert committed == hashlib.sha256(figure).hexdigest(), (
        "run `python docs/images/make_images.py` after rebuilding notebook 08"
    )
