"""The options of ``python -m nn``: data sets with their defaults, the parser, the checks.

``nn.cli`` runs what these options describe. Command-line code only: the library never
imports it.
"""

from __future__ import annotations

import argparse
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
from numpy.typing import NDArray

from autograd import Value
from nn import data
from nn.losses import binary_cross_entropy, cross_entropy, hinge_loss, mse_loss

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
LOSSES: dict[str, Callable[..., Value]] = {
    "hinge": hinge_loss,
    "bce": binary_cross_entropy,
    "cross_entropy": cross_entropy,
    "mse": mse_loss,
}
OPTIMIZERS = ("adam", "sgd")
LEARNING_RATES = {"adam": 0.02, "sgd": 0.1}


@dataclass(frozen=True)
class Dataset:
    """A toy data set and the settings that learn it well and fast by default."""

    make: Callable[..., tuple[NDArray[np.float64], NDArray[Any]]]
    samples: int
    noise: float
    loss: str
    epochs: int
    hidden: tuple[int, ...]
    optimizer: str
    what: str


DATASETS = {
    "moons": Dataset(
        data.make_moons, 100, 0.1, "hinge", 100, (16, 16), "adam", "two interleaved half moons"
    ),
    "circles": Dataset(
        data.make_circles, 100, 0.05, "hinge", 100, (16, 16), "adam", "a ring around a disc"
    ),
    "blobs": Dataset(
        data.make_blobs, 100, 1.0, "cross_entropy", 50, (16, 16), "adam", "3 Gaussian clusters"
    ),
    "spirals": Dataset(
        data.make_spirals, 100, 0.02, "cross_entropy", 150, (16, 16), "adam", "2 spiral arms"
    ),
    # The tutorial's problem: one neuron and plain gradient descent find w = 3, b = 0.
    "linear": Dataset(
        data.make_linear, 50, 0.1, "mse", 50, (), "sgd", "y = 3x + noise (regression)"
    ),
}


class UsageError(Exception):
    """Options that do not fit together: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one line on stderr, not the usage plus a line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    datasets = "\n".join(
        f"  {name:8} {d.what}\n  {'':8} {d.samples} samples, noise {d.noise}, hidden "
        f"{' '.join(map(str, d.hidden)) or '(none)'}, {d.loss}, {d.optimizer}, {d.epochs} epochs"
        for name, d in DATASETS.items()
    )
    parser = _Parser(
        prog="python -m nn",
        description=textwrap.dedent("""\
            Train a small MLP on a toy data set and save, into the --out folder:
              loss.png      the loss (and accuracy) per epoch
              boundary.png  the decision regions with the data (fit.png for linear)
              model.json    the trained model; nn.load reads it back
              graph.svg     the computation graph of one example's loss
                            (graph.dot when Graphviz's dot is not installed)
              report.html   all of it in one page, with the boundary at every epoch"""),
        epilog=f"data sets and their defaults:\n{datasets}\n\nexample:\n"
        "  python -m nn --dataset spirals --hidden 32 32 --activation tanh --out runs/spirals",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--dataset", choices=DATASETS, default="moons", help="the data set (default: moons)")
    add(
        "--samples",
        metavar="N",
        type=_int_at_least(4),
        help="how many points (default: per data set)",
    )
    add(
        "--noise",
        metavar="SD",
        type=_float_at_least(0.0),
        help="noise level (default: per data set)",
    )
    add(
        "--hidden",
        type=_int_at_least(1),
        nargs="*",
        metavar="N",
        help="hidden layer widths, e.g. --hidden 16 16; none for a single neuron "
        "(default: 16 16; none for linear)",
    )
    add(
        "--activation",
        choices=ACTIVATIONS,
        default="relu",
        help="hidden layers' activation (default: relu)",
    )
    add(
        "--loss",
        choices=LOSSES,
        help="hinge or bce (binary data), cross_entropy (any classes), mse (regression) "
        "(default: hinge for moons and circles, cross_entropy for blobs and spirals, mse for "
        "linear)",
    )
    add(
        "--optimizer",
        choices=OPTIMIZERS,
        help="adam, or sgd (gradient descent) (default: sgd for linear, else adam)",
    )
    add(
        "--lr",
        type=_float_above(0.0),
        help=f"learning rate (default: {LEARNING_RATES['adam']} for adam, "
        f"{LEARNING_RATES['sgd']} for sgd)",
    )
    add(
        "--momentum",
        metavar="M",
        type=_momentum,
        default=0.0,
        help="sgd's momentum, in [0, 1) (default: 0, plain gradient descent)",
    )
    add(
        "--l2",
        metavar="ALPHA",
        type=_float_at_least(0.0),
        default=0.0,
        help="L2 penalty (weight decay) added to the loss (default: 0)",
    )
    add(
        "--epochs",
        metavar="N",
        type=_int_at_least(1),
        help="passes over the data (default: per data set)",
    )
    add(
        "--batch-size",
        type=_int_at_least(1),
        metavar="N",
        help="samples per step (default: all of them, full-batch)",
    )
    add(
        "--seed",
        type=_int_at_least(0),
        metavar="N",
        default=0,
        help="seeds the data, the weights and the batch order "
        "(default: 0); the same seed gives the same numbers",
    )
    add("--out", metavar="DIR", type=Path, help="folder for the files (default: runs/<dataset>)")
    add("--lang", choices=("en", "ja"), default="en", help="report.html's language (default: en)")
    add("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def _number(text: str, kind: Callable[[str], float], what: str) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _momentum(text: str) -> float:
    value = _number(text, float, "a number")
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {value}")
    return value


def _int_at_least(low: int) -> Callable[[str], int]:
    def check(text: str) -> int:
        value = int(_number(text, int, "a whole number"))
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return check


def _float_at_least(low: float) -> Callable[[str], float]:
    def check(text: str) -> float:
        value = _number(text, float, "a number")
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return check


def _float_above(low: float) -> Callable[[str], float]:
    def check(text: str) -> float:
        value = _number(text, float, "a number")
        if value <= low:
            raise argparse.ArgumentTypeError(f"must be greater than {low}, got {value}")
        return value

    return check


@dataclass(frozen=True)
class _Setup:
    """The options with every default filled in."""

    dataset: str
    samples: int
    noise: float
    hidden: tuple[int, ...]
    loss: str
    optimizer: str
    lr: float
    epochs: int
    out: Path


def _settle(args: argparse.Namespace) -> _Setup:
    d = DATASETS[args.dataset]
    loss = args.loss or d.loss
    optimizer = args.optimizer or d.optimizer
    if args.momentum and optimizer != "sgd":
        raise UsageError(f"--momentum is for sgd; {optimizer} keeps its own running averages")
    if args.dataset == "linear" and loss != "mse":
        raise UsageError(f"--loss {loss} needs class labels, but linear is regression: use mse")
    if args.dataset == "blobs" and loss != "cross_entropy":
        raise UsageError(f"--loss {loss} is for two classes, but blobs has 3: use cross_entropy")
    return _Setup(
        dataset=args.dataset,
        samples=args.samples if args.samples is not None else d.samples,
        noise=args.noise if args.noise is not None else d.noise,
        hidden=tuple(args.hidden) if args.hidden is not None else d.hidden,
        loss=loss,
        optimizer=optimizer,
        lr=args.lr if args.lr is not None else LEARNING_RATES[optimizer],
        epochs=args.epochs if args.epochs is not None else d.epochs,
        out=args.out if args.out is not None else Path("runs") / args.dataset,
    )
