"""nn.plots: the files are real pictures of the right size, and they show the right classes."""

from __future__ import annotations

import struct
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.image import imread

from nn import MLP, plots
from nn.plots import font_settings, plot_decision_boundary, plot_history, plot_regression

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The region fills: each class colour at alpha 0.25 over white.
BLUE_TINT = 0.25 * np.array([0, 114, 178]) / 255 + 0.75
ORANGE_TINT = 0.25 * np.array([230, 159, 0]) / 255 + 0.75


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from the IHDR chunk, after checking the signature."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def tint_share(image: np.ndarray, tint: np.ndarray) -> float:
    """The fraction of pixels whose colour is within 0.03 of ``tint``."""
    close = np.all(np.abs(image[..., :3] - tint) < 0.03, axis=-1)
    return float(close.mean())


def neuron_model(w: tuple[float, float], b: float) -> MLP:
    """An MLP(2, [1]) whose single output is w . x + b."""
    model = MLP(2, [1], seed=0)
    model.load_state_dict(
        {"layers.0.neurons.0.w.0": w[0], "layers.0.neurons.0.w.1": w[1], "layers.0.neurons.0.b": b}
    )
    return model


def test_history_is_a_500_by_400_png(tmp_path: Path) -> None:
    history = SimpleNamespace(loss=[1.0, 0.5, 0.25, 0.2], accuracy=[0.5, 0.7, 0.9, 1.0])
    path = plot_history(history, tmp_path / "sub" / "loss.png")
    assert path == tmp_path / "sub" / "loss.png"
    assert png_size(path) == (500, 400)
    image = imread(path)
    assert image.shape[:2] == (400, 500)
    assert image[..., :3].std() > 0.05  # something is drawn, not a blank canvas


def test_history_without_accuracy_draws_one_panel(tmp_path: Path) -> None:
    with_acc = plot_history(
        SimpleNamespace(loss=[1.0, 0.5], accuracy=[0.5, 1.0]), tmp_path / "a.png"
    )
    without = plot_history(SimpleNamespace(loss=[1.0, 0.5], accuracy=[]), tmp_path / "b.png")
    none = plot_history(SimpleNamespace(loss=[1.0, 0.5], accuracy=None), tmp_path / "c.png")
    assert png_size(without) == (500, 400)
    assert without.read_bytes() == none.read_bytes()
    assert with_acc.read_bytes() != without.read_bytes()


def test_history_refuses_empty_and_diverged_runs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no epochs"):
        plot_history(SimpleNamespace(loss=[], accuracy=[]), tmp_path / "x.png")
    with pytest.raises(ValueError, match="non-finite"):
        plot_history(SimpleNamespace(loss=[1.0, float("nan")], accuracy=[]), tmp_path / "x.png")


def test_boundary_colours_each_side_with_its_class(tmp_path: Path) -> None:
    # Output x1: class 1 (orange) right of x1 = 0, class 0 (blue) left of it.
    model = neuron_model((1.0, 0.0), 0.0)
    X = np.array([[-1.0, -1.0], [1.0, 1.0]])
    path = plot_decision_boundary(model, X, [0, 1], tmp_path / "b.png", resolution=50)
    assert png_size(path) == (500, 400)
    image = imread(path)
    # The axes sit right of the image's centre (the y label is on the left): stay clear of it.
    left, right = image[:, :200], image[:, 340:]
    assert tint_share(left, BLUE_TINT) > 0.3
    assert tint_share(right, ORANGE_TINT) > 0.3
    assert tint_share(left, ORANGE_TINT) < 0.05
    assert tint_share(right, BLUE_TINT) < 0.05


def test_boundary_threshold_decides_the_class_of_one_output(tmp_path: Path) -> None:
    model = neuron_model((0.0, 0.0), 0.3)  # outputs 0.3 everywhere
    X, y = np.array([[0.0, 0.0], [1.0, 1.0]]), [0, 1]
    above = imread(plot_decision_boundary(model, X, y, tmp_path / "a.png", resolution=20))
    below = imread(
        plot_decision_boundary(model, X, y, tmp_path / "b.png", threshold=0.5, resolution=20)
    )
    assert tint_share(above, ORANGE_TINT) > 0.4 > tint_share(above, BLUE_TINT)
    assert tint_share(below, BLUE_TINT) > 0.4 > tint_share(below, ORANGE_TINT)


