"""Mutation testing of the engine's derivative rules: does the test suite notice a wrong rule?

Each mutant changes one small thing in one derivative rule (``+`` into ``-``, a constant
bumped, a comparison loosened, two tuple entries swapped, a variable swapped for another, a
statement deleted, ...). The rules are the ``local`` functions of the op table, the helpers
they call and the hand-written float backward rules beside their entries (``autograd/ops.py``,
and ``autograd/ops_nary.py`` for dot and sum), and the chain rule that turns local rules into
gradients (``autograd/chain.py``).

Every mutant is tried in a throwaway copy of the repository in a temporary folder, never in
the working tree: the copy gets the mutated file and the suite runs there with ``-x`` (stop at
the first failure). A mutant is *killed* when some test fails (or times out), and *survives*
when the whole suite passes. The score is killed / total. Hypothesis runs derandomized, as in
CI, but without shrinking, since only "does something fail" matters here.

Usage (from the repository root; a development tool, not run in CI)::

    .venv/bin/python tools/mutation.py            # all mutants, 2 at a time
    .venv/bin/python tools/mutation.py --list     # only list them
    .venv/bin/python tools/mutation.py --only chain.py --jobs 1
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The files whose derivative rules are mutated, and which functions in them are rules.
# In ops.py and ops_nary.py (dot and sum): every ``local`` rule of the table (third argument
# of ``Op(...)``), every hand-written float rule (``_*_backward``) and these helpers; in
# chain.py: every function.
FILES = ["autograd/ops.py", "autograd/ops_nary.py", "autograd/chain.py"]
OPS_HELPERS = {
    "_cos",
    "_sin",
    "_log",
    "_step",
    "_sign",
    "_over",
    "_dpow_da",
    "_dpow_db",
    "_dot_local",
}

# A quick first pass of plain tests that kill many mutants in a second or two.
QUICK = [
    "tests/autograd/test_ops.py::test_derivatives_at_the_edges",
    "tests/autograd/test_ops.py::test_a_number_exponent_gets_no_gradient",
    "tests/autograd/test_walk.py",
    "tests/autograd/test_value.py",
    "tests/autograd/test_functions.py",
]
# Then the suite, likely killers first (pytest keeps file order; -x stops at the first failure).
TESTS = [
    "tests/autograd/test_ops.py",
    "tests/autograd/test_walk.py",
    "tests/autograd/test_functions.py",
    "tests/autograd/test_explain.py",
    "tests/autograd/test_stateful.py",
    "tests/autograd/test_gradcheck.py",
    "tests/autograd/test_anomaly.py",
    "tests/autograd",
    "tests/nn",
    "autograd",  # its doctests
]

# Appended to the copy's conftest: the CI profile without the shrink phase.
PROFILE = """
from hypothesis import Phase as _Phase
settings.register_profile(
    "mutation", settings.get_profile("ci"), phases=(_Phase.explicit, _Phase.generate)
)
settings.load_profile("mutation")
"""

# Mutants that cannot change behaviour, found by reading them, with the reason. Keyed by
# (rule, description, which occurrence of that description within the rule, from 0).
EQUIVALENT = {
    ("_dpow_db", "b -> out", 0): (
        "_data(out) >= 0 instead of _data(b) >= 0, read only where a == 0: there out = 0 ** b "
        "is 0 or 1 when b >= 0, and the forward pass has already refused b < 0"
    ),
    ("POW", "b -> out", 1): (
        "_dpow_db(out, a, out): _dpow_db reads its b only where a == 0, as in the mutant above"
    ),
    ("RELU", "a -> out", 0): (
        "_step(out) instead of _step(a): relu(a) > 0 exactly when a > 0 (nan gives 0 both ways)"
    ),
    ("_add_backward", "(node._a, node._b): swap the first two entries", 0): (
        "a + b is symmetric: both parents get g whichever is called a"
    ),
    ("_mul_backward", "(node._a, node._b): swap the first two entries", 0): (
        "a * b is symmetric: each parent gets g times the other whichever is called a"
    ),
    ("_step", "v -> x", 0): (
        "x > 0.0 instead of v > 0.0: x is a float or a Value, and a Value compares by its .data "
        "(autograd/ordering.py), so the test reads the same number"
    ),
    ("_step", "v -> x", 1): ("x <= 0.0 instead of v <= 0.0: as above, a Value compares by .data"),
    ("_step", "0.0 -> 1.0", 1): (
        "v <= 1.0 instead of v <= 0.0, read only when v > 0.0 was false: then v <= 0 and "
        "v <= 1 agree, and both are false for nan"
    ),
    ("_sign", "v -> x", 0): ("x > 0.0 instead of v > 0.0: a Value compares by .data"),
    ("_sign", "v -> x", 1): ("x < 0.0 instead of v < 0.0: a Value compares by .data"),
    ("_relu_backward", "0.0 -> 1.0", 0): (
        "node.data > 1.0: an output in (0, 1] takes the else branch, g * _step(a), and _step "
        "of a positive input is 1: the same gradient"
    ),
    ("_relu_backward", "node._a.grad += g * _step(node._a): += <-> -=", 0): (
        "the else branch is reached only by a relu whose output is NaN (the walk skips dead "
        "relus), where adding or subtracting g * nan gives nan alike"
    ),
    ("_dot_backward", "2 -> 3", 1): (
        "prev[n : 3 * n] instead of prev[n : 2 * n]: zip() stops after the n weights anyway"
    ),
}

BINOPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.Pow: ast.Mult,
}
CMPOPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}


@dataclass(frozen=True)
class Mutant:
    """One change: the node at ``index`` (pre-order) of ``path``'s tree, changed by ``kind``."""

    path: str
    index: int
    kind: str
    line: int
    rule: str
    description: str
    nth: int  # earlier mutants of this rule with the same description

    def __str__(self) -> str:
        return f"{self.path}:{self.line} [{self.rule}] {self.description}"

    @property
    def equivalent(self) -> str | None:
        """Why this mutant cannot change behaviour, if it is a known equivalent one."""
        return EQUIVALENT.get((self.rule, self.description, self.nth))


