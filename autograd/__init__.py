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

from autograd import fast as _fast  # noqa: F401  (installs the fast backward rules)
from autograd.draw import GraphvizNotFoundError, draw_dot, write_graph
from autograd.engine import (
    Value,
    detect_anomaly,
    dot,
    grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    topo_sort,
    vsum,
)
from autograd.explain import explain
from autograd.gradcheck import (
    GradcheckEntry,
    GradcheckError,
    GradcheckReport,
    NonSmoothWarning,
    gradcheck,
    gradgradcheck,
)

__all__ = [
    "GradcheckEntry",
    "GradcheckError",
    "GradcheckReport",
    "GraphvizNotFoundError",
    "NonSmoothWarning",
    "Value",
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
