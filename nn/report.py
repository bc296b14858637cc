"""The training report: one HTML file that replays how a network learned.

``Recorder`` watches a run (``fit(..., record=recorder)``) and keeps, after every epoch, the
model's prediction at each point of a grid over the data. ``write_report`` turns that and the
``History`` into ``report.html``: the loss and accuracy curves, the decision boundary at any
epoch (a slider and a play button), the data, and the graph of one example's loss with the
explain stepper. The page is self-contained (nothing is fetched) and opens from disk.

Predictions are stored as two bytes per grid point (the class and how sure the model is),
base64-encoded: 60 x 60 points over 100 epochs is about 1 MB.
"""

from __future__ import annotations

import base64
import copy
import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from autograd import Value, explain, no_grad
from autograd.page import assets, page, stepper_html, write_text
from nn.i18n import templates
from nn.module import Module
from nn.train import History

__all__ = ["Recorder", "write_report"]


class Recorder:
    """Keeps the model's predictions on a grid after every epoch, for the report's boundary.

    Pass it to ``fit`` as ``record=recorder``. It records the untrained model (epoch 0) when
    it is made, then once per epoch; a model with other than 2 inputs records no grid.

    Args:
        model: the model being trained (read through ``model.predict``).
        X, y: the training data, drawn as points over the regions.
        threshold: with one output, a point is class 1 when the output is above it (0 for a
            score, 0.5 for a probability or an mse fit of 0/1 labels).
        resolution: grid points per side.

    >>> from nn import MLP, SGD, fit, hinge_loss, make_moons
    >>> X, y = make_moons(20, seed=0)
    >>> model = MLP(2, [4, 1], seed=0)
    >>> recorder = Recorder(model, X, y, resolution=10)
    >>> history = fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1),
    ...               epochs=3, progress=False, record=recorder)
    >>> recorder.epochs, len(recorder.frames), len(recorder.frames[0])
    ([0, 1, 2, 3], 4, 200)
    """

    def __init__(
        self,
        model: Module,
        X: ArrayLike,
        y: ArrayLike,
        *,
        threshold: float = 0.0,
        resolution: int = 60,
    ) -> None:
        if resolution < 2:
            raise ValueError(f"resolution must be at least 2 grid points, got {resolution}")
        self.model = model
        self.X = np.asarray(X, dtype=np.float64)
        self.y = np.asarray(y)
        self.threshold = threshold
        self.resolution = resolution
        self.epochs: list[int] = []
        self.frames: list[bytes] = []  # per epoch: classes (one byte per point), then sureness
        self.box: tuple[float, float, float, float] | None = None
        if self.X.ndim == 2 and self.X.shape[1] == 2:
            lo, hi = self.X.min(axis=0), self.X.max(axis=0)
            pad = 0.15 * np.maximum(hi - lo, 1e-9)
            box = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
            self.box = (float(box[0]), float(box[1]), float(box[2]), float(box[3]))
        self(0, History())

    def grid(self) -> NDArray[np.float64]:
        """The grid's points, row by row from the top (largest x[1]) down, as (n*n, 2)."""
        if self.box is None:
            return np.zeros((0, 2))
        x0, x1, y0, y1 = self.box
        gx, gy = np.meshgrid(
            np.linspace(x0, x1, self.resolution), np.linspace(y1, y0, self.resolution)
        )
        return np.column_stack([gx.ravel(), gy.ravel()])

    def __call__(self, epoch: int, history: History) -> None:
        """Record the model's predictions after ``epoch`` epochs (fit calls this)."""
        self.epochs.append(epoch)
        if self.box is None:
            self.frames.append(b"")
            return
        with np.errstate(all="ignore"):  # a diverging run is fit's to report, not ours
            out = self.model.predict(self.grid())
        self.frames.append(_encode(out, self.threshold))


def _encode(out: NDArray[np.float64], threshold: float) -> bytes:
    """Class and sureness (0 to 255) per point: the bytes one frame of the boundary stores."""
    if out.shape[1] == 1:
        margin = out[:, 0] - threshold
        classes = (margin > 0).astype(np.uint8)
        sure = np.tanh(2.0 * np.abs(margin))  # 2 is about where a plot stops getting paler
    else:
        shifted = out - out.max(axis=1, keepdims=True)
        p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        classes = p.argmax(axis=1).astype(np.uint8)
        k = out.shape[1]
        sure = (p.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k)
    level = np.nan_to_num(sure * 255.0, nan=0.0).clip(0, 255).astype(np.uint8)
    return classes.tobytes() + level.tobytes()


