"""Stack policies through AnalyzeStack, with the resource graph the engine records in preview.

In a preview every group id is unknown, so a rule's securityGroupId and
referencedSecurityGroupId are unknown too; the engine still sends propertyDependencies naming
the group each came from (see protocol_stacks.tiered for the chain the components register).
"""

from dataclasses import replace

import pytest
from protocol_shapes import SG, VPC, VPC_IN, violations
from protocol_stacks import busy_group, many_rules, tiered

from preflight.harness import UNKNOWN, EnforcementLevel, Resource

TIER = "sg-tier-isolation"
MIXED = "sg-no-mixed-rule-styles"
QUOTA = "sg-rule-quota"


def _blocking(result, policy):
    return [
        d for d in result.for_policy(policy) if d.enforcement_level is EnforcementLevel.MANDATORY
    ]


# ------------------------------------------------------------------ sg-tier-isolation


@pytest.mark.parametrize("known_ids", [False, True], ids=["preview", "update"])
def test_a_correct_chain_passes_every_policy(pack, known_ids):
    result = pack.run(tiered(pack, known_ids=known_ids).resources)
    assert result.passed, [d.detail for d in result.mandatory]
    assert not result.for_policy(TIER)
    assert not result.for_policy(MIXED)
    assert not result.for_policy(QUOTA)


@pytest.mark.parametrize("known_ids", [False, True], ids=["preview", "update"])
def test_a_tier_that_skips_its_predecessor_is_reported(pack, known_ids):
    stack = tiered(pack, known_ids=known_ids)
    breach = stack.rule("db", "ingress", 5432, peer_tier="web", name="db-from-web")
    result = pack.analyze_stack(stack.resources)
    [diag] = _blocking(result, TIER)
    assert diag.urn == breach
    assert (
        "Security group 'tiers-db' (chain 'tiers', position 2) accepts ingress tcp 5432"
        in diag.detail
    )
    assert "group 'tiers-web'" in diag.detail
    assert "its predecessor 'tiers-app'" in diag.detail
    assert "Fix:" in diag.detail


def test_an_inner_tier_open_to_a_cidr_is_reported(pack):
    stack = tiered(pack)
    stack.rule("app", "ingress", 8080, cidr="10.0.0.0/8", name="app-from-office")
    [diag] = _blocking(pack.analyze_stack(stack.resources), TIER)
    assert "CIDR 10.0.0.0/8" in diag.detail


def test_the_admin_group_is_welcome_on_admin_ports_only(pack):
    stack = tiered(pack)
    stack.rule("db", "ingress", 5432, peer_tier="admin", name="db-from-admin-5432")
    [diag] = _blocking(pack.analyze_stack(stack.resources), TIER)
    assert "the admin group 'tiers-admin' on tcp 5432" in diag.detail


def test_an_unresolvable_source_in_preview_is_a_note_not_a_block(pack):
    stack = tiered(pack, admin=False)
    # A referenced group id that is unknown and has no recorded dependency.
    stack.resources.append(
        Resource(
            VPC_IN,
            "db-from-somewhere",
            {
                "securityGroupId": UNKNOWN,
                "referencedSecurityGroupId": UNKNOWN,
                "ipProtocol": "tcp",
                "fromPort": 5432,
                "toPort": 5432,
                "description": "x",
            },
            property_dependencies={"securityGroupId": [stack.groups["db"]]},
        )
    )
    result = pack.analyze_stack(stack.resources)
    assert not _blocking(result, TIER)
    assert any("checked again at `pulumi up`" in d.message for d in result.for_policy(TIER))


def test_two_chains_in_one_stack_are_judged_separately(pack):
    first = tiered(pack, chain="blue", admin=False)
    second = tiered(pack, chain="green", admin=False)
    assert pack.run(first.resources + second.resources).passed
    second.rule("app", "ingress", 8080, peer_tier="web", name="green-app-dup")  # same chain: fine
    cross = Resource(
        VPC_IN,
        "green-db-from-blue-app",
        {
            "securityGroupId": UNKNOWN,
            "referencedSecurityGroupId": UNKNOWN,
            "ipProtocol": "tcp",
            "fromPort": 5432,
            "toPort": 5432,
            "description": "x",
        },
        property_dependencies={
            "securityGroupId": [second.groups["db"]],
            "referencedSecurityGroupId": [first.groups["app"]],
        },
    )
    [diag] = _blocking(pack.analyze_stack([*first.resources, *second.resources, cross]), TIER)
    assert "group 'blue-app'" in diag.detail


# ------------------------------------------------------------------ sg-no-mixed-rule-styles


