"""micrograd's demo: a 2-16-16-1 relu MLP learns the two moons with an SVM loss.

Full-batch gradient descent on the max-margin loss ``relu(1 - y * score)`` with labels
-1 and +1, plus an L2 penalty, and a learning rate that decays from 1.0 to 0.1.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any


def loss(model: Any, Value: Any, X: Any, y: Any, alpha: float = 1e-4) -> tuple[Any, float]:
    """The total loss (a Value) and the accuracy on ``X``, ``y`` (labels -1 or +1)."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def train(
    Value: Any,
    nn: Any,
    X: Any,
    y: Any,
    steps: int = 100,
    seed: int = 1337,
    after_step: Callable[[Any], None] | None = None,
) -> dict[str, Any]:
    """Train from ``random.seed(seed)``; every step's loss and accuracy, and the model."""
    random.seed(seed)
    model = nn.MLP(2, [16, 16, 1])
    losses, accuracies = [], []
    for k in range(steps):
        total_loss, acc = loss(model, Value, X, y)
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(total_loss.data)
        accuracies.append(acc)
        if after_step is not None:
            after_step(total_loss)
    return {"model": model, "losses": losses, "accuracies": accuracies}


def decision(model: Any, Value: Any, points: Any) -> list[bool]:
    """Which side of the decision boundary each point falls on (the demo's contour plot)."""
    inputs = [list(map(Value, xrow)) for xrow in points]
    scores = list(map(model, inputs))
    return [s.data > 0 for s in scores]
