"""gradcheck and gradgradcheck: they pass correct gradients, catch wrong ones, and name them."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import (
    GradcheckError,
    GradcheckReport,
    NonSmoothWarning,
    Value,
    gradcheck,
    gradgradcheck,
    no_grad,
    ops,
)

away_from_zero = st.one_of(st.floats(-3.0, -0.1), st.floats(0.1, 3.0))


@pytest.fixture
def strict_smooth() -> Iterator[None]:
    """Turn NonSmoothWarning into an error: the check must not cry kink in this test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonSmoothWarning)
        yield


# --- correct gradients pass -----------------------------------------------------------------


SMOOTH: list[tuple[str, Callable[..., Value], list[float]]] = [
    ("product and exp", lambda x, y: x * y + x.exp(), [0.7, -1.3]),
    ("quotient", lambda x, y: x / y - y / x, [1.5, -2.5]),
    ("powers", lambda x, y: x**y + 2**x + y**3, [1.2, 0.8]),
    ("squashes", lambda x, y, z: (x * y).tanh() + z.sigmoid() * x.sin() - y.cos(),
     [0.4, -0.9, 2.0]),
    ("log sqrt", lambda x: x.log() * x.sqrt(), [2.0]),
    ("dot and sum", lambda a, b, c: autograd.dot([a, b], [c, a], b) + autograd.vsum([a, c, c]),
     [0.3, -1.1, 2.2]),
]  # fmt: skip


ARGUMENTS = {
    "product and exp": ["x", "y"],
    "quotient": ["x", "y"],
    "powers": ["x", "y"],
    "squashes": ["x", "y", "z"],
    "log sqrt": ["x"],
    "dot and sum": ["a", "b", "c"],
}


@pytest.mark.parametrize(("name", "fn", "inputs"), SMOOTH, ids=[row[0] for row in SMOOTH])
@pytest.mark.usefixtures("strict_smooth")
def test_correct_gradients_pass(name: str, fn: Callable[..., Value], inputs: list[float]) -> None:
    report = gradcheck(fn, inputs)
    assert report, str(report)
    # Rows are named after fn's arguments (item 6 of issue 16), not x[0], x[1].
    assert [e.name for e in report.entries] == ARGUMENTS[name]
    assert [e.status for e in report.entries] == ["ok"] * len(inputs)
    assert [e.value for e in report.entries] == inputs
    for e in report.entries:
        assert e.abs_err == abs(e.analytic - e.numeric)
        assert e.abs_err <= 1e-5 + 1e-3 * abs(e.numeric)


@pytest.mark.parametrize(("name", "fn", "inputs"), SMOOTH, ids=[row[0] for row in SMOOTH])
@pytest.mark.usefixtures("strict_smooth")
def test_correct_second_derivatives_pass(
    name: str, fn: Callable[..., Value], inputs: list[float]
) -> None:
    report = gradgradcheck(fn, inputs)
    assert report, str(report)
    n = len(inputs)
    assert [e.index for e in report.entries] == [(i, j) for i in range(n) for j in range(n)]


def test_report_values_are_the_true_derivatives() -> None:
    report = gradcheck(lambda x, y: x * x * y, [3.0, 2.0])
    (dx, dy) = report.entries
    assert dx.analytic == 12.0 and dy.analytic == 9.0
    assert math.isclose(dx.numeric, 12.0, rel_tol=1e-8)
    assert math.isclose(dy.numeric, 9.0, rel_tol=1e-8)
    hessian = gradgradcheck(lambda x, y: x * x * y, [3.0, 2.0])
    assert [e.analytic for e in hessian.entries] == [4.0, 6.0, 6.0, 0.0]
    for e, want in zip(hessian.entries, [4.0, 6.0, 6.0, 0.0]):
        assert math.isclose(e.numeric, want, abs_tol=1e-7)


# --- wrong gradients fail, by name ----------------------------------------------------------


def test_detached_factor_is_caught_and_named() -> None:
    # x * x.data: backprop sees a constant factor 3, so it says 3; the truth is 2x = 6.
    report = gradcheck(lambda x: x * x.data, [3.0])
    assert not report
    (entry,) = report.failures
    assert entry.name == "x" and entry.status == "FAIL"
    assert entry.analytic == 3.0
    assert math.isclose(entry.numeric, 6.0, rel_tol=1e-6)
    assert math.isclose(entry.rel_err, 0.5, rel_tol=1e-6)
    text = str(report)
    assert "FAILED (1 of 1 entries)" in text
    row = next(line for line in text.splitlines() if line.startswith("x "))
    assert row.split() == ["x", "3", "3", f"{entry.numeric:.10g}", "3", "0.5", "FAIL"]


