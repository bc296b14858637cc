"""The data of a ``python -m nn`` run: made or loaded, split, and standardized.

Command-line code only: the library never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from numpy.typing import NDArray

from nn import datasets
from nn.cli_options import DATASETS, _Setup
from nn.csvdata import load_csv
from nn.data import train_test_split, train_val_test_split
from nn.i18n import message
from nn.preprocessing import Standardizer


@dataclass
class RunData:
    """The rows to train, validate and test on, and what predict needs to read new rows."""

    X: NDArray[Any]
    y: NDArray[Any]
    X_val: NDArray[Any] | None
    y_val: NDArray[Any] | None
    X_test: NDArray[Any] | None
    y_test: NDArray[Any] | None
    feature_names: list[str]
    class_names: list[str] | None  # None for regression
    target: str
    scaler: Standardizer | None
    summary: list[str]  # the summary's data lines, in the chosen language

    @property
    def classes(self) -> int:
        """How many classes (1 for regression)."""
        return len(self.class_names) if self.class_names is not None else 1


def load(s: _Setup, seed: int, data_path: Any, target: str | None) -> RunData:
    """Make or load the rows ``s`` describes, split them and standardize them."""
    d = DATASETS[s.dataset]
    if d.make is not None:
        extra = {"n_classes": s.classes} if s.classes is not None else {}
        X, y = d.make(s.samples, noise=s.noise, seed=seed, **extra)
        names = [f"x{j + 1}" for j in range(X.shape[1])]
        classes = None if s.dataset == "linear" else [str(k) for k in range(int(y.max()) + 1)]
        what = message(f"cli.dataset.{s.dataset}", s.lang, k=s.classes)
        head = message(
            "cli.data",
            s.lang,
            dataset=s.dataset,
            what=what,
            samples=len(X),
            noise=s.noise,
            seed=seed,
        )
        column = "y" if classes is None else "class"
    else:
        if data_path is not None:
            X, y, names, classes = load_csv(data_path, target=str(target))
            name, what = str(data_path), message("cli.dataset.csv", s.lang, target=target)
            column = str(target)
        else:
            X, y = datasets.DATASETS[s.dataset]()
            name, what, column = s.dataset, message(f"cli.dataset.{s.dataset}", s.lang), "class"
            names = (
                list(datasets.IRIS_FEATURES)
                if s.dataset == "iris"
                else [f"pixel{j}" for j in range(X.shape[1])]
            )
            classes = (
                list(datasets.IRIS_CLASSES) if s.dataset == "iris" else [str(k) for k in range(10)]
            )
        head = message(
            "cli.data.real",
            s.lang,
            dataset=name,
            what=what,
            samples=len(X),
            features=X.shape[1],
            classes=len(classes),
        )
    X_val = y_val = X_test = y_test = None
    if s.val_split and s.test_split:
        X, X_val, X_test, y, y_val, y_test = train_val_test_split(
            X, y, val_size=s.val_split, test_size=s.test_split, seed=seed
        )
    elif s.val_split:
        X, X_val, y, y_val = train_test_split(X, y, test_size=s.val_split, seed=seed)
    elif s.test_split:
        X, X_test, y, y_test = train_test_split(X, y, test_size=s.test_split, seed=seed)
    scaler = Standardizer().fit(X) if s.standardize else None
    if scaler is not None:
        X = scaler(X)
        X_val = None if X_val is None else scaler(X_val)
        X_test = None if X_test is None else scaler(X_test)
    summary = [head]
    if s.val_split or s.test_split or scaler is not None:
        scaled = message("cli.standardized", s.lang) if scaler is not None else ""
        summary.append(
            message(
                "cli.split",
                s.lang,
                train=len(X),
                val=0 if X_val is None else len(X_val),
                test=0 if X_test is None else len(X_test),
                seed=seed,
                scaled=scaled,
            )
        )
    return RunData(X, y, X_val, y_val, X_test, y_test, names, classes, column, scaler, summary)