def hardest_example(
    model: Module,
    X: ArrayLike,
    y: ArrayLike,
    loss: Callable[[Any, Any], Value],
    initial: dict[str, float] | None = None,
) -> tuple[int, Value, bool]:
    """The example with the largest loss, its loss's graph, and whether it is the first step.

    When the model fits every example (a loss of exactly 0 everywhere, so no gradient flows),
    the graph is built with the ``initial`` state instead, as at the first training step.

    >>> from nn import MLP, hinge_loss
    >>> k, loss, first = hardest_example(MLP(2, [1], seed=0), [[1.0, 0.0], [0.0, 1.0]], [1, 0],
    ...                                  hinge_loss)
    >>> k, loss.label, first
    (0, 'loss', False)
    """
    Xl, yl = np.asarray(X, dtype=np.float64).tolist(), np.asarray(y).tolist()

    def worst(m: Module) -> tuple[int, float]:
        with no_grad():
            losses = [loss(m(row), t).data for row, t in zip(Xl, yl)]
        k = int(np.argmax(losses))
        return k, losses[k]

    k, largest = worst(model)
    first = largest == 0.0 and initial is not None
    if first:
        model = copy.deepcopy(model)
        model.load_state_dict(initial or {})
        k, largest = worst(model)
    value = loss(model(Xl[k]), yl[k])
    value.label = "loss"
    return k, value, first


def _numbers(values: list[float], fmt: Callable[[float], str]) -> list[list[str]]:
    return [[fmt(v), repr(v)] for v in values]


def write_report(
    path: str | Path,
    recorder: Recorder,
    history: History,
    *,
    example: tuple[int, Value, bool] | None = None,
    lang: str = "en",
    max_nodes: int = 40,
) -> Path:
    """Write the training report (one self-contained HTML file) to ``path``; return the path.

    Args:
        recorder: the ``Recorder`` that watched the run.
        history: what ``fit`` returned.
        example: ``hardest_example(...)``'s result: its graph gets the explain stepper.
        lang: "en" or "ja".
        max_nodes: how many nodes of the example's graph to draw, those nearest the loss.

    >>> import tempfile
    >>> from nn import MLP, SGD, fit, hinge_loss, make_moons
    >>> X, y = make_moons(20, seed=0)
    >>> model = MLP(2, [4, 1], seed=0)
    >>> recorder = Recorder(model, X, y, resolution=10)
    >>> history = fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1),
    ...               epochs=3, progress=False, record=recorder)
    >>> out = write_report(Path(tempfile.mkdtemp()) / "report.html", recorder, history,
    ...                    example=hardest_example(model, X, y, hinge_loss))
    >>> "<canvas" in out.read_text(encoding="utf-8")
    True
    """
    text = templates("report.", lang)
    css, js = assets()
    web = Path(__file__).with_name("web")
    report_css = (web / "report.css").read_text(encoding="utf-8")
    report_js = (web / "report.js").read_text(encoding="utf-8")

    def pct(a: float) -> str:
        return f"{a:.1%}"

    def num(x: float) -> str:
        return f"{x:.4g}"

    classifies = bool(history.accuracy)
    data = {
        "loss": _numbers(history.loss, num),
        "accuracy": _numbers(history.accuracy, pct),
        "epochs": recorder.epochs,
        "box": recorder.box,
        "resolution": recorder.resolution,
        "frames": [base64.b64encode(f).decode("ascii") for f in recorder.frames],
        "points": [[*map(float, row), int(c)] for row, c in zip(recorder.X, recorder.y)]
        if recorder.box is not None
        else [],
        "ui": {k: text[k] for k in ("play", "pause", "untrained", "loss", "accuracy", "epoch")}
        | {"at": text["at_epoch" if classifies else "at_epoch_regression"]},
    }
    if history.loss:
        summary = text["summary" if classifies else "summary_regression"].format(
            epochs=history.epochs,
            loss=num(history.loss[-1]),
            accuracy=pct(history.accuracy[-1]) if classifies else "",
        )
    else:
        summary = ""
    parts = [f'<p class="summary">{html.escape(summary)}</p>', f"<h2>{text['curves']}</h2>"]
    parts.append('<canvas class="curves" width="720" height="240"></canvas>')
    parts.append(f"<h2>{html.escape(text['boundary'])}</h2>")
    if recorder.box is not None:
        parts += [
            '<div class="epochs"><button type="button" class="play"></button>',
            f'<input type="range" class="epoch" min="0" max="{len(recorder.frames) - 1}" '
            f'value="{len(recorder.frames) - 1}" aria-label="{html.escape(text["epoch"])}">',
            '<span class="readout" aria-live="polite"></span></div>',
            '<canvas class="boundary" width="480" height="480"></canvas>',
            f'<p class="help">{html.escape(text["boundary_help"])}</p>',
        ]
    else:
        parts.append(f'<p class="note">{html.escape(text["no_boundary"])}</p>')
    if example is not None:
        k, value, first = example
        when = text["first_step" if first else "after_training"]
        intro = text["graph_intro"].format(example=k, when=when, loss=num(value.data))
        parts += [
            f"<h2>{html.escape(text['graph_section'])}</h2>",
            f"<p>{html.escape(intro)}</p>",
            stepper_html(explain(value), lang=lang, max_nodes=max_nodes),
        ]
    blob = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    parts.append(f'<script type="application/json" id="report-data">{blob}</script>')
    document = page(
        text["title"],
        "\n".join(parts),
        lang=lang,
        css=[css, report_css],
        js=[js, report_js],
    )
    out = Path(path)
    write_text(out, document)
    return out
