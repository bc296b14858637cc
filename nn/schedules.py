"""Learning-rate schedules: ``StepLR``, ``LinearLR`` and ``CosineAnnealingLR``, as in PyTorch.

An optimizer's ``lr`` is a plain attribute. A schedule sets it from the epoch count: make
the schedule once, call ``optimizer.step()`` during each epoch and ``scheduler.step()``
after it.
"""

from __future__ import annotations

import math

from nn.optim import Optimizer
from nn.optimizer import _check

__all__ = ["CosineAnnealingLR", "LRScheduler", "LinearLR", "StepLR"]


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

    >>> from autograd import Value
    >>> from nn import SGD
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

    >>> from autograd import Value
    >>> from nn import SGD
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

    >>> from autograd import Value
    >>> from nn import SGD
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
