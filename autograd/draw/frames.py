"""Backprop in progress: what a ``draw_dot(step=k)`` picture says about step ``k``.

The node of step ``k`` is highlighted, the arrows that have carried gradient so far are red
with the amount they carried, and only the gradients known so far are written (the others
read ``?``). The caption spells out the chain rule of the step.
"""

from __future__ import annotations

from autograd.engine import Value
from autograd.messages import say
from autograd.names import number
from autograd.replay import Replay, Snapshot

__all__ = ["caption", "grad_text"]

_CAPTION_PARENTS = 4  # products spelled out in a step picture's caption


def grad_text(node: Value, snapshot: Snapshot | None, lang: str = "en") -> str:
    """``grad 0.5``; in a step picture ``grad ?`` (nothing yet) or ``grad 0.5 + ?`` (partial).

    >>> grad_text(Value(1.0), None), grad_text(Value(1.0), None, "ja")
    ('grad 0', '勾配 0')
    """
    if snapshot is None:
        value = number(node.grad)
    elif node in snapshot.complete:
        value = number(snapshot.grads[node])
    elif node in snapshot.grads:
        value = f"{number(snapshot.grads[node])} + ?"
    else:
        value = "?"
    return say("grad_cell", lang, value=value)


def caption(record: Replay, k: int, lang: str = "en") -> str:
    """One sentence for the caption of a step picture: the chain rule of step ``k``.

    Products sent to constants are left out: a constant learns nothing.

    >>> from autograd import Value
    >>> from autograd.replay import replay
    >>> caption(replay(Value(3.0, "x") ** 2), 0)
    'step 0 of 0-0: x**2 (**) has gradient 1 and sends 1 × 6 = 6 to x'
    """
    step = record[k]
    parts = [
        say(
            "sends",
            lang,
            upstream=number(step.upstream),
            local=number(local),
            product=number(product),
            parent=record.name(parent),
        )
        for parent, local, product in step.contributions
        if not record.is_constant(parent)
    ]
    if len(parts) > _CAPTION_PARENTS:  # a neuron's dot node has dozens of parents
        parts[_CAPTION_PARENTS:] = [say("and_more", lang, count=len(parts) - _CAPTION_PARENTS)]
    return say(
        "caption",
        lang,
        index=step.index,
        last=len(record) - 1,
        node=record.name(step.node),
        op=step.node.op,
        upstream=number(step.upstream),
        sends=", ".join(parts),
    )
