"""Test kit: run the pack's real policy objects the way pulumi-policy's servicer does.

Props go through a protobuf ``Struct`` (ints become floats, as from the engine), then the SDK's
own ``deserialize_properties`` + ``unknown_checking_proxy``; stack resources are linked into
``PolicyResource`` objects with parent/dependencies/propertyDependencies like ``AnalyzeStack``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from sg_guardrails import build_policies
from sg_guardrails.values import SECRET_SIG, SIG_KEY, UNKNOWN_NUMBER, UNKNOWN_STRING

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

POLICIES = {policy.name: policy for policy in build_policies()}


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

    try:
        POLICIES[policy_name].validate(args, report)
    except UnknownValueError as error:
        outcome.notes.append(error.message)
    return outcome


def check(
    policy_name: str,
    type_: str,
    props: dict[str, Any],
    *,
    name: str = "subject",
    config: dict[str, Any] | None = None,
) -> Outcome:
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
