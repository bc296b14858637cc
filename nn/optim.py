"""Optimizers (SGD, Adam, AdamW), with PyTorch's update formulas.

An optimizer holds a list of parameters (Values). After ``loss.backward()`` has filled their
``.grad``, ``step()`` moves every ``p.data`` a little against its gradient: the update rule
``p <- p - lr * (something built from the gradient)``. ``zero_grad()`` resets the gradients
for the next step, because ``backward()`` adds to them.

The loop over the parameters lives in ``Optimizer.step``; each optimizer writes only
``_rule(data, grad, state)``, the update of one parameter, with ``state`` that parameter's
own dict of running numbers (``optimizer.state[p]``, a momentum buffer or Adam's moments).
The rule is plain arithmetic, so it also runs on numpy arrays, every parameter at once:
``step_arrays`` is that vectorised step, for a compiled training step that already holds the
parameters and gradients as arrays (``nn.CompiledStep``). It gives the same numbers, bit for
bit, and keeps the state as arrays until something reads ``state`` (then each parameter gets
its dict back); ``nn/optimizer.py`` holds that base class. ``state_dict()`` gives all of
it as JSON-able numbers, keyed by the parameter's index as in PyTorch, and
``load_state_dict()`` puts it back (checked first, all or nothing).

``lr`` is a plain attribute: change it between steps, by hand or with a schedule from
``nn.schedules`` (``StepLR``, ``LinearLR``, ``CosineAnnealingLR``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from autograd import Value
from nn.optimizer import Num, Optimizer, _check, _real, _sqrt

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "Optimizer",
]


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
        momentum, weight_decay = _real("momentum", momentum), _real("weight_decay", weight_decay)
        self.momentum = _check("momentum", momentum, 0.0 <= momentum < 1.0, "in [0, 1)")
        self.weight_decay = _check("weight_decay", weight_decay, weight_decay >= 0.0, ">= 0")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0.0")
        self.nesterov = bool(nesterov)

    _STATE_KEYS = ("momentum_buffer",)  # only with momentum; plain SGD keeps no state

    def _hyper(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
        }

    def _rule(self, data: Num, grad: Num, state: Any) -> Num:
        """One parameter's step (see the class docstring for the rule)."""
        g = grad + self.weight_decay * data
        mu = self.momentum
        if mu == 0.0:
            return data - self.lr * g
        b = state["momentum_buffer"] = mu * state["momentum_buffer"] + g if state else g
        return data - self.lr * (g + mu * b if self.nesterov else b)


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam``; ``weight_decay`` adds the L2 term to the gradient.

    Per parameter, at its step ``t = 1, 2, ...`` with ``g = p.grad + weight_decay * p``:

    * ``m <- beta1 * m + (1 - beta1) * g`` and ``v <- beta2 * v + (1 - beta2) * g * g``;
    * ``p <- p - lr * m_hat / (sqrt(v_hat) + eps)`` with the bias-corrected
      ``m_hat = m / (1 - beta1 ** t)`` and ``v_hat = v / (1 - beta2 ** t)``.

    The first step moves every parameter by about ``lr``, whatever the size of its gradient.
    For decay that bypasses the moments (decoupled), use ``AdamW``.

    Args:
        betas: the decay rates (beta1, beta2) of the two moving averages, each in [0, 1).
        eps: added to the denominator so that a zero gradient does not divide by zero;
            must be > 0.
        weight_decay: L2 strength, added to the gradient as in ``torch.optim.Adam``.

    >>> w = Value(1.0)
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad = 2.0
    >>> opt.step(); round(w.data, 9), opt.t
    (0.9, 1)
    """

    _STATE_KEYS = ("step", "exp_avg", "exp_avg_sq")
    _decoupled = False  # AdamW's one difference

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        b1, b2 = _real("betas[0]", betas[0]), _real("betas[1]", betas[1])
        eps, weight_decay = _real("eps", eps), _real("weight_decay", weight_decay)
        self.betas = (
            _check("betas[0]", b1, 0.0 <= b1 < 1.0, "in [0, 1)"),
            _check("betas[1]", b2, 0.0 <= b2 < 1.0, "in [0, 1)"),
        )
        self.eps = _check("eps", eps, eps >= 0.0, ">= 0")
        if eps == 0.0:  # a zero gradient's step is 0 / (0 + eps)
            raise ValueError(
                "eps must be > 0, got 0.0: it keeps a zero gradient from dividing by zero"
            )
        self.weight_decay = _check("weight_decay", weight_decay, weight_decay >= 0.0, ">= 0")

    @property
    def t(self) -> int:
        """Steps taken (by the first parameter; all of them step together)."""
        return int(self.state[self.params[0]].get("step", 0))

    def _hyper(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "betas": list(self.betas),
            "eps": self.eps,
            "weight_decay": self.weight_decay,
        }

    def _rule(self, data: Num, grad: Num, state: Any) -> Num:
        """One parameter's step (see the class docstring for the rule)."""
        lr, wd = self.lr, self.weight_decay
        b1, b2 = self.betas
        g = grad
        if wd != 0.0:
            if self._decoupled:
                data = data * (1.0 - lr * wd)
            else:
                g = g + wd * data
        if not state:
            state.update(step=0, exp_avg=0.0, exp_avg_sq=0.0)
        t = state["step"] = state["step"] + 1
        m = state["exp_avg"] = state["exp_avg"] + (g - state["exp_avg"]) * (1.0 - b1)
        v = state["exp_avg_sq"] = state["exp_avg_sq"] * b2 + (1.0 - b2) * g * g
        # The same grouping of operations as PyTorch, so float64 results agree to rounding.
        step_size = lr / (1.0 - b1**t)
        correction2_sqrt = math.sqrt(1.0 - b2**t)
        return data - step_size * (m / (_sqrt(v) / correction2_sqrt + self.eps))


class AdamW(Adam):
    """Adam with decoupled weight decay, as ``torch.optim.AdamW`` (same defaults).

    Each step first shrinks the parameter, ``p <- p - lr * weight_decay * p``, outside the
    moments; then it takes Adam's step with ``g = p.grad``. With ``weight_decay=0`` it is Adam.

    >>> w = Value(1.0)
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.1)
    >>> w.grad = 0.0
    >>> opt.step(); w.data  # only the decay moved it: 1 * (1 - 0.1 * 0.1)
    0.99
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)
