"""A mock Pulumi deployment that records what the engine would see: shared by preflight and tests.

The SDK keeps its runtime in module globals and context variables, so every run gets a fresh
event loop, root stack, output set and config (``isolated_runtime``). ``FakeCloud`` echoes inputs
as outputs (camelCase, as the engine sends them) and gives content-derived ids, unknown in
preview as in a first ``pulumi preview``. ``RecordingMonitor`` keeps each registration with its
parent, dependencies and property dependencies, in both wire form (unknowns as sentinel strings,
what a policy pack receives) and SDK form, and refuses a second registration of one URN with
the engine's error (``Duplicate resource URN '<urn>'; try giving it a unique name``).
"""

import asyncio
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks, rpc, settings

from analyzer_client import ROOT_STACK_TYPE, make_urn
from preflight.errors import PreflightError

DEFAULT_VPC_ID = "vpc-0a1b2c3d4e5f60718"
ACCOUNT = "123456789012"
_ID_PREFIXES = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
}
_RULE_TYPES = {
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
}
_EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"


class DuplicateUrnError(PreflightError):
    """Two resources registered with one URN: the engine refuses the program, in these words."""


@dataclass
class Registration:
    """One RegisterResource call: ``wire_inputs`` as sent, ``inputs`` as the SDK reads them."""

    type: str
    name: str
    urn: str
    id: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    wire_inputs: dict[str, Any]
    wire_outputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]


class FakeCloud(pulumi.runtime.Mocks):
    """Echoes inputs as outputs; content-derived ids (unknown in preview); a default VPC."""

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
        if args.typ == _EXCLUSIVE:  # AWS's id for it is the group's id
            resource_id = str(args.inputs.get("securityGroupId", resource_id))
        outputs["id"] = resource_id
        if args.typ in _RULE_TYPES:
            outputs["securityGroupRuleId"] = resource_id
        if args.typ == "aws:ec2/securityGroup:SecurityGroup":
            outputs.update(
                arn=f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{resource_id}",
                name=f"{args.name}-{digest[:7]}",
                ownerId=ACCOUNT,
            )
        return resource_id, outputs

    def call(  # type: ignore[override]  # the SDK accepts a plain dict of results
        self, args: pulumi.runtime.MockCallArgs
    ) -> dict[str, Any]:
        self.calls.append((args.token, dict(args.args)))
        if args.token == "aws:ec2/getVpc:getVpc":
            return {"id": self.default_vpc_id, "cidrBlock": "172.31.0.0/16", "default": True}
        raise NotImplementedError(f"no mock for invoke {args.token}")


class RecordingMonitor(mocks.MockMonitor):
    """A MockMonitor that keeps every registration and every component's outputs."""

    def __init__(self, cloud: FakeCloud) -> None:
        super().__init__(cloud)
        self.cloud = cloud
        self.registrations: list[Registration] = []
        self.component_outputs: dict[str, dict[str, Any]] = {}
        self._urns: set[str] = set()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # MockMonitor qualifies a child's type by its parent's last type only, and keeps the
        # root stack's; the engine (and make_urn) use the whole chain without the stack.
        return make_urn(settings.get_stack(), settings.get_project(), type_, name, parent)

    def Invoke(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        # MockMonitor.Invoke gives its worker thread an event loop that nothing closes; close it
        # here, or it is finalised at exit after its sockets and prints to stderr.
        try:
            return super().Invoke(request)  # type: ignore[no-untyped-call]
        finally:
            if threading.current_thread() is not threading.main_thread():
                loop = asyncio.get_event_loop_policy().get_event_loop()
                asyncio.set_event_loop(None)
                loop.close()

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        # Like the engine: a second registration of a URN fails the deployment (MockMonitor
        # would silently overwrite the first one).
        urn = self.make_urn(request.parent, request.type, request.name)
        if urn in self._urns:
            raise DuplicateUrnError(f"Duplicate resource URN '{urn}'; try giving it a unique name")
        self._urns.add(urn)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != ROOT_STACK_TYPE:
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    id=response.id,
                    parent=request.parent,
                    custom=bool(request.custom),
                    inputs=rpc.deserialize_properties(request.object),
                    wire_inputs=json_format.MessageToDict(request.object),
                    wire_outputs=json_format.MessageToDict(response.object),
                    dependencies=list(request.dependencies),
                    property_dependencies={
                        key: list(deps.urns) for key, deps in request.propertyDependencies.items()
                    },
                )
            )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        self.component_outputs[request.urn] = rpc.deserialize_properties(request.outputs)
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


def start_deployment(
    *,
    project: str,
    stack: str,
    preview: bool,
    config: dict[str, str] | None = None,
    secret_keys: list[str] | None = None,
) -> RecordingMonitor:
    """(Re)start a mock deployment on the current event loop; returns its recording monitor."""
    settings.ROOT.set(None)
    settings.SETTINGS.outputs.clear()
    pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys or []))
    monitor = RecordingMonitor(FakeCloud(preview=preview))
    pulumi.runtime.set_mocks(
        monitor.cloud, project=project, stack=stack, preview=preview, monitor=monitor
    )
    return monitor


@contextmanager
def isolated_runtime() -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh event loop for one mock deployment, with the SDK's globals reset afterwards."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        pulumi.runtime.set_all_config({}, [])
        settings.ROOT.set(None)
        settings.SETTINGS.outputs.clear()
        # Let the SDK's worker threads (monitor calls) finish before the next run starts.
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        asyncio.set_event_loop(None)
