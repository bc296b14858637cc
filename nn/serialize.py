"""Saving and loading models as human-readable JSON.

A saved model is a JSON object (indented, so a diff or an editor shows it plainly)::

    {
      "format": "chainrule.model",
      "version": 1,
      "class": "MLP",
      "config": {"nin": 2, "nouts": [16, 1], "activation": "relu", "output_activation": "linear"},
      "parameters": {"layers.0.neurons.0.w.0": 0.4145..., ...}
    }

Design choices:

* JSON, never pickle or eval: loading a file can build only ``Neuron``, ``Layer`` or ``MLP``
  and set numbers, whatever the file holds.
* Floats are written with ``repr``, the shortest text that reads back as the very same
  float, so a save/load round trip is bit-exact (subnormals and -0.0 included).
* NaN and infinity are refused at save time (``SerializationError`` naming the parameters):
  a model holding them is already broken, and JSON has no standard spelling for them.
* Writing is atomic: the file is written to a temporary file next to the target, flushed to
  disk, then renamed over it in one step. A crash leaves the old file whole and no temporary
  file behind.
* Loading checks everything (format, version, architecture, every name and number) before
  it assigns anything, so a bad file leaves the model it was loaded into untouched.
* ``save(model, path, optimizer=opt)`` also stores the optimizer's ``state_dict()`` (its
  settings and running averages) under ``"optimizer"``, so training can resume where it
  stopped; ``load(path, into=model, optimizer=opt)`` puts both back, or neither.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
from pathlib import Path
from typing import Any, TypeAlias

from nn.layers import MLP, Layer, Neuron
from nn.module import Module
from nn.optim import Optimizer
from nn.state import SerializationError, _assign, _listing

__all__ = ["SerializationError", "load", "save"]

FORMAT = "chainrule.model"
VERSION = 1
# The classes nn.load may build. A file naming anything else is refused.
_LOADABLE: dict[str, type[Module]] = {cls.__name__: cls for cls in (Neuron, Layer, MLP)}
_KEYS = ("format", "version", "class", "config", "parameters")
_OPTIONAL = ("optimizer",)  # {"class": "Adam", "state": optimizer.state_dict()}

PathLike: TypeAlias = str | os.PathLike[str]


def save(model: Module, path: PathLike, *, optimizer: Optimizer | None = None) -> None:
    """Write ``model`` to ``path`` as JSON, atomically (the old file survives any crash).

    Only ``Neuron``, ``Layer`` and ``MLP`` can be saved; for other modules save their
    ``state_dict()``. A parameter that is NaN or infinite raises ``SerializationError``.
    With ``optimizer``, its ``state_dict()`` is saved beside the model, in the same file.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.json"
    >>> model = MLP(2, [3, 1], seed=0)
    >>> save(model, path)
    >>> load(path).state_dict() == model.state_dict()
    True
    """
    path = Path(path)
    name = type(model).__name__
    if _LOADABLE.get(name) is not type(model):
        raise SerializationError(
            f"cannot save a {name} to {path}: nn.save knows {', '.join(_LOADABLE)}; "
            "for other modules save model.state_dict() yourself"
        )
    state = model.state_dict()
    bad = [n for n, v in state.items() if not math.isfinite(v)]
    if bad:
        raise SerializationError(
            f"cannot save to {path}: parameters that are not finite: {_listing(bad)} "
            f"(e.g. {state[bad[0]]!r}); the training diverged, try a smaller learning rate"
        )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "class": name,
        "config": model._config(),
        "parameters": state,
    }
    if optimizer is not None:
        document["optimizer"] = {
            "class": type(optimizer).__name__,
            "state": optimizer.state_dict(),
        }
        try:
            json.dumps(document["optimizer"], allow_nan=False)
        except ValueError:
            raise SerializationError(
                f"cannot save to {path}: the optimizer's state is not finite; "
                "the training diverged, try a smaller learning rate"
            ) from None
    _write_atomically(path, document)


def _write_atomically(path: Path, document: dict[str, Any]) -> None:
    # The temporary file sits in the same directory, so os.replace is a rename within one
    # file system: atomic, the reader sees either the old file or the new one.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # 0o666 lets the umask decide the permissions, as for any new file.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2, allow_nan=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) on every platform."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def load(
    path: PathLike, into: Module | None = None, *, optimizer: Optimizer | None = None
) -> Module:
    """Read a model saved by ``save``: a new one, or the same weights put ``into`` a model.

    Args:
        path: the file.
        into: an existing model of the same class and architecture to load the parameters
            into (in place; optimizers holding its parameters keep working). It is returned.
        optimizer: an optimizer over ``into``'s parameters, of the class that was saved
            with ``save(..., optimizer=)``; its state is loaded too. The file must hold one.

    Raises ``SerializationError`` naming the file and the problem for a file that is not
    valid JSON, is truncated, has another format tag or version, an unknown class, a bad
    architecture, or parameters (or an optimizer state) that do not fit. The model and the
    optimizer are then both left untouched.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.json"
    >>> a, b = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    >>> save(a, path)
    >>> load(path, into=b) is b, b.state_dict() == a.state_dict()
    (True, True)
    """
    path = Path(path)
    if optimizer is not None and into is None:
        raise ValueError(
            "load(path, optimizer=...) needs into=model too: the optimizer holds the "
            "parameters of that model, and both are loaded together"
        )
    document = _read(path)
    cls = _LOADABLE[document["class"]]
    config = document["config"]
    if into is None:
        try:
            into = cls(**config)
        except (TypeError, ValueError) as e:
            raise SerializationError(f"{path}: bad architecture for {cls.__name__}: {e}") from e
    elif not isinstance(into, cls) or into._config() != config:
        raise SerializationError(
            f"{path}: holds {_describe(cls.__name__, config)}, "
            f"which does not fit the model {into._header()}"
        )
    values = into._checked_state(document["parameters"], str(path))
    if optimizer is not None:
        checked = _checked_optimizer(path, document.get("optimizer"), optimizer)
        optimizer._apply_state(checked)  # everything checked: only now touch either
    _assign(values)
    return into


def _checked_optimizer(
    path: Path, saved: object, optimizer: Optimizer
) -> tuple[dict[str, Any], dict[Any, dict[str, float]]]:
    name = type(optimizer).__name__
    if saved is None:
        raise SerializationError(
            f"{path}: holds no optimizer state; save it with save(model, path, optimizer=opt)"
        )
    if not isinstance(saved, dict) or set(saved) != {"class", "state"}:
        raise SerializationError(f"{path}: malformed optimizer entry: {saved!r:.80}")
    if saved["class"] != name:
        raise SerializationError(
            f"{path}: holds the state of a {saved['class']!r} optimizer, not of a {name!r}"
        )
    return optimizer._checked_state(saved["state"], str(path))


def _describe(name: str, config: dict[str, Any]) -> str:
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in config.items())})"


def _refuse_constant(name: str) -> float:
    raise SerializationError(f"{name} is not allowed in a model file")


def _read(path: Path) -> dict[str, Any]:
    """The checked top level of a model file: right format, version, known class."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SerializationError(f"{path}: not a model file (not UTF-8 text: {e})") from e
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as e:
        raise SerializationError(
            f"{path}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno}); "
            "the file is corrupt or truncated"
        ) from e
    except SerializationError as e:
        raise SerializationError(f"{path}: {e}") from e
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        tag = document.get("format") if isinstance(document, dict) else None
        raise SerializationError(
            f"{path}: not a chainrule model file (format tag {tag!r}, expected {FORMAT!r})"
        )
    version = document.get("version")
    if isinstance(version, bool) or version != VERSION:
        raise SerializationError(
            f"{path}: model file version {version!r} is not supported (this chainrule reads "
            f"version {VERSION}); save it again with this version"
        )
    missing = [k for k in _KEYS if k not in document]
    extra = [k for k in document if k not in _KEYS and k not in _OPTIONAL]
    if missing or extra:
        problems = [f"missing {_listing(missing)}"] if missing else []
        problems += [f"unexpected {_listing(extra)}"] if extra else []
        raise SerializationError(f"{path}: malformed model file: {'; '.join(problems)} keys")
    if not isinstance(document["class"], str) or document["class"] not in _LOADABLE:
        raise SerializationError(
            f"{path}: unknown model class {document['class']!r}; "
            f"nn.load builds {', '.join(_LOADABLE)}"
        )
    if not isinstance(document["config"], dict):
        raise SerializationError(f"{path}: the architecture (config) must be a JSON object")
    return document
