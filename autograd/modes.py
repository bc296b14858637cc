"""The engine's switches: ``no_grad`` and ``detect_anomaly`` (per thread), and pausing the GC.

``no_grad`` and ``detect_anomaly`` are per-thread: turning one on in one thread changes
nothing in another. Both are context managers and decorators, and restore what they found.

``pause_gc`` switches the cyclic garbage collector off for a while. The graph holds no reference
cycles (reference counting frees it), so the collector has nothing to find in it, but the many
small objects a walk or a training loop allocates would trigger it again and again. The
collector is one switch for the whole process, so pausers are counted: the first to enter
turns it off and the last to leave restores the state the first one found, however the
threads interleave.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from functools import wraps
from types import TracebackType
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


# Per-thread switches. ``plain`` is True when nothing special is on, so the hot path checks
# one attribute instead of two.


class _Mode(threading.local):
    grad_enabled: bool = True
    anomaly: bool = False
    plain: bool = True


_mode = _Mode()


def _set_mode(*, grad_enabled: bool | None = None, anomaly: bool | None = None) -> None:
    if grad_enabled is not None:
        _mode.grad_enabled = grad_enabled
    if anomaly is not None:
        _mode.anomaly = anomaly
    _mode.plain = _mode.grad_enabled and not _mode.anomaly


def is_grad_enabled() -> bool:
    """Whether ops record the graph in this thread (False inside ``no_grad``).

    >>> is_grad_enabled()
    True
    """
    return _mode.grad_enabled


def is_anomaly_enabled() -> bool:
    """Whether ``detect_anomaly`` is on in this thread.

    >>> is_anomaly_enabled()
    False
    """
    return _mode.anomaly


class _Switch:
    """A context manager (and decorator) that sets one per-thread switch and restores it."""

    _name = ""  # which switch
    _sets = False  # the value it has inside the block

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(getattr(_mode, self._name))
        _set_mode(**{self._name: self._sets})

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _set_mode(**{self._name: self._saved.pop()})

    def __call__(self, func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_Switch):
    """Record no graph inside: op results are plain leaves. Per thread; also a decorator.

    Use it for work that needs values but no gradients, such as evaluating a model or
    updating its parameters.

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.op, y.parents
    ('', ())
    """

    _name = "grad_enabled"
    _sets = False


class detect_anomaly(_Switch):
    """Raise ``FloatingPointError`` at the first op whose value or gradient is NaN or infinite.

    The message names the op, its input values and the line of your code that made the node.
    Per thread; slower than normal mode, so use it to find where a loss turns into nan.

    >>> from autograd import Value
    >>> x = Value(float("inf"))
    >>> with detect_anomaly():
    ...     y = x - x
    Traceback (most recent call last):
    ...
    FloatingPointError: - produced nan from inputs (inf, inf) ...
    """

    _name = "anomaly"
    _sets = True


class pause_gc:
    """Pause the cyclic garbage collector inside the block; safe under threads and nesting.

    The first pauser to enter turns the collector off; the last to leave turns it back on if
    it was on when the first one entered. ``backward()`` and ``nn.fit`` use it.

    >>> import gc
    >>> with pause_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """

    __slots__ = ()
    _lock = threading.Lock()
    _count = 0  # pausers inside, over all threads
    _was_enabled = False  # the collector's state when the first of them entered

    def __enter__(self) -> None:
        cls = pause_gc
        with cls._lock:
            if cls._count == 0:
                cls._was_enabled = gc.isenabled()
                gc.disable()
            cls._count += 1

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        cls = pause_gc
        with cls._lock:
            cls._count -= 1
            if cls._count == 0 and cls._was_enabled:
                gc.enable()
