"""Test kit: run the pack's real policy objects the way pulumi-policy's servicer does.

Two transports, one case table: ``in-process`` puts props through a protobuf ``Struct`` (ints
become floats, as from the engine), then the SDK's own ``deserialize_properties`` +
``unknown_checking_proxy``, and links stack resources into ``PolicyResource`` objects with
parent/dependencies/propertyDependencies like ``AnalyzeStack``; ``grpc`` sends the same
resources to a pack process over the Analyzer protocol (``analyzer_client``). Case tables opt
in to both with ``pytestmark = pytest.mark.usefixtures("each_transport")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG as SECRET_SIG
from pulumi_policy.deserialize import SPECIAL_SIG_KEY as SIG_KEY
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UNKNOWN_NUMBER
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE as UNKNOWN_STRING
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from analyzer_client import AnalyzeResult, PolicyPackSession, Resource
from sg_guardrails import build_policies

U = UNKNOWN_STRING  # what the engine sends for any computed value
UN = UNKNOWN_NUMBER

SG = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
VPC_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VPC_OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
NATIVE_SG = "aws-native:ec2:SecurityGroup"
NATIVE_IN = "aws-native:ec2:SecurityGroupIngress"
NATIVE_OUT = "aws-native:ec2:SecurityGroupEgress"
VPC = "aws:ec2/vpc:Vpc"
RULES_EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"

POLICIES = {policy.name: policy for policy in build_policies()}
PACK_DIR = Path(__file__).resolve().parents[3] / "policies"
TRANSPORTS = ("in-process", "grpc")
_PREVIEW_NOTE = " during preview: "


class _Transport:
    """Which transport ``check``/``check_stack`` use; the gRPC pack starts on first use."""

    name = "in-process"
    session: PolicyPackSession | None = None

    @classmethod
    def pack(cls) -> PolicyPackSession:
        if cls.session is None:
            cls.session = PolicyPackSession(PACK_DIR, project="tiered-sg", stack="dev").start()
        return cls.session


@contextmanager
def transport(name: str) -> Iterator[None]:
    assert name in TRANSPORTS, name
    _Transport.name = name
    try:
        yield
    finally:
        _Transport.name = "in-process"


def close_transports() -> None:
    if _Transport.session is not None:
        _Transport.session.close()
        _Transport.session = None


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::tiered-sg::{type_}::{name}"


def engine_props(props: dict[str, Any]) -> Any:
    """Props as the SDK hands them to a policy: Struct round-trip, deserialised, proxied."""
    struct = struct_pb2.Struct()
    struct.update(props)
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def _opts(parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


@dataclass
class Outcome:
    violations: list[str] = field(default_factory=list)
    urns: list[str | None] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)  # every diagnostic's enforcement level

    @property
    def clean(self) -> bool:
        return not self.violations and not self.notes

    def text(self) -> str:
        return "\n".join(self.violations + self.notes)


def _run(policy_name: str, args: Any) -> Outcome:
    """Call the policy like the SDK: collect violations; an UnknownValueError becomes a note."""
    outcome = Outcome()

    def report(message: str, urn_: str | None = None) -> None:
        outcome.violations.append(message)
        outcome.urns.append(urn_)
        level = POLICIES[policy_name].enforcement_level
        outcome.levels.append(level.value if level else "advisory")

    try:
        POLICIES[policy_name].validate(args, report)
    except UnknownValueError as error:
        outcome.notes.append(error.message)
        outcome.levels.append("advisory")  # the SDK files preview notes as advisory
    return outcome


def _over_grpc(
    policy_name: str, config: dict[str, Any] | None, call: Any, resources: Any
) -> Outcome:
    pack = _Transport.pack()
    if config is not None:
        pack.configure({policy_name: config})
    try:
        result: AnalyzeResult = call(pack, resources)
    finally:
        if config is not None:
            pack.configure(None)
    outcome = Outcome()
    for diagnostic in result.for_policy(policy_name):
        outcome.levels.append(str(diagnostic.enforcement_level.value))
        if (
            diagnostic.message.startswith("can't run policy ")
            and _PREVIEW_NOTE in diagnostic.message
        ):
            outcome.notes.append(diagnostic.message.split(_PREVIEW_NOTE, 1)[1])
        else:
            outcome.violations.append(diagnostic.detail)
            outcome.urns.append(diagnostic.reported_urn or None)
    return outcome


def check(
    policy_name: str,
    type_: str,
    props: dict[str, Any],
    *,
    name: str = "subject",
    config: dict[str, Any] | None = None,
) -> Outcome:
    if _Transport.name == "grpc":
        resource = Resource(type_, name, props, urn=urn(type_, name))
        return _over_grpc(policy_name, config, PolicyPackSession.analyze, resource)
    args = ResourceValidationArgs(
        type_, engine_props(props), urn(type_, name), name, _opts(), None, config
    )
    return _run(policy_name, args)


@dataclass
class Res:
    """One stack resource for ``check_stack``."""

    type: str
    name: str
    props: dict[str, Any]
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    parent: str | None = None

    @property
    def urn(self) -> str:
        return urn(self.type, self.name)


def stack_resources(resources: list[Res]) -> list[PolicyResource]:
    by_urn: dict[str, PolicyResource] = {}
    built = []
    for res in resources:
        policy_resource = PolicyResource(
            res.type,
            engine_props(res.props),
            res.urn,
            res.name,
            _opts(res.parent),
            None,
            None,
            [],
            {},
        )
        by_urn[res.urn] = policy_resource
        built.append((res, policy_resource))
    for res, policy_resource in built:  # link like AnalyzeStack: unknown URNs are dropped
        policy_resource.parent = by_urn.get(res.parent or "")
        policy_resource.dependencies = [by_urn[d] for d in res.dependencies if d in by_urn]
        policy_resource.property_dependencies = {
            key: [by_urn[d] for d in deps if d in by_urn]
            for key, deps in res.property_dependencies.items()
        }
    return [p for _, p in built]


def check_stack(
    policy_name: str, resources: list[Res], *, config: dict[str, Any] | None = None
) -> Outcome:
    if _Transport.name == "grpc":
        engine_resources = [
            Resource(
                r.type,
                r.name,
                r.props,
                urn=r.urn,
                parent=r.parent or "",
                dependencies=r.dependencies,
                property_dependencies=r.property_dependencies,
            )
            for r in resources
        ]
        return _over_grpc(policy_name, config, PolicyPackSession.analyze_stack, engine_resources)
    return _run(policy_name, StackValidationArgs(stack_resources(resources), config))


# --- prop builders (camelCase, as the engine sends them) ---------------------------------------


def inline(
    protocol: Any = "tcp", from_port: Any = 22, to_port: Any = None, **extra: Any
) -> dict[str, Any]:
    rule = {"protocol": protocol, "fromPort": from_port, "toPort": from_port}
    if to_port is not None:
        rule["toPort"] = to_port
    rule.update(extra)
    return rule


def sg(
    ingress: list[Any] | None = None,
    egress: list[Any] | None = None,
    description: Any = "web tier",
    **extra: Any,
) -> dict[str, Any]:
    props: dict[str, Any] = {"description": description, "vpcId": "vpc-1"}
    if ingress is not None:
        props["ingress"] = ingress
    if egress is not None:
        props["egress"] = egress
    props.update(extra)
    return props


def vpc_rule(
    ip_protocol: Any = "tcp",
    from_port: Any = 22,
    to_port: Any = None,
    description: Any = "a rule",
    **extra: Any,
) -> dict[str, Any]:
    props: dict[str, Any] = {"securityGroupId": "sg-1", "ipProtocol": ip_protocol}
    if from_port is not None:
        props["fromPort"] = from_port
        props["toPort"] = from_port if to_port is None else to_port
    if description is not None:
        props["description"] = description
    props.update(extra)
    return props
