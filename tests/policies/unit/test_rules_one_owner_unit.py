"""sg-rules-one-owner (issue 20, bug 2): one aws.ec2.VpcSecurityGroupRulesExclusive per group,
listing every rule resource of the group; in preview (ids unknown) and at up."""

from __future__ import annotations

import pytest

from tests.policies.unit.chainkit import Stack, three_tiers
from tests.policies.unit.sgkit import (
    RULES_EXCLUSIVE,
    SG,
    VPC_IN,
    Res,
    U,
    check_stack,
    urn,
    vpc_rule,
)

pytestmark = pytest.mark.usefixtures("each_transport")

ONE_OWNER = "sg-rules-one-owner"
ALB = "sg-0123456789abcdef0"
REVOKES = "revokes every rule of the group whose id is not in its ingressRuleIds or egressRuleIds"


def two_owners(group: str, stack: Stack) -> None:
    stack.exclusive(group)
    second = stack.exclusive(group)
    second.name = f"{group}-taken-over"


@pytest.mark.parametrize("preview", [True, False])
def test_a_chain_whose_groups_each_own_all_their_rules_is_silent(preview: bool) -> None:
    assert check_stack(ONE_OWNER, three_tiers(preview=preview).owned().resources).clean


@pytest.mark.parametrize("preview", [True, False])
def test_unowned_groups_are_left_to_rules_owned(preview: bool) -> None:
    assert check_stack(ONE_OWNER, three_tiers(preview=preview).resources).clean


@pytest.mark.parametrize("preview", [True, False])
def test_a_group_owned_twice_is_reported_on_the_group_naming_both_owners(preview: bool) -> None:
    stack = three_tiers(preview=preview, admin=False)
    for group in ("app", "db"):
        stack.exclusive(group)
    two_owners("web", stack)
    outcome = check_stack(ONE_OWNER, stack.resources)
    assert outcome.urns == [urn(SG, "web")]
    assert outcome.levels == ["mandatory"]
    assert outcome.violations == [
        "Security group 'web' has its rules owned by 2 aws.ec2.VpcSecurityGroupRulesExclusive "
        f"resources ('web-rules-exclusive', 'web-taken-over'). Each {REVOKES}, so every update "
        "of one revokes the rules only another lists. Fix: keep one of them and list every rule "
        "of the group in it (with the tiered-sg components: declare all the group's rules on the "
        "component that owns it, or turn exclusive_rules off on every component writing rules "
        "to the group)."
    ]


@pytest.mark.parametrize("preview", [True, False])
def test_a_rule_its_groups_owner_does_not_list_is_reported_on_the_rule(preview: bool) -> None:
    stack = three_tiers(preview=preview, admin=False).owned()
    extra = stack.rule("web-in-ssh-from-office", "web", port=22, cidr="198.51.100.0/24")
    outcome = check_stack(ONE_OWNER, stack.resources)
    assert outcome.urns == [extra.urn]
    assert outcome.levels == ["mandatory"]
    assert outcome.violations == [
        "Security group rule 'web-in-ssh-from-office' (ingress tcp 22 from 198.51.100.0/24) is "
        "written on security group 'web', whose rules aws.ec2.VpcSecurityGroupRulesExclusive "
        f"'web-rules-exclusive' owns without listing this rule. It {REVOKES}, so this rule is "
        "revoked while the program still declares it. Fix: add this rule's securityGroupRuleId "
        "to 'web-rules-exclusive' (ingressRuleIds), or declare the rule where the group's owner "
        "is declared (with the tiered-sg components: in the ingress or egress of the component "
        "that owns the group, or turn exclusive_rules off there)."
    ]


def _owner(name: str, group_id: str, ingress: object, **deps: list[str]) -> Res:
    props = {"securityGroupId": group_id, "ingressRuleIds": ingress, "egressRuleIds": []}
    return Res(RULES_EXCLUSIVE, name, props, property_dependencies=deps)


