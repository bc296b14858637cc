"""micrograd's ``nn``, on chainrule's engine: change ``micrograd.nn`` to ``nn.micrograd``.

``Module``, ``Neuron(nin, nonlin=True)``, ``Layer(nin, nout, **kwargs)`` and ``MLP(nin, nouts)``
behave as micrograd 0.1.0's, number for number:

* weights are ``random.uniform(-1, 1)``, drawn from Python's ``random`` in micrograd's order
  (layer by layer, neuron by neuron), so ``random.seed(1337)`` gives micrograd's model;
* biases start at 0, hidden layers are relu, the last layer is linear;
* a neuron adds ``b + w0*x0 + w1*x1 + ...`` from left to right, as micrograd's
  ``sum(..., self.b)`` does, so the forward pass gives micrograd's floats to the bit;
* a layer (and so an MLP) with one output returns that Value, not a list of one;
* ``parameters()``, ``zero_grad()`` and the reprs are micrograd's.

The graph is chainrule's: a neuron is one ``dot`` node and its relu, not ``2 * nin`` nodes,
and no node holds a closure, so backprop is fast and the graph is freed as soon as it is
dropped. Subclasses written micrograd's way (no ``super().__init__()``, their own
``parameters()`` and ``__call__``) work, since ``Module`` has no state of its own.

One difference on purpose: micrograd's ``zip`` silently drops inputs beyond a neuron's
``nin`` (or weights beyond the inputs); here a wrong number of inputs raises ``ValueError``.

>>> import random
>>> random.seed(1337)
>>> model = MLP(2, [3, 1])
>>> model
MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]
>>> y = model([1.0, -2.0])  # one output: one Value
>>> y.backward()
>>> len(model.parameters()), model.layers[1].neurons[0].b.grad
(13, 1.0)
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from autograd import Value, dot

__all__ = ["MLP", "Layer", "Module", "Neuron"]


def _as_values(x: Iterable[Value | float]) -> list[Value]:
    """The inputs as Values: numbers (floats, ints, numpy scalars) become leaves."""
    return [xi if isinstance(xi, Value) else Value(xi) for xi in x]


class Module:
    """The base of micrograd's modules: ``parameters()`` and ``zero_grad()``, nothing else.

    It keeps no state, so a subclass need not call ``super().__init__()``.

    >>> class Scale(Module):
    ...     def __init__(self):
    ...         self.k = Value(2.0)
    ...     def __call__(self, x):
    ...         return self.k * x
    ...     def parameters(self):
    ...         return [self.k]
    >>> m = Scale(); m(Value(3.0)).backward(); m.k.grad
    3.0
    >>> m.zero_grad(); m.k.grad
    0.0
    """

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0; call it before each ``backward()``."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """The Values this module learns; a subclass lists its own (none here)."""
        return []


class Neuron(Module):
    """``relu(b + w . x)``, or ``b + w . x`` with ``nonlin=False``, micrograd's way.

    >>> random.seed(0)
    >>> n = Neuron(2, nonlin=False)
    >>> n
    LinearNeuron(2)
    >>> y = n([3.0, 4.0])
    >>> y.data == n.b.data + n.w[0].data * 3.0 + n.w[1].data * 4.0
    True
    """

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x: Iterable[Value | float]) -> Value:
        xs = _as_values(x)
        if len(xs) != len(self.w):
            raise ValueError(f"{self!r} takes {len(self.w)} inputs, got {len(xs)}")
        # One dot node: the graph is small and backprop fast. dot adds in micrograd's order
        # (bias first, then each product, left to right), so its value is micrograd's to the
        # bit, and its gradients are exactly those of micrograd's chain of + and *.
        act = dot(self.w, xs, self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons on the same inputs; one output is returned as a Value, not a list.

    ``kwargs`` go to each ``Neuron`` (``nonlin=False`` for a linear layer).

    >>> random.seed(0)
    >>> layer = Layer(2, 3, nonlin=False)
    >>> len(layer([1.0, 2.0])), type(Layer(2, 1)([1.0, 2.0])).__name__
    (3, 'Value')
    """

    def __init__(self, nin: int, nout: int, **kwargs: bool) -> None:
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Iterable[Value | float]) -> Value | list[Value]:
        xs = _as_values(x)  # once for all neurons
        out = [n(xs) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of widths ``nouts`` after ``nin`` inputs: relu hidden layers, a linear last one.

    >>> random.seed(1337)
    >>> model = MLP(2, [16, 16, 1])
    >>> len(model.parameters())
    337
    """

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != last) for i in range(len(nouts))]

    def __call__(self, x: Iterable[Value | float]) -> Value | list[Value]:
        out: Value | Iterable[Value | float] = x
        for layer in self.layers:
            if isinstance(out, Value):
                raise ValueError(
                    f"{self!r}: a hidden layer of width 1 gives one Value, which the next "
                    "layer cannot take as its inputs (micrograd fails here too); "
                    "make the hidden layers wider"
                )
            out = layer(out)
        return out  # type: ignore[return-value]  # with no layers, x itself, as micrograd

    def parameters(self) -> list[Value]:
        """Every layer's parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
