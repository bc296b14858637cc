"""Every operation the engine knows: its forward value and its local derivative, side by side.

An op is one line in the table at the bottom of this file::

    MUL = Op("*", _mul, lambda out, a, b: (b, a))

``forward`` computes the result from the parents' floats. ``local`` gives the local
derivatives d(out)/d(parent_i), one per parent: the factors the chain rule multiplies the
upstream gradient by. ``local`` is written once and runs on two kinds of argument:

* plain floats, during an ordinary ``backward()``;
* Values, during ``autograd.grad(..., create_graph=True)``, where the derivative must itself
  be part of the graph so it can be differentiated again (second and third derivatives).

That is why the rules only use arithmetic and the helpers below (``_cos``, ``_log``, ...) that
work on both. ``out`` is the op's result (a float, or the node itself), which many rules reuse
(``exp`` and ``tanh``, for instance).

To add an op: write its forward function (with a clear error for bad input), add its row to
the table, and give ``Value`` a method: ``self._apply(OP)`` for one input, or
``_left(OP, self, other)`` and ``_right(OP, self, other)`` for an operator with two.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

# The rules run on floats and on Values alike, so their arguments are typed loosely.
Num = Any
Local = Callable[..., tuple[Num, ...]]
Backward = Callable[[Any, float], None]


class Op:
    """One kind of node: a name for pictures, a forward function and a local-derivative rule.

    ``backward`` is the float-only rule ``backward()`` runs. By default it is derived from
    ``local``; the hot ops of a network get a hand-written fast version (see
    ``autograd/fast.py``), which the tests check against this default.
    """

    __slots__ = ("backward", "forward", "local", "name")

    def __init__(self, name: str, forward: Callable[..., float], local: Local) -> None:
        self.name = name
        self.forward = forward
        self.local = local
        self.backward: Backward = _generic_backward

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _generic_backward(node: Any, g: float) -> None:
    """Chain rule for one node: add upstream gradient x local derivative to each parent."""
    prev = node.parents
    local = node._op.local(node.data, *[p.data for p in prev])
    for parent, d in zip(prev, local):
        parent.grad += g * d


# Helpers that let one rule serve both floats and Values.


def _is_float(x: Num) -> bool:
    return isinstance(x, float)


def _data(x: Num) -> float:
    return x if isinstance(x, float) else float(x.data)


def _cos(x: Num) -> Num:
    return math.cos(x) if _is_float(x) else x.cos()


def _sin(x: Num) -> Num:
    return math.sin(x) if _is_float(x) else x.sin()


def _log(x: Num) -> Num:
    return math.log(x) if _is_float(x) else x.log()


def _step(x: Num) -> float:
    """Derivative of relu: 1 where the input is positive, else 0 (0 at the kink, as PyTorch)."""
    return 1.0 if _data(x) > 0.0 else 0.0


def _sign(x: Num) -> float:
    """Derivative of abs: the sign of the input (0 at the kink, as PyTorch)."""
    v = _data(x)
    return 1.0 if v > 0.0 else -1.0 if v < 0.0 else 0.0


def _over(c: float, x: Num) -> Num:
    """c / x, giving a signed infinity at x == 0 (a derivative that blows up).

    The infinity is a plain number in both paths, so ``grad(..., create_graph=True)`` agrees
    with ``backward()`` there instead of dividing by zero.
    """
    if _data(x) == 0.0:
        return math.copysign(math.inf, c)
    return c / x


# Forward functions. Each names its op and the bad value in its error, and says what to do.


def _div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(
            f"division by zero in /: {a!r} / {b!r}; keep the divisor away from 0"
        )
    return a / b


def _pow(a: float, b: float) -> float:
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"** of zero to a negative power: {a!r} ** {b!r}")
    if a < 0.0 and not float(b).is_integer():
        raise ValueError(
            f"** of a negative base with a non-integer exponent: {a!r} ** {b!r} "
            "(the result is not a real number); use abs() or an integer exponent"
        )
    try:
        return math.pow(a, b)
    except OverflowError:
        raise OverflowError(
            f"** overflows: {a!r} ** {b!r} is larger than the largest float"
        ) from None


def _exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(
            f"exp() overflows for {a!r}: the result is larger than the largest float "
            "(about 1.8e308, reached above 709.78); scale the input down, or use a stable "
            "form such as sigmoid() or log-sum-exp"
        ) from None


def _ln(a: float) -> float:
    if a <= 0.0:
        raise ValueError(f"log() of a non-positive value: {a!r}; log is defined for x > 0")
    return math.log(a)


def _sqrt(a: float) -> float:
    if a < 0.0:
        raise ValueError(f"sqrt() of a negative value: {a!r}; sqrt is defined for x >= 0")
    return math.sqrt(a)


def _sigmoid(a: float) -> float:
    # Two branches so that exp() only ever sees a non-positive argument: no overflow.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _relu(a: float) -> float:
    return a if a > 0.0 else 0.0


def _dot(*args: float) -> float:
    n = len(args) // 2
    total: float = sum(map(operator.mul, args[:n], args[n : 2 * n]), 0.0)
    return total + args[-1] if len(args) & 1 else total


def _sum(*args: float) -> float:
    return sum(args, 0.0)


def _dpow_da(a: Num, b: Num) -> Num:
    """d(a**b)/da = b * a**(b-1)."""
    if _data(a) == 0.0 and _data(b) < 1.0:  # as _over: a plain number in both paths
        return 0.0 if _data(b) == 0.0 else math.inf
    return b * a ** (b - 1.0)


def _dpow_db(out: Num, a: Num, b: Num) -> Num:
    """d(a**b)/db = a**b * log(a), defined for a > 0; 0 at a == 0 with b >= 0 (as PyTorch)."""
    av = _data(a)
    if av > 0.0:
        return out * _log(a)
    return 0.0 if av == 0.0 and _data(b) >= 0.0 else math.nan


def _dot_local(out: Num, *args: Num) -> tuple[Num, ...]:
    """d(w.x + b)/dw_i = x_i, d/dx_i = w_i, d/db = 1."""
    n = len(args) // 2
    ws, xs = args[:n], args[n : 2 * n]
    return (*xs, *ws, 1.0) if len(args) & 1 else (*xs, *ws)


# The table. name, forward, local derivative(s) given (out, *parents).

LEAF = Op("", float, lambda out: ())
ADD = Op("+", operator.add, lambda out, a, b: (1.0, 1.0))
SUB = Op("-", operator.sub, lambda out, a, b: (1.0, -1.0))
MUL = Op("*", operator.mul, lambda out, a, b: (b, a))
DIV = Op("/", _div, lambda out, a, b: (1.0 / b, -out / b))
POW = Op("**", _pow, lambda out, a, b: (_dpow_da(a, b), _dpow_db(out, a, b)))
# A number exponent is a constant: no derivative flows to it (and none that could be nan).
POW_CONST = Op("**", _pow, lambda out, a, b: (_dpow_da(a, _data(b)), 0.0))
NEG = Op("neg", operator.neg, lambda out, a: (-1.0,))
ABS = Op("abs", abs, lambda out, a: (_sign(a),))
EXP = Op("exp", _exp, lambda out, a: (out,))
LOG = Op("log", _ln, lambda out, a: (1.0 / a,))
SQRT = Op("sqrt", _sqrt, lambda out, a: (_over(0.5, out),))
TANH = Op("tanh", math.tanh, lambda out, a: (1.0 - out * out,))
SIGMOID = Op("sigmoid", _sigmoid, lambda out, a: (out * (1.0 - out),))
RELU = Op("relu", _relu, lambda out, a: (_step(a),))
SIN = Op("sin", math.sin, lambda out, a: (_cos(a),))
COS = Op("cos", math.cos, lambda out, a: (-_sin(a),))
DOT = Op("dot", _dot, _dot_local)
SUM = Op("sum", _sum, lambda out, *args: (1.0,) * len(args))

ALL: tuple[Op, ...] = (
    ADD, SUB, MUL, DIV, POW, POW_CONST, NEG, ABS, EXP, LOG, SQRT,
    TANH, SIGMOID, RELU, SIN, COS, DOT, SUM,
)  # fmt: skip
