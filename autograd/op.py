"""What an op is: the fields of one entry of the op table (``autograd/ops.py``).

An entry gives, side by side, everything about one op. For floats and Values (eager):

* ``forward`` computes the result from the parents' floats, with a clear error for bad input;
* ``local`` gives the local derivatives d(out)/d(parent_i), one per parent, from
  ``(out, *parents)``: the factors the chain rule multiplies the upstream gradient by;
* ``backward`` is the float rule ``backward()`` runs: ``chain_rule`` unless a faster one is
  written right above the entry.

For arrays (the compiler, ``autograd/compiler.py``), the same two rules over many nodes at
once. They get the numpy module as their first argument, so that ``autograd`` never imports
numpy itself (only the compiler does, when it is used):

* ``np_forward(np, *arrays)`` is ``forward`` element by element (its errors come from
  ``forward``: the compiler asks it about any result that is not finite);
* ``np_local(np, out, *arrays)`` is ``local`` element by element: one array (or a plain
  number, when it is the same for every node) per parent. The compiler multiplies them by
  the upstream gradients, keeping the walk's habits (see ``_compile_plan.chain_rule``).

An n-ary op (``arity=None``: ``dot``, ``sum``) gets a 2-D array instead, one row of parent
values per node, and its ``np_local`` returns one array shaped like it.

The rest says how the op is made and written: ``method`` is the ``Value`` method (or the
``autograd`` function, for the n-ary ops) that builds it, ``symbol`` is how a formula writes
it (the expression parser and ``explain`` read it; None: not in formulas), and
``precedence`` is the binding strength of an operator (None for a function call).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd.chain import chain_rule

# The rules run on floats, Values and arrays, so their arguments are typed loosely.
Num = Any
Local = Callable[..., tuple[Num, ...]]
Backward = Callable[[Any, Any], None]
NpRule = Callable[..., Any]


class Op:
    """One kind of node: its forward function, its local derivatives and how it is written."""

    __slots__ = (
        "arity", "backward", "forward", "local", "method", "name", "np_forward", "np_local",
        "precedence", "symbol",
    )  # fmt: skip

    def __init__(
        self,
        name: str,
        forward: Callable[..., float],
        local: Local,
        *,
        arity: int | None,
        method: str,
        symbol: str | None = None,
        precedence: int | None = None,
        backward: Backward = chain_rule,
        np_forward: NpRule | None = None,
        np_local: NpRule | None = None,
    ) -> None:
        self.name = name  # what Value.op shows: "+", "neg", "tanh", ...
        self.forward = forward
        self.local = local
        self.arity = arity  # number of parents; None for any number (dot, sum)
        self.method = method
        self.symbol = symbol
        self.precedence = precedence
        self.backward = backward
        self.np_forward = np_forward  # None only for LEAF, which computes nothing
        self.np_local = np_local

    def __repr__(self) -> str:
        return f"Op({self.name!r})"
