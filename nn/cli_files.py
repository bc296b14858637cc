"""Where ``python -m nn`` writes: the --out checks, the run folder, and data.json.

The folder is checked before training, so a bad --out costs nothing. The files of a run are
written into a hidden staging folder beside --out and moved into place at the end: a run that
fails while writing leaves nothing behind, and the error names the file and says what the
folder holds. Command-line code only: the library never imports it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nn.i18n import message
from nn.preprocessing import Standardizer

DATA_JSON = "data.json"
_FORMAT = "chainrule-cli-data"


class CliError(Exception):
    """A failure the command line has already put into words: one line, exit status 1."""


def check_out(folder: Path, lang: str) -> list[Path]:
    """Refuse a --out folder that could not receive the run; return the folders to create.

    >>> check_out(Path(tempfile.mkdtemp()) / "a" / "b", "en")[-1].name
    'b'
    """
    if folder.exists() and not folder.is_dir():
        raise CliError(message("cli.error.out_file", lang, path=folder))
    missing: list[Path] = []
    existing = folder
    while not existing.exists():
        missing.append(existing)
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise CliError(message("cli.error.out_parent", lang, path=folder, parent=existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CliError(message("cli.error.out_unwritable", lang, path=folder, folder=existing))
    return missing[::-1]


class RunFolder:
    """The --out folder, filled through a staging folder and moved into place by ``commit``.

    ``path(name)`` is where to write a file now; ``final(path)`` is where it will end up.
    """

    def __init__(self, folder: Path, lang: str) -> None:
        self.folder = folder
        self.lang = lang
        self.created = check_out(folder, lang)
        for new in self.created[:-1]:
            new.mkdir()
        # Inside --out when it exists (its parent may not be ours to write), else beside it,
        # on the same file system either way so that the final move is a rename.
        where = folder if folder.exists() else folder.parent
        self.staging = Path(tempfile.mkdtemp(prefix=".run.", suffix=".tmp", dir=where))
        # mkdtemp's folder is private (0700); the run folder gets the mode mkdir would give.
        umask = os.umask(0)
        os.umask(umask)
        self.staging.chmod(0o777 & ~umask)

    def path(self, name: str) -> Path:
        """Where to write the file ``name`` now (inside the staging folder)."""
        return self.staging / name

    def final(self, path: Path) -> Path:
        """Where a file written at ``path`` will be once the run is committed."""
        return self.folder / path.relative_to(self.staging)

    @contextmanager
    def writing(self, name: str) -> Iterator[None]:
        """Turn an OSError while writing ``name`` into one line naming the file."""
        try:
            yield
        except OSError as err:
            self.discard()
            state = message("cli.error.write.nothing", self.lang, folder=self.folder)
            reason = err.strerror or str(err)
            path = self.folder / name
            raise CliError(
                message("cli.error.write", self.lang, path=path, reason=reason, state=state)
            ) from err

    def discard(self) -> None:
        """Remove the staging folder and the folders this run created."""
        shutil.rmtree(self.staging, ignore_errors=True)
        for new in reversed(self.created[:-1]):
            try:
                new.rmdir()
            except OSError:
                break

    def commit(self) -> None:
        """Move the written files into --out: the whole folder at once when it is new."""
        if not self.folder.exists():
            try:
                self.staging.rename(self.folder)
                return
            except OSError:
                self.folder.mkdir(exist_ok=True)  # lost a race: move file by file below
        moved: list[str] = []
        for path in sorted(self.staging.iterdir()):
            if path.is_dir():
                continue
            try:
                os.replace(path, self.folder / path.name)
            except OSError as err:
                state = (
                    message(
                        "cli.error.write.partial",
                        self.lang,
                        folder=self.folder,
                        written=", ".join(moved),
                    )
                    if moved
                    else message("cli.error.write.nothing", self.lang, folder=self.folder)
                )
                shutil.rmtree(self.staging, ignore_errors=True)
                raise CliError(
                    message(
                        "cli.error.write",
                        self.lang,
                        path=self.folder / path.name,
                        reason=err.strerror or str(err),
                        state=state,
                    )
                ) from err
            moved.append(path.name)
        self.staging.rmdir()


def data_document(
    feature_names: list[str],
    class_names: list[str] | None,
    scaler: Standardizer | None,
    *,
    loss: str,
    target: str,
) -> dict[str, Any]:
    """What predict needs besides the weights: column order, scaling, class names, loss."""
    return {
        "format": _FORMAT,
        "version": 1,
        "feature_names": feature_names,
        "target": target,
        "class_names": class_names,
        "loss": loss,
        "standardizer": None if scaler is None else scaler.to_dict(),
    }


def write_json(path: Path, document: dict[str, Any]) -> Path:
    """Write ``document`` as indented JSON (into the staging folder, so no temp file here)."""
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_data_document(path: Path) -> dict[str, Any]:
    """Read and check a data.json; a ValueError names the file and the field."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from None
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise ValueError(f"{path}: not a data.json written by python -m nn")
    names = document.get("feature_names")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{path}: 'feature_names' must be a list of column names")
    classes = document.get("class_names")
    if classes is not None and not (
        isinstance(classes, list) and all(isinstance(c, str) for c in classes)
    ):
        raise ValueError(f"{path}: 'class_names' must be null or a list of names")
    if document.get("loss") not in ("hinge", "bce", "cross_entropy", "mse"):
        raise ValueError(f"{path}: 'loss' must name one of python -m nn's losses")
    return document
