"""Saving and loading a custom module: its class defines config(), load takes cls=."""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value
from nn import MLP, Module, SerializationError


def bits(state: dict[str, float]) -> dict[str, bytes]:
    return {k: struct.pack(">d", v) for k, v in state.items()}


class Residual(Module):
    """x + MLP(x): a block whose output has the width of its input."""

    def __init__(self, width: int, hidden: int, *, seed: int = 0) -> None:
        super().__init__()
        self.width, self.hidden, self.seed = width, hidden, seed
        self.inner = MLP(width, [hidden, width], activation="tanh", seed=seed)
        self.scale = Value(0.5)

    def forward(self, x: list[float]) -> list[Value]:
        out = self.inner(x)
        outs = [out] if isinstance(out, Value) else out
        return [xi + self.scale * oi for xi, oi in zip(x, outs)]

    def config(self) -> dict[str, Any]:
        # The architecture only: the seed picks initial weights, which the file replaces.
        return {"width": self.width, "hidden": self.hidden}


def outputs(model: Module, x: list[float]) -> list[float]:
    return [v.data for v in model(x)]


def test_a_custom_module_round_trips_with_cls(tmp_path: Path) -> None:
    model = Residual(3, 4, seed=1)
    model.scale.data = 0.25  # trained away from its initial value
    nn.save(model, tmp_path / "res.json")
    document = json.loads((tmp_path / "res.json").read_text())
    assert document["class"] == f"{__name__}.Residual"
    assert document["config"] == {"width": 3, "hidden": 4}

    loaded = nn.load(tmp_path / "res.json", cls=Residual)
    assert type(loaded) is Residual and loaded.config() == model.config()
    assert bits(loaded.state_dict()) == bits(model.state_dict())
    assert outputs(loaded, [0.1, -0.2, 0.3]) == outputs(model, [0.1, -0.2, 0.3])

    other = Residual(3, 4, seed=9)
    assert nn.load(tmp_path / "res.json", into=other) is other
    assert bits(other.state_dict()) == bits(model.state_dict())


def test_without_cls_the_file_names_the_class_and_nothing_is_imported(tmp_path: Path) -> None:
    nn.save(Residual(2, 2), tmp_path / "res.json")
    with pytest.raises(SerializationError, match=r"unknown model class .*Residual.*cls="):
        nn.load(tmp_path / "res.json")
    document = json.loads((tmp_path / "res.json").read_text())
    document["class"] = "chainrule_never_imported_xyz.Residual"
    (tmp_path / "evil.json").write_text(json.dumps(document))
    with pytest.raises(SerializationError, match="unknown model class"):
        nn.load(tmp_path / "evil.json")
    assert "chainrule_never_imported_xyz" not in sys.modules
    # The class the caller passes decides; the module path in the file does not.
    assert type(nn.load(tmp_path / "evil.json", cls=Residual)) is Residual


def test_a_class_saved_from_main_loads_with_the_same_class_from_elsewhere(
    tmp_path: Path,
) -> None:
    nn.save(Residual(2, 3), tmp_path / "res.json")
    document = json.loads((tmp_path / "res.json").read_text())
    document["class"] = "__main__.Residual"  # as when a script saved it
    (tmp_path / "res.json").write_text(json.dumps(document))
    assert nn.load(tmp_path / "res.json", cls=Residual).config()["hidden"] == 3


def test_the_wrong_class_or_architecture_is_refused_and_the_model_untouched(
    tmp_path: Path,
) -> None:
    nn.save(Residual(2, 3), tmp_path / "res.json")
    nn.save(MLP(2, [3, 2], seed=0), tmp_path / "mlp.json")
    with pytest.raises(SerializationError, match=r"holds a 'MLP' model, not a .*Residual"):
        nn.load(tmp_path / "mlp.json", cls=Residual)
    with pytest.raises(SerializationError, match=r"holds a '.*Residual' model, not a MLP"):
        nn.load(tmp_path / "res.json", cls=MLP)
    target = Residual(2, 4, seed=5)
    before = bits(target.state_dict())
    with pytest.raises(SerializationError, match=r"holds .*Residual\(width=2, hidden=3"):
        nn.load(tmp_path / "res.json", into=target)
    with pytest.raises(SerializationError, match="does not fit"):
        nn.load(tmp_path / "mlp.json", into=target)
    assert bits(target.state_dict()) == before


def test_a_config_the_constructor_rejects_is_a_serialization_error(tmp_path: Path) -> None:
    nn.save(Residual(2, 3), tmp_path / "res.json")
    document = json.loads((tmp_path / "res.json").read_text())
    for config, match in [
        ({"width": 2, "hidden": 3, "depth": 4}, "unexpected keyword.*depth"),
        ({"hidden": 3}, "missing a required argument: 'width'"),
        ({"width": "two", "hidden": 3}, "bad architecture for Residual"),
        ({"width": 2, "hidden": 5}, "missing parameters"),
        ({"width": 2, "hidden": 3, "seed": 1}, r"gives .*Residual\(width=2, hidden=3\), not"),
    ]:
        document["config"] = config
        (tmp_path / "bad.json").write_text(json.dumps(document))
        with pytest.raises(SerializationError, match=match):
            nn.load(tmp_path / "bad.json", cls=Residual)


class NoConfig(Residual):
    """Inherits config() but takes other arguments: it must define its own to be saved."""

    def __init__(self) -> None:
        super().__init__(2, 2)


class Tupled(Residual):
    def config(self) -> dict[str, Any]:
        return {"width": self.width, "hidden": (self.hidden,)}


class Numpyish(Residual):
    def config(self) -> dict[str, Any]:
        return {"width": np.int64(self.width), "hidden": self.hidden}


class Misnamed(Residual):
    def config(self) -> dict[str, Any]:
        return {"n_in": self.width, "hidden": self.hidden}


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (NoConfig, "define NoConfig.config()"),
        (lambda: Tupled(2, 2), "plain JSON values"),
        (lambda: Numpyish(2, 2), "plain JSON values"),
        (lambda: Misnamed(2, 2), r"Misnamed\(\*\*config\) does not take"),
    ],
)
def test_a_module_whose_config_would_not_load_is_refused_at_save_time(
    tmp_path: Path, make: Any, match: str
) -> None:
    with pytest.raises(SerializationError, match=match):
        nn.save(make(), tmp_path / "m.json")
    assert list(tmp_path.iterdir()) == []


def test_load_refuses_a_bad_cls_or_into_with_a_type_error(tmp_path: Path) -> None:
    nn.save(MLP(2, [1], seed=0), tmp_path / "m.json")
    with pytest.raises(TypeError, match=r"into=.*a Module.*str"):
        nn.load(tmp_path / "m.json", into="m")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"cls=.*Module subclass"):
        nn.load(tmp_path / "m.json", cls=dict)  # type: ignore[arg-type]
