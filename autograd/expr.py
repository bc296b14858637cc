"""Turn a formula typed as text, such as ``"tanh(x*w + b)"``, into a graph of Values.

This is what ``python -m autograd`` uses to draw and check expressions from the command line.
The text is parsed with Python's :mod:`ast` module and then checked against a small allow-list:
numbers, the constants ``pi`` and ``e`` (:data:`CONSTANTS`), variable names, ``+ - * / **``,
unary ``-`` and ``+``, parentheses, and one-argument calls of the engine's functions
(:data:`FUNCTIONS`). Nothing is ever handed to ``eval``: any other piece of Python (attribute
access, subscripts, keywords, lambdas, strings, ...) is rejected with an
:class:`ExpressionError` that names it, quoting at most a short excerpt of the text.

Names are read as Python reads them: look-alike letters are folded (Unicode NFKC), so the
fullwidth ``ｘ`` is the variable ``x``, in the text and in the bindings alike. A long chain
such as a sum of 3,000 terms is accepted (see :mod:`autograd.expr_text`); deep nesting is
refused where Python's own parser refuses it. Parsing takes time linear in the text.

The checked tree is flattened into a postfix program, the way a pocket calculator with a
stack works: ``tanh(x*w + b)`` becomes ``x w * b + tanh``. Evaluating runs that program in a
loop, so even the deepest expression Python can parse is evaluated without recursion.

Sub-expressions made only of numbers, such as ``1/2`` in ``x ** (1/2)``, are folded into one
number when parsing, the way Python folds constants. They are constants, not inputs, so no
gradient flows into them, and an exponent stays a plain number (``x ** -2`` has the
derivative ``-2 * x ** -3`` even for negative ``x``).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping

from autograd.engine import Value, no_grad
from autograd.expr_text import (
    EXCERPT,
    REFUSED_SYNTAX,
    ChainError,
    bad_operator,
    column,
    excerpt,
    fold_name,
    line_start,
    names,
    parse_chain,
    skip_to_operator,
    span,
    window,
)

__all__ = ["CONSTANTS", "FUNCTIONS", "Expression", "ExpressionError", "fold_name", "parse"]

Operand = Value | float

#: The functions an expression may call, each with exactly one argument.
FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "abs": operator.abs,
    "cos": Value.cos,
    "exp": Value.exp,
    "log": Value.log,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "sin": Value.sin,
    "sqrt": Value.sqrt,
    "tanh": Value.tanh,
}

_BINARY: dict[type[ast.operator], tuple[str, Callable[[Operand, Operand], Operand]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}
_BINARY_BY_SYMBOL = dict(_BINARY.values())

#: The named constants an expression may use. They are numbers, not variables: a binding
#: with one of these names is refused.
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

_ALLOWED = "numbers, pi, e, variables, + - * / **, parentheses and the functions " + ", ".join(
    FUNCTIONS
)

# One postfix instruction: ("num", 2.0), ("var", "x"), ("neg", ""), ("call", "tanh"),
# or ("bin", "+").
_Instruction = tuple[str, float | str]


class ExpressionError(ValueError):
    """An expression that cannot be parsed, or bindings that do not fit it.

    >>> parse("x ^ 2")
    Traceback (most recent call last):
    ...
    autograd.expr.ExpressionError: operator ^ is not allowed: ...
    """


class Expression:
    """A parsed expression: call :meth:`evaluate` to build its graph of Values.

    >>> e = parse("x*y + 1")
    >>> e.variables
    ('x', 'y')
    >>> e.evaluate({"x": 2.0, "y": 3.0}).data
    7.0
    """

    __slots__ = ("_program", "text", "variables")

    def __init__(self, text: str, program: tuple[_Instruction, ...]) -> None:
        self.text = text
        self._program = program
        names = (str(arg) for kind, arg in program if kind == "var")
        #: The variable names, in order of first appearance in the text.
        self.variables: tuple[str, ...] = tuple(dict.fromkeys(names))

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def __str__(self) -> str:
        return self.text

    def postfix(self) -> str:
        """The program the expression runs, written in postfix (calculator) order.

        >>> parse("tanh(x*w + b)").postfix()
        'x w * b + tanh'
        """
        words = []
        for kind, arg in self._program:
            words.append("neg" if kind == "neg" else repr(arg) if kind == "num" else str(arg))
        return " ".join(words)

    def evaluate(self, bindings: Mapping[str, Value | float]) -> Value:
        """Build the graph for these variable values and return its output node.

        ``bindings`` maps every variable name to a number, which becomes a leaf Value labelled
        with the name, or to a Value, which is used as it is (keep it to read its ``.grad``
        after ``backward()``). A variable used twice is one node used twice.

        >>> x = Value(3.0, label="x")
        >>> y = parse("x*x + 2*x").evaluate({"x": x})
        >>> y.backward()
        >>> (y.data, x.grad)
        (15.0, 8.0)
        """
        leaves = self._leaves(bindings)
        stack: list[Operand] = []
        for kind, arg in self._program:
            if kind == "num":
                stack.append(float(arg))
            elif kind == "var":
                stack.append(leaves[str(arg)])
            elif kind == "neg":
                stack.append(-stack.pop())
            elif kind == "call":
                # Calls of plain numbers were folded while parsing: the operand is a Value.
                operand = stack.pop()
                assert isinstance(operand, Value)
                stack.append(FUNCTIONS[str(arg)](operand))
            else:
                right, left = stack.pop(), stack.pop()
                stack.append(_BINARY_BY_SYMBOL[str(arg)](left, right))
        (result,) = stack
        return result if isinstance(result, Value) else Value(result)

    def __call__(self, *values: Value | float) -> Value:
        """Evaluate with the variables given by position, in the order of :attr:`variables`.

        This makes an expression a plain function of its inputs, as gradient checkers expect.

        >>> parse("a - b")(5.0, 2.0).data
        3.0
        """
        if len(values) != len(self.variables):
            raise ExpressionError(
                f"{excerpt(self.text)!r} takes {len(self.variables)} values "
                f"({names(self.variables) or 'none'}), got {len(values)}"
            )
        return self.evaluate(dict(zip(self.variables, values)))

    def _leaves(self, bindings: Mapping[str, Value | float]) -> dict[str, Value]:
        named: dict[str, Value | float] = {}
        for name, value in bindings.items():
            if not isinstance(name, str):
                raise TypeError(f"a variable's name is a str, got {type(name).__name__}")
            folded = fold_name(name)
            if folded in CONSTANTS:
                raise ExpressionError(
                    f"{name} is the constant {CONSTANTS[folded]!r}, not a variable; "
                    "give your variable another name"
                )
            if folded in named:
                raise ExpressionError(
                    f"{names(k for k in bindings if fold_name(k) == folded)} name the same "
                    f"variable {folded} (look-alike letters are folded); give it once"
                )
            named[folded] = value
        missing = [name for name in self.variables if name not in named]
        if missing:
            example = " ".join(f"{name}=1.0" for name in missing[:3])
            raise ExpressionError(
                f"no value for variable {names(missing)} in {excerpt(self.text)!r}; "
                f"give one, e.g. {example}"
            )
        known = set(self.variables)
        unknown = [name for name in named if name not in known]
        if unknown:
            raise ExpressionError(
                f"unknown variable {names(unknown)}: {excerpt(self.text)!r} uses "
                f"{names(self.variables) or 'no variables'}"
            )
        leaves = {}
        for name in self.variables:
            value = named[name]
            leaves[name] = value if isinstance(value, Value) else Value(value, label=name)
        return leaves


def parse(text: str) -> Expression:
    """Parse an expression such as ``"tanh(x*w + b)"``; raise ExpressionError if it is not one.

    >>> parse("2 * sigmoid(z) - 1").variables
    ('z',)
    >>> parse("x.real")
    Traceback (most recent call last):
    ...
    autograd.expr.ExpressionError: attribute access is not allowed: 'x.real'; ...
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() takes the expression as a str, got {type(text).__name__}")
    source = text.strip()
    if not source:
        raise ExpressionError("empty expression; write a formula such as 'tanh(x*w + b)'")
    try:
        root = ast.parse(source, mode="eval").body
    except SyntaxError as error:
        index = line_start(source, error.lineno or 1) + max((error.offset or 1) - 1, 0)
        where = column(source, index) if error.offset else ""
        raise ExpressionError(
            f"cannot parse {window(source, index)!r}: {error.msg}{where}"
        ) from None
    except RecursionError:
        # Python's parser read it, but its tree is too deep for ast's objects: a long chain
        # such as x + x + ... + x. Read it again with a loop, node by node in postfix order.
        program: list[_Instruction] = []
        try:
            for node in parse_chain(source):
                _check(node, source)
                _emit(node, program)
        except ChainError as error:
            raise ExpressionError(
                f"{error.message}: {window(source, error.index)!r}"
                f"{column(source, error.index)}; an expression may use only {_ALLOWED}"
            ) from None
        return Expression(source, tuple(program))
    except MemoryError:  # Python's parser gives up on deep nesting with a MemoryError
        raise ExpressionError(
            f"expression is nested too deeply to parse: {source[:40]!r}...; simplify it"
        ) from None
    return Expression(source, _compile(root, source))


