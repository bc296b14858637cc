"""``fit``: the training loop (``History``, what it returns, lives in ``nn.history``).

Each step is the tutorial's loop, once per minibatch: predict every sample (forward), average
the loss, ``optimizer.zero_grad()``, ``loss.backward()``, ``optimizer.step()``. Repeat for
``epochs`` passes over the data. After each epoch ``fit`` measures the model on the training
data and, when given, on ``validation_data``; a schedule then sets the next epoch's ``lr``,
and ``patience`` stops a run whose validation loss has stopped improving.

A run that goes wrong stops at once, by name: a non-finite loss or parameter is a
``FloatingPointError`` that names the epoch and step. A loss that grows a millionfold
without overflowing is recorded in ``History.warnings`` when it happens (so ``record`` and
``callback`` see it) and sent through ``warnings`` when ``fit`` returns.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from tqdm import tqdm

from autograd import Value, is_grad_enabled, no_grad
from autograd.modes import pause_gc
from nn import checks
from nn.checks import Scheduler
from nn.compiled import CompiledStep
from nn.data import minibatches
from nn.history import History
from nn.losses import LossFn, batch_loss, kind_of, l2_penalty
from nn.module import Module
from nn.optim import Optimizer

__all__ = ["History", "fit"]

# The kinds of loss for which fit measures accuracy (the loss declares its kind).
_CLASSIFIES = ("binary", "multiclass")
# A loss this many times its first epoch's value, yet finite, is diverging slowly: warn.
_GROWTH = 1e6


def _scores(model: Module, X: NDArray[np.float64]) -> NDArray[np.float64]:
    """The model's outputs for every row of ``X``, shape (n, nout), without a graph.

    ``predict`` is numpy's fast twin for the models of ``nn.layers`` and the forward pass,
    row by row, for a module of your own (with or without ``nin``/``nout`` attributes).
    """
    # Parameters on their way to diverging can overflow numpy's matmul; fit reports that as
    # a FloatingPointError, so numpy's warning would only be noise.
    with np.errstate(over="ignore", invalid="ignore"):
        return model.predict(X)


def _accuracy(kind: str | None, scores: NDArray[np.float64], y: NDArray[Any]) -> float:
    if kind == "binary":  # one score: > 0 means class 1
        predicted = (scores[:, 0] > 0.0).astype(np.int64)
    else:  # one logit per class: the largest wins
        predicted = np.argmax(scores, axis=1)
    return float(np.mean(predicted == y))


def _mean_loss(loss: LossFn, scores: NDArray[np.float64], y: NDArray[Any]) -> float:
    """The mean per-sample loss of outputs already computed (``scores``), without a graph."""
    with no_grad():
        outputs = [Value(row[0]) if len(row) == 1 else [Value(s) for s in row] for row in scores]
        return batch_loss(loss, outputs, y.tolist()).data


def _diverged(epoch: str, step: str, what: str, lr: float) -> FloatingPointError:
    """The error for a run gone non-finite; ``step`` is a number, or "after step N"."""
    at = step if step.startswith("after") else f"step {step}"
    return FloatingPointError(
        f"training diverged at epoch {epoch}, {at}: {what}. "
        f"Try a smaller learning rate (lr is {lr!r})."
    )


def _warn(history: History, text: str) -> None:
    """Record a warning now; ``fit`` sends it through ``warnings`` when the run ends.

    Not at once: a run that goes on to raise ``FloatingPointError`` says it in one error,
    not in a warning followed by the error.
    """
    history.warnings.append(text)


def fit(
    model: Module,
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: LossFn,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int | None = None,
    progress: bool | str = True,
    l2: float = 0.0,
    seed: int | None = 0,
    callback: Callable[[int, History], bool | None] | None = None,
    record: Callable[[int, History], None] | None = None,
    validation_data: tuple[ArrayLike, ArrayLike] | None = None,
    scheduler: Scheduler | None = None,
    patience: int | None = None,
    compile: bool | None = None,
) -> History:
    """Train ``model`` on ``(X, y)``: ``epochs`` passes of minibatch gradient descent.

    Args:
        model: a ``Module`` (``Neuron``, ``Layer``, ``MLP`` or your own) taking rows of ``X``.
        X, y: inputs of shape (n, nin) and targets: numbers, class labels, or rows of
            numbers (multi-output regression), one per row of ``X``. Both must be finite
            numbers; class labels are the ints 0..k-1 (0/1 for the binary losses: convert
            micrograd's -1/+1 labels with ``(y + 1) // 2``).
        loss: ``mse_loss``, ``hinge_loss``, ``binary_cross_entropy``, ``cross_entropy`` or
            any ``loss(output, target) -> Value`` for one sample (``output`` is one Value
            for a model with one output, else a list). Accuracy is measured when the loss
            declares a classification ``kind`` (see ``History``).
        optimizer: an ``SGD``, ``Adam`` or ``AdamW`` over ``model.parameters()``.
        batch_size: rows per step, visited in a fresh random order every epoch; None for
            the whole data set in every step (full-batch gradient descent).
        progress: show a tqdm progress bar (on stderr) with the loss and accuracy; a string
            shows the bar with that text as its description (``progress="学習"``).
        l2: if > 0, add ``l2_penalty(model.parameters(), l2)`` to every step's loss.
        seed: seeds the minibatch order.
        callback: called after every epoch as ``callback(epoch, history)``, with ``epoch``
            the number of epochs done (1, 2, ...); return True to stop training early.
        record: called like ``callback`` (before it), to watch the run, e.g. an
            ``nn.report.Recorder`` for the training report; it cannot stop training.
        validation_data: ``(X_val, y_val)``, measured after every epoch into
            ``History.val_loss`` (and ``val_accuracy`` for classification); never trained on.
        scheduler: a schedule from ``nn.schedules`` over ``optimizer``, or a function that
            builds one from it (``lambda opt: StepLR(opt, 10)``); stepped after every epoch.
        patience: with ``validation_data``, stop once the validation loss has not improved
            for this many epochs, and put back the parameters of the best epoch (a warning
            says so, and ``History.stopped_early`` is True).
        compile: run each step through a compiled graph of the batch (``nn.compiled``):
            the same numbers to rounding (1e-9 after 100 epochs), many times faster; for the
            four losses of ``nn.losses``. None (the default) compiles when that is exact:
            nn's own MLP, Layer or Neuron with one of those losses (``CompiledStep.supports``);
            a custom module, which may branch on ``.data``, is trained eagerly. False builds
            the graph every step, the path to step through when learning how backprop works.

    Returns:
        a ``History`` with the loss (and, for classification losses, the accuracy) per epoch.

    Raises:
        FloatingPointError: when the loss or a parameter becomes NaN or infinite, or an op
            overflows; the message names the epoch and step. A smaller ``lr`` usually helps.
        ValueError, TypeError: up front, for non-finite or non-numeric data (naming the
            row) and for bad settings (naming the argument).

    >>> from nn import MLP, SGD, make_linear, mse_loss
    >>> X, y = make_linear(20, noise=0.0)
    >>> model = MLP(1, [1], seed=0)
    >>> history = fit(model, X, y, loss=mse_loss, optimizer=SGD(model.parameters(), lr=0.1),
    ...               epochs=100, progress=False)
    >>> round(model.layers[0].neurons[0].w[0].data, 3), history.epochs, history.accuracy
    (3.0, 100, [])
    """
    kind = kind_of(loss)
    Xa, ya = checks.data(X, y, kind)
    n_epochs = checks.integer("epochs", epochs, 0)
    size = checks.integer("batch_size", batch_size, 1, none_ok=True)
    l2 = checks.l2_strength(l2)
    wait = checks.integer("patience", patience, 1, none_ok=True)
    val = None
    if validation_data is not None:
        val = checks.validation(validation_data, Xa.shape[1], kind)
    elif wait is not None:
        raise ValueError(
            f"patience={wait} stops on the validation loss, so it needs "
            "validation_data=(X_val, y_val); without it, train for fewer epochs"
        )
    if not is_grad_enabled():
        # Inside no_grad() the loss has no graph, so every gradient would stay 0.
        raise RuntimeError(
            "fit() was called inside no_grad(), where no graph is recorded and nothing can "
            "learn; call it outside the no_grad() block"
        )
    schedule = checks.scheduler(scheduler, optimizer)
    assert n_epochs is not None

    n = len(Xa)
    size = n if size is None else min(size, n)
    params = model.parameters()
    if compile is None:
        compile = CompiledStep.supports(model, loss)
    compiled = CompiledStep(model, loss, l2) if compile else None
    rng = checks.rng(seed)
    history = History()
    best: list[float] = []  # the parameters of the best epoch, kept only for patience
    bar = tqdm(
        range(1, n_epochs + 1),
        desc=progress if isinstance(progress, str) else "fit",
        unit="epoch",
        disable=not progress,
    )
    try:
        for epoch in bar:
            where = f"{epoch}/{n_epochs}"
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
                # One sum instead of a test per parameter (13 us against 23 us for 337 parameters):
                # it is nan or inf if any term is.
                if not math.isfinite(sum([p.data for p in params])):
                    raise _diverged(
                        where, str(step), "a parameter became nan or infinite", optimizer.lr
                    )
                total += value * len(Xb)
            history.loss.append(total / n)
            _watch_growth(history)
            postfix = {"loss": f"{history.loss[-1]:.4g}"}
            if kind in _CLASSIFIES:
                scores = _scores(model, Xa)
                if np.isnan(scores).any():
                    raise _diverged(
                        where, f"after step {step}", "the model's outputs are nan", optimizer.lr
                    )
                history.accuracy.append(_accuracy(kind, scores, ya))
                postfix["acc"] = f"{history.accuracy[-1]:.1%}"
            if val is not None:
                _validate(model, loss, kind, val, history, f"{where}, after step {step}")
                postfix["val_loss"] = f"{history.val_loss[-1]:.4g}"
            improved = _note_best(history, epoch)
            if improved and wait is not None:
                best = [p.data for p in params]
            if schedule is not None:
                schedule.step()
            bar.set_postfix(postfix, refresh=False)
            if record is not None:
                record(epoch, history)
            if callback is not None and callback(epoch, history):
                break
            best_epoch = history.best_epoch
            if wait is not None and best_epoch is not None and epoch - best_epoch >= wait:
                _restore(params, best, history, wait)
                break
    finally:
        bar.close()
    for text in history.warnings:
        warnings.warn(text, RuntimeWarning, stacklevel=2)
    return history


def _watch_growth(history: History) -> None:
    """Warn once when the loss has grown a millionfold over its first value (still finite)."""
    first, last = history.loss[0], history.loss[-1]
    if (
        first > 0.0
        and last > _GROWTH * first
        and not any(w.startswith("the loss grew") for w in history.warnings)
    ):
        _warn(
            history,
            f"the loss grew from {first:.4g} (epoch 1) to {last:.4g} (epoch {history.epochs}), "
            f"more than {_GROWTH:.0e} times: training is diverging; try a smaller learning rate",
        )


def _validate(
    model: Module,
    loss: LossFn,
    kind: str | None,
    val: tuple[NDArray[np.float64], NDArray[Any]],
    history: History,
    where: str,
) -> None:
    """Measure the model on the validation data into ``history``."""
    Xv, yv = val
    scores = _scores(model, Xv)
    value = _mean_loss(loss, scores, yv)
    if not math.isfinite(value):
        raise FloatingPointError(
            f"training diverged at epoch {where}: the validation loss is {value}. "
            "Try a smaller learning rate."
        )
    history.val_loss.append(value)
    if kind in _CLASSIFIES:
        history.val_accuracy.append(_accuracy(kind, scores, yv))


def _note_best(history: History, epoch: int) -> bool:
    """Record ``epoch`` as the best if its (validation) loss is the lowest so far."""
    curve = history.val_loss or history.loss
    if history.best_epoch is None or curve[-1] < curve[history.best_epoch - 1]:
        history.best_epoch = epoch
        return True
    return False


def _restore(params: list[Value], best: list[float], history: History, wait: int) -> None:
    """Put back the best epoch's parameters, exactly, and say so."""
    for p, data in zip(params, best):
        p.data = data
    history.stopped_early = True
    assert history.best_epoch is not None
    _warn(
        history,
        f"early stopping after epoch {history.epochs}: the validation loss has not improved "
        f"for {wait} epochs; restored the parameters of epoch {history.best_epoch} "
        f"(validation loss {history.val_loss[history.best_epoch - 1]:.4g})",
    )


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
    # collector would only rescan thousands of fresh nodes for nothing: pause it meanwhile
    # (pause_gc counts its users, so threads training at once leave it as they found it).
    with pause_gc():
        # tolist() hands the model Python floats, which the engine wraps fastest.
        outputs = [model(row) for row in Xb.tolist()]
        objective = data_loss = batch_loss(loss, outputs, yb.tolist())
        if l2 > 0.0:
            objective = data_loss + l2_penalty(params, l2)
        optimizer.zero_grad()
        objective.backward()
        optimizer.step()
        return data_loss.data
