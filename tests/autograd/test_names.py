"""node_names(): the one set of names that draw_dot, explain and the frames share."""

from __future__ import annotations

import re

from autograd import Value, dot, draw_dot, explain, topo_sort, vsum
from autograd.names import node_names, number


def test_labels_win_then_inputs_then_constants_then_formulas() -> None:
    w = [Value(0.5, "n.w.0"), Value(-1.0, "n.w.1")]
    s = dot(w, [1.0, 2.0], Value(0.0, "n.b"))
    y = (s.relu() - 1.0) * Value(4.0, "k")
    names = node_names(topo_sort(y))
    x0, x1 = s.parents[2:4]
    one = y.parents[0].parents[1]
    assert (names[x0], names[x1], names[one]) == ("x[0]", "x[1]", "1")
    assert names.constants == {one}
    assert names[s] == "n.w·x+b"
    assert names[y.parents[0].parents[0]] == "relu1"  # relu of a dotted name: op and count
    assert names[y] == "(relu1-1)*k"  # relu1 is no dotted path: formulas go on


def test_a_dot_without_neuron_labels_is_a_formula_or_a_count() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    y = dot([a, b], [3.0, 4.0])
    assert node_names(topo_sort(y))[y] == "dot(a, b, x[0], x[1])"
    z = dot([a, b, Value(3.0, "c")], [1.0, 2.0, 3.0])
    assert node_names(topo_sort(z))[z] == "dot1"


def test_the_same_names_in_draw_dot_explain_and_the_frame_caption() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    g = vsum([a * b, a, b, a * a, b * b, a * 2.0])
    f = g.tanh()
    e = explain(f)
    names = node_names(topo_sort(f))
    assert all(e.name(n) == names[n] for n in topo_sort(f))
    source = draw_dot(f).source
    for node in topo_sort(f):
        shown = names[node] + (" (const)" if node in names.constants else "")
        assert f'<td height="36">{shown}</td>' in source
    assert f"{names[g]} (sum) has gradient" in e.frame(1).source
    assert not any(re.fullmatch(r"v\d+", names[n]) for n in topo_sort(f))


def test_number_never_prints_minus_zero() -> None:
    assert number(-0.0) == "0" and number(0.0) == "0"
    assert number(-1e-300) == "-1e-300" and number(2.5) == "2.5"


def test_a_bare_number_as_the_root_is_not_a_constant() -> None:
    two = Value(2.0)
    names = node_names(topo_sort(two))
    assert names[two] == "2" and not names.constants
    assert str(explain(two)).splitlines()[-1].split() == ["2", "1"]
