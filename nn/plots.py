"""Pictures of training: loss and accuracy curves, decision boundaries, fitted lines.

Needs matplotlib (``pip install 'chainrule[plots]'``), imported only when a function here is
called, so ``import nn`` works without it. Each function draws on its own ``Figure``
(matplotlib's object interface, no ``pyplot``), saves it and returns the path: nothing
changes the backend or the open figures of a notebook that calls it, and nothing is shown.
The file format follows the path's suffix (.png, .svg, .pdf).

Each function takes ``lang`` ("en" or "ja") for its titles, axis labels and legends (the words
live in ``nn.i18n``). Japanese text needs a font with its glyphs: ``font_settings`` finds an
installed CJK font (Debian's ``fonts-noto-cjk`` or ``fonts-ipaexfont``); where there is none,
the functions warn once and draw English words rather than boxes.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from nn.i18n import LANGUAGES, message

if TYPE_CHECKING:
    from nn.module import Module

__all__ = ["font_settings", "plot_decision_boundary", "plot_history", "plot_regression"]

_SIZE = (5.0, 4.0)  # inches; at 100 dpi a 500 x 400 picture, small enough for a README
_DPI = 100
# Colour-blind-safe class colours (Okabe-Ito), points a shade darker than their regions.
_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
# Font families with Japanese glyphs, best first: Debian's fonts-noto-cjk and fonts-ipaexfont,
# then the ones macOS and Windows ship.
CJK_FAMILIES = (
    "Noto Sans CJK JP",
    "IPAexGothic",
    "IPAGothic",
    "Noto Sans JP",
    "Source Han Sans JP",
    "Hiragino Sans",
    "Yu Gothic",
    "MS Gothic",
)


class HistoryLike(Protocol):
    """What ``plot_history`` reads: per-epoch lists, as ``nn.fit`` returns them."""

    @property
    def loss(self) -> Sequence[float]: ...

    @property
    def accuracy(self) -> Sequence[float] | None: ...


# The validation curves, drawn over the training curves when the history has them.
_VAL_COLOR = _COLORS[5]


def font_settings(lang: str = "en") -> dict[str, Any]:
    """The matplotlib settings (``rcParams``) that draw ``lang``'s text with a font that has it.

    English needs none. For Japanese, the first installed family of ``CJK_FAMILIES`` comes
    first, with matplotlib's sans-serif behind it for any glyph it lacks. With no CJK font
    installed it warns once (install ``fonts-noto-cjk``) and returns no settings. A notebook
    applies them with ``plt.rcParams.update(font_settings("ja"))``.

    >>> font_settings("en")
    {}
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return {}
    family = _cjk_family()
    return {} if family is None else {"font.family": [family, "sans-serif"]}


@functools.cache
def _cjk_family() -> str | None:
    """The first installed family of CJK_FAMILIES, or None after warning (once: cached)."""
    from matplotlib import font_manager

    def installed() -> set[str]:
        return {font.name for font in font_manager.fontManager.ttflist}

    names = installed()
    if not names.intersection(CJK_FAMILIES):
        # matplotlib caches its font list: a font installed after the cache was written is
        # only found by looking at the system's font files again.
        for file in font_manager.findSystemFonts():
            if any(word in Path(file).name for word in ("CJK", "ipaex", "ipag")):
                font_manager.fontManager.addfont(file)
        names = installed()
    for family in CJK_FAMILIES:
        if family in names:
            return family
    warnings.warn(
        "no font with Japanese glyphs is installed, so plots are labelled in English; install "
        "one (apt-get install fonts-noto-cjk) for Japanese labels",
        stacklevel=4,
    )
    return None


@contextmanager
def _speaking(lang: str) -> Iterator[str]:
    """Draw inside with ``lang``'s font; yields the language the labels can be written in."""
    _figure_class()  # says how to install matplotlib when it is missing
    import matplotlib

    settings = font_settings(lang)
    shown = lang if lang == "en" or settings else "en"
    rc_context: Any = matplotlib.rc_context  # its stubs list every key; ours is a plain dict
    with rc_context(settings):
        yield shown


def plot_history(
    history: HistoryLike, path: str | os.PathLike[str], *, title: str = "", lang: str = "en"
) -> Path:
    """Save the loss per epoch (and the accuracy below it, if there is one) to ``path``.

    When the history has ``val_loss`` (and ``val_accuracy``), as ``fit`` records them with
    ``validation_data``, each panel shows the validation curve too, with a legend.
    ``lang`` is the language of the labels: "en" or "ja".

    >>> import tempfile, types
    >>> history = types.SimpleNamespace(loss=[0.9, 0.5, 0.2], accuracy=[0.6, 0.8, 0.95])
    >>> plot_history(history, Path(tempfile.mkdtemp()) / "loss.png").name
    'loss.png'
    """
    with _speaking(lang) as shown:
        return _plot_history(history, path, title, shown)


