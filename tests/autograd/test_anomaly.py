"""detect_anomaly: the first NaN or inf, forward or backward, raises and says where it arose."""

from __future__ import annotations

import inspect
import math
import threading
from collections.abc import Callable

import pytest

from autograd import Value, detect_anomaly, grad, is_anomaly_enabled


def _here(offset: int = 0) -> str:
    """'this file:line' for the caller's line plus ``offset``."""
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None
    return f"{__file__}:{frame.f_back.f_lineno + offset}"


# --- forward ---------------------------------------------------------------------------------


def test_forward_nan_names_op_inputs_and_line() -> None:
    x = Value(math.inf)
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        where = _here(+1)
        y = x - x  # noqa: F841
    message = str(info.value)
    assert message.startswith("- produced nan from inputs (inf, inf)")
    assert f"{where}: y = x - x" in message


def test_forward_overflow_from_finite_inputs() -> None:
    a, b = Value(1e200), Value(1e200)
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        where = _here(+1)
        a * b
    assert str(info.value).startswith("* produced inf from inputs (1e+200, 1e+200)")
    assert where in str(info.value)


def test_the_first_bad_op_raises_not_a_later_one() -> None:
    x = Value(math.inf)
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        where = _here(+1)
        y = (x - x).tanh() * 2.0  # noqa: F841
    assert str(info.value).startswith("- produced nan")
    assert where in str(info.value)


def test_the_line_is_the_users_not_a_helpers() -> None:
    # The op runs inside a function of this file: that line is the innermost outside autograd.
    def halve_the_gap(u: Value, v: Value) -> Value:
        return (u - v) / 2.0

    line = inspect.getsourcelines(halve_the_gap)[1] + 1
    with detect_anomaly(), pytest.raises(FloatingPointError, match=f":{line}: return"):
        halve_the_gap(Value(math.inf), Value(math.inf))


def test_finite_work_is_unaffected() -> None:
    x = Value(0.5)
    with detect_anomaly():
        y = (x * x + x.exp()).tanh()
        y.backward()
    want = (1 - math.tanh(0.25 + math.exp(0.5)) ** 2) * (1.0 + math.exp(0.5))
    assert y.data == math.tanh(0.25 + math.exp(0.5))
    assert math.isclose(x.grad, want, rel_tol=1e-12)


# --- backward --------------------------------------------------------------------------------


def _overflowing_gradient() -> tuple[list[Value], Value, str]:
    """A finite forward pass whose gradient overflows: d/da (a*b)*c = b*c = 1e400."""
    a, b, c = Value(1e-200), Value(1e200), Value(1e200)
    with detect_anomaly():
        where = _here(+1)
        ab = a * b
        out = ab * c
    return [a, b, c], out, where


def test_backward_inf_names_op_inputs_and_the_line_that_made_the_node() -> None:
    _, out, where = _overflowing_gradient()
    assert out.data == 1e200
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        out.backward()
    message = str(info.value)
    assert message.startswith("the backward pass of * produced a gradient of inf")
    assert "inputs (1e-200, 1e+200)" in message
    assert f"{where}: ab = a * b" in message


def test_a_failed_backward_leaves_every_grad_as_it_was() -> None:
    (a, b, c), out, _ = _overflowing_gradient()
    a.grad, b.grad, c.grad = 0.5, 0.25, 0.125
    with detect_anomaly(), pytest.raises(FloatingPointError):
        out.backward()
    assert (a.grad, b.grad, c.grad, out.grad) == (0.5, 0.25, 0.125, 0.0)


def test_backward_nan_from_a_local_derivative() -> None:
    # (-2) ** y is 4 at y = 2, but d/dy = 4 * log(-2) is not a real number: nan.
    x, y = Value(-2.0), Value(2.0)
    with detect_anomaly():
        z = x**y
        assert z.data == 4.0
        with pytest.raises(FloatingPointError, match=r"backward pass of \*\* .* nan"):
            z.backward()


def test_backward_checks_nodes_made_outside_anomaly_mode() -> None:
    (a, b, c) = Value(1e-200), Value(1e200), Value(1e200)
    out = (a * b) * c
    with detect_anomaly(), pytest.raises(FloatingPointError, match="outside detect_anomaly"):
        out.backward()


def test_create_graph_gradients_are_checked_too() -> None:
    x, y = Value(-2.0), Value(2.0)
    with detect_anomaly():
        z = x**y
        with pytest.raises(FloatingPointError, match="nan"):
            grad(z, [y], create_graph=True)


# --- normal mode and the switch ----------------------------------------------------------------


def test_normal_mode_lets_nan_and_inf_through() -> None:
    x = Value(math.inf)
    assert math.isnan((x - x).data)
    assert (Value(1e200) * Value(1e200)).data == math.inf
    (a, b, c), out, _ = _overflowing_gradient()
    out.backward()
    assert (a.grad, b.grad, c.grad) == (math.inf, 1e-200 * 1e200, 1.0)
    x, y = Value(-2.0), Value(2.0)
    z = x**y
    z.backward()
    assert math.isnan(y.grad) and x.grad == -4.0


def test_the_switch_nests_and_restores_after_an_error() -> None:
    assert not is_anomaly_enabled()
    with detect_anomaly():
        assert is_anomaly_enabled()
        with detect_anomaly():
            assert is_anomaly_enabled()
        assert is_anomaly_enabled()
    assert not is_anomaly_enabled()
    with pytest.raises(FloatingPointError), detect_anomaly():
        Value(math.inf) - Value(math.inf)
    assert not is_anomaly_enabled()


def test_as_a_decorator() -> None:
    @detect_anomaly()
    def gap(u: Value, v: Value) -> Value:
        assert is_anomaly_enabled()
        return u - v

    assert gap(Value(2.0), Value(0.5)).data == 1.5
    with pytest.raises(FloatingPointError):
        gap(Value(math.inf), Value(math.inf))
    assert not is_anomaly_enabled()


def _in_thread(work: Callable[[], object]) -> object:
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(work()))
    thread.start()
    thread.join()
    return result[0]


def test_the_switch_is_per_thread() -> None:
    def nan_in_normal_mode() -> object:
        try:
            return (is_anomaly_enabled(), math.isnan((Value(math.inf) - math.inf).data))
        except FloatingPointError as e:  # pragma: no cover - only on failure
            return e

    # On here, off in another thread: there nan passes silently.
    with detect_anomaly():
        assert _in_thread(nan_in_normal_mode) == (False, True)

    # On in another thread, off here, even while that thread is inside detect_anomaly.
    inside, release = threading.Event(), threading.Event()

    def hold_anomaly_mode() -> bool:
        with detect_anomaly():
            inside.set()
            release.wait(5.0)
            return is_anomaly_enabled()

    thread_result: list[bool] = []
    thread = threading.Thread(target=lambda: thread_result.append(hold_anomaly_mode()))
    thread.start()
    try:
        assert inside.wait(5.0)
        assert not is_anomaly_enabled()
        assert math.isnan((Value(math.inf) - math.inf).data)
    finally:
        release.set()
        thread.join()
    assert thread_result == [True]
