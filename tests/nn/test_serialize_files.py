"""Saving into the file system: modes, symbolic links, leftover temporary files, kill -9."""

from __future__ import annotations

import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import nn
from nn import MLP
from nn.atomic import STALE_AFTER

ROOT = Path(__file__).resolve().parents[2]


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o7777


@pytest.fixture
def model() -> MLP:
    return MLP(2, [3, 1], activation="tanh", seed=0)


# --- modes -------------------------------------------------------------------------------


@pytest.mark.parametrize("kept", [0o600, 0o640, 0o664, 0o444])
def test_saving_over_a_file_keeps_its_mode(tmp_path: Path, model: MLP, kept: int) -> None:
    path = tmp_path / "m.json"
    nn.save(MLP(2, [3, 1], activation="tanh", seed=1), path)
    path.chmod(kept)
    nn.save(model, path)
    assert mode(path) == kept
    assert nn.load(path).state_dict() == model.state_dict()  # and the contents are new
    assert listing(tmp_path) == ["m.json"]


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_umask_mode(
    tmp_path: Path, model: MLP, umask: int, expected: int
) -> None:
    old = os.umask(umask)
    try:
        nn.save(model, tmp_path / "m.json")
    finally:
        os.umask(old)
    assert mode(tmp_path / "m.json") == expected


def test_an_unwritable_place_raises_an_os_error_naming_the_file(
    tmp_path: Path, model: MLP
) -> None:
    with pytest.raises(FileNotFoundError, match=r"cannot write .*nope[/\\]m\.json") as info:
        nn.save(model, tmp_path / "nope" / "m.json")
    assert info.value.filename == str(tmp_path / "nope" / "m.json")
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError, match="cannot write"):
        nn.save(model, tmp_path / "file" / "m.json")
    assert listing(tmp_path) == ["file"]


# --- symbolic links ----------------------------------------------------------------------


def test_saving_to_a_symlink_writes_through_to_its_target(tmp_path: Path, model: MLP) -> None:
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "real.json"
    nn.save(MLP(2, [3, 1], activation="tanh", seed=1), target)
    target.chmod(0o600)
    link = tmp_path / "latest.json"
    link.symlink_to(Path("runs") / "real.json")  # relative, as users make them

    nn.save(model, link)

    assert link.is_symlink() and os.readlink(link) == str(Path("runs") / "real.json")
    assert nn.load(target).state_dict() == model.state_dict()
    assert mode(target) == 0o600
    # The temporary file was made beside the target (same file system) and is gone.
    assert listing(tmp_path) == ["latest.json", "runs"]
    assert listing(tmp_path / "runs") == ["real.json"]


def test_a_chain_of_links_and_a_dangling_link(tmp_path: Path, model: MLP) -> None:
    target = tmp_path / "real.json"
    (tmp_path / "one.json").symlink_to(target)  # dangling: the target does not exist yet
    (tmp_path / "two.json").symlink_to(tmp_path / "one.json")
    nn.save(model, tmp_path / "two.json")
    assert (tmp_path / "one.json").is_symlink() and (tmp_path / "two.json").is_symlink()
    assert target.is_file() and not target.is_symlink()
    assert nn.load(tmp_path / "two.json").state_dict() == model.state_dict()


# --- temporary files a killed save left behind ---------------------------------------------


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def test_the_next_save_clears_stale_temporary_files_of_its_own_and_nothing_else(
    tmp_path: Path, model: MLP
) -> None:
    path = tmp_path / "model.json"
    nn.save(model, path)
    old = STALE_AFTER + 50
    stale = [".model.json.0123456789ab.tmp", ".model.json.ffffffffffff.tmp"]
    kept = [
        ".model.json.0123456789AB.tmp",  # not our hex
        ".model.json.0123456789a.tmp",  # 11 digits
        ".model.json.0123456789ab.tmp.bak",
        ".model.json.0123456789ab.temp",
        "model.json.0123456789ab.tmp",  # not hidden
        ".other.json.0123456789ab.tmp",  # another file's
        ".model.json.x.0123456789ab.tmp",
        "notes.txt",
    ]
    for name in stale + kept:
        (tmp_path / name).write_text('{"format": "chainrule.mo')
        _age(tmp_path / name, old)
    young = tmp_path / ".model.json.aaaaaaaaaaaa.tmp"  # a save that may be just starting
    young.write_text("")
    directory = tmp_path / ".model.json.bbbbbbbbbbbb.tmp"  # our name, but not a file
    directory.mkdir()
    _age(directory, old)
    elsewhere = tmp_path / "precious.txt"
    elsewhere.write_text("keep me")
    link = tmp_path / ".model.json.cccccccccccc.tmp"  # our name, but a link
    link.symlink_to(elsewhere)
    _age(link, old)
    locked = tmp_path / ".model.json.dddddddddddd.tmp"  # a running save holds it
    locked.write_text("")
    _age(locked, old)

    with locked.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        nn.save(model, path)

    survivors = set(listing(tmp_path))
    assert not survivors & set(stale)
    assert set(kept) <= survivors
    assert {young.name, directory.name, link.name, locked.name} <= survivors
    assert elsewhere.read_text() == "keep me"
    # Once unlocked and old, it goes too; a save to another file leaves these alone.
    nn.save(model, tmp_path / "other.json")
    assert locked.name in listing(tmp_path)
    nn.save(model, path)
    assert locked.name not in listing(tmp_path)


_SAVER = """
import sys
import nn
path, flag = sys.argv[1], sys.argv[2]
models = [nn.MLP(8, [64, 64, 1], seed=s) for s in (0, 1)]
nn.save(models[0], path)
open(flag, "w").close()
i = 0
while True:
    i += 1
    nn.save(models[i % 2], path)
"""


def test_kill_9_during_saves_never_leaves_a_partial_model_file(tmp_path: Path) -> None:
    """The model file is always one of the two complete models; leftovers go on next save."""
    rng = random.Random(0)
    path = tmp_path / "model.json"
    expected = [MLP(8, [64, 64, 1], seed=s).state_dict() for s in (0, 1)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for attempt in range(4):
        flag = tmp_path / f"ready{attempt}"
        proc = subprocess.Popen([sys.executable, "-c", _SAVER, str(path), str(flag)], env=env)
        try:
            deadline = time.monotonic() + 60
            while not flag.exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            assert flag.exists(), "the saving process did not start"
            time.sleep(rng.uniform(0.05, 0.4))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        document = json.loads(path.read_text(encoding="utf-8"))  # complete JSON
        assert nn.load(path).state_dict() in expected
        assert document["parameters"] in expected
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    for p in leftovers:
        _age(p, STALE_AFTER + 1)
    nn.save(MLP(8, [64, 64, 1], seed=0), path)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
