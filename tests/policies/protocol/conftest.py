"""One sg-guardrails pack process for the whole protocol suite, driven like `pulumi preview`.

The pack runs from policies/ exactly as the CLI starts it (see preflight/harness/); tests that
change the policy config go through ``configured``, which restores the defaults afterwards.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from preflight.harness import PolicyPackSession

PACK_DIR = Path(__file__).resolve().parents[3] / "policies"


@pytest.fixture(scope="session")
def pack() -> Iterator[PolicyPackSession]:
    with PolicyPackSession(
        PACK_DIR, project="tiered-sg", stack="dev", organization="acme"
    ) as session:
        yield session


@pytest.fixture
def configured(pack: PolicyPackSession) -> Iterator[Callable[[Any], PolicyPackSession]]:
    """Send a ``--policy-pack-config`` document; the defaults come back after the test."""

    def configure(policy_config: Any) -> PolicyPackSession:
        pack.configure(policy_config)
        return pack

    yield configure
    pack.configure(None)
