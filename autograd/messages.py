"""Every sentence that explain and its pictures write, in one table per language.

Code asks for a message by key and fills in its fields: ``say("seed", lang, root=...)``.
A language is one more dictionary with the same keys; English is the only one so far, and
the one a missing key falls back to.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "say"]

_EN = {
    # the table of explain
    "seed": "Backprop from {root} = {value}; its own gradient (the seed) is 1.",
    "each_line": (
        "Each line: product = upstream × local, added to the parent's gradient (parent sum)."
    ),
    "header": "step|node|op|upstream|parent|local|product|parent sum",
    "wide_step": "… {count} more parents",
    "all_zero": "0 to each of its {count} parents (its gradient is 0)",
    "more_rows": (
        "… {rows} more lines in {steps} more steps not shown; "
        "e.table(max_lines=None) prints them all, e[k] is step k"
    ),
    "constants": "Constants ({names}) are plain numbers, not inputs: no gradient is listed.",
    "gradients": "Gradients of {root} with respect to the inputs (leaves):",
    "grouped": "{owner}: {items}",
    "grouped_zero": "{owner}: all {count} gradients are 0",
    "grouped_more": "{owner}: {items}, … {count} more; the largest is {name} {value}",
    "more_inputs": "… {count} more inputs not shown; e.grads has every gradient",
    # the caption of a backprop frame
    "caption": "step {index} of 0-{last}: {node} ({op}) has gradient {upstream} and sends {sends}",
    "sends": "{upstream} × {local} = {product} to {parent}",
    "and_more": "and {count} more",
    "constant_box": "{name} (const)",
    "hidden_earlier": "… {count} earlier values not drawn",
    "hidden_later": "… {count} later values not drawn",
    "showing": (
        "showing {shown} of {total} values; raise max_nodes or use focus=node, depth=k "
        "to see others"
    ),
    "title": "computation graph of {root}",
}

LANGUAGES: dict[str, dict[str, str]] = {"en": _EN}


def say(key: str, lang: str = "en", **fields: object) -> str:
    """The message ``key`` in language ``lang``, with its fields filled in.

    >>> say("and_more", count=3)
    'and 3 more'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {sorted(LANGUAGES)}, got {lang!r}")
    table = LANGUAGES[lang]
    return table.get(key, _EN[key]).format(**fields)
