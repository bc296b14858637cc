"""Modules: names, counts, repr, init, predict against the Value forward, and gradients."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value
from nn import MLP, Layer, Module, Neuron

ACTS = ["relu", "tanh", "sigmoid", "linear"]


def n_params(nin: int, nouts: list[int]) -> int:
    sizes = [nin, *nouts]
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


# --- names, labels, counts ---------------------------------------------------------------


def test_named_parameters_names_and_order() -> None:
    model = MLP(2, [2, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
        "layers.0.neurons.1.w.1",
        "layers.0.neurons.1.b",
        "layers.1.neurons.0.w.0",
        "layers.1.neurons.0.w.1",
        "layers.1.neurons.0.b",
    ]
    # The same objects the model computes with, in the same order, every time.
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert model.parameters()[0] is model.layers[0].neurons[0].w[0]
    assert model.parameters()[-1] is model.layers[1].neurons[0].b
    assert model.parameters() == model.parameters()


def test_parameters_are_labelled_with_their_names() -> None:
    model = MLP(3, [4, 2], seed=1)
    for name, p in model.named_parameters():
        assert p.label == name
    assert [p.label for p in Neuron(2, seed=0).parameters()] == ["w.0", "w.1", "b"]
    assert [p.label for p in Layer(1, 2, seed=0).parameters()] == [
        "neurons.0.w.0",
        "neurons.0.b",
        "neurons.1.w.0",
        "neurons.1.b",
    ]


def test_each_neuron_labels_its_output_node_with_its_path() -> None:
    model = MLP(2, [3, 2], activation="tanh", seed=0)
    out = model([0.5, -0.5])
    assert [v.label for v in out] == ["layers.1.neurons.0", "layers.1.neurons.1"]
    assert out[0].op == "dot"  # linear output: the dot node itself is the neuron's output
    hidden = out[0].parents[3:6]  # dot's parents are (*w, *x, b): x are layer 0's outputs
    assert [v.label for v in hidden] == [f"layers.0.neurons.{i}" for i in range(3)]
    assert all(v.op == "tanh" for v in hidden)
    assert hidden[0].parents[0].op == "dot"


def test_a_neuron_is_one_dot_node_and_one_activation_node() -> None:
    n = Neuron(3, activation="sigmoid", seed=0)
    y = n([1.0, 2.0, 3.0])
    assert y.op == "sigmoid" and len(y.parents) == 1
    d = y.parents[0]
    assert d.op == "dot" and d.parents[:3] == tuple(n.w) and d.parents[-1] is n.b
    # 3 weights + 3 inputs + bias + dot + sigmoid
    assert len(autograd.topo_sort(y)) == 9
    linear = Neuron(3, activation="linear", seed=0)([1.0, 2.0, 3.0])
    assert linear.op == "dot"


def test_nesting_a_model_in_a_custom_module_prefixes_every_name() -> None:
    class Net(Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = [Value(2.0), Value(3.0)]
            self.body = MLP(2, [1], seed=0)

        def forward(self, x: list[float]) -> list[Value]:
            return [s * self.body(x) for s in self.scale]

    net = Net()
    names = [name for name, _ in net.named_parameters()]
    body = ["body.layers.0.neurons.0.w.0", "body.layers.0.neurons.0.w.1"]
    assert names == ["scale.0", "scale.1", *body, "body.layers.0.neurons.0.b"]
    assert [p.label for p in net.parameters()] == names
    assert net.body([1.0, 2.0]).label == "body.layers.0.neurons.0"
    assert [name for name, _ in net.named_modules()][:3] == ["", "body", "body.layers.0"]


@pytest.mark.parametrize(
    ("nin", "nouts"), [(1, [1]), (2, [16, 16, 1]), (3, [1, 1]), (5, [4, 3, 2]), (2, [7])]
)
def test_parameter_count_matches_the_formula(nin: int, nouts: list[int]) -> None:
    model = MLP(nin, nouts, seed=0)
    assert model.num_parameters() == n_params(nin, nouts) == len(model.parameters())
    assert f"# {n_params(nin, nouts)} parameters" in repr(model).splitlines()[0]
    assert Layer(nin, nouts[0], seed=0).num_parameters() == (nin + 1) * nouts[0]
    assert Neuron(nin, seed=0).num_parameters() == nin + 1


def test_nin_and_nout_attributes() -> None:
    assert (Neuron(3, seed=0).nin, Neuron(3, seed=0).nout) == (3, 1)
    assert (Layer(3, 5, seed=0).nin, Layer(3, 5, seed=0).nout) == (3, 5)
    model = MLP(4, [8, 2], seed=0)
    assert (model.nin, model.nout) == (4, 2)


def test_repr_is_a_tree_that_collapses_identical_neurons() -> None:
    model = MLP(2, [3, 1], seed=0)
    assert repr(model) == "\n".join(
        [
            "MLP(nin=2, nouts=[3, 1], activation='relu', output_activation='linear')"
            "  # 13 parameters",
            "  (layers.0): Layer(nin=2, nout=3, activation='relu')  # 9 parameters",
            "    (neurons.0-2): 3 x Neuron(nin=2, activation='relu')  # 3 parameters each",
            "  (layers.1): Layer(nin=3, nout=1, activation='linear')  # 4 parameters",
            "    (neurons.0): Neuron(nin=3, activation='linear')  # 4 parameters",
        ]
    )

    class One(Module):
        def __init__(self) -> None:
            super().__init__()
            self.k = Value(1.0)

    assert repr(One()) == "One()  # 1 parameter"


def test_unknown_attributes_raise_attribute_error() -> None:
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(AttributeError, match=r"MLP has no attribute 'layer'.*layers"):
        _ = model.layer
    assert getattr(model, "missing", None) is None  # hasattr/getattr defaults still work
    assert not hasattr(Neuron(2, seed=0), "weights")


def test_a_micrograd_style_subclass_needs_no_super_init() -> None:
    # Issue 13 turns the old "call super().__init__() first" error into support: micrograd's
    # modules never call it, and their parts are still found and named from the root.
    class NoInit(Module):
        def __init__(self) -> None:
            self.k = Value(1.0)

    m = NoInit()
    assert m.named_parameters() == [("k", m.k)]
    assert m.k.label == "k"
    with pytest.raises(AttributeError, match="has no attribute 'j'"):
        _ = m.j


def test_zero_grad_resets_every_parameter() -> None:
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    model([1.0, -2.0]).backward()
    assert all(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# --- shapes and inputs -------------------------------------------------------------------


def test_one_output_is_one_value_and_several_are_a_list() -> None:
    # Issue 13: micrograd's rule, out[0] if len(out) == 1 else out, for every model.
    assert isinstance(Neuron(2, seed=0)([1.0, 2.0]), Value)
    out = Layer(2, 1, seed=0)([1.0, 2.0])
    assert isinstance(out, Value) and out.label == "neurons.0"
    out = MLP(2, [3, 1], seed=0)([1.0, 2.0])
    assert isinstance(out, Value) and out.label == "layers.1.neurons.0"
    assert len(MLP(2, [3, 4], seed=0)([1.0, 2.0])) == 4
    layer_out = Layer(2, 3, seed=0)([1.0, 2.0])
    assert isinstance(layer_out, list) and len(layer_out) == 3


def test_numpy_and_value_inputs_work_and_give_the_same_result() -> None:
    model = MLP(3, [4, 2], activation="tanh", seed=0)
    x = [0.5, -1.0, 2.0]
    from_list = [v.data for v in model(x)]
    assert [v.data for v in model(np.array(x))] == from_list
    xs = [Value(xi) for xi in x]
    out = model(xs)
    assert [v.data for v in out] == from_list
    out[0].backward()
    assert all(xi.grad != 0.0 for xi in xs)  # gradients reach Value inputs


@pytest.mark.parametrize("make", [lambda: Neuron(3, seed=0), lambda: Layer(3, 2, seed=0)])
def test_wrong_input_length_names_expected_and_got(make: object) -> None:
    module = make()  # type: ignore[operator]
    with pytest.raises(ValueError, match="expects 3 inputs, got 2"):
        module([1.0, 2.0])


def test_bad_inputs_are_refused() -> None:
    model = MLP(3, [2], seed=0)
    with pytest.raises(ValueError, match="MLP expects 3 inputs, got 4"):
        model([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*predict"):
        model(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="list of 3 numbers"):
        model("abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list of 3 numbers"):
        model(1.0)  # type: ignore[arg-type]


def test_activation_names_are_checked() -> None:
    with pytest.raises(ValueError, match="'relu', 'tanh', 'sigmoid', 'linear'"):
        MLP(2, [3, 1], activation="ReLU")
    with pytest.raises(ValueError, match="unknown activation 'softmax'"):
        MLP(2, [3, 1], output_activation="softmax")
    with pytest.raises(ValueError, match="unknown activation"):
        Neuron(2, activation=None)  # type: ignore[arg-type]


def test_sizes_are_checked() -> None:
    with pytest.raises(ValueError, match="nin must be a positive int, got 0"):
        Neuron(0)
    with pytest.raises(TypeError, match="nout must be a positive int"):
        Layer(2, 2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-empty list"):
        MLP(2, [])
    with pytest.raises(ValueError, match="positive int"):
        MLP(2, [3, -1])


def test_output_layer_is_linear_unless_told_otherwise() -> None:
    x = [1.0, 2.0]
    assert MLP(2, [3, 1], seed=0)(x).op == "dot"
    assert MLP(2, [3, 1], output_activation="sigmoid", seed=0)(x).op == "sigmoid"
    model = MLP(2, [3, 3, 1], activation="tanh", seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "linear"]


# --- width-1 hidden layers (micrograd's issue #13) ---------------------------------------


@pytest.mark.parametrize("nouts", [[1, 1], [1, 4, 1, 2], [1]])
def test_a_hidden_layer_of_width_one_works_and_gets_gradients(nouts: list[int]) -> None:
    model = MLP(3, nouts, activation="tanh", seed=0)
    out = model([0.3, -0.7, 1.1])
    outs = [out] if isinstance(out, Value) else out
    assert isinstance(outs, list) and len(outs) == nouts[-1]
    assert isinstance(out, Value) == (nouts[-1] == 1)
    autograd.vsum(outs).backward()
    assert all(p.grad != 0.0 for p in model.parameters())


def test_a_width_one_bottleneck_trains() -> None:
    model = MLP(2, [1, 1], activation="tanh", seed=3)
    data = [([1.0, 0.5], 0.8), ([-1.0, 0.2], -0.6), ([0.3, -0.9], 0.1)]

    def loss() -> Value:
        return autograd.vsum((model(x) - y) ** 2 for x, y in data)

    first = loss().data
    for _ in range(60):
        model.zero_grad()
        total = loss()
        total.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
    assert loss().data < 0.5 * first


# --- initialisation ----------------------------------------------------------------------


def _weights(layer: Layer) -> np.ndarray:
    return np.array([[w.data for w in n.w] for n in layer.neurons])


def test_he_init_for_relu_is_normal_with_std_sqrt_2_over_fan_in() -> None:
    layer = Layer(400, 100, activation="relu", seed=0)
    w = _weights(layer)
    std = math.sqrt(2 / 400)
    assert abs(w.std() / std - 1) < 0.03
    assert abs(w.mean()) < 0.05 * std
    # A normal has tails; a uniform with this std would stop at sqrt(3) * std.
    assert np.abs(w).max() > 2.5 * std
    assert all(n.b.data == 0.0 for n in layer.neurons)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "linear"])
def test_glorot_init_is_uniform_with_std_sqrt_2_over_fan_in_plus_fan_out(activation: str) -> None:
    layer = Layer(400, 100, activation=activation, seed=1)
    w = _weights(layer)
    bound = math.sqrt(6 / 500)
    assert abs(w.std() / math.sqrt(2 / 500) - 1) < 0.03
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.99 * bound
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_uniform_init_is_micrograds_uniform_minus_one_one() -> None:
    w = _weights(Layer(200, 100, init="uniform", seed=2))
    assert np.abs(w).max() <= 1.0 and np.abs(w).max() > 0.99
    assert abs(w.std() / math.sqrt(1 / 3) - 1) < 0.03


def test_init_can_be_chosen_and_is_checked() -> None:
    w = _weights(Layer(400, 100, activation="tanh", init="he", seed=0))
    assert abs(w.std() / math.sqrt(2 / 400) - 1) < 0.03
    with pytest.raises(ValueError, match=r"unknown init 'xavier'.*'he', 'glorot', 'uniform'"):
        Layer(2, 2, init="xavier")


def test_mlp_picks_init_per_layer_from_its_activation() -> None:
    model = MLP(300, [200, 100], seed=0)  # relu hidden layer, linear output layer
    hidden, output = _weights(model.layers[0]), _weights(model.layers[1])
    assert abs(hidden.std() / math.sqrt(2 / 300) - 1) < 0.03
    assert np.abs(output).max() <= math.sqrt(6 / 300)
    assert abs(output.std() / math.sqrt(2 / 300) - 1) < 0.03


def test_same_seed_same_weights_other_seed_other_weights() -> None:
    a, b, c = (MLP(3, [5, 2], seed=s) for s in (7, 7, 8))
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()
    assert Neuron(4, seed=1).state_dict() == Neuron(4, seed=1).state_dict()
    assert Layer(4, 3, seed=1).state_dict() == Layer(4, 3, seed=1).state_dict()
    # A Generator is drawn from, so two models from one Generator differ.
    rng = np.random.default_rng(0)
    assert MLP(3, [2], seed=rng).state_dict() != MLP(3, [2], seed=rng).state_dict()
    assert MLP(3, [2]).state_dict() != MLP(3, [2]).state_dict()  # no seed: fresh randomness


# --- predict: the numpy forward pass ------------------------------------------------------


@st.composite
def models_and_inputs(draw: st.DrawFn) -> tuple[Module, np.ndarray]:
    nin = draw(st.integers(1, 4))
    nouts = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    kind = draw(st.sampled_from(["mlp", "layer", "neuron"]))
    act, out_act = draw(st.sampled_from(ACTS)), draw(st.sampled_from(ACTS))
    model: Module
    if kind == "mlp":
        model = MLP(nin, nouts, activation=act, output_activation=out_act, seed=0)
    elif kind == "layer":
        model = Layer(nin, nouts[0], activation=act, seed=0)
    else:
        model = Neuron(nin, activation=act, seed=0)
    weights = st.floats(-3.0, 3.0, allow_subnormal=False)
    values = draw(st.lists(weights, min_size=model.num_parameters(), max_size=99))
    model.load_state_dict(dict(zip(model.state_dict(), values)))
    rows = draw(st.integers(1, 5))
    x = draw(st.lists(st.floats(-5.0, 5.0), min_size=rows * nin, max_size=rows * nin))
    return model, np.array(x).reshape(rows, nin)


@given(models_and_inputs())
def test_predict_matches_the_value_forward_pass(case: tuple[Module, np.ndarray]) -> None:
    model, X = case
    got = model.predict(X)
    assert got.shape == (len(X), model.nout) and got.dtype == np.float64
    for row, x in zip(got, X):
        out = model(list(x))
        want = [out.data] if isinstance(out, Value) else [v.data for v in out]
        for g, w in zip(row, want):
            assert abs(g - w) <= 1e-12 * max(1.0, abs(w))


def test_predict_of_one_sample_and_bad_shapes() -> None:
    model = MLP(2, [3, 2], seed=0)
    one = model.predict([0.5, -1.0])
    assert one.shape == (1, 2)
    assert one.tolist() == [[v.data for v in model([0.5, -1.0])]]
    with pytest.raises(ValueError, match=r"expects 2 inputs per row, got X of shape \(4, 3\)"):
        model.predict(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="shape"):
        model.predict(np.zeros((2, 2, 2)))


def test_predict_is_stable_for_huge_pre_activations() -> None:
    for act in ["sigmoid", "tanh"]:
        model = MLP(1, [1], output_activation=act, seed=0)
        model.load_state_dict({"layers.0.neurons.0.w.0": 1000.0, "layers.0.neurons.0.b": 0.0})
        with np.errstate(over="raise", invalid="raise"):  # exp() must not overflow
            got = model.predict([[-1.0], [1.0], [0.0]])
        low = 0.0 if act == "sigmoid" else -1.0
        assert got[:, 0].tolist() == [low, 1.0, 0.5 if act == "sigmoid" else 0.0]


def test_predict_builds_no_graph_and_reads_the_current_weights() -> None:
    model = MLP(2, [2, 1], activation="linear", seed=0)
    before = model.predict([1.0, 1.0])[0, 0]
    model.layers[1].neurons[0].b.data += 1.5
    assert model.predict([1.0, 1.0])[0, 0] == pytest.approx(before + 1.5, abs=1e-12)
    assert all(p.grad == 0.0 for p in model.parameters())


def test_predict_on_a_custom_module_calls_it_per_row() -> None:
    class Double(Module):
        def __init__(self) -> None:
            super().__init__()
            self.nin, self.nout = 2, 2
            self.k = Value(2.0)

        def forward(self, x: list[float]) -> list[Value]:
            assert not autograd.is_grad_enabled()  # predict builds no graph
            return [self.k * xi for xi in x]

    got = Double().predict([[1.0, 2.0], [3.0, 4.0]])
    assert got.tolist() == [[2.0, 4.0], [6.0, 8.0]]


# --- gradients against central finite differences ----------------------------------------


@pytest.mark.parametrize(
    ("activation", "output_activation"),
    [("tanh", "sigmoid"), ("sigmoid", "linear"), ("relu", "tanh"), ("linear", "linear")],
)
def test_mlp_gradients_match_central_differences(activation: str, output_activation: str) -> None:
    model = MLP(3, [4, 3, 2], activation, output_activation, seed=5)
    x, target = [0.7, -1.3, 0.4], [0.25, -0.5]

    def loss() -> Value:
        return autograd.vsum((y - t) ** 2 for y, t in zip(model(x), target))

    model.zero_grad()
    loss().backward()
    h = 1e-6
    with autograd.no_grad():
        if activation == "relu":  # keep clear of relu's kink, where differences lie
            a = np.array(x)
            for layer in model.layers[:-1]:
                z = _weights(layer) @ a
                assert np.abs(z).min() > 1e-3
                a = np.maximum(z, 0.0)
        for p in model.parameters():
            original = p.data
            p.data = original + h
            up = loss().data
            p.data = original - h
            down = loss().data
            p.data = original
            numeric = (up - down) / (2 * h)
            assert abs(p.grad - numeric) <= 1e-6 * max(1.0, abs(numeric)), p.label
