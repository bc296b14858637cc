"""Random graphs, random calls: backward, zero_grad, grad and no_grad against a naive model.

Hypothesis builds a graph one op at a time and calls ``backward()``, ``zero_grad()`` and
``grad()`` in random orders, sometimes under ``no_grad`` and sometimes with the generic instead
of the fast backward rules. Next to the engine it keeps its own record of the graph (each
node's op, arguments and value, computed with ``math``) and of what every ``.grad`` should
hold. The expected gradients come from forward-mode differentiation over that record, with the
local derivatives written out here: an oracle that shares no code with the engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from autograd import Value, dot, grad, no_grad, vsum
from autograd.walk import backward

UNARY = ["neg", "tanh", "sin", "cos", "sigmoid", "relu", "abs"]
BINARY = ["+", "-", "*"]
WITH_NUMBER = ["+c", "c-", "*c", "/c"]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _sign(x: float) -> float:
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


@dataclass
class Node:
    """The model's record of one engine node."""

    value: Value
    op: str  # "leaf" or a name from the lists above, or "dot", "dot+b", "sum"
    args: tuple[int, ...]  # indices into the model's node list
    data: float  # computed by the model, not read from the engine
    const: float = 0.0
    grad: float = 0.0  # what value.grad should hold
    tangent: float = field(default=0.0, repr=False)


def _forward(op: str, xs: list[float], c: float) -> float:
    if op == "neg":
        return -xs[0]
    if op in ("tanh", "sin", "cos"):
        return float(getattr(math, op)(xs[0]))
    if op == "sigmoid":
        return _sigmoid(xs[0])
    if op == "relu":
        return max(xs[0], 0.0)
    if op == "abs":
        return abs(xs[0])
    if op in ("+", "-", "*"):
        a, b = xs
        return a + b if op == "+" else a - b if op == "-" else a * b
    if op == "+c":
        return xs[0] + c
    if op == "c-":
        return c - xs[0]
    if op == "*c":
        return xs[0] * c
    if op == "/c":
        return xs[0] / c
    if op in ("dot", "dot+b"):
        n = len(xs) // 2
        return math.fsum(w * x for w, x in zip(xs[:n], xs[n : 2 * n])) + (
            xs[-1] if op == "dot+b" else 0.0
        )
    assert op == "sum"
    return math.fsum(xs)


def _partials(op: str, xs: list[float], c: float) -> list[float]:
    """d op / d arg_k for each argument position, in closed form."""
    x = xs[0]
    if op == "neg":
        return [-1.0]
    if op == "tanh":
        return [1.0 - math.tanh(x) ** 2]
    if op == "sin":
        return [math.cos(x)]
    if op == "cos":
        return [-math.sin(x)]
    if op == "sigmoid":
        return [_sigmoid(x) * (1.0 - _sigmoid(x))]
    if op == "relu":
        return [1.0 if x > 0 else 0.0]
    if op == "abs":
        return [_sign(x)]
    if op == "+":
        return [1.0, 1.0]
    if op == "-":
        return [1.0, -1.0]
    if op == "*":
        return [xs[1], xs[0]]
    if op in ("+c", "c-"):
        return [1.0 if op == "+c" else -1.0]
    if op in ("*c", "/c"):
        return [c if op == "*c" else 1.0 / c]
    if op in ("dot", "dot+b"):
        n = len(xs) // 2
        return [*xs[n : 2 * n], *xs[:n], *([1.0] if op == "dot+b" else [])]
    assert op == "sum"
    return [1.0] * len(xs)


def _build(op: str, args: list[Value], c: float) -> Value:
    """The same op on the engine's Values (numbers on either side, as the op name says)."""
    if op == "neg":
        return -args[0]
    if op == "abs":
        return abs(args[0])
    if op in UNARY:
        result: Value = getattr(args[0], op)()
        return result
    if op in ("+", "-", "*"):
        a, b = args
        return a + b if op == "+" else a - b if op == "-" else a * b
    if op == "+c":
        return c + args[0]
    if op == "c-":
        return c - args[0]
    if op == "*c":
        return args[0] * c
    if op == "/c":
        return args[0] / c
    if op in ("dot", "dot+b"):
        n = len(args) // 2
        return dot(args[:n], args[n : 2 * n], args[-1] if op == "dot+b" else None)
    assert op == "sum"
    return vsum(args)


numbers = st.floats(-2.0, 2.0)
constants = st.sampled_from([-1.5, -0.5, 0.25, 2.0, 3])


