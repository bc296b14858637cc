"""Real data sets to learn on: Iris (shipped with chainrule) and the 8x8 digits (scikit-learn's).

Like the makers in ``nn.data``, each loader returns ``(X, y)``: ``X`` float64 of shape
``(n_samples, n_features)`` and ``y`` int64 class labels 0..K-1. The rows come in the order
the source has them (grouped by class for Iris), so shuffle or split before training.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from nn.csvdata import load_csv

__all__ = ["DATASETS", "IRIS_CLASSES", "IRIS_FEATURES", "load_digits", "load_iris"]

IRIS_FEATURES = ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")
IRIS_CLASSES = ("setosa", "versicolor", "virginica")


def load_iris() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Fisher's Iris flowers: 150 rows, 4 measurements in cm, 3 species of 50 each.

    Columns of ``X`` are ``IRIS_FEATURES`` (sepal length, sepal width, petal length, petal
    width); ``y`` is 0 for *Iris setosa*, 1 for *versicolor* and 2 for *virginica*
    (``IRIS_CLASSES``). Setosa is separable from the others by a line; versicolor and
    virginica overlap a little, so about 95-98% test accuracy is what a small MLP reaches.

    Source: R. A. Fisher, "The use of multiple measurements in taxonomic problems", Annals of
    Eugenics 7(2), 179-188 (1936); the measurements were taken by Edgar Anderson. The data
    are in the public domain. The copy shipped here (``nn/resources/iris.csv``) follows
    Fisher's table, as scikit-learn's does: UCI's copy differs from it in rows 35 and 38.

    >>> X, y = load_iris()
    >>> X.shape, X.dtype, np.bincount(y).tolist()
    ((150, 4), dtype('float64'), [50, 50, 50])
    >>> X[0].tolist(), IRIS_CLASSES[y[0]]
    ([5.1, 3.5, 1.4, 0.2], 'setosa')
    """
    data = resources.files("nn").joinpath("resources", "iris.csv")
    with resources.as_file(data) as path:
        X, y, features, classes = load_csv(path, target="species")
    if tuple(features) != IRIS_FEATURES or tuple(classes) != IRIS_CLASSES:
        raise RuntimeError(f"nn's copy of iris.csv is damaged: columns {features}, {classes}")
    return X, y


def load_digits() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Handwritten digits as 8x8 images: 1,797 rows of 64 pixels (0..16), 10 classes (0..9).

    The images come from scikit-learn's bundled copy of the UCI "Optical Recognition of
    Handwritten Digits" test set (E. Alpaydin and C. Kaynak, 1998; licensed CC BY 4.0), so
    this needs scikit-learn: ``pip install 'chainrule[data]'``. Row ``i`` of ``X`` is the
    image ``X[i].reshape(8, 8)``, read row by row. Pixels run from 0 to 16: standardize them
    (``nn.Standardizer``) or divide by 16 before training.

    >>> X, y = load_digits()  # doctest: +SKIP
    >>> X.shape, np.bincount(y).sum(), X.max()  # doctest: +SKIP
    ((1797, 64), 1797, 16.0)
    """
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError as err:
        raise ImportError(
            "load_digits() needs scikit-learn, which ships the digit images; install the "
            "'data' extra: pip install 'chainrule[data]' (or pip install scikit-learn)"
        ) from err
    X, y = sklearn_digits(return_X_y=True)
    return np.ascontiguousarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64)


DATASETS: dict[str, Callable[[], tuple[NDArray[np.float64], NDArray[np.int64]]]] = {
    "iris": load_iris,
    "digits": load_digits,
}
"""The real data sets by name, for a command line's ``--dataset NAME``: ``DATASETS[name]()``."""
