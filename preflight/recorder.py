"""Runs a Pulumi program under mocks and records every resource the way the engine sees it.

Preview mode resolves every id to unknown, as a real `pulumi preview` of a new stack does, so
the policy pack meets the same unknowns it meets in the CLI. `--up` mode gives stable fake ids.
"""

import asyncio
import hashlib
import runpy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks, settings
from pulumi.runtime.stack import run_pulumi_func

from preflight.stack_config import StackConfig

STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class PlannedResource:
    """One registration: inputs exactly as they cross the wire (unknowns as sentinel strings)."""

    type: str
    name: str
    urn: str
    custom: bool
    parent: str
    inputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)


class _FakeCloud(pulumi.runtime.Mocks):
    """Echoes inputs as outputs; ids are unknown in preview and content-derived otherwise."""

    def __init__(self, preview: bool, default_vpc_id: str) -> None:
        self.preview = preview
        self.default_vpc_id = default_vpc_id

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if self.preview:
            return "", dict(args.inputs)
        digest = hashlib.sha256(f"{args.typ}::{args.name}".encode()).hexdigest()[:17]
        prefix = "sgr" if "Rule" in args.typ else "sg"
        resource_id = f"{prefix}-{digest}"
        return resource_id, {**args.inputs, "id": resource_id}

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        if args.token == "aws:ec2/getVpc:getVpc":
            return {"id": self.default_vpc_id, "cidrBlock": "172.31.0.0/16", **args.args}, []
        return {}, []


class _RecordingMonitor(mocks.MockMonitor):
    def __init__(self, cloud: _FakeCloud) -> None:
        super().__init__(cloud)
        self.planned: list[PlannedResource] = []

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine qualifies a child's type with its parents' types, leaving out the stack.
        if parent and parent.split("::")[2] != STACK_TYPE:
            type_ = parent.split("::")[2] + "$" + type_
        return "urn:pulumi:" + "::".join(
            [settings.get_stack(), settings.get_project(), type_, name]
        )

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != STACK_TYPE:
            self.planned.append(
                PlannedResource(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    custom=bool(request.custom),
                    parent=request.parent,
                    inputs=json_format.MessageToDict(request.object),
                    dependencies=list(request.dependencies),
                    property_dependencies={
                        key: list(deps.urns) for key, deps in request.propertyDependencies.items()
                    },
                    id=response.id,
                    outputs=json_format.MessageToDict(response.object),
                )
            )
        return response


def record_program(
    program: Path,
    stack_config: StackConfig,
    *,
    preview: bool = True,
    default_vpc_id: str = "vpc-0default0000000",
) -> list[PlannedResource]:
    """Run `program` with `stack_config` and return what it registered, in order."""
    monitor = _RecordingMonitor(_FakeCloud(preview, default_vpc_id))
    with _isolated_runtime():
        pulumi.runtime.set_all_config(stack_config.config, stack_config.secret_keys)
        pulumi.runtime.set_mocks(
            monitor.mocks,
            project=stack_config.project,
            stack=stack_config.stack,
            preview=preview,
            monitor=monitor,
        )
        loop = asyncio.get_event_loop()
        loop.run_until_complete(run_pulumi_func(lambda: _run_main(program)))
    return monitor.planned


def _run_main(program: Path) -> None:
    runpy.run_path(str(program), run_name="__main__")


@contextmanager
def _isolated_runtime() -> Iterator[None]:
    # The SDK keeps its runtime in module globals: give each run a fresh loop and root.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    settings.ROOT.set(None)
    settings.SETTINGS.outputs.clear()
    try:
        yield
    finally:
        pulumi.runtime.set_all_config({}, [])
        settings.ROOT.set(None)
        loop.close()
        asyncio.set_event_loop(None)
