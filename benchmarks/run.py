"""Benchmarks: chainrule against micrograd, measured side by side in the same run.

Usage::

    python benchmarks/run.py                 # everything; micrograd's side if it is installed
    python benchmarks/run.py --quick         # fewer repeats, for a smoke run
    python benchmarks/run.py --json out.json # also write the figures as JSON

Workloads (issue 8):

1. micrograd's demo: ``MLP(2, [16, 16, 1])`` on 100 moons, hinge loss + 1e-4 L2, full-batch
   SGD, each library through its public API. Reported per step (chainrule runs 100 steps;
   micrograd, at over a second a step, runs ``--micrograd-steps``).
2. raw binary ops: build and backprop a graph of 10^5 user-written ``+`` and ``*`` nodes
   (a balanced tree, so that micrograd's recursive sort survives it).
3. memory: bytes per binary-op node, measured with tracemalloc.
4. depth: backward through a chain of 10^6 nodes (micrograd raises RecursionError).

Every timing is the median of several runs. For orientation it also times the same demo
step written by hand in numpy. Timings are never asserted in the test suite; this script
only reports.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn
from autograd import Value

try:
    import micrograd.engine as mg_engine
    import micrograd.nn as mg_nn
except ImportError:  # the comparison is optional: `pip install micrograd` enables it
    mg_engine = mg_nn = None  # type: ignore[assignment]

STEPS = 100
N_SAMPLES = 100
ALPHA = 1e-4


def _median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _median_run(run: Callable[[], tuple[float, float]], repeats: int) -> tuple[float, float]:
    """The median seconds per step over several runs, with the last run's accuracy."""
    results = [run() for _ in range(repeats)]
    return statistics.median(r[0] for r in results), results[-1][1]


def _moons() -> tuple[np.ndarray, np.ndarray]:
    X, y = nn.data.make_moons(n_samples=N_SAMPLES, noise=0.1, seed=1)
    return X, y


# --- 1. the demo ------------------------------------------------------------------------


def demo_chainrule(steps: int) -> tuple[float, float]:
    """Seconds per step and final accuracy, through nn's public API."""
    X, y = _moons()
    rows = [list(map(float, row)) for row in X]
    labels = [int(t) for t in y]
    model = nn.MLP(2, [16, 16, 1], activation="relu", init="uniform", seed=1337)
    params = model.parameters()
    opt = nn.SGD(params, lr=1.0)
    start = time.perf_counter()
    for k in range(steps):
        scores = [model(row) for row in rows]
        loss = nn.batch_loss(nn.hinge_loss, scores, labels) + nn.l2_penalty(params, ALPHA)
        opt.zero_grad()
        loss.backward()
        opt.lr = 1.0 - 0.9 * k / STEPS
        opt.step()
    per_step = (time.perf_counter() - start) / steps
    accuracy = float(np.mean((model.predict(X)[:, 0] > 0) == (y == 1)))
    return per_step, accuracy


def demo_micrograd(steps: int) -> float:
    """Seconds per step of micrograd's own demo loop (its README's moons notebook)."""
    assert mg_engine is not None and mg_nn is not None
    X, y = _moons()
    ys = [2 * int(t) - 1 for t in y]
    random.seed(1337)
    model = mg_nn.MLP(2, [16, 16, 1])
    times = []
    for k in range(steps):
        start = time.perf_counter()
        inputs = [list(map(mg_engine.Value, row)) for row in X.tolist()]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / STEPS
        for p in model.parameters():
            p.data -= lr * p.grad
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def demo_numpy(steps: int) -> float:
    """Seconds per step of the same model, forward and backward written by hand in numpy."""
    X, y = _moons()
    t = 2.0 * y - 1.0
    rng = np.random.default_rng(1337)
    W1, b1 = rng.uniform(-1, 1, (2, 16)), np.zeros(16)
    W2, b2 = rng.uniform(-1, 1, (16, 16)), np.zeros(16)
    W3, b3 = rng.uniform(-1, 1, (16, 1)), np.zeros(1)
    start = time.perf_counter()
    for k in range(steps):
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0)
        s = (h2 @ W3 + b3)[:, 0]
        margin = 1 - t * s
        ds = np.where(margin > 0, -t, 0.0) / len(t)
        dW3, db3 = h2.T @ ds[:, None], ds.sum(keepdims=True)
        dz2 = (ds[:, None] @ W3.T) * (z2 > 0)
        dW2, db2 = h1.T @ dz2, dz2.sum(0)
        dz1 = (dz2 @ W2.T) * (z1 > 0)
        dW1, db1 = X.T @ dz1, dz1.sum(0)
        lr = 1.0 - 0.9 * k / STEPS
        for p, g in ((W1, dW1), (b1, db1), (W2, dW2), (b2, db2), (W3, dW3), (b3, db3)):
            p -= lr * (g + 2 * ALPHA * p)
    return (time.perf_counter() - start) / steps


# --- 2. raw binary ops ------------------------------------------------------------------


