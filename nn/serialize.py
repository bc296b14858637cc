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

* JSON, never pickle or eval: loading a file can build only ``Neuron``, ``Layer``, ``MLP``
  or a class the caller passes (``cls=`` or ``into=``), and set numbers, whatever the file
  holds. A file never makes chainrule import anything.
* A custom module is saved when its class defines ``config()``: the constructor arguments
  as plain JSON values. The file records the class's module-qualified name, and
  ``load(path, cls=TheClass)`` rebuilds it as ``TheClass(**config)``.
* Floats are written with ``repr``, the shortest text that reads back as the very same
  float, so a save/load round trip is bit-exact (subnormals and -0.0 included).
* NaN and infinity are refused at save time (``SerializationError`` naming the parameters):
  a model holding them is already broken, and JSON has no standard spelling for them.
* Writing is atomic (``nn.atomic``): the old file or the new one, never half of one; the
  file's mode is kept, a symbolic link is written through, and temporary files a killed
  save left behind are cleared by the next save to the same path.
* Loading checks everything (format, version, architecture, every name and number) before
  it assigns anything, so a bad file leaves the model it was loaded into untouched. Every
  bad file gives a ``SerializationError`` of at most 500 characters. Before building a
  ``Neuron``, ``Layer`` or ``MLP``, the number of parameters its architecture implies is
  compared with the number the file holds, so a small file cannot make ``load`` build a
  huge model: the memory used is bounded by the size of the file.
* ``save(model, path, optimizer=opt)`` also stores the optimizer's ``state_dict()`` (its
  settings and running averages) under ``"optimizer"``, so training can resume where it
  stopped; ``load(path, into=model, optimizer=opt)`` puts both back, or neither.
