"""What a Value holds: numbers become floats, anything else is refused where it is read.

Issue 12, items 4, 5 and 13: a numpy scalar assigned to ``.data`` used to send ``dot`` into
endless recursion; a string there failed far away with Python's own words; complex numbers,
non-str labels and non-Value inputs to ``grad`` were accepted and failed later.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from autograd import Value, dot, grad, ops, vsum


def _build(op: ops.Op, args: list[Value]) -> Value:
    if op is ops.DOT:
        return dot(args[:1], args[1:2], args[2])
    if op is ops.SUM:
        return vsum(args)
    return getattr(args[0], op.method)(*args[1:])  # type: ignore[no-any-return]


ARITY = {op: 3 if op.arity is None else op.arity for op in ops.TABLE}


@pytest.mark.parametrize(
    "number", [np.float64(0.5), np.float32(0.5), np.int64(2), 2, np.array(0.5)], ids=repr
)
def test_a_numpy_scalar_in_data_computes_as_its_float(number: Any) -> None:
    ws = [Value(1.5), Value(-2.0)]
    want = dot([Value(1.5), Value(float(number))], [3.0, 4.0], Value(0.25)).data
    ws[1].data = number
    bias = Value(0.25)
    bias.data = np.float64(0.25)
    y = dot(ws, [3.0, 4.0], bias)  # before: RecursionError
    assert y.data == want and type(y.data) is float
    assert type(ws[1].data) is float and ws[1].data == float(number)  # stored back
    y.backward()
    assert ws[1].grad == 4.0 and bias.grad == 1.0


def test_a_model_whose_parameters_hold_numpy_floats_still_runs() -> None:
    rng = np.random.default_rng(0)
    layer = [[Value(float(w)) for w in rng.normal(size=2)] for _ in range(3)]
    out = [Value(float(w)) for w in rng.normal(size=3)]

    def model(x: list[float]) -> Value:
        return dot(out, [dot(ws, x).tanh() for ws in layer])

    want = model([1.0, 2.0]).data
    for p in [*out, *(w for ws in layer for w in ws)]:
        p.data = np.float64(p.data)
    assert model([1.0, 2.0]).data == want


@pytest.mark.parametrize("op", ops.TABLE, ids=lambda op: op.name)
@pytest.mark.parametrize("bad", ["3", None, [1.0]], ids=repr)
@pytest.mark.parametrize("where", [0, -1], ids=["first", "last"])
def test_a_non_number_in_data_is_named_by_the_first_op_that_reads_it(
    op: ops.Op, bad: object, where: int
) -> None:
    args = [Value(0.5 + i, f"v{i}") for i in range(ARITY[op])]
    culprit = args[where]
    culprit.data = bad  # type: ignore[assignment]
    name = "-" if op is ops.NEG else op.name  # neg is written -x
    with pytest.raises(TypeError) as info:
        _build(op, args)
    message = str(info.value)
    assert f"read Value {culprit.label!r}, whose .data is {type(bad).__name__}" in message
    assert "e.g. x.data = float(text)" in message
    assert name in message or op.name in message


def test_a_non_number_inside_the_graph_names_the_op_that_made_it() -> None:
    x = Value(1.0, "x")
    x.data = "3"  # type: ignore[assignment]
    doubled = x + x  # str + str concatenates: the one case Python lets through
    with pytest.raises(TypeError, match=r"^\* read a Value made by '\+', whose .data is str '33'"):
        doubled * 2.0


@pytest.mark.parametrize("number", [1 + 1j, np.complex128(1 + 1j), np.complex64(2j)], ids=repr)
def test_complex_numbers_are_refused(number: object) -> None:
    with pytest.raises(TypeError, match=r"needs a real number, got complex"):
        Value(number)  # type: ignore[arg-type]


@pytest.mark.parametrize("label", [5, None, b"x", ["x"]], ids=repr)
def test_a_label_must_be_a_str(label: object) -> None:
    with pytest.raises(TypeError, match=rf"label must be a str, got {type(label).__name__}"):
        Value(1.0, label=label)  # type: ignore[arg-type]
    assert Value(1.0, label="x").label == "x"


@pytest.mark.parametrize(
    ("output", "inputs", "match"),
    [
        (3.0, "x", r"needs a Value as output, got float 3\.0"),
        (None, "x", r"needs a Value as output, got NoneType"),
        ("y", [3.0], r"inputs must be Values, got float 3\.0 at \[0\]"),
        ("y", ["a"], r"inputs must be Values, got str 'a' at \[0\]"),
        ("y", "x", r"needs a list of Values as inputs, got Value; e\.g\. grad\(y, \[x\]\)"),
        ("y", 3.0, r"needs a list of Values as inputs, got float"),
    ],
)
def test_grad_refuses_what_is_not_a_value(output: object, inputs: object, match: str) -> None:
    x = Value(2.0)
    y = x * x
    real = {"x": x, "y": y}
    out = real.get(output, output) if isinstance(output, str) else output
    ins = real.get(inputs, inputs) if isinstance(inputs, str) else inputs
    with pytest.raises(TypeError, match=match):
        grad(out, ins)  # type: ignore[arg-type]
    assert [g.data for g in grad(y, (v for v in [x]))] == [4.0]  # any iterable of Values


def test_inf_still_flows_where_an_op_has_a_value() -> None:
    assert Value(math.inf).tanh().data == 1.0
    assert Value(math.inf).exp().data == math.inf
