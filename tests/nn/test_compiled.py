"""Compiled training must train exactly as eager training does.

The oracle is eager chainrule: the leaf-target losses against ``nn.losses`` on the same
numbers (values and gradients), a compiled step against a loop written like ``fit``'s eager
step, and ``fit(..., compile=True)`` against ``fit(...)``, after 100 epochs, to 1e-9.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value
from nn.compiled import (
    CompiledStep,
    bce_with_target_leaf,
    cross_entropy_with_target_leaves,
    hinge_with_target_leaf,
    mse_with_target_leaves,
)

logits = st.floats(-30.0, 30.0, allow_nan=False)


def _grads_of(loss: Value, zs: list[Value]) -> list[float]:
    loss.backward()
    return [z.grad for z in zs]


def _close(a: list[float], b: list[float], tol: float = 1e-12) -> bool:
    return all(math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, b, strict=True))


@given(z=logits, label=st.sampled_from([0, 1]))
def test_hinge_and_bce_leaf_forms_equal_the_eager_losses(z: float, label: int) -> None:
    for eager_fn, leaf_fn, target in (
        (nn.hinge_loss, hinge_with_target_leaf, 2.0 * label - 1.0),
        (nn.binary_cross_entropy, bce_with_target_leaf, float(label)),
    ):
        a, b = Value(z), Value(z)
        eager, leaf = eager_fn(a, label), leaf_fn(b, Value(target))
        assert leaf.data == eager.data  # the same formula, to the last bit
        assert _close(_grads_of(leaf, [b]), _grads_of(eager, [a]))


def test_bce_leaf_form_has_eagers_derivative_at_the_kink() -> None:
    for label in (0, 1):
        z = Value(0.0)
        bce_with_target_leaf(z, Value(float(label))).backward()
        assert z.grad == 0.5 - label  # sigmoid(0) - y; relu and abs alone would give -y


@given(zs=st.lists(logits, min_size=1, max_size=6), data=st.data())
def test_cross_entropy_leaf_form_equals_the_eager_loss(zs: list[float], data: Any) -> None:
    c = data.draw(st.integers(0, len(zs) - 1))
    a, b = [Value(z) for z in zs], [Value(z) for z in zs]
    eager = nn.cross_entropy(a, c)
    leaf = cross_entropy_with_target_leaves(b, [Value(float(i == c)) for i in range(len(zs))])
    assert math.isclose(leaf.data, eager.data, rel_tol=1e-12, abs_tol=1e-12)
    assert _close(_grads_of(leaf, b), _grads_of(eager, a))


def test_cross_entropy_leaf_form_never_overflows() -> None:
    z = [Value(1000.0), Value(-1000.0), Value(999.0)]
    loss = cross_entropy_with_target_leaves(z, [Value(0.0), Value(0.0), Value(1.0)])
    assert loss.data == pytest.approx(math.log(1.0 + math.exp(-1.0)) + 1.0, rel=1e-12)


@given(pairs=st.lists(st.tuples(logits, logits), min_size=1, max_size=4))
def test_mse_leaf_form_equals_the_eager_loss(pairs: list[tuple[float, float]]) -> None:
    a, b = [Value(o) for o, _ in pairs], [Value(o) for o, _ in pairs]
    targets = [t for _, t in pairs]
    eager = nn.mse_loss(a, targets)
    leaf = mse_with_target_leaves(b, [Value(t) for t in targets])
    assert leaf.data == eager.data
    assert _close(_grads_of(leaf, b), _grads_of(eager, a))


# --- training runs ------------------------------------------------------------------------------


def _eager_step(model: Any, loss: Any, opt: Any, Xb: Any, yb: Any, l2: float) -> float:
    """fit's eager step, written out: a graph per minibatch."""
    outputs = [model(row) for row in Xb.tolist()]
    data_loss = nn.batch_loss(loss, outputs, yb.tolist())
    objective = data_loss + nn.l2_penalty(model.parameters(), l2) if l2 > 0 else data_loss
    opt.zero_grad()
    objective.backward()
    opt.step()
    return data_loss.data


def _params(model: Any) -> np.ndarray:
    return np.array([p.data for p in model.parameters()])


