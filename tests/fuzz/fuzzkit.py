"""Hypothesis settings shared by the fuzz suites: fixed examples, so CI runs the same cases."""

from hypothesis import HealthCheck, settings


def fuzz(examples: int, *also_suppress: HealthCheck) -> settings:
    """Derandomized, no example database, no deadline; `too_slow` is expected on 2 cores."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, *also_suppress],
    )
