"""Run a Pulumi program function under mocks, with the SDK's global state reset around it.

Each run gets the isolation of ``preflight.mock_runtime.isolated_runtime`` (fresh event loop,
root resource and outputs); the mocks here only count, so both sides of a ratio pay the same
SDK cost and nothing of ours.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.runtime.stack import run_pulumi_func

from preflight.mock_runtime import isolated_runtime


class CountingMocks(pulumi.runtime.Mocks):
    """Echo inputs as outputs; ids unknown, as in a preview of a new stack. Counts resources."""

    def __init__(self) -> None:
        self.resources = 0
        self.components = 0

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.custom:
            self.resources += 1
        else:
            self.components += 1
        return "", dict(args.inputs)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, []


def run_under_mocks(program: Callable[[], None], *, project: str = "bench") -> int:
    """Run ``program`` to completion under fresh mocks; return how many custom resources it
    registered."""
    mocks = CountingMocks()
    with isolated_runtime() as loop:
        pulumi.runtime.set_mocks(mocks, project=project, stack="bench", preview=True)
        loop.run_until_complete(run_pulumi_func(program))
    return mocks.resources
