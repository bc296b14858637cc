"""The exercises: a derivative worked out by hand, checked numerically and by backprop.

Part one takes ``f(a, b, c) = -a**3 + sin(3*b) - 1/c + b**2.5 - a**0.5``, its gradient by
hand, and checks it with a one-sided and a symmetric difference quotient. Part two writes
softmax and the negative log likelihood with Values and checks the gradient of the loss
with respect to the logits.
"""

from __future__ import annotations

import math
from typing import Any

POINT = (2.0, 3.0, 4.0)


def f(a: float, b: float, c: float) -> float:
    return -(a**3) + math.sin(3 * b) - 1.0 / c + b**2.5 - a**0.5


def gradf(a: float, b: float, c: float) -> list[float]:
    """The gradient of ``f``, by hand."""
    return [
        -3 * a**2 - 0.5 * a**-0.5,
        3 * math.cos(3 * b) + 2.5 * b**1.5,
        c**-2,
    ]


def one_sided(h: float = 1e-6) -> list[float]:
    """(f(x + h) - f(x)) / h for each input in turn."""
    out = []
    for i in range(3):
        up = list(POINT)
        up[i] += h
        out.append((f(*up) - f(*POINT)) / h)
    return out


def symmetric(h: float = 1e-6) -> list[float]:
    """(f(x + h) - f(x - h)) / 2h for each input in turn: error O(h**2) instead of O(h)."""
    out = []
    for i in range(3):
        up, down = list(POINT), list(POINT)
        up[i] += h
        down[i] -= h
        out.append((f(*up) - f(*down)) / (2 * h))
    return out


def f_by_backprop(Value: Any) -> tuple[float, list[float]]:
    """``f`` with Values (sin as a method), and its gradient by ``backward()``."""
    a, b, c = (Value(x) for x in POINT)
    out = -(a**3) + (3 * b).sin() - 1.0 / c + b**2.5 - a**0.5
    out.backward()
    return out.data, [a.grad, b.grad, c.grad]


LOGITS = [0.0, 3.0, -2.0, 1.0]


def softmax(logits: list[Any]) -> list[Any]:
    counts = [logit.exp() for logit in logits]
    denominator = sum(counts)
    return [c / denominator for c in counts]


def nll_by_backprop(Value: Any, target: int = 3) -> tuple[float, list[float]]:
    """-log softmax(logits)[target] and its gradient with respect to the logits."""
    logits = [Value(x) for x in LOGITS]
    probs = softmax(logits)
    loss = -probs[target].log()
    loss.backward()
    return loss.data, [logit.grad for logit in logits]
