"""Build the tutorial notebooks from their sources, run them, and save them with outputs.

The sources live in ``notebooks/src/<lang>/<name>.py`` in the "percent" format that
jupytext and VS Code understand: ``# %%`` starts a code cell, ``# %% [markdown]`` starts a
markdown cell whose lines are comments (the leading ``# `` is stripped). English notebooks
are written to ``notebooks/<name>.ipynb``, the other languages to
``notebooks/<lang>/<name>.ipynb``.

Usage (from the repository root)::

    .venv/bin/python notebooks/build.py               # build and execute every notebook
    .venv/bin/python notebooks/build.py 01 ja/02      # only those (matched by prefix)
    .venv/bin/python notebooks/build.py --no-execute  # write the cells, keep no outputs

Executing needs nbclient and ipykernel (``pip install chainrule[notebooks]``). Every
notebook seeds its random numbers, so rebuilding gives the same outputs.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = HERE / "src"
CELL_START = re.compile(r"^# %%(?P<rest>.*)$")
LANG_NAMES = {"en": "English", "ja": "Japanese"}


def parse_cells(text: str) -> list[nbformat.NotebookNode]:
    """Split a percent-format source into notebook cells; text before the first marker is dropped.

    >>> [c.cell_type for c in parse_cells("# %% [markdown]\\n# Hi\\n# %%\\nx = 1")]
    ['markdown', 'code']
    """
    cells: list[nbformat.NotebookNode] = []
    kind: str | None = None
    lines: list[str] = []

    def flush() -> None:
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(_uncomment(line) for line in body.split("\n"))
            cells.append(new_markdown_cell(body))
        else:
            cells.append(new_code_cell(body))

    for line in text.split("\n"):
        match = CELL_START.match(line)
        if match:
            flush()
            kind = "markdown" if "[markdown]" in match["rest"] else "code"
            lines = []
        else:
            lines.append(line)
    flush()
    return cells


def _uncomment(line: str) -> str:
    if not line.strip():
        return ""
    if line.startswith("# "):
        return line[2:]
    if line.startswith("#"):
        return line[1:]
    raise ValueError(f"markdown line does not start with '#': {line!r}")


def target_of(source: Path) -> Path:
    """Where the notebook built from ``source`` goes: English at the top, others in a folder."""
    lang = source.parent.name
    folder = HERE if lang == "en" else HERE / lang
    return folder / (source.stem + ".ipynb")


def build(source: Path) -> Path:
    """Write the notebook for one source file (no outputs yet) and return its path."""
    nb = new_notebook(cells=parse_cells(source.read_text(encoding="utf-8")))
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # fixed ids (nbformat draws random ones): stable diffs
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    target = target_of(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


def execute(path: Path) -> float:
    """Run a notebook top to bottom in its own folder, save it with outputs, return seconds."""
    from nbclient import NotebookClient  # only needed when executing

    nb = nbformat.read(path, as_version=4)
    # The notebooks put the checkout on sys.path themselves; this covers running elsewhere.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata["language_info"] = {"name": "python"}  # no interpreter version: stable diffs
    _drop_addresses(nb)
    _merge_streams(nb)
    nbformat.write(nb, path)
    return seconds


def _drop_addresses(nb: nbformat.NotebookNode) -> None:
    """Remove text reprs like ``<Digraph at 0x7f...>`` that sit next to a picture.

    The address changes on every run; the picture is what readers see anyway.
    """
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            has_picture = any(kind.startswith("image/") for kind in data)
            if has_picture and re.search(r" at 0x[0-9a-f]+>", data.get("text/plain", "")):
                del data["text/plain"]


def _merge_streams(nb: nbformat.NotebookNode) -> None:
    """Join consecutive stdout (or stderr) chunks: how prints are split depends on timing."""
    for cell in nb.cells:
        merged: list[nbformat.NotebookNode] = []
        for output in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if (
                output.output_type == "stream"
                and last is not None
                and last.output_type == "stream"
                and last.name == output.name
            ):
                last.text += output.text
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("only", nargs="*", help="prefixes like 01 or ja/02 (default: all)")
    parser.add_argument("--no-execute", action="store_true", help="write cells only")
    args = parser.parse_args(argv)

    sources = sorted(SRC.glob("*/*.py"))
    if args.only:
        sources = [
            s
            for s in sources
            if any(
                f"{s.parent.name}/{s.stem}".startswith(p) or s.stem.startswith(p)
                for p in args.only
            )
        ]
    if not sources:
        print(f"no notebook source matches {args.only}", file=sys.stderr)
        return 1
    for source in sources:
        target = build(source)
        line = f"{target.relative_to(ROOT)}"
        if not args.no_execute:
            seconds = execute(target)
            line += f"  {seconds:5.1f} s"
        line += f"  {target.stat().st_size / 1024:6.1f} KB"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
