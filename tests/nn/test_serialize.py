"""Saving and loading: bit-exact round trips, strict checks, bad files, atomic writes."""

from __future__ import annotations

import json
import math
import os
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn import MLP, Layer, Module, Neuron, SerializationError


def bits(state: dict[str, float]) -> dict[str, bytes]:
    """The exact bit patterns: == on floats would let -0.0 pass for 0.0."""
    return {k: struct.pack(">d", v) for k, v in state.items()}


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture
def model() -> MLP:
    return MLP(2, [3, 1], activation="tanh", seed=0)


@pytest.fixture
def saved(tmp_path: Path, model: MLP) -> Path:
    path = tmp_path / "model.json"
    nn.save(model, path)
    return path


# --- round trip --------------------------------------------------------------------------


def test_round_trip_gives_the_same_model(saved: Path, model: MLP) -> None:
    loaded = nn.load(saved)
    assert type(loaded) is MLP and loaded.config() == model.config()
    assert bits(loaded.state_dict()) == bits(model.state_dict())
    assert list(loaded.state_dict()) == [name for name, _ in model.named_parameters()]
    X = np.array([[0.1, -0.2], [3.0, 4.0]])
    assert np.array_equal(loaded.predict(X), model.predict(X))
    assert [p.label for p in loaded.parameters()] == list(loaded.state_dict())


@pytest.mark.parametrize(
    "make",
    [
        lambda: Neuron(3, activation="sigmoid", seed=1),
        lambda: Layer(2, 4, activation="linear", seed=2),
        lambda: MLP(1, [1, 2, 1], activation="relu", output_activation="tanh", seed=3),
    ],
)
def test_every_model_class_round_trips(tmp_path: Path, make: Callable[[], Module]) -> None:
    model = make()
    nn.save(model, tmp_path / "m.json")
    loaded = nn.load(str(tmp_path / "m.json"))  # a str path works too
    assert type(loaded) is type(model) and loaded.config() == model.config()
    assert bits(loaded.state_dict()) == bits(model.state_dict())


def test_the_file_is_readable_json_with_tag_version_architecture_and_parameters(
    saved: Path, model: MLP
) -> None:
    text = saved.read_text(encoding="utf-8")
    assert text.startswith('{\n  "format": "chainrule.model",\n  "version": 1,')
    document = json.loads(text)
    assert list(document) == ["format", "version", "class", "config", "parameters"]
    assert document["class"] == "MLP"
    assert document["config"] == {
        "nin": 2,
        "nouts": [3, 1],
        "activation": "tanh",
        "output_activation": "linear",
    }
    assert document["parameters"] == model.state_dict()


finite_floats = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True)


@given(st.lists(finite_floats, min_size=4, max_size=4))
def test_floats_round_trip_bit_exactly(values: list[float]) -> None:
    model = Neuron(3, seed=0)
    state = dict(zip(model.state_dict(), values))
    model.load_state_dict(state)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "m.json"
        nn.save(model, path)
        assert bits(nn.load(path).state_dict()) == bits(state)


def test_subnormals_and_negative_zero_round_trip(tmp_path: Path) -> None:
    model = Neuron(3, seed=0)
    state = {"w.0": 5e-324, "w.1": -0.0, "w.2": 2.2250738585072014e-308 / 3, "b": 1e308}
    model.load_state_dict(state)
    nn.save(model, tmp_path / "m.json")
    assert bits(nn.load(tmp_path / "m.json").state_dict()) == bits(state)


def test_load_into_an_existing_model_sets_its_parameters_in_place(saved: Path, model: MLP) -> None:
    other = MLP(2, [3, 1], activation="tanh", seed=99)
    params = other.parameters()
    assert nn.load(saved, into=other) is other
    assert bits(other.state_dict()) == bits(model.state_dict())
    assert all(a is b for a, b in zip(other.parameters(), params))  # same Value objects


