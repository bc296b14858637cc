"""load_csv and load_features: numbers and labels come through, and each bad cell is named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nn
from nn import load_csv, load_features


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_features_labels_and_names(tmp_path: Path) -> None:
    path = write(tmp_path, "a,label,b\n1.5,dog,-2\n3,cat,4e1\n0,dog,0.25\n")
    data = load_csv(path, target="label")
    X, y, features, classes = data
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.tolist() == [[1.5, -2.0], [3.0, 40.0], [0.0, 0.25]]
    assert features == ["a", "b"]  # the target column is taken out, the order kept
    assert classes == ["cat", "dog"]  # sorted, so the same labels map the same in any file
    assert y.tolist() == [1, 0, 1]
    assert [classes[k] for k in y] == ["dog", "cat", "dog"]
    assert data.X is X and data.class_names is classes


def test_numeric_labels_sort_as_numbers(tmp_path: Path) -> None:
    rows = "".join(f"{k},{label}\n" for k, label in enumerate([10, 2, 9, 2, 0]))
    _, y, _, classes = load_csv(write(tmp_path, "x,digit\n" + rows), target="digit")
    assert classes == ["0", "2", "9", "10"]  # not "10" before "2"
    assert y.tolist() == [3, 1, 2, 1, 0]


def test_none_is_a_class_but_not_a_number(tmp_path: Path) -> None:
    path = write(tmp_path, "dose,effect\n1,none\n2,mild\n3,none\n")
    _, y, _, classes = load_csv(path, target="effect")
    assert classes == ["mild", "none"] and y.tolist() == [1, 0, 1]
    with pytest.raises(ValueError, match=r"line 3, column 'dose': missing value \('None'\)"):
        load_csv(write(tmp_path, "dose,effect\n1,a\nNone,b\n", "n.csv"), target="effect")


def test_given_class_names_fix_the_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "x,kind\n1,dog\n2,dog\n")  # one class is fine for a test file
    _, y, _, classes = load_csv(path, target="kind", class_names=["cat", "dog", "emu"])
    assert y.tolist() == [1, 1] and classes == ["cat", "dog", "emu"]
    bad = write(tmp_path, "x,kind\n1,dog\n2,yak\n", "bad.csv")
    with pytest.raises(ValueError, match=r"line 3, column 'kind': class 'yak' is not one of"):
        load_csv(bad, target="kind", class_names=["cat", "dog"])


def test_quoting_bom_spaces_blank_lines_and_delimiter(tmp_path: Path) -> None:
    text = '\ufeff"x 1", y ,class\n" 1.0 ",2,"big, red"\n\n3,4,small\n\n'
    X, y, features, classes = load_csv(write(tmp_path, text), target="class")
    assert features == ["x 1", "y"] and classes == ["big, red", "small"]
    assert X.tolist() == [[1.0, 2.0], [3.0, 4.0]] and y.tolist() == [0, 1]
    semi = write(tmp_path, "x;c\n1,5;a\n2;b\n", "semi.csv")
    with pytest.raises(ValueError, match=r"line 2, column 'x': '1,5' is not a number"):
        load_csv(semi, target="c", delimiter=";")


REFUSED = [
    ("x,y,c\n1,2,a\n3,,b\n", r"data\.csv, line 3, column 'y': missing value \(''\)"),
    ("x,y,c\n1,NA,a\n3,4,b\n", r"line 2, column 'y': missing value \('NA'\)"),
    ("x,y,c\n1,nan,a\n3,4,b\n", r"line 2, column 'y': missing value"),
    ("x,y,c\n1,2,a\n3,4,b\n5,six,a\n", r"line 4, column 'y': 'six' is not a number"),
    ("x,y,c\n1,inf,a\n3,4,b\n", r"line 2, column 'y': 'inf' is not a finite number"),
    ("x,y,c\n1,2,a\n3,4,\n", r"line 3, column 'c': missing class label"),
    ("x,y,c\n1,2,a\n3,4,a\n", r"column 'c': every row has the class 'a'; a classifier needs"),
    ("x,y,c\n1,2,a\n3,4\n", r"line 3: 2 cells where the header has 3"),
    ("x,y,c\n", r"no data rows below the header"),
    ("", r"the file is empty; it needs a header row"),
    ("x,x,c\n1,2,a\n", r"line 1: the header names column 'x' twice"),
    ("x,,c\n1,2,a\n", r"line 1: column 2 has no name"),
    ("x,y,label\n1,2,a\n3,4,b\n", r"no column 'c' for the target; the columns are 'x', 'y'"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_each_refusal_is_one_line_naming_where(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as info:
        load_csv(path, target="c")
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)


def test_a_quoted_newline_keeps_line_numbers_right(tmp_path: Path) -> None:
    path = write(tmp_path, 'x,c\n1,"two\nlines"\n2,b\n?,b\n')
    with pytest.raises(ValueError, match=r"line 5, column 'x': missing value"):
        load_csv(path, target="c")


def test_nothing_in_the_file_is_evaluated(tmp_path: Path) -> None:
    path = write(tmp_path, "x,c\n__import__('os').getcwd(),a\n1,b\n")
    with pytest.raises(ValueError, match="is not a number"):
        load_csv(path, target="c")


def test_load_features_selects_and_orders_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "b,label,a\n1,x,2\n3,y,4\n")
    X, names = load_features(path, ["a", "b"])
    assert X.tolist() == [[2.0, 1.0], [4.0, 3.0]] and names == ["a", "b"]
    with pytest.raises(ValueError, match=r"no column 'c', which the model needs"):
        load_features(path, ["a", "c"])
    with pytest.raises(ValueError, match=r"line 2, column 'label': 'x' is not a number"):
        load_features(path)  # every column, and the label column is not numeric
    X, names = load_features(write(tmp_path, "p,q\n1,2\n", "pq.csv"))
    assert X.tolist() == [[1.0, 2.0]] and names == ["p", "q"]


def test_a_large_file_is_read_whole_and_exactly(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 3))
    y = rng.integers(0, 4, size=20_000)
    lines = ["f0,f1,f2,t"] + [f"{a!r},{b!r},{c!r},{t}" for (a, b, c), t in zip(X.tolist(), y)]
    X2, y2, _, classes = nn.load_csv(write(tmp_path, "\n".join(lines)), target="t")
    assert np.array_equal(X2, X)  # repr round-trips floats exactly
    assert np.array_equal(y2, y) and classes == ["0", "1", "2", "3"]
