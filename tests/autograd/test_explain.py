"""explain(): backprop replayed step by step, with its own tally, matching backward() exactly."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, dot, explain, topo_sort, vsum
from autograd.explain import Contribution, Explanation, Step


def neuron() -> tuple[Value, dict[str, Value]]:
    """micrograd's neuron, o = tanh(x1*w1 + x2*w2 + b), with b chosen so that o = 1/sqrt(2)."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n, "o": o}


# --- the steps ---------------------------------------------------------------------------------


def test_steps_run_in_reverse_topological_order_skipping_leaves() -> None:
    o, _ = neuron()
    e = explain(o)
    expected = [node for node in reversed(topo_sort(o)) if node.parents]
    assert [step.node for step in e] == expected
    assert len(e) == 5 and e[0].node is o
    assert [step.index for step in e] == list(range(5))


def test_each_step_is_the_chain_rule_with_numbers_a_learner_can_check() -> None:
    o, v = neuron()
    e = explain(o)
    tanh_step = e[0]
    assert tanh_step.upstream == 1.0  # the seed
    ((parent, local, product),) = tanh_step.contributions
    assert parent is v["n"]
    assert local == pytest.approx(0.5, rel=1e-12)  # 1 - tanh(n)^2 = 1 - 1/2
    assert product == pytest.approx(0.5, rel=1e-12)
    # The last step is x1*w1: each factor receives upstream × the other factor.
    last = e[-1]
    assert [c.parent for c in last.contributions] == [v["x1"], v["w1"]]
    assert [c.local for c in last.contributions] == [-3.0, 2.0]
    assert [c.product for c in last.contributions] == pytest.approx([-1.5, 1.0], rel=1e-12)


def test_every_product_is_upstream_times_local_and_locals_come_from_the_node() -> None:
    o, _ = neuron()
    for step in explain(o):
        assert [c.local for c in step.contributions] == list(step.node.local_grads())
        assert [c.parent for c in step.contributions] == list(step.node.parents)
        for c in step.contributions:
            assert c.product == step.upstream * c.local


def test_steps_are_data_objects_with_named_fields() -> None:
    o, v = neuron()
    step = explain(o)[0]
    assert isinstance(step, Step)
    contribution = step.contributions[0]
    assert isinstance(contribution, Contribution)
    assert contribution == (v["n"], contribution.local, contribution.product)
    with pytest.raises(AttributeError):
        step.upstream = 2.0  # type: ignore[misc]


def test_explanation_is_a_sequence() -> None:
    o, _ = neuron()
    e = explain(o)
    assert isinstance(e, Explanation)
    assert e[-1] is e[4] and list(e[1:3]) == [e[1], e[2]]
    assert list(iter(e)) == list(e.steps)
    with pytest.raises(IndexError):
        e[5]


# --- gradients ---------------------------------------------------------------------------------


def test_final_gradients_equal_backward_and_grad_is_untouched() -> None:
    o, v = neuron()
    e = explain(o)
    assert all(node.grad == 0.0 for node in topo_sort(o))  # explain left .grad alone
    o.backward()
    for node in topo_sort(o):
        assert e.grads[node] == node.grad
    assert e.grad(v["x1"]) == pytest.approx(-1.5)
    assert e.grad(v["w2"]) == 0.0  # x2 = 0 blocks it
    assert e.grad(Value(1.0)) == 0.0  # a node outside the graph


def test_explain_after_backward_leaves_existing_grads_as_they_were() -> None:
    o, _ = neuron()
    o.backward()
    o.backward()  # doubled grads, as PyTorch's leaves accumulate
    before = {node: node.grad for node in topo_sort(o)}
    e = explain(o)
    assert {node: node.grad for node in topo_sort(o)} == before
    assert all(e.grads[n] == pytest.approx(g / 2, rel=1e-12) for n, g in before.items())


def test_a_node_used_twice_receives_two_products_that_add_up() -> None:
    x = Value(3.0, "x")
    y = x * x  # d/dx = 2x, reached along two paths through one node
    e = explain(y)
    (only,) = e
    assert [c.parent for c in only.contributions] == [x, x]
    assert [c.product for c in only.contributions] == [3.0, 3.0]
    assert e.grads[x] == 6.0

    a = Value(2.0, "a")
    s = a + a
    assert explain(s).grads[a] == 2.0


def test_sum_over_paths_through_separate_nodes() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    g = a * b
    f = g + a
    e = explain(f)
    # a gets 1 from f directly, then b = -3 through g: df/da = b + 1.
    to_a = [c.product for step in e for c in step.contributions if c.parent is a]
    assert to_a == [1.0, -3.0]
    assert e.grads[a] == -2.0


