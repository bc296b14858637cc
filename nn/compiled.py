"""Compiled training: the graph of one minibatch built once, and every minibatch fed into it.

Eager training builds a new graph for every step. ``CompiledStep`` builds the graph of one
batch once, per batch size (the last, shorter batch of an epoch gets its own), with leaves
for the inputs *and for the targets*, compiles it (``autograd.compile``), and then runs each
step as: feed the inputs, feed the targets, ``forward()``, ``optimizer.zero_grad()``,
``backward()``, ``optimizer.step()``. With nn's own optimizers it runs the same step on
arrays, without a Python loop over the parameters (``CompiledStep._array_step``): the
numbers, ``.data``, ``.grad`` and the optimizer's state come out as from the loop above.

The targets must be leaves because a compiled graph replays what it recorded: the losses of
``nn.losses`` read their label as a number (``hinge_loss`` folds it into a constant +-1,
``cross_entropy`` picks ``logits[c]`` and shifts by ``max(z.data)``), which would bake the
first batch's labels into the graph. So each loss has a *leaf-target form* here, the same
formula written with the target as a Value:

=======================  ===================================================  =============
loss                     leaf-target form, per sample                         target leaves
=======================  ===================================================  =============
``hinge_loss``           ``relu(1 - t * z)``                                  t = +-1
``binary_cross_entropy`` ``relu(z) - z * y + log(1 + exp(-|z|))``             y = 0 or 1
``cross_entropy``        ``log(sum exp(z_i - m)) + m - t . z``                one-hot t
``mse_loss``             ``mean((z_i - t_i) ** 2)``                           the numbers
=======================  ===================================================  =============

In the cross-entropy, the shift ``m`` is the largest logit, computed in the graph with
``max(a, b) = b + relu(a - b)``: the loss is the same for every ``m`` (so its gradient
through ``m`` is 0, up to rounding), and ``m`` keeps every ``exp`` at or below 0. In the
binary cross-entropy, ``relu(z)`` is written ``(z + |z|) / 2``, whose derivative at
``z = 0`` is 1/2, as the eager loss's. The values equal the eager losses' to rounding.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any

import numpy as np
from numpy.typing import NDArray

from autograd import CompiledGraph, Value, compile, dot, vsum
from nn.layers import MLP, Layer, Neuron
from nn.losses import (
    LossFn,
    binary_cross_entropy,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    mse_loss,
)
from nn.module import Module
from nn.optim import SGD, Adam, Optimizer

__all__ = [
    "CompiledStep",
    "bce_with_target_leaf",
    "cross_entropy_with_target_leaves",
    "hinge_with_target_leaf",
    "mse_with_target_leaves",
]


# --- the losses with their targets as leaves --------------------------------------------------


def hinge_with_target_leaf(score: Value, t: Value) -> Value:
    """``hinge_loss`` with the label as a leaf ``t`` holding -1 or +1: ``relu(1 - t * score)``.

    >>> from autograd import Value
    >>> hinge_with_target_leaf(Value(0.25), Value(1.0)).data
    0.75
    """
    return (1.0 - score * t).relu()


def bce_with_target_leaf(z: Value, y: Value) -> Value:
    """``binary_cross_entropy`` from the logit ``z`` with the label as a leaf ``y`` (0 or 1).

    ``(z + |z|) / 2 - z y + log(1 + exp(-|z|))``, without a branch on ``z.data``: ``exp``
    sees ``-|z|`` only, and the derivative at ``z = 0`` is ``1/2 - y``, as eager's.

    >>> from autograd import Value
    >>> z = Value(0.0)
    >>> loss = bce_with_target_leaf(z, Value(1.0))
    >>> loss.backward()
    >>> round(loss.data, 6), z.grad
    (0.693147, -0.5)
    """
    a = abs(z)
    return (0.5 * (z + a) - z * y) + (1.0 + (-a).exp()).log()


def _max(values: Sequence[Value]) -> Value:
    """The largest of the values as a graph node: ``max(a, b) = b + relu(a - b)``, pairwise."""
    level = list(values)
    while len(level) > 1:
        pairs = [
            level[i + 1] + (level[i] - level[i + 1]).relu() for i in range(0, len(level) - 1, 2)
        ]
        level = pairs + level[len(pairs) * 2 :]
    return level[0]


def cross_entropy_with_target_leaves(logits: Sequence[Value], onehot: Sequence[Value]) -> Value:
    """``cross_entropy`` with the label as one-hot leaves: ``log(sum exp(z_i - m)) + m - t . z``.

    ``m`` is the largest logit, computed in the graph (see the module docstring).

    >>> from autograd import Value
    >>> z = [Value(2.0), Value(0.0), Value(0.0)]
    >>> loss = cross_entropy_with_target_leaves(z, [Value(1.0), Value(0.0), Value(0.0)])
    >>> loss.backward()
    >>> round(loss.data, 6), [round(zi.grad, 6) for zi in z]
    (0.239545, [-0.213014, 0.106507, 0.106507])
    """
    m = _max(logits)
    lse = vsum([(z - m).exp() for z in logits]).log() + m
    return lse - dot(onehot, logits)


def mse_with_target_leaves(outputs: Sequence[Value], targets: Sequence[Value]) -> Value:
    """``mse_loss`` with the targets as leaves: ``mean((z_i - t_i) ** 2)``.

    >>> from autograd import Value
    >>> mse_with_target_leaves([Value(2.5)], [Value(3.0)]).data
    0.25
    """
    squares = [(o - t) ** 2 for o, t in zip(outputs, targets)]
    if len(squares) == 1:
        return squares[0]
    return vsum(squares) * (1.0 / len(squares))


# --- targets as the arrays fed into those leaves -----------------------------------------------

Targets = Callable[[NDArray[Any], int], NDArray[np.float64]]


def _labels(y: NDArray[Any], k: int, loss: Callable[..., Value]) -> NDArray[np.int64]:
    """Class labels 0..k-1 as ints; a bad one is handed to the eager loss, which names it."""
    try:
        values = np.asarray(y, dtype=np.float64).reshape(len(y))
    except (TypeError, ValueError):
        values = np.full(len(y), np.nan)
    bad = ~((values == np.floor(values)) & (values >= 0) & (values < k))
    if bad.any():
        label = y.tolist()[int(np.argmax(bad))]
        loss([Value(0.0)] * k if loss is cross_entropy else Value(0.0), label)  # raises
        raise ValueError(f"{getattr(loss, '__name__', loss)}() got the bad label {label!r}")
    return values.astype(np.int64)


def _signs(y: NDArray[Any], k: int) -> NDArray[np.float64]:
    return 2.0 * _labels(y, 2, hinge_loss).astype(np.float64) - 1.0


def _zero_one(y: NDArray[Any], k: int) -> NDArray[np.float64]:
    return _labels(y, 2, binary_cross_entropy).astype(np.float64)


def _onehot(y: NDArray[Any], k: int) -> NDArray[np.float64]:
    return np.eye(k)[_labels(y, k, cross_entropy)]


def _numbers(y: NDArray[Any], k: int) -> NDArray[np.float64]:
    T = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    if T.shape[1] != k:
        raise ValueError(
            f"mse_loss() got {k} outputs but {T.shape[1]} targets; give one target per output"
        )
    return T


# loss -> (its leaf-target form, whether it takes a row of target leaves per sample (one per
# output) rather than one leaf, and what turns a batch of targets into the array fed there)
_FORMS: dict[Any, tuple[Callable[..., Value], bool, Targets]] = {
    hinge_loss: (hinge_with_target_leaf, False, _signs),
    binary_cross_entropy: (bce_with_target_leaf, False, _zero_one),
    cross_entropy: (cross_entropy_with_target_leaves, True, _onehot),
    mse_loss: (mse_with_target_leaves, True, _numbers),
}


def _scalar(output: Any) -> Value:
    outs = [output] if isinstance(output, Value) else list(output)
    if len(outs) != 1:
        raise ValueError(
            f"a binary loss needs one score per sample, got {len(outs)} outputs; "
            "use a model with nout=1 (or cross_entropy for several classes)"
        )
    return outs[0]


# --- the step ---------------------------------------------------------------------------------


def _plain(loss: LossFn) -> Any:
    """The loss function under argument-free ``functools.partial`` wrappers."""
    plain: Any = loss
    while isinstance(plain, functools.partial) and not plain.args and not plain.keywords:
        plain = plain.func
    return plain


class CompiledStep:
    """One training step run by a compiled graph: what ``fit(..., compile=True)`` calls.

    Args:
        model: the model to train; its parameters are the graph's leaves, updated in place.
        loss: one of ``hinge_loss``, ``binary_cross_entropy``, ``cross_entropy`` and
            ``mse_loss`` (the losses with a leaf-target form, see the module docstring).
        l2: if > 0, ``l2_penalty(model.parameters(), l2)`` is added to the loss, as in ``fit``.

    The model's forward must take the same path for every input (no Python ``if`` on
    ``.data``): the graph replays the path of the batch it was built from. The graphs keep
    flat arrays and the leaves (parameters, inputs, targets), not the eager graph.

    >>> import numpy as np
    >>> from nn import MLP, SGD, mse_loss
    >>> model = MLP(1, [1], seed=0)
    >>> step = CompiledStep(model, mse_loss)
    >>> X, y = np.array([[-1.0], [1.0]]), np.array([-3.0, 3.0])
    >>> opt = SGD(model.parameters(), lr=0.1)
    >>> first = step.step(X, y, opt)
    >>> later = [step.step(X, y, opt) for _ in range(200)][-1]
    >>> later < 1e-6 < first, round(model.layers[0].neurons[0].w[0].data, 3)
    (True, 3.0)
    """

    @staticmethod
    def supports(model: Module, loss: LossFn) -> bool:
        """Whether a compiled step is exact for this model and loss, so ``fit`` may choose it.

        True for nn's own ``MLP``, ``Layer`` and ``Neuron`` (their forward takes one path for
        every input) with one of the four losses. A subclass or a custom module may branch
        on ``.data``, which a replay cannot follow, so it is trained eagerly unless asked.

        >>> from nn import MLP, hinge_loss
        >>> CompiledStep.supports(MLP(2, [4, 1]), hinge_loss)
        True
        >>> CompiledStep.supports(MLP(2, [4, 1]), lambda out, y: (out - y) ** 2)
        False
        """
        own = (MLP, Layer, Neuron)
        plain_parts = all(type(m) in own for _, m in model.named_modules())
        return _plain(loss) in _FORMS and plain_parts

    def __init__(self, model: Module, loss: LossFn, l2: float = 0.0) -> None:
        plain = _plain(loss)
        if plain not in _FORMS:
            name = getattr(plain, "__name__", repr(plain))
            raise ValueError(
                f"compiled training has no leaf-target form of the loss {name!r}; it knows "
                "hinge_loss, binary_cross_entropy, cross_entropy and mse_loss. "
                "Train with compile=False"
            )
        self.model, self.l2 = model, l2
        self._form, self._per_output, self._targets = _FORMS[plain]
        # batch size -> (graph, input leaves, target leaves, outputs per sample)
        self._graphs: dict[int, tuple[CompiledGraph, list[list[Value]], list[Any], int]] = {}
        self._plans: dict[int, _ArrayPlan] = {}  # batch size -> where _array_step reads

    def step(self, X: NDArray[Any], y: NDArray[Any], optimizer: Optimizer) -> float:
        """Feed one minibatch, then forward, ``zero_grad``, backward and ``optimizer.step()``.

        Returns the batch's mean loss without the l2 penalty, as ``fit``'s eager step does.
        """
        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        if n not in self._graphs:
            self._graphs[n] = self._build(n, X.shape[1])
        graph, xs, ts, k = self._graphs[n]
        T = self._targets(np.asarray(y), k)
        if isinstance(optimizer, Optimizer) and _vectorised(optimizer):
            self._array_step(n, X, T, optimizer)
            return graph.watched()[0]
        graph.feed(xs, X)
        graph.feed(ts, T)
        graph.forward()
        optimizer.zero_grad()
        graph.backward()
        optimizer.step()
        return graph.watched()[0]

    def _array_step(self, n: int, X: NDArray[Any], T: NDArray[Any], optimizer: Optimizer) -> None:
        """The same step as above, with the parameters as arrays: no loop over them in Python.

        Inputs and targets go straight into the graph's array of leaf values (their leaves
        are this object's own), the parameters' values are read once, ``run`` gives every
        leaf's gradient, and ``optimizer.step_arrays`` the new values, written back once.
        Every number is the one the step above computes: ``.grad`` is 0.0 + the gradient
        (zero_grad, then backward), and the optimizer's rule is the same arithmetic.
        """
        graph, xs, ts, _ = self._graphs[n]
        plan = self._plans.get(n)
        if plan is None or plan.optimizer is not optimizer:
            plan = self._plans[n] = _ArrayPlan(graph, xs, ts, optimizer)
        data = plan.data
        data[plan.x_at] = X.ravel()
        data[plan.t_at] = T.ravel()
        params = optimizer.params
        values = np.fromiter(map(_DATA, params), np.float64, len(params))
        data[plan.p_at] = values[plan.p_in]
        if plan.others:
            data[plan.o_at] = np.fromiter(map(_DATA, plan.others), np.float64, len(plan.others))
        G = graph.run(data[:-1])
        grads = np.zeros(len(params))
        grads[plan.p_in] += G[plan.p_at]
        new = optimizer.step_arrays(values, grads)
        _set(params, "grad", grads)
        if plan.others:  # leaves that no optimizer zeroes: backward adds to their .grad
            old = np.fromiter(map(_GRAD, plan.others), np.float64, len(plan.others))
            _set(plan.others, "grad", old + G[plan.o_at])
        if new is None:  # states of different shapes: a parameter at a time
            optimizer.step()
        else:
            _set(params, "data", new)

    def _build(self, n: int, n_in: int) -> tuple[CompiledGraph, list[list[Value]], list[Any], int]:
        """The graph of a batch of n samples, with leaves for inputs and targets, compiled."""
        xs = [[Value(0.0) for _ in range(n_in)] for _ in range(n)]
        outputs = [self.model(row) for row in xs]
        k = 1 if isinstance(outputs[0], Value) else len(outputs[0])
        losses: list[Value] = []
        ts: list[Any] = []
        for out in outputs:
            if self._per_output:
                row = [Value(0.0) for _ in range(k)]
                losses.append(self._form([out] if isinstance(out, Value) else out, row))
                ts.append(row)
            else:
                t = Value(0.0)
                losses.append(self._form(_scalar(out), t))
                ts.append(t)
        data_loss = vsum(losses) * (1.0 / n)  # as batch_loss
        objective = data_loss
        if self.l2 > 0.0:
            objective = data_loss + l2_penalty(self.model.parameters(), self.l2)
        graph = compile(objective, watch=[data_loss])
        return graph, xs, ts, k


_DATA, _GRAD = attrgetter("data"), attrgetter("grad")


def _set(values: list[Value], name: str, numbers: NDArray[np.float64]) -> None:
    """Set ``.data`` or ``.grad`` of many Values from an array, without a Python loop body."""
    deque(map(setattr, values, repeat(name), numbers.tolist()), maxlen=0)


def _vectorised(optimizer: Optimizer) -> bool:
    """Whether ``step_arrays`` is the optimizer's step: it steps by nn's own rules (written
    for floats and arrays alike; a rule of one's own may use ``math`` on floats only)."""
    cls = type(optimizer)
    return cls.step is Optimizer.step and cls._rule in (SGD._rule, Adam._rule)


class _ArrayPlan:
    """Where one batch graph's leaves are: inputs, targets, an optimizer's parameters, others."""

    def __init__(
        self, graph: CompiledGraph, xs: list[list[Value]], ts: list[Any], optimizer: Optimizer
    ) -> None:
        leaves = graph.leaves
        at = {id(v): i for i, v in enumerate(leaves)}
        flat_ts = [t for row in ts for t in (row if isinstance(row, list) else [row])]
        # An input or target the graph does not read (a model that ignores an input) is
        # written to a spare slot at the end.
        self.data = np.zeros(len(leaves) + 1)
        self.x_at = np.array([at.get(id(v), -1) for row in xs for v in row], dtype=np.intp)
        self.t_at = np.array([at.get(id(v), -1) for v in flat_ts], dtype=np.intp)
        p_all = np.array([at.get(id(p), -1) for p in optimizer.params], dtype=np.intp)
        self.p_in = np.flatnonzero(p_all >= 0)
        self.p_at = p_all[self.p_in]
        known = set(self.x_at.tolist()) | set(self.t_at.tolist()) | set(self.p_at.tolist())
        self.o_at = np.array([i for i in range(len(leaves)) if i not in known], dtype=np.intp)
        self.others = [leaves[i] for i in self.o_at]
        self.optimizer = optimizer
