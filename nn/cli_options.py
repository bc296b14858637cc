"""The options of ``python -m nn``: data sets with their defaults, the parser, the checks.

``nn.cli`` runs what these options describe. Command-line code only: the library never
imports it.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from autograd import Value
from nn import data
from nn.cli_types import (
    _float_above,
    _float_at_least,
    _fraction,
    _int_at_least,
    _momentum,
    _out_path,
)
from nn.i18n import LANGUAGES, message
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
    """A data set and the settings that learn it well and fast by default.

    ``make`` is a toy maker from ``nn.data`` (``make(samples, noise=..., seed=...)``), or None
    for real data (``nn.datasets`` or the user's CSV), which is split and standardized.
    """

    make: Callable[..., Any] | None
    samples: int
    noise: float
    loss: str
    epochs: int
    hidden: tuple[int, ...]
    optimizer: str
    lr: float | None = None  # None: LEARNING_RATES[optimizer]
    batch_size: int | None = None
    test_split: float = 0.0
    classes: int | None = None  # for --classes: the makers that take n_classes


DATASETS = {
    "moons": Dataset(data.make_moons, 100, 0.1, "hinge", 100, (16, 16), "adam"),
    "circles": Dataset(data.make_circles, 100, 0.05, "hinge", 100, (16, 16), "adam"),
    # Overlapping clusters: no model reaches 100%, and a held-out quarter shows that a bigger
    # model fits the training points better without doing better on new ones.
    "blobs": Dataset(
        data.make_blobs,
        200,
        3.0,
        "cross_entropy",
        100,
        (16, 16),
        "adam",
        test_split=0.25,
        classes=4,
    ),
    "spirals": Dataset(
        data.make_spirals, 100, 0.02, "cross_entropy", 150, (16, 16), "adam", classes=2
    ),
    # The tutorial's problem: one neuron and plain gradient descent find w = 3, b = 0.
    "linear": Dataset(data.make_linear, 50, 0.1, "mse", 50, (), "sgd"),
    "iris": Dataset(None, 150, 0.0, "cross_entropy", 100, (16,), "adam", test_split=0.2),
    # 97% test accuracy in about 10 s on a busy 2-core machine (README, "python -m nn").
    "digits": Dataset(
        None,
        1797,
        0.0,
        "cross_entropy",
        5,
        (32,),
        "adam",
        lr=0.005,
        batch_size=32,
        test_split=0.2,
    ),
    # --data FILE.csv: the user's own rows, of any size, so minibatches from the start.
    "csv": Dataset(
        None, 0, 0.0, "cross_entropy", 50, (16,), "adam", lr=0.01, batch_size=32, test_split=0.2
    ),
}
TOY = tuple(name for name, d in DATASETS.items() if d.make is not None)
REAL = ("iris", "digits")


class UsageError(Exception):
    """Options that do not fit together: printed as one line, exit status 2."""


def chosen_language(argv: Sequence[str]) -> str:
    """The ``--lang`` in ``argv``, read before parsing so that parse errors speak it too."""
    for k, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if arg == "--lang" and k + 1 < len(argv):
            value = argv[k + 1]
        if value in LANGUAGES:
            return value
    return "en"


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one line on stderr, not the usage plus a line."""

    lang = "en"

    def error(self, message_: str) -> NoReturn:
        line = message("cli.error.usage", self.lang, prog=self.prog, error=message_)
        self.exit(2, line + "\n")


def _parser(lang: str = "en") -> argparse.ArgumentParser:
    datasets = "\n".join(_describe(name, d) for name, d in DATASETS.items() if name != "csv")
    parser = _Parser(
        prog="python -m nn",
        description=textwrap.dedent("""\
            Train a small MLP on a toy data set, a real one or your own CSV, and save, into
            the --out folder:
              loss.png      the loss (and accuracy) per epoch
              boundary.png  the decision regions with the data (2 features only;
                            fit.png for linear)
              model.json    the trained model; nn.load reads it back
              data.json     feature names, class names and the standardizer, for predict
              graph.svg     the computation graph of one example's loss
                            (graph.dot when Graphviz's dot is not installed)
              report.html   all of it in one page, with the boundary at every epoch

            Predict with a saved model (columns by name, the standardizer applied):
              python -m nn predict runs/iris/model.json --data new.csv [--out pred.csv]

            --lang ja prints the summary, the plots, the report and errors in Japanese
            (日本語)."""),
        epilog=f"data sets and their defaults:\n{datasets}\n\nexamples:\n"
        "  python -m nn --dataset spirals --hidden 32 32 --activation tanh --out runs/spirals\n"
        "  python -m nn --dataset digits             # 97% on held-out digits\n"
        "  python -m nn --data flowers.csv --target species --val-split 0.2 --patience 10",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.lang = lang
    add = parser.add_argument
    add(
        "--dataset",
        choices=[*TOY, *REAL],
        help="the data set (default: moons); iris and digits are real data (digits needs "
        "scikit-learn)",
    )
    add("--data", metavar="FILE.csv", type=Path, help="train on your own CSV (needs --target)")
    add(
        "--target",
        metavar="COLUMN",
        help="--data's column of class labels; every other column must be numeric",
    )
    add("--samples", metavar="N", type=_int_at_least(4), help="toy points (default: per set)")
    add("--noise", metavar="SD", type=_float_at_least(0.0), help="toy noise (default: per set)")
    add(
        "--classes",
        metavar="K",
        type=_int_at_least(2),
        help="classes for blobs and spirals (default: 4 blobs, 2 spirals)",
    )
    add(
        "--test-split",
        metavar="F",
        type=_fraction(allow_zero=True),
        help="fraction of rows held out to test on at the end (default: 0.2 for real data, "
        "0.25 for blobs, else 0)",
    )
    add(
        "--val-split",
        metavar="F",
        type=_fraction(allow_zero=True),
        default=0.0,
        help="fraction of rows to validate on after every epoch (default: 0)",
    )
    add(
        "--patience",
        metavar="K",
        type=_int_at_least(1),
        help="stop when the validation loss has not improved for K epochs, and keep the "
        "best epoch's weights (needs --val-split)",
    )
    add(
        "--standardize",
        action=argparse.BooleanOptionalAction,
        help="scale each feature by the training rows' mean and deviation (default: on "
        "for real data and CSV, off for toy sets)",
    )
    add(
        "--hidden",
        type=_int_at_least(1),
        nargs="*",
        metavar="N",
        help="hidden layer widths, e.g. --hidden 16 16; none for a single layer "
        "(default: per data set)",
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
        help="hinge or bce (two classes), cross_entropy (any classes), mse (regression) "
        "(default: hinge for moons and circles, mse for linear, else cross_entropy)",
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
        f"{LEARNING_RATES['sgd']} for sgd, unless the data set says otherwise)",
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
    add("--epochs", metavar="N", type=_int_at_least(1), help="passes over the data")
    add(
        "--batch-size",
        type=_int_at_least(1),
        metavar="N",
        help="samples per step (default: per data set; else all of them, full-batch)",
    )
    add(
        "--seed",
        type=_int_at_least(0),
        metavar="N",
        default=0,
        help="seeds the data, the split, the weights and the batch order (default: 0); "
        "the same seed gives the same numbers",
    )
    add(
        "--out",
        metavar="DIR",
        type=_out_path,
        help="folder for the files (default: runs/<dataset>). Missing folders on the way "
        "are created, and the summary names them; an existing folder keeps its other "
        "files. Checked before training starts",
    )
    add(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="language of the summary, the plots, report.html and errors: en or ja "
        "(日本語) (default: en)",
    )
    add(
        "--compile",
        action=argparse.BooleanOptionalAction,
        help="train through one compiled graph per batch size (autograd.compile): the same "
        "numbers, many times faster; on by default, --no-compile builds every step's graph",
    )
    add("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def _describe(name: str, d: Dataset) -> str:
    what = message(f"cli.dataset.{name}", "en", k=d.classes)
    size = f"{d.samples} samples, noise {d.noise}, " if d.make is not None else ""
    batch = f", batches of {d.batch_size}" if d.batch_size else ""
    test = f", test {d.test_split:g}" if d.test_split else ""
    hidden = " ".join(map(str, d.hidden)) or "(none)"
    return (
        f"  {name:8} {what}\n  {'':8} {size}hidden {hidden}, {d.loss}, {d.optimizer}, "
        f"{d.epochs} epochs{batch}{test}"
    )


def predict_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The parser of ``python -m nn predict``."""
    parser = _Parser(
        prog="python -m nn predict",
        description="Predict the class of every row of a CSV with a model python -m nn "
        "saved. The columns are read by the names in data.json beside the model (other "
        "columns, such as the target, are ignored), the saved standardizer is applied, and "
        "classes are written by name.",
    )
    parser.lang = lang
    parser.add_argument("model", metavar="MODEL.json", type=Path, help="the saved model")
    parser.add_argument("--data", metavar="FILE.csv", type=Path, required=True)
    parser.add_argument(
        "--out",
        metavar="FILE.csv",
        type=_out_path,
        help="write the predictions here, one per row (default: print them)",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="en or ja (日本語)")
    return parser


@dataclass(frozen=True)
class _Setup:
    """The options with every default filled in."""

    dataset: str  # a DATASETS key; "csv" for --data
    samples: int
    noise: float
    classes: int | None
    hidden: tuple[int, ...]
    loss: str
    optimizer: str
    lr: float
    epochs: int
    batch_size: int | None
    test_split: float
    val_split: float
    standardize: bool
    out: Path
    lang: str


def _settle(args: argparse.Namespace) -> _Setup:
    lang = args.lang

    def refuse(key: str, **fields: Any) -> NoReturn:
        raise UsageError(message(key, lang, **fields))

    if args.data is not None and args.dataset is not None:
        refuse("cli.error.data_and_dataset", dataset=args.dataset)
    if (args.data is None) != (args.target is None):
        refuse("cli.error.target")
    name = "csv" if args.data is not None else (args.dataset or "moons")
    d = DATASETS[name]
    loss = args.loss or d.loss
    optimizer = args.optimizer or d.optimizer
    if d.make is None and (args.samples is not None or args.noise is not None):
        refuse("cli.error.toy_only", option="--samples" if args.samples else "--noise")
    if args.classes is not None and d.classes is None:
        refuse("cli.error.classes", dataset=name)
    classes = args.classes if args.classes is not None else d.classes
    if args.momentum and optimizer != "sgd":
        refuse("cli.error.momentum", optimizer=optimizer)
    if name == "linear" and loss != "mse":
        refuse("cli.error.regression", loss=loss)
    if loss in ("hinge", "bce") and (name in ("iris", "digits") or (classes or 2) > 2):
        many = {"iris": 3, "digits": 10}.get(name, classes)
        refuse("cli.error.two_classes", loss=loss, dataset=name, k=many)
    if args.patience is not None and not args.val_split:
        refuse("cli.error.patience")
    test_split = args.test_split if args.test_split is not None else d.test_split
    if test_split + args.val_split >= 1.0:
        refuse("cli.error.splits", test=test_split, val=args.val_split)
    standardize = args.standardize if args.standardize is not None else d.make is None
    if name == "linear" and standardize:
        refuse("cli.error.standardize_linear")
    default_out = Path("runs") / (args.data.stem if args.data is not None else name)
    return _Setup(
        dataset=name,
        samples=args.samples if args.samples is not None else d.samples,
        noise=args.noise if args.noise is not None else d.noise,
        classes=classes,
        hidden=tuple(args.hidden) if args.hidden is not None else d.hidden,
        loss=loss,
        optimizer=optimizer,
        lr=args.lr if args.lr is not None else (d.lr or LEARNING_RATES[optimizer]),
        epochs=args.epochs if args.epochs is not None else d.epochs,
        batch_size=args.batch_size if args.batch_size is not None else d.batch_size,
        test_split=test_split,
        val_split=args.val_split,
        standardize=standardize,
        out=args.out if args.out is not None else default_out,
        lang=lang,
    )