def test_n_ary_nodes_send_one_product_per_parent() -> None:
    ws = [Value(1.0, "w0"), Value(2.0, "w1")]
    xs = [Value(3.0, "x0"), Value(4.0, "x1")]
    bias = Value(0.5, "b")
    y = dot(ws, xs, bias)
    total = vsum([y, ws[0]])
    e = explain(total)
    assert [len(step.contributions) for step in e] == [2, 5]
    assert [c.local for c in e[1].contributions] == [3.0, 4.0, 1.0, 2.0, 1.0]
    total.backward()
    assert [e.grads[w] for w in ws] == [w.grad for w in ws] == [4.0, 4.0]


def test_a_leaf_root_has_no_steps() -> None:
    x = Value(2.0, "x")
    e = explain(x)
    assert len(e) == 0 and e.grads == {x: 1.0}
    assert "x  1" in str(e)


def test_explain_refuses_non_values() -> None:
    with pytest.raises(TypeError, match="explain\\(\\) needs a Value, got float"):
        explain(2.0)  # type: ignore[arg-type]


# Random graphs: the replay must agree with backward() to the last bit on every node.

_UNARY: list[Callable[[Value], Value]] = [
    Value.tanh,
    Value.sigmoid,
    Value.sin,
    Value.cos,
    Value.relu,
    abs,
    lambda v: -v,
    lambda v: v**2,
]
_BINARY: list[Callable[[Value, Value], Value]] = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a * 0.5 + b,
]


@st.composite
def graphs(draw: st.DrawFn) -> Value:
    """A random graph over a few leaves, whose nodes reuse earlier nodes (shared subgraphs)."""
    leaves = draw(st.lists(st.floats(-2, 2), min_size=1, max_size=4))
    nodes = [Value(x, f"x{i}") for i, x in enumerate(leaves)]
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["unary", "binary", "sum"]))
        pick = st.sampled_from(nodes)
        if kind == "unary":
            nodes.append(draw(st.sampled_from(_UNARY))(draw(pick)))
        elif kind == "binary":
            nodes.append(draw(st.sampled_from(_BINARY))(draw(pick), draw(pick)))
        else:
            nodes.append(vsum(draw(st.lists(pick, min_size=1, max_size=4))))
    return nodes[-1]


@given(graphs())
def test_replayed_gradients_equal_backward_on_random_graphs(root: Value) -> None:
    order = topo_sort(root)
    for i, node in enumerate(order):
        node.grad = 0.25 * i  # sentinels: explain must not touch them
    e = explain(root)
    assert [node.grad for node in order] == [0.25 * i for i in range(len(order))]
    root.zero_grad()
    root.backward()
    # Same products, added in the same order: equal to the last bit, not just close.
    assert [e.grad(node) for node in order] == [node.grad for node in order]
    assert [step.node for step in e] == [n for n in reversed(order) if n.parents]


# --- snapshots (the state after step k) --------------------------------------------------------


def test_after_tells_partial_from_complete_gradients() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    g = a * b
    g.label = "g"
    f = g + a
    e = explain(f)
    first = e.after(0)  # f sent 1 to g and 1 to a; a still waits for g's product
    assert first.step is e[0]
    assert first.grads == {f: 1.0, g: 1.0, a: 1.0}
    assert first.complete == {f, g}
    assert first.done == {f}
    last = e.after(1)
    assert last.grads[a] == -2.0 and last.grads[b] == 2.0
    assert last.complete == {f, g, a, b}
    assert last.done == {f, g}
    assert e.after(-1) == last


def test_after_out_of_range_says_how_many_steps_there_are() -> None:
    o, _ = neuron()
    with pytest.raises(IndexError, match="5 steps, numbered 0 to 4"):
        explain(o).after(5)


# --- the table ---------------------------------------------------------------------------------


def test_table_shows_every_multiplication_and_the_running_sum() -> None:
    x, y = Value(3.0, "x"), Value(4.0, "y")
    z = x * y + x
    z.label = "z"
    lines = str(explain(z)).splitlines()
    assert lines[0] == "Backprop from z = 15; its own gradient (the seed) is 1."
    assert lines[3].split() == [
        "step", "node", "op", "upstream", "parent", "local", "product", "parent", "sum",
    ]  # fmt: skip
    assert lines[4].split() == ["0", "z", "+", "1", "x*y", "1", "1", "1"]
    assert lines[5].split() == ["x", "1", "1", "1"]
    assert lines[6].split() == ["1", "x*y", "*", "1", "x", "4", "4", "5"]  # 1 + 4 so far
    assert lines[7].split() == ["y", "3", "3", "3"]
    assert lines[-2:] == ["x  5", "y  3"]


