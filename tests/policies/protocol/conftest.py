"""The sg-guardrails pack for the whole protocol suite, driven like `pulumi preview`, two ways.

Every case runs over gRPC against a pack process started from policies/ exactly as the CLI
starts it (see analyzer_client/), and in-process against the same servicer (``in_process``):
one case table, both transports. Tests that change the policy config go through
``configured``, which restores the defaults afterwards.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from in_process import InProcessPackSession

from analyzer_client import PolicyPackSession

PACK_DIR = Path(__file__).resolve().parents[3] / "policies"
SESSIONS = {"grpc": PolicyPackSession, "in-process": InProcessPackSession}


@pytest.fixture(scope="session", params=list(SESSIONS))
def pack(request: pytest.FixtureRequest) -> Iterator[PolicyPackSession]:
    session_type = SESSIONS[request.param]
    with session_type(PACK_DIR, project="tiered-sg", stack="dev", organization="acme") as session:
        yield session


@pytest.fixture
def configured(pack: PolicyPackSession) -> Iterator[Callable[[Any], PolicyPackSession]]:
    """Send a ``--policy-pack-config`` document; the defaults come back after the test."""

    def configure(policy_config: Any) -> PolicyPackSession:
        pack.configure(policy_config)
        return pack

    yield configure
    pack.configure(None)
