"""docs/micrograd.md: the guide's examples run, and say what the code does."""

from __future__ import annotations

import doctest
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "micrograd.md"
# Blocks that use micrograd's internals on Value (autograd/micrograd_names.py).
INTERNALS = ("._prev", "._op", "._backward", "p.m")


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def _run(blocks: list[str]) -> tuple[int, int]:
    """(failures, examples) of the blocks run in order as one doctest, sharing names."""
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, GUIDE.name, str(GUIDE), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert not runner.failures or report, "doctest reports what failed"
    return runner.failures, runner.tries


@pytest.fixture(autouse=True)
def _keep_random_state() -> Iterator[None]:
    state = random.getstate()
    yield
    random.setstate(state)


def test_every_python_block_of_the_guide_is_a_doctest() -> None:
    blocks = _blocks()
    assert len(blocks) >= 8
    assert all(block.lstrip().startswith(">>>") for block in blocks)


def test_the_guide_examples_without_micrograd_internals_pass() -> None:
    # They run on their own, without the names the blocks with internals define.
    plain = [b for b in _blocks() if not any(marker in b for marker in INTERNALS)]
    failures, tries = _run(plain)
    assert tries >= 15
    assert failures == 0


def test_the_whole_guide_passes() -> None:
    failures, tries = _run(_blocks())
    assert tries >= 40
    assert failures == 0