def test_table_digits_and_the_neuron_example() -> None:
    o, _ = neuron()
    e = explain(o)
    text = e.table(digits=3)
    assert text.splitlines()[4].split()[:5] == ["0", "o", "tanh", "1", "n"]
    assert "0.707" in text and "0.7071" not in text
    assert [line.split() for line in str(e).splitlines()[-5:]] == [
        ["x1", "-1.5"],
        ["w1", "1"],
        ["x2", "0.5"],
        ["w2", "0"],
        ["b", "0.5"],
    ]
    assert repr(e) == "<Explanation: 5 steps of backprop from o>"


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda a, b, c: a * b + c, "a*b+c"),
        (lambda a, b, c: (a + b) * c, "(a+b)*c"),
        (lambda a, b, c: a - (b - c), "a-(b-c)"),
        (lambda a, b, c: a - b - c, "a-b-c"),
        (lambda a, b, c: a / (b * c), "a/(b*c)"),
        (lambda a, b, c: (a**b) ** c, "(a**b)**c"),
        (lambda a, b, c: a ** (b**c), "a**b**c"),
        (lambda a, b, c: -(a * b), "-(a*b)"),
        (lambda a, b, c: a * -2.0, "a*(-2)"),
        (lambda a, b, c: (a + b).tanh() * c, "tanh(a+b)*c"),
    ],
)
def test_unlabelled_nodes_are_named_by_their_formula(
    make: Callable[[Value, Value, Value], Value], name: str
) -> None:
    a, b, c = Value(1.5, "a"), Value(2.0, "b"), Value(3.0, "c")
    root = make(a, b, c)
    assert explain(root).name(root) == name


def test_long_formulas_fall_back_to_their_op_and_a_count() -> None:
    # Issue 15 asks for no ids like v408: a long formula is named by its op and a count.
    xs = [Value(float(i), f"x{i}") for i in range(10)]
    root = vsum(xs)
    twice = vsum([root, *xs]) * 2.0
    e = explain(twice)
    assert e.name(root) == "sum1" and e.name(twice.parents[0]) == "sum2"
    assert e.name(twice) == "sum2*2"
    assert not any(re.fullmatch(r"v\d+", e.name(n)) for n in topo_sort(twice))


def test_name_of_a_node_outside_the_graph_raises() -> None:
    x = Value(1.0, "x")
    e = explain(x * 2.0)
    with pytest.raises(KeyError):
        e.name(Value(3.0))


# --- constants, networks and long chains (issue 15) --------------------------------------------


def test_constants_are_left_out_of_the_gradient_table_and_the_rows() -> None:
    x = Value(0.7, "x")
    y = x.sin() ** 2 + x.cos() ** 2
    y.label = "y"
    e = explain(y)
    lines = str(e).splitlines()
    gradients = lines[lines.index("Gradients of y with respect to the inputs (leaves):") + 1 :]
    assert [line.split()[0] for line in gradients] == ["x"]
    assert float(gradients[0].split()[1]) == pytest.approx(0.0, abs=1e-12)
    assert "Constants (2) are plain numbers" in str(e)
    parents = [row.split()[-4] for row in lines[4:] if row[:1].isdigit() or row[:1] == " "]
    assert "2" not in parents
    # The record itself still holds every product, the constant's included.
    twos = [c for step in e for c in step.contributions if e.is_constant(c.parent)]
    assert len(twos) == 2 and all(c.local == 0.0 for c in twos)


def mlp_loss(sizes: list[int]) -> tuple[Value, object]:
    from nn import MLP, hinge_loss

    model = MLP(2, sizes, seed=0)
    loss = hinge_loss(model([0.3, -0.7]), 1)
    loss.label = "loss"
    return loss, model


