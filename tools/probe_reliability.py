"""Issue 12's reproducers, run as a hostile user would; prints a Markdown table of what happened.

Each probe is a few lines of user code run in a child process (a 3 GB address-space limit, a
timeout), so a checkout that hangs, recurses or eats memory on one probe does not stop the rest:

    PYTHONPATH=. python tools/probe_reliability.py               # this checkout
    PYTHONPATH=/path/to/old python tools/probe_reliability.py    # another one, for "before"

The numbers go to docs/reliability.md. Wall times are for reading, not for tests. The probes of
saving and loading in depth are tools/probe_io.py; of the parser, benchmarks/parser.py.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time

# Run before each probe: imports, and a helper that shortens what a probe reports.
PRELUDE = """
import math, sys, threading, gc, json, os
import numpy as np
import autograd, autograd.expr, nn
from autograd import Value
nan, inf = math.nan, math.inf
square = lambda x: x * x  # noqa: E731
def short(x, n=90):
    s = str(x)
    return s if len(s) <= n else s[:n] + f"... ({len(s):,} chars)"
"""

# name (the item) -> code that prints its result. An exception is reported as its type
# and the start of its message.
PROBES: dict[str, str] = {
    "1. `Value(nan).relu()`": "print(Value(nan).relu().data)",
    "1. `hinge_loss(Value(nan), 1)`": "print(nn.hinge_loss(Value(nan), 1).data)",
    "1. `fit(..., SGD(lr=1e300), epochs=5)`": """
X, y = nn.make_moons(40, noise=0.1, seed=0)
m = nn.MLP(2, [8, 1], seed=0)
h = nn.fit(m, X, y, loss=nn.hinge_loss, optimizer=nn.SGD(m.parameters(), lr=1e300), epochs=5,
           progress=False)
losses = [float(f"{v:.2g}") for v in h.loss]
print("losses", losses, "predict NaN:", bool(np.isnan(m.predict(X)).all()))
""",
    "1. `fit` with every input NaN": """
X = np.full((20, 2), nan); y = np.array([0, 1] * 10)
m = nn.MLP(2, [4, 1], seed=0)
h = nn.fit(m, X, y, loss=nn.hinge_loss, optimizer=nn.SGD(m.parameters(), lr=0.1), epochs=2,
           progress=False)
print("losses", h.loss)
""",
    "1. `python -m nn --optimizer sgd --lr 1e300 --epochs 5`": """
import subprocess, tempfile
with tempfile.TemporaryDirectory() as d:
    r = subprocess.run([sys.executable, "-m", "nn", "--optimizer", "sgd", "--lr", "1e300",
                        "--epochs", "5", "--no-progress", "--out", os.path.join(d, "run")],
                       capture_output=True, text=True, timeout=120)
    said = (r.stdout if r.returncode == 0 else r.stderr).strip().splitlines()
    last = said[-1] if said else ""
    print(f"exit {r.returncode}:", short(last, 110))
""",
    "2. 8 threads `backward()` a 20,000-node chain": """
def chain():
    x = Value(1.0); y = x
    for _ in range(20000): y = y * 1.0
    return x, y
x, y = chain(); y.backward(); one = x.grad
x, y = chain()
sys.setswitchinterval(1e-6)
ts = [threading.Thread(target=y.backward) for _ in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
print(f"x.grad = {x.grad / one:,.0f} x the single-thread gradient (right: 8)")
""",
    "3. `gc.isenabled()` after threaded backward, 20 trials": """
sys.setswitchinterval(1e-6)
def work():
    for _ in range(200):
        a = Value(1.0); (a * a + a).backward()
off = 0
for _ in range(20):
    gc.enable()
    ts = [threading.Thread(target=work) for _ in range(8)]
    [t.start() for t in ts]; [t.join() for t in ts]
    off += not gc.isenabled()
print(f"GC left off in {off} of 20")
""",
    "4. numpy floats in `.data`, then `m([1.0, 2.0])`": """
m = nn.MLP(2, [3, 1], seed=0)
for p in m.parameters(): p.data = np.float64(p.data)
print(m([1.0, 2.0]).data)
""",
    '4. `x.data = "3"`, then `x * 2`': """
x = Value(1.0, "x"); x.data = "3"
print(short(repr(x * 2)))
""",
    "5. `Value(np.complex128(1+1j))`": "print(Value(np.complex128(1 + 1j)).data)",
    "5. `grad(y, [3.0])`": "x = Value(2.0); print(autograd.grad(x * x, [3.0]))",
    "5. `Value(1, label=5)`, then draw it": """
v = Value(1, label=5) * 2
print(type(autograd.draw_dot(v)).__name__)
""",
    '5. `mse_loss([Value(1), Value(2)], "12")`': """
print(nn.mse_loss([Value(1), Value(2)], "12").data)
""",
    "5. `model({0: 5.0, 1: 7.0})`": "print(nn.MLP(2, [1], seed=0)({0: 5.0, 1: 7.0}))",
    "6. `expr.parse('a' * 300_000 + ' % 2')`": """
import time
t = time.perf_counter()
try:
    autograd.expr.parse("a" * 300_000 + " % 2"); msg = "accepted"
except Exception as e:
    msg = str(e)
print(f"{time.perf_counter() - t:.2f} s, message of {len(msg):,} chars")
""",
    "7. 0.8 KB file claiming `MLP(nin=1000, nouts=[1000, 1])`": """
import time, tempfile, resource
m = nn.MLP(2, [1], seed=0)
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "m.json"); nn.save(m, p)
    doc = json.load(open(p)); doc["config"] = {**doc["config"], "nin": 1000, "nouts": [1000, 1]}
    json.dump(doc, open(p, "w"))
    t = time.perf_counter()
    try:
        nn.load(p); r = "loaded"
    except Exception as e:
        r = type(e).__name__
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{r} after {time.perf_counter() - t:.1f} s, peak {peak:.0f} MB")
""",
    "8. a file of `'[' * 10**4 + ']' * 10**4`": """