def _plot_history(
    history: HistoryLike, path: str | os.PathLike[str], title: str, lang: str
) -> Path:
    figure_class = _figure_class()
    losses = _finite_list(history.loss, "history.loss")
    if not losses:
        raise ValueError("plot_history() got a history with no epochs; train first")
    accuracy = _finite_list(history.accuracy or [], "history.accuracy")
    # getattr: a history from before validation (or a SimpleNamespace) has no such lists.
    val_loss = _finite_list(getattr(history, "val_loss", None) or [], "history.val_loss")
    val_acc = _finite_list(getattr(history, "val_accuracy", None) or [], "history.val_accuracy")
    figure = figure_class(figsize=_SIZE, dpi=_DPI, layout="constrained")
    rows = 2 if accuracy else 1
    axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    epochs = np.arange(1, len(losses) + 1)
    train_label = message("plot.training", lang)
    axes[0].plot(epochs, losses, color=_COLORS[0], linewidth=1.8, label=train_label)
    if val_loss:
        val_epochs = np.arange(1, len(val_loss) + 1)
        label = message("plot.validation", lang)
        axes[0].plot(val_epochs, val_loss, color=_VAL_COLOR, linewidth=1.8, label=label)
        axes[0].legend()
    span = losses + val_loss  # both curves decide the scale
    axes[0].set_ylabel(message("plot.loss", lang))
    if min(span) > 0 and max(span) / min(span) > 100:
        axes[0].set_yscale("log")  # a loss falling by orders of magnitude reads better in log
    axes[0].set_title(title or message("plot.history.title", lang, loss=losses[-1]))
    if accuracy:
        axes[1].plot(
            np.arange(1, len(accuracy) + 1),
            accuracy,
            color=_COLORS[1],
            linewidth=1.8,
            label=train_label,
        )
        if val_acc:
            label = message("plot.validation", lang)
            val_epochs = np.arange(1, len(val_acc) + 1)
            axes[1].plot(val_epochs, val_acc, color=_VAL_COLOR, linewidth=1.8, label=label)
            axes[1].legend()
        axes[1].set_ylabel(message("plot.accuracy", lang))
        top = 1.0 if max(accuracy + val_acc) <= 1.0 else 100.0
        axes[1].set_ylim(0.0, top * 1.03)
        axes[1].axhline(top, color="0.7", linewidth=0.8, linestyle="--")
    axes[-1].set_xlabel(message("plot.epoch", lang))
    for ax in axes:
        ax.grid(alpha=0.3)
    return _save(figure, path)


def plot_decision_boundary(
    model: Module,
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    path: str | os.PathLike[str],
    *,
    threshold: float = 0.0,
    resolution: int = 200,
    title: str = "",
    lang: str = "en",
) -> Path:
    """Save the model's decision regions over the 2-D plane, with the data points on top.

    The model is asked (``model.predict``) at every point of a ``resolution`` x
    ``resolution`` grid around the data. With one output a point is class 1 when the output is
    above ``threshold`` (0 for a score or logit, 0.5 for a probability); with several outputs
    it is the class of the largest. The line where the classes meet is the decision boundary.
    ``lang`` is the language of the labels: "en" or "ja".

    >>> import tempfile
    >>> from nn import MLP
    >>> X, y = [[0.0, 0.0], [1.0, 1.0]], [0, 1]
    >>> path = Path(tempfile.mkdtemp()) / "boundary.png"
    >>> plot_decision_boundary(MLP(2, [4, 1], seed=0), X, y, path, resolution=20) == path
    True
    """
    with _speaking(lang) as shown:
        return _plot_decision_boundary(model, X, y, path, threshold, resolution, title, shown)


def _plot_decision_boundary(
    model: Module,
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    path: str | os.PathLike[str],
    threshold: float,
    resolution: int,
    title: str,
    lang: str,
) -> Path:
    figure_class = _figure_class()
    Xa, ya = _points(X, y, 2, "plot_decision_boundary")
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2 grid points, got {resolution}")
    xs, ys = (_span(Xa[:, k], resolution) for k in range(2))
    gx, gy = np.meshgrid(xs, ys)
    out = model.predict(np.column_stack([gx.ravel(), gy.ravel()]))
    regions = _classify(out, threshold).reshape(gx.shape)
    labels = ya.astype(np.int64)
    k = int(max(regions.max(), labels.max())) + 1
    colors = [_COLORS[i % len(_COLORS)] for i in range(k)]

    figure = figure_class(figsize=_SIZE, dpi=_DPI, layout="constrained")
    ax = figure.subplots()
    ax.contourf(gx, gy, regions, levels=np.arange(k + 1) - 0.5, colors=colors, alpha=0.25)
    for margin in _margins(out, threshold):
        # The boundary is where a margin crosses 0: traced on the model's smooth outputs, it
        # is a clean line even where the filled regions show the grid's steps.
        grid = margin.reshape(gx.shape)
        if grid.min() < 0.0 < grid.max():
            ax.contour(gx, gy, grid, levels=[0.0], colors="0.2", linewidths=1.2)
    for c in range(k):
        mine = labels == c
        if mine.any():
            ax.scatter(
                *Xa[mine].T, s=18, color=colors[c], edgecolors="white", linewidths=0.5,
                label=message("plot.class", lang, k=c),
            )  # fmt: skip
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best", fontsize="small", framealpha=0.8)
    accuracy = float(np.mean(_classify(model.predict(Xa), threshold) == labels))
    ax.set_title(title or message("plot.boundary.title", lang, accuracy=accuracy))
    return _save(figure, path)


