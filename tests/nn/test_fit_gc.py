"""fit pauses the cyclic GC through autograd's counted ``pause_gc``, never by hand.

Issue 12, item 3: fit switched the collector off and on itself, so a backward() in another
thread that finished during a training step switched it back on under fit, and one that
started during a step could leave it off for good. Both now count as pausers of one switch.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

import numpy as np

from autograd import Value
from autograd.modes import pause_gc
from nn import MLP, SGD, fit, mse_loss


def test_another_pauser_leaving_mid_step_does_not_wake_the_collector() -> None:
    entered, leave, left = threading.Event(), threading.Event(), threading.Event()

    def other_thread() -> None:  # as a backward() in another thread would
        with pause_gc():
            entered.set()
            leave.wait(10)
        left.set()

    seen: list[bool] = []

    def loss(output: Any, target: Any) -> Value:
        if not seen:
            leave.set()  # the other thread leaves its pause while fit is mid-step
            left.wait(10)
        seen.append(gc.isenabled())
        return mse_loss(output, target)

    thread = threading.Thread(target=other_thread)
    thread.start()
    entered.wait(10)
    model = MLP(2, [3, 1], seed=0)
    X, y = np.random.default_rng(0).normal(size=(4, 2)), np.zeros(4)
    fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
        progress=False)  # fmt: skip
    thread.join()
    assert seen and not any(seen)  # paused for the whole of every step
    assert gc.isenabled()  # and switched back on by the last pauser to leave


def test_a_step_that_raises_restores_the_collector() -> None:
    def loss(output: Any, target: Any) -> Value:
        raise RuntimeError("boom")

    model = MLP(2, [3, 1], seed=0)
    X, y = np.zeros((2, 2)), np.zeros(2)
    for was in (True, False):
        (gc.enable if was else gc.disable)()
        try:
            fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
                progress=False)  # fmt: skip
        except RuntimeError:
            pass
        finally:
            assert gc.isenabled() is was
            gc.enable()
