"""The training report's recorder and page content (tests/browser opens the page itself)."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nn import MLP, SGD, Adam, fit, hinge_loss, make_blobs, make_linear, make_moons, mse_loss
from nn.cli import main
from nn.losses import cross_entropy
from nn.report import Recorder, hardest_example, write_report


def _report_data(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    blob = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text)
    assert blob is not None
    data: dict[str, Any] = json.loads(blob.group(1))
    return data


def _classes(frame: bytes, n: int) -> np.ndarray:
    return np.frombuffer(frame[: n * n], dtype=np.uint8)


def test_recorder_stores_the_predicted_class_at_each_epoch() -> None:
    X, y = make_moons(30, noise=0.1, seed=0)
    model = MLP(2, [6, 1], seed=0)
    recorder = Recorder(model, X, y, resolution=12)
    untrained = model.predict(recorder.grid())[:, 0]
    seen: list[int] = []

    def callback(epoch: int, history: Any) -> None:
        # fit calls record before callback: the frame of this epoch is there already.
        seen.append(epoch)
        assert recorder.epochs[-1] == epoch
        now = model.predict(recorder.grid())[:, 0]
        assert (_classes(recorder.frames[-1], 12) == (now > 0.0)).all()

    fit(
        model,
        X,
        y,
        loss=hinge_loss,
        optimizer=Adam(model.parameters(), lr=0.05),
        epochs=5,
        progress=False,
        record=recorder,
        callback=callback,
    )
    assert recorder.epochs == [0, 1, 2, 3, 4, 5] and seen == [1, 2, 3, 4, 5]
    assert (_classes(recorder.frames[0], 12) == (untrained > 0.0)).all()
    assert all(len(f) == 2 * 12 * 12 for f in recorder.frames)
    # The grid covers the data, its first row at the top (largest second coordinate).
    grid = recorder.grid()
    assert grid[0, 1] > X[:, 1].max() and grid[-1, 1] < X[:, 1].min()
    assert grid[0, 0] < X[:, 0].min() and grid[-1, 0] > X[:, 0].max()


def test_recorder_of_several_classes_stores_the_argmax() -> None:
    X, y = make_blobs(30, seed=0)
    model = MLP(2, [5, 3], seed=0)
    recorder = Recorder(model, X, y, resolution=8)
    expected = model.predict(recorder.grid()).argmax(axis=1)
    assert (_classes(recorder.frames[0], 8) == expected).all()
    sure = np.frombuffer(recorder.frames[0][64:], dtype=np.uint8)
    assert sure.min() >= 0 and sure.max() <= 255 and sure.std() > 0


def test_recording_does_not_change_training() -> None:
    X, y = make_moons(30, noise=0.1, seed=2)
    runs = []
    for record in (False, True):
        model = MLP(2, [4, 1], seed=3)
        history = fit(
            model,
            X,
            y,
            loss=hinge_loss,
            optimizer=SGD(model.parameters(), lr=0.1),
            epochs=4,
            progress=False,
            record=Recorder(model, X, y, resolution=5) if record else None,
        )
        runs.append((history.loss, history.accuracy, model.state_dict()))
    assert runs[0] == runs[1]


def test_regression_records_no_grid_and_the_report_says_so(tmp_path: Path) -> None:
    X, y = make_linear(20, noise=0.1, seed=0)
    model = MLP(1, [1], seed=0)
    recorder = Recorder(model, X, y)
    history = fit(
        model,
        X,
        y,
        loss=mse_loss,
        optimizer=SGD(model.parameters(), lr=0.1),
        epochs=3,
        progress=False,
        record=recorder,
    )
    assert recorder.box is None and recorder.frames == [b""] * 4
    path = write_report(tmp_path / "r.html", recorder, history)
    assert "no decision boundary" in path.read_text(encoding="utf-8")
    assert _report_data(path)["accuracy"] == []


def test_report_numbers_are_the_runs(tmp_path: Path) -> None:
    X, y = make_blobs(30, seed=1)
    model = MLP(2, [6, 3], seed=1)
    recorder = Recorder(model, X, y, resolution=10)
    history = fit(
        model,
        X,
        y,
        loss=cross_entropy,
        optimizer=Adam(model.parameters(), lr=0.05),
        epochs=4,
        progress=False,
        record=recorder,
    )
    k, value, first = hardest_example(model, X, y, cross_entropy)
    path = write_report(
        tmp_path / "r.html", recorder, history, example=(k, value, first), lang="ja"
    )
    data = _report_data(path)
    assert [float(a[1]) for a in data["accuracy"]] == history.accuracy
    assert [float(v[1]) for v in data["loss"]] == history.loss
    assert [base64.b64decode(f) for f in data["frames"]] == recorder.frames
    assert [p[2] for p in data["points"]] == y.tolist()
    text = path.read_text(encoding="utf-8")
    assert '<html lang="ja">' in text and "決定境界" in text and "計算グラフ" in text
    losses = [cross_entropy(model(row), t).data for row, t in zip(X.tolist(), y.tolist())]
    assert k == int(np.argmax(losses)) and value.data == max(losses) and not first


def test_hardest_example_falls_back_to_the_first_step_when_every_loss_is_0() -> None:
    X, y = np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([1, 0])
    model = MLP(2, [1], seed=0)
    initial = model.state_dict()
    model.load_state_dict({name: 0.0 for name in initial} | {"layers.0.neurons.0.w.0": 5.0})
    _, value, first = hardest_example(model, X, y, hinge_loss, initial)
    assert first and value.data > 0.0 and value.label == "loss"


def test_default_run_writes_a_report_under_5_mb(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["--out", str(tmp_path), "--no-progress"], stdout=out) == 0
    report = tmp_path / "report.html"
    assert "report.html" in out.getvalue()
    assert 0 < report.stat().st_size < 5_000_000
    data = _report_data(report)
    assert len(data["frames"]) == 101  # epochs 0 to 100


def test_recorder_checks_its_resolution() -> None:
    with pytest.raises(ValueError, match="resolution must be at least 2"):
        Recorder(MLP(2, [1], seed=0), [[0.0, 0.0]], [0], resolution=1)


def test_report_words_are_nn_i18n_in_the_glossarys_terms() -> None:
    # Moved from tests/autograd/test_page.py: the report's words live in nn.i18n now.
    from nn.i18n import templates

    en, ja = templates("report.", "en"), templates("report.", "ja")
    assert en.keys() == ja.keys() and {"title", "play", "at_epoch"} <= en.keys()
    text = " ".join(ja.values())
    for term in ("損失", "正解率", "エポック", "決定境界", "計算グラフ", "訓練データ"):
        assert term in text, term
