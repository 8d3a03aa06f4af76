"""Shared fixtures: an isolated Pulumi mock runtime per test, recording what the engine would see.

The Python SDK keeps its runtime in module globals and context variables, so each test gets a
fresh event loop, a fresh root stack (``settings.ROOT``), an empty output set and empty config,
all restored at teardown. Resources must be created inside the test (``pulumi_runtime.run``),
never at import time.

``RecordingMonitor`` subclasses the SDK's ``MockMonitor`` and keeps every registration with its
parent, dependencies and property dependencies, plus every component's registered outputs.
``FakeCloud`` echoes inputs as outputs (camelCase, as the engine sends them), gives security
groups ``sg-`` ids and rules ``sgr-`` ids (unknown in preview, like a first ``pulumi preview``),
and answers ``aws:ec2/getVpc:getVpc`` with a default VPC.
"""

import asyncio
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi
import pytest
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.stack import run_pulumi_func

T = TypeVar("T")

STACK_TYPE = "pulumi:pulumi:Stack"
DEFAULT_VPC_ID = "vpc-0a1b2c3d4e5f60718"
ACCOUNT = "123456789012"
_ID_PREFIXES = {
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
}


@dataclass
class Registration:
    """One RegisterResource call as the monitor received it (inputs deserialized)."""

    type: str
    name: str
    urn: str
    id: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]


class FakeCloud(pulumi.runtime.Mocks):
    """Echoes inputs as outputs; content-derived ids (unknown in preview)."""

    def __init__(self, preview: bool = False, default_vpc_id: str = DEFAULT_VPC_ID) -> None:
        self.preview = preview
        self.default_vpc_id = default_vpc_id
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        outputs = dict(args.inputs)
        if self.preview:
            return "", outputs
        digest = hashlib.sha256(f"{args.typ}::{args.name}".encode()).hexdigest()[:17]
        resource_id = f"{_ID_PREFIXES.get(args.typ, 'id')}-{digest}"
        if args.typ == "aws:ec2/securityGroup:SecurityGroup":
            outputs.update(
                arn=f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{resource_id}",
                name=f"{args.name}-{digest[:7]}",
                ownerId=ACCOUNT,
            )
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        self.calls.append((args.token, dict(args.args)))
        if args.token == "aws:ec2/getVpc:getVpc":
            return {"id": self.default_vpc_id, "cidrBlock": "172.31.0.0/16", "default": True}
        raise NotImplementedError(f"no mock for invoke {args.token}")


class RecordingMonitor(mocks.MockMonitor):
    """A MockMonitor that keeps every registration and every component's outputs."""

    def __init__(self, cloud: FakeCloud) -> None:
        super().__init__(cloud)
        self.registrations: list[Registration] = []
        self.component_outputs: dict[str, dict[str, Any]] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # Like the engine: a child's type is qualified by its ancestors' types, minus the stack.
        if parent and parent.split("::")[2] != STACK_TYPE:
            type_ = parent.split("::")[2] + "$" + type_
        return "urn:pulumi:" + "::".join(
            [settings.get_stack(), settings.get_project(), type_, name]
        )

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        if request.type != STACK_TYPE:
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    id=response.id,
                    parent=request.parent,
                    custom=bool(request.custom),
                    inputs=rpc.deserialize_properties(request.object),
                    dependencies=list(request.dependencies),
                    property_dependencies={
                        key: list(deps.urns) for key, deps in request.propertyDependencies.items()
                    },
                )
            )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        self.component_outputs[request.urn] = rpc.deserialize_properties(request.outputs)
        return super().RegisterResourceOutputs(request)


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
        settings.ROOT.set(None)
        settings.SETTINGS.outputs.clear()
        pulumi.runtime.set_all_config(dict(config or {}), [])
        self.cloud = FakeCloud(preview=preview)
        self.monitor = RecordingMonitor(self.cloud)
        pulumi.runtime.set_mocks(
            self.cloud, project=project, stack=stack, preview=preview, monitor=self.monitor
        )

    def run(self, program: Callable[[], T]) -> T:
        """Run ``program`` as a Pulumi program and wait for every registration and output."""
        results: list[T] = []
        self.loop.run_until_complete(run_pulumi_func(lambda: results.append(program())))
        return results[0]

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
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield PulumiRuntime(loop)
    finally:
        pulumi.runtime.set_all_config({}, [])
        settings.ROOT.set(None)
        settings.SETTINGS.outputs.clear()
        # Let the SDK's worker threads (monitor calls) finish before the next test starts.
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        asyncio.set_event_loop(None)
