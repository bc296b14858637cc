"""Optimizers (SGD, Adam) and learning-rate schedules, with PyTorch's update formulas.

An optimizer holds a list of parameters (Values). After ``loss.backward()`` has filled their
``.grad``, ``step()`` moves every ``p.data`` a little against its gradient: the update rule
``p <- p - lr * (something built from the gradient)``. ``zero_grad()`` resets the gradients
for the next step, because ``backward()`` adds to them.

``lr`` is a plain attribute: change it between steps, by hand or with a schedule
(``StepLR``, ``LinearLR``, ``CosineAnnealingLR``), whose ``step()`` you call once per epoch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value

__all__ = [
    "SGD",
    "Adam",
    "CosineAnnealingLR",
    "LRScheduler",
    "LinearLR",
    "Optimizer",
    "StepLR",
]


def _check(name: str, value: float, ok: bool, rule: str) -> float:
    if not ok or not math.isfinite(value):
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return float(value)


class Optimizer:
    """The base class: owns the parameter list, the learning rate ``lr`` and ``zero_grad()``.

    A parameter that appears twice is kept once, so it is never updated twice per step.
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        unique: dict[int, Value] = {}
        for p in params:
            if not isinstance(p, Value):
                raise TypeError(
                    f"{type(self).__name__}() optimizes Values, got {type(p).__name__} {p!r}; "
                    "pass model.parameters()"
                )
            unique.setdefault(id(p), p)
        if not unique:
            raise ValueError(
                f"{type(self).__name__}() got an empty parameter list: []; "
                "pass model.parameters() of a model that has parameters"
            )
        self.params: list[Value] = list(unique.values())
        self.lr = _check("lr", lr, lr >= 0.0, ">= 0")

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0 (``backward()`` adds, so reset each step)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``.grad``; each optimizer defines how."""
        raise NotImplementedError(f"{type(self).__name__} does not define step()")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr!r})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, as ``torch.optim.SGD``.

    Per parameter, with ``g = p.grad + weight_decay * p``:

    * plain: ``p <- p - lr * g`` (the tutorial's update rule);
    * momentum ``mu``: ``b <- mu * b + g`` (``b = g`` on the first step), then
      ``p <- p - lr * b``; with ``nesterov=True``, ``p <- p - lr * (g + mu * b)``.

    Args:
        momentum: how much of the previous step's direction to keep, in [0, 1).
        weight_decay: L2 regularisation strength, added to the gradient as PyTorch does.

    >>> w = Value(1.0)
    >>> opt = SGD([w], lr=0.1)
    >>> w.grad = 2.0
    >>> opt.step(); w.data
    0.8
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _check("momentum", momentum, 0.0 <= momentum < 1.0, "in [0, 1)")
        self.weight_decay = _check("weight_decay", weight_decay, weight_decay >= 0.0, ">= 0")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0.0")
        self.nesterov = nesterov
        self._buffers: list[float] | None = None  # momentum buffers, made on the first step

    def step(self) -> None:
        """Move each parameter against its gradient (see the class docstring for the rule)."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if mu == 0.0:
            for p in self.params:
                p.data -= lr * (p.grad + wd * p.data)
            return
        first = self._buffers is None
        buffers = [0.0] * len(self.params) if self._buffers is None else self._buffers
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data
            b = g if first else mu * buffers[i] + g
            buffers[i] = b
            p.data -= lr * (g + mu * b if self.nesterov else b)
        self._buffers = buffers