class GraphMachine(RuleBasedStateMachine):
    """Builds a graph in the engine and in the model side by side; they must always agree."""

    nodes = Bundle("nodes")

    def __init__(self) -> None:
        super().__init__()
        self.model: list[Node] = []
        self.index: dict[int, int] = {}  # id(Value) -> position in self.model
        self.fast = True  # backward() with the ops' own float rules, or chain_rule everywhere

    def _add(self, value: Value, op: str, args: tuple[int, ...], c: float = 0.0) -> int:
        data = _forward(op, [self.model[a].data for a in args], c) if args else value.data
        self.index[id(value)] = len(self.model)
        self.model.append(Node(value, op, args, data, c))
        return len(self.model) - 1

    def _make(self, op: str, args: tuple[int, ...], c: float = 0.0) -> int:
        value = _build(op, [self.model[a].value for a in args], c)
        assert value.op != "" and len(value.parents) >= len(args)
        return self._add(value, op, args, c)

    # --- building ----------------------------------------------------------------------------

    @initialize(target=nodes, xs=st.lists(numbers, min_size=3, max_size=3))
    def inputs(self, xs: list[float]) -> MultipleResults[int]:
        return multiple(*(self._add(Value(x), "leaf", ()) for x in xs))

    @rule(target=nodes, x=numbers)
    def leaf(self, x: float) -> int:
        return self._add(Value(x), "leaf", ())

    @rule(target=nodes, a=nodes, op=st.sampled_from(UNARY))
    def unary(self, a: int, op: str) -> int:
        return self._make(op, (a,))

    @rule(target=nodes, a=nodes, b=nodes, op=st.sampled_from(BINARY))
    def binary(self, a: int, b: int, op: str) -> int:
        if op == "*" and abs(self.model[a].data * self.model[b].data) > 1e4:
            op = "+"  # repeated squaring would overflow; sums grow slowly enough
        return self._make(op, (a, b))

    @rule(target=nodes, a=nodes, op=st.sampled_from(WITH_NUMBER), c=constants)
    def with_number(self, a: int, op: str, c: float) -> int:
        return self._make(op, (a,), c)

    @rule(target=nodes, args=st.lists(nodes, min_size=2, max_size=7), bias=st.booleans())
    def dot(self, args: list[int], bias: bool) -> int:
        if bias == (len(args) % 2 == 0):
            args = args[:-1]  # 2n args without bias, 2n + 1 with
        return self._make("dot+b" if bias else "dot", tuple(args))

    @rule(target=nodes, args=st.lists(nodes, min_size=1, max_size=5))
    def vsum(self, args: list[int]) -> int:
        return self._make("sum", tuple(args))

    @rule(target=nodes, a=nodes, b=nodes)
    def without_grad(self, a: int, b: int) -> int:
        # Under no_grad the result is a leaf: the model records it as a new, unconnected input.
        with no_grad():
            value = (self.model[a].value * self.model[b].value).tanh()
        assert value.op == "" and value.parents == ()
        index = self._add(value, "leaf", ())
        self.model[index].data = math.tanh(self.model[a].data * self.model[b].data)
        return index

    # --- differentiating -----------------------------------------------------------------------

    def _reachable(self, root: int) -> set[int]:
        seen, stack = {root}, [root]
        while stack:
            for a in self.model[stack.pop()].args:
                if a not in seen:
                    seen.add(a)
                    stack.append(a)
        return seen

    def _derivative(self, root: int, wrt: int) -> float:
        """d root / d wrt, by forward mode over the model: seed wrt, push tangents forward."""
        for k in range(wrt, root + 1):
            node = self.model[k]
            if k == wrt:
                node.tangent = 1.0
            elif node.args:
                local = _partials(node.op, [self.model[a].data for a in node.args], node.const)
                tangents = [self.model[a].tangent if a >= wrt else 0.0 for a in node.args]
                node.tangent = math.fsum(d * t for d, t in zip(local, tangents))
            else:
                node.tangent = 0.0
        return self.model[root].tangent

    @rule(root=nodes)
    def backward(self, root: int) -> None:
        if self.fast:
            self.model[root].value.backward()
        else:
            backward(self.model[root].value, fast=False)
        for m in self._reachable(root):
            self.model[m].grad += self._derivative(root, m)

    @rule(root=nodes)
    def zero_grad(self, root: int) -> None:
        self.model[root].value.zero_grad()
        for m in self._reachable(root):
            self.model[m].grad = 0.0

    @rule(root=nodes, wrt=st.lists(nodes, min_size=1, max_size=4), create_graph=st.booleans())
    def grad(self, root: int, wrt: list[int], create_graph: bool) -> None:
        got = grad(
            self.model[root].value, [self.model[m].value for m in wrt], create_graph=create_graph
        )
        reachable = self._reachable(root)
        for m, g in zip(wrt, got, strict=True):
            want = self._derivative(root, m) if m in reachable else 0.0
            assert _close(g.data, want), f"grad of node {root} by node {m}: {g.data} != {want}"

    @rule(fast=st.booleans())
    def switch_backward_rules(self, fast: bool) -> None:
        self.fast = fast

    # --- the engine and the model agree ---------------------------------------------------------

    @invariant()
    def values_and_grads_agree(self) -> None:
        for k, node in enumerate(self.model):
            assert _close(node.value.data, node.data), f"node {k} ({node.op}) value"
            assert _close(node.value.grad, node.grad), (
                f"node {k} ({node.op}) grad {node.value.grad} != {node.grad}"
            )


def _close(got: float, want: float) -> bool:
    return abs(got - want) <= 1e-9 * max(1.0, abs(want))


GraphMachine.TestCase.settings = settings(
    GraphMachine.TestCase.settings, max_examples=60, stateful_step_count=40
)
TestGraphMachine = GraphMachine.TestCase
