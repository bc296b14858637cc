"""``Module``: the base of every model; it finds, names and resets what a model owns.

A module owns its parameters (Values) and its sub-modules. Nothing is registered by hand:
one walk (``Module._walk``) goes through the module's public attributes in the order they
were assigned and picks up every

* ``Value`` (a parameter, named after the attribute: ``b``),
* ``Module`` (a sub-module, whose parts are prefixed with the attribute name), and
* list or tuple of Values or Modules (named with the index: ``w.0``, ``layers.1``).

Everything that needs the model's parts reads that one walk: ``named_parameters()``,
``parameters()``, ``named_modules()``, ``zero_grad()``, ``state_dict()``, the labels and
the repr. So an MLP's parameters have dotted names such as ``layers.0.neurons.3.w.1``, and
every parameter carries its name as its ``label``.

The models themselves (``Neuron``, ``Layer``, ``MLP``) live in ``nn.layers``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from autograd import Value, no_grad
from nn.state import _assign, _check_parameters

Array: TypeAlias = npt.NDArray[np.float64]
# What a model returns for one sample: one Value for one output, else a list of Values.
Output: TypeAlias = Value | list[Value]


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix and name else prefix or name


def _entries(name: str, value: object) -> Iterator[tuple[str, Value | Module]]:
    """The parts one attribute holds: itself, or each item of a list or tuple, by name."""
    if isinstance(value, (Value, Module)):
        yield name, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if isinstance(item, (Value, Module)):
                yield f"{name}.{i}", item


def _outputs(out: Any) -> list[Any]:
    """A model's output for one sample as a list: one Value becomes a list of one."""
    return [out] if isinstance(out, Value) else list(out)


