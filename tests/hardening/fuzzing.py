"""How hard the property-based tests push.

Each fuzz test runs twice: in CI with a few examples, derandomised so a CI
failure reproduces; and marked `slow` with many times more, random, for
`./run test -m slow tests/hardening`.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings

SCALES = [pytest.param(1, id="ci"), pytest.param(25, id="many", marks=pytest.mark.slow)]


def fuzz_settings(examples: int, scale: int, shrink: bool = True) -> settings:
    """`shrink=False` where one example costs a load: shrinking those can run
    for many minutes, and the failing example is printed either way."""
    phases = [p for p in Phase if shrink or p not in (Phase.shrink, Phase.explain)]
    return settings(max_examples=examples * scale, deadline=None, database=None, derandomize=scale == 1,
                    suppress_health_check=list(HealthCheck), print_blob=True, phases=phases)
