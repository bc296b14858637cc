"""``fit``: the training loop, and the ``History`` it returns.

Each step is the tutorial's loop, once per minibatch: predict every sample (forward), average
the loss, ``optimizer.zero_grad()``, ``loss.backward()``, ``optimizer.step()``. Repeat for
``epochs`` passes over the data.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from tqdm import tqdm

from autograd import Value, is_grad_enabled
from nn.compiled import CompiledStep
from nn.data import minibatches
from nn.losses import LossFn, batch_loss, kind_of, l2_penalty
from nn.module import Module
from nn.optim import Optimizer

__all__ = ["History", "fit"]

# The kinds of loss for which fit measures accuracy (the loss declares its kind).
_CLASSIFIES = ("binary", "multiclass")


@dataclass
class History:
    """What ``fit`` measured, one entry per epoch.

    Attributes:
        loss: the mean per-sample loss over the epoch's steps (without the l2 penalty).
        accuracy: the fraction of training samples classified correctly after the epoch;
            measured when the loss declares a classification kind ("binary", as
            ``hinge_loss`` and ``binary_cross_entropy`` do, or "multiclass", as
            ``cross_entropy`` does; see ``nn.losses.kind_of``), and left empty for
            regression (``mse_loss``) and losses that declare no kind.

    >>> History(loss=[0.5, 0.25]).epochs
    2
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.loss)


def _accuracy(model: Module, kind: str | None, X: NDArray[np.float64], y: NDArray[Any]) -> float:
    # Parameters on their way to diverging can overflow numpy's matmul; the next step's
    # loss reports that as a FloatingPointError, so the warning would only be noise.
    with np.errstate(over="ignore", invalid="ignore"):
        scores = model.predict(X)
    if kind == "binary":  # one score: > 0 means class 1
        predicted = (scores[:, 0] > 0.0).astype(np.int64)
    else:  # one logit per class: the largest wins
        predicted = np.argmax(scores, axis=1)
    return float(np.mean(predicted == y))


def _diverged(epoch: str, step: str, what: str, lr: float) -> FloatingPointError:
    return FloatingPointError(
        f"training diverged at epoch {epoch}, step {step}: {what}. "
        f"Try a smaller learning rate (lr is {lr!r})."
    )