"""

from __future__ import annotations

import inspect
import itertools
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeAlias

from nn.atomic import write_atomically
from nn.layers import MLP, Layer, Neuron
from nn.module import Module
from nn.optim import Optimizer
from nn.state import SerializationError, _assign, _excerpt, _listing, _parse_json

__all__ = ["SerializationError", "load", "save"]

FORMAT = "chainrule.model"
VERSION = 1
# The classes nn.load builds by name. Any other class must be passed by the caller.
_BUILT_IN: dict[str, type[Module]] = {cls.__name__: cls for cls in (Neuron, Layer, MLP)}
_KEYS = ("format", "version", "class", "config", "parameters")
_OPTIONAL = ("optimizer",)  # {"class": "Adam", "state": optimizer.state_dict()}
# A built-in model is built only if its architecture implies at most this many parameters
# more than the file holds: enough to name a few missing ones, never a memory bomb.
_SLACK = 1000

PathLike: TypeAlias = str | os.PathLike[str]


def save(model: Module, path: PathLike, *, optimizer: Optimizer | None = None) -> None:
    """Write ``model`` to ``path`` as JSON, atomically (the old file survives any crash).

    ``Neuron``, ``Layer`` and ``MLP`` can be saved, and any module whose class defines
    ``config()`` (its constructor arguments as plain JSON values; load it back with
    ``load(path, cls=TheClass)``). A parameter that is NaN or infinite raises
    ``SerializationError``. With ``optimizer``, its ``state_dict()`` is saved beside the
    model, in the same file.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.json"
    >>> model = MLP(2, [3, 1], seed=0)
    >>> save(model, path)
    >>> load(path).state_dict() == model.state_dict()
    True
    """
    if not isinstance(model, Module):
        raise TypeError(f"save() takes a Module, got {type(model).__name__}")
    name = _saved_name(type(model), path)
    state = model.state_dict()
    bad = [n for n, v in state.items() if not math.isfinite(v)]
    if bad:
        raise SerializationError(
            f"cannot save to {path}: parameters that are not finite: {_listing(bad)} "
            f"(e.g. {state[bad[0]]!r}); the training diverged, try a smaller learning rate"
        )
    config = model.config()
    if name not in _BUILT_IN:
        _check_config(type(model), config, path)
    document: dict[str, object] = {
        "format": FORMAT,
        "version": VERSION,
        "class": name,
        "config": config,
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

    def write(f: TextIO) -> None:
        json.dump(document, f, indent=2, allow_nan=False)
        f.write("\n")

    write_atomically(path, write)


def _class_name(cls: type[Module]) -> str:
    """What the file calls ``cls``: the bare name of a built-in, else module.qualname."""
    if _BUILT_IN.get(cls.__name__) is cls:
        return cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_named(cls: type[Module], name: object) -> bool:
    """Whether a file's class ``name`` is ``cls``; a custom class may have changed module
    (saved from ``__main__``, loaded from a notebook), so its qualified name decides."""
    full = _class_name(cls)
    if not isinstance(name, str):
        return False
    return name == full or (full != cls.__name__ and name.endswith("." + cls.__qualname__))


def _saved_name(cls: type[Module], path: PathLike) -> str:
    if _BUILT_IN.get(cls.__name__) is cls or "config" in vars(cls):
        return _class_name(cls)
    raise SerializationError(
        f"cannot save a {cls.__name__} to {path}: nn.save knows {', '.join(_BUILT_IN)} "
        f"and modules whose class defines config() (the constructor's arguments as JSON "
        f"values); define {cls.__name__}.config(), or save model.state_dict() yourself"
    )


def _check_config(cls: type[Module], config: object, path: PathLike) -> None:
    """A custom module's config must be plain JSON and fit its constructor, or it won't load."""
    where = f"cannot save a {cls.__name__} to {path}: {cls.__name__}.config()"
    try:
        plain = isinstance(config, dict) and json.loads(json.dumps(config)) == config
    except (TypeError, ValueError):
        plain = False
    if not plain:
        raise SerializationError(
            f"{where} must return a dict of plain JSON values (str keys; dict, list, str, "
            f"int, finite float, bool, None), got {_excerpt(config)}"
        )
    assert isinstance(config, dict)
    try:
        inspect.signature(cls).bind(**config)
    except TypeError as e:
        raise SerializationError(
            f"{where} gives {_excerpt(config)}, which {cls.__name__}(**config) does not "
            f"take ({e}); return exactly the constructor's arguments"
        ) from None


def load(
    path: PathLike,
    into: Module | None = None,
    *,
    optimizer: Optimizer | None = None,
    cls: type[Module] | None = None,
) -> Module:
    """Read a model saved by ``save``: a new one, or the same weights put ``into`` a model.

    Args:
        path: the file.
        into: an existing model of the same class and architecture to load the parameters
            into (in place; optimizers holding its parameters keep working). It is returned.
        optimizer: an optimizer over ``into``'s parameters, of the class that was saved
            with ``save(..., optimizer=)``; its state is loaded too. The file must hold one.
        cls: the class of a custom module the file holds, built as ``cls(**config)``.
            ``Neuron``, ``Layer`` and ``MLP`` need no ``cls``; nothing else is ever built
            unless passed here (or as ``into``).

    Raises ``SerializationError`` (at most 500 characters) naming the file and the problem
    for a file that is not valid JSON, is truncated, has another format tag or version, an
    unknown class, a bad architecture, or parameters (or an optimizer state) that do not
    fit. The model and the optimizer are then both left untouched.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.json"
    >>> a, b = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    >>> save(a, path)
    >>> load(path, into=b) is b, b.state_dict() == a.state_dict()
    (True, True)
    """
    if optimizer is not None and into is None:
        raise ValueError(
            "load(path, optimizer=...) needs into=model too: the optimizer holds the "
            "parameters of that model, and both are loaded together"
        )
    if into is not None and not isinstance(into, Module):
        raise TypeError(f"load(into=...) takes a model (a Module), got {type(into).__name__}")
    if cls is not None and not (isinstance(cls, type) and issubclass(cls, Module)):
        raise TypeError(f"load(cls=...) takes a Module subclass, got {cls!r:.60}")
    document = _read(Path(path))
    name = document["class"]
    if cls is not None and not _is_named(cls, name):
        raise SerializationError(
            f"{path}: holds a {_excerpt(name)} model, not a {_class_name(cls)}; "
            "load it with the class it was saved from"
        )
    built = _class_for(path, name, cls or (type(into) if into is not None else None))
    config = document["config"]
    if into is None:
        into = _build(path, built, config, document["parameters"])
    elif not isinstance(into, built) or into.config() != config:
        raise SerializationError(
            f"{path}: holds {_describe(name, config)}, which does not fit the model "
            f"{into._header()}"
        )
    values = into._checked_state(document["parameters"], str(path))
    if optimizer is not None:
        checked = _checked_optimizer(path, document.get("optimizer"), optimizer)
        optimizer._apply_state(checked)  # everything checked: only now touch either
    _assign(values)
    return into


def _class_for(path: PathLike, name: object, given: type[Module] | None) -> type[Module]:
    """The class to build for the file's class ``name``: a built-in, or the one passed."""
    if given is not None and _is_named(given, name):
        return given
    if isinstance(name, str) and name in _BUILT_IN:
        return _BUILT_IN[name]
    raise SerializationError(
        f"{path}: unknown model class {_excerpt(name)}; nn.load builds "
        f"{', '.join(_BUILT_IN)}, and a custom module only from a class you pass: "
        "nn.load(path, cls=TheClass) or nn.load(path, into=model)"
    )


