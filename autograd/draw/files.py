"""``write_graph``: a picture of the graph into a file, whatever the file's suffix asks for."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from autograd.draw.backend import GraphvizNotFoundError
from autograd.draw.graph import draw_dot
from autograd.engine import Value

__all__ = ["FORMATS", "check_writable", "write_graph"]

FORMATS = (".svg", ".png", ".dot")


def write_graph(root: Value, path: Path | str, **draw_options: Any) -> tuple[Path, str]:
    """Draw the graph of ``root`` into ``path`` (.svg, .png or .dot); return (path, note).

    ``draw_options`` go to ``draw_dot``. Missing folders are created. When an .svg or .png
    cannot be rendered because Graphviz's ``dot`` is not installed, the DOT source is written
    next to it instead, and the one-line note says so and how to render it later. A path that
    cannot be written (a folder, a file under a file, no permission) raises ``OSError`` with a
    one-line message naming it. The file is replaced whole or not at all.

    >>> import tempfile
    >>> x = Value(2.0, "x")
    >>> written, note = write_graph(x * x, Path(tempfile.mkdtemp()) / "g.dot")
    >>> written.read_text().startswith("digraph"), note
    (True, '')
    """
    path = Path(path)
    if path.suffix not in FORMATS:
        raise ValueError(
            f"cannot draw into {str(path)!r}: unknown suffix {path.suffix!r}; use one of "
            f"{', '.join(FORMATS)}"
        )
    check_writable(path)
    graph = draw_dot(root, **draw_options)
    if path.suffix == ".dot":
        _write(path, graph.source.encode("utf-8"))
        return path, ""
    try:
        data = graph.pipe(format=path.suffix[1:])
    except GraphvizNotFoundError:
        dot_path = path.with_suffix(".dot")
        _write(dot_path, graph.source.encode("utf-8"))
        return dot_path, (
            "note: Graphviz's dot is not installed, so wrote the DOT source instead; "
            f"render it with: dot -T{path.suffix[1:]} {dot_path} -o {path}"
        )
    _write(path, data)
    return path, ""


def check_writable(path: Path) -> None:
    """Refuse, in one line, a path that is a folder or lies under a file (``OSError``).

    >>> check_writable(Path(tempfile.gettempdir()))
    Traceback (most recent call last):
    ...
    IsADirectoryError: cannot write the graph to ...: it is a folder; give a file name, ...
    """
    if path.is_dir():
        raise IsADirectoryError(
            f"cannot write the graph to {str(path)!r}: it is a folder; "
            f"give a file name, e.g. {str(path / 'graph.svg')!r}"
        )
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise NotADirectoryError(
                    f"cannot write the graph to {str(path)!r}: {str(folder)!r} is a file, "
                    "not a folder"
                )
            break


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the folder, then a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise type(error)(f"cannot write the graph to {str(path)!r}: {_reason(error)}") from None
    try:
        os.chmod(temp, 0o644)  # mkstemp makes 0600; a picture is for everyone to read
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise type(error)(f"cannot write the graph to {str(path)!r}: {_reason(error)}") from None


def _reason(error: OSError) -> str:
    """What went wrong, in words: ``Permission denied``, ``Read-only file system``, ..."""
    return error.strerror or str(error)
