"""Stack policies through AnalyzeStack, with the resource graph the engine records in preview:
what only the engine's view shows (whole-pack runs, inputs against outputs). The stack case
tables live in tests/policies/unit/test_stack_policies_unit.py and run over gRPC too.

In a preview every group id is unknown, so a rule's securityGroupId and
referencedSecurityGroupId are unknown too; the engine still sends propertyDependencies naming
the group each came from (see protocol_stacks.tiered for the chain the components register).
"""

from dataclasses import replace

import pytest
from protocol_shapes import SG, VPC_IN
from protocol_stacks import tiered

from analyzer_client import UNKNOWN, Resource

TIER = "sg-tier-isolation"
MIXED = "sg-no-mixed-rule-styles"
QUOTA = "sg-rule-quota"
OWNED = "sg-rules-owned"
ONE_OWNER = "sg-rules-one-owner"


# ------------------------------------------------------------------ the whole pack


@pytest.mark.parametrize("known_ids", [False, True], ids=["preview", "update"])
def test_a_correct_chain_passes_every_policy(pack, known_ids):
    result = pack.run(tiered(pack, known_ids=known_ids).resources)
    assert result.passed, [d.detail for d in result.mandatory]
    assert not result.for_policy(TIER)
    assert not result.for_policy(MIXED)
    assert not result.for_policy(QUOTA)


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


# ------------------------------------------------------------------ sg-rules-one-owner


@pytest.mark.parametrize("known_ids", [False, True], ids=["preview", "update"])
def test_an_owned_chain_passes_every_policy_without_a_word_on_ownership(pack, known_ids):
    result = pack.run(tiered(pack, known_ids=known_ids).owned().resources)
    assert result.passed, [d.detail for d in result.mandatory]
    assert not result.for_policy(OWNED)
    assert not result.for_policy(ONE_OWNER)


@pytest.mark.parametrize("known_ids", [False, True], ids=["preview", "update"])
def test_a_second_owner_of_a_chains_group_fails_the_run_on_that_group(pack, known_ids):
    # Issue 20, bug 2: a rules-only ManagedSecurityGroup with exclusive_rules beside the chain.
    stack = tiered(pack, known_ids=known_ids).owned()
    second = stack.owner("web", name="extra-rules-exclusive")
    result = pack.run(stack.resources)
    assert [(d.policy_name, d.urn) for d in result.mandatory] == [(ONE_OWNER, stack.groups["web"])]
    (finding,) = result.for_policy(ONE_OWNER)
    assert finding.detail.startswith(
        "Security group 'tiers-web' has its rules owned by 2 "
        "aws.ec2.VpcSecurityGroupRulesExclusive resources ('extra-rules-exclusive', "
        "'tiers-web-rules-exclusive')."
    )
    assert second.endswith("::extra-rules-exclusive")


@pytest.mark.parametrize("known_ids", [False, True], ids=["preview", "update"])
def test_a_rule_the_groups_owner_does_not_list_fails_the_run_on_that_rule(pack, known_ids):
    stack = tiered(pack, known_ids=known_ids).owned()
    extra = stack.rule("web", "ingress", 8443, cidr="10.0.0.0/8", name="web-in-8443-extra")
    result = pack.run(stack.resources)
    assert [(d.policy_name, d.urn) for d in result.mandatory] == [(ONE_OWNER, extra)]
    assert "'tiers-web-rules-exclusive' owns without listing this rule" in (
        result.for_policy(ONE_OWNER)[0].detail
    )
