"""The text side of expressions: long chains read without recursion, and quoting for messages.

Both run in time linear in the text, so that a 10 MB expression is refused as fast as a short one.

**Long chains.**

Python's parser reads ``x + x + ... + x`` as a left-leaning tree as deep as the sum is long,
and refuses to hand back a tree deeper than about 3,000 levels ("maximum recursion depth
exceeded during ast construction"). A long sum is not deep nesting for whoever typed it, so
:mod:`autograd.expr` falls back to this reader, which builds the same tree with a loop (the
shunting-yard method: one stack of operands, one of pending operators) instead of recursion.

It is called only on text that Python's parser has already accepted as syntax, and it knows
only the grammar expressions may use: numbers, names, ``+ - * / **``, unary ``+``/``-``,
parentheses and calls of a name with one argument. Any other token is refused at once with
:class:`ChainError`, giving its position so the caller can quote it. The nodes are real
:mod:`ast` nodes with Python's positions (line, and column in UTF-8 bytes), so the caller
checks them with the same allow-list as a tree from :func:`ast.parse`.
"""

from __future__ import annotations

import ast
import itertools
import keyword
import re
import unicodedata
from collections.abc import Iterable, Iterator

__all__ = [
    "EXCERPT",
    "REFUSED_SYNTAX",
    "ChainError",
    "bad_operator",
    "column",
    "excerpt",
    "fold_name",
    "index_of",
    "line_start",
    "names",
    "parse_chain",
    "skip_to_operator",
    "span",
    "window",
]

_TOKEN = re.compile(
    r"""[ \t\f]*  # spaces before a token are part of its match: half as many matches
      (?: (?P<space>(?:[ \t\f]|\\?(?:\r\n|\r|\n)|\#[^\r\n]*)+)
      | (?P<number>0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+
          |(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9][0-9_]*)?[jJ]?)
      | (?P<name>(?:\w|[^\x00-\x7f])+)  # Python allows other characters only in names
      | (?P<op>\*\*|[-+*/(),])
      | (?P<other>//|<<|>>|<=|>=|==|!=|:=|->|\S) )""",
    re.VERBOSE,
)

# Binding power of each operator, and whether it groups to the right. Unary signs bind
# tighter than * and /, and looser than **: -x**2 is -(x**2), and 2**-x is 2**(-x).
_BINARY = {"+": (1, ast.Add), "-": (1, ast.Sub), "*": (2, ast.Mult), "/": (2, ast.Div)}
_POWER = 4
_UNARY = 3
_CONSTANT_NAMES = {"None": None, "True": True, "False": False}


# --- names of what is refused --------------------------------------------------------------

# Names for the Python syntax we refuse, so the error says what the user wrote.
REFUSED_SYNTAX: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Lambda: "lambda",
    ast.Compare: "comparison",
    ast.BoolOp: "'and'/'or'",
    ast.IfExp: "conditional expression",
    ast.NamedExpr: "assignment expression",
    ast.Tuple: "tuple",
    ast.List: "list",
    ast.Dict: "dict",
    ast.Set: "set",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression",
    ast.JoinedStr: "f-string",
    ast.Starred: "starred expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slice",
}
_OPERATOR_HINTS = {
    "^": " (for a power write **)",
    "//": " (write / for division)",
    "not": " (logic is not supported)",
}


def bad_operator(op: ast.AST, piece: str) -> str:
    """The message for an operator outside the grammar, quoting its piece of text."""
    symbol = {
        ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.BitXor: "^", ast.BitAnd: "&",
        ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~", ast.Not: "not",
    }.get(type(op), type(op).__name__)  # fmt: skip
    hint = _OPERATOR_HINTS.get(symbol, "")
    return f"operator {symbol} is not allowed: {piece!r}{hint}"


# What a token outside the grammar starts, for the error message.
_WHAT = {
    ".": "attribute access", "[": "subscript or list", "{": "dict or set", "'": "string",
    '"': "string", ",": "a second argument or a tuple", "=": "keyword argument",
    ":=": "assignment expression", "if": "conditional expression",
    "else": "conditional expression", "lambda": "lambda", "for": "comprehension",
    "and": "'and'/'or'", "or": "'and'/'or'", "await": "await", "(": "calling this",
    ")": "an empty call",
}  # fmt: skip
_COMPARISONS = ("<", ">", "<=", ">=", "==", "!=", "in", "is")