def raw_ops(make: Callable[[float], Any], n_terms: int = 50_000) -> Callable[[], None]:
    """A graph of n_terms products summed pairwise: about 2 * n_terms binary nodes."""

    def run() -> None:
        xs = [make(0.5 + 0.001 * i) for i in range(100)]
        level = [xs[i % 100] * xs[(7 * i + 3) % 100] for i in range(n_terms)]
        while len(level) > 1:
            pairs = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
            level = pairs + ([level[-1]] if len(level) % 2 else [])
        level[0].backward()

    return run


# --- 3. memory --------------------------------------------------------------------------


def bytes_per_node(make: Callable[[float], Any], n: int = 20_000) -> float:
    a, b = make(1.5), make(2.5)
    keep: list[Any] = [None] * n
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    for i in range(n):
        keep[i] = a * b
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (after - before) / n


# --- 4. depth ---------------------------------------------------------------------------


def depth_chainrule(depth: int = 1_000_000) -> float:
    x = Value(0.5)
    y = x
    for _ in range(depth):
        y = -y
    start = time.perf_counter()
    y.backward()
    elapsed = time.perf_counter() - start
    assert x.grad == 1.0
    return elapsed


def depth_micrograd(depth: int = 10_000) -> str:
    assert mg_engine is not None
    x = mg_engine.Value(0.5)
    y = x
    for _ in range(depth):
        y = y * 1.0
    try:
        y.backward()
    except RecursionError:
        return f"RecursionError at depth {depth:,}"
    return f"works at depth {depth:,}"


# --- report -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and steps")
    parser.add_argument("--repeats", type=int, default=5, help="runs per timing (median)")
    parser.add_argument("--micrograd-steps", type=int, default=3, help="micrograd demo steps")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    repeats = 2 if args.quick else args.repeats
    steps = 10 if args.quick else STEPS
    have_mg = mg_engine is not None
    from tqdm import tqdm

    results: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        "micrograd": have_mg,
    }
    jobs: list[tuple[str, Callable[[], Any]]] = [
        ("demo_chainrule", lambda: _median_run(lambda: demo_chainrule(steps), repeats)),
        ("demo_numpy", lambda: statistics.median(demo_numpy(steps) for _ in range(repeats))),
        ("raw_chainrule", lambda: _median_time(raw_ops(Value), repeats)),
        ("mem_chainrule", lambda: bytes_per_node(Value)),
        ("depth_chainrule", lambda: depth_chainrule()),
    ]
    if have_mg:
        jobs += [
            ("demo_micrograd", lambda: demo_micrograd(args.micrograd_steps)),
            ("raw_micrograd", lambda: _median_time(raw_ops(mg_engine.Value), repeats)),
            ("mem_micrograd", lambda: bytes_per_node(mg_engine.Value)),
            ("depth_micrograd", lambda: depth_micrograd()),
        ]
    for name, job in tqdm(jobs, desc="benchmarks", unit="job", file=sys.stderr):
        results[name] = job()
    demo_cr, accuracy = results["demo_chainrule"]
    results["demo_chainrule"], results["demo_accuracy"] = demo_cr, accuracy

    def ms(s: float) -> str:
        return f"{s * 1e3:,.2f} ms"

    rows = [("workload", "chainrule", "micrograd", "ratio", "target")]
    mg = (lambda k: results[k]) if have_mg else (lambda k: math.nan)
    rows.append(
        (
            "demo step (MLP 2-16-16-1, 100 moons)",
            ms(demo_cr),
            ms(mg("demo_micrograd")) if have_mg else "not installed",
            f"{mg('demo_micrograd') / demo_cr:,.0f}x faster" if have_mg else "-",
            ">= 50x",
        )
    )
    rows.append(
        (
            "raw + and * (10^5 nodes, build + backward)",
            ms(results["raw_chainrule"]),
            ms(mg("raw_micrograd")) if have_mg else "not installed",
            f"{mg('raw_micrograd') / results['raw_chainrule']:,.1f}x faster" if have_mg else "-",
            ">= 4x",
        )
    )
    rows.append(
        (
            "memory per binary node",
            f"{results['mem_chainrule']:,.0f} B",
            f"{mg('mem_micrograd'):,.0f} B" if have_mg else "not installed",
            f"{results['mem_chainrule'] / mg('mem_micrograd'):.2f} of micrograd's"
            if have_mg
            else "-",
            "<= 0.20",
        )
    )
    rows.append(
        (
            "backward through a 10^6 chain",
            f"{results['depth_chainrule']:.2f} s",
            results["depth_micrograd"] if have_mg else "not installed",
            "-",
            "works",
        )
    )
    rows.append(("demo step, hand-written numpy", ms(results["demo_numpy"]), "-", "-", "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print(f"Python {results['python']} on {results['machine']}; median of {repeats} runs")
    print(f"chainrule demo accuracy after {steps} steps: {accuracy:.0%}")
    print("\n".join(lines))
    if not have_mg:
        print("micrograd is not installed: `pip install micrograd` to compare side by side.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
