"""Resources as the engine sends them, and result helpers, for the protocol tests.

Props are camelCase inputs as the providers' Python SDKs register them. The resource-policy case
tables, with every type's shape, live in tests/policies/unit/test_resource_policies_unit.py and
run over gRPC too; here is only what the protocol tests (config transport, memo, stacks) send.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from analyzer_client import AnalyzeResult, PolicyPackSession, Resource, combine_results

SG = "aws:ec2/securityGroup:SecurityGroup"
VPC_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VPC_OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
RULES_EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"

PUBLIC_PORT_POLICIES = (
    "sg-no-public-admin-ports",
    "sg-no-public-high-risk-ports",
    "sg-no-public-all-traffic",
    "sg-public-ports-allowlist",
)
WHY = "allowed for a documented reason"


def _listed(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    return [value] if value else []


def ingress(
    type_: str,
    protocol: Any,
    from_port: Any,
    to_port: Any,
    *,
    v4: Sequence[Any] | Any = (),
    name: str = "subject",
) -> list[Resource]:
    """One ingress rule from ``v4`` in ``type_``'s shape (SG inline, or one VPC_IN per CIDR)."""
    if type_ == SG:
        rule = {"protocol": protocol, "fromPort": from_port, "toPort": to_port}
        rule.update(cidrBlocks=_listed(v4), description=WHY)
        props = {
            "vpcId": "vpc-0123",
            "ingress": [rule],
            "egress": [],
            "description": "web tier: HTTPS from the internet",
        }
        return [Resource(type_, name, props)]
    if type_ != VPC_IN:
        raise ValueError(type_)
    base = {
        "securityGroupId": "sg-0123456789abcdef0",
        "ipProtocol": protocol,
        "fromPort": from_port,
        "toPort": to_port,
    }
    cidrs = _listed(v4)
    return [
        Resource(
            type_,
            name if len(cidrs) == 1 else f"{name}-{i}",
            {**base, "cidrIpv4": cidr, "description": WHY},
        )
        for i, cidr in enumerate(cidrs)
    ]


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
