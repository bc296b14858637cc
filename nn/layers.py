"""The models: ``Neuron``, ``Layer`` and ``MLP``, with their initialisation and activations.

A neuron is one ``dot`` node (``w . x + b``) followed by its activation: a 100-weight neuron
adds 2 nodes to the graph, not 200. Every neuron labels its output node with its own path
(``layers.0.neurons.3``): that is how a drawing of the graph groups nodes by module.

One output, one Value: a model with a single output returns that Value, as micrograd's do;
a model with several returns a list of them.

Each model also has a numpy twin of its forward pass (``_predict_batch``), which ``predict``
uses: matrix products over a whole batch, with the activations of ``_ACTIVATIONS``, and no
graph. It gives the Value forward's numbers to rounding (1e-12).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from autograd import Value, dot, ops
from nn.checks import rng as _make_rng
from nn.module import Array, Module, Output

__all__ = ["ACTIVATIONS", "INITS", "MLP", "Layer", "Neuron"]

# One sample: a list (or 1-D numpy array) of numbers or Values.
Inputs: TypeAlias = Sequence[Value | float] | npt.NDArray[Any]
Seed: TypeAlias = int | np.random.Generator | None


# --- activations: the Value method and the numpy twin, both from the op table --------------


def _from_table(name: str) -> tuple[Callable[[Value], Value], Callable[[Array], Array]]:
    """An activation as the op table defines it: its Value method and its numpy forward."""
    op = ops.BY_NAME[name]
    np_forward = op.np_forward
    assert np_forward is not None  # the op contract test holds every entry to it
    return getattr(Value, op.method), lambda z: np_forward(np, z)


def _np_linear(z: Array) -> Array:
    return z


# The one place an activation is looked up, by name: (Value method or None, numpy twin).
_ACTIVATIONS: dict[str, tuple[Callable[[Value], Value] | None, Callable[[Array], Array]]] = {
    "relu": _from_table("relu"),
    "tanh": _from_table("tanh"),
    "sigmoid": _from_table("sigmoid"),
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


# --- inputs and outputs -------------------------------------------------------------------


def _as_values(x: Inputs, nin: int, who: str) -> list[Value]:
    """One sample as a list of ``nin`` Values; numbers become leaves, shared by every neuron."""
    # A dict has a length too, but iterating it gives its keys: refuse it with the strings.
    if isinstance(x, (str, bytes, Value, Mapping, AbstractSet)) or not hasattr(x, "__len__"):
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


def _one_or_list(outs: list[Value]) -> Output:
    """micrograd's rule: a single output is returned as itself, several as a list."""
    return outs[0] if len(outs) == 1 else outs


def _own_forward(module: Module, cls: type[Module]) -> bool:
    """Whether ``module`` computes ``cls.forward``, so that ``cls``'s numpy twin fits it.

    A subclass that writes its own ``forward`` gets the per-row ``predict`` of ``Module``
    (unless it writes its own ``_predict_batch`` too), so ``predict`` always agrees with
    calling the model.
    """
    return type(module).forward is cls.forward


def _dense(A: Array, W: Array, b: Array, activation: str) -> Array:
    """The numpy twin of a layer of neurons: ``activation(A @ W.T + b)`` for a batch ``A``."""
    return _ACTIVATIONS[activation][1](A @ W.T + b)


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
        rng = _make_rng(seed)
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

    def _weights(self) -> tuple[Array, Array]:
        """(weights as a (1, nin) row, bias as shape (1,)) for the numpy twin."""
        return np.array([[w.data for w in self.w]], dtype=np.float64), np.array([self.b.data])

    def _predict_batch(self, A: Array) -> Array:
        if not _own_forward(self, Neuron):
            return super()._predict_batch(A)
        return _dense(A, *self._weights(), self.activation)

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": self.activation}


class Layer(Module):
    """``nout`` neurons that all see the same inputs.

    Args: as ``Neuron``, with ``nout`` the number of neurons. Calling a layer on ``nin``
    numbers or Values returns a list of ``nout`` Values, or the Value itself when nout=1.

    >>> layer = Layer(3, 2, activation="tanh", seed=0)
    >>> len(layer([1.0, 2.0, 3.0])), layer.num_parameters()
    (2, 8)
    >>> Layer(3, 1, seed=0)([1.0, 2.0, 3.0]).label  # one output, one Value
    'neurons.0'
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
        rng = _make_rng(seed)
        self.neurons = [
            Neuron(nin, activation, seed=rng, init=init, fan_out=self.nout) for _ in range(nout)
        ]

    def forward(self, x: Inputs) -> Output:
        """Each neuron's output, in order: a list of ``nout`` Values (one Value if nout=1)."""
        return _one_or_list(self._fire(_as_values(x, self.nin, "Layer")))

    def __call__(self, x: Inputs) -> Output:
        return self.forward(x)

    def _fire(self, xs: list[Value]) -> list[Value]:
        """``forward`` of inputs already checked and made Values: always a list."""
        return [n._fire(xs) for n in self.neurons]

    def _predict_batch(self, A: Array) -> Array:
        if not _own_forward(self, Layer):
            return super()._predict_batch(A)
        W, b = (np.concatenate(parts) for parts in zip(*(n._weights() for n in self.neurons)))
        return _dense(A, W, b, self.activation)

    def config(self) -> dict[str, Any]:
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

    Calling it on ``nin`` numbers or Values returns the last layer's output: one Value when
    ``nouts[-1]`` is 1, as micrograd's MLP does, else a list of ``nouts[-1]`` Values. Each
    layer is called through its own ``forward``, so a subclass of ``Layer`` placed in
    ``layers`` is honoured.

    >>> model = MLP(2, [4, 1], seed=0)
    >>> out = model([0.5, -1.0])
    >>> out.label, model.layers[0].neurons[3].w[1].label
    ('layers.1.neurons.0', 'layers.0.neurons.3.w.1')
    >>> len(MLP(2, [4, 3], seed=0)([0.5, -1.0]))
    3
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
        rng = _make_rng(seed)
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

    def forward(self, x: Inputs) -> Output:
        """The last layer's output: one Value if ``nout`` is 1, else a list of Values."""
        out: list[Value] = _as_values(x, self.nin, "MLP")
        for layer in self.layers:
            if _own_forward(layer, Layer):
                out = layer._fire(out)  # Layer.forward, minus re-checking checked inputs
            else:
                y = layer(out)
                # A width-1 layer returns one Value; the next layer takes a list of them.
                out = [y] if isinstance(y, Value) else y
        return _one_or_list(out)

    def __call__(self, x: Inputs) -> Output:
        return self.forward(x)

    def _predict_batch(self, A: Array) -> Array:
        if not _own_forward(self, MLP):
            return super()._predict_batch(A)
        for layer in self.layers:
            A = layer._predict_batch(A)
        return A

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
        }
