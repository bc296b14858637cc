"""The base class of the optimizers: the loop over the parameters, their state, its saving.

``Optimizer`` owns the parameters, ``lr``, each parameter's running numbers (``state``),
``step()``, ``zero_grad()``, ``state_dict()`` and ``load_state_dict()``. An optimizer
(``nn/optim.py``) writes only its rule: ``_rule(data, grad, state)``, one parameter's new
data, in plain arithmetic, so that it runs on floats (``step()``, a parameter at a time)
and on numpy arrays (``step_arrays()``, every parameter at once, for a compiled step).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from autograd import Value
from nn.state import SerializationError, _as_finite, _excerpt

__all__ = ["Optimizer"]


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
Num = Any  # a float, or an array of floats (one per parameter): the rules run on both


def _sqrt(x: Num) -> Num:
    return math.sqrt(x) if type(x) is float else np.sqrt(x)


class Optimizer:
    """The base class: owns the parameters, their state, ``lr``, ``step()`` and ``zero_grad()``.

    A parameter that appears twice is kept once, so it is never updated twice per step.
    A subclass defines ``_rule(data, grad, state)`` (one parameter's step, on floats or
    arrays), ``_hyper()`` (its settings, as its constructor takes them) and ``_STATE_KEYS``
    (what ``state`` holds once the parameter has been stepped).
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
        self._state: dict[Value, ParamState] = {p: {} for p in self.params}
        # Or, after step_arrays, the same numbers as arrays in the order of params (the
        # dicts above are then stale until ``state`` is read).
        self._packed: dict[str, Any] | None = None

    @property
    def state(self) -> dict[Value, ParamState]:
        """Each parameter's running numbers, keyed by the parameter (empty before its step)."""
        if self._packed is not None:
            self._unpack()
        return self._state

    @state.setter
    def state(self, value: dict[Value, ParamState]) -> None:
        self._packed, self._state = None, value

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0 (``backward()`` adds, so reset each step)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``.grad`` (each optimizer defines the rule)."""
        rule, state = self._rule, self.state
        for p in self.params:
            p.data = rule(p.data, p.grad, state[p])

    def step_arrays(
        self, data: NDArray[np.float64], grad: NDArray[np.float64]
    ) -> NDArray[np.float64] | None:
        """``step()`` on arrays: the parameters' new data from their data and gradients.

        ``data`` and ``grad`` hold one number per parameter, in the order of ``params``. The
        parameters themselves are not touched: the caller writes the result back. Returns
        None, having changed nothing, when the parameters' states differ in shape (some
        stepped, some not, after loading a partial state): then use ``step()``.

        >>> from nn import SGD
        >>> a, b = Value(1.0), Value(2.0)
        >>> opt = SGD([a, b], lr=0.1)
        >>> opt.step_arrays(np.array([1.0, 2.0]), np.array([2.0, -1.0])).tolist()
        [0.8, 2.1]
        """
        if self._packed is None:
            packed = self._pack()
            if packed is None:
                return None
            self._packed = packed
        new: NDArray[np.float64] = self._rule(data, grad, self._packed)
        return new

    def _pack(self) -> dict[str, Any] | None:
        """Every parameter's state as one array per key (a step count as one int), or None."""
        states = [self._state[p] for p in self.params]
        keys = set(states[0])
        if any(set(s) != keys for s in states):
            return None
        packed: dict[str, Any] = {}
        for k in keys:
            column = [s[k] for s in states]
            if k == "step":
                if len(set(column)) != 1:
                    return None
                packed[k] = column[0]
            else:
                packed[k] = np.array(column, dtype=np.float64)
        return packed

    def _unpack(self) -> None:
        """Back from arrays to one dict of floats per parameter."""
        packed, self._packed = self._packed, None
        assert packed is not None
        n = len(self.params)
        columns = {
            k: [v] * n if k == "step" else np.broadcast_to(v, n).tolist()
            for k, v in packed.items()
        }
        for i, p in enumerate(self.params):
            self._state[p] = {k: columns[k][i] for k in self._STATE_KEYS if k in columns}

    def _rule(self, data: Num, grad: Num, state: Any) -> Num:
        """One parameter's new data from its data and gradient, updating its ``state``."""
        raise NotImplementedError(f"{type(self).__name__} does not define _rule()")

    def _hyper(self) -> dict[str, Any]:
        """The settings, as the constructor takes them (``lr`` first)."""
        return {"lr": self.lr}

    # --- state ----------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The settings and every parameter's state, as JSON-able numbers (PyTorch's layout).

        ``state`` maps the index of a parameter (in ``params``) to its running numbers;
        ``param_groups`` holds the one group of settings with the indices it covers.

        >>> from nn import SGD
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

        >>> from nn import Adam
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
