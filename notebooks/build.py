"""Build the tutorial notebooks from their sources, run them, and save them with outputs.

Every notebook has ONE source, ``notebooks/src/<name>.py``, shared by all languages: code is
written once, prose once per language. It is a Python file in the "percent" format (as
jupytext and VS Code use), with a language tag on the prose:

- ``# %%`` starts a code cell, in every language's notebook;
- ``# %% [markdown] en`` (or ``ja``) starts a markdown cell of that language only; its lines
  are comments (the leading ``# `` is stripped). ``# %% [markdown]`` with no tag is shared;
- in code, ``T("English", "日本語")`` is the text a reader sees (a title, a label, a printed
  word): the notebook of each language gets the literal of its own language in its place.
  Both arguments are string literals (f-strings too). ``LANG = T("en", "ja")`` gives code
  the notebook's language, for helpers such as ``nn.plots`` that take one;
- a code comment that starts with a tag, ``# en: the seed  ja: 乱数の種``, keeps the part of
  each language; a comment line tagged with another language only is left out.

English notebooks are written to ``notebooks/<name>.ipynb``, the others to
``notebooks/<lang>/<name>.ipynb``.

Usage (from the repository root)::

    .venv/bin/python notebooks/build.py               # build and execute every notebook
    .venv/bin/python notebooks/build.py 01 ja/02      # only those (matched by prefix)
    .venv/bin/python notebooks/build.py --no-execute  # write the cells, keep no outputs

Executing needs nbclient and ipykernel (``pip install chainrule[notebooks]``). Every
notebook seeds its random numbers, so rebuilding gives the same files.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import re
import sys
import time
import tokenize
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = HERE / "src"
LANGS = ("en", "ja")  # the order of T()'s arguments
CELL_START = re.compile(r"^# %%(?P<rest>.*)$")
CELL_KIND = re.compile(r"^(?: \[(?P<kind>markdown)\])?(?: (?P<lang>[a-z]{2}))?\s*$")
COMMENT_TAG = re.compile(r"(?:^|\s+)(?P<lang>[a-z]{2}): ")


class SourceError(ValueError):
    """A notebook source breaks the format; the message names the line."""


def parse_cells(text: str, lang: str = "en") -> list[nbformat.NotebookNode]:
    """The cells of the ``lang`` notebook built from a source; text before the first marker is dropped.

    >>> src = '# %% [markdown] en\\n# Hi\\n# %% [markdown] ja\\n# やあ\\n# %%\\nprint(T("hi", "やあ"))'
    >>> [(c.cell_type, c.source) for c in parse_cells(src, "ja")]
    [('markdown', 'やあ'), ('code', 'print("やあ")')]
    """
    if lang not in LANGS:
        raise SourceError(f"unknown language {lang!r}; the languages are {LANGS}")
    cells: list[nbformat.NotebookNode] = []
    kind: str | None = None
    cell_lang: str | None = None
    start = 0
    lines: list[str] = []

    def flush() -> None:
        if kind is None or cell_lang not in (None, lang):
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(_uncomment(line, start) for line in body.split("\n"))
            cells.append(new_markdown_cell(body))
        else:
            cells.append(new_code_cell(localize_code(body, lang, start)))

    for number, line in enumerate(text.split("\n"), 1):
        match = CELL_START.match(line)
        if not match:
            lines.append(line)
            continue
        flush()
        header = CELL_KIND.match(match["rest"])
        if header is None or (header["lang"] and header["lang"] not in LANGS):
            raise SourceError(f"line {number}: unknown cell marker {line!r}; see notebooks/README.md")
        kind = header["kind"] or "code"
        cell_lang = header["lang"]
        if kind == "code" and cell_lang:
            raise SourceError(f"line {number}: code is shared by all languages: use T() for its words")
        start, lines = number, []
    flush()
    return cells


def localize_code(code: str, lang: str, first_line: int = 0) -> str:
    """The code of a cell as the ``lang`` notebook shows it: T() calls and tagged comments resolved.

    >>> localize_code('x = 1  # en: one  ja: いち\\nprint(T(f"{x} apple", f"りんご{x}個"))', "ja")
    'x = 1  # いち\\nprint(f"りんご{x}個")'
    """
    return _resolve_calls(_resolve_comments(code, lang), lang, first_line)


def _resolve_comments(code: str, lang: str) -> str:
    lines = code.split("\n")
    drop: set[int] = set()
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    comments = [t for t in tokens if t.type == tokenize.COMMENT]
    for token in reversed(comments):
        row, col = token.start
        parts = _comment_parts(token.string)
        if parts is None:
            continue
        line = lines[row - 1]
        text = parts.get(lang)
        if text is not None:
            lines[row - 1] = line[:col] + "# " + text
        elif line[:col].strip():
            lines[row - 1] = line[:col].rstrip()
        else:
            drop.add(row - 1)
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def _comment_parts(comment: str) -> dict[str, str] | None:
    """``# en: a  ja: b`` -> {"en": "a", "ja": "b"}; None for a comment with no tag."""
    body = comment[1:].lstrip()
    if not COMMENT_TAG.match(body) or COMMENT_TAG.match(body)["lang"] not in LANGS:
        return None
    pieces = COMMENT_TAG.split(body)  # ["", "en", "a", "ja", "b"]
    tags, texts = pieces[1::2], pieces[2::2]
    if pieces[0] or any(tag not in LANGS for tag in tags):
        return None  # "# note: ..." is an ordinary comment
    return {tag: text.rstrip() for tag, text in zip(tags, texts)}