class ChainError(Exception):
    """A token outside the expression grammar: what it is, and where (characters in)."""

    def __init__(self, token: str, index: int) -> None:
        if token in _COMPARISONS:
            what = "comparison"
        elif token in _WHAT:
            what = _WHAT[token]
        else:
            what = f"operator {token}"
        self.message = f"{what} is not allowed{_OPERATOR_HINTS.get(token, '')}"
        self.index = index
        super().__init__(self.message, index)


_SIGNS = {"u+": ast.UAdd, "u-": ast.USub}
_OPERAND = ast.Constant(0.0)  # stands for an operand that came earlier in the postfix order
_LINE_BREAK = re.compile(r"\r\n?|\n")


def fold_name(name: str) -> str:
    """The variable a name stands for, as Python reads it: look-alike letters folded (NFKC).

    Use it on names typed by a user, so that a binding written ``ｘ=1`` means the same
    variable as the ``ｘ`` in the expression, which Python reads as x.

    >>> fold_name("ｘ")
    'x'
    """
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def _number(text: str) -> int | float | complex:
    """The value of a number literal that Python's parser has accepted."""
    if text[-1] in "jJ":
        return complex(text)
    if text[:2].lower() in ("0x", "0o", "0b") or not any(c in text for c in ".eE"):
        return int(text, 0)
    return float(text)


def parse_chain(source: str) -> Iterator[ast.expr]:
    """The nodes of an expression in postfix order, however long its chains, without recursion.

    Each node comes after its operands, as a calculator would use them, so no tree is kept:
    memory grows with the nesting, not with the length. A node's operand fields hold a
    placeholder (its operands came just before it); its position is Python's.

    >>> [type(node).__name__ for node in parse_chain("-x**2 + tanh(y)")]
    ['Name', 'Constant', 'BinOp', 'UnaryOp', 'Name', 'Call', 'BinOp']
    """
    # The span (line, column, end line, end column) of each operand read, with the brackets
    # around it, as Python counts them in the span of the node it is part of; and the name
    # itself while it may still turn out to be called.
    operands: list[tuple[ast.Name | None, int, int, int, int]] = []
    # Pending operators: (symbol, binding power, line, column, callee). "(" opens brackets,
    # with the called name as callee when they open a call; "u-" and "u+" are signs.
    pending: list[tuple[str, int, int, int, ast.Name | None]] = []
    want_operand = True
    held: ast.Name | None = None  # a name just read: called if "(" follows, else an operand
    ascii_only = source.isascii()
    line, line_start = 1, 0  # Python counts columns in UTF-8 bytes from the line's start:
    last_index = last_col = 0  # a known (index, column) pair on this line, to count from

    def placed(node: ast.expr, at: tuple[int, int], end: tuple[int, int]) -> ast.expr:
        node.lineno, node.col_offset = at
        node.end_lineno, node.end_col_offset = end
        operands.append((None, *at, *end))
        return node

    def reduce(power: int) -> Iterator[ast.expr]:
        # Apply the pending operators that bind at least this tightly.
        while pending and pending[-1][1] >= power:
            symbol, _, at_line, at_col, _ = pending.pop()
            *_, end_line, end_col = operands.pop()
            if symbol in _SIGNS:
                node: ast.expr = ast.UnaryOp(_SIGNS[symbol](), _OPERAND)
            else:
                _, at_line, at_col, _, _ = operands.pop()
                kind = ast.Pow() if symbol == "**" else _BINARY[symbol][1]()
                node = ast.BinOp(_OPERAND, kind, _OPERAND)
            yield placed(node, (at_line, at_col), (end_line, end_col))

    for match in _TOKEN.finditer(source):
        kind = match.lastgroup
        text, index = match.group(kind), match.start(kind)  # type: ignore[arg-type]
        if kind == "space":
            breaks = list(_LINE_BREAK.finditer(text))
            if breaks:
                line += len(breaks)
                line_start = last_index = index + breaks[-1].end()
                last_col = 0
            continue
        callee = None
        if held is not None:
            if text == "(":
                callee, held = held, None
            elif text != ")" or pending[-1][0] != "(" or pending[-1][4] is not None:
                yield held  # not called: the name is an operand
                held = None
            # else brackets close around the name alone, as in (tanh)(x): keep holding it
        if ascii_only:
            col = index - line_start
            end_col = col + len(text)
        else:
            last_col += len(source[last_index:index].encode())
            last_index, col = index, last_col
            end_col = col + len(text.encode())
        if want_operand and kind in ("number", "name"):
            if kind == "number":
                yield placed(ast.Constant(_number(text)), (line, col), (line, end_col))
            elif text in _CONSTANT_NAMES:
                yield placed(ast.Constant(_CONSTANT_NAMES[text]), (line, col), (line, end_col))
            elif keyword.iskeyword(text):  # not, if, lambda, yield, ...
                raise ChainError(text, index)
            else:
                held = ast.Name(fold_name(text), ast.Load())
                placed(held, (line, col), (line, end_col))
            want_operand = False
        elif want_operand and text in ("+", "-"):
            pending.append(("u" + text, _UNARY, line, col, None))
        elif text == "(":
            if not want_operand:  # a call: what is called must be a name just read
                if callee is None:
                    raise ChainError(text, index)
                _, line0, col0, _, _ = operands.pop()
                pending.append(("(", 0, line0, col0, callee))
            else:
                pending.append(("(", 0, line, col, None))
            want_operand = True
        elif not want_operand and text == ")":
            yield from reduce(1)
            _, _, open_line, open_col, called = pending.pop()
            operands.pop()
            if called is None:  # brackets: the same operand, with a wider span
                operands.append((None, open_line, open_col, line, end_col))
            else:
                call = ast.Call(called, [_OPERAND], [])
                yield placed(call, (open_line, open_col), (line, end_col))
        elif not want_operand and text == "**":
            yield from reduce(_POWER + 1)  # groups to the right: 2**3**2 is 2**(3**2)
            pending.append(("**", _POWER, line, col, None))
            want_operand = True
        elif not want_operand and text in _BINARY:
            yield from reduce(_BINARY[text][0])
            pending.append((text, _BINARY[text][0], line, col, None))
            want_operand = True
        else:
            raise ChainError(text, index)
    if held is not None:
        yield held
    yield from reduce(1)


