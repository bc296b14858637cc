"""``python -m nn``: train a small network on a data set and save what happened.

With no arguments it trains an MLP on two moons (about ten seconds) and writes, into
``runs/moons``: the loss and accuracy per epoch, the decision boundary with the data, the
trained model as JSON, what predict needs to read new rows, and the computation graph of one
example's loss. Options change the data set (toy, real or your own CSV), the split, the model
and the training; ``python -m nn --help`` lists them. ``python -m nn predict MODEL.json
--data FILE.csv`` predicts with a saved model (``nn.cli_predict``).

This module and its helpers (``nn.cli_*``) are the only places in ``nn`` that print
(besides fit's progress bar).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from numpy.typing import NDArray

from autograd import Value, no_grad
from nn import cli_data, cli_predict
from nn.cli_files import DATA_JSON, CliError, RunFolder, check_out, data_document, write_json
from nn.cli_options import (
    LOSSES,
    UsageError,
    _parser,
    _settle,
    _Setup,
    chosen_language,
    predict_parser,
)
from nn.i18n import message
from nn.layers import MLP
from nn.losses import LossFn, kind_of
from nn.optim import SGD, Adam, Optimizer
from nn.report import Recorder, hardest_example, write_report
from nn.serialize import save
from nn.train import History, fit

__all__ = ["main"]


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    A leading ``predict`` runs the predict command; anything else trains.

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
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = chosen_language(argv)
    predicting = argv[:1] == ["predict"]
    parser = predict_parser(lang) if predicting else _parser(lang)
    args = parser.parse_args(argv[1:] if predicting else argv)
    try:
        return cli_predict.run(args, out) if predicting else _run(args, out)
    except UsageError as error:
        print(message("cli.error.usage", lang, prog=parser.prog, error=error), file=sys.stderr)
        return 2
    except (ValueError, ArithmeticError, OSError, CliError) as error:
        # The library's errors (a diverging run is a FloatingPointError) say what went wrong
        # and what to try; a traceback would add nothing for someone at a command line.
        print(message("cli.error", lang, error=_one_line(error)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(message("cli.interrupted", lang), file=sys.stderr)
        return 130


def _one_line(error: BaseException | str) -> str:
    return " ".join(str(error).split())


def _run(args: argparse.Namespace, out: TextIO) -> int:
    s = _settle(args)
    lang = s.lang
    check_out(s.out, lang)  # before any work: a bad --out costs nothing
    d = cli_data.load(s, args.seed, args.data, args.target)
    nout = d.classes if s.loss == "cross_entropy" else 1
    model = MLP(d.X.shape[1], [*s.hidden, nout], activation=args.activation, seed=args.seed)
    initial = model.state_dict()  # to draw a graph with gradients if training ends at loss 0
    optimizer: Optimizer
    if s.optimizer == "adam":
        optimizer = Adam(model.parameters(), lr=s.lr)
    else:
        optimizer = SGD(model.parameters(), lr=s.lr, momentum=args.momentum)
    loss = LOSSES[s.loss]

    for line in d.summary:
        print(line, file=out)
    sizes = " -> ".join(str(n) for n in [d.X.shape[1], *s.hidden, nout])
    hidden = message("cli.hidden", lang, activation=args.activation) if s.hidden else ""
    params = model.num_parameters()
    print(message("cli.model", lang, sizes=sizes, hidden=hidden, parameters=params), file=out)
    batch = (
        message("cli.full_batch", lang)
        if s.batch_size is None
        else message("cli.batches", lang, size=s.batch_size)
    )
    print(
        message(
            "cli.training",
            lang,
            loss=s.loss,
            optimizer=_describe_optimizer(s, args),
            epochs=s.epochs,
            batch=batch,
        ),
        file=out,
        flush=True,
    )

    threshold = 0.5 if kind_of(loss) == "regression" else 0.0
    recorder = Recorder(model, d.X, d.y, threshold=threshold)
    validation: dict[str, Any] = {}
    if d.X_val is not None:  # fit's validation_data and patience (issue 16, item 1)
        validation["validation_data"] = (d.X_val, d.y_val)
        if args.patience is not None:
            validation["patience"] = args.patience
    with warnings.catch_warnings():
        # fit's warnings also land in History.warnings: printed below as one line each.
        warnings.simplefilter("ignore", RuntimeWarning)
        history = fit(
            model,
            d.X,
            d.y,
            loss=loss,
            optimizer=optimizer,
            epochs=s.epochs,
            batch_size=s.batch_size,
            progress=False if args.no_progress else message("cli.progress", lang),
            l2=args.l2,
            seed=args.seed,
            record=recorder,
            compile=args.compile,
            **validation,
        )
    if history.stopped_early:  # the weights are the best epoch's again
        result = _evaluate(model, d.X, d.y, loss, s, threshold)
    else:
        result = message("cli.loss", lang, loss=history.loss[-1])
        accuracy = _accuracy(model, d.X, d.y, s, threshold)
        if accuracy is not None:
            result += message("cli.accuracy", lang, accuracy=accuracy)
    print(message("cli.result", lang, result=result), file=out)
    if d.X_val is not None and d.y_val is not None:
        print(_validation_line(history, model, d.X_val, d.y_val, s, threshold), file=out)
    if d.X_test is not None and d.y_test is not None:
        tested = _evaluate(model, d.X_test, d.y_test, loss, s, threshold)
        print(message("cli.test", lang, result=tested, n=len(d.X_test)), file=out)
    stopped = history.stopped_early
    for text in history.warnings:
        if not (stopped and "restored" in text):  # the val line says that, in the run's language
            print(message("cli.note", lang, text=_one_line(text)), file=out)
    if not s.hidden and d.X.shape[1] == 1 and nout == 1:
        neuron = model.layers[0].neurons[0]
        w, b = neuron.w[0].data, neuron.b.data
        line = f"{w:.4g} x {'+' if b >= 0 else '-'} {abs(b):.4g}"
        print(message("cli.learned", lang, line=line), file=out)

    folder = RunFolder(s.out, lang)
    try:
        files = _write_files(folder, s, d, model, loss, history, initial, recorder, threshold)
        folder.commit()
    except BaseException:  # Ctrl-C or a failed picture: leave no hidden staging folder
        folder.discard()
        raise
    shown = f"{s.out}{'/' if str(s.out)[-1:] != '/' else ''}"
    if folder.created:
        shown += message("cli.created", lang, folders=", ".join(map(str, folder.created)))
    print(message("cli.wrote", lang, folder=shown), file=out)
    width = max(len(str(path)) for path, _ in files)
    for path, what in files:
        print(f"  {path!s:{width}}  {what}", file=out)
    return 0


def _describe_optimizer(s: _Setup, args: argparse.Namespace) -> str:
    text = message("cli.optimizer", s.lang, name=s.optimizer, lr=s.lr)
    if args.momentum:
        text += message("cli.momentum", s.lang, momentum=args.momentum)
    if args.l2:
        text += message("cli.l2", s.lang, l2=args.l2)
    return text


def _accuracy(
    model: MLP, X: NDArray[np.float64], y: NDArray[Any], s: _Setup, threshold: float
) -> float | None:
    """The fraction of rows classified right, or None for regression."""
    if s.dataset == "linear":
        return None
    scores = model.predict(X)
    if scores.shape[1] > 1:
        predicted = np.argmax(scores, axis=1)
    else:  # an mse model of 0/1 labels is read with the threshold 0.5, as the picture is
        predicted = (scores[:, 0] > threshold).astype(np.int64)
    return float(np.mean(predicted == y))


def _evaluate(
    model: MLP,
    X: NDArray[np.float64],
    y: NDArray[Any],
    loss: LossFn,
    s: _Setup,
    threshold: float,
) -> str:
    """``loss L, accuracy A`` on rows the model did not train on, in the run's language."""
    with no_grad():
        total = sum(loss(model(row), t).data for row, t in zip(X.tolist(), y.tolist()))
    text = message("cli.loss", s.lang, loss=total / len(X))
    accuracy = _accuracy(model, X, y, s, threshold)
    if accuracy is not None:
        text += message("cli.accuracy", s.lang, accuracy=accuracy)
    return text


