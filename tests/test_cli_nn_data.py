"""``python -m nn`` on real data, the predict command, --lang ja and the --out checks.

The runs are subprocesses, as a user would type them (``run`` from test_cli), except where a
failure has to be injected into the writing of a file: those call ``nn.cli.main`` in-process.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

import nn
from nn import cli, cli_data
from nn.cli_options import _parser, _settle
from nn.datasets import IRIS_CLASSES, IRIS_FEATURES
from tests.test_cli import one_error_line, png_size, run

QUIET = ["--no-progress"]


def write_iris(path: Path, *, shuffle_columns: bool = False) -> None:
    """Iris as a user's CSV: species names, and the columns in another order if asked."""
    X, y = nn.load_iris()
    columns = ["species", *IRIS_FEATURES]
    if shuffle_columns:
        columns = [*IRIS_FEATURES[::-1], "species"]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row, label in zip(X.tolist(), y.tolist()):
            cells = dict(zip(IRIS_FEATURES, row), species=IRIS_CLASSES[label])
            writer.writerow([cells[c] for c in columns])


def field(stdout: str, label: str) -> str:
    match = re.search(rf"^{label} +(.*)$", stdout, re.MULTILINE)
    assert match, stdout
    return match.group(1)


def accuracy(text: str) -> float:
    match = re.search(r"accuracy ([\d.]+)%", text)
    assert match, text
    return float(match.group(1)) / 100


# --- the user's CSV -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("a,b,c\n1,2,x\n3,,y\n", ["line 3", "column 'b'", "missing value"]),
        ("a,b,c\n1,2,x\n3,cat,y\n", ["line 3", "column 'b'", "'cat' is not a number"]),
        ("a,b,c\n1,2,x\n3,4,x\n", ["column 'c'", "every row has the class 'x'"]),
        ("a,b,d\n1,2,x\n3,4,y\n", ["no column 'c' for the target", "'a', 'b', 'd'"]),
        ("a,b,c\n1,2,x\n3,4\n", ["line 3", "2 cells where the header has 3"]),
    ],
)
def test_csv_errors_are_one_line_naming_the_row_or_column(
    tmp_path: Path, text: str, wanted: list[str]
) -> None:
    (tmp_path / "mine.csv").write_text(text)
    result = run("-m", "nn", "--data", "mine.csv", "--target", "c", "--out", "o", cwd=tmp_path)
    line = one_error_line(result)
    assert result.returncode == 1
    assert line.startswith("error: mine.csv")
    for part in wanted:
        assert part in line
    assert not (tmp_path / "o").exists()
    assert result.stdout == ""  # refused before any summary, let alone training


