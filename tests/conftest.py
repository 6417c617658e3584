"""Hypothesis profiles and the count of generated examples reported at the end of a run."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

# thorough: 1000 argument lists per callable (the default, and the main interpreter's run in nox);
# quick: 100 each, for the other interpreters, where the same signatures are bound by the same code.
settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("quick", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("thorough")

GENERATED: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if GENERATED:
        total = sum(GENERATED.values())
        terminalreporter.write_line(f"hypothesis: {total} generated argument lists over {len(GENERATED)} callables")