def test_save_overwrites_an_existing_file(saved: Path) -> None:
    newer = MLP(2, [3, 1], activation="tanh", seed=1)
    nn.save(newer, saved)
    assert bits(nn.load(saved).state_dict()) == bits(newer.state_dict())
    assert listing(saved.parent) == ["model.json"]


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path, model: MLP) -> None:
    old = os.umask(0o022)
    try:
        nn.save(model, tmp_path / "m.json")
    finally:
        os.umask(old)
    assert (tmp_path / "m.json").stat().st_mode & 0o777 == 0o644


# --- what cannot be saved ----------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_parameters_are_refused_at_save_time(
    saved: Path, model: MLP, bad: float
) -> None:
    good = saved.read_bytes()
    model.layers[1].neurons[0].b.data = bad
    with pytest.raises(SerializationError, match=r"not finite: 'layers\.1\.neurons\.0\.b'"):
        nn.save(model, saved)
    assert saved.read_bytes() == good
    assert listing(saved.parent) == ["model.json"]


def test_only_known_classes_can_be_saved(tmp_path: Path) -> None:
    class Custom(Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = MLP(1, [1], seed=0)

    class MyMLP(MLP):
        pass

    for model in (Custom(), MyMLP(1, [1], seed=0)):
        with pytest.raises(SerializationError, match="knows Neuron, Layer, MLP"):
            nn.save(model, tmp_path / "m.json")
    assert listing(tmp_path) == []


# --- load_state_dict: strict and all-or-nothing ------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.pop("layers.0.neurons.2.b"),
            r"missing parameters 'layers\.0\.neurons\.2\.b'",
        ),
        (lambda d: d.update({"layers.2.neurons.0.b": 1.0}), r"unexpected parameters 'layers\.2"),
        (lambda d: d.update({"layers.1.neurons.0.b": "1.0"}), r"not finite numbers: .*'1\.0'"),
        (lambda d: d.update({"layers.1.neurons.0.b": None}), r"not finite numbers: .*None"),
        (lambda d: d.update({"layers.1.neurons.0.b": True}), r"not finite numbers: .*True"),
        (lambda d: d.update({"layers.1.neurons.0.b": [1.0]}), r"not finite numbers"),
        (lambda d: d.update({"layers.1.neurons.0.b": math.nan}), r"not finite numbers: .*nan"),
        (lambda d: d.update({"layers.1.neurons.0.b": -math.inf}), r"not finite numbers: .*inf"),
        (lambda d: d.update({"layers.1.neurons.0.b": 10**400}), r"not finite numbers"),
    ],
)
def test_load_state_dict_refuses_a_bad_dict_and_leaves_the_model_untouched(
    model: MLP, change: Callable[[dict[str, Any]], object], message: str
) -> None:
    before = bits(model.state_dict())
    state: dict[str, Any] = {k: v + 1.0 for k, v in model.state_dict().items()}
    change(state)
    with pytest.raises(SerializationError, match=r"load_state_dict\(\): .*" + message):
        model.load_state_dict(state)
    assert bits(model.state_dict()) == before


def test_load_state_dict_lists_every_problem_at_once(model: MLP) -> None:
    state: dict[str, Any] = dict(model.state_dict())
    del state["layers.0.neurons.0.w.0"], state["layers.0.neurons.1.w.1"]
    state["extra"] = 1.0
    state["layers.1.neurons.0.w.2"] = "x"
    with pytest.raises(SerializationError) as info:
        model.load_state_dict(state)
    text = str(info.value)
    for name in ["layers.0.neurons.0.w.0", "layers.0.neurons.1.w.1", "extra", "w.2"]:
        assert name in text


def test_load_state_dict_from_another_architecture_is_refused(model: MLP) -> None:
    before = bits(model.state_dict())
    other = MLP(2, [4, 1], activation="tanh", seed=0).state_dict()
    with pytest.raises(SerializationError, match=r"unexpected parameters 'layers\.0\.neurons\.3"):
        model.load_state_dict(other)
    with pytest.raises(SerializationError, match="missing parameters"):
        model.load_state_dict(Layer(2, 3, seed=0).state_dict())
    assert bits(model.state_dict()) == before