def plot_regression(
    model: Module,
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    path: str | os.PathLike[str],
    *,
    title: str = "",
    lang: str = "en",
) -> Path:
    """Save the data of a 1-input regression and the curve the model fitted through it.

    ``lang`` is the language of the labels: "en" or "ja".

    >>> import tempfile
    >>> from nn import MLP
    >>> path = Path(tempfile.mkdtemp()) / "fit.png"
    >>> plot_regression(MLP(1, [1], seed=0), [[0.0], [1.0]], [0.0, 3.0], path).suffix
    '.png'
    """
    with _speaking(lang) as shown:
        return _plot_regression(model, X, y, path, title, shown)


def _plot_regression(
    model: Module, X: npt.ArrayLike, y: npt.ArrayLike, path: str | os.PathLike[str], title: str,
    lang: str,
) -> Path:  # fmt: skip
    figure_class = _figure_class()
    Xa, ya = _points(X, y, 1, "plot_regression")
    xs = _span(Xa[:, 0], 200)
    fitted = model.predict(xs[:, None])[:, 0]
    figure = figure_class(figsize=_SIZE, dpi=_DPI, layout="constrained")
    ax = figure.subplots()
    ax.scatter(Xa[:, 0], ya, s=18, color=_COLORS[0], edgecolors="white", linewidths=0.5,
               label=message("plot.data", lang))  # fmt: skip
    ax.plot(xs, fitted, color=_COLORS[1], linewidth=2.0, label=message("plot.model", lang))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    mse = float(np.mean((model.predict(Xa)[:, 0] - ya) ** 2))
    ax.set_title(title or message("plot.regression.title", lang, mse=mse))
    return _save(figure, path)


def _figure_class() -> Any:
    """matplotlib's Figure class, or an ImportError that says how to install it."""
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            "nn.plots needs matplotlib, which is not installed; install it with "
            "pip install 'chainrule[plots]' (or pip install matplotlib)"
        ) from error
    return Figure


def _save(figure: Any, path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Figure.savefig without pyplot renders with Agg for bitmaps: no backend is switched.
    figure.savefig(target)
    return target


def _finite_list(values: Sequence[float], name: str) -> list[float]:
    out = [float(v) for v in values]
    if not all(np.isfinite(out)):
        raise ValueError(f"{name} holds a non-finite value ({out}); the training diverged")
    return out


def _points(
    X: npt.ArrayLike, y: npt.ArrayLike, dims: int, where: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    Xa = np.asarray(X, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64).reshape(-1)
    if Xa.ndim != 2 or Xa.shape[1] != dims or len(Xa) != len(ya) or len(Xa) == 0:
        raise ValueError(
            f"{where}() draws {dims}-D inputs: X must have shape (n, {dims}) and y shape (n,), "
            f"got {Xa.shape} and {np.shape(y)}"
        )
    return Xa, ya


def _span(column: npt.NDArray[np.float64], n: int) -> npt.NDArray[np.float64]:
    """n points covering the column's range plus a margin of 10% (at least 0.5) each side."""
    low, high = float(column.min()), float(column.max())
    margin = max(0.1 * (high - low), 0.5)
    return np.linspace(low - margin, high + margin, n)


def _margins(out: npt.NDArray[np.float64], threshold: float) -> list[npt.NDArray[np.float64]]:
    """Per class, how far each point is inside it (> 0) or outside (< 0)."""
    if out.shape[1] == 1:
        return [out[:, 0] - threshold]
    return [out[:, c] - np.delete(out, c, axis=1).max(axis=1) for c in range(out.shape[1])]


def _classify(out: npt.NDArray[np.float64], threshold: float) -> npt.NDArray[np.int64]:
    if out.shape[1] == 1:
        return (out[:, 0] > threshold).astype(np.int64)
    labels: npt.NDArray[np.int64] = out.argmax(axis=1).astype(np.int64)
    return labels
