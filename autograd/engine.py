"""The engine's names in one place, for code written before the engine was split.

The engine now lives in small modules, each one idea: ``ops`` (the op table), ``chain`` (the
chain rule at one node), ``walk`` (the walk backprop takes), ``modes`` (the switches),
``value`` (``Value``) and ``functions`` (``dot``, ``vsum``, ``grad``). Import from
``autograd`` itself; this module only re-exports.
"""

from autograd.functions import dot, grad, vsum
from autograd.modes import detect_anomaly, is_anomaly_enabled, is_grad_enabled, no_grad
from autograd.value import Value
from autograd.walk import topo_sort

__all__ = [
    "Value",
    "detect_anomaly",
    "dot",
    "grad",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "topo_sort",
    "vsum",
]
