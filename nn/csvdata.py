"""Read a CSV file of numeric features and class labels into numpy arrays, refusing bad cells.

The file has a header row naming its columns; every other row is one sample. Feature cells
must be finite numbers. The target column holds class labels, as numbers or as words; they
are mapped to the integers 0..K-1 in sorted order (numerically when every label is a number),
and ``class_names`` keeps the labels as written, so ``class_names[y[i]]`` is row i's label.

The file is read once, row by row, into compact arrays: time and memory grow linearly with
its size, and nothing in it is evaluated. Every refusal is one line naming the file, the line
(counted as an editor counts them, the header being line 1) and the column.
"""

from __future__ import annotations

import array
import csv
import math
import os
from collections.abc import Iterator, Sequence
from typing import NamedTuple, Protocol, TextIO

import numpy as np
from numpy.typing import NDArray

__all__ = ["CSVData", "load_csv", "load_features"]

# Cells that spreadsheets and data tools write for "no value". float() would read "nan" as a
# number, so these are caught first and called what they are.
_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-"})
# A class may well be called "none" or "-"; only these mean a missing label.
_MISSING_LABEL = frozenset({"", "na", "n/a", "nan", "null", "?"})


class CSVData(NamedTuple):
    """What ``load_csv`` returns; it unpacks as ``X, y, feature_names, class_names``."""

    X: NDArray[np.float64]
    y: NDArray[np.int64]
    feature_names: list[str]
    class_names: list[str]


def load_csv(
    path: str | os.PathLike[str],
    target: str,
    *,
    class_names: Sequence[str] | None = None,
    delimiter: str = ",",
) -> CSVData:
    """Load a labelled CSV: every column but ``target`` is a numeric feature.

    Args:
        target: the name (from the header row) of the column holding the class labels.
        class_names: the labels a model was trained on, to map this file's labels the same
            way (for a test file); a label not among them is refused. By default the file's
            own labels, sorted.
        delimiter: the character between cells.

    Refuses, in one line naming the line and column: a missing target column, a row with the
    wrong number of cells, a missing value, a cell that is not a finite number, a label
    outside ``class_names``, and a target with a single class.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pets.csv"
    >>> _ = path.write_text("weight,height,kind\\n4.0,25,cat\\n30,60,dog\\n5.5,28,cat\\n")
    >>> X, y, features, classes = load_csv(path, target="kind")
    >>> X.tolist(), y.tolist(), features, classes
    ([[4.0, 25.0], [30.0, 60.0], [5.5, 28.0]], [0, 1, 0], ['weight', 'height'], ['cat', 'dog'])
    """
    with _open(path) as handle:
        rows = csv.reader(handle, delimiter=delimiter)
        header = _header(rows, path)
        if target not in header:
            raise ValueError(
                f"{path}: no column {target!r} for the target; the columns are "
                f"{', '.join(repr(h) for h in header)}"
            )
        t = header.index(target)
        features = [j for j in range(len(header)) if j != t]
        known = None if class_names is None else set(class_names)
        values: array.array[float] = array.array("d")
        # Each row keeps only the code of its label, in order of first appearance: 8 bytes a
        # row however long the labels are.
        codes: array.array[int] = array.array("q")
        seen: dict[str, int] = {}
        for line, cells in _rows(rows, header, path):
            label = cells[t].strip()
            if label.lower() in _MISSING_LABEL:
                raise ValueError(f"{path}, line {line}, column {target!r}: missing class label")
            if known is not None and label not in known:
                raise ValueError(
                    f"{path}, line {line}, column {target!r}: class {label!r} is not one of "
                    f"the model's classes {list(class_names or [])}"
                )
            codes.append(seen.setdefault(label, len(seen)))
            _append_numbers(values, cells, features, header, line, path)
    if not codes:
        raise ValueError(f"{path}: no data rows below the header")
    names = (
        list(class_names) if class_names is not None else _class_names(list(seen), target, path)
    )
    index = {name: k for k, name in enumerate(names)}
    y = np.array([index[label] for label in seen], dtype=np.int64)[np.frombuffer(codes, np.int64)]
    X = np.frombuffer(values, dtype=np.float64).reshape(len(codes), len(features)).copy()
    return CSVData(X, y, [header[j] for j in features], names)


