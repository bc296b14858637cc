"""The op table: every operation the engine knows, each in one entry.

An entry gives, side by side, what an op *is* and everything the rest of the code reads::

    MUL = Op("*", operator.mul, lambda out, a, b: (b, a),
             arity=2, method="__mul__", symbol="*", precedence=2, backward=_mul_backward)

``forward`` computes the result from the parents' floats, with a clear error for bad input.
NaN is not bad input: it flows through every op (a relu of NaN is NaN), and so do infinities
except where an op has no value there (``sin(inf)``, ``0 ** -1``, ``x / 0``: a clear error).
``local`` gives the local derivatives d(out)/d(parent_i), one per parent: the factors the chain
rule multiplies the upstream gradient by (see ``autograd/chain.py``). ``local`` is written once
and runs on two kinds of argument:

* plain floats, during an ordinary ``backward()``;
* Values, during ``autograd.grad(..., create_graph=True)``, where the derivative must itself
  be part of the graph so it can be differentiated again (second and third derivatives).

That is why the rules only use arithmetic and the helpers below (``_cos``, ``_log``, ...) that
work on both. ``out`` is the op's result (a float, or the node itself), which many rules reuse
(``exp`` and ``tanh``, for instance).

The other fields say how the op is made and written: ``method`` is the ``Value`` method (or the
``autograd`` function, for the n-ary ops) that builds it, ``symbol`` is how a formula writes it
(the expression parser and ``explain`` read it; None: not in formulas), and ``precedence`` is
the binding strength of an operator (None for a function call). ``backward`` is the float rule
``backward()`` runs: the generic ``chain_rule`` unless a hand-written one, written right above
the entry, is faster. The tests check each hand-written rule against ``chain_rule``.

To add an op: write its forward function and its entry, give ``Value`` its method, and add its
row to ``tests/autograd/test_ops.py``; the op-contract test fails until all three exist.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

from autograd.chain import chain_rule

# The rules run on floats and on Values alike, so their arguments are typed loosely.
Num = Any
Local = Callable[..., tuple[Num, ...]]
Backward = Callable[[Any, Any], None]


class Op:
    """One kind of node: its forward function, its local derivatives and how it is written.

    ``np_forward`` and ``np_local`` are room for vectorised (numpy) twins of ``forward`` and
    ``local``; None until something needs them (numpy is never imported here).
    """

    __slots__ = (
        "arity", "backward", "forward", "local", "method", "name", "np_forward", "np_local",
        "precedence", "symbol",
    )  # fmt: skip

    def __init__(
        self,
        name: str,
        forward: Callable[..., float],
        local: Local,
        *,
        arity: int | None,
        method: str,
        symbol: str | None = None,
        precedence: int | None = None,
        backward: Backward = chain_rule,
        np_forward: Callable[..., Any] | None = None,
        np_local: Callable[..., Any] | None = None,
    ) -> None:
        self.name = name  # what Value.op shows: "+", "neg", "tanh", ...
        self.forward = forward
        self.local = local
        self.arity = arity  # number of parents; None for any number (dot, sum)
        self.method = method
        self.symbol = symbol
        self.precedence = precedence
        self.backward = backward
        self.np_forward = np_forward
        self.np_local = np_local

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


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
    """Derivative of relu: 1 above 0, 0 at or below (0 at the kink, as PyTorch), NaN at NaN.

    A relu of NaN is not dead: its NaN must reach the inputs, not be cut to 0.
    """
    v = _data(x)
    return 1.0 if v > 0.0 else 0.0 if v <= 0.0 else math.nan


def _sign(x: Num) -> float:
    """Derivative of abs: the sign of the input (0 at the kink, as PyTorch), NaN at NaN."""
    v = _data(x)
    return 1.0 if v > 0.0 else -1.0 if v < 0.0 else 0.0 if v == 0.0 else math.nan


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
    if a < 0.0 and not float(b).is_integer() and b == b:  # (-2) ** nan is nan, no error
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
    return 0.0 if a <= 0.0 else a  # so NaN stays NaN: a diverged network must not look fine


def _sine(a: float) -> float:
    try:
        return math.sin(a)
    except ValueError:
        raise ValueError(_periodic_of_inf("sin", a)) from None


def _cosine(a: float) -> float:
    try:
        return math.cos(a)
    except ValueError:
        raise ValueError(_periodic_of_inf("cos", a)) from None


def _periodic_of_inf(name: str, a: float) -> str:
    return (
        f"{name}() of an infinite value: {a!r}; it has no limit there. "
        "Keep the input finite (an earlier op overflowed?); detect_anomaly() finds where"
    )


def _dot(*args: float) -> float:
    n = len(args) // 2
    total = args[-1] if len(args) & 1 else 0.0  # the bias first, then left to right (as dot)
    for w, x in zip(args[:n], args[n : 2 * n]):
        total += w * x
    return total


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


# --- the table ---------------------------------------------------------------------------
# Each entry: name, forward, local derivative(s) given (out, *parents), then how the op is made
# and written. A hand-written float rule stands right above the entry it speeds up; each does
# what chain_rule does, unrolled, for floats only: node._a and node._b are the parents.

LEAF = Op("", float, lambda out: (), arity=0, method="__init__")


def _add_backward(node: Any, g: float) -> None:
    a, b = node._a, node._b
    a.grad += g
    b.grad += g


ADD = Op("+", operator.add, lambda out, a, b: (1.0, 1.0),
         arity=2, method="__add__", symbol="+", precedence=1, backward=_add_backward)  # fmt: skip


def _sub_backward(node: Any, g: float) -> None:
    a, b = node._a, node._b
    a.grad += g
    b.grad -= g


SUB = Op("-", operator.sub, lambda out, a, b: (1.0, -1.0),
         arity=2, method="__sub__", symbol="-", precedence=1, backward=_sub_backward)  # fmt: skip


def _mul_backward(node: Any, g: float) -> None:
    a, b = node._a, node._b
    a.grad += g * b.data
    b.grad += g * a.data


MUL = Op("*", operator.mul, lambda out, a, b: (b, a),
         arity=2, method="__mul__", symbol="*", precedence=2, backward=_mul_backward)  # fmt: skip
DIV = Op("/", _div, lambda out, a, b: (1.0 / b, -out / b),
         arity=2, method="__truediv__", symbol="/", precedence=2)  # fmt: skip
POW = Op("**", _pow, lambda out, a, b: (_dpow_da(a, b), _dpow_db(out, a, b)),
         arity=2, method="__pow__", symbol="**", precedence=4)  # fmt: skip
# The same op with a number exponent, which is a constant: no derivative flows to it (and none
# that could be nan). Value.__pow__ picks it; it shares POW's name, so it is not in TABLE.
POW_CONST = Op("**", _pow, lambda out, a, b: (_dpow_da(a, _data(b)), 0.0),
               arity=2, method="__pow__", symbol="**", precedence=4)  # fmt: skip


def _neg_backward(node: Any, g: float) -> None:
    node._a.grad -= g


NEG = Op("neg", operator.neg, lambda out, a: (-1.0,),
         arity=1, method="__neg__", symbol="-", precedence=3, backward=_neg_backward)  # fmt: skip
ABS = Op("abs", abs, lambda out, a: (_sign(a),), arity=1, method="__abs__", symbol="abs")
EXP = Op("exp", _exp, lambda out, a: (out,), arity=1, method="exp", symbol="exp")
LOG = Op("log", _ln, lambda out, a: (1.0 / a,), arity=1, method="log", symbol="log")
SQRT = Op("sqrt", _sqrt, lambda out, a: (_over(0.5, out),), arity=1, method="sqrt", symbol="sqrt")


def _tanh_backward(node: Any, g: float) -> None:
    t = node.data
    node._a.grad += g * (1.0 - t * t)


TANH = Op("tanh", math.tanh, lambda out, a: (1.0 - out * out,),
          arity=1, method="tanh", symbol="tanh", backward=_tanh_backward)  # fmt: skip
SIGMOID = Op("sigmoid", _sigmoid, lambda out, a: (out * (1.0 - out),),
             arity=1, method="sigmoid", symbol="sigmoid")  # fmt: skip


def _relu_backward(node: Any, g: float) -> None:
    # The walk skips a dead relu (output 0), so this sees a live one or, rarely, a NaN one.
    if node.data > 0.0:
        node._a.grad += g
    else:
        node._a.grad += g * _step(node._a)


RELU = Op("relu", _relu, lambda out, a: (_step(a),),
          arity=1, method="relu", symbol="relu", backward=_relu_backward)  # fmt: skip
SIN = Op("sin", _sine, lambda out, a: (_cos(a),), arity=1, method="sin", symbol="sin")
COS = Op("cos", _cosine, lambda out, a: (-_sin(a),), arity=1, method="cos", symbol="cos")


def _dot_backward(node: Any, g: float) -> None:
    prev = node._a  # an n-ary node's parents, as a tuple
    n = len(prev) // 2
    for w, x in zip(prev[:n], prev[n : 2 * n]):
        w.grad += g * x.data
        x.grad += g * w.data
    if len(prev) & 1:
        prev[-1].grad += g


DOT = Op("dot", _dot, _dot_local, arity=None, method="dot", backward=_dot_backward)


def _sum_backward(node: Any, g: float) -> None:
    for p in node._a:
        p.grad += g


SUM = Op("sum", _sum, lambda out, *args: (1.0,) * len(args),
         arity=None, method="vsum", backward=_sum_backward)  # fmt: skip

#: Every op, one entry per name: what the parser, explain and the tests' contract read.
TABLE: tuple[Op, ...] = (
    ADD, SUB, MUL, DIV, POW, NEG, ABS, EXP, LOG, SQRT,
    TANH, SIGMOID, RELU, SIN, COS, DOT, SUM,
)  # fmt: skip
#: Every Op object a node can hold besides LEAF: TABLE and POW's constant-exponent variant.
ALL: tuple[Op, ...] = (*TABLE, POW_CONST)
#: The ops by name (``Value.op``): ``BY_NAME["tanh"] is TANH``.
BY_NAME: dict[str, Op] = {op.name: op for op in TABLE}