def _resolve_calls(code: str, lang: str, first_line: int) -> str:
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise SourceError(f"line {first_line + (error.lineno or 0)}: {error.msg}") from None
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "T"
    ]
    lines = code.split("\n")
    # Replace from the last call backwards so that earlier positions stay valid.
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset), reverse=True):
        where = f"line {first_line + call.lineno}"
        literal = (ast.Constant, ast.JoinedStr)
        if len(call.args) != len(LANGS) or call.keywords or not all(
            isinstance(a, literal) and (not isinstance(a, ast.Constant) or isinstance(a.value, str))
            for a in call.args
        ):
            raise SourceError(f"{where}: T() takes {len(LANGS)} string literals, one per language {LANGS}")
        chosen = ast.get_source_segment(code, call.args[LANGS.index(lang)])
        assert chosen is not None and call.end_lineno is not None and call.end_col_offset is not None
        start = _char_offset(lines, call.lineno, call.col_offset)
        end = _char_offset(lines, call.end_lineno, call.end_col_offset)
        flat = "\n".join(lines)
        lines = (flat[:start] + chosen + flat[end:]).split("\n")
    return "\n".join(lines)


def _char_offset(lines: list[str], lineno: int, byte_col: int) -> int:
    """ast counts columns in UTF-8 bytes; the offset of that point in the joined text."""
    before = sum(len(line) + 1 for line in lines[: lineno - 1])
    return before + len(lines[lineno - 1].encode("utf-8")[:byte_col].decode("utf-8"))


def _uncomment(line: str, start: int) -> str:
    if not line.strip():
        return ""
    if line.startswith("# "):
        return line[2:]
    if line.startswith("#"):
        return line[1:]
    raise SourceError(f"markdown cell at line {start}: a line does not start with '#': {line!r}")


def target_of(source: Path, lang: str) -> Path:
    """Where the ``lang`` notebook of ``source`` goes: English at the top, others in a folder."""
    folder = HERE if lang == "en" else HERE / lang
    return folder / (source.stem + ".ipynb")


def build(source: Path, lang: str) -> Path:
    """Write the ``lang`` notebook of one source file (no outputs yet) and return its path."""
    try:
        cells = parse_cells(source.read_text(encoding="utf-8"), lang)
    except SourceError as error:
        raise SourceError(f"{source.relative_to(ROOT)}: {error}") from None
    nb = new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # fixed ids (nbformat draws random ones): stable diffs
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    target = target_of(source, lang)
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

    jobs = [(source, lang) for source in sorted(SRC.glob("*.py")) for lang in LANGS]
    if args.only:
        jobs = [
            (s, lang)
            for s, lang in jobs
            if any(f"{lang}/{s.stem}".startswith(p) or s.stem.startswith(p) for p in args.only)
        ]
    if not jobs:
        print(f"no notebook source matches {args.only}", file=sys.stderr)
        return 1
    for source, lang in jobs:
        target = build(source, lang)
        line = f"{target.relative_to(ROOT)}"
        if not args.no_execute:
            seconds = execute(target)
            line += f"  {seconds:5.1f} s"
        line += f"  {target.stat().st_size / 1024:6.1f} KB"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
