"""nn: neurons, layers, MLPs, losses, optimizers, data sets and a training loop on autograd.

The path a network learns by: predict, measure the error (the loss), follow the gradient
(``backward()``), update the parameters (an optimizer's ``step()``), repeat (``fit``).
"""

from nn.compiled import CompiledStep
from nn.csvdata import CSVData, load_csv, load_features
from nn.data import (
    make_blobs,
    make_circles,
    make_linear,
    make_moons,
    make_spirals,
    minibatches,
    train_test_split,
    train_val_test_split,
)
from nn.datasets import load_digits, load_iris
from nn.history import History
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
from nn.preprocessing import Standardizer
from nn.report import Recorder, write_report
from nn.schedules import CosineAnnealingLR, LinearLR, LRScheduler, StepLR
from nn.serialize import load, save
from nn.state import SerializationError
from nn.torch_bridge import from_torch, to_torch
from nn.train import fit

__all__: list[str] = [
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "CSVData",
    "CompiledStep",
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
    "Standardizer",
    "StepLR",
    "batch_loss",
    "binary_cross_entropy",
    "cross_entropy",
    "fit",
    "from_torch",
    "hinge_loss",
    "l2_penalty",
    "load",
    "load_csv",
    "load_digits",
    "load_features",
    "load_iris",
    "make_blobs",
    "make_circles",
    "make_linear",
    "make_moons",
    "make_spirals",
    "minibatches",
    "mse_loss",
    "save",
    "to_torch",
    "train_test_split",
    "train_val_test_split",
    "write_report",
]
