"""Exclusive rule ownership (``aws.ec2.VpcSecurityGroupRulesExclusive``) and rules on groups
outside the stack, as the stack policies see them, in preview (ids unknown) and at up."""

from __future__ import annotations

import pytest

from tests.policies.unit.chainkit import Stack, three_tiers
from tests.policies.unit.sgkit import (
    SG,
    VPC,
    VPC_IN,
    Res,
    U,
    check_stack,
    inline,
    sg,
    urn,
    vpc_rule,
)

pytestmark = pytest.mark.usefixtures("each_transport")

OWNED = "sg-rules-owned"
MIXED = "sg-no-mixed-rule-styles"
QUOTA = "sg-rule-quota"
TIERS = "sg-tier-isolation"
DEFAULT = "sg-default-group-closed"
ALB = "sg-0123456789abcdef0"


# --- sg-rules-owned ------------------------------------------------------------------------------


@pytest.mark.parametrize("preview", [True, False])
def test_a_chain_whose_groups_are_all_owned_is_silent(preview: bool) -> None:
    assert check_stack(OWNED, three_tiers(preview=preview).owned().resources).clean


@pytest.mark.parametrize("preview", [True, False])
def test_a_group_with_rule_resources_and_no_owner_is_reported(preview: bool) -> None:
    stack = three_tiers(preview=preview, admin=False)
    stack.exclusive("web")
    stack.exclusive("app")
    outcome = check_stack(OWNED, stack.resources)
    assert outcome.urns == [urn(SG, "db")]
    assert outcome.violations[0].startswith(
        "Security group 'db' has 1 separate rule resource(s) ('db-in-5432-from-app') but no "
        "aws.ec2.VpcSecurityGroupRulesExclusive owns its rules"
    )


def test_many_rules_are_listed_by_their_first_names() -> None:
    stack = Stack(preview=False)
    stack.group("g")
    for port in (80, 81, 82, 83, 84):
        stack.rule(f"g-in-{port}", "g", port=port, cidr="10.0.0.0/8")
    message = check_stack(OWNED, stack.resources).violations[0]
    assert "has 5 separate rule resource(s) ('g-in-80', 'g-in-81', 'g-in-82' and 2 more)" in message


def test_groups_with_only_inline_rules_or_no_rules_are_not_its_concern() -> None:
    inline_only = Res(SG, "a", sg(ingress=[inline(cidrBlocks=["10.0.0.0/8"])], id="sg-a"))
    empty = Res(SG, "b", sg(id="sg-b"))
    assert check_stack(OWNED, [inline_only, empty]).clean


def test_rules_on_a_group_outside_the_stack_are_not_ours_to_report() -> None:
    stack = three_tiers(preview=True).owned()
    stack.rule_on_foreign_group("alb-out-8080", ALB)
    assert check_stack(OWNED, stack.resources).clean


def test_rules_on_a_vpc_default_group_are_left_to_the_default_group_policy() -> None:
    vpc = Res(VPC, "main", {"defaultSecurityGroupId": U})
    rule = Res(
        VPC_IN,
        "on-default",
        vpc_rule(securityGroupId=U, cidrIpv4="10.0.0.0/8"),
        property_dependencies={"securityGroupId": [vpc.urn]},
    )
    assert check_stack(OWNED, [vpc, rule]).clean


def test_an_owner_found_only_through_dependencies_counts() -> None:
    stack = three_tiers(preview=True, admin=False)
    for group in ("web", "app", "db"):
        stack.exclusive(group, property_dependencies=False)
    assert check_stack(OWNED, stack.resources).clean


def test_an_owner_whose_group_is_unknown_in_preview_makes_a_note_not_a_violation() -> None:
    stack = three_tiers(preview=True, admin=False)
    stack.exclusive("web")
    stack.exclusive("app")
    stack.exclusive("db", property_dependencies=False, dependencies=False)
    outcome = check_stack(OWNED, stack.resources)
    assert not outcome.violations
    assert "whether 'db-rules-exclusive' (securityGroupId is unknown in preview" in outcome.text()


def test_a_rule_whose_group_is_unknown_next_to_an_unowned_group_is_a_note() -> None:
    stack = three_tiers(preview=True, admin=False).owned()
    stack.group("spare")
    stack.rule("lost", "web", cidr="10.1.0.0/16", property_dependencies=False, dependencies=False)
    outcome = check_stack(OWNED, stack.resources)
    assert not outcome.violations
    assert "Security group rule 'lost': its group could not be identified" in outcome.text()


# --- sg-no-mixed-rule-styles: inline rules and an owner ------------------------------------------


