"""``python -m nn``: train a small network on a toy data set and save what happened.

With no arguments it trains an MLP on two moons (about ten seconds) and writes, into
``runs/moons``: the loss and accuracy per epoch, the decision boundary with the data, the
trained model as JSON, and the computation graph of one example's loss. Options change the
data set, the model and the training; ``python -m nn --help`` lists them.

This module is the only place in ``nn`` that prints (besides fit's progress bar).
"""

from __future__ import annotations

import argparse
import copy
import math
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

import numpy as np
from numpy.typing import NDArray

from autograd import Value, no_grad
from nn import data
from nn.losses import LossFn, binary_cross_entropy, cross_entropy, hinge_loss, mse_loss
from nn.module import MLP
from nn.optim import SGD, Adam, Optimizer
from nn.serialize import save
from nn.train import History, fit

__all__ = ["main"]

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


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    >>> import io, tempfile
    >>> out = io.StringIO()
    >>> main(["--dataset", "linear", "--epochs", "5", "--no-progress",
    ...       "--out", tempfile.mkdtemp()], stdout=out)
    0
    >>> print(out.getvalue())  # doctest: +ELLIPSIS
    data      linear: y = 3x + noise (regression), 50 samples, noise 0.1, seed 0
    model     MLP(1 -> 1), linear output, 2 parameters
    ...
    """
    out = stdout if stdout is not None else sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _run(args, out)
    except UsageError as error:
        print(f"{parser.prog}: error: {error} (see --help)", file=sys.stderr)
        return 2
    except (ValueError, ArithmeticError, OSError) as error:
        # The library's errors (a diverging run is a FloatingPointError) say what went wrong
        # and what to try; a traceback would add nothing for someone at a command line.
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


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
                            (graph.dot when Graphviz's dot is not installed)"""),
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


def _run(args: argparse.Namespace, out: TextIO) -> int:
    s = _settle(args)
    X, y = DATASETS[s.dataset].make(s.samples, noise=s.noise, seed=args.seed)
    nout = int(y.max()) + 1 if s.loss == "cross_entropy" else 1
    model = MLP(X.shape[1], [*s.hidden, nout], activation=args.activation, seed=args.seed)
    initial = model.state_dict()  # to draw a graph with gradients if training ends at loss 0
    optimizer: Optimizer
    if s.optimizer == "adam":
        optimizer = Adam(model.parameters(), lr=s.lr)
    else:
        optimizer = SGD(model.parameters(), lr=s.lr, momentum=args.momentum)
    loss = LOSSES[s.loss]

    sizes = " -> ".join(str(n) for n in [X.shape[1], *s.hidden, nout])
    act = f"{args.activation} hidden, " if s.hidden else ""
    batch = "full batch" if args.batch_size is None else f"batches of {args.batch_size}"
    print(
        f"data      {s.dataset}: {DATASETS[s.dataset].what}, {len(X)} samples, "
        f"noise {s.noise:g}, seed {args.seed}",
        file=out,
    )
    print(
        f"model     MLP({sizes}), {act}linear output, {model.num_parameters()} parameters",
        file=out,
    )
    print(
        f"training  {s.loss} loss, {_describe_optimizer(s, args)}, {s.epochs} epochs, {batch}",
        file=out,
        flush=True,
    )

    history = fit(
        model,
        X,
        y,
        loss=loss,
        optimizer=optimizer,
        epochs=s.epochs,
        batch_size=args.batch_size,
        progress=not args.no_progress,
        l2=args.l2,
        seed=args.seed,
    )
    result = f"loss {history.loss[-1]:.6g}"
    if history.accuracy:
        result += f", accuracy {history.accuracy[-1]:.1%}"
    elif s.dataset != "linear":
        # fit measures accuracy for classification losses only; mse on 0/1 labels is read
        # with the threshold 0.5, as the boundary picture reads it.
        accuracy = float(np.mean((model.predict(X)[:, 0] > 0.5) == y))
        result += f", accuracy {accuracy:.1%}"
    print(f"result    {result}", file=out)
    if not s.hidden and X.shape[1] == 1 and nout == 1:
        neuron = model.layers[0].neurons[0]
        w, b = neuron.w[0].data, neuron.b.data
        print(f"learned   y = {w:.4g} x {'+' if b >= 0 else '-'} {abs(b):.4g}", file=out)

    files = _write_files(s, model, X, y, loss, history, initial)
    print(f"wrote     {s.out}{'/' if str(s.out)[-1:] not in '/' else ''}", file=out)
    width = max(len(str(path)) for path, _ in files)
    for path, what in files:
        print(f"  {path!s:{width}}  {what}", file=out)
    return 0


def _describe_optimizer(s: _Setup, args: argparse.Namespace) -> str:
    text = f"{s.optimizer} lr {s.lr:g}"
    if args.momentum:
        text += f" momentum {args.momentum:g}"
    if args.l2:
        text += f" l2 {args.l2:g}"
    return text


def _write_files(
    s: _Setup,
    model: MLP,
    X: NDArray[np.float64],
    y: NDArray[Any],
    loss: LossFn,
    history: History,
    initial: dict[str, float],
) -> list[tuple[Path, str]]:
    from nn import plots

    s.out.mkdir(parents=True, exist_ok=True)
    per_epoch = "loss and accuracy per epoch" if history.accuracy else "loss per epoch"
    files = [(plots.plot_history(history, s.out / "loss.png"), per_epoch)]
    if s.dataset == "linear":
        fit_png = plots.plot_regression(model, X, y, s.out / "fit.png")
        files.append((fit_png, "the fitted line through the data"))
    else:
        # An mse model of 0/1 labels outputs a number near the label: 0.5 splits the classes.
        threshold = 0.5 if loss is mse_loss else 0.0
        path = plots.plot_decision_boundary(
            model, X, y, s.out / "boundary.png", threshold=threshold
        )
        files.append((path, "decision boundary with the data"))
    save(model, s.out / "model.json")
    files.append((s.out / "model.json", "the trained model (nn.load reads it)"))
    files.append(_write_graph(model, X, y, loss, s.out, initial))
    return files


def _write_graph(
    model: MLP,
    X: NDArray[np.float64],
    y: NDArray[Any],
    loss: LossFn,
    folder: Path,
    initial: dict[str, float],
) -> tuple[Path, str]:
    """The graph of the loss of the example the model finds hardest, after backward().

    When the trained model fits every example (a hinge loss of exactly 0), every gradient
    is 0 and the picture would show nothing flowing; the graph of the first training step,
    with the initial weights, shows backprop at work instead.
    """
    from autograd.draw import write_graph

    def hardest(m: MLP) -> tuple[int, float]:
        with no_grad():
            losses = [loss(m(row), t).data for row, t in zip(X.tolist(), y.tolist())]
        k = int(np.argmax(losses))
        return k, losses[k]

    k, worst = hardest(model)
    when = "after training"
    if worst == 0.0:
        model = copy.deepcopy(model)
        model.load_state_dict(initial)
        k, worst = hardest(model)
        when = "at the first step"
    value: Value = loss(model(X[k].tolist()), y[k].item())
    value.label = "loss"
    value.backward()
    # The nodes nearest the loss: the loss, the output layer and the last hidden layer's
    # outputs. The whole graph (hundreds of nodes) would be too small to read.
    path, note = write_graph(
        value, folder / "graph.svg", max_nodes=40, cluster=True, color_by_grad=True
    )
    what = f"computation graph of the largest one-example loss {when} (example {k}: {worst:.3g})"
    return path, what + (f"\n    {note}" if note else "")