def _compile(root: ast.expr, source: str) -> tuple[_Instruction, ...]:
    """Check the tree against the allow-list and flatten it into postfix instructions."""
    program: list[_Instruction] = []
    # Post-order walk with an explicit stack: a node is emitted after its operands.
    todo: list[tuple[ast.expr, bool]] = [(root, False)]
    while todo:
        node, operands_done = todo.pop()
        if operands_done:
            _emit(node, program)
            continue
        operands = _check(node, source)
        todo.append((node, True))
        todo.extend((operand, False) for operand in reversed(operands))
    return tuple(program)


def _check(node: ast.expr, source: str) -> list[ast.expr]:
    """Refuse anything outside the allow-list; return the node's operands, left to right."""

    # The node's text, for error messages only, cut to a short excerpt.
    def text() -> str:
        start, end = span(source, node)
        return excerpt(source[start:end]) or type(node).__name__

    def refuse(message: str, at: ast.expr | None = None) -> ExpressionError:
        return _refuse(message, node, source, at)

    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            kind = "string " if isinstance(node.value, (str, bytes)) else ""
            raise refuse(f"{kind}{text()!r} is not a number")
        try:
            number = float(node.value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise refuse(f"number {text()[:30]!r} is too large for a float")
        return []
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise refuse(f"{node.id!r} is a function; call it, e.g. {node.id}(x)")
        return []
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise refuse(bad_operator(node.op, text()))
        return [node.operand]
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise refuse(bad_operator(node.op, text()), at=node.left)
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        return [_check_call(node, text, refuse)]
    what = REFUSED_SYNTAX.get(type(node), type(node).__name__)
    raise refuse(f"{what} is not allowed: {text()!r}")


def _check_call(
    node: ast.Call, text: Callable[[], str], refuse: Callable[[str], ExpressionError]
) -> ast.expr:
    if not isinstance(node.func, ast.Name):
        raise refuse(f"only the engine's functions can be called, not {text()!r}")
    name = node.func.id
    if name in CONSTANTS:
        raise refuse(f"{name} is a constant, not a function: {text()!r}")
    if name not in FUNCTIONS:
        raise refuse(f"unknown function {name!r} in {text()!r}")
    if node.keywords:
        raise refuse(f"keyword arguments are not allowed: {text()!r}")
    if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise refuse(f"{name}() takes exactly one argument, got {text()!r}")
    return node.args[0]


def _refuse(
    message: str, node: ast.expr, source: str, after: ast.expr | None = None
) -> ExpressionError:
    """The error for a refused node, saying where it is (after ``after``, for an operator)."""
    start, end = span(source, node)
    at = start
    if after is not None:
        at = skip_to_operator(source, span(source, after)[1])
    where = ""
    if (start, end) != (0, len(source)):
        where = f" in {window(source, start)!r}"
    if where or len(source) > EXCERPT:
        where += column(source, at)
    return ExpressionError(f"{message}{where}; an expression may use only {_ALLOWED}")


def _emit(node: ast.expr, program: list[_Instruction]) -> None:
    """Append the instruction for a node whose operands are already in the program.

    An operation whose operands are all numbers is computed now (constant folding), with the
    engine's own rules, so ``1/0`` fails with the engine's message.
    """
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, (int, float))
        program.append(("num", float(node.value)))
    elif isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            program.append(("num", CONSTANTS[node.id]))
        else:
            program.append(("var", node.id))
    elif isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub):
            _push_op(program, ("neg", ""), 1, lambda a: -a)
    elif isinstance(node, ast.BinOp):
        symbol, function = _BINARY[type(node.op)]
        _push_op(program, ("bin", symbol), 2, function)
    else:
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        name = node.func.id
        _push_op(program, ("call", name), 1, lambda a: FUNCTIONS[name](a))


def _push_op(
    program: list[_Instruction], op: _Instruction, arity: int, function: Callable[..., Operand]
) -> None:
    operands = program[-arity:]
    if all(kind == "num" for kind, _ in operands):
        with no_grad():
            first, *rest = (float(arg) for _, arg in operands)
            value = float(function(Value(first), *rest))
        del program[-arity:]
        program.append(("num", value))
    else:
        program.append(op)
