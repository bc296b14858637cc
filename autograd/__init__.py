"""autograd: a scalar reverse-mode automatic differentiation engine.

A ``Value`` holds one float. Arithmetic on Values records a computation graph, and
``backward()`` runs the chain rule over it, from the output back to every input.

>>> from autograd import Value
>>> x = Value(2.0, "x")
>>> y = x * x + 3 * x
>>> y.backward()
>>> y.data, x.grad
(10.0, 7.0)
"""

from typing import TYPE_CHECKING, Any

from autograd.draw import GraphvizNotFoundError, draw_dot, write_graph
from autograd.explain import explain
from autograd.functions import dot, grad, vsum
from autograd.gradcheck import (
    GradcheckEntry,
    GradcheckError,
    GradcheckReport,
    NonSmoothWarning,
    gradcheck,
    gradgradcheck,
)
from autograd.modes import detect_anomaly, is_anomaly_enabled, is_grad_enabled, no_grad
from autograd.value import Value
from autograd.walk import topo_sort

if TYPE_CHECKING:
    from autograd.compiler import CompiledGraph, CompileError, MismatchError, compile

_LAZY = ("CompileError", "CompiledGraph", "MismatchError", "compile")


def __getattr__(name: str) -> Any:
    """The compiler, imported on first use: it needs numpy, which ``import autograd`` doesn't."""
    if name in _LAZY:
        from autograd import compiler

        return getattr(compiler, name)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


__all__ = [
    "CompileError",
    "CompiledGraph",
    "GradcheckEntry",
    "GradcheckError",
    "GradcheckReport",
    "GraphvizNotFoundError",
    "MismatchError",
    "NonSmoothWarning",
    "Value",
    "compile",
    "detect_anomaly",
    "dot",
    "draw_dot",
    "explain",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "topo_sort",
    "vsum",
    "write_graph",
]
