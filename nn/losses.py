"""Loss functions: one number that says how wrong a prediction is, built from engine ops.

Each loss takes the model's output for *one* sample (a single Value, as a model with one
output returns, or a list of Values) and that sample's target (plain numbers), and returns a
Value whose ``backward()`` sends the gradient into the model.

Each loss also declares its ``kind``: "binary" (one score, > 0 means class 1), "multiclass"
(one logit per class, the largest wins) or "regression". ``fit`` reads it (``kind_of``) to
decide whether accuracy applies; a loss of your own can declare one the same way
(``my_loss.kind = "binary"``), and ``functools.partial`` or ``functools.wraps`` keep it.

``batch_loss`` averages a loss over a minibatch. Where a textbook formula would overflow
(``exp`` of a large logit), the loss is rearranged so that every ``exp`` sees a number <= 0.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, SupportsFloat, TypeAlias, TypeVar

from autograd import Value, vsum

__all__ = [
    "batch_loss",
    "binary_cross_entropy",
    "cross_entropy",
    "hinge_loss",
    "kind_of",
    "l2_penalty",
    "mse_loss",
]

Output: TypeAlias = Value | Sequence[Value]
Target: TypeAlias = SupportsFloat | Sequence[SupportsFloat]
# A per-sample loss: (output, target) -> Value. Typed loosely so that losses with narrower
# signatures (a label only, a list output only) are accepted wherever a loss is.
LossFn: TypeAlias = Callable[[Any, Any], Value]
KINDS = ("binary", "multiclass", "regression")
_F = TypeVar("_F", bound=Callable[..., Value])


def _declare(kind: str) -> Callable[[_F], _F]:
    """Mark a loss with its kind (see the module docstring)."""

    def mark(fn: _F) -> _F:
        fn.kind = kind  # type: ignore[attr-defined]
        return fn

    return mark


def kind_of(loss: Callable[..., Any]) -> str | None:
    """The kind a loss declares ("binary", "multiclass", "regression"), or None.

    Looks through ``functools.partial``, so a loss with some arguments bound keeps its kind.

    >>> import functools
    >>> kind_of(hinge_loss), kind_of(functools.partial(cross_entropy)), kind_of(abs)
    ('binary', 'multiclass', None)
    """
    while isinstance(loss, functools.partial) and not hasattr(loss, "kind"):
        loss = loss.func
    kind = getattr(loss, "kind", None)
    if kind is not None and kind not in KINDS:
        raise ValueError(
            f"loss {getattr(loss, '__name__', loss)!r} declares kind={kind!r}; "
            f"use one of {', '.join(repr(k) for k in KINDS)}"
        )
    return kind


def _outputs(output: Output, where: str) -> list[Value]:
    outs = [output] if isinstance(output, Value) else list(output)
    if not outs or not all(isinstance(o, Value) for o in outs):
        raise TypeError(
            f"{where}() needs the model's output: a Value or a non-empty list of Values, "
            f"got {output!r}"
        )
    return outs


def _scalar(output: Output, where: str) -> Value:
    """The one score a binary loss needs: a Value, or a list holding exactly one."""
    outs = _outputs(output, where)
    if len(outs) != 1:
        raise ValueError(
            f"{where}() needs one score per sample, got {len(outs)} outputs; "
            "use a model with nout=1 (or cross_entropy for several classes)"
        )
    return outs[0]


def _number(value: object, what: str, where: str) -> float:
    """``value`` as a float; strings are refused (``float("12")`` would read them)."""
    if not isinstance(value, (str, bytes)):
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{where}() needs {what}, got {type(value).__name__} {value!r}")


def _label(target: object, k: int, where: str) -> int:
    """A class label as an int in 0..k-1: ints, numpy ints and whole floats (1.0) pass."""
    value = _number(target, f"a class label (an int in 0..{k - 1})", where)
    if not value.is_integer() or not 0 <= value < k:
        # The binary losses take 0/1; micrograd's demo labels the classes -1/+1.
        hint = "; micrograd's -1/+1 labels convert with (y + 1) // 2" if value == -1 else ""
        raise ValueError(
            f"{where}() got the label {target!r}, but with k={k} classes labels must be "
            f"the ints 0..{k - 1}{hint}"
        )
    return int(value)


def _name(k: int, n: int) -> str:
    """The label of target ``k`` of ``n``: ``target``, or ``target[k]`` when there are several."""
    return "target" if n == 1 else f"target[{k}]"


def _targets(target: Target, where: str) -> list[float]:
    """Regression targets as floats: one number, or a sequence (list, tuple, 1-D array)."""
    if (
        getattr(target, "ndim", None) == 0
        or isinstance(target, (str, bytes))
        or not hasattr(target, "__iter__")
    ):
        return [_number(target, "numbers as targets", where)]
    return [_number(t, "numbers as targets", where) for t in target]


@_declare("regression")
def mse_loss(output: Output, target: Target) -> Value:
    """The mean squared error over the outputs: ``mean((output_i - target_i) ** 2)``.

    The tutorial's loss for regression. ``target`` is a number for a model with one output,
    or a sequence of numbers (one per output).

    >>> from autograd import Value
    >>> y_hat = Value(2.5)
    >>> loss = mse_loss(y_hat, 3.0)
    >>> loss.backward()
    >>> loss.data, y_hat.grad
    (0.25, -1.0)
    """
    outs = _outputs(output, "mse_loss")
    targets = _targets(target, "mse_loss")
    if len(targets) != len(outs):
        raise ValueError(
            f"mse_loss() got {len(outs)} outputs but {len(targets)} targets; "
            "give one target per output"
        )
    # A labelled leaf, not a bare number: a drawing shows ``target``, not ``3 (const)``.
    squares = [
        (o - Value(t, label=_name(k, len(targets)))) ** 2
        for k, (o, t) in enumerate(zip(outs, targets))
    ]
    if len(squares) == 1:
        return squares[0]
    return vsum(squares) * (1.0 / len(squares))


@_declare("binary")
def hinge_loss(output: Output, target: SupportsFloat) -> Value:
    """The max-margin loss ``relu(1 - y * score)`` with labels 0/1 mapped to y = -1/+1.

    Zero once the score is on the right side of 0 by a margin of 1; the loss of micrograd's
    moons demo. A score > 0 predicts class 1.

    Labels are 0 and 1, as for every classification loss here (so that accuracy, the data
    sets and ``binary_cross_entropy`` share one convention); micrograd's demo writes them
    -1 and +1, which ``(y + 1) // 2`` converts, and the error for -1 says so. A NaN score
    gives a NaN loss.

    >>> from autograd import Value
    >>> hinge_loss(Value(0.25), 1).data, hinge_loss(Value(0.25), 0).data
    (0.75, 1.25)
    >>> hinge_loss(Value(3.0), 1).data
    0.0
    """
    score = _scalar(output, "hinge_loss")
    y = Value(2.0 * _label(target, 2, "hinge_loss") - 1.0, label="target")
    return (1.0 - score * y).relu()


@_declare("binary")
def binary_cross_entropy(output: Output, target: SupportsFloat) -> Value:
    """The cross-entropy of a 0/1 label and the probability ``sigmoid(z)``, from the logit ``z``.

    Mathematically ``-y log(sigmoid(z)) - (1 - y) log(1 - sigmoid(z))``, which equals
    ``relu(z) - z y + log(1 + exp(-|z|))`` (PyTorch's ``binary_cross_entropy_with_logits``).
    ``exp`` only ever sees ``-|z|``, so logits of +-1000 are fine. The gradient with respect
    to ``z`` is ``sigmoid(z) - y``.

    >>> from autograd import Value
    >>> z = Value(0.0)
    >>> loss = binary_cross_entropy(z, 1)
    >>> loss.backward()
    >>> round(loss.data, 6), z.grad
    (0.693147, -0.5)
    >>> binary_cross_entropy(Value(1000.0), 0).data
    1000.0
    """
    z = _scalar(output, "binary_cross_entropy")
    y = Value(float(_label(target, 2, "binary_cross_entropy")), label="target")
    # The branch picks the formula whose exp argument is <= 0 (a NaN z takes the second,
    # and gives NaN). Writing relu(z) and |z| as
    # graph nodes instead would give the wrong gradient at exactly z = 0 (both kinks take
    # the derivative 0 there, so the gradient would be -y, not 0.5 - y).
    if z.data >= 0.0:
        return (1.0 + (-z).exp()).log() + z * (1.0 - y)
    return (1.0 + z.exp()).log() - z * y


@_declare("multiclass")
def cross_entropy(output: Output, target: SupportsFloat) -> Value:
    """The softmax cross-entropy ``-log softmax(z)[c]`` of logits ``z`` and a class label ``c``.

    Computed as ``log(sum_i exp(z_i - m)) + m - z_c`` with ``m = max(z)`` taken as a constant
    (the log-sum-exp trick): every ``exp`` sees a number <= 0, so large logits never
    overflow, and the gradient is ``softmax(z) - onehot(c)``. Labels are ints 0..k-1 for
    k = len(output).

    >>> from autograd import Value
    >>> z = [Value(2.0), Value(0.0), Value(0.0)]
    >>> loss = cross_entropy(z, 0)
    >>> loss.backward()
    >>> round(loss.data, 6), [round(zi.grad, 6) for zi in z]
    (0.239545, [-0.213014, 0.106507, 0.106507])
    """
    logits = _outputs(output, "cross_entropy")
    k = len(logits)
    c = _number(target, f"a class label (an int in 0..{k - 1})", "cross_entropy")
    if c.is_integer() and c >= k:  # the usual cause: a model with too few outputs
        one = " (for one score, use hinge_loss or binary_cross_entropy)" if k == 1 else ""
        raise ValueError(
            f"cross_entropy() got the label {target!r}, but with k={k} outputs labels must be "
            f"the ints 0..{k - 1}: cross-entropy needs one output per class, so use a model "
            f"with nout = the number of classes{one}"
        )
    c = _label(target, k, "cross_entropy")
    # A NaN logit makes the loss NaN through exp(), whichever value max() keeps here.
    m = max(z.data for z in logits)
    lse = vsum([(z - m).exp() for z in logits]).log() + m
    return lse - logits[c]


def l2_penalty(params: Iterable[Value], alpha: float) -> Value:
    """``alpha * sum(p * p)`` over the parameters: L2 regularisation (weight decay).

    Added to the loss, it pulls every weight towards 0 with a force ``2 alpha p``.

    >>> from autograd import Value
    >>> ps = [Value(1.0), Value(-2.0)]
    >>> pen = l2_penalty(ps, 0.1)
    >>> pen.backward()
    >>> round(pen.data, 12), [round(p.grad, 12) for p in ps]
    (0.5, [0.2, -0.4])
    """
    if not alpha >= 0.0 or not math.isfinite(alpha):
        raise ValueError(f"l2_penalty() needs a finite alpha >= 0, got {alpha}")
    return alpha * vsum([p * p for p in params])


def batch_loss(loss_fn: LossFn, outputs: Sequence[Output], targets: Sequence[Any]) -> Value:
    """The mean of ``loss_fn(output, target)`` over a minibatch: one ``sum`` node times 1/n.

    >>> from autograd import Value
    >>> outs = [Value(1.0), Value(3.0)]
    >>> batch_loss(mse_loss, outs, [0.0, 0.0]).data
    5.0
    """
    n = len(outputs)
    if n != len(targets):
        raise ValueError(
            f"batch_loss() got {n} outputs but {len(targets)} targets; give one per sample"
        )
    if n == 0:
        raise ValueError("batch_loss() got an empty batch; give at least one sample")
    return vsum([loss_fn(o, t) for o, t in zip(outputs, targets)]) * (1.0 / n)