class Adam(Optimizer):
    """Adam with decoupled weight decay (AdamW), as ``torch.optim.AdamW``.

    Per parameter, at step ``t = 1, 2, ...`` with ``g = p.grad``:

    * ``p <- p - lr * weight_decay * p`` (decoupled: the decay bypasses the moments);
    * ``m <- beta1 * m + (1 - beta1) * g`` and ``v <- beta2 * v + (1 - beta2) * g * g``;
    * ``p <- p - lr * m_hat / (sqrt(v_hat) + eps)`` with the bias-corrected
      ``m_hat = m / (1 - beta1 ** t)`` and ``v_hat = v / (1 - beta2 ** t)``.

    With ``weight_decay=0`` (the default) this is exactly ``torch.optim.Adam``. The first step
    moves every parameter by about ``lr``, whatever the size of its gradient.

    Args:
        betas: the decay rates (beta1, beta2) of the two moving averages, each in [0, 1).
        eps: added to the denominator so that a zero gradient does not divide by zero.

    >>> w = Value(1.0)
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad = 2.0
    >>> opt.step(); round(w.data, 9)
    0.9
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        b1, b2 = betas
        self.betas = (
            _check("betas[0]", b1, 0.0 <= b1 < 1.0, "in [0, 1)"),
            _check("betas[1]", b2, 0.0 <= b2 < 1.0, "in [0, 1)"),
        )
        self.eps = _check("eps", eps, eps >= 0.0, ">= 0")
        self.weight_decay = _check("weight_decay", weight_decay, weight_decay >= 0.0, ">= 0")
        self.t = 0  # steps taken
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)

    def step(self) -> None:
        """One Adam update of every parameter (see the class docstring for the rule)."""
        self.t += 1
        lr, wd, eps = self.lr, self.weight_decay, self.eps
        b1, b2 = self.betas
        # The same grouping of operations as PyTorch, so float64 results agree to rounding.
        step_size = lr / (1.0 - b1**self.t)
        correction2_sqrt = math.sqrt(1.0 - b2**self.t)
        m, v = self._m, self._v
        for i, p in enumerate(self.params):
            g = p.grad
            if wd != 0.0:
                p.data *= 1.0 - lr * wd
            m[i] += (g - m[i]) * (1.0 - b1)
            v[i] = v[i] * b2 + (1.0 - b2) * g * g
            p.data -= step_size * (m[i] / (math.sqrt(v[i]) / correction2_sqrt + eps))


class LRScheduler:
    """The base class of schedules: sets ``optimizer.lr`` from the epoch count.

    ``base_lr`` is the optimizer's ``lr`` when the schedule is made. Making the schedule
    sets the lr for epoch 0; each ``step()`` advances one epoch and sets its lr, as PyTorch's
    schedulers do (call ``optimizer.step()`` during the epoch, ``scheduler.step()`` after it).
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}() needs an optimizer (SGD, Adam), "
                f"got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0
        optimizer.lr = self.lr_at(0)

    def lr_at(self, epoch: int) -> float:
        """The learning rate this schedule gives at ``epoch`` (0 is the start)."""
        raise NotImplementedError(f"{type(self).__name__} does not define lr_at()")

    def step(self) -> None:
        """Advance one epoch and set the optimizer's lr for it."""
        self.last_epoch += 1
        self.optimizer.lr = self.lr_at(self.last_epoch)

    def get_last_lr(self) -> float:
        """The lr the schedule set last (PyTorch returns a list, one per group; we have one)."""
        return self.optimizer.lr


def _check_int(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    ``lr = base_lr * gamma ** (t // step_size)`` at epoch ``t``.

    >>> opt = SGD([Value(0.0)], lr=1.0)
    >>> sched = StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(opt.lr); sched.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = _check_int("step_size", step_size)
        self.gamma = _check("gamma", gamma, gamma >= 0.0, ">= 0")
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        """``base_lr * gamma ** (epoch // step_size)``."""
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class LinearLR(LRScheduler):
    """Scale the lr linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs.

    ``lr = base_lr * (start + (end - start) * min(t, total_iters) / total_iters)``: a warm-up
    with the defaults (a third of the lr at first, all of it after 5 epochs), or a linear decay
    with ``start_factor=1.0, end_factor=0.0``.

    >>> opt = SGD([Value(0.0)], lr=1.0)
    >>> sched = LinearLR(opt, start_factor=0.5, end_factor=1.0, total_iters=2)
    >>> lrs = []
    >>> for _ in range(4):
    ...     lrs.append(opt.lr); sched.step()
    >>> lrs
    [0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3.0,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ) -> None:
        self.start_factor = _check(
            "start_factor", start_factor, 0.0 < start_factor <= 1.0, "in (0, 1]"
        )
        self.end_factor = _check("end_factor", end_factor, 0.0 <= end_factor <= 1.0, "in [0, 1]")
        self.total_iters = _check_int("total_iters", total_iters)
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        """The linear interpolation between the two factors, times ``base_lr``."""
        frac = min(epoch, self.total_iters) / self.total_iters
        return self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * frac)


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from ``base_lr`` down to ``eta_min`` over ``T_max`` epochs.

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``. Past ``T_max`` the
    cosine carries on and the lr rises again, as in PyTorch.

    >>> opt = SGD([Value(0.0)], lr=1.0)
    >>> sched = CosineAnnealingLR(opt, T_max=2)
    >>> lrs = []
    >>> for _ in range(3):
    ...     lrs.append(round(opt.lr, 12)); sched.step()
    >>> lrs
    [1.0, 0.5, 0.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        self.T_max = _check_int("T_max", T_max)
        self.eta_min = _check("eta_min", eta_min, eta_min >= 0.0, ">= 0")
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        """The cosine curve between ``base_lr`` and ``eta_min`` at ``epoch``."""
        cos = math.cos(math.pi * epoch / self.T_max)
        return self.eta_min + (self.base_lr - self.eta_min) * (1.0 + cos) / 2.0