def load_features(
    path: str | os.PathLike[str],
    feature_names: Sequence[str] | None = None,
    *,
    delimiter: str = ",",
) -> tuple[NDArray[np.float64], list[str]]:
    """Load the numeric columns of a CSV for prediction: ``(X, feature_names)``.

    Args:
        feature_names: the columns to read, in this order (the ones a model was trained on);
            other columns, such as a target, are ignored and a missing one is refused. By
            default every column, each of which must then be numeric.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "new.csv"
    >>> _ = path.write_text("height,weight\\n25,4.0\\n60,30\\n")
    >>> X, names = load_features(path, ["weight", "height"])
    >>> X.tolist(), names
    ([[4.0, 25.0], [30.0, 60.0]], ['weight', 'height'])
    """
    with _open(path) as handle:
        rows = csv.reader(handle, delimiter=delimiter)
        header = _header(rows, path)
        wanted = list(header) if feature_names is None else list(feature_names)
        missing = [name for name in wanted if name not in header]
        if missing:
            raise ValueError(
                f"{path}: no column {missing[0]!r}, which the model needs; the columns are "
                f"{', '.join(repr(h) for h in header)}"
            )
        columns = [header.index(name) for name in wanted]
        values: array.array[float] = array.array("d")
        n = 0
        for line, cells in _rows(rows, header, path):
            _append_numbers(values, cells, columns, header, line, path)
            n += 1
    if n == 0:
        raise ValueError(f"{path}: no data rows below the header")
    return np.frombuffer(values, dtype=np.float64).reshape(n, len(columns)).copy(), wanted


def _open(path: str | os.PathLike[str]) -> TextIO:
    # utf-8-sig drops the byte-order mark that spreadsheet programs put before the header.
    return open(path, newline="", encoding="utf-8-sig")


class _Reader(Protocol):
    """What this module uses of ``csv.reader``: its rows and the line it has read up to."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


def _header(rows: _Reader, path: object) -> list[str]:
    for cells in rows:
        if any(cell.strip() for cell in cells):
            header, line = [cell.strip() for cell in cells], rows.line_num
            break
    else:
        raise ValueError(f"{path}: the file is empty; it needs a header row naming the columns")
    for j, name in enumerate(header):
        if not name:
            raise ValueError(f"{path}, line {line}: column {j + 1} has no name in the header row")
        if header.index(name) != j:
            raise ValueError(f"{path}, line {line}: the header names column {name!r} twice")
    return header


def _rows(rows: _Reader, header: list[str], path: object) -> Iterator[tuple[int, list[str]]]:
    """Each data row with its line number (csv.reader's, so quoted newlines count right)."""
    for cells in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, e.g. at the end of the file
        if len(cells) != len(header):
            raise ValueError(
                f"{path}, line {line}: {len(cells)} cells where the header has {len(header)}"
            )
        yield line, cells


def _append_numbers(
    values: array.array[float],
    cells: list[str],
    columns: list[int],
    header: list[str],
    line: int,
    path: object,
) -> None:
    for j in columns:
        cell = cells[j].strip()
        if cell.lower() in _MISSING:
            raise ValueError(
                f"{path}, line {line}, column {header[j]!r}: missing value ({cells[j]!r}); "
                "fill it in or drop the row"
            )
        try:
            number = float(cell)
        except ValueError:
            raise ValueError(
                f"{path}, line {line}, column {header[j]!r}: {cell!r} is not a number; "
                "features must be numeric"
            ) from None
        if not math.isfinite(number):
            raise ValueError(
                f"{path}, line {line}, column {header[j]!r}: {cell!r} is not a finite number"
            )
        values.append(number)


def _class_names(distinct: list[str], target: str, path: object) -> list[str]:
    """The distinct labels, sorted: numerically when all are numbers (so "10" follows "9")."""
    if len(distinct) < 2:
        raise ValueError(
            f"{path}, column {target!r}: every row has the class {distinct[0]!r}; "
            "a classifier needs at least two classes"
        )
    try:
        return sorted(distinct, key=float)
    except ValueError:
        return sorted(distinct)
