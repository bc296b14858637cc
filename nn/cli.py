"""``python -m nn``: train a small network on a toy data set and save what happened.

With no arguments it trains an MLP on two moons (about ten seconds) and writes, into
``runs/moons``: the loss and accuracy per epoch, the decision boundary with the data, the
trained model as JSON, and the computation graph of one example's loss. Options change the
data set, the model and the training; ``python -m nn --help`` lists them.

This module and its options (``nn.cli_options``) are the only places in ``nn`` that print
(besides fit's progress bar).
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from numpy.typing import NDArray

from autograd import Value, no_grad
from nn.cli_options import DATASETS, LOSSES, UsageError, _parser, _settle, _Setup
from nn.layers import MLP
from nn.losses import LossFn, kind_of
from nn.optim import SGD, Adam, Optimizer
from nn.report import Recorder, hardest_example, write_report
from nn.serialize import save
from nn.train import History, fit

__all__ = ["main"]


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

    recorder = Recorder(model, X, y, threshold=0.5 if kind_of(loss) == "regression" else 0.0)
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
        record=recorder,
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
    example = hardest_example(model, X, y, loss, initial)
    report = write_report(
        s.out / "report.html", recorder, history, example=example, lang=args.lang
    )
    files.append((report, "the training report: open it in a browser"))
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
        threshold = 0.5 if kind_of(loss) == "regression" else 0.0
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
