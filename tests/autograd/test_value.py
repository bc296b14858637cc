"""Value: construction, what a node shows, each operator against closed forms, bad input."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value

# --- construction ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", [3, 3.0, np.float64(3.0), np.float32(3.0), np.int64(3), Fraction(3), Decimal(3)]
)
def test_data_is_always_a_python_float(raw: object) -> None:
    v = Value(raw)  # type: ignore[arg-type]
    assert type(v.data) is float
    assert v.data == 3.0
    assert v.grad == 0.0 and type(v.grad) is float


@pytest.mark.parametrize("bad", ["3", b"3", None, [1.0], (1.0,), {1.0}, np.array([1.0, 2.0]), 1j])
def test_non_numbers_are_refused_with_a_clear_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match=r"Value\(\)"):
        Value(bad)  # type: ignore[arg-type]


def test_a_node_exposes_its_op_and_parents() -> None:
    a, b = Value(2.0, "a"), Value(3.0, "b")
    c = a * b
    assert c.op == "*" and c.parents == (a, b)
    assert a.op == "" and a.parents == ()
    assert float(c) == 6.0 and c.item() == 6.0
    assert a.label == "a" and c.label == ""


def test_equality_and_hashing_are_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b, a}) == 2


def test_repr_shows_data_grad_label_and_op() -> None:
    a = Value(2.0, "a")
    assert repr(a) == "Value(data=2.0, grad=0.0, label='a')"
    assert repr(a + 1) == "Value(data=3.0, grad=0.0, op='+')"


# --- operators against closed forms -------------------------------------------------------

finite = st.floats(-50, 50, allow_nan=False)
positive = st.floats(0.1, 20)


@given(finite, finite)
def test_binary_operators_with_numbers_on_either_side(x: float, c: float) -> None:
    cases = [
        (lambda v: v + c, x + c, 1.0),
        (lambda v: c + v, c + x, 1.0),
        (lambda v: v - c, x - c, 1.0),
        (lambda v: c - v, c - x, -1.0),
        (lambda v: v * c, x * c, c),
        (lambda v: c * v, c * x, c),
        (lambda v: -v, -x, -1.0),
        (lambda v: +v, x, 1.0),
    ]
    for f, value, slope in cases:
        v = Value(x)
        y = f(v)
        y.backward()
        assert y.data == value
        assert v.grad == slope


@given(finite, positive)
def test_division_both_ways(x: float, c: float) -> None:
    v = Value(x)
    (v / c).backward()
    assert v.grad == pytest.approx(1 / c, rel=1e-12)
    w = Value(c)
    y = x / w
    y.backward()
    assert y.data == pytest.approx(x / c, rel=1e-12)
    assert w.grad == pytest.approx(-x / c**2, rel=1e-12, abs=1e-300)


@given(positive, st.floats(-3, 3))
def test_power_with_number_and_value_exponents(x: float, p: float) -> None:
    v = Value(x)
    (v**p).backward()
    assert v.grad == pytest.approx(p * x ** (p - 1), rel=1e-9)
    base, exponent = Value(x), Value(p)
    y = base**exponent
    y.backward()
    assert y.data == pytest.approx(x**p, rel=1e-12)
    assert base.grad == pytest.approx(p * x ** (p - 1), rel=1e-9)
    assert exponent.grad == pytest.approx(x**p * math.log(x), rel=1e-9, abs=1e-12)
    e = Value(p)
    z = 2**e
    z.backward()
    assert z.data == pytest.approx(2**p) and e.grad == pytest.approx(2**p * math.log(2))


def test_integer_power_of_a_negative_base() -> None:
    v = Value(-2.0)
    y = v**3
    y.backward()
    assert y.data == -8.0 and v.grad == 12.0


def test_abs_and_its_kink() -> None:
    for x, slope in [(-2.0, -1.0), (3.0, 1.0), (0.0, 0.0)]:
        v = Value(x)
        y = abs(v)
        y.backward()
        assert y.data == abs(x) and v.grad == slope


def test_local_grads_are_the_chain_rule_factors() -> None:
    x, y = Value(3.0), Value(4.0)
    assert (x * y).local_grads() == (4.0, 3.0)
    assert (x / y).local_grads() == (0.25, -3.0 / 16.0)
    assert x.tanh().local_grads() == (1 - math.tanh(3.0) ** 2,)
    assert x.local_grads() == ()


def test_is_leaf_tells_inputs_from_op_results() -> None:
    x, w = Value(2.0), Value(3.0)
    y = x * w
    assert x.is_leaf and w.is_leaf and not y.is_leaf
    assert not (-x).is_leaf and not y.relu().is_leaf
    assert Value(1.0).detach().is_leaf and y.detach().is_leaf


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Value(-1.0).log(), ValueError, r"log\(\) of a non-positive value: -1.0"),
        (lambda: Value(0.0).log(), ValueError, r"log\(\) of a non-positive value: 0.0"),
        (lambda: Value(-4.0).sqrt(), ValueError, r"sqrt\(\) of a negative value: -4.0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"division by zero in /: 1.0 / 0.0"),
        (lambda: 3 / Value(0.0), ZeroDivisionError, r"division by zero in /: 3.0 / 0.0"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"\*\* of zero to a negative power"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, r"negative base .* -8.0"),
        (lambda: Value(-8.0) ** Value(0.5), ValueError, r"negative base .* -8.0"),
        (lambda: Value(1000.0).exp(), OverflowError, r"exp\(\) overflows for 1000.0"),
        (lambda: Value(10.0) ** 400, OverflowError, r"\*\* overflows: 10.0 \*\* 400"),
    ],
)
def test_bad_input_names_the_op_and_the_value(make, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        make()


def test_operators_with_non_numbers_raise_type_error() -> None:
    with pytest.raises(TypeError):
        Value(1.0) + "a"  # type: ignore[operator]
    with pytest.raises(TypeError):
        [1.0] * Value(2.0)  # type: ignore[operator]


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308])
def test_tanh_and_sigmoid_never_overflow(x: float) -> None:
    for method, limit in [("tanh", math.copysign(1.0, x)), ("sigmoid", 1.0 if x > 0 else 0.0)]:
        v = Value(x)
        y = getattr(v, method)()
        y.backward()
        assert y.data == limit
        assert math.isfinite(v.grad) and v.grad == 0.0


def test_sigmoid_is_accurate_in_both_tails() -> None:
    for x in [-30.0, -5.0, 0.0, 5.0, 30.0]:
        assert Value(x).sigmoid().data == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-15)
