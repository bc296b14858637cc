"""``python -m nn predict MODEL.json --data FILE.csv [--out predictions.csv]``.

Reads the model and the data.json that ``python -m nn`` wrote beside it, takes the CSV's
columns by the saved feature names (in the saved order; other columns, such as the target, are
ignored), applies the saved standardizer, and writes one prediction per row: the class by its
name, or the number for a regression model. Command-line code only.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from numpy.typing import NDArray

from nn.cli_files import DATA_JSON, CliError, read_data_document
from nn.csvdata import load_features
from nn.i18n import message
from nn.module import Module
from nn.preprocessing import Standardizer
from nn.serialize import load


def predictions(
    model: Module, document: dict[str, Any] | None, csv_path: Path, lang: str
) -> tuple[str, list[str]]:
    """The column name and one prediction per row of ``csv_path``, as text."""
    names = None if document is None else document["feature_names"]
    X, _ = load_features(csv_path, names)
    nin = getattr(model, "nin", X.shape[1])
    if document is None and X.shape[1] != nin:
        raise CliError(
            message("cli.error.predict_columns", lang, path=csv_path, got=X.shape[1], want=nin)
        )
    if document is not None and document["standardizer"] is not None:
        X = Standardizer.from_dict(document["standardizer"])(X)
    scores: NDArray[np.float64] = model.predict(X)
    loss = "cross_entropy" if document is None and scores.shape[1] > 1 else None
    loss = loss or ("hinge" if document is None else document["loss"])
    column = "class" if document is None else str(document["target"])
    classes = None if document is None else document["class_names"]
    if loss == "mse" and classes is None:  # regression: the number itself
        return column, [repr(float(v)) for v in scores[:, 0]]
    if scores.shape[1] > 1:
        k = np.argmax(scores, axis=1)
    else:  # one score: above 0 (0.5 for an mse fit of 0/1 labels) is class 1
        k = (scores[:, 0] > (0.5 if loss == "mse" else 0.0)).astype(np.int64)
    return column, [str(classes[i]) if classes else str(int(i)) for i in k]


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Predict as ``args`` say; print the predictions or write them to ``--out``."""
    lang = args.lang
    target: Path | None = args.out
    if target is not None and target.is_dir():
        raise CliError(message("cli.error.out_folder", lang, path=target))
    model = load(args.model)
    beside = args.model.parent / DATA_JSON
    document = read_data_document(beside) if beside.exists() else None
    column, rows = predictions(model, document, args.data, lang)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([column])
    writer.writerows([r] for r in rows)
    if target is None:
        out.write(text.getvalue())
        return 0
    _write_atomically(target, text.getvalue(), lang)
    print(message("cli.predicted", lang, path=target, n=len(rows)), file=out)
    return 0


def _write_atomically(path: Path, text: str, lang: str) -> None:
    folder = path.parent
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
                file.write(text)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as err:
        state = message("cli.error.write.nothing", lang, folder=folder)
        raise CliError(
            message(
                "cli.error.write", lang, path=path, reason=err.strerror or str(err), state=state
            )
        ) from err