class Module:
    """The base of every model: finds its parameters and sub-modules, names and resets them.

    Subclasses assign their parts to public attributes (see the module docstring for what
    counts) and define ``forward``; calling the module calls ``forward``.

    >>> class Scale(Module):
    ...     def __init__(self) -> None:
    ...         super().__init__()
    ...         self.k = Value(2.0)
    ...     def forward(self, x: Value) -> Value:
    ...         return self.k * x
    >>> m = Scale()
    >>> m(Value(3.0)).data, m.named_parameters()
    (6.0, [('k', Value(data=2.0, grad=0.0, label='k'))])
    """

    # A class default, so a micrograd-style subclass that never calls super().__init__()
    # still works: its parts are named from the root.
    _path: str = ""

    def __init__(self) -> None:
        object.__setattr__(self, "_path", "")

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)
        if not name.startswith("_"):
            # Label a new part where it sits (the walk names it the same way).
            for path, part in _entries(_join(self._path, name), value):
                _label(part, path)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: say so instead of returning None.
        parts = [k for k in vars(self) if not k.startswith("_")]
        raise AttributeError(
            f"{type(self).__name__} has no attribute {name!r}; it has: {', '.join(parts)}"
        )

    def forward(self, *args: Any) -> Any:
        """What calling the module computes; every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any) -> Any:
        return self.forward(*args)

    # --- the one walk -----------------------------------------------------------------------

    def _walk(self, prefix: str = "", deep: bool = True) -> Iterator[tuple[str, Value | Module]]:
        """Every parameter and sub-module with its dotted name, in the order of assignment.

        Depth first: a sub-module comes just before its own parts. With ``deep=False`` only
        the parts this module holds directly.
        """
        for attr, value in vars(self).items():
            if attr.startswith("_"):
                continue
            for name, part in _entries(_join(prefix, attr), value):
                yield name, part
                if deep and isinstance(part, Module):
                    yield from part._walk(name)

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its dotted name, in a fixed order (the order of assignment).

        >>> from nn import Neuron
        >>> [name for name, _ in Neuron(2, seed=0).named_parameters()]
        ['w.0', 'w.1', 'b']
        """
        return [(name, p) for name, p in self._walk() if isinstance(p, Value)]

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of ``named_parameters()``.

        >>> from nn import MLP
        >>> len(MLP(2, [3, 1], seed=0).parameters())
        13
        """
        return [p for _, p in self._walk() if isinstance(p, Value)]

    def named_modules(self) -> list[tuple[str, Module]]:
        """This module (named "") and every sub-module below it, with dotted names.

        >>> from nn import MLP
        >>> [name for name, _ in MLP(2, [1, 1], seed=0).named_modules()]
        ['', 'layers.0', 'layers.0.neurons.0', 'layers.1', 'layers.1.neurons.0']
        """
        return [("", self)] + [(n, m) for n, m in self._walk() if isinstance(m, Module)]

    def num_parameters(self) -> int:
        """How many numbers the model learns.

        >>> from nn import MLP
        >>> MLP(2, [16, 16, 1], seed=0).num_parameters()  # (2+1)*16 + (16+1)*16 + (16+1)*1
        337
        """
        return len(self.parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0; call it before each ``backward()``.

        >>> from nn import Neuron
        >>> n = Neuron(2, seed=0); n([1.0, 2.0]).backward()
        >>> n.zero_grad(); [p.grad for p in n.parameters()]
        [0.0, 0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    def _name_tree(self, path: str) -> None:
        """Record ``path`` on this module and every sub-module, and label every parameter."""
        object.__setattr__(self, "_path", path)
        for name, part in self._walk(path):
            if isinstance(part, Value):
                part.label = name
            else:
                object.__setattr__(part, "_path", name)

    # --- numbers in, numbers out ----------------------------------------------------------

    def predict(self, X: npt.ArrayLike) -> Array:
        """Outputs for a batch ``X`` of shape (n, nin) as a float64 array of shape (n, nout).

        No graph is built. A 1-D ``X`` is one sample and gives shape (1, nout). ``Neuron``,
        ``Layer`` and ``MLP`` compute it with numpy matrix products (fast: 10^4 rows take
        milliseconds); other modules call the model once per row. A module without ``nin``
        and ``nout`` attributes works too: the rows are not checked against ``nin``, and
        the width of the result is that of the model's output.

        >>> from nn import MLP
        >>> MLP(2, [4, 3], seed=0).predict([[0.0, 1.0], [2.0, 3.0]]).shape
        (2, 3)
        """
        # getattr: Module.__getattr__ raises AttributeError for a missing attribute.
        nin: int | None = getattr(self, "nin", None)
        return self._predict_batch(_as_batch(X, nin, type(self).__name__))

    def _predict_batch(self, A: Array) -> Array:
        """``predict`` of a checked batch: the model once per row, without a graph.

        The models in ``nn.layers`` replace this with their numpy forward pass.
        """
        with no_grad():
            rows = [_outputs(self(list(row))) for row in A]
        out = np.array([[float(v) for v in row] for row in rows], dtype=np.float64)
        nout: int | None = getattr(self, "nout", None)
        if nout is None:  # a custom module: its outputs say how wide they are
            nout = out.shape[1] if out.ndim == 2 else 0
        return out.reshape(len(A), nout)

    # --- saving ---------------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """The constructor arguments that fix the architecture, as plain JSON values.

        ``nn.save`` stores them and ``nn.load`` rebuilds the model as ``cls(**config)``.
        ``Neuron``, ``Layer`` and ``MLP`` define it; a custom module defines it to be saved.

        >>> from nn import Layer
        >>> Layer(2, 3, seed=0).config()
        {'nin': 2, 'nout': 3, 'activation': 'relu'}
        """
        return {}

    def state_dict(self) -> dict[str, float]:
        """The parameters as ``{dotted name: float}``, in the order of ``named_parameters()``.

        >>> from nn import Neuron
        >>> Neuron(2, seed=0).state_dict()
        {'w.0': ..., 'w.1': ..., 'b': 0.0}
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, float]) -> None:
        """Set the parameters from ``state``; strict, and all-or-nothing.

        Every name must be present, no other name may be, and every value must be a finite
        number. All of it is checked before anything is assigned, so on error (a
        ``SerializationError`` listing the names) the model is unchanged. Values are set in
        place, so an optimizer holding the parameters keeps working.

        >>> from nn import Neuron
        >>> a, b = Neuron(2, seed=0), Neuron(2, seed=1)
        >>> b.load_state_dict(a.state_dict()); b.state_dict() == a.state_dict()
        True
        """
        _assign(self._checked_state(state, "load_state_dict()"))

    def _checked_state(self, state: object, where: str) -> list[tuple[Value, float]]:
        """``state`` checked against this model: what to assign (raises SerializationError)."""
        named = self.named_parameters()
        who = f"{type(self).__name__} ({len(named)} parameters)"
        return _check_parameters(named, state, where, who)

    # --- display --------------------------------------------------------------------------

    def __repr__(self) -> str:
        return "\n".join(self._repr_lines())

    def _header(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"

    def _repr_lines(self) -> list[str]:
        n = self.num_parameters()
        lines = [f"{self._header()}  # {n} parameter{'' if n == 1 else 's'}"]
        # Runs of identical modules in one list (a layer's neurons) are shown once: "16 x".
        runs: list[tuple[str, list[str], list[int]]] = []  # (attribute, lines, indices)
        for name, part in self._walk(deep=False):
            if not isinstance(part, Module):
                continue
            attr, _, index = name.rpartition(".")
            body = part._repr_lines()
            if attr and runs and runs[-1][0] == attr and runs[-1][1] == body:
                runs[-1][2].append(int(index))
            else:
                runs.append((attr, body, [int(index)]) if attr else (name, body, []))
        for attr, body, indices in runs:
            label, first = attr, body[0]
            if len(indices) == 1:
                label = f"{attr}.{indices[0]}"
            elif indices:
                label = f"{attr}.{indices[0]}-{indices[-1]}"
                first = f"{len(indices)} x {first} each"
            lines.append(f"  ({label}): {first}")
            lines.extend(f"  {line}" for line in body[1:])
        return lines


def _label(part: Value | Module, path: str) -> None:
    if isinstance(part, Value):
        part.label = path
    else:
        part._name_tree(path)


def _as_batch(X: npt.ArrayLike, nin: int | None, who: str) -> Array:
    A = np.asarray(X, dtype=np.float64)
    if A.ndim == 1:
        A = A.reshape(1, -1)
    if A.ndim != 2:
        width = "nin" if nin is None else nin
        raise ValueError(
            f"{who}.predict() takes X of shape (n, {width}) or ({width},), got shape {A.shape}"
        )
    if nin is not None and A.shape[1] != nin:
        raise ValueError(f"{who}.predict() expects {nin} inputs per row, got X of shape {A.shape}")
    return A
