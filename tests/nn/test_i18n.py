"""nn.i18n: every message exists in every language, with the same fields to fill."""

from __future__ import annotations

import re
import string

import pytest

from nn.i18n import LANGUAGES, MESSAGES, message


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_language_has_the_message_with_the_same_fields(key: str) -> None:
    assert set(MESSAGES[key]) == set(LANGUAGES)
    assert fields(MESSAGES[key]["ja"]) == fields(MESSAGES[key]["en"])
    assert MESSAGES[key]["ja"] != MESSAGES[key]["en"]


def test_messages_are_filled_in_the_chosen_language() -> None:
    assert message("cli.result", "en", result="loss 0.5") == "result    loss 0.5"
    assert message("cli.result", "ja", result="損失 0.5") == "結果      損失 0.5"
    assert message("cli.accuracy", "ja", accuracy=0.875) == "、正解率 87.5%"


def test_summary_labels_line_up_in_both_languages() -> None:
    # A Japanese character takes two terminal columns: the values start at column 10.
    def columns(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    for key in ("cli.data", "cli.model", "cli.training", "cli.result", "cli.learned", "cli.wrote"):
        for lang in LANGUAGES:
            match = re.match(r"(\S+)( +)", MESSAGES[key][lang])
            assert match is not None
            assert columns(match[1]) + len(match[2]) == 10, (key, lang)


def test_unknown_keys_and_languages_say_what_to_do() -> None:
    with pytest.raises(KeyError, match="add it in every language"):
        message("cli.nothing", "en")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        message("cli.loss", "fr", loss=1.0)
