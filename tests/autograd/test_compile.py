"""The compiler: a replay must give what eager gives, for every op and every graph shape.

The oracle is eager chainrule itself, on the same graph: ``forward()`` must equal the eager
value and ``backward()`` must add to each leaf's ``.grad`` what ``root.backward()`` adds, to
1e-12 relative, also after the leaves have changed.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import nn
from autograd import CompileError, MismatchError, Value, compile, dot, ops, vsum

# --- random graphs over every op --------------------------------------------------------------

# Each builder takes nodes from the pool (and a number) and returns a new node. Inputs of ops
# with a restricted domain are shaped so that any leaf values keep them inside it.
Builder = Callable[[list[Value], list[int], float], Value]


def _pick(pool: list[Value], picks: list[int], k: int) -> list[Value]:
    return [pool[p % len(pool)] for p in picks[:k]]


BUILDERS: dict[str, Builder] = {
    "+": lambda pool, p, c: _pick(pool, p, 2)[0] + _pick(pool, p, 2)[1],
    "-": lambda pool, p, c: _pick(pool, p, 2)[0] - _pick(pool, p, 2)[1],
    "*": lambda pool, p, c: _pick(pool, p, 2)[0] * _pick(pool, p, 2)[1],
    "/": lambda pool, p, c: _pick(pool, p, 2)[0] / (_pick(pool, p, 2)[1] ** 2 + 0.5),
    "**": lambda pool, p, c: (_pick(pool, p, 2)[0] ** 2 + 0.5) ** _pick(pool, p, 2)[1].tanh(),
    "neg": lambda pool, p, c: -_pick(pool, p, 1)[0],
    "abs": lambda pool, p, c: abs(_pick(pool, p, 1)[0]),
    "exp": lambda pool, p, c: _pick(pool, p, 1)[0].tanh().exp(),
    "log": lambda pool, p, c: (_pick(pool, p, 1)[0] * _pick(pool, p, 1)[0] + 0.5).log(),
    "sqrt": lambda pool, p, c: (_pick(pool, p, 1)[0] ** 2 + 0.1).sqrt(),
    "tanh": lambda pool, p, c: _pick(pool, p, 1)[0].tanh(),
    "sigmoid": lambda pool, p, c: _pick(pool, p, 1)[0].sigmoid(),
    "relu": lambda pool, p, c: _pick(pool, p, 1)[0].relu(),
    "sin": lambda pool, p, c: _pick(pool, p, 1)[0].sin(),
    "cos": lambda pool, p, c: _pick(pool, p, 1)[0].cos(),
    # n-ary nodes, with plain numbers among the inputs
    "dot": lambda pool, p, c: dot(_pick(pool, p, 3), [*_pick(pool, p[3:], 2), c], pool[0]),
    "sum": lambda pool, p, c: vsum([*_pick(pool, p, 4), c]),
    # what users write: Python's sum (a chain of +), a chain of *, numbers and constants
    "python sum": lambda pool, p, c: sum(_pick(pool, p, 5)),  # type: ignore[return-value]
    "chain of *": lambda pool, p, c: (
        _pick(pool, p, 4)[0] * _pick(pool, p, 4)[1] * _pick(pool, p, 4)[2] * c
    ),
    "constant": lambda pool, p, c: _pick(pool, p, 1)[0] * Value(c) + (Value(c) - 1.0) ** 2,
}

programs = st.lists(
    st.tuples(
        st.sampled_from(sorted(BUILDERS)),
        st.lists(st.integers(0, 50), min_size=6, max_size=6),
        st.floats(-2.0, 2.0),
    ),
    min_size=1,
    max_size=12,
)
leaf_data = st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=4)


def _build(leaves: list[Value], program: list[tuple[str, list[int], float]]) -> Value:
    """Run the program on the leaves; the root sums every node, so all paths matter."""
    pool = list(leaves)
    for name, picks, c in program:
        pool.append(BUILDERS[name](pool, picks, c))
    return sum(pool[len(leaves) :], pool[0] * 0.5)  # type: ignore[return-value]


def _eager(leaves: list[Value], program: Any) -> tuple[float, list[float]]:
    for leaf in leaves:
        leaf.grad = 0.0
    root = _build(leaves, program)
    root.backward()
    return root.data, [leaf.grad for leaf in leaves]


def _close(got: float, want: float, scale: float) -> bool:
    return math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12 * scale)


def test_every_op_of_the_table_has_a_vectorised_rule_and_a_builder() -> None:
    missing = [op.name for op in ops.ALL if op.np_forward is None or op.np_local is None]
    assert not missing, f"ops without np_forward/np_local in their entry: {missing}"
    names = {op.name for op in ops.ALL}
    assert names <= set(BUILDERS), names - set(BUILDERS)


@given(leaf_data, leaf_data, programs)
def test_random_graphs_replay_like_eager(first: list[float], second: list[float], program: Any):
    n = min(len(first), len(second))
    leaves = [Value(x) for x in first[:n]]
    root = _build(leaves, program)
    root.backward()
    want_value, want_grads = root.data, [leaf.grad for leaf in leaves]
    assume(math.isfinite(want_value) and all(map(math.isfinite, want_grads)))
    scale = 1.0 + max(abs(want_value), *map(abs, want_grads))
    for leaf in leaves:
        leaf.grad = 0.0

    graph = compile(root)
    assert _close(graph.forward(), want_value, scale)
    assert root.data == graph.forward()
    graph.backward()
    for leaf, want in zip(leaves, want_grads):
        assert _close(leaf.grad, want, scale), (leaf.grad, want)

    # New data in the same leaves: the replay must follow, and accumulate into .grad.
    for leaf, x in zip(leaves, second):
        leaf.data = x
    new_value, new_grads = _eager([Value(x) for x in second[:n]], program)
    assume(math.isfinite(new_value) and all(map(math.isfinite, new_grads)))
    scale = 1.0 + max(abs(new_value), *map(abs, new_grads))
    before = [leaf.grad for leaf in leaves]
    assert _close(graph.forward(), new_value, scale)
    graph.backward()
    for leaf, old, want in zip(leaves, before, new_grads):
        assert _close(leaf.grad - old, want, scale + abs(old)), (leaf.grad - old, want)


def test_a_leaf_used_in_many_places_and_a_node_reached_by_many_paths() -> None:
    x, y = Value(0.7), Value(-1.3)
    shared = (x * y).tanh()  # reached by four paths
    root = dot([shared, x, shared], [shared, y, x], shared) + sum([x] * 5) * shared
    root.backward()
    want = (x.grad, y.grad)
    x.grad = y.grad = 0.0
    graph = compile(root, check=True)
    graph.backward()
    assert x.grad == pytest.approx(want[0], rel=1e-12)
    assert y.grad == pytest.approx(want[1], rel=1e-12)


def test_a_zero_gradient_passes_nothing_back_even_through_an_infinite_derivative() -> None:
    # d sqrt(x)/dx is inf at 0 and d log(x)/dx is huge near it; eager skips a node whose
    # gradient is 0, so x gets 1.0 here, not nan.
    x, w = Value(0.0), Value(1e-320)
    root = x.sqrt() * 0.0 + (w.log() + x / w) * 0.0 + x + w
    root.backward()
    want = (x.grad, w.grad)
    assert want == (1.0, 1.0)
    x.grad = w.grad = 0.0
    compile(root).backward()
    assert (x.grad, w.grad) == want


def test_nan_flows_as_in_eager() -> None:
    # relu and abs of NaN are NaN, and so are their derivatives: NaN reaches x both ways.
    x = Value(float("nan"))
    root = x.relu() * 3.0 + abs(x)
    root.backward()
    assert math.isnan(x.grad)
    x.grad = 0.0
    graph = compile(root)
    assert math.isnan(graph.forward())
    graph.backward()
    assert math.isnan(x.grad)
    assert math.isnan(compile(x.relu() + 1.0).forward())
    assert math.isnan((x.relu() + 1.0).data)
    # A dead relu still passes nothing back, even where its upstream gradient is NaN.
    z = Value(-1.0)
    dead = z.relu() * Value(float("nan")) + z
    dead.backward()
    assert z.grad == 1.0
    z.grad = 0.0
    compile(dead).backward()
    assert z.grad == 1.0


def test_python_sum_becomes_one_reduction_and_a_chain_of_products_one_prod() -> None:
    xs = [Value(0.1 * i + 0.5) for i in range(50)]
    graph = compile(sum(x.tanh() for x in xs) * (xs[0] * xs[1] * xs[2] * xs[3]))
    # The outer * joins the chain too: one prod of the sum and the four leaves.
    assert [(name, count) for _, name, count, _ in graph.summary()] == [
        ("tanh", 50),
        ("sum", 1),
        ("prod", 1),
    ]


def test_constants_are_folded_and_read_once() -> None:
    x = Value(2.0)
    root = (Value(3.0) * Value(4.0)).exp() * x + (2.0 - Value(1.0)).log()
    graph = compile(root)
    assert [name for _, name, _, _ in graph.summary()] == ["*", "+"]  # exp, log folded
    x.data = 1.0
    assert graph.forward() == pytest.approx(math.exp(12.0))


# --- micrograd's demo, compiled against eager ------------------------------------------------


def _one(output: Any) -> Value:
    """A one-output model's output: a Value, or a list holding one (both styles exist)."""
    return output if isinstance(output, Value) else output[0]