@pytest.mark.parametrize("known", [True, False])
def test_inline_rules_on_an_owned_group_are_a_mixed_style(known: bool) -> None:
    stack = Stack(preview=not known)
    stack.group("web", ingress=[inline("tcp", 443, cidrBlocks=["0.0.0.0/0"])])
    stack.exclusive("web")
    outcome = check_stack(MIXED, stack.resources)
    assert outcome.urns == [urn(SG, "web")]
    assert outcome.violations == [
        "Security group 'web' declares inline rules (ingress[0] (ingress tcp 443 from 0.0.0.0/0)) "
        "and its rules are also owned by aws.ec2.VpcSecurityGroupRulesExclusive "
        "'web-rules-exclusive', which revokes every rule of the group whose id is not in its "
        "ingressRuleIds or egressRuleIds. Inline rules have no rule resource whose id it could "
        "list, so each update revokes what the group's inline rules add and the group adds them "
        "back. Fix: move every inline rule to "
        "aws.vpc.SecurityGroupIngressRule/SecurityGroupEgressRule resources listed in "
        "'web-rules-exclusive', and remove ingress/egress from the group."
    ]


def test_an_owner_of_unknown_group_next_to_inline_rules_is_a_note() -> None:
    stack = Stack(preview=True)
    stack.group("web", ingress=[inline("tcp", 443, cidrBlocks=["0.0.0.0/0"])])
    stack.exclusive("web", property_dependencies=False, dependencies=False)
    outcome = check_stack(MIXED, stack.resources)
    assert not outcome.violations
    assert "whether it owns a group that has inline rules" in outcome.text()


def test_an_owner_of_a_rule_resource_group_is_not_mixed() -> None:
    assert check_stack(MIXED, three_tiers(preview=True).owned().resources).clean


def test_a_rule_on_a_group_outside_the_stack_raises_no_doubt_about_mixed_styles() -> None:
    group = Res(SG, "web", sg(ingress=[inline(cidrBlocks=["10.0.0.0/8"])], id=U))
    rule = Res(VPC_IN, "r", vpc_rule(securityGroupId=ALB, cidrIpv4="10.0.0.0/8"))
    assert check_stack(MIXED, [group, rule]).clean


# --- sg-rule-quota: the owner is not a rule; foreign groups are not counted ----------------------


def test_the_exclusive_resource_is_never_counted_as_a_rule() -> None:
    stack = Stack(preview=False)
    stack.group("g")
    stack.rule("only", "g", cidr="10.0.0.0/8")
    stack.exclusive("g")
    assert check_stack(QUOTA, stack.resources, config={"maxRulesPerDirection": 1}).clean
    stack.rule("second", "g", port=444, cidr="10.0.0.0/8")
    assert check_stack(QUOTA, stack.resources, config={"maxRulesPerDirection": 1}).violations


def test_rules_on_a_group_outside_the_stack_are_not_counted_nor_doubted() -> None:
    stack = Stack(preview=True)
    stack.group("g")
    stack.rule("a", "g", cidr="10.0.0.0/8")
    stack.rule_on_foreign_group("alb-out-1", ALB, port=1)
    stack.rule_on_foreign_group("alb-out-2", ALB, port=2)
    assert check_stack(QUOTA, stack.resources, config={"maxRulesPerDirection": 1}).clean


# --- sg-tier-isolation: existing groups outside the stack ----------------------------------------


@pytest.mark.parametrize("preview", [True, False])
def test_the_entry_tier_may_accept_a_group_outside_the_stack(preview: bool) -> None:
    stack = three_tiers(preview=preview).owned()
    stack.foreign_rule("web-in-443-from-alb", "web", ALB)
    assert check_stack(TIERS, stack.resources).clean


@pytest.mark.parametrize("preview", [True, False])
def test_an_inner_tier_accepting_a_group_outside_the_stack_is_a_breach(preview: bool) -> None:
    stack = three_tiers(preview=preview).owned()
    bad = stack.foreign_rule("app-in-8080-from-alb", "app", ALB, port=8080)
    outcome = check_stack(TIERS, stack.resources)
    assert outcome.urns == [bad.urn]
    assert (
        f"not allowed: group {ALB} ({ALB} is not a group of this stack)" in (outcome.violations[0])
    )


def test_a_rule_on_a_group_outside_the_stack_is_never_attributed_to_a_tier_by_tags() -> None:
    stack = three_tiers(preview=True)
    rule = stack.rule_on_foreign_group("alb-out", ALB)
    rule.type = VPC_IN  # ingress on the foreign group, tagged like the db tier
    rule.props["tags"] = {
        "tiered-sg:chain": "main",
        "tiered-sg:tier": "db",
        "tiered-sg:position": "2",
        "tiered-sg:role": "internal",
    }
    assert check_stack(TIERS, stack.resources).clean


# --- sg-default-group-closed: rules on a group outside the stack ---------------------------------


def test_a_rule_on_a_group_outside_the_stack_is_doubted_only_while_default_ids_are_unknown() -> (
    None
):
    rule = Res(VPC_IN, "r", vpc_rule(securityGroupId=ALB, cidrIpv4="10.0.0.0/8"))
    preview_vpc = Res(VPC, "main", {"defaultSecurityGroupId": U})
    assert check_stack(DEFAULT, [preview_vpc, rule]).notes  # it may be the default group's id
    up_vpc = Res(VPC, "main", {"defaultSecurityGroupId": "sg-default"})
    assert check_stack(DEFAULT, [up_vpc, rule]).clean
