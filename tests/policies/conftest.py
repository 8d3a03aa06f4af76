"""``each_transport``: run a case table in-process and over gRPC (see ``sgkit``)."""

from collections.abc import Iterator

import pytest

from tests.policies.unit import sgkit


@pytest.fixture(params=sgkit.TRANSPORTS)
def each_transport(request: pytest.FixtureRequest) -> Iterator[str]:
    with sgkit.transport(request.param):
        yield request.param


@pytest.fixture(scope="session", autouse=True)
def _stop_the_grpc_pack() -> Iterator[None]:
    yield
    sgkit.close_transports()
