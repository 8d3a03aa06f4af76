"""Runs a Pulumi program under mocks and returns every resource the way the engine sees it.

Preview mode resolves every id to unknown, as a real `pulumi preview` of a new stack does, so
the policy pack meets the same unknowns it meets in the CLI. `--up` mode gives stable fake ids.
"""

import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi.runtime.stack import run_pulumi_func

from preflight.mock_runtime import isolated_runtime, start_deployment
from preflight.stack_files import StackConfig


@dataclass(frozen=True)
class PlannedResource:
    """One registration: inputs exactly as they cross the wire (unknowns as sentinel strings)."""

    type: str
    name: str
    urn: str
    custom: bool
    parent: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    id: str = ""


def record_program(
    program: Path, stack_config: StackConfig, *, preview: bool = True
) -> list[PlannedResource]:
    """Run `program` with `stack_config` and return what it registered, in order."""
    with isolated_runtime() as loop:
        monitor = start_deployment(
            project=stack_config.project,
            stack=stack_config.stack,
            preview=preview,
            config=stack_config.config,
            secret_keys=stack_config.secret_keys,
        )
        loop.run_until_complete(run_pulumi_func(lambda: _run_main(program)))
    return [
        PlannedResource(
            type=r.type,
            name=r.name,
            urn=r.urn,
            custom=r.custom,
            parent=r.parent,
            inputs=r.wire_inputs,
            outputs=r.wire_outputs,
            dependencies=r.dependencies,
            property_dependencies=r.property_dependencies,
            id=r.id,
        )
        for r in monitor.registrations
    ]


def _run_main(program: Path) -> None:
    runpy.run_path(str(program), run_name="__main__")
