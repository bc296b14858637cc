"""``python -m autograd``: draw, check and explain an expression typed on the command line.

    python -m autograd graph "tanh(x*w + b)" x=0.5 w=-1 b=2 --out neuron.svg
    python -m autograd gradcheck "x**3 / (1 + exp(-y))" x=1.5 y=0.3
    python -m autograd explain "x*y + x" x=3 y=4

The expression language is the one :func:`autograd.expr.parse` accepts. This module is the
only place in ``autograd`` that prints.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from autograd.draw.files import FORMATS, check_writable, write_graph
from autograd.engine import Value
from autograd.explain import explain
from autograd.expr import FUNCTIONS, Expression, fold_name, parse
from autograd.gradcheck import gradcheck

__all__ = ["main"]

_EPILOG = f"""\
expressions:
  numbers, variables, + - * / **, unary -, parentheses and the functions
  {", ".join(FUNCTIONS)}.
  Quote the expression for the shell; put -- before one that starts with a minus.

examples:
  python -m autograd graph "tanh(x*w + b)" x=0.5 w=-1 b=2 --out neuron.svg
  python -m autograd gradcheck "x**3 / (1 + exp(-y))" x=1.5 y=0.3
  python -m autograd explain "x*y + x" x=3 y=4
"""


class CommandError(Exception):
    """A problem with what was typed: printed as one line, exit status 1."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one line on stderr, not the usage plus a line."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments: -"):
            # Most often an expression that starts with a minus, which argparse reads as an
            # option: say how to pass it.
            message += (
                "; an expression that starts with a minus goes after --, "
                'e.g. python -m autograd graph -- "-x*y" x=2 y=3'
            )
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    >>> import io
    >>> out = io.StringIO()
    >>> main(["gradcheck", "x*x", "x=3"], stdout=out)
    0
    >>> print(out.getvalue().splitlines()[0])
    x*x = 9 at x=3
    """
    out = stdout if stdout is not None else sys.stdout
    parser = _parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help(out)  # no command at all: show what there is to do
        return 0
    args = parser.parse_args(argv)
    try:
        expression = parse(args.expression)
        bindings = _bindings(args.bindings, expression)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            status: int = args.run(expression, bindings, args, out)
        for warning in caught:
            text = str(warning.message)
            # gradcheck names inputs x[0], x[1], ...: say the variables' names instead.
            for k in reversed(range(len(expression.variables))):
                text = text.replace(f"x[{k}]", expression.variables[k])
            print(f"warning: {text}", file=sys.stderr)
        return status
    except (CommandError, ValueError, ArithmeticError, OSError) as error:
        # ValueError covers ExpressionError; ArithmeticError covers the engine's
        # ZeroDivisionError, OverflowError and FloatingPointError; OSError a file that cannot
        # be written. Each already says what went wrong and with which value or path.
        print(f"error: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m autograd",
        description="Draw, check and explain the gradient of an expression typed as text.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    graph = commands.add_parser(
        "graph",
        help="draw the computation graph and print values and gradients",
        description="Build the expression's graph, run backprop, print each variable's "
        "gradient and draw the graph (.svg/.png need Graphviz's dot; .dot does not).",
    )
    _add_expression(graph)
    graph.add_argument(
        "--out",
        type=Path,
        default=Path("graph.svg"),
        help="file to write; the suffix picks the format: .svg, .png or .dot "
        "(default: graph.svg); missing folders are created",
    )
    graph.set_defaults(run=_run_graph)

    check = commands.add_parser(
        "gradcheck",
        help="compare backprop with finite differences (exit 1 if they disagree)",
        description="Compare each variable's backprop gradient with a central difference.",
    )
    _add_expression(check)
    check.add_argument("--eps", type=float, default=1e-6, help="finite-difference step")
    check.add_argument("--atol", type=float, default=1e-5, help="absolute tolerance")
    check.add_argument("--rtol", type=float, default=1e-3, help="relative tolerance")
    check.set_defaults(run=_run_gradcheck)

    explain = commands.add_parser(
        "explain",
        help="print backprop step by step: upstream x local for every edge",
        description="Replay backprop one node at a time, with the chain rule's numbers.",
    )
    _add_expression(explain)
    explain.add_argument(
        "--html", type=Path, metavar="FILE", help="also write a web page that steps through it"
    )
    explain.set_defaults(run=_run_explain)
    return parser


def _add_expression(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expression", help='the formula, e.g. "tanh(x*w + b)"')
    parser.add_argument(
        "bindings", nargs="*", metavar="NAME=VALUE", help="a value for each variable, e.g. x=0.5"
    )
    parser.add_argument(
        "--lang",
        choices=("en", "ja"),
        default="en",
        help="the language of the steps, the picture and the page (default: en; ja: Japanese)",
    )


def _bindings(pairs: Sequence[str], expression: Expression) -> dict[str, float]:
    """Read NAME=VALUE arguments; the expression checks that every variable is given."""
    values: dict[str, float] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = fold_name(name.strip())  # ｘ=1 binds x, as ｘ in the expression means x
        if not sep or not name.isidentifier():
            raise CommandError(f"expected NAME=VALUE, got {pair!r}; e.g. x=0.5")
        if name in values:
            raise CommandError(f"variable {name} is given twice: {pair!r}")
        try:
            values[name] = float(text)
        except ValueError:
            raise CommandError(
                f"the value of {name} must be a number, got {text!r}; e.g. {name}=0.5"
            ) from None
    return values


def _leaves(expression: Expression, bindings: dict[str, float]) -> dict[str, Value]:
    # Checks missing and unknown names before any Value is made.
    expression.evaluate(bindings)
    return {name: Value(bindings[name], label=name) for name in expression.variables}


def _at(bindings: dict[str, float], expression: Expression) -> str:
    return ", ".join(f"{name}={bindings[name]:g}" for name in expression.variables)


def _run_graph(
    expression: Expression, bindings: dict[str, float], args: argparse.Namespace, out: TextIO
) -> int:
    path: Path = args.out
    check_writable(path)  # before any work: a folder or a path under a file is one line
    if path.suffix not in FORMATS:
        raise CommandError(
            f"--out {str(path)!r}: unknown suffix {path.suffix!r}; use one of {', '.join(FORMATS)}"
        )
    leaves = _leaves(expression, bindings)
    root = expression.evaluate(leaves)
    root.backward()
    written, note = write_graph(
        root, path, lang=args.lang
    )  # first, so that a failure is the only output
    print(f"{expression} = {root.data:.10g}", file=out)
    for name, leaf in leaves.items():
        print(f"  d/d{name} = {leaf.grad:.10g}   ({name} = {leaf.data:g})", file=out)
    if note:
        print(note, file=out)
    print(f"wrote {written}", file=out)
    return 0


def _run_gradcheck(
    expression: Expression, bindings: dict[str, float], args: argparse.Namespace, out: TextIO
) -> int:
    if not expression.variables:
        raise CommandError(f"{expression.text!r} has no variables: there is nothing to check")
    if not (args.eps > 0 and math.isfinite(args.eps)):
        raise CommandError(f"--eps must be a positive step, got {args.eps!r}")
    value = _leaves(expression, bindings)  # checks the bindings
    # A dict names the report's rows after the variables (x, y), not x[0], x[1].
    inputs = {name: bindings[name] for name in expression.variables}
    report = gradcheck(expression, inputs, eps=args.eps, atol=args.atol, rtol=args.rtol)
    root = expression.evaluate(value)
    print(f"{expression} = {root.data:.10g} at {_at(bindings, expression)}", file=out)
    print(report, file=out)
    return 0 if report else 1


def _run_explain(
    expression: Expression, bindings: dict[str, float], args: argparse.Namespace, out: TextIO
) -> int:
    root = expression.evaluate(_leaves(expression, bindings))
    root.label = root.label or "out"
    print(f"{expression} = {root.data:.10g} at {_at(bindings, expression)}", file=out)
    explanation = explain(root, lang=args.lang)
    print(explanation, file=out)
    if args.html is not None:
        explanation.to_html(args.html, lang=args.lang)
        print(f"wrote {args.html}", file=out)
    return 0