CASES = [  # loss, data, model sizes, l2, optimizer
    (nn.hinge_loss, lambda: nn.make_moons(30, noise=0.1, seed=1), [8, 1], 1e-4, "sgd"),
    (nn.binary_cross_entropy, lambda: nn.make_moons(30, noise=0.1, seed=2), [6, 1], 0.0, "adam"),
    (nn.cross_entropy, lambda: nn.make_spirals(30, n_classes=3, seed=3), [8, 8, 3], 1e-3, "sgd"),
    (nn.mse_loss, lambda: nn.make_linear(30, noise=0.1, seed=4), [4, 1], 0.0, "sgd"),
]


def _opt(kind: str, model: Any) -> Any:
    if kind == "adam":
        return nn.Adam(model.parameters(), lr=0.01)
    return nn.SGD(model.parameters(), lr=0.05)


@pytest.mark.parametrize(("loss", "data", "sizes", "l2", "opt"), CASES)
def test_compiled_steps_train_like_eager_steps(
    loss: Any, data: Any, sizes: list[int], l2: float, opt: str
) -> None:
    X, y = data()
    models = [nn.MLP(X.shape[1], sizes, seed=5) for _ in range(2)]
    eager_opt, compiled_opt = _opt(opt, models[0]), _opt(opt, models[1])
    step = CompiledStep(models[1], loss, l2)
    rng = np.random.default_rng(0)
    for _ in range(20):
        for Xb, yb in nn.minibatches(X, y, 8, seed=rng):  # 8, 8, 8 and a short batch of 6
            want = _eager_step(models[0], loss, eager_opt, Xb, yb, l2)
            got = step.step(Xb, yb, compiled_opt)
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    np.testing.assert_allclose(_params(models[1]), _params(models[0]), rtol=1e-9, atol=1e-12)
    assert sorted(step._graphs) == [6, 8]  # one graph per batch size, built once


@pytest.mark.parametrize(("loss", "data", "sizes", "l2", "opt"), CASES)
def test_fit_compiled_equals_fit_eager_after_100_epochs(
    loss: Any, data: Any, sizes: list[int], l2: float, opt: str
) -> None:
    X, y = data()
    runs = []
    for compiled in (False, True):
        model = nn.MLP(X.shape[1], sizes, seed=7)
        history = nn.fit(
            model, X, y, loss=loss, optimizer=_opt(opt, model), epochs=100, batch_size=8,
            l2=l2, progress=False, seed=3, compile=compiled,
        )  # fmt: skip
        runs.append((history, _params(model)))
    (eager, p_eager), (compiled_run, p_compiled) = runs
    np.testing.assert_allclose(compiled_run.loss, eager.loss, rtol=1e-9, atol=1e-12)
    assert compiled_run.accuracy == eager.accuracy
    np.testing.assert_allclose(p_compiled, p_eager, rtol=1e-9, atol=1e-12)
    assert eager.loss[-1] < eager.loss[0]  # the run learned something worth comparing


