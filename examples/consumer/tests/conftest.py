"""Run the consumer program (../__main__.py) under Pulumi mocks and record every registration.

Self-contained on purpose: this project only depends on the tiered_sg package, like any other
team's project would. Each run gets a fresh event loop, root stack, output set and config.
"""

import asyncio
import hashlib
import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.stack import run_pulumi_func

PROGRAM = Path(__file__).resolve().parents[1] / "__main__.py"
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class Registered:
    type: str
    name: str
    urn: str
    id: str
    parent: str
    inputs: dict[str, Any]
    property_dependencies: dict[str, list[str]]


class EchoCloud(pulumi.runtime.Mocks):
    """Outputs echo inputs; ids derive from type and name, and are unknown in preview."""

    def __init__(self, preview: bool) -> None:
        self.preview = preview

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if self.preview:
            return "", dict(args.inputs)
        digest = hashlib.sha256(f"{args.typ}::{args.name}".encode()).hexdigest()[:12]
        return f"{args.name}-{digest}", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        raise NotImplementedError(f"the consumer program calls no function, got {args.token}")


class Recorder(mocks.MockMonitor):
    def __init__(self, cloud: EchoCloud) -> None:
        super().__init__(cloud)
        self.registered: list[Registered] = []

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        if parent and parent.split("::")[2] != STACK_TYPE:
            type_ = parent.split("::")[2] + "$" + type_
        return "urn:pulumi:" + "::".join(
            [settings.get_stack(), settings.get_project(), type_, name]
        )

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != STACK_TYPE:
            self.registered.append(
                Registered(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    id=response.id,
                    parent=request.parent,
                    inputs=rpc.deserialize_properties(request.object),
                    property_dependencies={
                        key: list(deps.urns) for key, deps in request.propertyDependencies.items()
                    },
                )
            )
        return response


@dataclass
class ConsumerRun:
    registered: list[Registered]
    exports: dict[str, Any]

    def of_type(self, type_: str) -> list[Registered]:
        return [r for r in self.registered if r.type == type_]


def _run(preview: bool) -> ConsumerRun:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    settings.ROOT.set(None)
    settings.SETTINGS.outputs.clear()
    pulumi.runtime.set_all_config({"aws:region": "eu-west-1"}, [])
    recorder = Recorder(EchoCloud(preview))
    exports: dict[str, Any] = {}
    try:
        pulumi.runtime.set_mocks(
            recorder.mocks,
            project="tiered-sg-consumer",
            stack="test",
            preview=preview,
            monitor=recorder,
        )

        async def program() -> None:
            runpy.run_path(str(PROGRAM), run_name="__main__")
            stack = settings.get_root_resource()
            assert stack is not None
            for key, value in getattr(stack, "outputs", {}).items():
                exports[key] = await pulumi.Output.from_input(value).future()

        loop.run_until_complete(run_pulumi_func(program))
    finally:
        pulumi.runtime.set_all_config({}, [])
        settings.ROOT.set(None)
        settings.SETTINGS.outputs.clear()
        loop.close()
        asyncio.set_event_loop(None)
    return ConsumerRun(registered=recorder.registered, exports=exports)


@pytest.fixture(scope="module")
def consumer_up() -> ConsumerRun:
    """The program as `pulumi up` sees it: every id known."""
    return _run(preview=False)


@pytest.fixture(scope="module")
def consumer_preview() -> ConsumerRun:
    """The program as a first `pulumi preview` sees it: ids unknown, wiring by URN only."""
    return _run(preview=True)
