"""The consumer project's chain: lb (http, https) -> web (8080) -> app (9000) -> db (5432).

Each tier's ingress references only the previous tier's group (the first tier: only the public
CIDRs), and each reference is paired with the matching egress on the previous tier.
"""

from collections import Counter
from typing import Any

import pytest

GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
CHAIN = "tiered-sg:index:TieredSecurityGroups"
TIERS = ["lb", "web", "app", "db"]
PORTS = {"lb": [80, 443], "web": [8080], "app": [9000], "db": [5432]}


def groups_by_tier(run: Any) -> dict[str, Any]:
    groups = {g.inputs["tags"]["tiered-sg:tier"]: g for g in run.of_type(GROUP)}
    assert sorted(groups) == sorted(TIERS)
    return groups


def peer(rule: dict[str, Any]) -> str:
    for key in ("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"):
        if key in rule:
            return f"{key}={rule[key]}"
    raise AssertionError(f"rule without a peer: {rule}")


def rules_of(run: Any, type_: str, group: Any) -> list[dict[str, Any]]:
    return [r.inputs for r in run.of_type(type_) if r.inputs["securityGroupId"] == group.id]


def test_one_chain_component_owns_four_groups(consumer_up: Any) -> None:
    chains = consumer_up.of_type(CHAIN)
    assert [c.name for c in chains] == ["shop"]
    groups = groups_by_tier(consumer_up)
    vpc = next(r for r in consumer_up.registered if r.type == "aws:ec2/vpc:Vpc")
    for position, tier in enumerate(TIERS):
        group = groups[tier]
        assert group.inputs["vpcId"] == vpc.id
        assert group.urn.split("::")[2].startswith(CHAIN + "$"), group.urn
        assert group.inputs["tags"]["tiered-sg:position"] == str(position)
        assert group.inputs["tags"]["tiered-sg:role"] == ("entry" if position == 0 else "internal")
        assert group.inputs["tags"]["project"] == "tiered-sg-consumer"
        assert "ingress" not in group.inputs and "egress" not in group.inputs


def test_entry_tier_accepts_only_the_public_cidrs(consumer_up: Any) -> None:
    lb = groups_by_tier(consumer_up)["lb"]
    ingress = rules_of(consumer_up, INGRESS, lb)
    assert Counter((r["ipProtocol"], r["fromPort"], r["toPort"], peer(r)) for r in ingress) == {
        ("tcp", port, port, source): 1
        for port in PORTS["lb"]
        for source in ("cidrIpv4=0.0.0.0/0", "cidrIpv6=::/0")
    }


@pytest.mark.parametrize("position", [1, 2, 3])
def test_each_tier_accepts_only_the_previous_group(consumer_up: Any, position: Any) -> None:
    groups = groups_by_tier(consumer_up)
    tier, previous = groups[TIERS[position]], groups[TIERS[position - 1]]
    ingress = rules_of(consumer_up, INGRESS, tier)
    assert sorted((r["ipProtocol"], r["fromPort"], r["toPort"], peer(r)) for r in ingress) == [
        ("tcp", port, port, f"referencedSecurityGroupId={previous.id}")
        for port in PORTS[TIERS[position]]
    ]


@pytest.mark.parametrize("position", [0, 1, 2])
def test_each_reference_has_the_paired_egress(consumer_up: Any, position: Any) -> None:
    groups = groups_by_tier(consumer_up)
    tier, following = groups[TIERS[position]], groups[TIERS[position + 1]]
    egress = rules_of(consumer_up, EGRESS, tier)
    assert sorted((r["ipProtocol"], r["fromPort"], r["toPort"], peer(r)) for r in egress) == [
        ("tcp", port, port, f"referencedSecurityGroupId={following.id}")
        for port in PORTS[TIERS[position + 1]]
    ]


def test_last_tier_sends_nothing(consumer_up: Any) -> None:
    assert rules_of(consumer_up, EGRESS, groups_by_tier(consumer_up)["db"]) == []


def test_every_rule_is_described_and_tagged(consumer_up: Any) -> None:
    for rule in consumer_up.of_type(INGRESS) + consumer_up.of_type(EGRESS):
        assert rule.inputs["description"].strip(), rule.name
        assert rule.inputs["tags"]["project"] == "tiered-sg-consumer", rule.name


def test_exports(consumer_up: Any) -> None:
    groups = groups_by_tier(consumer_up)
    assert consumer_up.exports["group_ids"] == {tier: groups[tier].id for tier in TIERS}
    # 4 public ingress on lb, 3 chained ingress, 3 paired egress.
    assert consumer_up.exports["rule_count"] == 10
    assert len(consumer_up.of_type(INGRESS)) + len(consumer_up.of_type(EGRESS)) == 10


def test_preview_wires_the_chain_by_urn(consumer_preview: Any) -> None:
    """In a first preview every group id is unknown: the wiring still shows in the
    propertyDependencies the engine (and the policy pack) receives."""
    groups = groups_by_tier(consumer_preview)
    for position, tier in enumerate(TIERS):
        urn = groups[tier].urn
        ingress = [
            r
            for r in consumer_preview.of_type(INGRESS)
            if r.property_dependencies.get("securityGroupId") == [urn]
        ]
        references = {
            source
            for r in ingress
            for source in r.property_dependencies.get("referencedSecurityGroupId", [])
        }
        if position == 0:
            assert len(ingress) == 4 and references == set()
        else:
            assert references == {groups[TIERS[position - 1]].urn}
            assert len(ingress) == len(PORTS[tier])