def _demo_loss(model: nn.MLP, rows: list[list[float]], labels: list[int]) -> Value:
    scores = [model(row) for row in rows]
    losses = [nn.hinge_loss(s, t) for s, t in zip(scores, labels)]
    penalty = sum(p * p for p in model.parameters())
    return sum(losses) * (1.0 / len(losses)) + 1e-4 * penalty  # type: ignore[no-any-return]


def test_moons_demo_trains_step_by_step_like_eager() -> None:
    X, y = nn.data.make_moons(n_samples=100, noise=0.1, seed=1)
    rows, labels = X.tolist(), [int(t) for t in y]
    eager = nn.MLP(2, [16, 16, 1], activation="relu", init="uniform", seed=1337)
    model = nn.MLP(2, [16, 16, 1], activation="relu", init="uniform", seed=1337)
    graph = compile(_demo_loss(model, rows, labels), check=True)
    assert ("dot", 1600, "matmul") in [(n, k, how) for _, n, k, how in graph.summary()]
    opt_eager, opt = nn.SGD(eager.parameters(), lr=0.5), nn.SGD(model.parameters(), lr=0.5)
    for _ in range(5):
        loss = _demo_loss(eager, rows, labels)
        opt_eager.zero_grad()
        loss.backward()
        opt_eager.step()
        value = graph.forward()
        opt.zero_grad()
        graph.backward()
        opt.step()
        assert value == pytest.approx(loss.data, rel=1e-12)
        for p, q in zip(model.parameters(), eager.parameters()):
            assert p.data == pytest.approx(q.data, rel=1e-12, abs=1e-15)


