"""nn: neurons, layers, MLPs, losses, optimizers, data sets and a training loop on autograd.

The path a network learns by: predict, measure the error (the loss), follow the gradient
(``backward()``), update the parameters (an optimizer's ``step()``), repeat (``fit``).
"""

from nn.data import (
    make_blobs,
    make_circles,
    make_linear,
    make_moons,
    make_spirals,
    minibatches,
    train_test_split,
)
from nn.layers import MLP, Layer, Neuron
from nn.losses import (
    batch_loss,
    binary_cross_entropy,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    mse_loss,
)
from nn.module import Module
from nn.optim import SGD, Adam, AdamW, Optimizer
from nn.report import Recorder, write_report
from nn.schedules import CosineAnnealingLR, LinearLR, LRScheduler, StepLR
from nn.serialize import load, save
from nn.state import SerializationError
from nn.train import History, fit

__all__: list[str] = [
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "History",
    "LRScheduler",
    "Layer",
    "LinearLR",
    "Module",
    "Neuron",
    "Optimizer",
    "Recorder",
    "SerializationError",
    "StepLR",
    "batch_loss",
    "binary_cross_entropy",
    "cross_entropy",
    "fit",
    "hinge_loss",
    "l2_penalty",
    "load",
    "make_blobs",
    "make_circles",
    "make_linear",
    "make_moons",
    "make_spirals",
    "minibatches",
    "mse_loss",
    "save",
    "train_test_split",
    "write_report",
]
