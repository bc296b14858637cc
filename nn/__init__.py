"""nn: neurons, layers, MLPs, losses, optimizers, data sets and a training loop on autograd.

The path a network learns by: predict, measure the error (the loss), follow the gradient
(``backward()``), update the parameters (an optimizer's ``step()``), repeat (``fit``).
"""

from nn.module import MLP, Layer, Module, Neuron
from nn.serialize import SerializationError, load, save

__all__: list[str] = [
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "SerializationError",
    "load",
    "save",
]