def _preorder(tree: ast.AST) -> list[ast.AST]:
    out: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return out


def _rules(
    path: str, tree: ast.Module
) -> Iterator[tuple[str, ast.FunctionDef | ast.Lambda, set[str]]]:
    """(rule name, root node, local names) for every derivative rule in the file."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            rule = node.name in OPS_HELPERS or node.name.endswith("_backward")
            if rule or not path.endswith(("ops.py", "ops_nary.py")):
                names = {a.arg for a in node.args.args}
                names |= {
                    n.id
                    for n in ast.walk(node)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
                }
                yield node.name, node, names
        elif path.endswith("ops.py") and isinstance(node, ast.Assign):
            call = node.value
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "Op"
                and len(call.args) >= 3
                and isinstance(call.args[2], ast.Lambda)
            ):
                rule = call.args[2]
                names = {a.arg for a in rule.args.args}
                assert isinstance(node.targets[0], ast.Name)
                yield node.targets[0].id, rule, names


def _kinds(node: ast.AST, names: set[str]) -> Iterator[tuple[str, str]]:
    """(kind, description) of each mutation that applies to ``node``."""
    src = ast.unparse(node) if not isinstance(node, ast.FunctionDef | ast.Lambda) else ""
    if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
        yield "binop", f"{src}: {type(node.op).__name__} -> {BINOPS[type(node.op)].__name__}"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "unsub", f"{src} -> {ast.unparse(node.operand)}"
    elif (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        yield "const", f"{src} -> {node.value + 1!r}"
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in CMPOPS:
        new = CMPOPS[type(node.ops[0])].__name__
        yield "cmp", f"{src}: {type(node.ops[0]).__name__} -> {new}"
    elif isinstance(node, ast.AugAssign) and type(node.op) in (ast.Add, ast.Sub):
        yield "augassign", f"{src}: += <-> -="
    elif isinstance(node, ast.Tuple) and isinstance(node.ctx, ast.Load) and len(node.elts) >= 2:
        if ast.unparse(node.elts[0]) != ast.unparse(node.elts[1]):
            yield "swap", f"{src}: swap the first two entries"
    elif isinstance(node, ast.IfExp):
        yield "ifexp", f"{src}: swap the branches"
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names:
        other = _other_name(node.id, names)
        if other is not None:
            yield "name", f"{node.id} -> {other}"
    statement = isinstance(node, ast.AugAssign | ast.Expr | ast.Assign | ast.If | ast.Return)
    if statement and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
        first = ast.unparse(node).splitlines()[0]
        yield "delete", f"delete `{first}`"


def _other_name(name: str, names: set[str]) -> str | None:
    ordered = sorted(names)
    others = [n for n in ordered if n != name]
    if not others:
        return None
    later = [n for n in others if n > name]
    return (later or others)[0]


def find_mutants(paths: list[str]) -> list[Mutant]:
    mutants: list[Mutant] = []
    for path in paths:
        tree = ast.parse((ROOT / path).read_text())
        order = {id(node): k for k, node in enumerate(_preorder(tree))}
        seen: dict[tuple[str, str], int] = {}
        for rule, root, names in _rules(path, tree):
            # The body only: annotations are never evaluated, so mutating them changes nothing.
            body = root.body if isinstance(root, ast.FunctionDef) else [root.body]
            for node in (n for stmt in body for n in _preorder(stmt)):
                for kind, description in _kinds(node, names):
                    line = getattr(node, "lineno", getattr(root, "lineno", 0))
                    nth = seen.get((rule, description), 0)
                    seen[(rule, description)] = nth + 1
                    mutants.append(
                        Mutant(path, order[id(node)], kind, line, rule, description, nth)
                    )
    return mutants


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(c): p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}


def _replace(parent: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for field, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
            return
        if isinstance(value, list) and any(v is old for v in value):
            value[[v is old for v in value].index(True)] = new
            if not value:
                value.append(ast.Pass())
            return
    raise AssertionError("node not found in its parent")


def mutate(source: str, mutant: Mutant) -> str:
    """The source with one mutation applied."""
    tree = ast.parse(source)
    node = _preorder(tree)[mutant.index]
    parent = _parents(tree)[id(node)]
    if mutant.kind == "binop":
        assert isinstance(node, ast.BinOp)
        node.op = BINOPS[type(node.op)]()
    elif mutant.kind == "unsub":
        assert isinstance(node, ast.UnaryOp)
        _replace(parent, node, node.operand)
    elif mutant.kind == "const":
        assert isinstance(node, ast.Constant) and isinstance(node.value, int | float)
        node.value = node.value + 1
    elif mutant.kind == "cmp":
        assert isinstance(node, ast.Compare)
        node.ops = [CMPOPS[type(node.ops[0])]()]
    elif mutant.kind == "augassign":
        assert isinstance(node, ast.AugAssign)
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
    elif mutant.kind == "swap":
        assert isinstance(node, ast.Tuple)
        node.elts[0], node.elts[1] = node.elts[1], node.elts[0]
    elif mutant.kind == "ifexp":
        assert isinstance(node, ast.IfExp)
        node.body, node.orelse = node.orelse, node.body
    elif mutant.kind == "name":
        assert isinstance(node, ast.Name)
        new = mutant.description.split(" -> ")[1]
        node.id = new
    elif mutant.kind == "delete":
        _replace(parent, node, ast.Pass())
    else:
        raise ValueError(f"unknown mutation kind {mutant.kind!r}")
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


# --- running ---------------------------------------------------------------------------------


def _copy_repo(dest: Path) -> None:
    shutil.copytree(
        ROOT,
        dest,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", "notebooks", "*.ipynb", ".mypy_cache", ".ruff_cache"
        ),
        dirs_exist_ok=True,
    )
    conftest = dest / "tests" / "conftest.py"
    conftest.write_text(conftest.read_text() + PROFILE)


def _run_suite(repo: Path, timeout: float) -> tuple[str, str]:
    """('pass' | 'fail' | 'timeout', the last lines of output)."""
    outcome, tail = _run_pytest(repo, QUICK, timeout)
    if outcome != "pass":
        return outcome, tail
    return _run_pytest(repo, TESTS, timeout)


def _run_pytest(repo: Path, tests: list[str], timeout: float) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "HYPOTHESIS_PROFILE")}
    env["PYTHONPATH"] = str(repo)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    cmd = [
        sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
        "-o", "addopts=", "--doctest-modules", "--no-header", "-W", "ignore::DeprecationWarning",
        *tests,
    ]  # fmt: skip
    try:
        proc = subprocess.run(
            cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return "timeout", ""
    tail = "\n".join(proc.stdout.strip().splitlines()[-3:])
    return ("pass" if proc.returncode == 0 else "fail"), tail


class Worker:
    """A private copy of the repository in which mutants are tried one at a time."""

    def __init__(self, base: Path, k: int) -> None:
        self.repo = base / f"worker{k}"
        _copy_repo(self.repo)

    def run(self, mutant: Mutant, timeout: float) -> tuple[str, float, str]:
        target = self.repo / mutant.path
        original = (ROOT / mutant.path).read_text()
        target.write_text(mutate(original, mutant))
        start = time.monotonic()
        try:
            outcome, tail = _run_suite(self.repo, timeout)
        finally:
            target.write_text(original)
        return outcome, time.monotonic() - start, tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--only", default="", help="only mutants whose description has this")
    parser.add_argument(
        "--equivalent", action="store_true", help="only the mutants set aside as equivalent"
    )
    parser.add_argument("--jobs", type=int, default=2, help="mutants tried in parallel")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant")
    args = parser.parse_args(argv)

    mutants = [
        m
        for m in find_mutants(FILES)
        if args.only in str(m) and (m.equivalent or not args.equivalent)
    ]
    if args.list:
        for m in mutants:
            print(f"{m}  (equivalent)" if m.equivalent else m)
        print(f"{len(mutants)} mutants")
        return 0

    with tempfile.TemporaryDirectory(prefix="chainrule-mutation-") as tmp:
        base = Path(tmp)
        workers = [Worker(base, k) for k in range(max(1, args.jobs))]
        outcome, tail = _run_suite(workers[0].repo, args.timeout * 3)
        if outcome != "pass":
            print(f"the unmutated suite does not pass in the copy:\n{tail}")
            return 2
        free = list(workers)
        results: list[tuple[Mutant, str, float]] = []
        survivors: list[Mutant] = []

        def attempt(m: Mutant) -> tuple[Mutant, str, float]:
            worker = free.pop()
            try:
                outcome, seconds, _ = worker.run(m, args.timeout)
            finally:
                free.append(worker)
            return m, outcome, seconds

        with ThreadPoolExecutor(max_workers=len(workers)) as pool:
            for k, (m, outcome, seconds) in enumerate(pool.map(attempt, mutants), 1):
                if outcome != "pass":
                    verdict = f"killed ({outcome})"
                else:
                    verdict = "equivalent" if m.equivalent else "SURVIVED"
                print(f"[{k}/{len(mutants)}] {verdict:17} {seconds:5.1f}s  {m}", flush=True)
                results.append((m, outcome, seconds))
                if outcome == "pass":
                    survivors.append(m)

    equivalent = [m for m in survivors if m.equivalent]
    real = [m for m in survivors if not m.equivalent]
    killed = len(results) - len(survivors)
    print(
        f"\nmutation score: {killed}/{len(results) - len(equivalent)} mutants of derivative "
        f"rules killed ({len(equivalent)} equivalent mutants set aside)"
    )
    for m in equivalent:
        print(f"  equivalent: {m}: {m.equivalent}")
    for m in real:
        print(f"  SURVIVED: {m}")
    return 1 if real else 0


if __name__ == "__main__":
    sys.exit(main())
