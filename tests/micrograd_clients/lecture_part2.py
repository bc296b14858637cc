"""The lecture's second half: its own Neuron, Layer and MLP on Value, trained on four points.

The classes are written inside the client, as in the lecture: a tanh neuron summing
``w*x`` onto its bias, a layer that returns a single Value for one output, and an MLP.
The loop is the lecture's: forward, squared-error loss, zero the grads, backward, step.
"""

from __future__ import annotations

import random
from typing import Any


def make_classes(Value: Any) -> tuple[type, type, type]:
    """Neuron, Layer and MLP over the given engine's ``Value``."""

    class Neuron:
        def __init__(self, nin: int) -> None:
            self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
            self.b = Value(random.uniform(-1, 1))

        def __call__(self, x: Any) -> Any:
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return act.tanh()

        def parameters(self) -> list[Any]:
            return [*self.w, self.b]

    class Layer:
        def __init__(self, nin: int, nout: int) -> None:
            self.neurons = [Neuron(nin) for _ in range(nout)]

        def __call__(self, x: Any) -> Any:
            outs = [n(x) for n in self.neurons]
            return outs[0] if len(outs) == 1 else outs

        def parameters(self) -> list[Any]:
            return [p for neuron in self.neurons for p in neuron.parameters()]

    class MLP:
        def __init__(self, nin: int, nouts: list[int]) -> None:
            sz = [nin, *nouts]
            self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]

        def __call__(self, x: Any) -> Any:
            for layer in self.layers:
                x = layer(x)
            return x

        def parameters(self) -> list[Any]:
            return [p for layer in self.layers for p in layer.parameters()]

    return Neuron, Layer, MLP


XS = [
    [2.0, 3.0, -1.0],
    [3.0, -1.0, 0.5],
    [0.5, 1.0, 1.0],
    [1.0, 1.0, -1.0],
]
YS = [1.0, -1.0, -1.0, 1.0]  # the targets


def train(Value: Any, steps: int = 20, lr: float = 0.1, seed: int = 42) -> dict[str, Any]:
    """The lecture's loop; every step's loss, the last predictions and the parameters."""
    random.seed(seed)
    _, _, MLP = make_classes(Value)
    n = MLP(3, [4, 4, 1])
    losses = []
    for _ in range(steps):
        ypred = [n(x) for x in XS]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(YS, ypred))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -lr * p.grad
        losses.append(loss.data)
    return {
        "losses": losses,
        "ypred": [y.data for y in ypred],
        "params": [p.data for p in n.parameters()],
    }
