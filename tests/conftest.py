"""Shared fixtures: an isolated Pulumi mock runtime per test, recording what the engine would see.

The Python SDK keeps its runtime in module globals and context variables, so each test gets a
fresh event loop, a fresh root stack (``settings.ROOT``), an empty output set and empty config,
all restored at teardown. Resources must be created inside the test (``pulumi_runtime.run``),
never at import time.

The recording monitor and fake cloud live in ``preflight.mock_runtime``, which preflight's own
recorder uses too: tests and the offline preview see the program the same way.
"""

import asyncio
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pulumi
import pytest
from pulumi.runtime.stack import run_pulumi_func

from preflight.mock_runtime import (
    DEFAULT_VPC_ID,
    FakeCloud,
    RecordingMonitor,
    Registration,
    isolated_runtime,
    start_deployment,
)

__all__ = ["DEFAULT_VPC_ID", "FakeCloud", "PulumiRuntime", "RecordingMonitor", "Registration"]

T = TypeVar("T")


class PulumiRuntime:
    """A mock deployment: configure it, run a program in it, inspect what was registered."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.configure()

    def configure(
        self,
        *,
        project: str = "tiered-sg",
        stack: str = "test",
        preview: bool = False,
        config: dict[str, str] | None = None,
    ) -> None:
        """(Re)start the mock deployment with this project, stack, mode and config."""
        self.monitor = start_deployment(
            project=project, stack=stack, preview=preview, config=config
        )
        self.cloud = self.monitor.cloud

    def run(self, program: Callable[[], T]) -> T:
        """Run ``program`` as a Pulumi program and wait for every registration and output."""
        results: list[T] = []
        self.loop.run_until_complete(run_pulumi_func(lambda: results.append(program())))
        return results[0]

    def record_requests(self) -> dict[str, Any]:
        """From now on, every RegisterResource request as the SDK sends it (aliases, timeouts
        and all), by resource name."""
        sent: dict[str, Any] = {}
        register = self.monitor.RegisterResource

        def recording(request: Any) -> Any:
            sent[request.name] = request
            return register(request)

        self.monitor.RegisterResource = recording  # type: ignore[method-assign]
        return sent

    def resolve(self, value: pulumi.Input[T]) -> T | None:
        """The value of an output (or any input) of a completed run."""
        return self.loop.run_until_complete(pulumi.Output.from_input(value).future())

    @property
    def registrations(self) -> list[Registration]:
        return self.monitor.registrations

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_]

    def named(self, name: str, type_: str | None = None) -> Registration:
        found = [r for r in self.registrations if r.name == name and type_ in (None, r.type)]
        assert len(found) == 1, f"{len(found)} registrations named {name!r}"
        return found[0]

    def by_urn(self, urn: str) -> Registration:
        return next(r for r in self.registrations if r.urn == urn)


@pytest.fixture
def pulumi_runtime() -> Iterator[PulumiRuntime]:
    """A fresh, isolated mock Pulumi runtime (project tiered-sg, stack test, not preview)."""
    with isolated_runtime() as loop:
        yield PulumiRuntime(loop)