def test_load_state_dict_accepts_ints_and_numpy_numbers(model: MLP) -> None:
    state: dict[str, Any] = dict.fromkeys(model.state_dict(), 0)
    state["layers.0.neurons.0.w.0"] = np.float64(0.25)
    state["layers.0.neurons.0.w.1"] = np.float32(0.5)
    model.load_state_dict(state)
    got = model.state_dict()
    assert got["layers.0.neurons.0.w.0"] == 0.25 and got["layers.0.neurons.0.w.1"] == 0.5
    assert all(type(v) is float for v in got.values())


# --- bad files ---------------------------------------------------------------------------


def _edit(change: Callable[[dict[str, Any]], object]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        document = json.loads(text)
        change(document)
        return json.dumps(document, indent=2)

    return apply


def _set_param(name: str, value: object) -> Callable[[str], str]:
    return _edit(lambda d: d["parameters"].__setitem__(name, value))


BAD_FILES: list[tuple[str, Callable[[str], str], str]] = [
    ("empty", lambda t: "", "not valid JSON"),
    ("corrupt", lambda t: t.replace(":", "=", 3), "not valid JSON"),
    ("truncated", lambda t: t[: len(t) // 2], "not valid JSON.*truncated"),
    ("garbage", lambda t: "\x00\x01 not json", "not valid JSON"),
    ("a list", lambda t: "[1, 2, 3]", "not a chainrule model file"),
    ("wrong tag", _edit(lambda d: d.update(format="other.model")), "format tag 'other.model'"),
    ("no tag", _edit(lambda d: d.pop("format")), "format tag None"),
    ("version 2", _edit(lambda d: d.update(version=2)), "version 2 is not supported"),
    ("version '1'", _edit(lambda d: d.update(version="1")), "version '1' is not supported"),
    ("version true", _edit(lambda d: d.update(version=True)), "version True is not supported"),
    ("no parameters", _edit(lambda d: d.pop("parameters")), "missing 'parameters'"),
    ("no config", _edit(lambda d: d.pop("config")), "missing 'config'"),
    ("extra key", _edit(lambda d: d.update(code="rm -rf /")), "unexpected 'code'"),
    ("unknown class", _edit(lambda d: d.update({"class": "os.system"})), "unknown model class"),
    ("class not str", _edit(lambda d: d.update({"class": ["MLP"]})), "unknown model class"),
    ("config not dict", _edit(lambda d: d.update(config=[2, [3, 1]])), "must be a JSON object"),
    ("params not dict", _edit(lambda d: d.update(parameters=[0.0] * 13)), "must be a dict"),
    ("missing param", _edit(lambda d: d["parameters"].popitem()), "missing parameters"),
    ("extra param", _set_param("layers.1.neurons.0.w.3", 0.5), "unexpected parameters"),
    ("string value", _set_param("layers.0.neurons.0.b", "0.5"), "not finite numbers"),
    ("null value", _set_param("layers.0.neurons.0.b", None), "not finite numbers"),
    ("bool value", _set_param("layers.0.neurons.0.b", False), "not finite numbers"),
    ("list value", _set_param("layers.0.neurons.0.b", [0.5]), "not finite numbers"),
    (
        "overflowing number",
        lambda t: t.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1e999'),
        "not finite numbers: 'layers.0.neurons.0.b'=inf",
    ),
    ("NaN literal", lambda t: t.replace('"version": 1', '"version": NaN'), "NaN is not allowed"),
    (
        "Infinity value",
        lambda t: t.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": Infinity'),
        "Infinity is not allowed",
    ),
    (
        "wider architecture",
        _edit(lambda d: d["config"].update(nouts=[4, 1])),
        "holds MLP.*nouts=\\[4, 1\\].*does not fit",
    ),
    ("other class", _edit(lambda d: d.update({"class": "Layer"})), "holds Layer.*does not fit"),
]


@pytest.mark.parametrize(
    ("change", "message"), [row[1:] for row in BAD_FILES], ids=[row[0] for row in BAD_FILES]
)
def test_a_bad_file_raises_naming_path_and_problem_and_leaves_the_model_untouched(
    saved: Path, change: Callable[[str], str], message: str
) -> None:
    saved.write_text(change(saved.read_text(encoding="utf-8")), encoding="utf-8")
    target = MLP(2, [3, 1], activation="tanh", seed=42)
    before = bits(target.state_dict())
    with pytest.raises(SerializationError, match=message) as info:
        nn.load(saved, into=target)
    assert str(saved) in str(info.value)
    assert bits(target.state_dict()) == before
    with pytest.raises(SerializationError):  # and loading it as a new model fails too
        nn.load(saved)


def test_a_good_file_does_not_load_into_a_model_of_another_architecture(saved: Path) -> None:
    target = MLP(2, [3, 1], activation="relu", seed=42)
    before = bits(target.state_dict())
    with pytest.raises(SerializationError, match=r"activation='tanh'.*does not fit.*'relu'"):
        nn.load(saved, into=target)
    assert bits(target.state_dict()) == before
    assert nn.load(saved).config()["activation"] == "tanh"


def test_a_file_that_is_not_utf8_is_refused(saved: Path) -> None:
    saved.write_bytes(b"\xff\xfe\x00{")
    with pytest.raises(SerializationError, match="not UTF-8"):
        nn.load(saved)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"nin": 2, "nouts": [4, 1], "activation": "tanh", "output_activation": "linear"},
            r"missing parameters 'layers\.0\.neurons\.3",
        ),
        ({"nin": -1, "nouts": [3, 1]}, "nin must be a positive int"),
        ({"nin": 2, "nouts": [3, 1], "activation": "gelu"}, "unknown activation 'gelu'"),
        ({"nin": 2, "nouts": [3, 1], "dropout": 0.5}, "bad architecture.*dropout"),
        ({"nouts": [3, 1]}, "bad architecture.*nin"),
    ],
)
def test_architecture_and_parameters_must_agree(
    saved: Path, config: dict[str, Any], message: str
) -> None:
    document = json.loads(saved.read_text(encoding="utf-8"))
    document["config"] = config
    saved.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SerializationError, match=message) as info:
        nn.load(saved)
    assert str(saved) in str(info.value)


