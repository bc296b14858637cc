"""The README's examples run, and say what the code does."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_doctests_pass() -> None:
    failures, attempted = doctest.testfile(
        str(README),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
    )
    assert attempted >= 20
    assert failures == 0


def test_the_readme_plain_python_blocks_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    plain = [b for b in blocks if ">>>" not in b]
    assert plain, "the README has runnable python blocks"
    for block in plain:
        exec(compile(block, "README.md", "exec"), {})  # our own README, on purpose
