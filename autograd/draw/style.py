"""How a picture looks: the colour scale of gradients, its legend, and the cells of a box."""

from __future__ import annotations

import html
import math

from autograd.messages import say

__all__ = ["grad_color"]

_VANISHING = 1e-4  # |grad| at which the fill is fully blue
_EXPLODING = 1e2  # |grad| at which the fill is fully red
_BLUE, _WHITE, _RED = (67, 147, 195), (255, 255, 255), (214, 96, 77)
ZERO_GREY = "#d9d9d9"  # no gradient at all: an unused input, a relu that is off
_NAN_PURPLE = "#b07cc6"
CURRENT = "#ffd966"  # the node backprop is processing in a step=k picture
CARRIED = "#d62728"  # arrows that have carried gradient in a step=k picture
FOCUS = "#1f5fbf"
CONSTANT = "#999999"  # the dashed outline of a constant's box, and its arrows


def grad_color(g: float) -> str:
    """The fill colour for a gradient: white at |g| = 1, bluer as it vanishes, redder as it grows.

    The scale is logarithmic and saturates at |g| = 1e-4 (blue) and 1e2 (red); the square
    root of the distance along it sets the colour, so that a gradient a few times off 1 is
    already clearly tinted. Exactly 0 is grey (no gradient reached the node) and nan purple.

    >>> grad_color(1.0), grad_color(-1e-4), grad_color(1e3), grad_color(0.0)
    ('#ffffff', '#4393c3', '#d6604d', '#d9d9d9')
    >>> grad_color(0.01)  # halfway to vanishing on the log scale: well over half as blue
    '#7ab3d5'
    """
    if math.isnan(g):
        return _NAN_PURPLE
    size = abs(g)
    if size == 0.0:
        return ZERO_GREY
    if size <= 1.0:
        t, target = math.log10(size) / math.log10(_VANISHING), _BLUE
    else:
        t, target = math.log10(size) / math.log10(_EXPLODING), _RED
    t = math.sqrt(min(t, 1.0))
    r, g_, b = (round(w + (c - w) * t) for w, c in zip(_WHITE, target))
    return f"#{r:02x}{g_:02x}{b:02x}"


def legend(lang: str = "en") -> str:
    """An HTML-like label: the colour scale with a few sample gradients."""
    samples = [("0", 0.0), ("1e-4", 1e-4), ("0.01", 1e-2), ("1", 1.0), ("10", 1e1), ("1e2", 1e2)]
    cells_ = "".join(f'<td bgcolor="{grad_color(g)}">{text}</td>' for text, g in samples)
    return (
        '<<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
        f'<tr><td colspan="{len(samples)}">{html.escape(say("legend", lang))}</td></tr>'
        f"<tr>{cells_}</tr></table>>"
    )


def cells(fields: list[str]) -> str:
    """An HTML-like label: the fields in one row of cells, with a rule between neighbours.

    >>> cells(["a<b", "data 1"])  # doctest: +ELLIPSIS
    '<<table ...><tr><td height="36">a&lt;b</td><vr/><td>data 1</td></tr></table>>'
    """
    # One cell 36pt (half an inch, Graphviz's default node height) tall sets the row's height.
    first, *rest = [html.escape(field) for field in fields]
    row = "".join([f'<td height="36">{first}</td>', *(f"<vr/><td>{f}</td>" for f in rest)])
    return f'<<table border="0" cellspacing="0" cellpadding="8"><tr>{row}</tr></table>>'


def escape_label(text: str) -> str:
    """Escape a quoted label (a caption): only quotes and backslashes are special.

    >>> print(escape_label('say "hi"'))
    say \\"hi\\"
    """
    return text.replace("\\", "\\\\").replace('"', '\\"')