def test_only_the_wrong_input_fails() -> None:
    # d/dy of x * y.data + y * y is 2y by backprop but x + 2y truly; d/dx is right.
    report = gradcheck(lambda x, y: x * y.data + y * y, [1.5, -0.5])
    assert [e.status for e in report.entries] == ["ok", "FAIL"]
    assert [e.name for e in report.failures] == ["y"]
    lines = str(report).splitlines()
    assert lines[0].startswith("gradcheck FAILED (1 of 2 entries)")
    header = ["input", "value", "analytic", "numeric", "abs", "err", "rel", "err", "status"]
    assert lines[1].split() == header
    assert lines[2].endswith("ok") and lines[3].endswith("FAIL")
    assert len(lines) == 4


@given(x=away_from_zero)
def test_detached_factor_is_caught_everywhere(x: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonSmoothWarning)
        report = gradcheck(lambda v: v * v.data, [x])
    assert not report
    assert report.entries[0].status == "FAIL"


@given(x=st.floats(-3.0, 3.0))
def test_smooth_functions_pass_everywhere(x: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonSmoothWarning)
        assert gradcheck(lambda v: (v * 2.0).sin() * v.exp() + v * v * v, [x])
        assert gradgradcheck(lambda v: (v * 2.0).sin() * v.exp() + v * v * v, [x])


@pytest.mark.usefixtures("strict_smooth")
def test_curvature_is_not_mistaken_for_a_kink() -> None:
    # sin(3000x) bends so fast that the one-sided differences disagree, but the gap shrinks
    # with the step as a smooth function's does: a wrong gradient here is a failure, not a kink.
    assert gradcheck(lambda x: (x * 3000.0).sin() * x, [0.1])
    report = gradcheck(lambda x: (x * 3000.0).sin() * x.data, [0.1])
    assert [e.status for e in report.entries] == ["FAIL"]


def test_raise_on_failure_raises_with_the_table() -> None:
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: x * y.data + y * y, [1.5, -0.5], raise_on_failure=True)
    assert isinstance(info.value, AssertionError)
    assert str(info.value) == str(info.value.report)
    assert "\ny " in str(info.value) and "FAIL" in str(info.value)
    assert isinstance(info.value.report, GradcheckReport)
    assert not info.value.report


def test_raise_on_failure_is_silent_when_correct() -> None:
    report = gradcheck(lambda x: x * x, [3.0], raise_on_failure=True)
    assert report
    assert gradgradcheck(lambda x: x * x * x, [3.0], raise_on_failure=True)


def test_gradgradcheck_catches_a_detached_second_derivative() -> None:
    report = gradgradcheck(lambda x: x * x.data, [3.0])
    assert not report
    (entry,) = report.entries
    assert (entry.name, entry.analytic, entry.status) == ("x,x", 0.0, "FAIL")
    assert math.isclose(entry.numeric, 1.0, rel_tol=1e-6)  # d/dx of backprop's gradient x0
    with pytest.raises(GradcheckError, match=r"gradgradcheck FAILED.*\n.*entry"):
        gradgradcheck(lambda x: x * x.data, [3.0], raise_on_failure=True)


def test_gradgradcheck_catches_a_rule_that_is_right_only_to_first_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A tanh rule computed from floats is right for backward() but cuts the graph under
    # create_graph=True, so the second derivative comes out 0. Only gradgradcheck can see it.
    monkeypatch.setattr(ops.TANH, "local", lambda out, a: (1.0 - float(out) ** 2,))
    fn = lambda x, y: (x * y).tanh()  # noqa: E731
    assert gradcheck(fn, [0.5, 0.8])
    report = gradgradcheck(fn, [0.5, 0.8])
    every = ["x,x", "x,y", "y,x", "y,y"]
    assert [e.name for e in report.failures] == every


# --- kinks warn instead of failing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "one_sided"),
    [(lambda x: x.relu(), (0.0, 1.0)), (lambda x: abs(x), (-1.0, 1.0))],
    ids=["relu", "abs"],
)
def test_a_kink_warns_instead_of_failing(
    fn: Callable[[Value], Value], one_sided: tuple[float, float]
) -> None:
    with pytest.warns(NonSmoothWarning, match=r"in x at 0\.0") as caught:
        report = gradcheck(fn, [0.0])
    assert report
    (entry,) = report.entries
    assert entry.status == "kink" and entry.passed
    assert entry.one_sided is not None
    assert entry.one_sided == pytest.approx(one_sided, abs=1e-6)
    assert len(caught) == 1 and caught[0].filename == __file__  # points at the caller