import tempfile
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "m.json"); open(p, "w").write("[" * 10**4 + "]" * 10**4)
    nn.load(p)
""",
    "9. save over a `chmod 600` file": """
import tempfile, stat
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "m.json"); open(p, "w").write("{}"); os.chmod(p, 0o600)
    nn.save(nn.MLP(2, [1], seed=0), p)
    print(oct(stat.S_IMODE(os.stat(p).st_mode)))
""",
    "9. save to a symlink": """
import tempfile
with tempfile.TemporaryDirectory() as d:
    t = os.path.join(d, "target.json"); link = os.path.join(d, "link.json")
    open(t, "w").write("{}"); os.symlink(t, link)
    nn.save(nn.MLP(2, [1], seed=0), link)
    print("link kept" if os.path.islink(link) else "link replaced by a file",
          "| target updated" if open(t).read() != "{}" else "| target not updated")
""",
    "11. `python -m autograd graph 'x*x' x=1 --out <a file>/g.svg`": """
import subprocess, tempfile
with tempfile.NamedTemporaryFile() as f:
    out = os.path.join(f.name, "g.svg")
    r = subprocess.run([sys.executable, "-m", "autograd", "graph", "x*x", "x=1", "--out", out],
                       capture_output=True, text=True, timeout=60)
    lines = r.stderr.strip().splitlines()
    last = lines[-1] if lines else ""
    print(f"exit {r.returncode}, {len(lines)} lines on stderr:", short(last, 70))
""",
    "12. `python -m nn --out <an existing file>`": """
import subprocess, tempfile, time
with tempfile.NamedTemporaryFile() as f:
    t = time.perf_counter()
    args = ["--epochs", "300", "--no-progress", "--out", f.name]
    r = subprocess.run([sys.executable, "-m", "nn", *args], capture_output=True, text=True,
                       timeout=120)
    print(f"exit {r.returncode} after {time.perf_counter() - t:.1f} s:",
          short((r.stderr.strip().splitlines() or [""])[-1], 80))
""",
    "13. `Adam(eps=0.0)`, a step with a zero gradient": """
p = Value(1.0); opt = nn.Adam([p], eps=0.0); opt.step(); print(p.data)
""",
    '13. `SGD(lr="0.1")`': "nn.SGD([Value(1.0)], lr='0.1').step(); print('accepted')",
    "13. `MLP(2, [1], seed=-1)`": "print(nn.MLP(2, [1], seed=-1))",
    "13. `grad(3.0, [x])`": "print(autograd.grad(3.0, [Value(1.0)]))",
    '13. `load(path, into="m")`': """
import tempfile
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "m.json"); nn.save(nn.MLP(2, [1], seed=0), p); nn.load(p, into="m")
""",
    "13. `Value(inf).sin()`": "print(Value(inf).sin())",
    "13. `fit(l2=inf)`": """
X, y = nn.make_moons(20, seed=0); m = nn.MLP(2, [4, 1], seed=0)
nn.fit(m, X, y, loss=nn.hinge_loss, optimizer=nn.SGD(m.parameters(), lr=0.1), epochs=1, l2=inf,
       progress=False); print("accepted")
""",
    "13. a NaN in `y`": """
X, y = nn.make_moons(20, seed=0); y = y.astype(float); y[3] = nan; m = nn.MLP(2, [4, 1], seed=0)
nn.fit(m, X, y, loss=nn.mse_loss, optimizer=nn.SGD(m.parameters(), lr=0.1), epochs=1,
       progress=False); print("accepted")
""",
    "13. a flat sum of 3,000 terms": """
print("accepted:", short(autograd.expr.parse("+".join("x" * 3000)), 30))
""",
    "13. `gradcheck(atol=-1)`": "print(bool(autograd.gradcheck(square, [1.0], atol=-1)))",
    "13. `gradcheck(rtol=nan)`": "print(bool(autograd.gradcheck(square, [1.0], rtol=nan)))",
}

WRAP = """
try:
{body}
except BaseException as e:
    print(f"{{type(e).__name__}}: {{short(e, 110)}}")
"""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def run(code: str, timeout: float = 180.0) -> tuple[str, float]:
    """Run one probe in a child process: (what it printed, or how it ended; seconds)."""
    body = "\n".join("    " + line for line in code.strip().splitlines())
    source = PRELUDE + WRAP.format(body=body)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd:
        try:
            done = subprocess.run(
                [sys.executable, "-c", source],
                capture_output=True,
                text=True,
                timeout=timeout,
                preexec_fn=_limit,
                cwd=cwd,
                env=os.environ,
            )
        except subprocess.TimeoutExpired:
            return f"still running after {timeout:.0f} s", time.perf_counter() - start
    out = done.stdout.strip().splitlines()
    text = out[-1] if out else f"died: exit {done.returncode}, {done.stderr.strip()[-100:]}"
    return text.replace("|", "\\|"), time.perf_counter() - start


def main() -> None:
    """Print one Markdown row per probe: the probe, what it gave, and how long the child ran."""
    print("| probe | result | s |\n|---|---|---|")
    for name, code in PROBES.items():
        text, seconds = run(code)
        print(f"| {name} | {text} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
