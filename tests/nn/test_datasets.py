"""load_iris and load_digits: the right sizes and numbers, and a clear error without sklearn."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import nn
from nn.datasets import DATASETS, IRIS_CLASSES, IRIS_FEATURES


def test_iris_has_150_rows_in_3_classes_of_50() -> None:
    X, y = nn.load_iris()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert y.shape == (150,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 50, 50]
    assert len(IRIS_FEATURES) == 4 and IRIS_CLASSES == ("setosa", "versicolor", "virginica")
    # Facts of the data set a typo would break: ranges from Fisher's table, and setosa's
    # petals are all shorter than every other flower's.
    assert X.min(axis=0).tolist() == [4.3, 2.0, 1.0, 0.1]
    assert X.max(axis=0).tolist() == [7.9, 4.4, 6.9, 2.5]
    assert X[y == 0, 2].max() < X[y != 0, 2].min()


def test_iris_equals_scikit_learns_copy() -> None:
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = nn.load_iris()
    X_sk, y_sk = datasets.load_iris(return_X_y=True)
    assert np.array_equal(X, X_sk)
    assert np.array_equal(y, y_sk)
    assert list(datasets.load_iris().target_names) == list(IRIS_CLASSES)


def test_iris_is_a_fresh_copy_each_time() -> None:
    X, _ = nn.load_iris()
    X[0, 0] = -1.0
    assert nn.load_iris()[0][0, 0] == 5.1


def test_digits_from_scikit_learn() -> None:
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = nn.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64 and y.dtype == np.int64
    assert sorted(set(y.tolist())) == list(range(10))
    assert X.min() == 0.0 and X.max() == 16.0
    X_sk, y_sk = datasets.load_digits(return_X_y=True)
    assert np.array_equal(X, X_sk) and np.array_equal(y, y_sk)


def test_digits_without_scikit_learn_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes "import sklearn..." raise ImportError, as if not installed.
    for name in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"'data' extra: pip install 'chainrule\[data\]'"):
        nn.load_digits()


def test_iris_csv_is_declared_as_package_data() -> None:
    # Without the declaration, an installed chainrule would have no iris.csv to read.
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["nn"]
    shipped = {path.name for pattern in patterns for path in (root / "nn").glob(pattern)}
    assert "iris.csv" in shipped
    extras = config["project"]["optional-dependencies"]
    assert extras["data"] == ["scikit-learn>=1.3"] and extras["torch"] == ["torch==2.13.0"]


def test_datasets_by_name() -> None:
    assert sorted(DATASETS) == ["digits", "iris"]
    X, y = DATASETS["iris"]()
    assert np.array_equal(X, nn.load_iris()[0]) and np.array_equal(y, nn.load_iris()[1])
    assert DATASETS["digits"] is nn.load_digits
