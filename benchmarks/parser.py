"""Probe the expression parser with large and hostile input; print one row per probe.

Run from the project root (each probe runs once; the largest take a few seconds):

    PYTHONPATH=$PWD python benchmarks/parser.py            # sizes up to 10 MB
    PYTHONPATH=$PWD python benchmarks/parser.py --max-mb 1  # quicker

The numbers are for docs/reliability.md. This is a benchmark, not a test: the tests assert
what a wrong parser would break (tests/autograd/test_expr.py), never a time.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from autograd.expr import parse

MB = 1_000_000


def _probe(name: str, text: str) -> None:
    start = time.perf_counter()
    try:
        expression = parse(text)
    except (ValueError, ArithmeticError) as error:
        outcome = f"refused, message of {len(str(error)):,} chars"
    else:
        outcome = f"accepted, {len(expression.variables)} variable(s)"
    seconds = time.perf_counter() - start
    print(f"| {name} | {len(text) / MB:.2f} MB | {seconds:.2f} s | {outcome} |", flush=True)


def _sized(make: Callable[[int], str], megabytes: float) -> str:
    """The text make(n) for the n that makes it about this many megabytes."""
    n = int(megabytes * MB / len(make(1000)) * 1000)
    return make(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-mb", type=float, default=10.0, help="largest input (default 10)")
    args = parser.parse_args()
    sizes = [mb for mb in (0.3, 1.0, 2.0, 10.0) if mb <= args.max_mb]
    print("| probe | size | time | outcome |\n| --- | --- | --- | --- |")
    for mb in sizes:
        _probe("long name, refused operator: `aaa...a % 2`", "a" * int(mb * MB) + " % 2")
    for mb in sizes:
        _probe("flat sum `x + x + ... + x`", _sized(lambda n: " + ".join(["x"] * n), mb))
    for mb in sizes[:2]:
        _probe(
            "sum of neurons `tanh(x*w + b) + ...`",
            _sized(lambda n: "+".join(["tanh(x*w + b)"] * n), mb),
        )
    _probe("flat sum of 3,000 terms", " + ".join(["x"] * 3000))
    _probe("long sum ending in `.real`", " + ".join(["x"] * 5000) + ".real")
    _probe("5,000 nested signs `- - ... x`", "-" * 5000 + "x")
    _probe("1,000 nested parentheses", "(" * 1000 + "x" + ")" * 1000)
    _probe("100,000 nested calls `tanh(tanh(...))`", "tanh(" * 100_000 + "x" + ")" * 100_000)


if __name__ == "__main__":
    main()
