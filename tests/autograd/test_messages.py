"""autograd.messages: every sentence in every language, and Japanese explain text and pictures."""

from __future__ import annotations

import re
import string

import pytest

from autograd import Value, draw_dot, explain
from autograd.messages import LANGUAGES, say


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(LANGUAGES["en"]))
def test_every_key_is_in_every_language_with_the_same_fields(key: str) -> None:
    assert set(LANGUAGES) == {"en", "ja"}
    for lang, table in LANGUAGES.items():
        assert key in table, (lang, key)
        assert _fields(table[key]) == _fields(LANGUAGES["en"][key]), (lang, key)


def test_no_language_has_a_key_english_lacks() -> None:
    for lang, table in LANGUAGES.items():
        assert set(table) == set(LANGUAGES["en"]), lang


def _graph() -> Value:
    a, b = Value(1.5, "a"), Value(-0.5, "b")
    loss = (a * b + a.tanh()) ** 2 - b * 3.0
    loss.label = "loss"
    return loss


def _numbers(text: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", text)


def test_japanese_explain_has_the_same_numbers_and_no_english_sentence() -> None:
    root = _graph()
    en, ja = explain(root).table(max_lines=None), explain(root, lang="ja").table(max_lines=None)
    assert "勾配" in ja and "上流の勾配" in ja and "局所的な微分" in ja
    # The names of nodes and the code (e.table, max_lines) stay; English words do not.
    words = set(re.findall(r"[A-Za-z]{3,}", ja)) - {"loss", "tanh", "table", "max_lines"}
    assert not words, words
    assert _numbers(ja) == _numbers(en)
    assert len(ja.splitlines()) == len(en.splitlines())


def test_japanese_table_columns_line_up_in_terminal_columns() -> None:
    lines = explain(_graph(), lang="ja").table().splitlines()
    header, first = lines[3], lines[4]

    def column(text: str, k: int) -> int:  # where the k-th cell starts, in terminal columns
        starts = [m.start() for m in re.finditer(r"(?:^|(?<=  ))\S", text)]
        prefix = text[: starts[k]]
        return sum(2 if ord(c) >= 0x2E80 else 1 for c in prefix)

    assert header.startswith("ステップ")
    for k in range(4):  # step, node, op, upstream: both rows have them
        assert column(header, k) == column(first, k)


def test_japanese_pictures_and_captions() -> None:
    root = _graph()
    e = explain(root, lang="ja")
    source = e.frame(1).source
    assert "ステップ 1（0〜" in source and "勾配" in source and "値 " in source
    assert "step 1" not in source and "grad " not in source and "data " not in source
    plain = draw_dot(root, lang="ja", color_by_grad=True).source
    assert plain.startswith('digraph "loss の計算グラフ"')
    assert "3（定数）" in plain and "勾配消失" in plain
    assert "(const)" not in plain and "vanishes" not in plain
    capped = draw_dot(root, lang="ja", max_nodes=3).source
    assert "個の値のうち 3 個を表示" in capped
    assert e.frame(1, lang="en").source.count("grad ") > 0  # a frame may still ask for English


def test_say_fills_in_and_refuses_an_unknown_language() -> None:
    assert say("title", "ja", root="z") == "z の計算グラフ"
    with pytest.raises(ValueError, match="lang must be one of"):
        say("title", "fr", root="z")