def _group_with_inline(pack, name="legacy"):
    inline = [
        {
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrBlocks": ["0.0.0.0/0"],
            "description": "https",
        }
    ]
    inputs = {"description": "legacy web", "ingress": inline, "egress": []}
    outputs = {**inputs, "id": UNKNOWN}
    return Resource(SG, name, inputs, outputs=outputs), pack.urn(SG, name)


def _attached(pack, group_urn, name, port=8443, group_id=UNKNOWN):
    return Resource(
        VPC_IN,
        name,
        {
            "securityGroupId": group_id,
            "ipProtocol": "tcp",
            "fromPort": port,
            "toPort": port,
            "cidrIpv4": "10.0.0.0/8",
            "description": "x",
        },
        property_dependencies={"securityGroupId": [group_urn]},
    )


def test_inline_rules_and_rule_resources_on_one_group_are_blocked(pack):
    group, urn = _group_with_inline(pack)
    result = pack.run([group, _attached(pack, urn, "extra")])
    [diag] = _blocking(result, MIXED)
    assert diag.urn == urn
    assert (
        "declares inline rules" in diag.detail
        and "'extra'" in diag.detail
        and "Fix:" in diag.detail
    )


def test_one_style_per_group_passes_even_when_the_provider_reads_rules_back(pack):
    group, urn = _group_with_inline(pack)
    assert not pack.run([group]).for_policy(MIXED)
    # After `pulumi up` the provider reports attached rules in the group's ingress output.
    rule = _attached(pack, urn, "only", group_id="sg-1")
    mirrored = [
        {
            "protocol": "tcp",
            "fromPort": 8443,
            "toPort": 8443,
            "cidrBlocks": ["10.0.0.0/8"],
            "description": "x",
        }
    ]
    resources_only = Resource(
        SG,
        "modern",
        {"description": "modern"},
        outputs={"description": "modern", "id": "sg-1", "ingress": mirrored, "egress": []},
    )
    assert not pack.analyze_stack(
        [resources_only, replace(rule, property_dependencies={})]
    ).for_policy(MIXED)


# ------------------------------------------------------------------ sg-rule-quota


def test_sixty_rules_per_direction_and_family_pass_and_sixty_one_are_blocked(pack):
    assert not pack.analyze_stack(
        [busy_group(), *many_rules(pack, 60), *many_rules(pack, 60, family=6)]
    ).for_policy(QUOTA)
    [diag] = _blocking(pack.analyze_stack([busy_group(), *many_rules(pack, 61)]), QUOTA)
    assert "Security group 'busy' has 61 ingress IPv4 rules, over the quota of 60" in diag.detail
    assert diag.urn == pack.urn(SG, "busy")


def test_a_group_reference_counts_in_both_families(pack):
    ref = Resource(
        VPC_IN,
        "busy-from-lb",
        {
            "securityGroupId": UNKNOWN,
            "referencedSecurityGroupId": "sg-lb",
            "ipProtocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "description": "x",
        },
        property_dependencies={"securityGroupId": [pack.urn(SG, "busy")]},
    )
    result = pack.analyze_stack([busy_group(), *many_rules(pack, 60), ref])
    assert "61 ingress IPv4 rules" in _blocking(result, QUOTA)[0].detail


def test_identical_rules_count_once(pack):
    twice = many_rules(pack, 60) + [replace(r, name=r.name + "-dup") for r in many_rules(pack, 5)]
    assert not pack.analyze_stack([busy_group(), *twice]).for_policy(QUOTA)


def test_a_rule_on_a_vpcs_default_group_in_preview_is_blocked(pack):
    # `SecurityGroupIngressRule(security_group_id=vpc.default_security_group_id)`: both unknown.
    vpc = Resource(
        VPC,
        "main",
        {"cidrBlock": "10.0.0.0/16"},
        outputs={"cidrBlock": "10.0.0.0/16", "id": UNKNOWN, "defaultSecurityGroupId": UNKNOWN},
    )
    vpc_urn = pack.urn(VPC, "main")
    rule = Resource(
        VPC_IN,
        "on-default",
        {
            "securityGroupId": UNKNOWN,
            "ipProtocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrIpv4": "10.0.0.0/8",
            "description": "x",
        },
        dependencies=[vpc_urn],
        property_dependencies={"securityGroupId": [vpc_urn]},
    )
    result = pack.run([vpc, rule])
    [found] = violations(result, "sg-default-group-closed")
    assert "attaches ingress tcp 443 from 10.0.0.0/8 to the default security group" in found
    assert "('default group of main')" in found
    assert not result.passed
