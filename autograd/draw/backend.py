"""Graphviz, checked: a ``Digraph`` whose every way of rendering first looks for ``dot``.

Building a picture needs only the ``graphviz`` Python package, imported on first use so that
``import autograd`` stays free of it. Turning it into an image needs Graphviz's ``dot``
program; without it every rendering method raises ``GraphvizNotFoundError`` before any
subprocess starts, and the error says how to install it.
"""

from __future__ import annotations

import functools
import shutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import graphviz

__all__ = ["GraphvizNotFoundError", "digraph_class"]


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's programs (``dot``) are not installed, so a graph cannot become an image.

    >>> print(str(GraphvizNotFoundError()).splitlines()[2])
        macOS:          brew install graphviz
    """

    def __init__(self, program: str = "dot") -> None:
        super().__init__(
            f"cannot render the graph: Graphviz's {program!r} program is not on PATH. "
            "Install Graphviz, then restart Python (or the Jupyter kernel):\n"
            "    Debian/Ubuntu:  sudo apt-get install graphviz\n"
            "    macOS:          brew install graphviz\n"
            "    conda:          conda install -c conda-forge graphviz\n"
            "    Windows:        winget install graphviz (or https://graphviz.org/download/)\n"
            "The pip package 'graphviz' alone is not enough. Without Graphviz the DOT text "
            "of the graph is still available as .source."
        )
        self.program = program


def _require(program: str) -> None:
    """Fail before any subprocess starts if ``program`` is missing, with the install hint."""
    if shutil.which(program) is None:
        raise GraphvizNotFoundError(program)


@functools.cache
def digraph_class() -> type[graphviz.Digraph]:
    """``graphviz.Digraph`` with every way of rendering checked for Graphviz first.

    Made on first use, so that ``import autograd`` does not import ``graphviz``.

    >>> digraph_class().__name__
    'Digraph'
    """
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "drawing needs the graphviz Python package: pip install graphviz "
            "(and Graphviz itself for images, e.g. sudo apt-get install graphviz)"
        ) from None

    class Digraph(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no type hints
        """A ``graphviz.Digraph`` that raises ``GraphvizNotFoundError`` if ``dot`` is missing."""

        def pipe(self, *args: Any, **kwargs: Any) -> Any:
            _require(self.engine)
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound:  # e.g. removed between check and call
                raise GraphvizNotFoundError(self.engine) from None

        def render(self, *args: Any, **kwargs: Any) -> Any:
            _require(self.engine)
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound:
                raise GraphvizNotFoundError(self.engine) from None

        def unflatten(self, *args: Any, **kwargs: Any) -> Any:
            _require("unflatten")
            return super().unflatten(*args, **kwargs)

        def _repr_mimebundle_(self, *args: Any, **kwargs: Any) -> Any:
            _require(self.engine)
            return super()._repr_mimebundle_(*args, **kwargs)

        def _repr_svg_(self) -> str:
            svg: str = self.pipe(format="svg", encoding="utf-8")
            return svg

    Digraph.__module__ = __name__
    return Digraph
