"""Probes of nn.save and nn.load as a hostile user would run them; prints a Markdown table.

Each probe runs in a child process with a 3 GB address-space limit and a 120 s timeout, so
the probes can be run against an old checkout that fails them without taking the machine:

    PYTHONPATH=. python tools/probe_io.py                 # this checkout
    PYTHONPATH=/path/to/old python tools/probe_io.py      # another one, for "before"

The numbers go to docs/reliability.md (saving and loading). Wall times are for reading,
not for tests.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

PROBES: dict[str, Callable[[Path], str]] = {}


def probe(name: str) -> Callable[[Callable[[Path], str]], Callable[[Path], str]]:
    def register(f: Callable[[Path], str]) -> Callable[[Path], str]:
        PROBES[name] = f
        return f

    return register


def _saved(tmp: Path) -> Path:
    import nn

    path = tmp / "model.json"
    nn.save(nn.MLP(2, [3, 1], activation="tanh", seed=0), path)
    return path


def _outcome(call: Callable[[], object]) -> str:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        call()
        what = "loaded"
    except Exception as e:
        what = f"{type(e).__name__}, message {len(str(e)):,} chars"
    grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return f"{what}; {time.perf_counter() - start:.2f} s, peak RSS +{grew:.0f} MB"


def _bomb(tmp: Path, config: dict[str, object]) -> str:
    import nn

    path = _saved(tmp)
    document = json.loads(path.read_text())
    document["config"].update(config)
    path.write_text(json.dumps(document, indent=2))
    size = path.stat().st_size
    return f"{size}-byte file: " + _outcome(lambda: nn.load(path))


@probe("bomb: MLP(nin=1000, nouts=[1000, 1]) in a small file")
def _bomb_1000(tmp: Path) -> str:
    return _bomb(tmp, {"nin": 1000, "nouts": [1000, 1]})


@probe("bomb: MLP(nin=3000, nouts=[3000, 1]) (the issue's)")
def _bomb_3000(tmp: Path) -> str:
    return _bomb(tmp, {"nin": 3000, "nouts": [3000, 1]})


@probe("bomb: MLP(nin=100000, nouts=[3, 1]) (the issue's)")
def _bomb_100000(tmp: Path) -> str:
    return _bomb(tmp, {"nin": 100000, "nouts": [3, 1]})


def _text(tmp: Path, text: str) -> str:
    import nn

    path = tmp / "model.json"
    path.write_text(text)
    return f"{path.stat().st_size:,}-byte file: " + _outcome(lambda: nn.load(path))


@probe('"[" * 10**4 + "]" * 10**4')
def _nested(tmp: Path) -> str:
    return _text(tmp, "[" * 10**4 + "]" * 10**4)


@probe("a 5000-digit integer as a parameter")
def _digits(tmp: Path) -> str:
    text = _saved(tmp).read_text()
    return _text(
        tmp, text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": ' + "7" * 5000)
    )


@probe("a 50 MB file of bad values (one string parameter)")
def _big(tmp: Path) -> str:
    document = json.loads(_saved(tmp).read_text())
    document["parameters"]["layers.0.neurons.0.b"] = "\x01" * (50 * 10**6 // 6)  # \u0001
    return _text(tmp, json.dumps(document))


@probe("save over a chmod 600 file: mode after")
def _mode(tmp: Path) -> str:
    import nn

    path = _saved(tmp)
    path.chmod(0o600)
    nn.save(nn.MLP(2, [3, 1], seed=1), path)
    return oct(path.stat().st_mode & 0o777)


@probe("save to a symlink: link kept? target updated?")
def _link(tmp: Path) -> str:
    import nn

    target = _saved(tmp)
    link = tmp / "link.json"
    link.symlink_to(target.name)
    model = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    nn.save(model, link)
    updated = nn.load(target).state_dict() == model.state_dict()
    return f"link kept: {link.is_symlink()}, target updated: {updated}"


_SAVER = """
import sys, nn
models = [nn.MLP(8, [64, 64, 1], seed=s) for s in (0, 1)]
nn.save(models[0], sys.argv[1]); open(sys.argv[2], "w").close()
i = 0
while True:
    i += 1; nn.save(models[i % 2], sys.argv[1])
"""


@probe("kill -9 during saves, 20 tries")
def _kill(tmp: Path) -> str:
    import nn

    rng, path, whole, left = random.Random(0), tmp / "model.json", 0, 0
    for attempt in range(20):
        flag = tmp / f"ready{attempt}"
        proc = subprocess.Popen([sys.executable, "-c", _SAVER, str(path), str(flag)])
        while not flag.exists() and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.05, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        try:
            nn.load(path)
            whole += 1
        except Exception:
            pass
        left = max(left, len([p for p in tmp.iterdir() if p.name.endswith(".tmp")]))
    leftovers = [p for p in tmp.iterdir() if p.name.endswith(".tmp")]
    for p in leftovers:  # as if the next save came a minute later
        os.utime(p, (time.time() - 60, time.time() - 60))
    nn.save(nn.MLP(2, [1], seed=0), path)
    after = len([p for p in tmp.iterdir() if p.name.endswith(".tmp")])
    return (
        f"model file complete {whole}/20; temporary files left: {len(leftovers)}; "
        f"after the next save: {after}"
    )


@probe("save and load a custom module (x + MLP(x))")
def _custom(tmp: Path) -> str:
    import nn

    class Residual(nn.Module):
        def __init__(self, width: int) -> None:
            super().__init__()
            self.width = width
            self.inner = nn.MLP(width, [4, width], seed=0)

        def config(self) -> dict[str, object]:
            return {"width": self.width}

    try:
        nn.save(Residual(2), tmp / "r.json")
        loaded = nn.load(tmp / "r.json", cls=Residual)  # type: ignore[call-arg]
        return f"works: {type(loaded).__name__}, {loaded.num_parameters()} parameters"
    except Exception as e:
        return f"{type(e).__name__}: {str(e)[:90]}"


@probe("2,000 randomly mutated files: exception types, longest message")
def _mutations(tmp: Path) -> str:
    import nn

    model = nn.MLP(2, [3, 2], seed=0)
    opt = nn.Adam(model.parameters())
    nn.save(model, tmp / "m.json", optimizer=opt)
    good = (tmp / "m.json").read_bytes()
    rng, kinds, longest = random.Random(0), Counter[str](), 0
    junk = [b"9" * 5000, b"[" * 5000, b"NaN", b'"x"', b"1e999", bytes([0xFF]), b"{"]
    for _ in range(2000):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.4:
                data[at] ^= 1 << rng.randrange(8)
            elif choice < 0.5:
                del data[at:]
            else:
                data[at:at] = rng.choice(junk)
            if not data:
                break
        (tmp / "x.json").write_bytes(bytes(data))
        try:
            nn.load(tmp / "x.json")
            kinds["loaded"] += 1
        except Exception as e:
            kinds[type(e).__name__] += 1
            longest = max(longest, len(str(e)))
    return f"{dict(kinds.most_common())}; longest message {longest:,} chars"


def _child(name: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
    with tempfile.TemporaryDirectory() as tmp:
        print(PROBES[name](Path(tmp)))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        _child(sys.argv[2])
        return
    print("| probe | result |\n|---|---|")
    for name in PROBES:
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--one", name],
                capture_output=True,
                text=True,
                timeout=120,
            )
            result = out.stdout.strip() or f"crashed: {out.stderr.strip().splitlines()[-1]}"
        except subprocess.TimeoutExpired:
            result = "still running after 120 s (stopped)"
        print(f"| {name} | {result[:300]} |", flush=True)


if __name__ == "__main__":
    main()
