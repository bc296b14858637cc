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

The other fields say how the op is made and written (``method``, ``symbol``, ``precedence``),
which float rule ``backward()`` runs (the generic ``chain_rule`` unless a hand-written one,
written right above the entry, is faster; the tests check each against ``chain_rule``), and
the same two rules over arrays for the compiler: ``np_forward`` and ``np_local``, which get the
numpy module as their first argument (so importing ``autograd`` never imports numpy).
``autograd/op.py`` describes every field; the n-ary ops ``dot`` and ``sum`` have their entries
in ``autograd/ops_nary.py``, and join the others in ``TABLE`` below.

To add an op: write its forward function and its entry (with its numpy twins), give ``Value``
its method, and add its row to ``tests/autograd/test_ops.py``; the op-contract test fails
until all of them exist.
"""

from __future__ import annotations

import math
import operator
from typing import Any

# (x as x: re-exported, so that ops.Op, ops.DOT and ops.SUM are the table's own names)
from autograd.op import Num
from autograd.op import Op as Op
from autograd.ops_nary import DOT as DOT
from autograd.ops_nary import SUM as SUM

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


def _np_dpow_da(np: Any, a: Any, b: Any) -> Any:
    """_dpow_da over arrays: b a**(b-1); 0 (b == 0) or inf (b < 1) at a == 0."""
    at_zero = (a == 0.0) & (b < 1.0)
    return np.where(at_zero, np.where(b == 0.0, 0.0, np.inf), b * np.power(a, b - 1.0))


def _np_dpow_db(np: Any, out: Any, a: Any, b: Any) -> Any:
    """_dpow_db over arrays: a**b log(a) for a > 0; 0 at a == 0 with b >= 0; else NaN."""
    inside = out * np.log(np.where(a > 0.0, a, 1.0))
    return np.where(a > 0.0, inside, np.where((a == 0.0) & (b >= 0.0), 0.0, np.nan))


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
         arity=2, method="__add__", symbol="+", precedence=1, backward=_add_backward,
         np_forward=lambda np, a, b: a + b, np_local=lambda np, out, a, b: (1.0, 1.0))  # fmt: skip


def _sub_backward(node: Any, g: float) -> None:
    a, b = node._a, node._b
    a.grad += g
    b.grad -= g


SUB = Op("-", operator.sub, lambda out, a, b: (1.0, -1.0),
         arity=2, method="__sub__", symbol="-", precedence=1, backward=_sub_backward,
         np_forward=lambda np, a, b: a - b,
         np_local=lambda np, out, a, b: (1.0, -1.0))  # fmt: skip


def _mul_backward(node: Any, g: float) -> None:
    a, b = node._a, node._b
    a.grad += g * b.data
    b.grad += g * a.data


MUL = Op("*", operator.mul, lambda out, a, b: (b, a),
         arity=2, method="__mul__", symbol="*", precedence=2, backward=_mul_backward,
         np_forward=lambda np, a, b: a * b, np_local=lambda np, out, a, b: (b, a))  # fmt: skip
DIV = Op("/", _div, lambda out, a, b: (1.0 / b, -out / b),
         arity=2, method="__truediv__", symbol="/", precedence=2,
         np_forward=lambda np, a, b: a / b,
         np_local=lambda np, out, a, b: (1.0 / b, -out / b))  # fmt: skip
POW = Op("**", _pow, lambda out, a, b: (_dpow_da(a, b), _dpow_db(out, a, b)),
         arity=2, method="__pow__", symbol="**", precedence=4, np_forward=lambda np, a, b: a**b,
         np_local=lambda np, out, a, b: (_np_dpow_da(np, a, b), _np_dpow_db(np, out, a, b)),
         )  # fmt: skip
# The same op with a number exponent, which is a constant: no derivative flows to it (and none
# that could be nan). Value.__pow__ picks it; it shares POW's name, so it is not in TABLE.
POW_CONST = Op("**", _pow, lambda out, a, b: (_dpow_da(a, _data(b)), 0.0),
               arity=2, method="__pow__", symbol="**", precedence=4, np_forward=POW.np_forward,
               np_local=lambda np, out, a, b: (_np_dpow_da(np, a, b), 0.0))  # fmt: skip


def _neg_backward(node: Any, g: float) -> None:
    node._a.grad -= g


NEG = Op("neg", operator.neg, lambda out, a: (-1.0,),
         arity=1, method="__neg__", symbol="-", precedence=3, backward=_neg_backward,
         np_forward=lambda np, a: -a, np_local=lambda np, out, a: (-1.0,))  # fmt: skip

# Over arrays, _sign is np.sign: 0 at 0, NaN at NaN.
ABS = Op("abs", abs, lambda out, a: (_sign(a),), arity=1, method="__abs__", symbol="abs",
         np_forward=lambda np, a: np.abs(a),
         np_local=lambda np, out, a: (np.sign(a),))  # fmt: skip
EXP = Op("exp", _exp, lambda out, a: (out,), arity=1, method="exp", symbol="exp",
         np_forward=lambda np, a: np.exp(a), np_local=lambda np, out, a: (out,))  # fmt: skip
LOG = Op("log", _ln, lambda out, a: (1.0 / a,), arity=1, method="log", symbol="log",
         np_forward=lambda np, a: np.log(a), np_local=lambda np, out, a: (1.0 / a,))  # fmt: skip
SQRT = Op("sqrt", _sqrt, lambda out, a: (_over(0.5, out),), arity=1, method="sqrt", symbol="sqrt",
          np_forward=lambda np, a: np.sqrt(a),
          np_local=lambda np, out, a: (0.5 / out,))  # fmt: skip


def _tanh_backward(node: Any, g: float) -> None:
    t = node.data
    node._a.grad += g * (1.0 - t * t)


def _np_sigmoid(np: Any, a: Any) -> Any:
    e = np.exp(-np.abs(a))  # as _sigmoid: exp() only ever sees a non-positive argument
    return np.where(a >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


TANH = Op("tanh", math.tanh, lambda out, a: (1.0 - out * out,),
          arity=1, method="tanh", symbol="tanh", backward=_tanh_backward,
          np_forward=lambda np, a: np.tanh(a),
          np_local=lambda np, out, a: (1.0 - out * out,))  # fmt: skip
SIGMOID = Op("sigmoid", _sigmoid, lambda out, a: (out * (1.0 - out),),
             arity=1, method="sigmoid", symbol="sigmoid", np_forward=_np_sigmoid,
             np_local=lambda np, out, a: (out * (1.0 - out),))  # fmt: skip


def _relu_backward(node: Any, g: float) -> None:
    # The walk skips a dead relu (output 0), so this sees a live one or, rarely, a NaN one.
    if node.data > 0.0:
        node._a.grad += g
    else:
        node._a.grad += g * _step(node._a)


# Over arrays, _step(a) is the sign of the output: 1 above the kink, 0 at or below, NaN at NaN.
RELU = Op("relu", _relu, lambda out, a: (_step(a),),
          arity=1, method="relu", symbol="relu", backward=_relu_backward,
          np_forward=lambda np, a: np.where(a <= 0.0, 0.0, a),  # NaN stays NaN, as _relu
          np_local=lambda np, out, a: (np.sign(out),))  # fmt: skip
SIN = Op("sin", _sine, lambda out, a: (_cos(a),), arity=1, method="sin", symbol="sin",
         np_forward=lambda np, a: np.sin(a), np_local=lambda np, out, a: (np.cos(a),))  # fmt: skip
COS = Op("cos", _cosine, lambda out, a: (-_sin(a),), arity=1, method="cos", symbol="cos",
         np_forward=lambda np, a: np.cos(a),
         np_local=lambda np, out, a: (-np.sin(a),))  # fmt: skip


#: Every op, one entry per name: what the parser, explain and the tests' contract read.
TABLE: tuple[Op, ...] = (
    ADD, SUB, MUL, DIV, POW, NEG, ABS, EXP, LOG, SQRT,
    TANH, SIGMOID, RELU, SIN, COS, DOT, SUM,
)  # fmt: skip
#: Every Op object a node can hold besides LEAF: TABLE and POW's constant-exponent variant.
ALL: tuple[Op, ...] = (*TABLE, POW_CONST)
#: The ops by name (``Value.op``): ``BY_NAME["tanh"] is TANH``.
BY_NAME: dict[str, Op] = {op.name: op for op in TABLE}