def test_feed_sets_many_inputs_and_the_replay_follows() -> None:
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    xs = [[Value(0.0), Value(0.0)] for _ in range(3)]
    graph = compile(vsum([_one(model(row)) for row in xs]))
    batch = np.array([[0.5, -1.0], [2.0, 0.25], [-0.3, 0.3]])
    graph.feed(xs, batch)
    assert [[v.data for v in row] for row in xs] == batch.tolist()
    want = sum(_one(model(list(row))).data for row in batch)
    assert graph.forward() == pytest.approx(want, rel=1e-12)


# --- errors -----------------------------------------------------------------------------------


def test_compile_of_a_leaf_names_it() -> None:
    with pytest.raises(CompileError, match=r"compile\(\) of a leaf"):
        compile(Value(1.0))


def test_an_op_without_a_vectorised_rule_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops.SIN, "np_local", None)
    with pytest.raises(CompileError, match="the op 'sin' has no vectorised rule"):
        compile(Value(1.0).sin() + 1.0)


def test_feed_with_a_wrong_shape_or_a_foreign_leaf_names_what_is_wrong() -> None:
    xs = [Value(1.0), Value(2.0)]
    graph = compile(xs[0] * xs[1])
    with pytest.raises(ValueError, match=r"shape \(3,\) for leaves of shape \(2,\)"):
        graph.feed(xs, [1.0, 2.0, 3.0])
    stranger = Value(5.0, "stranger")
    with pytest.raises(CompileError, match=r"leaves\[1\] \(.*stranger.*not a leaf of this"):
        graph.feed([xs[0], stranger], [1.0, 2.0])
    assert xs[0].data == 1.0  # nothing was set