def _validation_line(
    history: History,
    model: MLP,
    X_val: NDArray[np.float64],
    y_val: NDArray[Any],
    s: _Setup,
    threshold: float,
) -> str:
    # History.val_loss, best_epoch and stopped_early come with fit's validation_data.
    val_loss: list[float] = history.val_loss
    best = history.best_epoch or history.epochs
    result = message("cli.loss", s.lang, loss=val_loss[best - 1] if val_loss else float("nan"))
    accuracy = _accuracy(model, X_val, y_val, s, threshold)
    if accuracy is not None:
        result += message("cli.accuracy", s.lang, accuracy=accuracy)
    line = message("cli.validation", s.lang, result=result, best=best, epochs=history.epochs)
    if history.stopped_early:
        line += message("cli.stopped", s.lang)
    return line


def _write_files(
    folder: RunFolder,
    s: _Setup,
    d: cli_data.RunData,
    model: MLP,
    loss: LossFn,
    history: History,
    initial: dict[str, float],
    recorder: Recorder,
    threshold: float,
) -> list[tuple[Path, str]]:
    from nn import plots

    lang = s.lang
    files: list[tuple[Path, str]] = []

    def wrote(path: Path, key: str, **fields: Any) -> None:
        files.append((folder.final(path), message(key, lang, **fields)))

    with folder.writing("loss.png"):
        path = plots.plot_history(history, folder.path("loss.png"), lang=lang)
    wrote(path, "cli.file.loss_accuracy" if history.accuracy else "cli.file.loss")
    if s.dataset == "linear":
        with folder.writing("fit.png"):
            path = plots.plot_regression(model, d.X, d.y, folder.path("fit.png"), lang=lang)
        wrote(path, "cli.file.fit")
    elif d.X.shape[1] == 2:
        with folder.writing("boundary.png"):
            path = plots.plot_decision_boundary(
                model, d.X, d.y, folder.path("boundary.png"), threshold=threshold, lang=lang
            )
        wrote(path, "cli.file.boundary")
    with folder.writing("model.json"):
        save(model, folder.path("model.json"))
    wrote(folder.path("model.json"), "cli.file.model")
    document = data_document(
        d.feature_names, d.class_names, d.scaler, loss=s.loss, target=d.target
    )
    with folder.writing(DATA_JSON):
        path = write_json(folder.path(DATA_JSON), document)
    wrote(path, "cli.file.data")
    example = hardest_example(model, d.X, d.y, loss, initial)
    with folder.writing("graph.svg"):
        path, note = _draw(example, folder.path("graph.svg"))
    k, value, first = example
    when = message("cli.file.graph.first" if first else "cli.file.graph.after", lang)
    what = message("cli.file.graph", lang, when=when, k=k, worst=value.data)
    note = note.replace(str(folder.staging), str(s.out))
    files.append((folder.final(path), what + (f"\n    {note}" if note else "")))
    with folder.writing("report.html"):
        path = write_report(
            folder.path("report.html"), recorder, history, example=example, lang=lang
        )
    wrote(path, "cli.file.report")
    return files


def _draw(example: tuple[int, Value, bool], path: Path) -> tuple[Path, str]:
    """Draw the graph of the hardest example's loss, after backward(), into ``path``."""
    from autograd.draw import write_graph

    _, value, _ = example
    value.backward()  # explain() in the report replays it without touching any .grad
    # The nodes nearest the loss: the loss, the output layer and the last hidden layer's
    # outputs. The whole graph (hundreds of nodes) would be too small to read.
    return write_graph(value, path, max_nodes=40, cluster=True, color_by_grad=True)


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
    k, value, first = example = hardest_example(model, X, y, loss, initial)
    path, note = _draw(example, folder / "graph.svg")
    when = message("cli.file.graph.first" if first else "cli.file.graph.after", "en")
    what = message("cli.file.graph", "en", when=when, k=k, worst=value.data)
    return path, what + (f"\n    {note}" if note else "")
