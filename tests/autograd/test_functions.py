"""dot and vsum (one node each) and grad(): gradients as Values, and higher derivatives."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, dot, grad, vsum

finite = st.floats(-50, 50, allow_nan=False)


# --- n-ary nodes --------------------------------------------------------------------------


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=12), finite)
def test_dot_equals_the_chain_of_binary_nodes_it_replaces(pairs: list, b: float) -> None:
    ws = [Value(w) for w, _ in pairs]
    xs = [Value(x) for _, x in pairs]
    bias = Value(b)
    y = dot(ws, xs, bias)
    assert y.op == "dot" and len(y.parents) == 2 * len(pairs) + 1
    y.backward()
    ws2 = [Value(w) for w, _ in pairs]
    xs2 = [Value(x) for _, x in pairs]
    bias2 = Value(b)
    y2 = bias2
    for w, x in zip(ws2, xs2):
        y2 = y2 + w * x
    y2.backward()
    assert y.data == pytest.approx(y2.data, rel=1e-12, abs=1e-9)
    assert [w.grad for w in ws] == [w.grad for w in ws2]
    assert [x.grad for x in xs] == [x.grad for x in xs2]
    assert bias.grad == bias2.grad == 1.0


def test_dot_accepts_plain_numbers_and_no_bias() -> None:
    ws = [Value(2.0), Value(-1.0)]
    y = dot(ws, [3.0, np.float64(4.0)])
    y.backward()
    assert y.data == 2.0 and [w.grad for w in ws] == [3.0, 4.0]
    with pytest.raises(ValueError, match="as many weights as inputs"):
        dot(ws, [1.0])
    with pytest.raises(TypeError, match="dot"):
        dot(ws, ["a", 1.0])  # type: ignore[list-item]


def test_vsum_is_one_node() -> None:
    xs = [Value(float(i)) for i in range(10)]
    s = vsum([*xs, 0.5])
    assert s.op == "sum" and s.data == 45.5 and len(s.parents) == 11
    (s * s).backward()
    assert all(x.grad == 2 * 45.5 for x in xs)
    assert vsum([]).data == 0.0


# --- gradients as values: grad() and higher orders ----------------------------------------


def test_grad_leaves_dot_grad_alone_and_gives_zero_for_unrelated_inputs() -> None:
    x, w, unrelated = Value(2.0), Value(3.0), Value(5.0)
    x.grad, w.grad = 10.0, 20.0
    h = x * w
    h.grad = 7.0
    y = h.tanh() + x
    gx, gw, gu = grad(y, [x, w, unrelated])
    t = math.tanh(6.0)
    assert gx.data == pytest.approx(3 * (1 - t * t) + 1)
    assert gw.data == pytest.approx(2 * (1 - t * t))
    assert gu.data == 0.0
    assert (x.grad, w.grad, h.grad, y.grad) == (10.0, 20.0, 7.0, 0.0)
    assert gx.parents == ()


@given(st.floats(-3, 3))
def test_second_and_third_derivatives_of_tanh(x: float) -> None:
    v = Value(x)
    (d1,) = grad(v.tanh(), [v], create_graph=True)
    (d2,) = grad(d1, [v], create_graph=True)
    (d3,) = grad(d2, [v])
    t = math.tanh(x)
    assert d1.data == pytest.approx(1 - t * t, rel=1e-12, abs=1e-15)
    assert d2.data == pytest.approx(-2 * t * (1 - t * t), rel=1e-10, abs=1e-13)
    assert d3.data == pytest.approx(-2 * (1 - t * t) * (1 - 3 * t * t), rel=1e-10, abs=1e-12)


@given(st.floats(0.2, 3))
def test_higher_derivatives_of_x_to_the_x(x: float) -> None:
    v = Value(x)
    (d1,) = grad(v**v, [v], create_graph=True)
    (d2,) = grad(d1, [v], create_graph=True)
    (d3,) = grad(d2, [v])
    f, u = x**x, math.log(x) + 1
    assert d1.data == pytest.approx(f * u, rel=1e-12)
    assert d2.data == pytest.approx(f * (u * u + 1 / x), rel=1e-10)
    assert d3.data == pytest.approx(f * (u**3 + 3 * u / x - 1 / x**2), rel=1e-9)


def test_mixed_second_derivative() -> None:
    x, y = Value(1.3), Value(-0.4)
    f = (x * y).sin() + x * x * y
    gx, _ = grad(f, [x, y], create_graph=True)
    (gxy,) = grad(gx, [y])
    # d2f/dxdy = cos(xy) - xy sin(xy) + 2x
    xy = 1.3 * -0.4
    assert gxy.data == pytest.approx(math.cos(xy) - xy * math.sin(xy) + 2 * 1.3, rel=1e-12)


def test_create_graph_adds_no_nodes_for_the_constant_factors_1_minus_1_and_0() -> None:
    # upstream * 1 is upstream itself, upstream * -1 one neg node, upstream * 0 nothing at all:
    # the gradient graph stays as small as the derivative it computes.
    x, y, z = Value(2.0), Value(3.0), Value(0.0)
    power = x**2  # its exponent is a constant leaf, with the local derivative 0.0
    gx, gy, gz, gc = grad(power - y + abs(z), [x, y, z, power.parents[1]], create_graph=True)
    assert gx.op == "*" and gx.data == 4.0  # 1 * d(x**2)/dx: no node for the factor 1
    assert gy.op == "neg" and gy.parents[0].is_leaf and gy.data == -1.0  # -(1 * 1 * seed)
    assert gz.is_leaf and gz.data == 0.0  # abs'(0) = 0 sends nothing back
    assert gc.is_leaf and gc.data == 0.0
    # An infinite slope is still a node of the gradient graph: upstream * inf.
    s = Value(0.0)
    (gs,) = grad(s.sqrt(), [s], create_graph=True)
    assert gs.op == "*" and gs.data == math.inf and gs.parents[0].data == 1.0