def test_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "nope.json")


# --- atomic writes -----------------------------------------------------------------------


def _crashing_dump(obj: object, fp: Any, **kwargs: Any) -> None:
    fp.write('{\n  "format": "chainrule.mo')  # half a file, then the crash
    fp.flush()
    raise RuntimeError("simulated crash while writing")


def test_a_crash_while_writing_keeps_the_old_file_and_leaves_no_temp_file(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = saved.read_bytes()
    monkeypatch.setattr(json, "dump", _crashing_dump)
    with pytest.raises(RuntimeError, match="simulated crash"):
        nn.save(MLP(2, [3, 1], activation="tanh", seed=7), saved)
    assert saved.read_bytes() == good
    assert listing(saved.parent) == ["model.json"]


def test_a_crash_before_the_rename_keeps_the_old_file(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = saved.read_bytes()

    def crash(src: Any, dst: Any) -> None:
        assert Path(src).parent == saved.parent  # the temp file sits next to the target
        assert json.loads(Path(src).read_text(encoding="utf-8"))["format"] == "chainrule.model"
        raise OSError("simulated crash before rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        nn.save(MLP(2, [3, 1], activation="tanh", seed=7), saved)
    assert saved.read_bytes() == good
    assert listing(saved.parent) == ["model.json"]


def test_a_crash_writing_a_new_file_leaves_nothing(
    tmp_path: Path, model: MLP, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json, "dump", _crashing_dump)
    with pytest.raises(RuntimeError):
        nn.save(model, tmp_path / "m.json")
    assert listing(tmp_path) == []


def test_the_data_is_synced_to_disk_before_the_rename(
    tmp_path: Path, model: MLP, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync")
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    nn.save(model, tmp_path / "m.json")
    assert events[:2] == ["fsync", "replace"]


# --- the optimizer beside the model -------------------------------------------------------


def _train(model: MLP, opt: nn.Optimizer, steps: int, seed: int) -> None:
    X, y = nn.make_moons(8, noise=0.1, seed=seed)
    for _ in range(steps):
        loss = nn.batch_loss(nn.hinge_loss, [model(list(r)) for r in X], y.tolist())
        opt.zero_grad()
        loss.backward()
        opt.step()


@pytest.mark.parametrize("make", [nn.Adam, nn.AdamW, lambda ps: nn.SGD(ps, 0.1, momentum=0.9)])
def test_the_optimizer_travels_with_the_model_and_training_resumes_exactly(
    tmp_path: Path, make: Callable[[list[Any]], nn.Optimizer]
) -> None:
    model = MLP(2, [4, 1], seed=0)
    opt = make(model.parameters())
    _train(model, opt, 3, seed=0)
    nn.save(model, tmp_path / "m.json", optimizer=opt)
    document = json.loads((tmp_path / "m.json").read_text())
    assert document["optimizer"]["class"] == type(opt).__name__
    assert document["optimizer"]["state"]["param_groups"][0]["lr"] == opt.lr

    resumed = MLP(2, [4, 1], seed=5)
    resumed_opt = make(resumed.parameters())
    nn.load(tmp_path / "m.json", into=resumed, optimizer=resumed_opt)
    _train(model, opt, 3, seed=1)
    _train(resumed, resumed_opt, 3, seed=1)
    assert bits(resumed.state_dict()) == bits(model.state_dict())
    # A file with an optimizer still loads as a plain model.
    assert nn.load(tmp_path / "m.json").num_parameters() == model.num_parameters()


def test_a_mismatched_optimizer_leaves_model_and_optimizer_untouched(tmp_path: Path) -> None:
    model = MLP(2, [4, 1], seed=0)
    opt = nn.Adam(model.parameters(), lr=0.01)
    _train(model, opt, 2, seed=0)
    nn.save(model, tmp_path / "adam.json", optimizer=opt)
    nn.save(model, tmp_path / "plain.json")
    small = MLP(2, [3, 1], seed=0)
    nn.save(small, tmp_path / "small.json", optimizer=nn.Adam(small.parameters()))

    target = MLP(2, [4, 1], seed=1)
    cases = [
        ("adam.json", nn.SGD(target.parameters(), lr=0.1), "'Adam' optimizer, not of a 'SGD'"),
        ("plain.json", nn.Adam(target.parameters()), "holds no optimizer state"),
        ("adam.json", nn.Adam(target.parameters()[:5]), "holds 5"),
    ]
    for name, other, match in cases:
        _train(target, other, 1, seed=2)
        model_before, opt_before = target.state_dict(), other.state_dict()
        with pytest.raises(SerializationError, match=match):
            nn.load(tmp_path / name, into=target, optimizer=other)
        assert bits(target.state_dict()) == bits(model_before)
        assert other.state_dict() == opt_before
    # A bad number in the optimizer's state: the model is not loaded either.
    document = json.loads((tmp_path / "adam.json").read_text())
    document["optimizer"]["state"]["state"]["0"]["exp_avg"] = "x"
    (tmp_path / "bad.json").write_text(json.dumps(document))
    fresh = nn.Adam(target.parameters())
    before = target.state_dict()
    with pytest.raises(SerializationError, match=r"bad\.json.*exp_avg"):
        nn.load(tmp_path / "bad.json", into=target, optimizer=fresh)
    assert bits(target.state_dict()) == bits(before) and fresh.state_dict()["state"] == {}
    with pytest.raises(ValueError, match="needs into=model"):
        nn.load(tmp_path / "adam.json", optimizer=fresh)


def test_a_diverged_optimizer_state_is_refused_at_save_time(tmp_path: Path) -> None:
    model = MLP(2, [1], seed=0)
    opt = nn.SGD(model.parameters(), lr=0.1, momentum=0.5)
    for p in model.parameters():
        p.grad = 1.0
    opt.step()
    opt.state[model.parameters()[0]]["momentum_buffer"] = math.inf
    with pytest.raises(SerializationError, match="optimizer's state is not finite"):
        nn.save(model, tmp_path / "m.json", optimizer=opt)
    assert listing(tmp_path) == []
