"""Fuzzing nn.load with mutated files: a SerializationError, short, and nothing touched.

Each example saves a model with its Adam state, mutates the file (byte flips, truncation,
inserted junk, a number replaced by something huge, NaN or a string, a key deleted) and
loads it into another model and optimizer. Either the load succeeds, and then the model
holds exactly the numbers the file holds, or it raises a SerializationError of at most
500 characters and both the model and the optimizer are as they were.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn import MLP, SerializationError
from nn.state import MAX_MESSAGE


def bits(state: dict[str, float]) -> dict[str, bytes]:
    return {k: struct.pack(">d", v) for k, v in state.items()}


def _saved_text() -> str:
    model = MLP(2, [3, 2], activation="tanh", seed=0)
    opt = nn.Adam(model.parameters(), lr=0.01)
    for p in model.parameters():
        p.grad = 0.5
    opt.step()
    path = Path(__import__("tempfile").mkdtemp()) / "model.json"
    nn.save(model, path, optimizer=opt)
    return path.read_text(encoding="utf-8")


ORIGINAL = _saved_text()
NUMBERS = [m.span() for m in re.finditer(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", ORIGINAL)]
REPLACEMENTS = [
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    '"0.5"',
    "null",
    "true",
    "[]",
    "{}",
    "9" * 5000,
    "1" * 401,
    "0" * 400,
    "-0",
    "1e-400",
    '"' + "x" * 10_000 + '"',
    "[" * 3000 + "]" * 3000,
]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key (or list index) in the document, as a path from the top."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    out = []
    for k, v in items:
        out.append((*prefix, k))
        if isinstance(v, (dict, list)):
            out.extend(_paths(v, (*prefix, k)))
    return out


KEY_PATHS = [p for p in _paths(json.loads(ORIGINAL)) if not isinstance(p[-1], int)]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = ORIGINAL.encode("utf-8")
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "number", "delete", "many"]))
    if kind == "number":
        start, end = draw(st.sampled_from(NUMBERS))
        text = ORIGINAL[:start] + draw(st.sampled_from(REPLACEMENTS)) + ORIGINAL[end:]
        return text.encode("utf-8")
    if kind == "delete":
        document = json.loads(ORIGINAL)
        *parents, key = draw(st.sampled_from(KEY_PATHS))
        node = document
        for k in parents:
            node = node[k]
        del node[key]
        return json.dumps(document).encode("utf-8")
    rounds = draw(st.integers(2, 8)) if kind == "many" else 1
    for _ in range(rounds):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "truncate", "insert"])) if kind == "many" else kind
        if action == "flip":
            bit = draw(st.integers(0, 7))
            data = data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1 :]
        elif action == "truncate":
            data = data[:at]
        else:
            junk = draw(st.binary(min_size=1, max_size=12) | st.sampled_from([b"{", b"]", b","]))
            data = data[:at] + junk + data[at:]
        if not data:
            break
    return data


@given(mutated())
def test_a_mutated_file_loads_exactly_or_raises_a_short_serialization_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "model.json"
    path.write_bytes(data)
    target = MLP(2, [3, 2], activation="tanh", seed=7)
    opt = nn.Adam(target.parameters(), lr=0.01)
    before, opt_before = bits(target.state_dict()), opt.state_dict()
    try:
        nn.load(path, into=target, optimizer=opt)
    except SerializationError as e:
        assert len(str(e)) <= MAX_MESSAGE
        assert bits(target.state_dict()) == before
        assert opt.state_dict() == opt_before
    else:  # the mutation kept the file valid: the model holds the file's numbers
        held = json.loads(data)["parameters"]
        assert bits(target.state_dict()) == bits({k: float(v) for k, v in held.items()})
    try:
        fresh = nn.load(path)
    except SerializationError as e:
        assert len(str(e)) <= MAX_MESSAGE
    else:
        held = json.loads(data)["parameters"]
        assert bits(fresh.state_dict()) == bits({k: float(v) for k, v in held.items()})
