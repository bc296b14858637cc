"""Losses: values and gradients against closed forms, central differences and PyTorch."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from nn import (
    batch_loss,
    binary_cross_entropy,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    mse_loss,
)
from nn.losses import LossFn

logits = st.floats(-30.0, 30.0, allow_nan=False)


def loss_and_grads(
    loss: Callable[[list[Value], object], Value], zs: Sequence[float], target: object
) -> tuple[float, list[float]]:
    """The loss value and d loss / d z_i by backprop."""
    vs = [Value(z) for z in zs]
    out = loss(vs, target)
    out.backward()
    return out.data, [v.grad for v in vs]


def central_diff(
    loss: Callable[[list[Value], object], Value],
    zs: Sequence[float],
    target: object,
    h: float = 1e-6,
) -> list[float]:
    """d loss / d z_i by central differences in float64."""
    grads = []
    for i in range(len(zs)):
        up, down = list(zs), list(zs)
        up[i] += h
        down[i] -= h
        f_up = loss([Value(z) for z in up], target).data
        f_down = loss([Value(z) for z in down], target).data
        grads.append((f_up - f_down) / (2 * h))
    return grads


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def softmax(zs: Sequence[float]) -> list[float]:
    e = np.exp(np.asarray(zs) - max(zs))
    return list(e / e.sum())


# --- mse_loss ----------------------------------------------------------------------------


def test_mse_single_output_matches_closed_form() -> None:
    value, grads = loss_and_grads(mse_loss, [2.5], 4.0)
    assert value == 2.25  # (2.5 - 4) ** 2
    assert grads == [-3.0]  # 2 * (2.5 - 4)


def test_mse_accepts_a_bare_value_and_numpy_targets() -> None:
    z = Value(1.0)
    assert mse_loss(z, np.float64(3.0)).data == 4.0
    assert mse_loss([Value(1.0)], np.array(3.0)).data == 4.0
    assert mse_loss([Value(1.0), Value(2.0)], np.array([0.0, 0.0])).data == 2.5


@given(st.lists(st.floats(-10, 10), min_size=1, max_size=5), st.data())
def test_mse_multi_output_is_the_mean_of_squares(zs: list[float], data: st.DataObject) -> None:
    ts = data.draw(st.lists(st.floats(-10, 10), min_size=len(zs), max_size=len(zs)))
    value, grads = loss_and_grads(mse_loss, zs, ts)
    k = len(zs)
    assert value == pytest.approx(sum((z - t) ** 2 for z, t in zip(zs, ts)) / k, rel=1e-12)
    expected = [2 * (z - t) / k for z, t in zip(zs, ts)]
    assert grads == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_mse_rejects_mismatched_targets() -> None:
    with pytest.raises(ValueError, match="2 outputs but 1 targets"):
        mse_loss([Value(1.0), Value(2.0)], 1.0)
    with pytest.raises(TypeError, match="mse_loss"):
        mse_loss([], 1.0)


# --- hinge_loss ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "label", "value", "grad"),
    [
        (0.25, 1, 0.75, -1.0),  # y = +1: relu(1 - 0.25)
        (0.25, 0, 1.25, 1.0),  # y = -1: relu(1 + 0.25)
        (2.0, 1, 0.0, 0.0),  # beyond the margin: no loss, no gradient
        (-2.0, 0, 0.0, 0.0),
        (-3.0, 1, 4.0, -1.0),
    ],
)
def test_hinge_matches_closed_form(score: float, label: int, value: float, grad: float) -> None:
    assert loss_and_grads(hinge_loss, [score], label) == (value, [grad])


def test_hinge_accepts_numpy_and_whole_float_labels() -> None:
    assert hinge_loss(Value(0.5), np.int64(1)).data == 0.5
    assert hinge_loss(Value(0.5), 0.0).data == 1.5


@pytest.mark.parametrize("bad", [-1, 2, 0.5])
def test_binary_losses_reject_labels_other_than_0_and_1(bad: float) -> None:
    for loss in (hinge_loss, binary_cross_entropy):
        with pytest.raises(ValueError, match=rf"label {bad!r}.*0\.\.1"):
            loss(Value(0.0), bad)


def test_binary_losses_need_exactly_one_score() -> None:
    for loss in (hinge_loss, binary_cross_entropy):
        with pytest.raises(ValueError, match="one score per sample, got 2"):
            loss([Value(0.0), Value(1.0)], 1)


# --- binary_cross_entropy -------------------------------------------------------------------


@given(logits, st.sampled_from([0, 1]))
def test_bce_matches_closed_form(z: float, y: int) -> None:
    value, (g,) = loss_and_grads(binary_cross_entropy, [z], y)
    p = sigmoid(z)
    # -y log p - (1 - y) log(1 - p), written with log1p and without cancellation. The engine
    # has no log1p, so the loss is exact to about 1e-16 absolute, not relative, in the tails.
    wrong_side = z if y == 0 else -z
    expected = math.log1p(math.exp(-abs(z))) + max(wrong_side, 0.0)
    assert value == pytest.approx(expected, rel=1e-12, abs=1e-15)
    if 1e-6 < p < 1 - 1e-6:
        assert value == pytest.approx(-y * math.log(p) - (1 - y) * math.log(1 - p), rel=1e-9)
    assert g == pytest.approx(p - y, rel=1e-12, abs=1e-15)


@given(logits.filter(lambda z: abs(z) > 1e-4), st.sampled_from([0, 1]))
def test_bce_gradient_matches_central_differences(z: float, y: int) -> None:
    _, grads = loss_and_grads(binary_cross_entropy, [z], y)
    assert grads == pytest.approx(central_diff(binary_cross_entropy, [z], y), abs=1e-8)


@pytest.mark.parametrize("y", [0, 1])
def test_bce_gradient_is_right_at_exactly_zero(y: int) -> None:
    # relu(z) and |z| both have a kink at 0; a formula that builds them as nodes gets -y here.
    _, grads = loss_and_grads(binary_cross_entropy, [0.0], y)
    assert grads == [0.5 - y]


@pytest.mark.parametrize(
    ("z", "y", "value", "grad"),
    [
        (1000.0, 1, 0.0, 0.0),
        (1000.0, 0, 1000.0, 1.0),
        (-1000.0, 1, 1000.0, -1.0),
        (-1000.0, 0, 0.0, 0.0),
    ],
)
def test_bce_is_stable_at_plus_minus_1000(z: float, y: int, value: float, grad: float) -> None:
    assert loss_and_grads(binary_cross_entropy, [z], y) == (value, [grad])


# --- cross_entropy --------------------------------------------------------------------------


@given(st.lists(logits, min_size=1, max_size=6), st.data())
def test_cross_entropy_matches_closed_form(zs: list[float], data: st.DataObject) -> None:
    c = data.draw(st.integers(0, len(zs) - 1))
    value, grads = loss_and_grads(cross_entropy, zs, c)
    m = max(zs)
    expected = m + math.log(sum(math.exp(z - m) for z in zs)) - zs[c]
    assert value == pytest.approx(expected, rel=1e-12, abs=1e-12)
    onehot = [1.0 if i == c else 0.0 for i in range(len(zs))]
    expected_grads = [p - o for p, o in zip(softmax(zs), onehot)]
    assert grads == pytest.approx(expected_grads, rel=1e-9, abs=1e-12)
    assert sum(grads) == pytest.approx(0.0, abs=1e-12)  # softmax sums to 1


@given(st.lists(st.floats(-5, 5), min_size=2, max_size=5), st.data())
def test_cross_entropy_gradient_matches_central_differences(
    zs: list[float], data: st.DataObject
) -> None:
    c = data.draw(st.integers(0, len(zs) - 1))
    _, grads = loss_and_grads(cross_entropy, zs, c)
    assert grads == pytest.approx(central_diff(cross_entropy, zs, c), abs=1e-8)


def test_cross_entropy_is_stable_at_plus_minus_1000() -> None:
    value, grads = loss_and_grads(cross_entropy, [1000.0, -1000.0, 0.0], 0)
    assert (value, grads) == (0.0, [0.0, 0.0, 0.0])
    value, grads = loss_and_grads(cross_entropy, [1000.0, -1000.0, 0.0], 1)
    assert value == 2000.0
    assert grads == [1.0, -1.0, 0.0]
    value, grads = loss_and_grads(cross_entropy, [1000.0, 1000.0], 1)
    assert value == pytest.approx(math.log(2), rel=1e-15)
    assert grads == [0.5, -0.5]


@pytest.mark.parametrize("bad", [3, -1, 1.5])
def test_cross_entropy_names_a_bad_label_and_k(bad: float) -> None:
    with pytest.raises(ValueError, match=rf"label {bad!r}.*k=3.*0\.\.2"):
        cross_entropy([Value(0.0), Value(1.0), Value(2.0)], bad)


def test_labels_must_be_numbers() -> None:
    with pytest.raises(TypeError, match="class label"):
        cross_entropy([Value(0.0), Value(1.0)], "cat")


# --- l2_penalty and batch_loss --------------------------------------------------------------


def test_l2_penalty_value_and_gradient() -> None:
    ps = [Value(3.0), Value(-4.0)]
    pen = l2_penalty(ps, 0.5)
    pen.backward()
    assert pen.data == 12.5  # 0.5 * (9 + 16)
    assert [p.grad for p in ps] == [3.0, -4.0]  # 2 * alpha * p
    assert pen.op == "*" and pen.parents[1].op == "sum"


def test_l2_penalty_rejects_negative_alpha() -> None:
    with pytest.raises(ValueError, match=r"alpha >= 0, got -0\.1"):
        l2_penalty([Value(1.0)], -0.1)


def test_batch_loss_is_the_mean_as_one_sum_node() -> None:
    outs = [[Value(0.0)], [Value(2.0)], [Value(-1.0)]]
    mean = batch_loss(hinge_loss, outs, [1, 1, 0])
    mean.backward()
    assert mean.data == pytest.approx((1.0 + 0.0 + 0.0) / 3)
    assert [o[0].grad for o in outs] == pytest.approx([-1 / 3, 0.0, 0.0])
    assert mean.op == "*" and mean.parents[0].op == "sum"
    assert len(mean.parents[0].parents) == 3


def test_batch_loss_rejects_empty_and_mismatched_batches() -> None:
    with pytest.raises(ValueError, match="empty batch"):
        batch_loss(mse_loss, [], [])
    with pytest.raises(ValueError, match="2 outputs but 1 targets"):
        batch_loss(mse_loss, [Value(1.0), Value(2.0)], [1.0])


# --- against PyTorch ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cross_entropy", "mse_loss", "bce", "hinge_loss"])
def test_losses_match_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(0)
    for _ in range(20):
        zs = rng.normal(scale=4.0, size=4).tolist()
        t = torch.tensor(zs, dtype=torch.float64, requires_grad=True)
        if name == "cross_entropy":
            target: object = int(rng.integers(0, 4))
            value, grads = loss_and_grads(cross_entropy, zs, target)
            expected = F.cross_entropy(t[None], torch.tensor([target]))
        elif name == "mse_loss":
            target = rng.normal(size=4).tolist()
            value, grads = loss_and_grads(mse_loss, zs, target)
            expected = F.mse_loss(t, torch.tensor(target, dtype=torch.float64))
        elif name == "bce":
            label = int(rng.integers(0, 2))
            value, grads = loss_and_grads(binary_cross_entropy, zs[:1], label)
            t = torch.tensor(zs[:1], dtype=torch.float64, requires_grad=True)
            y = torch.tensor([float(label)], dtype=torch.float64)
            expected = F.binary_cross_entropy_with_logits(t, y)
        else:
            label = int(rng.integers(0, 2))
            value, grads = loss_and_grads(hinge_loss, zs[:1], label)
            t = torch.tensor(zs[:1], dtype=torch.float64, requires_grad=True)
            expected = torch.relu(1 - (2 * label - 1) * t).sum()
        expected.backward()
        assert value == pytest.approx(expected.item(), rel=1e-12, abs=1e-14)
        assert grads == pytest.approx(t.grad.tolist(), rel=1e-10, abs=1e-14)


# --- NaN propagates, labels and targets are what they say ---------------------------------

NAN = float("nan")


@pytest.mark.parametrize(
    ("loss", "output", "target"),
    [
        (mse_loss, [NAN], 1.0),
        (mse_loss, [1.0, NAN], [0.0, 0.0]),
        (hinge_loss, [NAN], 1),
        (hinge_loss, [NAN], 0),
        (binary_cross_entropy, [NAN], 1),
        (binary_cross_entropy, [NAN], 0),
        (cross_entropy, [NAN, 0.0, 1.0], 0),
        (cross_entropy, [0.0, NAN, 1.0], 0),
        (cross_entropy, [0.0, 1.0, NAN], 2),
        (cross_entropy, [1000.0, NAN], 0),  # the NaN is not the max(): still NaN
    ],
)
def test_a_nan_output_gives_a_nan_loss(loss: LossFn, output: list[float], target: object) -> None:
    outs = [Value(o) for o in output]
    value = loss(outs[0] if len(outs) == 1 else outs, target)
    assert math.isnan(value.data)
    value.backward()  # and the backward pass does not hide it either
    assert any(math.isnan(o.grad) for o in outs)


def test_nan_propagates_through_the_penalty_and_the_batch_mean() -> None:
    assert math.isnan(l2_penalty([Value(1.0), Value(NAN)], 0.1).data)
    outs = [Value(1.0), Value(NAN)]
    assert math.isnan(batch_loss(mse_loss, outs, [0.0, 0.0]).data)


@pytest.mark.parametrize("alpha", [math.inf, NAN])
def test_l2_penalty_needs_a_finite_alpha(alpha: float) -> None:
    with pytest.raises(ValueError, match=f"finite alpha >= 0, got {alpha}"):
        l2_penalty([Value(1.0)], alpha)


@pytest.mark.parametrize("loss", [hinge_loss, binary_cross_entropy])
def test_micrograd_minus_one_labels_are_refused_with_the_conversion(loss: LossFn) -> None:
    with pytest.raises(ValueError, match=r"-1/\+1 labels convert with \(y \+ 1\) // 2"):
        loss(Value(0.5), -1)
    # The conversion it names gives this library's labels, and the same margins.
    assert hinge_loss(Value(0.5), (-1 + 1) // 2).data == 1.5
    assert hinge_loss(Value(0.5), (1 + 1) // 2).data == 0.5


def test_cross_entropy_on_one_output_says_it_needs_one_output_per_class() -> None:
    with pytest.raises(ValueError, match=r"needs one output per class.*hinge_loss"):
        cross_entropy(Value(0.5), 1)
    with pytest.raises(ValueError, match="needs one output per class"):
        cross_entropy([Value(0.5), Value(1.0)], 2)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mse_loss([Value(1.0), Value(2.0)], "12"), "numbers as targets, got str '12'"),
        (lambda: mse_loss(Value(1.0), "1"), "numbers as targets, got str '1'"),
        (lambda: mse_loss([Value(1.0), Value(2.0)], ["1", 2.0]), "got str '1'"),
        (lambda: hinge_loss(Value(1.0), "1"), r"class label \(an int in 0..1\), got str '1'"),
        (lambda: cross_entropy([Value(1.0), Value(2.0)], "0"), "class label.*got str '0'"),
        (lambda: binary_cross_entropy(Value(1.0), b"1"), "got bytes"),
    ],
)
def test_string_targets_are_refused(call: Callable[[], Value], match: str) -> None:
    with pytest.raises(TypeError, match=match):
        call()


@pytest.mark.parametrize(
    ("loss", "target", "value"),
    [
        (hinge_loss, 0, -1.0),
        (hinge_loss, 1, 1.0),
        (binary_cross_entropy, 1, 1.0),
        (mse_loss, 2.5, 2.5),
    ],
)
def test_a_number_target_is_a_labelled_leaf_that_changes_no_number(
    loss: Callable[[Value, Any], Value], target: Any, value: float
) -> None:
    # Drawn as `target`, not as an unnamed constant `-1 (const)`; the numbers stay as before.
    from autograd import draw_dot, topo_sort

    for z in (0.3, -0.7):
        score = Value(z, "score")
        out = loss(score, target)
        leaves = [n for n in topo_sort(out) if n.label == "target"]
        assert [n.data for n in leaves] == [value]
        assert ">target<" in draw_dot(out).source
        out.backward()
        bare = {
            hinge_loss: max(0.0, 1.0 - z * value),
            binary_cross_entropy: math.log1p(math.exp(-abs(z))) + max(z, 0.0) - z * value,
            mse_loss: (z - value) ** 2,
        }[loss]
        assert out.data == pytest.approx(bare, rel=1e-15)
    several = mse_loss([Value(1.0), Value(2.0)], [0.5, 1.5])
    assert {n.label for n in topo_sort(several) if not n.parents} >= {"target[0]", "target[1]"}
