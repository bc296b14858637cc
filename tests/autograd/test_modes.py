"""The switches: no_grad per thread, and pause_gc, which must survive threads and nesting."""

from __future__ import annotations

import gc
import sys
import threading

import pytest

import autograd
from autograd import Value, no_grad
from autograd.modes import pause_gc

# --- no_grad ------------------------------------------------------------------------------


def test_no_grad_records_nothing_and_restores_the_switch() -> None:
    x = Value(2.0)
    with no_grad():
        assert not autograd.is_grad_enabled()
        y = x * x + 1
        with no_grad():
            pass
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()
    assert y.data == 5.0 and y.parents == () and y.op == ""
    z = x * x
    assert z.parents == (x, x)


def test_no_grad_as_a_decorator() -> None:
    @no_grad()
    def f(v: Value) -> Value:
        return v.exp()

    out = f(Value(0.0))
    assert out.data == 1.0 and out.parents == ()
    assert autograd.is_grad_enabled()


def test_no_grad_is_per_thread() -> None:
    seen: list[bool] = []

    def other() -> None:
        v = Value(1.0)
        seen.append(autograd.is_grad_enabled())
        seen.append(bool((v * v).parents))

    with no_grad():
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert seen == [True, True]


def test_no_grad_is_restored_after_an_exception() -> None:
    with pytest.raises(ZeroDivisionError), no_grad():
        Value(1.0) / 0
    assert autograd.is_grad_enabled()


# --- pause_gc ------------------------------------------------------------------------------


def test_pause_gc_nests_and_restores_the_state_it_found() -> None:
    assert gc.isenabled()
    with pause_gc():
        assert not gc.isenabled()
        with pause_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    gc.disable()
    try:
        with pause_gc():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError), pause_gc():
        Value(1.0) / 0
    assert gc.isenabled()


def test_gc_is_as_before_after_many_concurrent_backward_calls() -> None:
    # Issue 12: backward() switched the collector off and on for the whole process, so with
    # threads interleaving it often ended off. Each trial: 8 threads, 200 small backward calls.
    def work() -> None:
        for _ in range(200):
            a = Value(1.0)
            (a * a + a).backward()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        left_off = 0
        for _ in range(100):
            threads = [threading.Thread(target=work) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30.0)
            assert not any(t.is_alive() for t in threads)
            if not gc.isenabled():
                left_off += 1
                gc.enable()
    finally:
        sys.setswitchinterval(old)
    assert left_off == 0, f"the collector was left off after {left_off} of 100 trials"