# --- quoting the text in error messages, in time linear in the text ----------------------
# (ast.get_source_segment splits the text into lines one character at a time, which made a
# refusal of a 1 MB expression take 13 s.)

#: Error messages quote at most this many characters of the text, cut in the middle.
EXCERPT = 80
_SKIP = re.compile(r"(?:[\s()]|\\|#[^\r\n]*)*")


def skip_to_operator(source: str, index: int) -> int:
    """The index of the first character from ``index`` on that is not a space or a bracket."""
    match = _SKIP.match(source, index)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def line_start(source: str, line: int) -> int:
    """Index of the first character of a line (1-based), splitting lines as ast does."""
    if line <= 1:
        return 0
    breaks = itertools.islice(_LINE_BREAK.finditer(source), line - 2, None)
    return next(breaks).end()


def index_of(source: str, line: int, byte_column: int) -> int:
    """Index in the text of ast's position: a line and a column in UTF-8 bytes."""
    start = line_start(source, line)
    head = source[start : start + byte_column]  # a column in bytes is at least as many chars
    if head.isascii():
        return start + byte_column
    return start + len(head.encode()[:byte_column].decode(errors="ignore"))


def span(source: str, node: ast.expr) -> tuple[int, int]:
    start = index_of(source, node.lineno, node.col_offset)
    end_line, end_col = node.end_lineno or node.lineno, node.end_col_offset or node.col_offset
    return start, index_of(source, end_line, end_col)


def excerpt(text: str) -> str:
    """The text, or its start and end around an ellipsis if it is longer than EXCERPT."""
    if len(text) <= EXCERPT:
        return text
    half = (EXCERPT - 3) // 2
    return f"{text[:half]}...{text[-half:]}"


def window(source: str, index: int) -> str:
    """At most EXCERPT characters of the text around one index, with ellipses where it is cut."""
    if len(source) <= EXCERPT:
        return source
    start = max(0, min(index - EXCERPT // 3, len(source) - EXCERPT))
    end = start + EXCERPT
    left, right = ("..." if start else ""), ("..." if end < len(source) else "")
    return left + source[start + len(left) : end - len(right)] + right


def column(source: str, index: int) -> str:
    """' at column N' (1-based, in characters), with the line too if the text has several."""
    start = max(source.rfind("\n", 0, index), source.rfind("\r", 0, index)) + 1
    if start == 0 and "\n" not in source and "\r" not in source:
        return f" at column {index + 1}"
    line = len(_LINE_BREAK.findall(source, 0, start)) + 1
    return f" at line {line}, column {index - start + 1}"


def names(names: Iterable[str], most: int = 5) -> str:
    """Names joined with commas: at most ``most`` of them, then how many there are in all."""
    names = list(names)
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown}, ... ({len(names)} in all)"
