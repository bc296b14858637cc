"""A slider that steps through backprop in Jupyter, one picture per step."""

from __future__ import annotations

import importlib
from typing import Any

from autograd.draw.graph import draw_dot
from autograd.engine import Value
from autograd.replay import replay

__all__ = ["frames_widget"]


def frames_widget(root: Value, **draw_options: Any) -> Any:
    """A slider that steps through backprop in Jupyter, one picture per step.

    Needs ``ipywidgets`` (``pip install ipywidgets``); without it, display
    ``explain(root).frames()`` one after another instead. ``draw_options`` go to ``draw_dot``.

    >>> from autograd import Value
    >>> y = (Value(2.0, "x") * 3.0).tanh()
    >>> frames_widget(y, rankdir="TB")  # doctest: +SKIP
    (a slider labelled "step" above the picture of backprop after that step)
    """
    try:
        ipywidgets = importlib.import_module("ipywidgets")
    except ImportError:
        raise ImportError(
            "frames_widget() needs ipywidgets: pip install ipywidgets, then restart Jupyter. "
            "Without it, display the pictures of explain(root).frames() one by one."
        ) from None
    record = replay(root)
    if not len(record):
        raise ValueError(f"nothing to step through: {root!r} is a leaf, backprop has no steps")
    slider = ipywidgets.IntSlider(value=0, min=0, max=len(record) - 1, description="step")
    picture = ipywidgets.HTML()

    def show(_change: object = None) -> None:
        frame = draw_dot(root, step=slider.value, explanation=record, **draw_options)
        picture.value = frame.pipe(format="svg", encoding="utf-8")

    slider.observe(show, names="value")
    show()
    return ipywidgets.VBox([slider, picture])
