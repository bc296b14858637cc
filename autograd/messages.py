"""Every sentence autograd writes for a person, in one table per language.

Code asks for a message by key and fills in its fields: ``say("seed", lang, root=...)``.
A language is one more dictionary with the same keys and the same fields in each message;
English is the one a missing key falls back to. The keys are grouped by where they show:

- the table of ``explain`` (``seed`` ... ``more_inputs``);
- the pictures of ``draw_dot`` and its frames (``caption`` ... ``legend``);
- the explain page (``page.*``): ``autograd.page`` puts those into the HTML it writes, and
  its script reads them from there.

The Japanese words follow ``docs/glossary.ja.md`` (勾配 gradient, 計算グラフ computational
graph, 上流の勾配 upstream gradient, 局所的な微分 local derivative, ...). ``nn`` keeps its own
table for its own words (``nn.i18n``).
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "page_strings", "say"]

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
    # the pictures: a backprop frame's caption, the boxes, the notes and the legend
    "caption": "step {index} of 0-{last}: {node} ({op}) has gradient {upstream} and sends {sends}",
    "sends": "{upstream} × {local} = {product} to {parent}",
    "and_more": "and {count} more",
    "data_cell": "data {value}",
    "grad_cell": "grad {value}",
    "constant_box": "{name} (const)",
    "hidden_earlier": "… {count} earlier values not drawn",
    "hidden_later": "… {count} later values not drawn",
    "showing": (
        "showing {shown} of {total} values; raise max_nodes or use focus=node, depth=k "
        "to see others"
    ),
    "title": "computation graph of {root}",
    "legend": "|grad|: blue vanishes, red explodes",
    # the explain page (autograd.page)
    "page.explain_title": "Backprop, step by step: {root}",
    "page.help": (
        "Move with the buttons, the slider or the ← → keys (Home and End jump to the ends)."
    ),
    "page.first": "First step",
    "page.prev": "Previous step",
    "page.next": "Next step",
    "page.last": "Last step",
    "page.counter": "step {k} of {n}",
    "page.data": "data",
    "page.grad": "grad",
    "page.input": "input",
    "page.const": "const",
    "page.start": ("Forward pass: the inputs are given; every other value is still unknown (?)."),
    "page.forward": "Forward pass: {node} = {expr} = {value}",
    "page.seed": "Backpropagation starts at {root}: its gradient with respect to itself is 1.",
    "page.backward": (
        "Chain rule from {node} to {parent}: upstream gradient × local derivative = "
        "contribution, added to the gradient of {parent} (now {sum})."
    ),
    "page.formula": "{up} × {local} = {product}",
    "page.finished": (
        "Every gradient is complete: these are the numbers backward() puts in .grad."
    ),
    "page.capped": (
        "This computational graph has {total} nodes: the {shown} nearest {root} are shown, "
        "and the steps of the others are left out."
    ),
    "page.graph_caption": (
        "The computational graph: each box is a value, each arrow feeds one operation."
    ),
}

_JA = {
    # explain の表
    "seed": (
        "{root} = {value} から誤差逆伝播を始めます。"
        "{root} の自分自身についての勾配（出発点）は 1 です。"
    ),
    "each_line": (
        "各行: 積 = 上流の勾配 × 局所的な微分。積は親ノードの勾配に足していきます（親の合計）。"
    ),
    "header": "ステップ|ノード|演算|上流の勾配|親ノード|局所的な微分|積|親の合計",
    "wide_step": "… ほかに親ノードが {count} 個",
    "all_zero": "{count} 個の親ノードすべてに 0 を送ります（このノードの勾配が 0 のため）",
    "more_rows": (
        "… 残りの {steps} ステップ、{rows} 行は省きました。"
        "e.table(max_lines=None) ですべて表示でき、e[k] がステップ k です"
    ),
    "constants": "定数（{names}）はただの数で、入力ではありません。勾配は出しません。",
    "gradients": "入力（葉）についての {root} の勾配:",
    "grouped": "{owner}: {items}",
    "grouped_zero": "{owner}: {count} 個の勾配はすべて 0",
    "grouped_more": "{owner}: {items}、… ほかに {count} 個。いちばん大きいのは {name} {value}",
    "more_inputs": "… ほかに {count} 個の入力は省きました。e.grads にすべての勾配があります",
    # 図: 誤差逆伝播の1コマの説明、箱、注記、凡例
    "caption": (
        "ステップ {index}（0〜{last}）: {node}（{op}）の勾配は {upstream}。{sends} を送ります"
    ),
    "sends": "{parent} へ {upstream} × {local} = {product}",
    "and_more": "ほかに {count} 個",
    "data_cell": "値 {value}",
    "grad_cell": "勾配 {value}",
    "constant_box": "{name}（定数）",
    "hidden_earlier": "… 手前の {count} 個の値は描いていません",
    "hidden_later": "… 後ろの {count} 個の値は描いていません",
    "showing": (
        "{total} 個の値のうち {shown} 個を表示。ほかを見るには max_nodes を大きくするか、"
        "focus=node, depth=k を使います"
    ),
    "title": "{root} の計算グラフ",
    "legend": "|勾配|: 青は勾配消失、赤は勾配爆発",
    # explain のページ（autograd.page）
    "page.explain_title": "誤差逆伝播をステップごとに: {root}",
    "page.help": "ボタン、スライダー、← → キーで進めます（Home と End で最初と最後へ）。",
    "page.first": "最初のステップ",
    "page.prev": "前のステップ",
    "page.next": "次のステップ",
    "page.last": "最後のステップ",
    "page.counter": "ステップ {k} / {n}",
    "page.data": "値",
    "page.grad": "勾配",
    "page.input": "入力",
    "page.const": "定数",
    "page.start": "順伝播: 入力の値が与えられています。ほかの値はまだわかりません (?)。",
    "page.forward": "順伝播: {node} = {expr} = {value}",
    "page.seed": "誤差逆伝播は {root} から始まります: {root} の自分自身についての勾配は 1 です。",
    "page.backward": (
        "{node} から {parent} への連鎖律: 上流の勾配 × 局所的な微分 = 寄与。"
        "これを {parent} の勾配に足します（いま {sum}）。"
    ),
    "page.formula": "{up} × {local} = {product}",
    "page.finished": "すべての勾配がそろいました: backward() が .grad に入れる値と同じです。",
    "page.capped": (
        "この計算グラフには {total} 個のノードがあります。{root} に近い {shown} 個だけを"
        "表示し、ほかのノードのステップは省いています。"
    ),
    "page.graph_caption": "計算グラフ: 箱が値、矢印が演算への入力です。",
}

LANGUAGES: dict[str, dict[str, str]] = {"en": _EN, "ja": _JA}


def say(key: str, lang: str = "en", **fields: object) -> str:
    """The message ``key`` in language ``lang``, with its fields filled in.

    >>> say("and_more", count=3), say("and_more", "ja", count=3)
    ('and 3 more', 'ほかに 3 個')
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {sorted(LANGUAGES)}, got {lang!r}")
    table = LANGUAGES[lang]
    return table.get(key, _EN[key]).format(**fields)


def page_strings(lang: str = "en") -> dict[str, str]:
    """The explain page's messages (the ``page.*`` keys, without the prefix) in ``lang``.

    >>> page_strings("ja")["grad"]
    '勾配'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {sorted(LANGUAGES)}, got {lang!r}")
    table = LANGUAGES[lang]
    return {key[5:]: table.get(key, text) for key, text in _EN.items() if key.startswith("page.")}
