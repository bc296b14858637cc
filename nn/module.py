"""Modules: ``Neuron``, ``Layer`` and ``MLP``, built from Values, and the ``Module`` they share.

A module owns its parameters (Values) and its sub-modules. Nothing is registered by hand:
``named_parameters()`` walks the module's public attributes in the order they were assigned
and picks up every

* ``Value`` (a parameter, named after the attribute: ``b``),
* ``Module`` (a sub-module, whose parameters are prefixed with the attribute name), and
* list or tuple of Values or Modules (named with the index: ``w.0``, ``layers.1``).

So an MLP's parameters have dotted names such as ``layers.0.neurons.3.w.1``. Every parameter
carries its name as its ``label``, and every neuron labels its output node with its own path
(``layers.0.neurons.3``): that is how a drawing of the graph groups nodes by module.

A neuron is one ``dot`` node (``w . x + b``) followed by its activation: a 100-weight neuron
adds 2 nodes to the graph, not 200.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from autograd import Value, dot, no_grad

Array: TypeAlias = npt.NDArray[np.float64]
# One sample: a list (or 1-D numpy array) of numbers or Values.
Inputs: TypeAlias = Sequence[Value | float] | npt.NDArray[Any]
Seed: TypeAlias = int | np.random.Generator | None


# --- activations: the Value version and the numpy version side by side --------------------


def _np_relu(z: Array) -> Array:
    # where() rather than maximum(): like Value.relu, nan becomes 0.0.
    return np.where(z > 0.0, z, 0.0)


def _np_sigmoid(z: Array) -> Array:
    # The engine's two branches, so exp() never overflows and the results agree to the ulp.
    out = np.empty_like(z)
    pos = z >= 0.0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def _np_linear(z: Array) -> Array:
    return z


_ACTIVATIONS: dict[str, tuple[Callable[[Value], Value] | None, Callable[[Array], Array]]] = {
    "relu": (Value.relu, _np_relu),
    "tanh": (Value.tanh, np.tanh),
    "sigmoid": (Value.sigmoid, _np_sigmoid),
    "linear": (None, _np_linear),
}
ACTIVATIONS = tuple(_ACTIVATIONS)


def _check_activation(activation: object) -> str:
    if not isinstance(activation, str) or activation not in _ACTIVATIONS:
        choices = ", ".join(repr(a) for a in ACTIVATIONS)
        raise ValueError(f"unknown activation {activation!r}; choose one of {choices}")
    return activation


# --- initialisation -----------------------------------------------------------------------

INITS = ("he", "glorot", "uniform")


def _default_init(activation: str) -> str:
    """He for relu (it halves the variance it passes on), Glorot for the others."""
    return "he" if activation == "relu" else "glorot"


def _init_weights(rng: np.random.Generator, init: str, fan_in: int, fan_out: int) -> Array:
    """``fan_in`` weights for one neuron in a layer of ``fan_out`` neurons.

    * "he": normal with std sqrt(2 / fan_in) (He et al. 2015, who used a normal).
    * "glorot": uniform on [-a, a] with a = sqrt(6 / (fan_in + fan_out)), so the std is
      sqrt(2 / (fan_in + fan_out)) (Glorot and Bengio 2010, who used a uniform).
    * "uniform": uniform on [-1, 1], micrograd's choice.
    """
    if init == "he":
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=fan_in)
    if init == "glorot":
        a = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-a, a, size=fan_in)
    if init == "uniform":
        return rng.uniform(-1.0, 1.0, size=fan_in)
    choices = ", ".join(repr(i) for i in (*INITS, None))
    raise ValueError(f"unknown init {init!r}; choose one of {choices}")


def _check_size(name: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be a positive int, got {type(n).__name__} {n!r}")
    if n < 1:
        raise ValueError(f"{name} must be a positive int, got {n!r}")
    return int(n)


# --- inputs -------------------------------------------------------------------------------


def _as_values(x: Inputs, nin: int, who: str) -> list[Value]:
    """One sample as a list of ``nin`` Values; numbers become leaves, shared by every neuron."""
    if isinstance(x, (str, bytes, Value)) or not hasattr(x, "__len__"):
        raise TypeError(
            f"{who} takes one sample as a list of {nin} numbers or Values, got {type(x).__name__}"
        )
    if isinstance(x, np.ndarray) and x.ndim != 1:
        raise ValueError(
            f"{who} takes one sample (a 1-D array of length {nin}), got an array of shape "
            f"{x.shape}; for a batch use predict(X) or call the model once per row"
        )
    if len(x) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(x)}")
    return [xi if isinstance(xi, Value) else Value(xi) for xi in x]


# --- the base class -----------------------------------------------------------------------


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix and name else prefix or name


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

    _path: str

    def __init__(self) -> None:
        object.__setattr__(self, "_path", "")

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)
        if not name.startswith("_"):
            _name_part(value, _join(self._path, name))  # label a new part where it sits

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: say so instead of returning None.
        if "_path" not in vars(self):
            raise AttributeError(
                f"{type(self).__name__}.{name}: Module.__init__() has not run; "
                f"call super().__init__() first in {type(self).__name__}.__init__"
            )
        parts = [k for k in vars(self) if not k.startswith("_")]
        raise AttributeError(
            f"{type(self).__name__} has no attribute {name!r}; it has: {', '.join(parts)}"
        )

    def forward(self, *args: Any) -> Any:
        """What calling the module computes; every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any) -> Any:
        return self.forward(*args)

    # --- parts ----------------------------------------------------------------------------

    def _parts(self) -> Iterator[tuple[str, Value | Module]]:
        """The parameters and sub-modules this module holds directly, in assignment order."""
        for name, value in vars(self).items():
            if name.startswith("_"):
                continue
            if isinstance(value, (Value, Module)):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, (Value, Module)):
                        yield f"{name}.{i}", item

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its dotted name, in a fixed order (the order of assignment).

        >>> [name for name, _ in Neuron(2, seed=0).named_parameters()]
        ['w.0', 'w.1', 'b']
        """
        out: list[tuple[str, Value]] = []
        for name, part in self._parts():
            if isinstance(part, Value):
                out.append((name, part))
            else:
                out.extend((_join(name, sub), p) for sub, p in part.named_parameters())
        return out

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of ``named_parameters()``.

        >>> len(MLP(2, [3, 1], seed=0).parameters())
        13
        """
        out: list[Value] = []
        self._collect(out)
        return out

    def _collect(self, out: list[Value]) -> None:
        # parameters() without building names: it runs at every training step.
        for name, value in vars(self).items():
            if name.startswith("_"):
                continue
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(item, Value):
                    out.append(item)
                elif isinstance(item, Module):
                    item._collect(out)

    def named_modules(self) -> list[tuple[str, Module]]:
        """This module (named "") and every sub-module below it, with dotted names.

        >>> [name for name, _ in MLP(2, [1, 1], seed=0).named_modules()]
        ['', 'layers.0', 'layers.0.neurons.0', 'layers.1', 'layers.1.neurons.0']
        """
        out: list[tuple[str, Module]] = [("", self)]
        for name, part in self._parts():
            if isinstance(part, Module):
                out.extend((_join(name, sub), m) for sub, m in part.named_modules())
        return out

    def num_parameters(self) -> int:
        """How many numbers the model learns.

        >>> MLP(2, [16, 16, 1], seed=0).num_parameters()  # (2+1)*16 + (16+1)*16 + (16+1)*1
        337
        """
        return len(self.parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0; call it before each ``backward()``.

        >>> n = Neuron(2, seed=0); n([1.0, 2.0]).backward()
        >>> n.zero_grad(); [p.grad for p in n.parameters()]
        [0.0, 0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    def _name_tree(self, path: str) -> None:
        """Record ``path`` on this module and every sub-module, and label every parameter."""
        object.__setattr__(self, "_path", path)
        for name, value in vars(self).items():
            if not name.startswith("_"):
                _name_part(value, _join(path, name))

    # --- numbers in, numbers out ----------------------------------------------------------

    def predict(self, X: npt.ArrayLike) -> Array:
        """Outputs for a batch ``X`` of shape (n, nin) as a float64 array of shape (n, nout).

        No graph is built. A 1-D ``X`` is one sample and gives shape (1, nout). ``Neuron``,
        ``Layer`` and ``MLP`` compute it with numpy matrix products (fast: 10^4 rows take
        milliseconds); other modules (which need ``nin`` and ``nout`` attributes) call the
        model once per row.

        >>> MLP(2, [4, 3], seed=0).predict([[0.0, 1.0], [2.0, 3.0]]).shape
        (2, 3)
        """
        A = _as_batch(X, self.nin, type(self).__name__)
        dense = self._dense()
        if dense is None:
            with no_grad():
                rows = [self(list(row)) for row in A]
            return np.array(
                [[float(v) for v in (r if isinstance(r, list) else [r])] for r in rows],
                dtype=np.float64,
            ).reshape(len(A), self.nout)
        for W, b, activation in dense:
            A = _ACTIVATIONS[activation][1](A @ W.T + b)
        return A

    def _dense(self) -> list[tuple[Array, Array, str]] | None:
        """(weights (nout, nin), biases (nout,), activation) per layer, or None if not dense."""
        return None

    # --- saving ---------------------------------------------------------------------------

    def _config(self) -> dict[str, Any]:
        """The constructor arguments that fix the architecture (what ``nn.save`` stores)."""
        return {}

    def state_dict(self) -> dict[str, float]:
        """The parameters as ``{dotted name: float}``, in the order of ``named_parameters()``.

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

        >>> a, b = Neuron(2, seed=0), Neuron(2, seed=1)
        >>> b.load_state_dict(a.state_dict()); b.state_dict() == a.state_dict()
        True
        """
        from nn.serialize import _load_state

        _load_state(self, state, "load_state_dict()")

    # --- display --------------------------------------------------------------------------

    def __repr__(self) -> str:
        return "\n".join(self._repr_lines())

    def _header(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._config().items())
        return f"{type(self).__name__}({args})"

    def _repr_lines(self) -> list[str]:
        n = self.num_parameters()
        lines = [f"{self._header()}  # {n} parameter{'' if n == 1 else 's'}"]
        # Runs of identical modules in one list (a layer's neurons) are shown once: "16 x".
        runs: list[tuple[str, list[str], list[int]]] = []  # (attribute, lines, indices)
        for name, part in self._parts():
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


def _name_part(value: object, path: str) -> None:
    """Label a parameter, a module's tree, or each item of a list of them; ignore the rest."""
    if isinstance(value, Value):
        value.label = path
    elif isinstance(value, Module):
        value._name_tree(path)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if isinstance(item, Value):
                item.label = f"{path}.{i}"
            elif isinstance(item, Module):
                item._name_tree(f"{path}.{i}")


def _as_batch(X: npt.ArrayLike, nin: int, who: str) -> Array:
    A = np.asarray(X, dtype=np.float64)
    if A.ndim == 1:
        A = A.reshape(1, -1)
    if A.ndim != 2:
        raise ValueError(
            f"{who}.predict() takes X of shape (n, {nin}) or ({nin},), got shape {A.shape}"
        )
    if A.shape[1] != nin:
        raise ValueError(f"{who}.predict() expects {nin} inputs per row, got X of shape {A.shape}")
    return A


# --- the models ---------------------------------------------------------------------------


class Neuron(Module):
    """One neuron: ``activation(w . x + b)``, as a ``dot`` node and an activation node.

    Args:
        nin: number of inputs.
        activation: "relu", "tanh", "sigmoid" or "linear".
        seed: an int (same seed, same weights), a ``numpy.random.Generator`` to draw from,
            or None for fresh randomness.
        init: "he" (normal, std sqrt(2/fan_in)), "glorot" (uniform, std
            sqrt(2/(fan_in+fan_out))), "uniform" (micrograd's uniform(-1, 1)), or None for
            He with relu and Glorot otherwise. Biases start at 0.
        fan_out: the width of the layer the neuron sits in (only Glorot uses it).

    Calling it on a list of ``nin`` numbers or Values returns one Value.

    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> y = n([1.0, -1.0])
    >>> y.op, y.parents[0].op, [p.label for p in n.parameters()]
    ('tanh', 'dot', ['w.0', 'w.1', 'b'])
    """

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        *,
        seed: Seed = None,
        init: str | None = None,
        fan_out: int = 1,
    ) -> None:
        super().__init__()
        self.nin = _check_size("nin", nin)
        self.nout = 1
        self.activation = _check_activation(activation)
        rng = np.random.default_rng(seed)
        weights = _init_weights(
            rng, init or _default_init(activation), self.nin, _check_size("fan_out", fan_out)
        )
        self.w = [Value(float(wi)) for wi in weights]
        self.b = Value(0.0)

    def forward(self, x: Inputs) -> Value:
        """``activation(w . x + b)`` as a Value labelled with this neuron's dotted path."""
        return self._fire(_as_values(x, self.nin, "Neuron"))

    def __call__(self, x: Inputs) -> Value:
        return self.forward(x)

    def _fire(self, xs: list[Value]) -> Value:
        out = dot(self.w, xs, self.b)
        act = _ACTIVATIONS[self.activation][0]
        if act is not None:
            out = act(out)
        out.label = self._path
        return out

    def _dense(self) -> list[tuple[Array, Array, str]]:
        W = np.array([[w.data for w in self.w]], dtype=np.float64)
        return [(W, np.array([self.b.data]), self.activation)]

    def _config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": self.activation}


class Layer(Module):
    """``nout`` neurons that all see the same inputs.

    Args: as ``Neuron``, with ``nout`` the number of neurons. Calling a layer on ``nin``
    numbers or Values returns a list of ``nout`` Values, always a list (even for nout=1).

    >>> layer = Layer(3, 2, activation="tanh", seed=0)
    >>> len(layer([1.0, 2.0, 3.0])), layer.num_parameters()
    (2, 8)
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        *,
        seed: Seed = None,
        init: str | None = None,
    ) -> None:
        super().__init__()
        self.nin = _check_size("nin", nin)
        self.nout = _check_size("nout", nout)
        self.activation = _check_activation(activation)
        rng = np.random.default_rng(seed)
        self.neurons = [
            Neuron(nin, activation, seed=rng, init=init, fan_out=self.nout) for _ in range(nout)
        ]

    def forward(self, x: Inputs) -> list[Value]:
        """Each neuron's output, in order: a list of ``nout`` Values."""
        xs = _as_values(x, self.nin, "Layer")
        return [n._fire(xs) for n in self.neurons]

    def __call__(self, x: Inputs) -> list[Value]:
        return self.forward(x)

    def _dense(self) -> list[tuple[Array, Array, str]]:
        W = np.array([[w.data for w in n.w] for n in self.neurons], dtype=np.float64)
        b = np.array([n.b.data for n in self.neurons], dtype=np.float64)
        return [(W, b, self.activation)]

    def _config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation}


