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
5. compiled replay (issue 14): ``autograd.compile`` on the demo (its step against the
   hand-written numpy step), on spirals (3 classes, 1,000 samples, ``MLP(2, [64, 64, 3])``,
   cross-entropy, minibatches of 100 fed into one compiled batch graph; ms per epoch against
   numpy and eager), the one-time compile cost, and bytes per recorded node against the live
   eager graph.

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

import autograd
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


def _median_of(run: Callable[[], dict[str, float]], key: str, repeats: int) -> dict[str, float]:
    """The run whose ``key`` is the median over several runs."""
    results = sorted((run() for _ in range(repeats)), key=lambda r: r[key])
    return results[len(results) // 2]


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


# --- 5. compiled replay (issue 14) -------------------------------------------------------------


def _demo_loss(model: Any, rows: list[list[float]], labels: list[int]) -> Any:
    """micrograd's demo loss as its users write it: hinge + 1e-4 L2, with Python's sum."""
    scores = [model(row) for row in rows]
    losses = [nn.hinge_loss(s, t) for s, t in zip(scores, labels)]
    penalty = sum(p * p for p in model.parameters())
    return sum(losses) * (1.0 / len(losses)) + ALPHA * penalty


def demo_compiled(steps: int) -> dict[str, float]:
    """The median seconds of a compiled step (forward, zero_grad, backward, SGD step), and the
    one-time costs of building the eager graph and compiling it."""
    X, y = _moons()
    rows, labels = X.tolist(), [int(t) for t in y]
    model = nn.MLP(2, [16, 16, 1], activation="relu", init="uniform", seed=1337)
    opt = nn.SGD(model.parameters(), lr=1.0)
    start = time.perf_counter()
    loss = _demo_loss(model, rows, labels)
    built = time.perf_counter()
    graph = autograd.compile(loss)
    compiled = time.perf_counter()
    times = []
    for k in range(steps):
        begin = time.perf_counter()
        graph.forward()
        opt.zero_grad()
        graph.backward()
        opt.lr = 1.0 - 0.9 * k / STEPS
        opt.step()
        times.append(time.perf_counter() - begin)
    return {
        "step": statistics.median(times),
        "build": built - start,
        "compile": compiled - built,
    }


def demo_numpy_step(steps: int) -> float:
    """The median of single hand-written numpy steps: measured as demo_compiled is."""
    return statistics.median(demo_numpy(1) for _ in range(steps))


def compiled_memory() -> dict[str, float]:
    """Bytes per node: the live eager demo graph, and what a compiled graph keeps of it once
    the user has let go of the loss (the eager graph is then freed; the flat arrays stay)."""
    X, y = _moons()
    rows, labels = X.tolist(), [int(t) for t in y]
    model = nn.MLP(2, [16, 16, 1], activation="relu", init="uniform", seed=1337)
    autograd.compile(_demo_loss(model, rows, labels)).forward()  # imports, caches: not counted
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    loss = _demo_loss(model, rows, labels)
    middle, _ = tracemalloc.get_traced_memory()
    graph = autograd.compile(loss)
    del loss
    graph.forward()
    graph.backward()
    gc.collect()
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    nodes = graph.recorded_nodes
    return {"eager": (middle - before) / nodes, "compiled": (after - before) / nodes}


SPIRAL_SAMPLES, SPIRAL_BATCH, SPIRAL_CLASSES = 1000, 100, 3


def _spirals() -> tuple[np.ndarray, np.ndarray]:
    X, y = nn.data.make_spirals(SPIRAL_SAMPLES, n_classes=SPIRAL_CLASSES, noise=0.05, seed=2)
    return X, np.eye(SPIRAL_CLASSES)[y]


def _spiral_loss(model: Any, xs: list[list[Any]], onehots: list[list[Any]]) -> Any:
    """Mean cross-entropy, with the one-hot targets as inputs so that a graph serves any batch.

    ``log(sum(exp(z))) - z . onehot`` per sample; without the max shift of nn.cross_entropy,
    whose maximum is a number taken from data (fine here: the logits stay small).
    """
    losses = []
    for x, t in zip(xs, onehots):
        z = model(x)
        losses.append(autograd.vsum([zi.exp() for zi in z]).log() - autograd.dot(z, t))
    return autograd.vsum(losses) * (1.0 / len(losses))


def spirals_numpy(epochs: int) -> float:
    """Seconds per epoch of MLP(2, [64, 64, 3]) on the spirals, written by hand in numpy.

    As for chainrule below: the median minibatch times the number of minibatches, which a
    busy machine disturbs less than a total.
    """
    X, T = _spirals()
    rng = np.random.default_rng(0)
    params = [
        rng.normal(0, np.sqrt(2 / 2), (2, 64)), np.zeros(64),
        rng.normal(0, np.sqrt(2 / 64), (64, 64)), np.zeros(64),
        rng.normal(0, np.sqrt(2 / 64), (64, 3)), np.zeros(3),
    ]  # fmt: skip
    W1, b1, W2, b2, W3, b3 = params
    times = []
    for _ in range(epochs):
        for i in range(0, SPIRAL_SAMPLES, SPIRAL_BATCH):
            begin = time.perf_counter()
            x, t = X[i : i + SPIRAL_BATCH], T[i : i + SPIRAL_BATCH]
            z1 = x @ W1 + b1
            h1 = np.maximum(z1, 0)
            z2 = h1 @ W2 + b2
            h2 = np.maximum(z2, 0)
            z = h2 @ W3 + b3
            e = np.exp(z)
            dz = (e / e.sum(1, keepdims=True) - t) / len(x)
            dW3, db3 = h2.T @ dz, dz.sum(0)
            dz2 = (dz @ W3.T) * (z2 > 0)
            dW2, db2 = h1.T @ dz2, dz2.sum(0)
            dz1 = (dz2 @ W2.T) * (z1 > 0)
            dW1, db1 = x.T @ dz1, dz1.sum(0)
            for p, g in zip(params, (dW1, db1, dW2, db2, dW3, db3)):
                p -= 0.1 * g
            times.append(time.perf_counter() - begin)
    return statistics.median(times) * (SPIRAL_SAMPLES // SPIRAL_BATCH)


def spirals_chainrule(epochs: int, compiled: bool) -> dict[str, float]:
    """Seconds per epoch, eager (a graph per minibatch) or compiled (one graph, fed batches).

    Measured as the median minibatch times the number of minibatches.
    """
    X, T = _spirals()
    model = nn.MLP(2, [64, 64, 3], activation="relu", seed=0)
    opt = nn.SGD(model.parameters(), lr=0.1)
    out: dict[str, float] = {}
    if compiled:
        xs = [[Value(0.0), Value(0.0)] for _ in range(SPIRAL_BATCH)]
        ts = [[Value(0.0) for _ in range(SPIRAL_CLASSES)] for _ in range(SPIRAL_BATCH)]
        start = time.perf_counter()
        graph = autograd.compile(_spiral_loss(model, xs, ts))
        out["compile"] = time.perf_counter() - start
    times = []
    for _ in range(epochs):
        for i in range(0, SPIRAL_SAMPLES, SPIRAL_BATCH):
            begin = time.perf_counter()
            x, t = X[i : i + SPIRAL_BATCH], T[i : i + SPIRAL_BATCH]
            if compiled:
                graph.feed(xs, x)
                graph.feed(ts, t)
                graph.forward()
                opt.zero_grad()
                graph.backward()
            else:
                loss = _spiral_loss(model, x.tolist(), t.tolist())
                opt.zero_grad()
                loss.backward()
            opt.step()
            times.append(time.perf_counter() - begin)
    out["epoch"] = statistics.median(times) * (SPIRAL_SAMPLES // SPIRAL_BATCH)
    return out


def spirals_fit_compiled(epochs: int) -> dict[str, float]:
    """Seconds per epoch of ``fit(..., compile=True)``'s step (``nn.CompiledStep``) on the
    spirals, with ``nn.cross_entropy`` itself (its leaf-target form: labels fed as one-hot
    leaves, the max shift built in the graph); measured as spirals_chainrule is."""
    X, T = _spirals()
    y = T.argmax(axis=1)
    model = nn.MLP(2, [64, 64, 3], activation="relu", seed=0)
    opt = nn.SGD(model.parameters(), lr=0.1)
    step = nn.CompiledStep(model, nn.cross_entropy)
    start = time.perf_counter()
    step.step(X[:SPIRAL_BATCH], y[:SPIRAL_BATCH], opt)  # builds and compiles the batch graph
    out = {"compile": time.perf_counter() - start}
    times = []
    for _ in range(epochs):
        for i in range(0, SPIRAL_SAMPLES, SPIRAL_BATCH):
            begin = time.perf_counter()
            step.step(X[i : i + SPIRAL_BATCH], y[i : i + SPIRAL_BATCH], opt)
            times.append(time.perf_counter() - begin)
    out["epoch"] = statistics.median(times) * (SPIRAL_SAMPLES // SPIRAL_BATCH)
    return out


def compiled_report(results: dict[str, Any]) -> list[str]:
    """The compiler's table: compiled against hand-written numpy and eager."""
    demo, spir = results["demo_compiled"], results["spirals_compiled"]
    mem = results["mem_compiled"]

    def ms(s: float) -> str:
        return f"{s * 1e3:,.2f} ms"

    rows = [
        ("compiled replay (issue 14)", "compiled", "numpy", "eager", "compiled/numpy", "goal"),
        (
            "demo step: forward+backward+SGD",
            ms(demo["step"]),
            ms(results["demo_numpy_step"]),
            ms(results["demo_chainrule"]),
            f"{demo['step'] / results['demo_numpy_step']:.1f}x",
            "<= 5x",
        ),
        (
            "spirals epoch (MLP 2-64-64-3, 1000, batch 100)",
            ms(spir["epoch"]),
            ms(results["spirals_numpy"]),
            ms(results["spirals_eager"]["epoch"]),
            f"{spir['epoch'] / results['spirals_numpy']:.1f}x",
            "<= 10x",
        ),
        (
            "spirals epoch, fit(compile=True) step (nn.cross_entropy)",
            ms(results["spirals_fit_compiled"]["epoch"]),
            ms(results["spirals_numpy"]),
            ms(results["spirals_eager"]["epoch"]),
            f"{results['spirals_fit_compiled']['epoch'] / results['spirals_numpy']:.1f}x",
            "<= 10x",
        ),
        ("one-time compile: demo graph", ms(demo["compile"]), "-", ms(demo["build"]), "-", "-"),
        ("one-time compile: spirals batch graph", ms(spir["compile"]), "-", "-", "-", "-"),
        (
            "bytes per recorded node (demo graph; compiled: kept after del loss)",
            f"{mem['compiled']:,.0f} B",
            "-",
            f"{mem['eager']:,.0f} B",
            "-",
            "-",
        ),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines.append(
        "compiled and numpy: the median single step (minibatch) of each, measured alike; "
        "eager: the demo step above, and one spirals epoch."
    )
    return lines


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
        ("demo_compiled", lambda: _median_of(lambda: demo_compiled(steps), "step", repeats)),
        ("demo_numpy_step", lambda: demo_numpy_step(steps)),
        ("mem_compiled", compiled_memory),
        ("spirals_numpy", lambda: statistics.median(spirals_numpy(10) for _ in range(repeats))),
        (
            "spirals_compiled",
            lambda: _median_of(lambda: spirals_chainrule(3, True), "epoch", repeats),
        ),
        (
            "spirals_fit_compiled",
            lambda: _median_of(lambda: spirals_fit_compiled(3), "epoch", repeats),
        ),
        ("spirals_eager", lambda: spirals_chainrule(1, False)),
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
    print()
    print("\n".join(compiled_report(results)))
    if not have_mg:
        print("micrograd is not installed: `pip install micrograd` to compare side by side.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
