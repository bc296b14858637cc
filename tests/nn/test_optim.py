"""Optimizers and schedules: hand-computed steps, PyTorch's optimizers, closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value
from nn import SGD, Adam, AdamW, CosineAnnealingLR, LinearLR, Optimizer, StepLR

GRADS = [2.0, -1.0, 0.5]  # the gradient the parameter sees at steps 1, 2, 3


def run(opt: Optimizer, p: Value, grads: list[float] = GRADS) -> list[float]:
    """Feed ``grads`` to ``p`` one step at a time; the parameter after each step."""
    out = []
    for g in grads:
        opt.zero_grad()
        p.grad = g
        opt.step()
        out.append(p.data)
    return out


# --- by hand ------------------------------------------------------------------------------


def test_plain_sgd_is_the_tutorial_update() -> None:
    p = Value(1.0)
    # p - lr * g: 1 - 0.2 = 0.8; 0.8 + 0.1 = 0.9; 0.9 - 0.05 = 0.85
    assert run(SGD([p], lr=0.1), p) == pytest.approx([0.8, 0.9, 0.85], abs=1e-15)


def test_sgd_momentum_by_hand() -> None:
    p = Value(1.0)
    # step 1: b = g = 2            p = 1 - 0.1 * 2        = 0.8
    # step 2: b = 0.9 * 2 - 1      = 0.8,  p = 0.8 - 0.08   = 0.72
    # step 3: b = 0.9 * 0.8 + 0.5  = 1.22, p = 0.72 - 0.122 = 0.598
    assert run(SGD([p], lr=0.1, momentum=0.9), p) == pytest.approx([0.8, 0.72, 0.598], abs=1e-15)


def test_sgd_nesterov_by_hand() -> None:
    p = Value(1.0)
    # step 1: b = 2,    step g + 0.9 b = 2 + 1.8 = 3.8,       p = 1 - 0.38 = 0.62
    # step 2: b = 0.8,  step -1 + 0.72 = -0.28,               p = 0.62 + 0.028 = 0.648
    # step 3: b = 1.22, step 0.5 + 1.098 = 1.598,             p = 0.648 - 0.1598 = 0.4882
    opt = SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    assert run(opt, p) == pytest.approx([0.62, 0.648, 0.4882], abs=1e-15)


def test_sgd_weight_decay_is_added_to_the_gradient() -> None:
    p = Value(1.0)
    # g + wd * p = 2 + 0.5 * 1 = 2.5, p = 1 - 0.1 * 2.5 = 0.75
    assert run(SGD([p], lr=0.1, weight_decay=0.5), p, [2.0]) == pytest.approx([0.75])


def test_adam_by_hand() -> None:
    p = Value(1.0)
    # step 1: m = 0.2, v = 0.004; m_hat = 2, v_hat = 4
    #         p = 1 - 0.1 * 2 / (2 + 1e-8) = 0.9000000005
    # step 2: m = 0.18 - 0.1 = 0.08, v = 0.003996 + 0.001 = 0.004996
    #         m_hat = 0.08 / 0.19 = 0.42105263, v_hat = 0.004996 / 0.001999 = 2.49924962
    #         p = 0.9000000005 - 0.1 * 0.42105263 / 1.58090152 = 0.87336630
    # step 3: m = 0.072 + 0.05 = 0.122, v = 0.004991004 + 0.00025 = 0.005241004
    #         m_hat = 0.122 / 0.271 = 0.45018450, v_hat = 0.005241004 / 0.002997001 = 1.74874950
    #         p = 0.87336630 - 0.1 * 0.45018450 / 1.32240292 = 0.83932338
    expected = [0.9000000005, 0.87336630, 0.83932338]
    assert run(Adam([p], lr=0.1), p) == pytest.approx(expected, abs=1e-8)


def test_adamw_weight_decay_is_decoupled() -> None:
    # Issue 11: the decoupled decay (Adam's old behaviour) is AdamW now.
    p = Value(1.0)
    # p * (1 - lr * wd) = 0.99 first, then the usual first step of about lr: 0.89
    assert run(AdamW([p], lr=0.1, weight_decay=0.1), p, [2.0]) == pytest.approx([0.89], abs=1e-8)
    q = Value(1.0)
    # With zero gradient only the decay moves it: Adam's step is 0 / (0 + eps) = 0.
    assert run(AdamW([q], lr=0.1, weight_decay=0.1), q, [0.0]) == [0.99]


def test_adam_weight_decay_is_added_to_the_gradient() -> None:
    p = Value(1.0)
    # g = 0 + 0.1 * 1 = 0.1: the L2 term goes through the moments, so the first step is
    # about lr (not the 0.01 of the decoupled decay): 1 - 0.1 * 0.1 / (0.1 + 1e-8)
    assert run(Adam([p], lr=0.1, weight_decay=0.1), p, [0.0]) == pytest.approx([0.9], abs=1e-8)
    q = Value(1.0)
    # A gradient of -0.1 cancels the L2 term exactly: nothing moves.
    assert run(Adam([q], lr=0.1, weight_decay=0.1), q, [-0.1]) == [1.0]


def test_lr_can_change_between_steps() -> None:
    p = Value(1.0)
    opt = SGD([p], lr=0.1)
    p.grad = 1.0
    opt.step()
    opt.lr = 0.5
    opt.step()
    assert p.data == pytest.approx(1.0 - 0.1 - 0.5)


def test_zero_grad_and_duplicates() -> None:
    a, b = Value(1.0), Value(2.0)
    opt = SGD([a, b, a], lr=1.0)
    assert opt.params == [a, b]  # a shared parameter is updated once per step
    a.grad, b.grad = 1.0, 1.0
    opt.step()
    assert (a.data, b.data) == (0.0, 1.0)
    opt.zero_grad()
    assert (a.grad, b.grad) == (0.0, 0.0)


# --- against PyTorch ------------------------------------------------------------------------

CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "betas": (0.85, 0.995), "weight_decay": 0.3}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.02}),
]


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS)
def test_optimizers_match_torch(name: str, kwargs: dict[str, object]) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    start = rng.normal(size=5)
    ours_params = [Value(x) for x in start]
    theirs = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    ours: Optimizer = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}[name](
        ours_params,
        **kwargs,  # type: ignore[arg-type]
    )
    torch_opt = getattr(torch.optim, name)([theirs], **kwargs)
    for step in range(6):
        if step == 3:  # a schedule changing lr mid-run must be honoured by both
            ours.lr /= 2
            for group in torch_opt.param_groups:
                group["lr"] /= 2
        grads = rng.normal(size=5)
        ours.zero_grad()
        for p, g in zip(ours_params, grads):
            p.grad = float(g)
        ours.step()
        theirs.grad = torch.tensor(grads, dtype=torch.float64)
        torch_opt.step()
        np.testing.assert_allclose([p.data for p in ours_params], theirs.detach().numpy(), 1e-13)


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda ps: SGD(ps, lr=-0.1), "lr must be >= 0, got -0.1"),
        (lambda ps: SGD(ps, lr=float("nan")), "lr must be >= 0, got nan"),
        (lambda ps: SGD(ps, lr=0.1, momentum=1.5), "momentum must be in .0, 1., got 1.5"),
        (lambda ps: SGD(ps, lr=0.1, nesterov=True), "nesterov=True needs momentum > 0"),
        (lambda ps: SGD(ps, lr=0.1, weight_decay=-1), "weight_decay must be >= 0, got -1"),
        (lambda ps: Adam(ps, lr=-1.0), "lr must be >= 0, got -1.0"),
        (lambda ps: Adam(ps, betas=(0.9, 1.0)), r"betas\[1\] must be in .0, 1., got 1.0"),
        (lambda ps: Adam(ps, betas=(-0.1, 0.9)), r"betas\[0\] must be in .0, 1., got -0.1"),
        (lambda ps: Adam(ps, eps=-1e-8), "eps must be >= 0, got -1e-08"),
        (lambda ps: Adam([]), r"empty parameter list: \[\]"),
        (lambda ps: SGD([], lr=0.1), r"empty parameter list: \[\]"),
    ],
)
def test_bad_arguments_raise_with_the_value(make: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make([Value(1.0)])  # type: ignore[operator]


def test_params_must_be_values() -> None:
    with pytest.raises(TypeError, match="optimizes Values, got float"):
        SGD([1.0], lr=0.1)  # type: ignore[list-item]


# --- schedules ------------------------------------------------------------------------------


def lrs(sched: StepLR | LinearLR | CosineAnnealingLR, epochs: int) -> list[float]:
    out = []
    for _ in range(epochs):
        out.append(sched.optimizer.lr)
        sched.step()
    return out


def test_step_lr_closed_form() -> None:
    opt = SGD([Value(0.0)], lr=0.8)
    got = lrs(StepLR(opt, step_size=3, gamma=0.5), 10)
    assert got == pytest.approx([0.8 * 0.5 ** (t // 3) for t in range(10)], rel=1e-15)


def test_linear_lr_closed_form() -> None:
    opt = SGD([Value(0.0)], lr=0.3)
    sched = LinearLR(opt, start_factor=0.25, end_factor=0.75, total_iters=4)
    assert opt.lr == pytest.approx(0.075)  # made: epoch 0 at once, as in PyTorch
    expected = [0.3 * (0.25 + 0.5 * min(t, 4) / 4) for t in range(8)]
    assert lrs(sched, 8) == pytest.approx(expected, rel=1e-15)


def test_cosine_closed_form() -> None:
    opt = SGD([Value(0.0)], lr=1.0)
    sched = CosineAnnealingLR(opt, T_max=10, eta_min=0.1)
    expected = [0.1 + 0.9 * (1 + math.cos(math.pi * t / 10)) / 2 for t in range(11)]
    got = lrs(sched, 11)
    assert got == pytest.approx(expected, rel=1e-15)
    assert got[0] == 1.0 and got[5] == pytest.approx(0.55) and got[10] == pytest.approx(0.1)
    assert sched.get_last_lr() == opt.lr


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("StepLR", {"step_size": 3, "gamma": 0.3}),
        ("LinearLR", {}),
        ("LinearLR", {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 7}),
        ("CosineAnnealingLR", {"T_max": 8, "eta_min": 0.01}),
    ],
)
def test_schedules_match_torch(name: str, kwargs: dict[str, float]) -> None:
    torch = pytest.importorskip("torch")
    import nn

    opt = SGD([Value(0.0)], lr=0.5)
    ours = getattr(nn, name)(opt, **kwargs)
    torch_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    theirs = getattr(torch.optim.lr_scheduler, name)(torch_opt, **kwargs)
    for _ in range(12):  # past T_max and total_iters
        assert opt.lr == pytest.approx(torch_opt.param_groups[0]["lr"], rel=1e-12, abs=1e-15)
        torch_opt.step()
        ours.step()
        theirs.step()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda o: StepLR(o, step_size=0), "step_size must be a positive int, got 0"),
        (lambda o: LinearLR(o, start_factor=0.0), r"start_factor must be in \(0, 1\], got 0.0"),
        (lambda o: CosineAnnealingLR(o, T_max=-1), "T_max must be a positive int, got -1"),
    ],
)
def test_bad_schedule_arguments(make: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make(SGD([Value(0.0)], lr=0.1))  # type: ignore[operator]


# --- state: per parameter, state_dict, load_state_dict --------------------------------------


def _stepped(make: type[Optimizer], steps: int, **kwargs: object) -> tuple[list[Value], Optimizer]:
    rng = np.random.default_rng(3)
    params = [Value(float(x)) for x in rng.normal(size=4)]
    opt = make(params, **kwargs)  # type: ignore[arg-type]
    for _ in range(steps):
        for p, g in zip(params, rng.normal(size=4)):
            p.grad = float(g)
        opt.step()
    return params, opt


STATEFUL = [
    (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (Adam, {"lr": 0.05, "weight_decay": 0.01}),
    (AdamW, {"lr": 0.05, "betas": (0.8, 0.99)}),
]


def test_state_is_a_dict_keyed_by_the_parameter() -> None:
    a, b = Value(1.0), Value(2.0)
    opt = Adam([a, b], lr=0.1)
    a.grad, b.grad = 2.0, -4.0
    opt.step()
    assert set(opt.state) == {a, b}
    assert opt.state[a] == {
        "step": 1,
        "exp_avg": pytest.approx(0.2),
        "exp_avg_sq": pytest.approx(0.004),
    }
    assert opt.state[b]["exp_avg"] == pytest.approx(-0.4)
    momentum = SGD([a], lr=0.1, momentum=0.5)
    assert momentum.state == {a: {}}  # nothing until the first step
    momentum.step()
    assert momentum.state[a] == {"momentum_buffer": 2.0}  # b = g on the first step


@pytest.mark.parametrize(("make", "kwargs"), STATEFUL)
def test_state_dict_round_trips_through_json_and_training_resumes_exactly(
    make: type[Optimizer], kwargs: dict[str, object]
) -> None:
    import json

    params, opt = _stepped(make, 3, **kwargs)
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"] and sorted(sd["state"]) == [0, 1, 2, 3]
    assert sd["param_groups"][0]["params"] == [0, 1, 2, 3]
    assert sd["param_groups"][0]["lr"] == kwargs["lr"]
    text = json.dumps(sd, allow_nan=False)
    # A fresh optimizer over a copy of the parameters, given the state, continues the run.
    copies = [Value(p.data) for p in params]
    other = make(copies, lr=1.0)  # type: ignore[call-arg]
    other.load_state_dict(json.loads(text))
    assert other.state_dict() == sd  # settings too (lr 1.0 was replaced)
    rng = np.random.default_rng(9)
    for _ in range(3):
        grads = rng.normal(size=4)
        for ps, o in ((params, opt), (copies, other)):
            for p, g in zip(ps, grads):
                p.grad = float(g)
            o.step()
    assert [p.data for p in copies] == [p.data for p in params]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda sd: sd.pop("state"), "keys 'state' and 'param_groups'"),
        (lambda sd: sd["param_groups"][0]["params"].pop(), "holds 4"),
        (lambda sd: sd["param_groups"][0].pop("eps"), "settings"),
        (lambda sd: sd["param_groups"][0].update(lr=-1.0), "lr must be >= 0, got -1.0"),
        (lambda sd: sd["state"].update({7: sd["state"][0]}), "no parameter with index 7"),
        (lambda sd: sd["state"][1].update(exp_avg=float("nan")), r"\['exp_avg'\].*nan"),
        (lambda sd: sd["state"][1].update(step=0.5), r"\['step'\]"),
        (lambda sd: sd["state"][2].pop("exp_avg_sq"), "must hold the keys"),
    ],
)
def test_a_bad_state_dict_raises_and_leaves_the_optimizer_untouched(
    change: object, match: str
) -> None:
    import copy

    from nn import SerializationError

    _, opt = _stepped(Adam, 2, lr=0.1)
    before = opt.state_dict()
    sd = copy.deepcopy(before)
    change(sd)  # type: ignore[operator]
    with pytest.raises(SerializationError, match=match):
        opt.load_state_dict(sd)
    assert opt.state_dict() == before


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            lambda sd: sd["state"].update({"\u00b2": sd["state"]["0"]}),
            "no parameter with index '²'",
        ),
        (lambda sd: sd["state"].update({"\u0661": sd["state"]["0"]}), "no parameter with index"),
        (lambda sd: sd["state"].update({"9" * 5000: sd["state"]["0"]}), "no parameter with index"),
        (lambda sd: sd["state"].update({"x" * 10**6: {}}), "no parameter with index"),
        (lambda sd: sd["state"].update({True: sd["state"]["0"]}), "no parameter with index True"),
        (lambda sd: sd["state"]["1"].update(step="9" * 10**6), r"\['step'\] must be a finite"),
        (lambda sd: sd["state"]["1"].update(exp_avg=[[0.0] * 10**5]), r"\['exp_avg'\]"),
        (lambda sd: sd["param_groups"][0].update({1: 2, "z" * 10**5: 0}), "settings"),
        (lambda sd: sd.update(state=[0.0] * 10**6), "'state' must be a dict"),
    ],
)
def test_a_hostile_state_dict_gets_a_short_serialization_error(change: object, match: str) -> None:
    # From a JSON round trip, as a saved optimizer comes back: the keys are strings.
    import json

    from nn import SerializationError
    from nn.state import MAX_MESSAGE

    _, opt = _stepped(Adam, 2, lr=0.1)
    before = opt.state_dict()
    sd = json.loads(json.dumps(before))
    change(sd)  # type: ignore[operator]
    with pytest.raises(SerializationError, match=match) as info:
        opt.load_state_dict(sd)
    assert len(str(info.value)) <= MAX_MESSAGE
    assert opt.state_dict() == before


def test_an_sgd_state_does_not_load_into_adam() -> None:
    from nn import SerializationError

    _, sgd = _stepped(SGD, 1, lr=0.1, momentum=0.9)
    _, adam = _stepped(Adam, 1, lr=0.1)
    before = adam.state_dict()
    with pytest.raises(SerializationError, match="settings"):
        adam.load_state_dict(sgd.state_dict())
    assert adam.state_dict() == before