def test_a_kink_only_excuses_its_own_input() -> None:
    with pytest.warns(NonSmoothWarning) as caught:
        report = gradcheck(lambda x, y: x.relu() * 2.0 + y * y.data, [0.0, 1.5])
    assert [e.status for e in report.entries] == ["kink", "FAIL"]
    assert len(caught) == 1 and "smooth in x at" in str(caught[0].message)


def test_a_kink_near_the_input_warns_instead_of_failing() -> None:
    # 1e-7 is within one step of relu's kink: the central difference straddles it.
    with pytest.warns(NonSmoothWarning):
        report = gradcheck(lambda x: x.relu(), [1e-7])
    assert report and report.entries[0].status == "kink"


def test_a_wrong_value_at_a_kink_still_fails() -> None:
    # |x| + 2x has one-sided slopes 1 and 3 at 0; backprop's 0 (the 2x is detached) is not
    # between them, so no rule for the kink could give it.
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonSmoothWarning)
        report = gradcheck(lambda x: abs(x) + 2.0 * x.data, [0.0])
    assert [e.status for e in report.entries] == ["FAIL"]


def test_gradgradcheck_warns_at_a_kink_of_the_gradient() -> None:
    # d/dx relu(x) * x is 2x for x > 0 and 0 below: the gradient has a kink at 0.
    with pytest.warns(NonSmoothWarning, match=r"d fn / d x is not smooth in x "):
        report = gradgradcheck(lambda x: x.relu() * x, [0.0])
    assert report and report.entries[0].status == "kink"


# --- bad calls -------------------------------------------------------------------------------


def test_the_callers_values_keep_their_grads() -> None:
    w = Value(2.0)
    w.grad = 0.25
    assert gradcheck(lambda x: x * w, [3.0])
    assert gradgradcheck(lambda x: x * x * w, [3.0])
    assert w.grad == 0.25


def test_refuses_to_run_inside_no_grad() -> None:
    with no_grad(), pytest.raises(RuntimeError, match=r"outside no_grad\(\)"):
        gradcheck(lambda x: x * x, [1.0])
    with no_grad(), pytest.raises(RuntimeError, match=r"outside no_grad\(\)"):
        gradgradcheck(lambda x: x * x, [1.0])


def test_fn_must_return_a_value() -> None:
    with pytest.raises(TypeError, match="fn must return a Value, got float"):
        gradcheck(lambda x: x.data * 2.0, [1.0])