def test_fit_compiled_full_batch_moons_demo_equals_eager() -> None:
    X, y = nn.make_moons(40, noise=0.1, seed=0)
    runs = []
    for compiled in (False, True):
        model = nn.MLP(2, [16, 16, 1], seed=1)
        history = nn.fit(
            model, X, y, loss=nn.hinge_loss, optimizer=nn.SGD(model.parameters(), lr=0.1),
            epochs=30, l2=1e-4, progress=False, compile=compiled,
        )  # fmt: skip
        runs.append((history.loss, _params(model)))
    np.testing.assert_allclose(runs[1][0], runs[0][0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(runs[1][1], runs[0][1], rtol=1e-9, atol=1e-12)


# --- errors -------------------------------------------------------------------------------------


def test_a_loss_without_a_leaf_target_form_is_named() -> None:
    model = nn.MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match=r"'abs_loss'.*compile=False"):

        def abs_loss(out: Value, t: float) -> Value:
            return abs(out - t)

        CompiledStep(model, abs_loss)


def test_a_bad_label_raises_the_eager_losses_error() -> None:
    model = nn.MLP(2, [3], seed=0)
    opt = nn.SGD(model.parameters(), lr=0.1)
    X = np.zeros((2, 2))
    with pytest.raises(ValueError, match=r"cross_entropy\(\) got the label 3"):
        CompiledStep(model, nn.cross_entropy).step(X, np.array([0, 3]), opt)
    with pytest.raises(ValueError, match=r"got the label 2, but with k=2"):
        CompiledStep(nn.MLP(2, [2], seed=0), nn.cross_entropy).step(X, np.array([2, 0]), opt)
    with pytest.raises(ValueError, match=r"hinge_loss\(\) got the label 0.5"):
        CompiledStep(nn.MLP(2, [1], seed=0), nn.hinge_loss).step(X, np.array([0.5, 1]), opt)
    with pytest.raises(ValueError, match="2 outputs but 1 targets"):
        CompiledStep(nn.MLP(2, [2], seed=0), nn.mse_loss).step(X, np.array([0.5, 1]), opt)


def test_fit_compiled_reports_divergence_like_eager() -> None:
    X, y = nn.make_linear(20, noise=0.0, seed=0)
    for compiled in (False, True):
        model = nn.MLP(1, [4, 1], seed=0)
        with pytest.raises(FloatingPointError, match="training diverged at epoch"):
            nn.fit(
                model, X * 100, y * 100, loss=nn.mse_loss, epochs=50, progress=False,
                optimizer=nn.SGD(model.parameters(), lr=10.0), compile=compiled,
            )  # fmt: skip


def test_the_compiled_step_keeps_no_eager_graph() -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    opt = nn.SGD(model.parameters(), lr=0.1)
    w = model.layers[0].neurons[0].w[0]
    alone = sys.getrefcount(w)
    step = CompiledStep(model, nn.hinge_loss, l2=1e-3)
    X, y = nn.make_moons(10, seed=0)
    step.step(X, y, opt)
    # The eager graph of 10 samples referred to w from 10 dot nodes and the penalty; once
    # compiled, only the compiled graph's list of leaves does.
    assert sys.getrefcount(w) == alone + 1


def test_fit_compiles_by_default_only_where_a_replay_is_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 14: compiled training is the default for nn's own models and losses; a custom
    # module (which may branch on .data) and compile=False take the eager path.
    calls: list[int] = []
    real = CompiledStep.step

    def counting(self: CompiledStep, X: Any, y: Any, optimizer: Any) -> float:
        calls.append(len(X))
        return real(self, X, y, optimizer)

    monkeypatch.setattr(CompiledStep, "step", counting)
    X, y = nn.make_moons(24, noise=0.1, seed=0)

    def train(model: Any, **options: Any) -> None:
        opt = nn.SGD(model.parameters(), lr=0.1)
        nn.fit(model, X, y, loss=nn.hinge_loss, optimizer=opt, progress=False, **options)

    train(nn.MLP(2, [4, 1], seed=0), epochs=2, batch_size=10)
    assert calls == [10, 10, 4, 10, 10, 4]

    class Doubler(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = nn.MLP(2, [4, 1], seed=0)

        def forward(self, x: Any) -> Any:
            return self.inner(x) * 2.0

    calls.clear()
    train(Doubler(), epochs=1)
    train(nn.MLP(2, [4, 1], seed=0), epochs=1, compile=False)
    assert calls == []
    train(Doubler(), epochs=1, compile=True)
    assert calls == [24]


# --- the vectorised optimizer step ------------------------------------------------------------

OPTIMIZERS = {
    "sgd": lambda ps: nn.SGD(ps, lr=0.05),
    "sgd momentum + decay": lambda ps: nn.SGD(ps, lr=0.05, momentum=0.9, weight_decay=1e-3),
    "sgd nesterov": lambda ps: nn.SGD(ps, lr=0.05, momentum=0.8, nesterov=True),
    "adam + L2": lambda ps: nn.Adam(ps, lr=0.01, weight_decay=1e-2),
    "adamw": lambda ps: nn.AdamW(ps, lr=0.01, weight_decay=0.1),
}


@pytest.mark.parametrize("kind", sorted(OPTIMIZERS))
def test_step_arrays_is_step_to_the_last_bit(kind: str) -> None:
    rng = np.random.default_rng(1)
    data = rng.normal(size=7)
    ps = [Value(float(x)) for x in data]
    eager, arrays = OPTIMIZERS[kind](ps), OPTIMIZERS[kind]([Value(0.0) for _ in ps])
    for _ in range(4):
        grads = rng.normal(size=7)
        for p, g in zip(ps, grads):
            p.grad = float(g)
        eager.step()
        data = arrays.step_arrays(data, grads)
        assert data.tolist() == [p.data for p in ps]  # ==, not close: the same arithmetic
    # The state kept as arrays comes back as each parameter's dict, equal to eager's.
    assert arrays.state_dict() == eager.state_dict()


def test_step_arrays_refuses_states_of_different_shapes() -> None:
    a, b = Value(1.0), Value(2.0)
    opt = nn.SGD([a, b], lr=0.1, momentum=0.9)
    opt.load_state_dict({"state": {0: {"momentum_buffer": 1.0}}, "param_groups": [
        {"lr": 0.1, "momentum": 0.9, "nesterov": False, "weight_decay": 0.0, "params": [0, 1]}
    ]})  # fmt: skip
    assert opt.step_arrays(np.array([1.0, 2.0]), np.array([1.0, 1.0])) is None
    assert opt.state[a] == {"momentum_buffer": 1.0} and opt.state[b] == {}  # unchanged


@pytest.mark.parametrize("kind", ["sgd momentum + decay", "adamw"])
def test_state_dict_after_compiled_training_resumes_like_eager(kind: str) -> None:
    X, y = nn.make_spirals(24, n_classes=3, seed=3)
    eager_model, model = (nn.MLP(2, [6, 3], seed=2) for _ in range(2))
    make = OPTIMIZERS[kind]
    eager_opt, opt = make(eager_model.parameters()), make(model.parameters())
    step = CompiledStep(model, nn.cross_entropy)
    batches = [(X[i : i + 8], y[i : i + 8]) for i in range(0, 24, 8)] * 3
    for Xb, yb in batches[:4]:
        _eager_step(eager_model, nn.cross_entropy, eager_opt, Xb, yb, 0.0)
        step.step(Xb, yb, opt)
    saved = opt.state_dict()
    want = eager_opt.state_dict()
    assert saved["param_groups"] == want["param_groups"]
    assert saved["state"].keys() == want["state"].keys()
    for i, entry in want["state"].items():
        for key, value in entry.items():
            assert math.isclose(saved["state"][i][key], value, rel_tol=1e-12, abs_tol=1e-15)
    # Resume: a new optimizer loads the state; compiled and eager go on and stay equal.
    resumed = make(model.parameters())
    resumed.load_state_dict(saved)
    for Xb, yb in batches[4:]:
        _eager_step(eager_model, nn.cross_entropy, eager_opt, Xb, yb, 0.0)
        step.step(Xb, yb, resumed)
    np.testing.assert_allclose(_params(model), _params(eager_model), rtol=1e-12, atol=1e-15)
    # ... and the gradients the step left in .grad are eager's (zero_grad, then backward).
    got = [p.grad for p in model.parameters()]
    np.testing.assert_allclose(got, [p.grad for p in eager_model.parameters()], rtol=1e-12)


def test_an_optimizer_with_a_rule_of_its_own_steps_a_parameter_at_a_time() -> None:
    class SignSGD(nn.SGD):  # math.copysign works on floats only, not on arrays
        def _rule(self, data: Any, grad: Any, state: Any) -> Any:
            return data - self.lr * math.copysign(1.0, grad)

    X, y = nn.make_moons(16, seed=0)
    eager_model, model = (nn.MLP(2, [4, 1], seed=1) for _ in range(2))
    eager_opt, opt = SignSGD(eager_model.parameters(), 0.1), SignSGD(model.parameters(), 0.1)
    step = CompiledStep(model, nn.hinge_loss)
    for _ in range(3):
        _eager_step(eager_model, nn.hinge_loss, eager_opt, X, y, 0.0)
        step.step(X, y, opt)
    np.testing.assert_allclose(_params(model), _params(eager_model), rtol=1e-12)