def _rule(name: str, group_id: str, rule_id: object) -> Res:
    props = vpc_rule(securityGroupId=group_id, cidrIpv4="10.0.0.0/8", securityGroupRuleId=rule_id)
    return Res(VPC_IN, name, props)


def test_at_up_a_rule_is_listed_by_its_id_without_any_recorded_dependency() -> None:
    group = Res(SG, "g", {"id": "sg-g", "description": "g", "vpcId": "vpc-1"})
    listed = _rule("listed", "sg-g", "sgr-1")
    assert check_stack(ONE_OWNER, [group, listed, _owner("o", "sg-g", ["sgr-1"])]).clean
    other = _rule("other", "sg-g", "sgr-2")
    outcome = check_stack(ONE_OWNER, [group, listed, other, _owner("o", "sg-g", ["sgr-1"])])
    assert outcome.urns == [other.urn]


def test_a_list_unknown_in_preview_with_no_recorded_origin_is_a_note() -> None:
    group = Res(SG, "g", {"id": U, "description": "g", "vpcId": "vpc-1"})
    rule = Res(
        VPC_IN,
        "r",
        vpc_rule(securityGroupId=U, cidrIpv4="10.0.0.0/8"),
        property_dependencies={"securityGroupId": [group.urn]},
    )
    owner = Res(
        RULES_EXCLUSIVE,
        "o",
        {"securityGroupId": U, "ingressRuleIds": U, "egressRuleIds": []},
        property_dependencies={"securityGroupId": [group.urn]},
    )
    outcome = check_stack(ONE_OWNER, [group, rule, owner])
    assert not outcome.violations
    assert "Security group rule 'r': whether aws.ec2.VpcSecurityGroupRulesExclusive 'o'" in (
        outcome.text()
    )


def test_a_group_outside_the_stack_owned_twice_is_reported_on_the_later_owner() -> None:
    first, second = _owner("a", ALB, []), _owner("b", ALB, [])
    outcome = check_stack(ONE_OWNER, [first, second])
    assert outcome.urns == [second.urn]
    assert outcome.violations[0].startswith(
        f"Security group {ALB} (outside this stack) has its rules owned by 2 "
        "aws.ec2.VpcSecurityGroupRulesExclusive resources ('a', 'b')."
    )


def test_a_rule_on_an_owned_group_outside_the_stack_is_judged_too() -> None:
    listed = _rule("listed", ALB, "sgr-1")
    unlisted = _rule("unlisted", ALB, "sgr-2")
    outcome = check_stack(ONE_OWNER, [listed, unlisted, _owner("a", ALB, ["sgr-1"])])
    assert outcome.urns == [unlisted.urn]
    assert f"is written on security group {ALB} (outside this stack)" in outcome.violations[0]


def test_an_owner_whose_group_is_unknown_beside_another_owner_is_a_note() -> None:
    stack = three_tiers(preview=True, admin=False).owned()
    stack.exclusive("db", property_dependencies=False, dependencies=False).name = "lost-owner"
    outcome = check_stack(ONE_OWNER, stack.resources)
    assert not outcome.violations
    assert "'lost-owner': its group could not be identified" in outcome.text()
    assert "whether another resource owns that group's rules too" in outcome.text()


def test_a_rule_whose_group_is_unknown_is_a_note_unless_an_owner_lists_it() -> None:
    stack = three_tiers(preview=True, admin=False)
    stack.rule("lost", "web", cidr="10.1.0.0/16", property_dependencies=False, dependencies=False)
    stack.owned()  # lists "lost" nowhere: its securityGroupId names no group
    outcome = check_stack(ONE_OWNER, stack.resources)
    assert not outcome.violations
    assert "Security group rule 'lost': its group could not be identified" in outcome.text()

    listed = three_tiers(preview=True, admin=False)
    lost = listed.rule(
        "lost", "web", cidr="10.1.0.0/16", property_dependencies=False, dependencies=False
    )
    owner = listed.owned().resources[-1]
    owner.property_dependencies["ingressRuleIds"].append(lost.urn)
    assert check_stack(ONE_OWNER, listed.resources).clean
