"""Benchmark 1: what the chain component costs over the SDK floor, under Pulumi mocks.

A: ``TieredSecurityGroups`` with 10 tiers x 50 ports, public IPv4 + IPv6 entry: 10 groups and
1,000 rule resources (100 public ingress on tier 0; on each later tier 50 ingress from the
previous group and 50 matching egress on that group), plus 11 component resources.
Each group also gets an ``aws.ec2.VpcSecurityGroupRulesExclusive`` (``<group>-rules-exclusive``)
listing its rules' ``security_group_rule_id``s.
B (floor): a bare program registering the same 10 ``aws.ec2.SecurityGroup``, the same 1,000
``aws.vpc.SecurityGroupIngressRule``/``EgressRule`` with the same inputs (group ids as Outputs,
descriptions, tags) and the same 10 ``VpcSecurityGroupRulesExclusive`` listing each group's rule
ids, no components and no validation.
Runs alternate A, B, A, B ... under identical mocks; the ratio of medians is the component's cost.
"""

from __future__ import annotations

from typing import Any, Final

import pulumi
import pulumi_aws as aws

from bench.runtime import run_under_mocks
from bench.timing import Samples, interleave, ratio
from tiered_sg import TieredSecurityGroups, TieredSecurityGroupsArgs

TIERS: Final = 10
PORTS_PER_TIER: Final = 50
VPC_ID: Final = "vpc-0123456789abcdef0"
TAGS: Final = {"environment": "bench"}


def chain_args() -> TieredSecurityGroupsArgs:
    return {
        "vpc_id": VPC_ID,
        "tiers": [
            {"name": f"t{i}", "ports": [f"tcp:{10000 + p}" for p in range(PORTS_PER_TIER)]}
            for i in range(TIERS)
        ],
        "public_ipv4_cidrs": ["0.0.0.0/0"],
        "public_ipv6_cidrs": ["::/0"],
        "tags": TAGS,
    }


def chain_program() -> None:
    TieredSecurityGroups("bench", chain_args())


def _tags(tier: int) -> dict[str, str]:
    return {
        **TAGS,
        "tiered-sg:chain": "bench",
        "tiered-sg:tier": f"t{tier}",
        "tiered-sg:role": "entry" if tier == 0 else "internal",
        "tiered-sg:position": str(tier),
    }


def floor_program() -> None:
    """The same groups and rules, registered directly."""
    groups = [
        aws.ec2.SecurityGroup(
            f"bench-t{i}",
            vpc_id=VPC_ID,
            description=f"Tier t{i} of chain bench, managed by tiered-sg",
            tags=_tags(i),
        )
        for i in range(TIERS)
    ]
    # Each group's rule ids by direction, for its exclusive rule ownership.
    ingress: list[list[pulumi.Output[str]]] = [[] for _ in range(TIERS)]
    egress: list[list[pulumi.Output[str]]] = [[] for _ in range(TIERS)]
    for port in range(10000, 10000 + PORTS_PER_TIER):
        for family, cidr in (("ipv4", "0.0.0.0/0"), ("ipv6", "::/0")):
            public = aws.vpc.SecurityGroupIngressRule(
                f"bench-t0-in-tcp-{port}-from-{family}",
                security_group_id=groups[0].id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4=cidr if family == "ipv4" else None,
                cidr_ipv6=cidr if family == "ipv6" else None,
                description=f"tcp {port} from {cidr}",
                tags=_tags(0),
            )
            ingress[0].append(public.security_group_rule_id)
    for i in range(1, TIERS):
        previous, group = groups[i - 1], groups[i]
        for port in range(10000, 10000 + PORTS_PER_TIER):
            inbound = aws.vpc.SecurityGroupIngressRule(
                f"bench-t{i}-in-tcp-{port}-from-t{i - 1}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                referenced_security_group_id=previous.id,
                description=f"tcp {port} from t{i - 1}",
                tags=_tags(i),
            )
            outbound = aws.vpc.SecurityGroupEgressRule(
                f"bench-t{i - 1}-out-tcp-{port}-to-t{i}",
                security_group_id=previous.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                referenced_security_group_id=group.id,
                description=f"tcp {port} to t{i}",
                tags=_tags(i - 1),
            )
            ingress[i].append(inbound.security_group_rule_id)
            egress[i - 1].append(outbound.security_group_rule_id)
    for i, group in enumerate(groups):
        aws.ec2.VpcSecurityGroupRulesExclusive(
            f"bench-t{i}-rules-exclusive",
            security_group_id=group.id,
            ingress_rule_ids=ingress[i],
            egress_rule_ids=egress[i],
        )


def run(rounds: int = 5) -> dict[str, Any]:
    """Interleaved medians of A (chain) and B (floor), and A/B. The first (untimed) round checks
    that both register the same resources."""
    chain_resources = run_under_mocks(chain_program)
    floor_resources = run_under_mocks(floor_program)
    if chain_resources != floor_resources:
        raise RuntimeError(
            f"the floor registers {floor_resources} resources, the chain {chain_resources}"
        )
    samples: dict[str, Samples] = interleave(
        [
            ("chain", lambda: run_under_mocks(chain_program)),
            ("floor", lambda: run_under_mocks(floor_program)),
        ],
        rounds=rounds,
        warmup=0,
    )
    chain, floor = samples["chain"], samples["floor"]
    return {
        "resources": chain_resources,
        "rules": chain_resources - 2 * TIERS,  # less the groups and their exclusive resources
        "components": TIERS + 1,
        "chain": chain.as_dict(),
        "floor": floor.as_dict(),
        "ratio": ratio(chain.median, floor.median),
    }