def test_forward_after_a_leaf_was_replaced_says_so() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    graph = compile(_one(model([1.0, 2.0])))
    graph.forward()  # nothing replaced yet: no error
    model.layers[0].neurons[0].w[1] = Value(0.5)
    with pytest.raises(CompileError, match="replaced by a new Value"):
        graph.forward()


def test_forward_gives_eagers_error_for_a_bad_input() -> None:
    x = Value(2.0)
    graph = compile(x.log() + 1.0)
    x.data = -1.0
    with pytest.raises(ValueError, match=r"log\(\) of a non-positive value: -1\.0"):
        graph.forward()


def test_check_names_the_first_node_that_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops.TANH, "np_forward", lambda np, a: np.sin(a))
    x = Value(0.5, "x")
    with pytest.raises(MismatchError, match=r"node #\d+ \(tanh at depth 2\)"):
        compile((x * 2.0).tanh().exp(), check=True)


def test_check_names_a_gradient_that_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops.TANH, "np_local", lambda np, out, a: (1.0,))
    x = Value(0.5, "x")
    with pytest.raises(MismatchError, match="gradient differs from eager at leaf #0 'x'"):
        compile(x.tanh(), check=True)


def test_verify_catches_structure_that_depends_on_data() -> None:
    x = Value(1.0, "x")

    def build() -> Value:
        return (x * 3.0).relu() if x.data > 0 else (x * 3.0).tanh()  # an `if` on .data

    graph = compile(build())
    graph.verify(build)  # same branch: fine
    x.data = -1.0
    with pytest.raises(MismatchError, match=r"structure changed at node.*relu.*tanh"):
        graph.verify(build)


def test_verify_catches_a_number_taken_from_data() -> None:
    x = Value(1.0, "x")

    def build() -> Value:
        return x * (x.data + 1.0)  # the factor is a number computed from data: a constant

    graph = compile(build())
    x.data = 3.0
    with pytest.raises(MismatchError, match=r"constant #0 was 2\.0 when recorded and is 4\.0"):
        graph.verify(build)


def test_importing_autograd_does_not_import_numpy() -> None:
    code = "import sys, autograd; assert 'numpy' not in sys.modules; autograd.compile"
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def _batch_cross_entropy(model: nn.MLP, xs: list[list[Any]], onehots: list[list[Any]]) -> Value:
    """Mean cross-entropy with the targets as inputs, so that one graph serves every batch."""
    losses = []
    for x, t in zip(xs, onehots):
        z = model(x)
        losses.append(vsum([zi.exp() for zi in z]).log() - dot(z, t))
    return vsum(losses) * (1.0 / len(losses))


