"""Shared test setup: hypothesis profiles and a guard on the engine's per-thread switches."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd

# CI is deterministic: the same examples every run. Development explores new ones.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(autouse=True)
def _seal_engine_switches() -> Iterator[None]:
    """Fail any test that leaves no_grad, anomaly mode or the cyclic GC as it did not find them.

    backward() and nn.fit pause the garbage collector and must always switch it back on.
    """
    before = (autograd.is_grad_enabled(), autograd.is_anomaly_enabled(), gc.isenabled())
    yield
    after = (autograd.is_grad_enabled(), autograd.is_anomaly_enabled(), gc.isenabled())
    assert after == before, f"test leaked state: (grad, anomaly, gc) {before} -> {after}"
