"""Optimizers (SGD, Adam, AdamW), with PyTorch's update formulas.

An optimizer holds a list of parameters (Values). After ``loss.backward()`` has filled their
``.grad``, ``step()`` moves every ``p.data`` a little against its gradient: the update rule
``p <- p - lr * (something built from the gradient)``. ``zero_grad()`` resets the gradients
for the next step, because ``backward()`` adds to them.

The loop over the parameters lives in ``Optimizer.step``; each optimizer writes only
``_update(p, state)``, the update of one parameter, with ``state`` that parameter's own
dict of running numbers (``optimizer.state[p]``, a momentum buffer or Adam's moments).
``state_dict()`` gives all of it as JSON-able numbers, keyed by the parameter's index as in
PyTorch, and ``load_state_dict()`` puts it back (checked first, all or nothing).

``lr`` is a plain attribute: change it between steps, by hand or with a schedule from
``nn.schedules`` (``StepLR``, ``LinearLR``, ``CosineAnnealingLR``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any, ClassVar

from autograd import Value
from nn.state import SerializationError, _as_finite, _excerpt

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "Optimizer",
]


def _check(name: str, value: float, ok: bool, rule: str) -> float:
    if not ok or not math.isfinite(value):
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return float(value)


def _real(name: str, value: object) -> float:
    """``value`` if it is a real number (numpy's too), else a TypeError naming ``name``.

    Checked before any comparison, so that ``lr="0.1"`` is not "'>=' not supported".
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    return float(value)


# One parameter's running numbers, e.g. {"momentum_buffer": 0.3}.
ParamState = dict[str, float]


class Optimizer:
    """The base class: owns the parameters, their state, ``lr``, ``step()`` and ``zero_grad()``.

    A parameter that appears twice is kept once, so it is never updated twice per step.
    A subclass defines ``_update(p, state)`` (one parameter's step), ``_hyper()`` (its
    settings, as its constructor takes them) and ``_STATE_KEYS`` (what ``state`` holds once
    the parameter has been stepped).
    """

    _STATE_KEYS: ClassVar[tuple[str, ...]] = ()

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
        lr = _real("lr", lr)
        self.lr = _check("lr", lr, lr >= 0.0, ">= 0")
        # Per-parameter state, keyed by the parameter itself; empty until its first step.
        self.state: dict[Value, ParamState] = {p: {} for p in self.params}

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0 (``backward()`` adds, so reset each step)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``.grad`` (each optimizer defines the rule)."""
        update, state = self._update, self.state
        for p in self.params:
            update(p, state[p])

    def _update(self, p: Value, state: ParamState) -> None:
        """Move one parameter ``p`` from its ``.grad``, reading and updating its ``state``."""
        raise NotImplementedError(f"{type(self).__name__} does not define _update()")

    def _hyper(self) -> dict[str, Any]:
        """The settings, as the constructor takes them (``lr`` first)."""
        return {"lr": self.lr}

    # --- state ----------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The settings and every parameter's state, as JSON-able numbers (PyTorch's layout).

        ``state`` maps the index of a parameter (in ``params``) to its running numbers;
        ``param_groups`` holds the one group of settings with the indices it covers.

        >>> w = Value(1.0)
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> w.grad = 2.0; opt.step()
        >>> opt.state_dict()["state"]
        {0: {'momentum_buffer': 2.0}}
        """
        index = {id(p): i for i, p in enumerate(self.params)}
        return {
            "state": {index[id(p)]: dict(s) for p, s in self.state.items() if s},
            "param_groups": [{**self._hyper(), "params": list(range(len(self.params)))}],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Put back what ``state_dict()`` gave (also after a JSON round trip); all or nothing.

        The optimizer must be of the same class, over as many parameters, and every number
        must be finite: everything is checked first, and on error (a ``SerializationError``
        naming the problem) the optimizer is unchanged.

        >>> a, b = Value(1.0), Value(1.0)
        >>> one, two = Adam([a], lr=0.1), Adam([b], lr=0.1)
        >>> a.grad = 2.0; one.step()
        >>> two.load_state_dict(one.state_dict()); two.state[b] == one.state[a]
        True
        """
        self._apply_state(self._checked_state(state_dict, "load_state_dict()"))

    def _checked_state(
        self, state_dict: object, where: str
    ) -> tuple[dict[str, Any], dict[Value, ParamState]]:
        """``state_dict`` checked against this optimizer: (settings, state per parameter)."""
        where = f"{where}: {type(self).__name__} over {len(self.params)} parameters"
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise SerializationError(
                f"{where}: needs a dict with the keys 'state' and 'param_groups', "
                f"got {_excerpt(state_dict)}"
            )
        groups = state_dict["param_groups"]
        if not isinstance(groups, list) or len(groups) != 1 or not isinstance(groups[0], dict):
            raise SerializationError(f"{where}: 'param_groups' must be a list of one dict")
        group = dict(groups[0])
        indices = group.pop("params", None)
        if indices != list(range(len(self.params))):
            raise SerializationError(
                f"{where}: the state covers parameters {_excerpt(indices)}, this optimizer "
                f"holds {len(self.params)}; load it into an optimizer of the same model"
            )
        if set(group) != set(self._hyper()):
            raise SerializationError(
                f"{where}: settings {_excerpt(sorted(map(str, group)))} do not match "
                f"{sorted(self._hyper())}; "
                f"is it the state of another optimizer?"
            )
        try:  # the constructor's own checks say what a setting may be
            type(self)([Value(0.0)], **group)
        except (TypeError, ValueError) as e:
            raise SerializationError(f"{where}: bad settings: {e}") from e
        raw = state_dict["state"]
        if not isinstance(raw, dict):
            raise SerializationError(f"{where}: 'state' must be a dict, got {_excerpt(raw)}")
        states: dict[Value, ParamState] = {p: {} for p in self.params}
        for key, entry in raw.items():
            i = _index(key)
            if not 0 <= i < len(self.params):
                raise SerializationError(f"{where}: no parameter with index {_excerpt(key)}")
            states[self.params[i]] = self._checked_entry(entry, f"{where}: state[{i}]")
        return group, states

    def _checked_entry(self, entry: object, where: str) -> ParamState:
        if not isinstance(entry, dict) or set(entry) != set(self._STATE_KEYS):
            raise SerializationError(
                f"{where} must hold the keys {list(self._STATE_KEYS)}, got {_excerpt(entry)}"
            )
        out: ParamState = {}
        for k, v in entry.items():
            f = _as_finite(v)
            if f is None or (k == "step" and (not f.is_integer() or f < 1)):
                raise SerializationError(
                    f"{where}[{k!r}] must be a finite number, got {_excerpt(v)}"
                )
            out[k] = int(f) if k == "step" else f
        return out

    def _apply_state(self, checked: tuple[dict[str, Any], dict[Value, ParamState]]) -> None:
        group, states = checked
        for name, value in group.items():
            setattr(self, name, tuple(value) if isinstance(value, list) else value)
        self.state = states

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr!r})"


def _index(key: object) -> int:
    """A parameter's index from a state key: an int, or its decimal digits (a JSON key); else -1.

    Only ASCII digits count, and at most 9 of them: ``"²"`` and ``"١"`` are digits to
    ``str.isdigit``, and a 5000-digit string is more than ``int()`` will read.
    """
    if isinstance(key, bool):
        return -1
    if isinstance(key, int):
        return key
    if isinstance(key, str) and 0 < len(key) <= 9 and key.isascii() and key.isdigit():
        return int(key)
    return -1


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

    def _update(self, p: Value, state: ParamState) -> None:
        """One parameter's step (see the class docstring for the rule)."""
        g = p.grad + self.weight_decay * p.data
        mu = self.momentum
        if mu == 0.0:
            p.data -= self.lr * g
            return
        b = state["momentum_buffer"] = mu * state["momentum_buffer"] + g if state else g
        p.data -= self.lr * (g + mu * b if self.nesterov else b)


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

    def _update(self, p: Value, state: ParamState) -> None:
        """One parameter's step (see the class docstring for the rule)."""
        lr, wd = self.lr, self.weight_decay
        b1, b2 = self.betas
        g = p.grad
        if wd != 0.0:
            if self._decoupled:
                p.data *= 1.0 - lr * wd
            else:
                g = g + wd * p.data
        if not state:
            state.update(step=0, exp_avg=0.0, exp_avg_sq=0.0)
        t = state["step"] = state["step"] + 1
        m = state["exp_avg"] = state["exp_avg"] + (g - state["exp_avg"]) * (1.0 - b1)
        v = state["exp_avg_sq"] = state["exp_avg_sq"] * b2 + (1.0 - b2) * g * g
        # The same grouping of operations as PyTorch, so float64 results agree to rounding.
        step_size = lr / (1.0 - b1**t)
        correction2_sqrt = math.sqrt(1.0 - b2**t)
        p.data -= step_size * (m / (math.sqrt(v) / correction2_sqrt + self.eps))


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
