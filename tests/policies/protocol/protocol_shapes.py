"""Write one rule in the shape of every resource type the pack reads, as the engine sends it.

Props are camelCase inputs as the providers' Python SDKs register them. Types whose rule holds a
single CIDR (aws.vpc rules, aws-native rules) get one resource per CIDR, the way AWS splits them.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from analyzer_client import AnalyzeResult, PolicyPackSession, Resource, combine_results

SG = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
VPC_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VPC_OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
NATIVE_SG = "aws-native:ec2:SecurityGroup"
NATIVE_IN = "aws-native:ec2:SecurityGroupIngress"
NATIVE_OUT = "aws-native:ec2:SecurityGroupEgress"
VPC = "aws:ec2/vpc:Vpc"

INGRESS_TYPES = (SG, DEFAULT_SG, SG_RULE, VPC_IN, NATIVE_SG, NATIVE_IN)
EGRESS_TYPES = (SG, DEFAULT_SG, SG_RULE, VPC_OUT, NATIVE_SG, NATIVE_OUT)
ALL_TYPES = (SG, DEFAULT_SG, SG_RULE, VPC_IN, VPC_OUT, NATIVE_SG, NATIVE_IN, NATIVE_OUT)
SINGLE_CIDR_TYPES = (VPC_IN, VPC_OUT, NATIVE_IN, NATIVE_OUT)

PUBLIC_PORT_POLICIES = (
    "sg-no-public-admin-ports",
    "sg-no-public-high-risk-ports",
    "sg-no-public-all-traffic",
    "sg-public-ports-allowlist",
)
WHY = "allowed for a documented reason"


def _classic(
    protocol: Any, from_port: Any, to_port: Any, v4: Any, v6: Any, group: Any, description: Any
) -> dict[str, Any]:
    rule: dict[str, Any] = {"protocol": protocol, "fromPort": from_port, "toPort": to_port}
    if v4:
        rule["cidrBlocks"] = list(v4) if isinstance(v4, list | tuple) else v4
    if v6:
        rule["ipv6CidrBlocks"] = list(v6) if isinstance(v6, list | tuple) else v6
    if description is not None:
        rule["description"] = description
    return rule


def rule_resources(
    type_: str,
    direction: str,
    protocol: Any,
    from_port: Any,
    to_port: Any,
    *,
    v4: Sequence[Any] | Any = (),
    v6: Sequence[Any] | Any = (),
    group: str | None = None,
    name: str = "subject",
    description: Any = WHY,
    group_description: Any = "web tier: HTTPS from the internet",
    security_group_id: Any = "sg-0123456789abcdef0",
) -> list[Resource]:
    """The resources expressing one rule of ``direction`` in ``type_``'s shape."""
    if type_ in (SG, DEFAULT_SG):
        rule = _classic(protocol, from_port, to_port, v4, v6, group, description)
        if group:
            rule["securityGroups"] = [group]
        props: dict[str, Any] = {"vpcId": "vpc-0123", direction: [rule]}
        props["egress" if direction == "ingress" else "ingress"] = []
        if type_ == SG:
            props["description"] = group_description
        return [Resource(type_, name, props)]
    if type_ == SG_RULE:
        rule = _classic(protocol, from_port, to_port, v4, v6, group, description)
        rule.update(type=direction, securityGroupId=security_group_id)
        if group:
            rule["sourceSecurityGroupId"] = group
        return [Resource(type_, name, rule)]
    if type_ == NATIVE_SG:
        rule = {"ipProtocol": protocol, "fromPort": from_port, "toPort": to_port}
        peers = [("cidrIp", c) for c in _listed(v4)] + [("cidrIpv6", c) for c in _listed(v6)]
        if group:
            peers.append(
                (
                    "sourceSecurityGroupId"
                    if direction == "ingress"
                    else "destinationSecurityGroupId",
                    group,
                )
            )
        rules = [{**rule, key: value, "description": description} for key, value in peers]
        props = {"groupDescription": group_description, "vpcId": "vpc-0123"}
        props["securityGroupIngress" if direction == "ingress" else "securityGroupEgress"] = rules
        if direction == "ingress":  # without it CloudFormation keeps AWS's allow-all egress
            props["securityGroupEgress"] = [
                {
                    "ipProtocol": "tcp",
                    "fromPort": 443,
                    "toPort": 443,
                    "cidrIp": "10.0.0.0/8",
                    "description": WHY,
                }
            ]
        return [Resource(type_, name, props)]
    if type_ in (VPC_IN, VPC_OUT):
        base = {
            "securityGroupId": security_group_id,
            "ipProtocol": protocol,
            "fromPort": from_port,
            "toPort": to_port,
        }
        keys = [("cidrIpv4", c) for c in _listed(v4)] + [("cidrIpv6", c) for c in _listed(v6)]
        if group:
            keys.append(("referencedSecurityGroupId", group))
    elif type_ in (NATIVE_IN, NATIVE_OUT):
        base = {
            "groupId": security_group_id,
            "ipProtocol": protocol,
            "fromPort": from_port,
            "toPort": to_port,
        }
        keys = [("cidrIp", c) for c in _listed(v4)] + [("cidrIpv6", c) for c in _listed(v6)]
        if group:
            keys.append(
                (
                    "sourceSecurityGroupId" if type_ == NATIVE_IN else "destinationSecurityGroupId",
                    group,
                )
            )
    else:
        raise ValueError(type_)
    resources = []
    for i, (key, value) in enumerate(keys):
        props = {**base, key: value}
        if description is not None:
            props["description"] = description
        resources.append(Resource(type_, name if len(keys) == 1 else f"{name}-{i}", props))
    return resources


def _listed(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    return [value] if value else []


def ingress(type_: str, protocol: Any, from_port: Any, to_port: Any, **kw: Any) -> list[Resource]:
    return rule_resources(type_, "ingress", protocol, from_port, to_port, **kw)


def egress(type_: str, protocol: Any, from_port: Any, to_port: Any, **kw: Any) -> list[Resource]:
    return rule_resources(type_, "egress", protocol, from_port, to_port, **kw)


def analyze_all(pack: PolicyPackSession, resources: Iterable[Resource]) -> AnalyzeResult:
    """Analyze each resource (Remediate then Analyze, as the engine does) and merge the results."""
    return combine_results(pack.analyze(resource) for resource in resources)


def violations(result: AnalyzeResult, policy: str) -> list[str]:
    """The definite violations of ``policy`` (not the preview notes), as their message text."""
    return [d.detail for d in result.for_policy(policy) if not is_note(d.message)]


def notes(result: AnalyzeResult, policy: str) -> list[str]:
    """The SDK's advisory "can't run policy ... during preview" notes of ``policy``."""
    return [d.message for d in result.for_policy(policy) if is_note(d.message)]


def is_note(message: str) -> bool:
    return message.startswith("can't run policy ")
