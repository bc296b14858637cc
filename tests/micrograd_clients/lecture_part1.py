"""The lecture's first half: a small expression, a neuron, and backprop done by hand.

It goes the way the lecture does: build ``L = (a*b + c) * f`` and nudge its inputs to see
the derivatives; build a neuron ``tanh(x1*w1 + x2*w2 + b)``; set ``o.grad = 1.0`` and call
each node's ``_backward()`` by hand; then order the nodes with a recursive ``build_topo``
over ``_prev`` and let a loop do it; then ``backward()``; then tanh written out with exp.
"""

from __future__ import annotations

from typing import Any


def expression(Value: Any, nudge: str = "", h: float = 0.0) -> dict[str, Any]:
    """``L = (a*b + c) * f`` with every node named; ``nudge`` adds ``h`` to one input."""

    def leaf(name: str, x: float) -> Any:
        v = Value(x + h if name == nudge else x)
        v.label = name
        return v

    a, b, c, f = leaf("a", 2.0), leaf("b", -3.0), leaf("c", 10.0), leaf("f", -2.0)
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L}


def nudged_slopes(Value: Any, h: float = 0.0001) -> dict[str, float]:
    """dL/dx for each input x, as the lecture first finds it: (L(x + h) - L(x)) / h."""
    L0 = expression(Value)["L"].data
    return {x: (expression(Value, x, h)["L"].data - L0) / h for x in "abcf"}


def expression_by_hand(Value: Any) -> dict[str, float]:
    """Backprop through ``L`` one ``_backward()`` at a time, from the output back."""
    g = expression(Value)
    g["L"].grad = 1.0
    g["L"]._backward()
    g["d"]._backward()
    g["e"]._backward()
    return {name: v.grad for name, v in g.items()}


def neuron(Value: Any, tanh_from_exp: bool = False) -> dict[str, Any]:
    """``o = tanh(x1*w1 + x2*w2 + b)``; with ``tanh_from_exp``, tanh is (e**2n - 1)/(e**2n + 1)."""
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    if tanh_from_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    return {
        "x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b,
        "x1w1": x1w1, "x2w2": x2w2, "x1w1x2w2": x1w1x2w2, "n": n, "o": o,
    }  # fmt: skip


def grads(g: dict[str, Any]) -> dict[str, float]:
    return {name: v.grad for name, v in g.items()}


def neuron_by_hand(Value: Any) -> dict[str, float]:
    """The heart of the lecture: seed the output, then each node's chain-rule step in turn."""
    g = neuron(Value)
    g["o"].grad = 1.0
    g["o"]._backward()
    g["n"]._backward()
    g["b"]._backward()  # a leaf: nothing to do
    g["x1w1x2w2"]._backward()
    g["x2w2"]._backward()
    g["x1w1"]._backward()
    return grads(g)


def build_topo(root: Any) -> list[Any]:
    """Every node ``root`` depends on, each after its children, as the lecture writes it."""
    topo: list[Any] = []
    visited: set[Any] = set()

    def visit(v: Any) -> None:
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                visit(child)
            topo.append(v)

    visit(root)
    return topo


def neuron_by_topo(Value: Any, tanh_from_exp: bool = False) -> dict[str, float]:
    """The same backprop by a loop over the nodes in reverse topological order."""
    g = neuron(Value, tanh_from_exp)
    g["o"].grad = 1.0
    for node in reversed(build_topo(g["o"])):
        node._backward()
    return grads(g)


def neuron_by_backward(Value: Any, tanh_from_exp: bool = False) -> dict[str, float]:
    """The same backprop by ``o.backward()``."""
    g = neuron(Value, tanh_from_exp)
    g["o"].backward()
    return grads(g)


def reused_node(Value: Any) -> dict[str, float]:
    """The lecture's bug hunt: a node used twice must collect both contributions."""
    a = Value(3.0)
    b = a + a
    b.backward()
    x, y = Value(-2.0), Value(3.0)
    d = x * y
    e = x + y
    f = d * e
    f.backward()
    return {"a": a.grad, "b": b.data, "x": x.grad, "y": y.grad, "f": f.data}


def arithmetic(Value: Any) -> dict[str, float]:
    """Numbers on either side, division, subtraction and powers, as the lecture adds them."""
    a, b = Value(2.0), Value(4.0)
    return {
        "a + 1": (a + 1).data,
        "1 + a": (1 + a).data,
        "2 * a": (2 * a).data,
        "a * 2": (a * 2).data,
        "a / b": (a / b).data,
        "a - b": (a - b).data,
        "a ** 2": (a**2).data,
        "b ** -1": (b**-1).data,
        "1 - a": (1 - a).data,
        "-a": (-a).data,
    }