class MLP(Module):
    """A multi-layer perceptron: layers of sizes ``nouts`` applied one after another.

    Args:
        nin: number of inputs.
        nouts: the width of each layer; the last one is the number of outputs.
        activation: the hidden layers' activation ("relu", "tanh", "sigmoid", "linear").
        output_activation: the last layer's; "linear" by default, so outputs are raw scores
            for a loss to interpret.
        seed, init: as for ``Neuron``; one seed fixes every weight of the model.

    Calling it on ``nin`` numbers or Values returns a list of ``nouts[-1]`` Values, always a
    list (even for one output).

    >>> model = MLP(2, [4, 1], seed=0)
    >>> out = model([0.5, -1.0])
    >>> len(out), out[0].label, model.layers[0].neurons[3].w[1].label
    (1, 'layers.1.neurons.0', 'layers.0.neurons.3.w.1')
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        *,
        seed: Seed = None,
        init: str | None = None,
    ) -> None:
        super().__init__()
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer widths, got {nouts!r}")
        self.nin = _check_size("nin", nin)
        self.nouts = [_check_size("each of nouts", n) for n in nouts]
        self.nout = self.nouts[-1]
        self.activation = _check_activation(activation)
        self.output_activation = _check_activation(output_activation)
        rng = np.random.default_rng(seed)
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                output_activation if i == last else activation,
                seed=rng,
                init=init,
            )
            for i in range(len(self.nouts))
        ]

    def forward(self, x: Inputs) -> list[Value]:
        """The last layer's outputs: a list of ``nout`` Values."""
        out: list[Value] = _as_values(x, self.nin, "MLP")
        for layer in self.layers:
            out = [n._fire(out) for n in layer.neurons]
        return out

    def __call__(self, x: Inputs) -> list[Value]:
        return self.forward(x)

    def _dense(self) -> list[tuple[Array, Array, str]]:
        return [d for layer in self.layers for d in layer._dense()]

    def _config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
        }
