"""Hostile model files: memory bombs, deep nesting, huge numbers, huge files, short errors."""

from __future__ import annotations

import json
import struct
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn import MLP, Layer, Module, Neuron, SerializationError
from nn.serialize import _COUNTS
from nn.state import MAX_MESSAGE


def bits(state: dict[str, float]) -> dict[str, bytes]:
    return {k: struct.pack(">d", v) for k, v in state.items()}


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "model.json"
    nn.save(MLP(2, [3, 1], activation="tanh", seed=0), path)
    return path


def rewrite(path: Path, change: Callable[[dict[str, Any]], object]) -> Path:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def refused(path: Path, match: str | None = None) -> str:
    """Load ``path`` into a model and as a new one: both refused, shortly; model untouched."""
    target = MLP(2, [3, 1], activation="tanh", seed=42)
    before = bits(target.state_dict())
    with pytest.raises(SerializationError) as info:
        nn.load(path, into=target)
    assert bits(target.state_dict()) == before
    assert len(str(info.value)) <= MAX_MESSAGE and str(path) in str(info.value)
    with pytest.raises(SerializationError, match=match) as info:
        nn.load(path)
    message = str(info.value)
    assert len(message) <= MAX_MESSAGE and str(path) in message
    return message


# --- a small file cannot make load build a huge model --------------------------------------

ACTS = {"activation": "tanh", "output_activation": "linear"}
BOMBS = [
    ("MLP", {"nin": 3000, "nouts": [3000, 1], **ACTS}),  # the issue's: 49 s and 4.5 GB
    ("MLP", {"nin": 100000, "nouts": [3, 1], **ACTS}),  # the issue's: MemoryError
    ("MLP", {"nin": 2, "nouts": [1000] * 300, **ACTS}),
    ("MLP", {"nin": 10**300, "nouts": [10**300, 1]}),
    ("Layer", {"nin": 10**6, "nout": 10**6, "activation": "tanh"}),
    ("Neuron", {"nin": 10**9, "activation": "tanh"}),
]


@pytest.mark.parametrize(
    ("name", "config"), BOMBS, ids=[f"{n}{i}" for i, (n, _) in enumerate(BOMBS)]
)
def test_a_tiny_file_claiming_a_huge_model_is_refused_before_anything_is_built(
    saved: Path, name: str, config: dict[str, Any]
) -> None:
    rewrite(saved, lambda d: d.update({"class": name, "config": config}))
    size = saved.stat().st_size
    tracemalloc.start()
    try:
        with pytest.raises(SerializationError, match="nothing was built") as info:
            nn.load(saved)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * size + 100_000, f"{peak} bytes for a {size}-byte file"
    assert "holds 13 parameters" in str(info.value) and len(str(info.value)) <= MAX_MESSAGE


def test_a_small_mismatch_is_still_built_and_names_the_missing_parameters(saved: Path) -> None:
    rewrite(saved, lambda d: d["config"].update(nouts=[40, 1]))  # 161 parameters, file 13
    message = refused(saved, r"missing parameters 'layers\.0\.neurons\.3\.w\.0'")
    assert "and 143 more" in message  # 148 missing, 5 shown


@given(
    st.integers(1, 6),
    st.lists(st.integers(1, 6), min_size=1, max_size=4),
    st.sampled_from(["Neuron", "Layer", "MLP"]),
)
def test_the_count_from_a_config_is_the_count_of_the_built_model(
    nin: int, nouts: list[int], name: str
) -> None:
    model: Module = {
        "Neuron": lambda: Neuron(nin),
        "Layer": lambda: Layer(nin, nouts[0]),
        "MLP": lambda: MLP(nin, nouts),
    }[name]()
    assert _COUNTS[type(model)](model.config()) == model.num_parameters()


# --- corrupt files: always a SerializationError, always short ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10**4 + "]" * 10**4,
        '{"a": ' * 10**4 + "1" + "}" * 10**4,
        "[" * 10**6,
    ],
    ids=["10^4 lists", "10^4 objects", "10^6 open brackets"],
)
def test_deep_nesting_is_refused_not_a_recursion_error(saved: Path, text: str) -> None:
    saved.write_text(text, encoding="utf-8")
    refused(saved, "nested more than 32 deep|not valid JSON")


def test_nesting_the_parser_accepts_but_no_model_file_has_is_refused(saved: Path) -> None:
    deep: Any = 1
    for _ in range(200):
        deep = [deep]
    rewrite(saved, lambda d: d["config"].update(nouts=deep))
    refused(saved, "nested more than 32 deep")


