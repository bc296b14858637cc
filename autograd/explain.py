"""Backprop, step by step: the chain rule with the numbers filled in, as text and pictures.

``explain(root)`` replays what ``root.backward()`` does, one node at a time (see
``autograd.replay``, whose record it extends), and tells it: ``print(explain(root))`` is a
table of every multiplication, ``explain(root).frame(k)`` the picture right after step ``k``.
Each step sends one product to each parent::

    parent's gradient += upstream × local

The replay keeps its own tally, so it never touches ``.grad``: you can explain a graph before
or after calling ``backward()``, and as often as you like.

The text reads as a story on a network too: a neuron's step with dozens of parents shows its
first few products and counts the rest, the inputs' gradients are grouped per neuron, and the
table stops after ``max_lines`` lines, saying how much it left out. The structured record
(``e[k].node``, ``.upstream``, ``.contributions``, ``e.name(node)``, ``e.as_data()``) always
holds everything.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd.draw.graph import draw_dot
from autograd.draw.layout import owner, relative
from autograd.engine import Value
from autograd.messages import say
from autograd.replay import Contribution, Replay, Snapshot, Step, record_steps

if TYPE_CHECKING:
    import graphviz

__all__ = ["Contribution", "Explanation", "Snapshot", "Step", "explain"]

_WIDE = 3  # products listed for a step with more parents than this; the rest are counted
_MAX_LINES = 40  # lines of the step table, and of the gradient table, by default
_CONSTANTS_LISTED = 5


class Explanation(Replay):
    """The steps of backprop from one root; prints as a table, indexes like a list.

    ``grads`` maps every node to d root / d node: what ``root.backward()`` adds to ``.grad``.

    >>> from autograd import Value
    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> f = a * b + a
    >>> e = explain(f)
    >>> len(e), e.name(f), e[0].upstream, e.grad(a)
    (2, 'a*b+a', 1.0, -2.0)
    >>> after = e.after(0)  # f has sent 1 to a, but a*b has not sent its share yet
    >>> after.grads[a], a in after.complete
    (1.0, False)
    >>> "grad 1 + ?" in e.frame(0).source  # the picture of that moment
    True
    """

    lang = "en"  # the language of the text and the pictures; explain(root, lang=...) sets it

    def frame(self, k: int, **draw_options: Any) -> graphviz.Digraph:
        """The graph drawn right after step ``k``; ``draw_options`` go to ``draw_dot``."""
        draw_options.setdefault("lang", self.lang)
        return draw_dot(self.root, step=k, explanation=self, **draw_options)

    def frames(self, **draw_options: Any) -> list[graphviz.Digraph]:
        """One picture per step: backprop as a flip-book (show them one after another)."""
        return [self.frame(k, **draw_options) for k in range(len(self.steps))]

    def to_html(
        self, path: str | Path | None = None, *, lang: str = "en", max_nodes: int | None = 200
    ) -> str:
        """A web page to click through this backprop; written to ``path`` if given.

        See ``autograd.page.explain_page``: one self-contained file (no network), ``lang``
        "en" or "ja", the drawing capped to the ``max_nodes`` nodes nearest the root.
        """
        from autograd.page import explain_page

        return explain_page(self, path, lang=lang, max_nodes=max_nodes)

    def table(
        self, digits: int = 4, *, max_lines: int | None = _MAX_LINES, lang: str | None = None
    ) -> str:
        """The steps as a text table with ``digits`` significant digits per number.

        Args:
            max_lines: lines of the step table (and of the gradient table) at most; a last
                line says what was left out. None prints everything.
            lang: the language of the sentences (see ``autograd.messages``); by default
                the one ``explain`` was given.
        """
        lang = self.lang if lang is None else lang

        def num(x: float) -> str:
            return f"{x + 0.0:.{digits}g}"  # + 0.0: never print -0

        if max_lines is not None and max_lines < 1:
            raise ValueError(f"max_lines must be at least 1 (or None for all), got {max_lines}")
        cap = sys.maxsize if max_lines is None else max_lines
        header = tuple(say("header", lang).split("|"))
        rows: list[tuple[str, ...]] = []
        running: dict[Value, float] = {}
        done = 0  # steps whose lines were made
        for step in self.steps:
            if len(rows) >= cap:
                break
            rows += self._step_rows(step, running, num, lang)
            done += 1
        left_rows = len(rows) - cap + sum(self._row_count(s) for s in self.steps[done:])
        left_steps = len(self.steps) - done + (len(rows) > cap)
        lines = [
            say("seed", lang, root=self.name(self.root), value=num(self.root.data)),
            say("each_line", lang),
            "",
            *_columns([header, *rows[:cap]]),
        ]
        if left_rows > 0:
            lines.append(say("more_rows", lang, rows=left_rows, steps=left_steps))
        lines += ["", *self._gradient_lines(num, cap, lang)]
        return "\n".join(line.rstrip() for line in lines)

    def _step_rows(
        self, step: Step, running: dict[Value, float], num: Callable[[float], str], lang: str
    ) -> list[tuple[str, ...]]:
        """The lines of one step: one per parent that is no constant, a wide step cut short."""
        sent = [c for c in step.contributions if not self.is_constant(c.parent)]
        for parent, _, product in step.contributions:
            running[parent] = running.get(parent, 0.0) + product
        first = (str(step.index), self.name(step.node), step.node.op, num(step.upstream))
        rows: list[tuple[str, ...]] = []
        if step.upstream == 0.0 and len(sent) > 1:  # nothing flows: one line says so
            return [(*first, say("all_zero", lang, count=len(sent)))]
        shown = sent if len(sent) <= _WIDE + 1 else sent[:_WIDE]
        for parent, local, product in shown:
            rows.append((*first, self.name(parent), num(local), num(product)))
            rows[-1] += (num(running[parent]),)
            first = ("", "", "", "")  # the step's own columns only on its first line
        if len(shown) < len(sent):
            rows.append((*first, say("wide_step", lang, count=len(sent) - len(shown))))
        if not rows:  # every parent a constant: still one line, for the step's own columns
            rows.append(first)
        return rows

    def _row_count(self, step: Step) -> int:
        """How many lines ``_step_rows`` makes for ``step``."""
        sent = sum(1 for c in step.contributions if not self.is_constant(c.parent))
        if step.upstream == 0.0 and sent > 1:
            return 1
        return max(1, sent if sent <= _WIDE + 1 else _WIDE + 1)

    def _gradient_lines(self, num: Callable[[float], str], cap: int, lang: str) -> list[str]:
        """d root / d input for every leaf that is no constant; ``nn`` parameters per neuron."""
        leaves = [n for n in self.order if not n.parents]
        constants = [n for n in leaves if self.is_constant(n)]
        lines = []
        if constants:
            listed = list(dict.fromkeys(self.name(n) for n in constants))
            more = ", …" if len(listed) > _CONSTANTS_LISTED else ""
            lines.append(
                say("constants", lang, names=", ".join(listed[:_CONSTANTS_LISTED]) + more)
            )
        lines.append(say("gradients", lang, root=self.name(self.root)))
        plain: list[tuple[str, str]] = []
        groups: dict[str, list[tuple[str, float]]] = {}
        for leaf in leaves:
            if self.is_constant(leaf):
                continue
            name = self.name(leaf)
            path = owner(name)
            if path:  # an nn parameter: one line per neuron
                groups.setdefault(path, []).append((relative(name, path), self.grad(leaf)))
            else:
                plain.append((name, num(self.grad(leaf))))
        rows = _columns(plain) + [
            _grouped(path, items, num, lang) for path, items in groups.items()
        ]
        lines += rows[:cap]
        if len(rows) > cap:
            lines.append(say("more_inputs", lang, count=len(rows) - cap))
        return lines

    def __str__(self) -> str:
        return self.table()


def explain(root: Value, *, lang: str = "en") -> Explanation:
    """Replay backprop from ``root`` step by step, without touching any ``.grad``.

    The result prints as a table, and ``result[k]`` is step ``k`` (``node``, ``upstream``,
    ``contributions``). ``result.grads[v]`` is the gradient ``root.backward()`` gives ``v``.
    Numbers typed into the formula are constants: they get no line in the gradient table.
    ``lang`` picks the language of the text and of the frames (see ``autograd.messages``).

    >>> from autograd import Value
    >>> x, y = Value(3.0, "x"), Value(4.0, "y")
    >>> z = x * y + x**2
    >>> z.label = "z"
    >>> e = explain(z)
    >>> print(e)  # doctest: +NORMALIZE_WHITESPACE
    Backprop from z = 21; its own gradient (the seed) is 1.
    Each line: product = upstream × local, added to the parent's gradient (parent sum).
    <BLANKLINE>
    step  node  op  upstream  parent  local  product  parent sum
    0     z     +   1         x*y     1      1        1
                              x**2    1      1        1
    1     x**2  **  1         x       6      6        6
    2     x*y   *   1         x       4      4        10
                              y       3      3        3
    <BLANKLINE>
    Constants (2) are plain numbers, not inputs: no gradient is listed.
    Gradients of z with respect to the inputs (leaves):
    x  10
    y  3
    >>> e[2].contributions[0]
    Contribution(parent=Value(data=3.0, grad=0.0, label='x'), local=4.0, product=4.0)
    >>> e.grads[x], x.grad
    (10.0, 0.0)
    """
    say("seed", lang, root="", value="")  # an unknown language fails here, before the walk
    explanation = Explanation(root, *record_steps(root))
    explanation.lang = lang
    return explanation


def _grouped(
    path: str, items: list[tuple[str, float]], num: Callable[[float], str], lang: str
) -> str:
    """One line for a neuron's gradients: all of them, or the first few and the largest."""
    listed = ", ".join(f"{name} {num(g)}" for name, g in items[:_WIDE])
    if len(items) > 1 and not any(g for _, g in items):
        return say("grouped_zero", lang, owner=path, count=len(items))
    if len(items) <= _WIDE + 1:
        listed = ", ".join(f"{name} {num(g)}" for name, g in items)
        return say("grouped", lang, owner=path, items=listed)
    name, g = max(items, key=lambda item: abs(item[1]))
    rest = len(items) - _WIDE
    return say("grouped_more", lang, owner=path, items=listed, count=rest, name=name, value=num(g))


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns, two spaces apart; a short row leaves its last columns empty.

    Widths are counted in terminal columns, where a Japanese character takes two.
    """
    if not rows:
        return []
    widths = [max(_width(row[i]) for row in rows if i < len(row)) for i in range(len(rows[0]))]
    return [
        "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)) for row in rows
    ]


def _width(text: str) -> int:
    """How many terminal columns ``text`` takes: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