def fit(
    model: Module,
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: LossFn,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int | None = None,
    progress: bool = True,
    l2: float = 0.0,
    seed: int | None = 0,
    callback: Callable[[int, History], bool | None] | None = None,
    record: Callable[[int, History], None] | None = None,
    compile: bool = False,
) -> History:
    """Train ``model`` on ``(X, y)``: ``epochs`` passes of minibatch gradient descent.

    Args:
        model: a ``Module`` (``Neuron``, ``Layer``, ``MLP`` or your own) taking rows of ``X``.
        X, y: inputs of shape (n, nin) and targets: numbers, class labels, or rows of
            numbers (multi-output regression), one per row of ``X``.
        loss: ``mse_loss``, ``hinge_loss``, ``binary_cross_entropy``, ``cross_entropy`` or
            any ``loss(output, target) -> Value`` for one sample (``output`` is one Value
            for a model with one output, else a list). Accuracy is measured when the loss
            declares a classification ``kind`` (see ``History``).
        optimizer: an ``SGD``, ``Adam`` or ``AdamW`` over ``model.parameters()``.
        batch_size: rows per step, visited in a fresh random order every epoch; None for
            the whole data set in every step (full-batch gradient descent).
        progress: show a tqdm progress bar (on stderr) with the loss and accuracy.
        l2: if > 0, add ``l2_penalty(model.parameters(), l2)`` to every step's loss.
        seed: seeds the minibatch order.
        callback: called after every epoch as ``callback(epoch, history)``, with ``epoch``
            the number of epochs done (1, 2, ...); return True to stop training early.
        record: called like ``callback`` (before it), to watch the run, e.g. an
            ``nn.report.Recorder`` for the training report; it cannot stop training.
        compile: run each step through a compiled graph of the batch (``nn.compiled``):
            the same numbers to rounding, many times faster; for the four losses of
            ``nn.losses``. False builds the graph every step, for stepping through.

    Returns:
        a ``History`` with the loss (and, for classification losses, the accuracy) per epoch.

    Raises:
        FloatingPointError: when the loss or a parameter becomes NaN or infinite, or an op
            overflows; the message names the epoch and step. A smaller ``lr`` usually helps.

    >>> from nn import MLP, SGD, make_linear, mse_loss
    >>> X, y = make_linear(20, noise=0.0)
    >>> model = MLP(1, [1], seed=0)
    >>> history = fit(model, X, y, loss=mse_loss, optimizer=SGD(model.parameters(), lr=0.1),
    ...               epochs=100, progress=False)
    >>> round(model.layers[0].neurons[0].w[0].data, 3), history.epochs, history.accuracy
    (3.0, 100, [])
    """
    Xa = np.asarray(X, dtype=np.float64)
    ya = np.asarray(y)
    if Xa.ndim != 2 or len(Xa) == 0 or len(Xa) != len(ya):
        raise ValueError(
            f"fit() needs X of shape (n, nin) with n >= 1 and one target per row, "
            f"got X of shape {Xa.shape} and y of shape {ya.shape}"
        )
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
    if batch_size is not None and (isinstance(batch_size, bool) or batch_size < 1):
        raise ValueError(f"batch_size must be None or an int >= 1, got {batch_size!r}")
    if not l2 >= 0.0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    if not is_grad_enabled():
        # Inside no_grad() the loss has no graph, so every gradient would stay 0.
        raise RuntimeError(
            "fit() was called inside no_grad(), where no graph is recorded and nothing can "
            "learn; call it outside the no_grad() block"
        )

    n = len(Xa)
    size = n if batch_size is None else min(batch_size, n)
    kind = kind_of(loss)
    params = model.parameters()
    compiled = CompiledStep(model, loss, l2) if compile else None
    rng = np.random.default_rng(seed)
    history = History()
    bar = tqdm(range(1, epochs + 1), desc="fit", unit="epoch", disable=not progress)
    try:
        for epoch in bar:
            where = f"{epoch}/{epochs}"
            batches = (
                [(Xa, ya)] if size == n else minibatches(Xa, ya, size, shuffle=True, seed=rng)
            )
            total = 0.0
            for step, (Xb, yb) in enumerate(batches, start=1):
                try:
                    if compiled is not None:
                        value = compiled.step(Xb, yb, optimizer)
                    else:
                        value = _step(model, loss, optimizer, params, Xb, yb, l2)
                except OverflowError as err:
                    raise _diverged(where, str(step), f"{err}", optimizer.lr) from err
                if not math.isfinite(value):
                    raise _diverged(where, str(step), f"the loss is {value}", optimizer.lr)
                if not all(math.isfinite(p.data) for p in params):
                    raise _diverged(
                        where, str(step), "a parameter became nan or infinite", optimizer.lr
                    )
                total += value * len(Xb)
            history.loss.append(total / n)
            postfix = {"loss": f"{history.loss[-1]:.4g}"}
            if kind in _CLASSIFIES:
                history.accuracy.append(_accuracy(model, kind, Xa, ya))
                postfix["acc"] = f"{history.accuracy[-1]:.1%}"
            bar.set_postfix(postfix, refresh=False)
            if record is not None:
                record(epoch, history)
            if callback is not None and callback(epoch, history):
                break
    finally:
        bar.close()
    return history


def _step(
    model: Module,
    loss: LossFn,
    optimizer: Optimizer,
    params: list[Value],
    Xb: NDArray[Any],
    yb: NDArray[Any],
    l2: float,
) -> float:
    """One gradient step on a minibatch; returns its mean loss (without the penalty)."""
    # The graph holds no reference cycles (it is freed by reference counting), so the cyclic
    # collector would only rescan thousands of fresh nodes for nothing: pause it meanwhile.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        # tolist() hands the model Python floats, which the engine wraps fastest.
        outputs = [model(row) for row in Xb.tolist()]
        objective = data_loss = batch_loss(loss, outputs, yb.tolist())
        if l2 > 0.0:
            objective = data_loss + l2_penalty(params, l2)
        optimizer.zero_grad()
        objective.backward()
        optimizer.step()
        return data_loss.data
    finally:
        if gc_was_enabled:
            gc.enable()
