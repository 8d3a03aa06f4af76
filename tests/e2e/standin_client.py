"""The engine's side of the ResourceProvider protocol, with plain values, for the stand-in tests.

Each method sends one RPC the way the engine does for a default ``aws`` provider (URNs of a
``test`` stack, plain values since the stand-in accepts no secrets or output values) and
returns plain dicts.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2

from tests.e2e.standin_process import plain, struct

SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
VPC = "aws:ec2/vpc:Vpc"
GET_VPC = "aws:ec2/getVpc:getVpc"
PARENT = "tiered-sg:index:ManagedSecurityGroup"


def urn(type_: str, name: str) -> str:
    """A child of a component, as the program registers it (the URN carries the parent type)."""
    return f"urn:pulumi:test::tiered-sg::{PARENT}${type_}::{name}"


@dataclass(frozen=True)
class Checked:
    inputs: dict[str, Any]
    failures: list[tuple[str, str]]


@dataclass(frozen=True)
class Diff:
    changes: int
    diffs: list[str]
    replaces: list[str]
    delete_before_replace: bool

    @property
    def none(self) -> bool:
        return self.changes == provider_pb2.DiffResponse.DIFF_NONE


class ProviderClient:
    def __init__(self, stub: Any) -> None:
        self.stub = stub

    def plugin_version(self) -> str:
        return str(self.stub.GetPluginInfo(empty_pb2.Empty()).version)

    def schema(self) -> str:
        return str(self.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema)

    def configure(self, **config: Any) -> Any:
        return self.stub.Configure(
            provider_pb2.ConfigureRequest(
                args=struct({"version": "7.51.1", **config}),
                acceptSecrets=True,
                acceptResources=True,
            )
        )

    def check(
        self,
        type_: str,
        name: str,
        news: Mapping[str, Any],
        olds: Mapping[str, Any] | None = None,
        seed: bytes = b"",
    ) -> Checked:
        reply = self.stub.Check(
            provider_pb2.CheckRequest(
                urn=urn(type_, name), olds=struct(olds or {}), news=struct(news), randomSeed=seed
            )
        )
        failures = [(f.property, f.reason) for f in reply.failures]
        return Checked(plain(reply.inputs), failures)

    def create(
        self, type_: str, name: str, inputs: Mapping[str, Any], preview: bool = False
    ) -> tuple[str, dict[str, Any]]:
        reply = self.stub.Create(
            provider_pb2.CreateRequest(
                urn=urn(type_, name), properties=struct(inputs), preview=preview, timeout=60
            )
        )
        return str(reply.id), plain(reply.properties)

    def check_and_create(
        self, type_: str, name: str, news: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """Check then Create, as `pulumi up` does; returns (id, outputs, checked inputs)."""
        checked = self.check(type_, name, news)
        assert not checked.failures, checked.failures
        resource_id, outputs = self.create(type_, name, checked.inputs)
        return resource_id, outputs, checked.inputs

    def read(
        self,
        type_: str,
        name: str,
        resource_id: str,
        state: Mapping[str, Any],
        inputs: Mapping[str, Any],
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        reply = self.stub.Read(
            provider_pb2.ReadRequest(
                urn=urn(type_, name),
                id=resource_id,
                properties=struct(state),
                inputs=struct(inputs),
            )
        )
        return str(reply.id), plain(reply.properties), plain(reply.inputs)

    def diff(
        self,
        type_: str,
        name: str,
        resource_id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> Diff:
        reply = self.stub.Diff(
            provider_pb2.DiffRequest(
                urn=urn(type_, name), id=resource_id, olds=struct(olds), news=struct(news)
            )
        )
        return Diff(
            reply.changes, list(reply.diffs), list(reply.replaces), reply.deleteBeforeReplace
        )

    def update(
        self,
        type_: str,
        name: str,
        resource_id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        preview: bool = False,
    ) -> dict[str, Any]:
        reply = self.stub.Update(
            provider_pb2.UpdateRequest(
                urn=urn(type_, name),
                id=resource_id,
                olds=struct(olds),
                news=struct(news),
                preview=preview,
                timeout=60,
            )
        )
        return plain(reply.properties)

    def delete(self, type_: str, name: str, resource_id: str, state: Mapping[str, Any]) -> None:
        self.stub.Delete(
            provider_pb2.DeleteRequest(
                urn=urn(type_, name), id=resource_id, properties=struct(state), timeout=60
            )
        )

    def invoke(self, token: str, args: Mapping[str, Any]) -> dict[str, Any]:
        reply = self.stub.Invoke(provider_pb2.InvokeRequest(tok=token, args=struct(args)))
        return plain(getattr(reply, "return"))

    def cancel(self) -> None:
        self.stub.Cancel(empty_pb2.Empty())