@pytest.mark.parametrize(
    "where",
    [
        lambda d, n: d.update(version=n),
        lambda d, n: d["config"].update(nin=n),
        lambda d, n: d["parameters"].update({"layers.0.neurons.0.b": n}),
        lambda d, n: d["parameters"].update({"layers.0.neurons.0.b": -n}),
    ],
    ids=["version", "nin", "parameter", "negative parameter"],
)
def test_a_5000_digit_integer_is_a_serialization_error(
    saved: Path, where: Callable[[dict[str, Any], int], object]
) -> None:
    text = saved.read_text(encoding="utf-8")
    document = json.loads(text)
    where(document, 123456789)
    text = json.dumps(document).replace("123456789", "7" * 5000)
    saved.write_text(text, encoding="utf-8")
    message = refused(saved, "an integer of 500[01] digits is not allowed")
    assert "7" * 50 not in message


def test_a_long_but_fine_integer_still_loads_as_a_float(saved: Path) -> None:
    text = saved.read_text(encoding="utf-8")
    document = json.loads(text)
    document["parameters"]["layers.0.neurons.0.b"] = 10**300
    saved.write_text(json.dumps(document), encoding="utf-8")
    assert nn.load(saved).state_dict()["layers.0.neurons.0.b"] == 1e300


BIG = 4 * 10**6  # characters: large enough that echoing it would show
ITEMS = BIG // 5  # list items, each "1.5, " in the file


def _many_bad_values(d: dict[str, Any]) -> None:
    for i in range(BIG // 40):
        d["parameters"][f"layers.9.neurons.{i}.w.0"] = "x" * 10
    d["parameters"]["layers.0.neurons.0.b"] = ["y" * 10] * 100


HUGE_FILES: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
    ("huge string value", lambda d: d["parameters"].update({"layers.0.neurons.0.b": "v" * BIG})),
    ("huge list value", lambda d: d["parameters"].update({"layers.0.neurons.0.b": [1.5] * ITEMS})),
    ("huge name", lambda d: d["parameters"].update({"n" * BIG: 1.0})),
    ("many bad values", _many_bad_values),
    ("huge class name", lambda d: d.update({"class": "C" * BIG})),
    ("huge format tag", lambda d: d.update(format="f" * BIG)),
    ("huge version", lambda d: d.update(version=["1"] * ITEMS)),
    ("huge extra key", lambda d: d.update({"k" * BIG: 1})),
    ("huge activation", lambda d: d["config"].update(activation="a" * BIG)),
    ("huge nouts", lambda d: d["config"].update(nouts="3" * BIG)),
    ("huge config key", lambda d: d["config"].update({"c" * BIG: 1})),
    ("huge config", lambda d: d["config"].update(nin=3, activation=["z"] * ITEMS)),
]


@pytest.mark.parametrize(
    "change", [row[1] for row in HUGE_FILES], ids=[row[0] for row in HUGE_FILES]
)
def test_a_huge_bad_file_gives_a_short_message(
    saved: Path, change: Callable[[dict[str, Any]], object]
) -> None:
    rewrite(saved, change)
    assert saved.stat().st_size > BIG // 2
    refused(saved)


def test_a_huge_optimizer_entry_gives_a_short_message(tmp_path: Path) -> None:
    model = MLP(2, [3, 1], seed=0)
    opt = nn.Adam(model.parameters())
    nn.save(model, tmp_path / "m.json", optimizer=opt)
    cases: list[Callable[[dict[str, Any]], object]] = [
        lambda d: d["optimizer"].update({"class": "A" * BIG}),
        lambda d: d["optimizer"]["state"].update(state={"0": {"exp_avg": "e" * BIG}}),
        lambda d: d["optimizer"]["state"].update(state={"9" * 300: {}}),
        lambda d: d["optimizer"]["state"].update(state={"²": {}}),
        lambda d: d["optimizer"]["state"]["param_groups"][0].update(lr="l" * BIG),
    ]
    for change in cases:
        path = rewrite(tmp_path / "m.json", change)
        target = MLP(2, [3, 1], seed=1)
        target_opt = nn.Adam(target.parameters())
        before, opt_before = bits(target.state_dict()), target_opt.state_dict()
        with pytest.raises(SerializationError) as info:
            nn.load(path, into=target, optimizer=target_opt)
        assert len(str(info.value)) <= MAX_MESSAGE
        assert bits(target.state_dict()) == before and target_opt.state_dict() == opt_before
        nn.save(model, tmp_path / "m.json", optimizer=opt)


def test_a_long_message_is_cut_in_the_middle_keeping_both_ends() -> None:
    message = str(SerializationError("start " + "x" * 10**6 + " what to do"))
    assert len(message) <= MAX_MESSAGE
    assert message.startswith("start xxx") and message.endswith("x what to do")
    assert "characters cut" in message
    assert str(SerializationError("short")) == "short"