# Parameters a built-in architecture implies, counted from its config without building it;
# None when a size is not a positive int (the constructor then refuses it before building).
def _size(n: object) -> int | None:
    return n if type(n) is int and n >= 1 else None


def _count_dense(nin: object, nouts: object) -> int | None:
    """(nin + 1) * width, summed over the layers: weights and a bias per neuron."""
    if not isinstance(nouts, list) or not nouts:
        return None
    sizes = [_size(n) for n in [nin, *nouts]]
    known = [n for n in sizes if n is not None]
    if len(known) != len(sizes):
        return None
    return sum((a + 1) * b for a, b in itertools.pairwise(known))


_COUNTS: dict[type[Module], Callable[[dict[str, Any]], int | None]] = {
    Neuron: lambda c: _count_dense(c.get("nin"), [1]),
    Layer: lambda c: _count_dense(c.get("nin"), [c.get("nout")]),
    MLP: lambda c: _count_dense(c.get("nin"), c.get("nouts")),
}


def _build(path: PathLike, cls: type[Module], config: dict[str, Any], held: object) -> Module:
    """``cls(**config)``, once the config is known to fit the constructor and the file."""
    where = f"{path}: bad architecture for {cls.__name__}"
    try:
        inspect.signature(cls).bind(**config)
    except TypeError as e:
        raise SerializationError(f"{where}: {e}") from None
    implied = _COUNTS[cls](config) if cls in _COUNTS else None
    count = len(held) if isinstance(held, dict) else 0
    if implied is not None and implied > count + _SLACK:
        raise SerializationError(
            f"{path}: holds {count} parameters, but its architecture "
            f"{_describe(cls.__name__, config)} has {_excerpt(implied)}; "
            "the file is corrupt or was edited, nothing was built"
        )
    try:
        model = cls(**config)
    except Exception as e:  # the file chose these arguments: any failure is the file's
        raise SerializationError(f"{where}: {type(e).__name__}: {e}") from e
    if model.config() != config:
        raise SerializationError(
            f"{path}: {cls.__name__}(**config) gives {_describe(cls.__name__, model.config())}"
            f", not the file's {_describe(cls.__name__, config)}"
        )
    return model


def _checked_optimizer(
    path: PathLike, saved: object, optimizer: Optimizer
) -> tuple[dict[str, Any], dict[Any, dict[str, float]]]:
    name = type(optimizer).__name__
    if saved is None:
        raise SerializationError(
            f"{path}: holds no optimizer state; save it with save(model, path, optimizer=opt)"
        )
    if not isinstance(saved, dict) or set(saved) != {"class", "state"}:
        raise SerializationError(f"{path}: malformed optimizer entry: {_excerpt(saved)}")
    if saved["class"] != name:
        raise SerializationError(
            f"{path}: holds the state of a {_excerpt(saved['class'])} optimizer, not of a {name!r}"
        )
    try:
        return optimizer._checked_state(saved["state"], str(path))
    except SerializationError:
        raise
    except Exception as e:  # whatever the optimizer's check trips on, it is the file's
        raise SerializationError(f"{path}: bad optimizer state: {type(e).__name__}: {e}") from e


def _describe(name: object, config: object) -> str:
    if not isinstance(config, dict):
        return f"{_excerpt(name)} with config {_excerpt(config)}"
    args = ", ".join(f"{k}={_excerpt(v)}" for k, v in list(config.items())[:6])
    return f"{name if isinstance(name, str) and len(name) < 60 else _excerpt(name)}({args})"


def _read(path: Path) -> dict[str, Any]:
    """The checked top level of a model file: right format, version, known keys."""
    document = _parse_json(path.read_bytes(), str(path))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        tag = document.get("format") if isinstance(document, dict) else None
        raise SerializationError(
            f"{path}: not a chainrule model file (format tag {_excerpt(tag)}, expected {FORMAT!r})"
        )
    version = document.get("version")
    if isinstance(version, bool) or version != VERSION:
        raise SerializationError(
            f"{path}: model file version {_excerpt(version)} is not supported (this "
            f"chainrule reads version {VERSION}); save it again with this version"
        )
    missing = [k for k in _KEYS if k not in document]
    extra = [k for k in document if k not in _KEYS and k not in _OPTIONAL]
    if missing or extra:
        problems = [f"missing {_listing(missing)}"] if missing else []
        problems += [f"unexpected {_listing(extra)}"] if extra else []
        raise SerializationError(f"{path}: malformed model file: {'; '.join(problems)} keys")
    if not isinstance(document["config"], dict):
        raise SerializationError(f"{path}: the architecture (config) must be a JSON object")
    return document