def test_boundary_with_several_outputs_takes_the_largest(tmp_path: Path) -> None:
    # Three outputs: -x1, +x1 and a constant -5 that never wins: classes 0 and 1 only.
    model = MLP(2, [3], seed=0)
    weights = {"0": (-1.0, 0.0, 0.0), "1": (1.0, 0.0, 0.0), "2": (0.0, 0.0, -5.0)}
    model.load_state_dict(
        {
            f"layers.0.neurons.{k}.{name}": value
            for k, (w0, w1, b) in weights.items()
            for name, value in (("w.0", w0), ("w.1", w1), ("b", b))
        }
    )
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    image = imread(plot_decision_boundary(model, X, [0, 1, 2], tmp_path / "m.png", resolution=40))
    assert tint_share(image[:, :200], BLUE_TINT) > 0.3
    assert tint_share(image[:, 340:], ORANGE_TINT) > 0.3
    green = 0.25 * np.array([0, 158, 115]) / 255 + 0.75
    assert tint_share(image, green) < 0.01  # class 2 wins nowhere


def test_boundary_needs_two_dimensional_inputs(tmp_path: Path) -> None:
    model = MLP(3, [1], seed=0)
    with pytest.raises(ValueError, match=r"plot_decision_boundary\(\) draws 2-D inputs"):
        plot_decision_boundary(model, np.zeros((4, 3)), np.zeros(4), tmp_path / "x.png")
    with pytest.raises(ValueError, match="resolution must be at least 2"):
        plot_decision_boundary(
            neuron_model((1, 0), 0), [[0, 0]], [0], tmp_path / "x.png", resolution=1
        )


def test_regression_draws_data_and_line(tmp_path: Path) -> None:
    model = MLP(1, [1], seed=0)
    X = np.linspace(-2, 2, 20)[:, None]
    path = plot_regression(model, X, 3 * X[:, 0], tmp_path / "fit.svg")
    text = path.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text  # the suffix picks the format
    with pytest.raises(ValueError, match=r"plot_regression\(\) draws 1-D inputs"):
        plot_regression(model, np.zeros((3, 2)), np.zeros(3), tmp_path / "x.png")


def test_missing_matplotlib_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # makes the import fail
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[plots\]'"):
        plot_history(SimpleNamespace(loss=[1.0], accuracy=[]), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def history_png(tmp_path: Path, name: str, lang: str) -> bytes:
    history = SimpleNamespace(loss=[1.0, 0.5, 0.25], accuracy=[0.5, 0.7, 0.9])
    return plot_history(history, tmp_path / name, lang=lang).read_bytes()


def test_japanese_labels_are_drawn_with_a_font_that_has_their_glyphs(tmp_path: Path) -> None:
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    from nn.i18n import MESSAGES

    family = font_settings("ja").get("font.family", [None])[0]
    if family is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    font = FT2Font(findfont(FontProperties(family=family), fallback_to_default=False))
    charmap = font.get_charmap()
    words = "".join(m["ja"] for k, m in MESSAGES.items() if k.startswith("plot."))
    missing = {ch for ch in words if not ch.isascii() and ord(ch) not in charmap}
    assert not missing, f"{family} lacks {sorted(missing)}"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise
        ja = history_png(tmp_path, "ja.png", "ja")
    assert ja != history_png(tmp_path, "en.png", "en")


def test_without_a_cjk_font_it_warns_once_and_draws_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib import font_manager

    english = history_png(tmp_path, "en.png", "en")
    monkeypatch.setattr(plots, "CJK_FAMILIES", ("No Such Font JP",))
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    plots._cjk_family.cache_clear()
    try:
        with pytest.warns(UserWarning, match="fonts-noto-cjk") as caught:
            first = history_png(tmp_path, "ja1.png", "ja")
            second = history_png(tmp_path, "ja2.png", "ja")
        assert len([w for w in caught if "Japanese glyphs" in str(w.message)]) == 1
        assert first == second == english
        assert plots.font_settings("ja") == {}
    finally:
        plots._cjk_family.cache_clear()


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        history_png(tmp_path, "fr.png", "fr")