def test_predict_round_trip_equals_the_saved_model(tmp_path: Path) -> None:
    write_iris(tmp_path / "flowers.csv")
    trained = run(
        "-m", "nn", "--data", "flowers.csv", "--target", "species", "--epochs", "15",
        *QUIET, "--out", "run", cwd=tmp_path,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    assert "test " in trained.stdout and "30 held-out samples" in trained.stdout
    # New rows, with the columns in another order: predict reads them by name.
    write_iris(tmp_path / "new.csv", shuffle_columns=True)
    printed = run("-m", "nn", "predict", "run/model.json", "--data", "new.csv", cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    written = run(
        "-m", "nn", "predict", "run/model.json", "--data", "new.csv", "--out", "p.csv",
        cwd=tmp_path,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert "p.csv: 150 predictions" in written.stdout
    assert (tmp_path / "p.csv").read_text() == printed.stdout

    # The oracle: the saved model on the rows standardized by the training rows' statistics.
    model = nn.load(tmp_path / "run/model.json")
    saved = json.loads((tmp_path / "run/data.json").read_text())
    assert saved["feature_names"] == list(IRIS_FEATURES)
    assert saved["class_names"] == list(IRIS_CLASSES)
    X, y = nn.load_iris()
    X_train, _, _, _ = nn.train_test_split(X, y, test_size=0.2, seed=0)
    scaler = nn.Standardizer().fit(X_train)
    np.testing.assert_allclose(saved["standardizer"]["mean"], scaler.mean_, rtol=1e-12)
    expected = [IRIS_CLASSES[k] for k in np.argmax(model.predict(scaler(X)), axis=1)]
    rows = list(csv.reader(io.StringIO(printed.stdout)))
    assert rows[0] == ["species"]
    assert [r[0] for r in rows[1:]] == expected
    assert np.mean(np.array(expected) == np.array(IRIS_CLASSES)[y]) > 0.8  # it learned


def test_predict_refuses_a_csv_without_the_models_columns(tmp_path: Path) -> None:
    write_iris(tmp_path / "flowers.csv")
    assert run(
        "-m", "nn", "--data", "flowers.csv", "--target", "species", "--epochs", "1", *QUIET,
        "--out", "run", cwd=tmp_path,
    ).returncode == 0  # fmt: skip
    (tmp_path / "other.csv").write_text("sepal_length_cm,width\n1,2\n")
    result = run("-m", "nn", "predict", "run/model.json", "--data", "other.csv", cwd=tmp_path)
    line = one_error_line(result)
    assert "no column 'sepal_width_cm', which the model needs" in line


# --- real data sets ----------------------------------------------------------------------------


def test_iris_is_split_standardized_and_tested(tmp_path: Path) -> None:
    result = run("-m", "nn", "--dataset", "iris", *QUIET, "--out", "o", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert field(result.stdout, "split").startswith("train 120, validation 0, test 30")
    assert "standardized" in result.stdout
    assert accuracy(field(result.stdout, "test")) >= 0.85
    assert not (tmp_path / "o/boundary.png").exists()  # 4 features: no 2-D picture
    assert png_size(tmp_path / "o/loss.png") == (500, 400)


def test_digits_learns_in_one_epoch_of_the_default(tmp_path: Path) -> None:
    # The documented default (5 epochs) reaches 97% test accuracy (README); one epoch of the
    # same settings keeps this test cheap and still needs a working pipeline to pass 90%.
    pytest.importorskip("sklearn")
    result = run(
        "-m", "nn", "--dataset", "digits", "--epochs", "1", *QUIET, "--out", "o", cwd=tmp_path
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "MLP(64 -> 32 -> 10)" in result.stdout
    assert "batches of 32" in result.stdout
    assert accuracy(field(result.stdout, "test")) >= 0.90


def blobs_accuracies(*options: str) -> tuple[float, float]:
    """Train and test accuracy of ``python -m nn --dataset blobs`` with ``options``.

    In-process and without the files, to keep the test cheap: the data, split and settings are
    the command line's own (``_settle`` and ``cli_data.load``).
    """
    s = _settle(_parser().parse_args(["--dataset", "blobs", *options]))
    d = cli_data.load(s, 0, None, None)
    model = nn.MLP(2, [*s.hidden, d.classes], seed=0)
    optimizer = nn.Adam(model.parameters(), lr=s.lr)
    nn.fit(model, d.X, d.y, loss=nn.cross_entropy, optimizer=optimizer, epochs=s.epochs,
           progress=False)  # fmt: skip
    assert d.X_test is not None
    return (
        float(np.mean(np.argmax(model.predict(d.X), axis=1) == d.y)),
        float(np.mean(np.argmax(model.predict(d.X_test), axis=1) == d.y_test)),
    )


def test_blobs_overlap_so_no_model_is_perfect() -> None:
    train_mlp, test_mlp = blobs_accuracies()
    train_linear, test_linear = blobs_accuracies("--hidden")
    # The MLP bends around training points the line cannot, without gaining on new points.
    assert train_mlp > train_linear + 0.02
    assert test_mlp <= test_linear + 0.02
    assert max(train_mlp, train_linear, test_mlp, test_linear) < 0.95


@pytest.mark.parametrize(("dataset", "k"), [("blobs", 3), ("spirals", 3)])
def test_classes_sets_the_number_of_classes(tmp_path: Path, dataset: str, k: int) -> None:
    result = run(
        "-m", "nn", "--dataset", dataset, "--classes", str(k), "--samples", "30", "--epochs",
        "2", *QUIET, "--out", "o", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"-> {k}), " in field(result.stdout, "model")
    assert json.loads((tmp_path / "o/data.json").read_text())["class_names"] == [
        str(c) for c in range(k)
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "x.csv"], "--data FILE.csv and --target COLUMN go together"),
        (["--data", "x.csv", "--target", "t", "--dataset", "iris"], "--data and --dataset iris"),
        (["--classes", "3"], "--classes is for blobs and spirals, not moons"),
        (["--dataset", "iris", "--loss", "hinge"], "--loss hinge is for two classes"),
        (["--dataset", "blobs", "--loss", "bce"], "but blobs has 4: use cross_entropy"),
        (["--patience", "3"], "--patience watches the validation loss"),
        (["--test-split", "0.5", "--val-split", "0.5"], "leave no rows to train on"),
        (["--test-split", "1.5"], "--test-split: must be in [0, 1)"),
        (["--dataset", "iris", "--samples", "10"], "--samples is for the generated toy sets"),
        (["--out", ""], "--out: needs a path, got an empty one"),
        (["--out", " "], "--out: needs a path, got an empty one"),
    ],
)
def test_new_bad_options_are_one_line_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = run("-m", "nn", *args, cwd=tmp_path)
    line = one_error_line(result)
    assert result.returncode == 2
    assert message in line
    assert not any(tmp_path.iterdir())


def test_validation_split_and_patience(tmp_path: Path) -> None:
    result = run(
        "-m", "nn", "--dataset", "iris", "--val-split", "0.2", "--patience", "3", "--epochs",
        "300", "--lr", "0.05", *QUIET, "--out", "o", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert field(result.stdout, "split").startswith("train 90, validation 30, test 30")
    line = field(result.stdout, "val")
    best, epochs = map(int, re.search(r"best epoch (\d+) of (\d+)", line).groups())  # type: ignore[union-attr]
    assert epochs < 300 and best <= epochs - 3  # stopped early, 3 epochs after the best
    assert "stopped early" in line


# --- Japanese -----------------------------------------------------------------------------------


def test_lang_ja_prints_the_summary_and_draws_the_plots_in_japanese(tmp_path: Path) -> None:
    result = run(
        "-m", "nn", "--lang", "ja", "--epochs", "5", "--samples", "20", *QUIET, "--out", "o",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for label, line in zip(["データ", "モデル", "学習", "結果", "書き出し"], lines):
        assert line.startswith(label), result.stdout
    assert "損失" in result.stdout and "正解率" in result.stdout and "エポック" in result.stdout
    assert "accuracy" not in result.stdout and "loss per epoch" not in result.stdout
    assert "決定境界とデータ" in result.stdout
    assert png_size(tmp_path / "o/loss.png") == (500, 400)
    assert png_size(tmp_path / "o/boundary.png") == (500, 400)
    assert 'lang="ja"' in (tmp_path / "o/report.html").read_text()
    assert "Glyph" not in result.stderr  # no missing-glyph warning: the CJK font was found


def test_lang_ja_labels_the_progress_bar_in_japanese(tmp_path: Path) -> None:
    # Issue 17: the bar's description follows --lang (fit takes it as progress="...").
    args = ["-m", "nn", "--dataset", "linear", "--epochs", "3", "--out", "o"]
    ja = run(*args, "--lang", "ja", cwd=tmp_path)
    assert ja.returncode == 0, ja.stderr
    assert "学習:" in ja.stderr and "fit:" not in ja.stderr
    en = run(*args, "--out", "p", cwd=tmp_path)
    assert "fit:" in en.stderr and "学習" not in en.stderr


def test_lang_ja_errors_stay_one_line_in_japanese(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file")
    usage = run("-m", "nn", "--lang", "ja", "--patience", "2", cwd=tmp_path)
    assert one_error_line(usage).startswith("python -m nn: エラー: --patience は検証データ")
    bad = run("-m", "nn", "--epochs", "zero", "--lang=ja", cwd=tmp_path)
    assert one_error_line(bad).startswith("python -m nn: エラー: argument --epochs")
    out = run("-m", "nn", "--lang", "ja", "--out", "taken", cwd=tmp_path)
    assert (
        one_error_line(out)
        == "エラー: --out taken はファイルです。--out にはフォルダを指定してください"
    )


def test_help_names_lang_ja_predict_and_the_new_options(tmp_path: Path) -> None:
    result = run("-m", "nn", "--help", cwd=tmp_path)
    assert result.returncode == 0
    for option in (
        "--lang", "--data", "--target", "--test-split", "--val-split", "--patience",
        "--classes", "--standardize", "--no-standardize", "iris", "digits", "predict",
    ):  # fmt: skip
        assert option in result.stdout
    assert "--lang ja" in result.stdout
    assert "created" in result.stdout  # what --out does with missing folders
    predict = run("-m", "nn", "predict", "--help", cwd=tmp_path)
    assert predict.returncode == 0 and "--data" in predict.stdout


# --- --out -------------------------------------------------------------------------------------


def test_out_problems_are_refused_before_training(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file")
    for out, wanted in [
        ("taken", "--out taken is a file"),
        ("taken/run", "--out taken/run: taken is a file"),
    ]:
        # The progress bar is on: had training started, stderr would show "fit:".
        result = run("-m", "nn", "--epochs", "500", "--out", out, cwd=tmp_path)
        line = one_error_line(result)
        assert line.startswith("error: ") and wanted in line
        assert "fit" not in result.stderr and "%|" not in result.stderr
        assert result.stdout == ""
    assert (tmp_path / "taken").read_text() == "a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_out_under_an_unwritable_folder_is_refused_before_training(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        result = run("-m", "nn", "--out", "locked/run", cwd=tmp_path)
        assert "cannot write into locked (permission denied)" in one_error_line(result)
        assert result.stdout == ""
    finally:
        locked.chmod(0o700)


def test_out_creates_missing_folders_and_says_so(tmp_path: Path) -> None:
    result = run(
        "-m", "nn", "--samples", "10", "--epochs", "1", *QUIET, "--out", "a/b/c", cwd=tmp_path
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "wrote     a/b/c/ (new folders: a, a/b, a/b/c)" in result.stdout
    assert (tmp_path / "a/b/c/model.json").is_file()
    assert [p.name for p in (tmp_path / "a/b").iterdir()] == ["c"]  # no staging folder left
    again = run(
        "-m", "nn", "--samples", "10", "--epochs", "1", *QUIET, "--out", "a/b/c", cwd=tmp_path
    )  # fmt: skip
    assert "new folders" not in again.stdout
    assert sorted(p.name for p in (tmp_path / "a/b/c").iterdir()) == sorted(
        ["loss.png", "boundary.png", "model.json", "data.json", "graph.svg", "report.html"]
    )


def _fail_to_save(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_failed_write_names_the_file_and_leaves_no_half_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "save", _fail_to_save)
    args = ["--samples", "10", "--epochs", "1", *QUIET]
    assert cli.main([*args, "--out", "new/run"], stdout=io.StringIO()) == 1
    line = capsys.readouterr().err.strip()
    assert line == (
        f"error: could not write {Path('new/run/model.json')}: No space left on device; "
        f"nothing was written to {Path('new/run')}"
    )
    assert not (tmp_path / "new").exists()  # neither the run nor the folders made for it
    # Into an existing run folder: its files stay as they were, and nothing is left beside.
    (tmp_path / "old").mkdir()
    (tmp_path / "old/model.json").write_text("the previous run")
    assert cli.main([*args, "--out", "old"], stdout=io.StringIO()) == 1
    assert "could not write old/model.json" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "old").iterdir()] == ["model.json"]
    assert (tmp_path / "old/model.json").read_text() == "the previous run"


def test_predict_with_a_regression_model_writes_its_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--dataset", "linear", *QUIET, "--out", "run"], stdout=io.StringIO()) == 0
    (tmp_path / "x.csv").write_text("x1\n1.0\n-2.5\n")
    out = io.StringIO()
    assert cli.main(["predict", "run/model.json", "--data", "x.csv"], stdout=out) == 0
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    model = nn.load(tmp_path / "run/model.json")
    assert rows[0] == ["y"]
    assert [float(r[0]) for r in rows[1:]] == model.predict(np.array([[1.0], [-2.5]]))[
        :, 0
    ].tolist()


def test_compiled_and_eager_runs_print_the_same_result(tmp_path: Path) -> None:
    # Issue 14: --compile is the default; --no-compile builds every step's graph, same numbers.
    args = ["-m", "nn", "--epochs", "20", "--batch-size", "16", *QUIET]
    fast = run(*args, "--out", "a", cwd=tmp_path)
    slow = run(*args, "--no-compile", "--out", "b", cwd=tmp_path)
    assert fast.returncode == 0 and slow.returncode == 0, fast.stderr + slow.stderr
    results = [next(ln for ln in r.stdout.splitlines() if "loss" in ln and "accuracy" in ln)
               for r in (fast, slow)]  # fmt: skip
    assert results[0] == results[1]
    assert "--no-compile" in run("-m", "nn", "--help", cwd=tmp_path).stdout
