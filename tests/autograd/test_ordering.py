"""Order comparisons on Value compare .data; equality and hashing stay by identity (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Value


def test_the_four_comparisons_follow_the_numbers() -> None:
    for x, y in [(1.0, 2.0), (2.0, 1.0), (1.5, 1.5), (-0.0, 0.0)]:
        a, b = Value(x), Value(y)
        assert (a < b, a <= b, a > b, a >= b) == (x < y, x <= y, x > y, x >= y)
        # Against plain numbers on either side, numpy's included.
        assert (a < y, y > a, a >= np.float64(y), np.float64(y) <= a) == (
            x < y, y > x, x >= y, y <= x
        )  # fmt: skip


def test_max_min_and_sorted_return_the_values_themselves() -> None:
    a, b, c = Value(3.0, "a"), Value(-1.0, "b"), Value(2.0, "c")
    assert max(a, b, c) is a and min(a, b, c) is b
    assert sorted([a, b, c]) == [b, c, a]  # == on lists: element identity here
    loss = max(a * 2, c * 5)  # the larger branch keeps its graph: backprop goes through it
    loss.backward()
    assert (a.grad, c.grad) == (0.0, 5.0)


def test_equality_and_hashing_stay_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2 and {a: 1}[a] == 1
    before = hash(a)
    a.data = 7.0
    assert hash(a) == before


def test_a_comparison_makes_no_node_and_is_a_bool() -> None:
    a = Value(1.0)
    result = a < 2.0
    assert type(result) is bool
    assert a.grad == 0.0 and a.is_leaf


@pytest.mark.parametrize("other", ["2", None, [1.0], 1j])
def test_comparing_with_a_non_number_is_a_type_error(other: object) -> None:
    with pytest.raises(TypeError):
        _ = Value(1.0) < other  # type: ignore[operator]