def test_explain_on_an_mlp_reads_as_a_short_story_with_exact_numbers() -> None:
    loss, model = mlp_loss([16, 16, 1])
    e = explain(loss)
    text = str(e)
    lines = text.splitlines()
    assert len(lines) < 100  # was 1,025
    assert not re.search(r"\bv\d+\b", text)  # no drawing ids
    assert not re.search(r"(?<![\w.])-0(?![\d.e])", text)  # no -0 products
    assert re.search(r"… \d+ more lines in \d+ more steps not shown", text)
    assert "… 30 more parents" in text  # a neuron of 16 inputs: 3 products shown, 30 counted
    per_neuron = [line for line in lines if line.startswith("layers.")]
    assert len(per_neuron) == 16 + 16 + 1  # one line per neuron
    assert "x[0]" in text and "x[1]" in text
    loss.backward()
    for node in topo_sort(loss):
        assert e.grad(node) == node.grad  # exactly, not approximately
    groups: dict[str, list[tuple[str, float]]] = {}
    for name, p in model.named_parameters():  # type: ignore[attr-defined]
        owner = name.rsplit(".w.", 1)[0] if ".w." in name else name.rsplit(".", 1)[0]
        groups.setdefault(owner, []).append((name[len(owner) + 1 :], p.grad))
    for owner, items in groups.items():
        line = next(line for line in per_neuron if line.startswith(owner + ":"))
        if not any(g for _, g in items):
            assert line == f"{owner}: all {len(items)} gradients are 0"
        elif len(items) <= 4:
            assert line == f"{owner}: " + ", ".join(f"{n} {g + 0.0:.4g}" for n, g in items)
        else:
            short, g = max(items, key=lambda item: abs(item[1]))
            assert line.endswith(f"the largest is {short} {g:.4g}")


def test_a_100000_deep_chain_explains_in_a_few_kilobytes() -> None:
    x = Value(0.5, "x")
    y = x
    for _ in range(100_000):
        y = y * 1.0
    e = explain(y)
    text = str(e)
    assert len(text) < 10_000  # was 19 MB
    assert "99960 more lines in 99960 more steps not shown" in text
    assert text.splitlines()[-1].split() == ["x", "1"]
    full = e.table(max_lines=None)
    assert len(full.splitlines()) > 100_000


def test_max_lines_caps_the_table_and_none_prints_everything() -> None:
    xs = [Value(float(i), f"x{i}") for i in range(30)]
    y = xs[0]
    for v in xs[1:]:
        y = y * v
    e = explain(y)
    short = e.table(max_lines=5).splitlines()
    assert short[3].split()[0] == "step" and len(short[4:9]) == 5
    assert short[9].startswith("… ") and short[9].split()[1] == str(58 - 5)
    with pytest.raises(ValueError, match="max_lines must be at least 1"):
        e.table(max_lines=0)
    # 28 steps of 3 lines each, then one of 28 parents: 88 lines for 29 steps.
    wide = explain(vsum([vsum(xs[i : i + 3]) for i in range(28)]))
    assert not any(line.startswith("… ") for line in wide.table(max_lines=None).splitlines())
    whole = e.table(max_lines=None).splitlines()
    assert not any(line.startswith("… ") for line in whole)
    assert sum(1 for line in whole[4:] if line and not line.startswith(("Gradients", "x"))) == 58


def test_the_text_comes_from_the_message_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd import messages

    x = Value(3.0, "x")
    e = explain(x * x)
    assert str(e).splitlines()[0] == messages.say("seed", root="x*x", value="9")
    pirate = {**messages.LANGUAGES["en"], "seed": "Arr, {root} be {value}."}
    monkeypatch.setitem(messages.LANGUAGES, "xx", pirate)
    assert e.table(lang="xx").splitlines()[0] == "Arr, x*x be 9."
    assert e.table(lang="xx").splitlines()[1:] == e.table().splitlines()[1:]
    with pytest.raises(ValueError, match="lang must be one of"):
        e.table(lang="tlh")
    chosen = explain(x * x, lang="xx")
    assert str(chosen).splitlines()[0] == "Arr, x*x be 9."
    assert "Arr" not in chosen.table(lang="en")
    with pytest.raises(ValueError, match="lang must be one of"):
        explain(x, lang="tlh")


def test_as_data_is_the_record_in_plain_json_types() -> None:
    import json

    x, w = Value(2.0, "x"), Value(-3.0, "w")
    y = (x * w + 1.0).tanh()
    e = explain(y)
    data = json.loads(json.dumps(e.as_data()))
    order = topo_sort(y)
    assert [n["name"] for n in data["nodes"]] == [e.name(n) for n in order]
    assert [n["constant"] for n in data["nodes"]] == [e.is_constant(n) for n in order]
    assert data["root"] == len(order) - 1
    for step, record in zip(e, data["steps"]):
        assert order[record["node"]] is step.node and record["upstream"] == step.upstream
        assert [
            (order[c["parent"]], c["local"], c["product"]) for c in record["contributions"]
        ] == [tuple(c) for c in step.contributions]
    y.backward()
    assert [n["grad"] for n in data["nodes"]] == [n.grad for n in order]