@pytest.mark.parametrize(
    ("inputs", "error", "match"),
    [
        ("12", TypeError, "sequence of floats, got str"),
        (3.0, TypeError, "sequence of floats, got float"),
        ([math.nan], ValueError, r"x\[0\] is not finite: nan"),
        ([1.0, math.inf], ValueError, r"x\[1\] is not finite: inf"),
    ],
)
def test_bad_inputs_are_refused(inputs: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        gradcheck(lambda *xs: xs[0], inputs)  # type: ignore[arg-type]


@pytest.mark.parametrize("eps", [0.0, -1e-6, math.nan])
def test_a_bad_step_is_refused(eps: float) -> None:
    with pytest.raises(ValueError, match="eps must be a positive finite step"):
        gradcheck(lambda x: x * x, [1.0], eps=eps)


@pytest.mark.parametrize("check", ["gradcheck", "gradgradcheck"])
@pytest.mark.parametrize(
    ("setting", "value", "error", "match"),
    [
        ("atol", -1.0, ValueError, r"atol must be a finite number >= 0, got -1\.0"),
        ("rtol", math.nan, ValueError, r"rtol must be a finite number >= 0, got nan"),
        ("atol", math.inf, ValueError, r"atol must be a finite number >= 0, got inf"),
        ("rtol", -1e-9, ValueError, r"rtol must be"),
        ("eps", math.inf, ValueError, r"eps must be a positive finite step, got inf"),
        ("atol", "0.1", TypeError, r"atol must be a number, got str"),
        ("rtol", True, TypeError, r"rtol must be a number, got bool"),
    ],
)
def test_a_bad_tolerance_is_refused(
    check: str, setting: str, value: object, error: type[Exception], match: str
) -> None:
    fn = getattr(autograd, check)
    with pytest.raises(error, match=rf"^{check}: {match}"):
        fn(lambda x: x * x, [1.0], **{setting: value})


def test_tolerances_decide_the_verdict() -> None:
    # The central difference of x**3 at 1 with a big step is 3 + eps**2: off by 1e-4.
    assert not gradcheck(lambda x: x**3, [1.0], eps=1e-2, atol=1e-6, rtol=1e-6)
    assert gradcheck(lambda x: x**3, [1.0], eps=1e-2, atol=2e-4, rtol=0.0)
    assert gradcheck(lambda x: x**3, [1.0], eps=1e-2, atol=0.0, rtol=1e-4)


@pytest.mark.usefixtures("strict_smooth")
@pytest.mark.parametrize("x", [3e7, 12345678.9, -1e9])
def test_large_inputs_are_neither_failures_nor_kinks(x: float) -> None:
    # Far from 0, x + eps is not x + 1e-6 exactly, and rounding of f moves one-sided
    # differences by ~1e-2: the check divides by the step really taken and knows rounding
    # noise from a kink.
    report = gradcheck(lambda v: v * 3.0 + 1.0, [x])
    assert report and report.entries[0].status == "ok"
    assert report.entries[0].numeric == pytest.approx(3.0, rel=1e-3)


def test_a_step_lost_in_rounding_is_refused() -> None:
    lost = r"step 1e-06 is lost in rounding at v = 1000000000000.0"
    with pytest.raises(ValueError, match=lost):
        gradcheck(lambda v: v * 3.0, [1e12])
    assert gradcheck(lambda v: v * 3.0, [1e12], eps=1.0)


# --- names, parameters moved in place, sampling, probes outside the domain ------------------


def test_rows_are_named_after_the_arguments_or_the_dict_keys() -> None:
    def affine(w: Value, x: Value, b: Value) -> Value:
        return w * x + b

    report = gradcheck(affine, [2.0, 3.0, 1.0])
    assert [e.name for e in report.entries] == ["w", "x", "b"]
    assert [e.analytic for e in report.entries] == [3.0, 2.0, 1.0]
    assert "\nw " in str(report) and "x[0]" not in str(report)
    named = gradcheck(lambda *xs: xs[0] * xs[1], {"speed": 2.0, "time": 5.0})
    assert [(e.name, e.analytic) for e in named.entries] == [("speed", 5.0), ("time", 2.0)]
    # No names to find: *args, or a callable without a signature, falls back to x[k].
    assert [e.name for e in gradcheck(lambda *xs: xs[0] * xs[1], [1.0, 2.0]).entries] == [
        "x[0]",
        "x[1]",
    ]
    hessian = gradgradcheck(affine, {"w": 2.0, "x": 3.0, "b": 1.0})
    assert [e.name for e in hessian.entries][:3] == ["w,w", "w,x", "w,b"]


def test_the_leaves_fn_receives_carry_the_names() -> None:
    seen: list[str] = []

    def fn(w: Value, b: Value) -> Value:
        seen.extend([w.label, b.label])
        return w * b

    gradcheck(fn, [1.0, 2.0])
    assert seen[:2] == ["w", "b"]


def test_values_that_fn_reads_itself_are_moved_and_put_back() -> None:
    w, b = Value(0.5, "w"), Value(-1.25, "b")
    w.grad, b.grad = 0.125, -7.0
    seen: list[float] = []

    def loss() -> Value:
        seen.append(w.data)
        return (w * 3.0 + b - 2.0) ** 2 + w.tanh()

    report = gradcheck(loss, [w, b])
    assert report and [e.name for e in report.entries] == ["w", "b"]
    err = 0.5 * 3.0 - 1.25 - 2.0
    assert report.entries[0].analytic == pytest.approx(6.0 * err + 1.0 - math.tanh(0.5) ** 2)
    assert report.entries[1].analytic == pytest.approx(2.0 * err)
    assert [e.value for e in report.entries] == [0.5, -1.25]
    assert min(seen) < 0.5 < max(seen)  # w really was moved for its probes...
    assert (w.data, b.data) == (0.5, -1.25)  # ...and put back exactly
    assert (w.grad, b.grad) == (0.125, -7.0)  # .grad is left alone
    named = gradcheck(loss, {"weight": w, "bias": b})
    assert [e.name for e in named.entries] == ["weight", "bias"]
    unlabelled = [Value(1.0), Value(2.0)]
    report = gradcheck(lambda: unlabelled[0] * unlabelled[1], unlabelled)
    assert [e.name for e in report.entries] == ["p[0]", "p[1]"]


def test_a_detached_parameter_is_caught_by_name() -> None:
    w, b = Value(1.5, "w"), Value(0.5, "b")
    report = gradcheck(lambda: w * b.data + b * b, [w, b])  # d/db is w + 2b, backprop says 2b
    assert [e.name for e in report.failures] == ["b"]
    assert report.failures[0].analytic == 1.0
    assert report.failures[0].numeric == pytest.approx(2.5, rel=1e-8)
    assert (w.data, b.data) == (1.5, 0.5)


def test_gradgradcheck_on_values_read_in_place() -> None:
    x, y = Value(0.7, "x"), Value(-0.4, "y")
    report = gradgradcheck(lambda: (x * y).sin() + x * x * x, [x, y])
    assert report and [e.name for e in report.entries] == ["x,x", "x,y", "y,x", "y,y"]
    assert report.entries[0].analytic == pytest.approx(-(0.4**2) * math.sin(-0.28) + 6 * 0.7)
    assert (x.data, y.data) == (0.7, -0.4)


def test_many_inputs_are_sampled_with_a_seed_and_the_report_says_so() -> None:
    n = 100
    fn = lambda *xs: autograd.vsum(x * x * (k + 1.0) for k, x in enumerate(xs))  # noqa: E731
    xs = [0.01 * k for k in range(n)]
    report = gradcheck(fn, xs, sample=10, seed=3)
    assert (report.checked, report.total, len(report.entries)) == (10, n, 10)
    picked = [e.index[0] for e in report.entries]
    assert picked == sorted(picked) and len(set(picked)) == 10
    for e in report.entries:
        assert e.analytic == pytest.approx(2.0 * (e.index[0] + 1.0) * xs[e.index[0]], abs=1e-12)
    assert "checked 10 of 100 inputs, a random subset drawn with seed 3" in str(report)
    assert [e.index for e in gradcheck(fn, xs, sample=10, seed=3).entries] == [
        e.index for e in report.entries
    ]
    assert [e.index for e in gradcheck(fn, xs, sample=10, seed=4).entries] != [
        e.index for e in report.entries
    ]
    whole = gradcheck(fn, xs, sample=None)
    assert (whole.checked, whole.total, len(whole.entries)) == (n, n, n)
    assert "checked" not in str(whole).splitlines()[1]
    default = gradcheck(fn, xs)
    assert (default.checked, default.total) == (64, n)
    hessian = gradgradcheck(fn, xs, sample=3)
    assert len(hessian.entries) == 9 and hessian.checked == 3


@pytest.mark.parametrize("sample", [0, -1, 2.5, True])
def test_a_bad_sample_is_refused(sample: object) -> None:
    with pytest.raises(ValueError, match="sample must be a positive number of inputs or None"):
        gradcheck(lambda x: x * x, [1.0], sample=sample)  # type: ignore[arg-type]


def test_a_probe_that_leaves_the_domain_says_it_was_the_probe() -> None:
    # sqrt at 1e-7 is fine; its probe x - 1e-6 is not. The message must not blame the input.
    with pytest.raises(ValueError) as info:
        gradcheck(lambda x: x.sqrt(), [1e-7])
    text = str(info.value)
    assert text.startswith("gradcheck: the finite-difference probe x - 1e-06 = -9e-07 left")
    assert "sqrt() of a negative value" in text
    assert "not your input" in text and "defined at x = 1e-07" in text
    assert "smaller eps" in text
    assert isinstance(info.value.__cause__, ValueError)
    # The + step, named by the argument, and the same for gradgradcheck.
    with pytest.raises(ValueError, match=r"probe t \+ 0\.01 = 1\.005 left fn's domain \(log"):
        gradcheck(lambda t: (1.0 - t).log(), [0.995], eps=1e-2)
    with pytest.raises(ValueError, match=r"^gradgradcheck: the finite-difference probe x - 1e-06"):
        gradgradcheck(lambda x: x.sqrt(), [1e-7])
    # A smaller step stays inside and passes.
    assert gradcheck(lambda x: x.sqrt(), [1e-7], eps=1e-9, rtol=1e-2)


def test_a_parameter_is_put_back_even_when_a_probe_fails() -> None:
    w = Value(1e-7, "w")
    with pytest.raises(ValueError, match=r"probe w - 1e-06 = -9e-07"):
        gradcheck(lambda: w.sqrt() * 2.0, [w])
    assert w.data == 1e-7
