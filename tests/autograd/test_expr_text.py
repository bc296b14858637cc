"""The parser under attack: it executes nothing, refuses in short messages, and reads long chains
(expr_text.parse_chain) exactly as Python's ast reads them."""

from __future__ import annotations

import ast
import builtins
import math
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import expr
from autograd.expr import Expression, ExpressionError, parse
from autograd.expr_text import excerpt, parse_chain, window

MESSAGE_BOUND = 400

# --- random expressions, and hostile pieces to splice into them --------------------------------

LEAVES = st.sampled_from(
    ["x", "y", "ｘ", "é", "pi", "e", "2", "0.5", "1e-3", "0x1f", "1_000", "3."]
)
EXPRESSIONS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(
            lambda t: f"{t[0]} {t[1]} {t[2]}"
        ),
        inner.map(lambda a: f"({a})"),
        inner.map(lambda a: f"-{a}"),
        st.tuples(st.sampled_from(["tanh", "sin", "exp", "abs"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
    ),
    max_leaves=10,
)

# Each would call _tripwire, import, open or evaluate something if the text were executed.
HARMFUL = [
    "__import__('os').system('echo pwned')",
    "_tripwire()",
    "tanh(_tripwire())",
    "(lambda: _tripwire())()",
    "[_tripwire() for _ in 'a']",
    "{_tripwire() for _ in 'a'}",
    "(_tripwire() for _ in 'a')",
    "_tripwire.__call__()",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd').read()",
    "eval('_tripwire()')",
    "exec('_tripwire()')",
    "getattr(x, '__class__')",
    "x if _tripwire() else y",
    "(y := _tripwire())",
    "f'{_tripwire()}'",
    "abs(*_tripwire())",
    "exp(x=_tripwire())",
    "'a' * 10**10",
    "9**9**9**9",
    "(yield _tripwire())",
    "await _tripwire()",
    "x[_tripwire()]",
    "x.__dict__",
    "\\\n_tripwire()",
    "# comment\n",
    "\x00",
]
PUNCTUATION = st.sampled_from([*"()[]{}.,:;=+-*/%@<>!~^&|'\"\\#\n\t ", "**", "//", ":="])


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid expression with a few random edits: a hostile piece, a punctuation, a cut."""
    text = draw(EXPRESSIONS)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["harm", "punct", "cut"]))
        if edit == "harm":
            text = text[:at] + draw(st.sampled_from(HARMFUL)) + text[at:]
        elif edit == "punct":
            text = text[:at] + draw(PUNCTUATION) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
    return text


# --- the sentinel: nothing may be executed ----------------------------------------------------


TRAPPED = ("__import__", "open", "eval", "exec", "breakpoint", "input")


@contextmanager
def _nothing_may_run() -> Iterator[list[str]]:
    """Within the block, importing, opening, eval, exec or calling _tripwire records a call.

    The builtins are swapped by hand: monkeypatch itself imports, which would trip the trap.
    """
    calls: list[str] = []

    saved = {name: getattr(builtins, name) for name in TRAPPED}

    def trap(name: str) -> Callable[..., object]:
        def called(*args: object, **kwargs: object) -> object:
            if name == "__import__" and args[:1] == ("unicodedata",):
                # Python's own parser imports it to fold non-ASCII names (NFKC).
                return saved[name](*args, **kwargs)
            calls.append(name)
            raise AssertionError(f"the parser called {name}{args[:1]!r}")

        return called

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Python warns on '2(x)'; showing a warning imports
        builtins._tripwire = trap("_tripwire")  # type: ignore[attr-defined]
        for name in TRAPPED:
            setattr(builtins, name, trap(name))
        try:
            yield calls
        finally:
            for name, function in saved.items():
                setattr(builtins, name, function)
            del builtins._tripwire  # type: ignore[attr-defined]


def _outcome(text: str) -> str:
    """The postfix program of an accepted text, or 'refused' (checking the message's length)."""
    try:
        return parse(text).postfix()
    except (ValueError, ArithmeticError) as error:  # ExpressionError, or the engine's folding
        assert len(str(error)) < MESSAGE_BOUND, str(error)[:200]
        return "refused"


@contextmanager
def _ast_cannot_build_trees() -> Iterator[None]:
    """Within the block, ast.parse checks the syntax and then fails as on a too-deep tree."""
    real = ast.parse

    def too_deep(source: str, *args: object, **kwargs: object) -> ast.AST:
        real(source, *args, **kwargs)  # a SyntaxError is still Python's own
        raise RecursionError("maximum recursion depth exceeded during ast construction")

    ast.parse = too_deep  # type: ignore[assignment]
    try:
        yield
    finally:
        ast.parse = real


@given(st.one_of(st.text(max_size=60), mutated()))
def test_the_parser_executes_nothing_and_refuses_in_short_messages(text: str) -> None:
    with _nothing_may_run() as calls:
        _outcome(text)
    assert calls == []


@given(st.one_of(EXPRESSIONS, mutated()))
def test_the_chain_reader_accepts_and_refuses_what_the_ast_path_does(text: str) -> None:
    # parse_chain only runs on long chains; here it reads every text, and must agree with ast:
    # the same program for what is accepted, a refusal for what is refused.
    direct = _outcome(text)
    with _ast_cannot_build_trees(), _nothing_may_run() as calls:
        through_chain = _outcome(text)
    assert through_chain == direct
    assert calls == []


def _tree(text: str) -> ast.expr:
    """The tree whose postfix order parse_chain gives: each node takes the operands before it."""
    stack: list[ast.expr] = []
    for node in parse_chain(text):
        if isinstance(node, ast.BinOp):
            node.right, node.left = stack.pop(), stack.pop()
        elif isinstance(node, ast.UnaryOp):
            node.operand = stack.pop()
        elif isinstance(node, ast.Call):
            node.args = [stack.pop()]
        stack.append(node)
    (root,) = stack
    return root


@given(EXPRESSIONS)
def test_the_chain_reader_gives_asts_tree_with_its_positions(text: str) -> None:
    tree = ast.parse(text, mode="eval").body
    assert ast.dump(_tree(text), include_attributes=True) == ast.dump(
        tree, include_attributes=True
    )


@pytest.mark.parametrize(
    "text",
    [
        "ｘ + (\n  é * 2)",
        "x·y + 1",
        "x + \\\n y",
        "(x # a comment\n + 1)",
        "(tanh)(x)",
        "((tanh))((x))",
        "tanh((x))",
        "e\u0301+1",
        "-(-x)**-(y)",
        "2**3**2",  # ** groups to the right
        "-x**-y**z * w",
        "x - y - z + w",  # + - * / group to the left
        "x / y * z / w",
        "a + b * c ** d - e / f",
    ],
)
def test_the_chain_reader_groups_and_counts_positions_as_python_does(text: str) -> None:
    # Precedence and grouping; lines, UTF-8 byte columns, brackets inside a node's span,
    # identifiers Python folds.
    expected = ast.dump(ast.parse(text, mode="eval").body, include_attributes=True)
    assert ast.dump(_tree(text), include_attributes=True) == expected


def test_excerpts_and_windows_are_short_and_keep_what_matters() -> None:
    assert excerpt("x + 1") == "x + 1"
    long = "a" * 1000 + " % 2"
    assert len(excerpt(long)) <= 80 and excerpt(long).endswith("a % 2")
    assert "..." in excerpt(long)
    text = "x + " * 1000 + "y.real"
    shown = window(text, text.index(".real"))
    assert len(shown) <= 80 and shown.endswith("y.real") and shown.startswith("...")
    assert window("short", 2) == "short"


def test_the_chain_reader_keeps_no_tree() -> None:
    # Nodes come one at a time: a sum of 100,000 terms never holds more than a few operands.
    nodes = parse_chain(" + ".join(["x"] * 100_000))
    first = [next(nodes) for _ in range(3)]
    assert [type(node).__name__ for node in first] == ["Name", "Name", "BinOp"]
    assert sum(1 for _ in nodes) == 199_999 - 3


def test_a_long_valid_chain_never_looks_up_source_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # Looking up a node's text is linear in the text: once per node would be quadratic.
    calls: list[object] = []
    real = expr.span
    monkeypatch.setattr(expr, "span", lambda *a: calls.append(a) or real(*a))
    assert isinstance(parse(" + ".join(["tanh(x)"] * 5000)), Expression)
    assert calls == []


# --- speed is a benchmark, never a timed test; but one lenient check that nothing is quadratic --


def _seconds(text: str, tries: int = 3) -> float:
    """The best of a few timings of parse(text): the least disturbed by a busy machine."""
    best = math.inf
    for _ in range(tries):
        start = time.perf_counter()
        with suppress(ExpressionError):
            parse(text)
        best = min(best, time.perf_counter() - start)
    return best


def test_timing_parsing_scales_linearly_lenient_bounds() -> None:
    """TIMING (the only timed test): refusing 1 MB takes well under 3 s, and doubling the text
    less than triples the time (quadratic time would quadruple it), for a refusal and for a
    long accepted chain.

    Refusals take about 0.03 s per MB; the parser was quadratic before (13 s at 1 MB, 70 s at
    2 MB). The bounds are loose, and each time the best of three, so a busy machine passes.
    """
    refused = [_seconds("a" * n + " % 2") for n in (1_000_000, 2_000_000)]
    assert refused[0] < 3.0
    assert refused[1] < 3 * refused[0] + 0.05  # + 0.05 s: these are too quick to time closely
    accepted = [_seconds(" + ".join(["x"] * n)) for n in (10_000, 20_000)]
    assert accepted[1] < 3 * accepted[0]


def test_a_message_never_quotes_more_than_an_excerpt_of_a_huge_text() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("x" * 10_000_000 + ".real")
    assert len(str(info.value)) < MESSAGE_BOUND
