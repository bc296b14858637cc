"""The READMEs' examples run, and say what the code does: English and Japanese alike."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_JA = ROOT / "README.ja.md"
# How many examples each README has at least: a README that loses its examples fails.
READMES = {README: 20, README_JA: 15}


@pytest.mark.parametrize("path", READMES, ids=lambda p: p.name)
def test_the_readme_doctests_pass(path: Path) -> None:
    failures, attempted = doctest.testfile(
        str(path),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        encoding="utf-8",
    )
    assert attempted >= READMES[path]
    assert failures == 0


@pytest.mark.parametrize("path", READMES, ids=lambda p: p.name)
def test_the_readme_plain_python_blocks_run(path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    plain = [b for b in blocks if ">>>" not in b]
    assert plain, "the README has runnable python blocks"
    for block in plain:
        exec(compile(block, path.name, "exec"), {})  # our own README, on purpose


def test_the_english_readme_links_the_japanese_one_at_the_top() -> None:
    head = README.read_text(encoding="utf-8").split("\n## ")[0]
    assert "(README.ja.md)" in head
    assert README_JA.exists()
    # Every local link and picture of the Japanese README points at a file that exists.
    targets = re.findall(r"\]\(((?!https?:)[^)#]+)\)", README_JA.read_text(encoding="utf-8"))
    assert targets and all((ROOT / t).exists() for t in targets), targets