def test_minibatches_fed_into_one_graph_train_like_eager() -> None:
    """What fit(compile=True) will do: one graph per batch size, each minibatch fed into it."""
    X, y = nn.data.make_spirals(40, n_classes=3, noise=0.05, seed=3)
    T = np.eye(3)[y]
    eager = nn.MLP(2, [8, 3], activation="relu", seed=5)
    model = nn.MLP(2, [8, 3], activation="relu", seed=5)
    xs = [[Value(0.0), Value(0.0)] for _ in range(10)]
    ts = [[Value(0.0) for _ in range(3)] for _ in range(10)]
    graph = compile(_batch_cross_entropy(model, xs, ts))
    opt_eager, opt = nn.SGD(eager.parameters(), lr=0.3), nn.SGD(model.parameters(), lr=0.3)
    for epoch in range(3):
        for i in range(0, 40, 10):
            loss = _batch_cross_entropy(eager, X[i : i + 10].tolist(), T[i : i + 10].tolist())
            opt_eager.zero_grad()
            loss.backward()
            opt_eager.step()
            graph.feed(xs, X[i : i + 10])
            graph.feed(ts, T[i : i + 10])
            value = graph.forward()
            opt.zero_grad()
            graph.backward()
            opt.step()
            assert value == pytest.approx(loss.data, rel=1e-12), (epoch, i)
    for p, q in zip(model.parameters(), eager.parameters()):
        assert p.data == pytest.approx(q.data, rel=1e-10, abs=1e-13)
    graph.verify(lambda: _batch_cross_entropy(model, xs, ts))


def test_verify_catches_labels_baked_in_by_an_eager_loss() -> None:
    # nn.cross_entropy picks the label's logit by index and shifts by max(z.data): both are
    # taken from data when the graph is built, so a new batch needs a new graph (or leaves).
    model = nn.MLP(2, [4, 3], seed=1)
    xs = [[Value(0.1), Value(0.2)], [Value(-0.3), Value(0.4)]]
    labels = [0, 2]

    def build() -> Value:
        return nn.batch_loss(nn.cross_entropy, [model(x) for x in xs], labels)

    graph = compile(build())
    graph.verify(build)
    labels[1] = 1
    with pytest.raises(MismatchError, match=r"group of 2 - nodes now reads other inputs"):
        graph.verify(build)


# --- what the compiled graph keeps --------------------------------------------------------------


def test_a_root_nobody_else_holds_is_let_go_with_the_eager_graph() -> None:
    x, w = Value(0.5), Value(2.0)
    alone = sys.getrefcount(x)
    g = compile((x * w).tanh() * x + w)
    assert sys.getrefcount(x) > alone  # the eager graph refers to x until forward lets it go
    x.data = 1.0
    assert g.forward() == pytest.approx(math.tanh(2.0) + 2.0, rel=1e-15)
    assert g.root is None
    assert sys.getrefcount(x) == alone + 1  # our name and the compiled graph's list of leaves
    g.backward()  # the flat arrays alone still give eager's gradients
    assert x.grad == pytest.approx(math.tanh(2.0) + 2.0 * (1.0 - math.tanh(2.0) ** 2))


def test_a_root_the_user_holds_is_kept_and_updated() -> None:
    x = Value(1.0)
    y = x * x + 1.0
    g = compile(y)
    x.data = 3.0
    assert g.forward() == 10.0
    assert g.root is y and y.data == 10.0


def test_a_replaced_leaf_is_noticed_after_the_root_was_let_go() -> None:
    ws = [Value(1.0), Value(2.0)]
    g = compile(ws[0] * ws[1] + ws[1])
    g.forward()
    ws[0] = Value(5.0)
    with pytest.raises(CompileError, match="replaced by a new Value"):
        g.forward()


def test_watch_reads_an_inner_node_that_a_chain_would_have_absorbed() -> None:
    xs = [Value(float(i)) for i in range(4)]
    inner = xs[0] + xs[1]
    total = inner + xs[2] + xs[3]  # inner would become part of one sum node
    g = compile(total, watch=[inner, xs[3]])
    xs[0].data, xs[3].data = 10.0, 7.0
    assert g.forward() == 10.0 + 1.0 + 2.0 + 7.0
    assert g.watched() == [11.0, 7.0]
    with pytest.raises(CompileError, match="not a node of the graph"):
        compile(total, watch=[Value(1.0)])
