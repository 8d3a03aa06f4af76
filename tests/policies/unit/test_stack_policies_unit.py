"""Stack policies through the real policy objects with SDK-shaped PolicyResources."""

from __future__ import annotations

import pytest

from tests.policies.unit.chainkit import Stack, three_tiers, tier_tags
from tests.policies.unit.sgkit import (
    DEFAULT_SG,
    SG,
    SG_RULE,
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


DEFAULT = "sg-default-group-closed"
MIXED = "sg-no-mixed-rule-styles"
QUOTA = "sg-rule-quota"
TIERS = "sg-tier-isolation"


# --- sg-default-group-closed (stack part) --------------------------------------------------------


def test_rule_attached_to_vpc_default_group_in_preview() -> None:
    vpc = Res(VPC, "main", {"cidrBlock": "10.0.0.0/16", "defaultSecurityGroupId": U})
    rule = Res(
        VPC_IN,
        "ssh-on-default",
        vpc_rule(securityGroupId=U, cidrIpv4="10.0.0.0/8"),
        property_dependencies={"securityGroupId": [vpc.urn]},
    )
    outcome = check_stack(DEFAULT, [vpc, rule])
    assert len(outcome.violations) == 1
    assert (
        "Security group rule 'ssh-on-default' attaches ingress tcp 22 from 10.0.0.0/8"
        in (outcome.violations[0])
    )
    assert "default group of main" in outcome.violations[0]
    assert outcome.urns == [rule.urn]


def test_rule_attached_to_default_security_group_by_id_at_up() -> None:
    default = Res(DEFAULT_SG, "default", {"id": "sg-d", "vpcId": "vpc-1"})
    rule = Res(
        SG_RULE,
        "r",
        {
            "type": "egress",
            "securityGroupId": "sg-d",
            "protocol": "-1",
            "fromPort": 0,
            "toPort": 0,
            "cidrBlocks": ["0.0.0.0/0"],
        },
    )
    assert check_stack(DEFAULT, [default, rule]).urns == [rule.urn]


def test_rules_on_ordinary_groups_are_fine() -> None:
    assert check_stack(DEFAULT, three_tiers().resources).clean


def test_unresolvable_rule_next_to_a_default_group_is_a_note() -> None:
    vpc = Res(VPC, "main", {"defaultSecurityGroupId": U})
    rule = Res(VPC_IN, "r", vpc_rule(securityGroupId=U, cidrIpv4="10.0.0.0/8"))
    outcome = check_stack(DEFAULT, [vpc, rule])
    assert not outcome.violations and outcome.notes
    assert "could not be identified" in outcome.notes[0]
    assert check_stack(DEFAULT, [rule]).clean  # no default group in the stack: nothing to doubt


def test_default_group_policy_is_both_a_resource_and_a_stack_policy() -> None:
    from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

    from tests.policies.unit.sgkit import POLICIES

    policy = POLICIES[DEFAULT]
    assert isinstance(policy, ResourceValidationPolicy) and isinstance(
        policy, StackValidationPolicy
    )


# --- sg-no-mixed-rule-styles ---------------------------------------------------------------------


def test_inline_and_resource_rules_on_one_group_are_blocked() -> None:
    group = Res(SG, "web", sg(ingress=[inline("tcp", 443, cidrBlocks=["0.0.0.0/0"])], id=U))
    rule = Res(
        VPC_IN,
        "web-in-ssh",
        vpc_rule(securityGroupId=U, cidrIpv4="10.0.0.0/8"),
        property_dependencies={"securityGroupId": [group.urn]},
    )
    outcome = check_stack(MIXED, [group, rule])
    assert outcome.urns == [group.urn]
    message = outcome.violations[0]
    assert (
        "Security group 'web' declares inline rules (ingress[0] (ingress tcp 443 from 0.0.0.0/0))"
        in message
    )
    assert "'web-in-ssh'" in message and "Fix:" in message


def test_one_style_per_group_is_fine() -> None:
    inline_only = Res(SG, "a", sg(ingress=[inline(cidrBlocks=["10.0.0.0/8"])], id="sg-a"))
    assert check_stack(MIXED, [inline_only, *three_tiers().resources]).clean


def test_refreshed_outputs_mirroring_rule_resources_are_not_mixed() -> None:
    group = Res(SG, "web", sg(ingress=[inline("tcp", 22, cidrBlocks=["10.0.0.0/8"])], id="sg-w"))
    rule = Res(VPC_IN, "r", vpc_rule(securityGroupId="sg-w", cidrIpv4="10.0.0.0/8"))
    assert check_stack(MIXED, [group, rule]).clean


def test_unresolved_rule_next_to_an_inline_group_is_a_note() -> None:
    group = Res(SG, "web", sg(ingress=[inline(cidrBlocks=["10.0.0.0/8"])], id=U))
    rule = Res(VPC_IN, "r", vpc_rule(securityGroupId=U, cidrIpv4="10.0.0.0/8"))
    outcome = check_stack(MIXED, [group, rule])
    assert outcome.notes and not outcome.violations


# --- sg-rule-quota -------------------------------------------------------------------------------


def cidrs(count: int, v6: bool = False) -> list[str]:
    return [f"2001:db8:{i:x}::/48" if v6 else f"10.0.{i}.0/24" for i in range(count)]


def test_61_ipv4_ingress_rules_exceed_the_quota() -> None:
    group = Res(SG, "big", sg(ingress=[inline("tcp", 443, cidrBlocks=cidrs(61))], id="sg-b"))
    outcome = check_stack(QUOTA, [group])
    assert outcome.urns == [group.urn]
    assert (
        "Security group 'big' has 61 ingress IPv4 rules, over the quota of 60"
        in outcome.violations[0]
    )


def test_quota_is_per_family_and_per_direction() -> None:
    group = Res(
        SG,
        "g",
        sg(
            ingress=[inline("tcp", 443, cidrBlocks=cidrs(60), ipv6CidrBlocks=cidrs(60, True))],
            egress=[inline("tcp", 443, cidrBlocks=cidrs(60))],
            id="sg-g",
        ),
    )
    assert check_stack(QUOTA, [group]).clean


def test_group_references_count_in_both_families() -> None:
    refs = [f"sg-{i}" for i in range(30)]
    group = Res(
        SG,
        "g",
        sg(ingress=[inline("tcp", 443, cidrBlocks=cidrs(31), securityGroups=refs)], id="sg-g"),
    )
    outcome = check_stack(QUOTA, [group])
    assert len(outcome.violations) == 1 and "61 ingress IPv4 rules" in outcome.violations[0]


def test_rule_resources_count_and_identical_rules_count_once() -> None:
    stack = Stack(preview=False)
    stack.group("g")
    for index, cidr in enumerate(cidrs(60)):
        stack.rule(f"r{index}", "g", cidr=cidr)
    stack.rule("dup", "g", cidr=cidrs(1)[0])  # same traffic as r0
    stack.rule("https-v6", "g", cidr="::/0")
    assert check_stack(QUOTA, stack.resources).clean
    stack.rule("one-more", "g", port=444, cidr="10.9.9.0/24")
    assert check_stack(QUOTA, stack.resources).violations
    assert check_stack(QUOTA, stack.resources, config={"maxRulesPerDirection": 100.0}).clean


def test_quota_config_and_unknown_cidr_lists() -> None:
    group = Res(
        SG,
        "g",
        sg(
            ingress=[inline("tcp", 443, cidrBlocks=cidrs(3)), inline("tcp", 22, cidrBlocks=U)],
            id="sg-g",
        ),
    )
    outcome = check_stack(QUOTA, [group], config={"maxRulesPerDirection": 5})
    assert not outcome.violations and outcome.notes
    assert "could not be counted" in outcome.notes[0]
    assert check_stack(QUOTA, [group], config={"maxRulesPerDirection": 2}).violations


def test_quota_rule_of_unknown_direction_is_a_note_not_a_count() -> None:
    group = Res(SG, "g", sg(id="sg-g"))
    rule = Res(
        SG_RULE,
        "r",
        {
            "type": U,
            "securityGroupId": "sg-g",
            "protocol": "tcp",
            "fromPort": 1,
            "toPort": 1,
            "cidrBlocks": ["10.0.0.0/8"],
        },
    )
    outcome = check_stack(QUOTA, [group, rule], config={"maxRulesPerDirection": 1})
    assert not outcome.violations
    assert outcome.notes and "direction unknown" in outcome.notes[0]


def test_quota_unresolved_rules_only_matter_near_the_limit() -> None:
    stack = Stack(preview=True)
    stack.group("g")
    stack.rule("a", "g", cidr="10.0.0.0/8")
    stack.rule("lost", "g", cidr="10.1.0.0/16", property_dependencies=False, dependencies=False)
    assert check_stack(QUOTA, stack.resources).clean
    outcome = check_stack(QUOTA, stack.resources, config={"maxRulesPerDirection": 1})
    assert outcome.notes and "'lost'" in outcome.notes[0]


# --- sg-tier-isolation ---------------------------------------------------------------------------


@pytest.mark.parametrize("preview", [True, False])
def test_a_well_formed_chain_is_isolated(preview: bool) -> None:
    assert check_stack(TIERS, three_tiers(preview=preview).resources).clean


@pytest.mark.parametrize("preview", [True, False])
def test_db_accepting_the_web_tier_skips_a_tier(preview: bool) -> None:
    stack = three_tiers(preview=preview)
    bad = stack.rule("db-in-5432-from-web", "db", port=5432, peer="web")
    outcome = check_stack(TIERS, stack.resources)
    assert outcome.urns == [bad.urn]
    message = outcome.violations[0]
    assert "Security group 'db' (chain 'main', position 2)" in message
    assert "group 'web'" in message and "its predecessor 'app'" in message
    assert "admin group 'admin' on admin port(s) 22" in message


def test_a_cidr_on_an_internal_tier_is_blocked() -> None:
    stack = three_tiers()
    stack.rule("app-in-8080-from-vpc", "app", port=8080, cidr="10.0.0.0/16")
    outcome = check_stack(TIERS, stack.resources)
    assert "CIDR 10.0.0.0/16" in outcome.violations[0]


def test_admin_group_only_on_admin_ports() -> None:
    stack = three_tiers()
    stack.rule("app-in-8080-from-admin", "app", port=8080, peer="admin")
    stack.rule("db-in-all-from-admin", "db", protocol="-1", port=None, peer="admin")
    outcome = check_stack(TIERS, stack.resources)
    assert len(outcome.violations) == 2
    assert "the admin group 'admin' on tcp 8080" in outcome.violations[0]
    assert "on all traffic" in outcome.violations[1]
    assert check_stack(
        TIERS, stack.resources, config={"adminPorts": list(range(0, 65536))}
    ).violations


def test_admin_ports_config() -> None:
    stack = three_tiers()
    stack.rule("app-in-rdp-from-admin", "app", port=3389, peer="admin")
    assert check_stack(TIERS, stack.resources).violations
    assert check_stack(TIERS, stack.resources, config={"adminPorts": [22, 3389]}).clean


def test_self_reference_and_prefix_lists_are_not_the_predecessor() -> None:
    stack = three_tiers()
    stack.rule("app-self", "app", port=8080, peer="app")
    stack.resources.append(
        Res(
            VPC_IN,
            "app-pl",
            vpc_rule("tcp", 8080, securityGroupId="sg-app", prefixListId="pl-1"),
            property_dependencies={"securityGroupId": [urn(SG, "app")]},
        )
    )
    outcome = check_stack(TIERS, stack.resources)
    assert any("itself (self-reference)" in v for v in outcome.violations)
    assert any("prefix list pl-1" in v for v in outcome.violations)


def test_entry_tier_and_egress_are_not_restricted() -> None:
    stack = three_tiers()
    stack.rule("web-in-80", "web", port=80, cidr="0.0.0.0/0")
    stack.rule("app-out-https", "app", direction="egress", port=443, cidr="0.0.0.0/0")
    assert check_stack(TIERS, stack.resources).clean


def test_unresolvable_peer_in_preview_is_a_note() -> None:
    stack = three_tiers()
    rule = stack.rule("db-in-from-somewhere", "db", port=5432, peer="app")
    rule.property_dependencies.pop("referencedSecurityGroupId")
    rule.dependencies = [urn(SG, "db"), urn(SG, "app")]
    outcome = check_stack(TIERS, stack.resources)
    assert not outcome.violations and outcome.notes
    assert "referencedSecurityGroupId" in outcome.notes[0]


def test_unresolved_rule_is_attributed_by_its_tiered_sg_tags() -> None:
    stack = three_tiers()
    stack.rule(
        "db-in-from-vpc",
        "db",
        port=5432,
        cidr="10.0.0.0/8",
        tags=tier_tags("main", "db", 2, "internal"),
        property_dependencies=False,
        dependencies=False,
    )
    assert "CIDR 10.0.0.0/8" in check_stack(TIERS, stack.resources).violations[0]


def test_inline_rules_on_an_internal_tier_are_judged_too() -> None:
    stack = three_tiers()
    stack.resources[1].props["ingress"] = [inline("tcp", 8080, cidrBlocks=["0.0.0.0/0"])]
    outcome = check_stack(TIERS, stack.resources)
    assert outcome.urns == [urn(SG, "app")]
    assert "inline rule ingress[0] of 'app'" in outcome.violations[0]


def test_missing_predecessor_and_bad_tags() -> None:
    stack = Stack()
    stack.group("app", "app", 1)
    stack.group("odd", "odd", None, "internal")
    stack.group("db", "db", 2)
    stack.group("db2", "db", 2)
    stack.rule("app-in", "app", port=8080, peer="db")
    outcome = check_stack(TIERS, stack.resources)
    text = outcome.text()
    assert "chain 'main' has no group at position 0" in text
    assert "tiered-sg:position tag is None" in text
    assert "both claim position 2" in text


def test_several_chains_are_judged_separately() -> None:
    one = three_tiers()
    two = Stack(chain="other")
    two.group("web2", "web", 0, "entry")
    two.group("app2", "app", 1)
    two.rule("app2-from-web", "app2", port=8080, peer="web")  # the other chain's web
    outcome = check_stack(TIERS, one.resources + two.resources)
    assert len(outcome.violations) == 1 and "'app2'" in outcome.violations[0]


def test_custom_tag_keys() -> None:
    stack = three_tiers()
    for res in stack.resources:
        tags = res.props.get("tags", {})
        res.props["tags"] = {k.replace("tiered-sg:", "acme/"): v for k, v in tags.items()}
    stack.rule("db-in-from-web", "db", port=5432, peer="web")
    assert check_stack(TIERS, stack.resources).clean  # the default keys see no chain
    keys = {
        "chain": "acme/chain",
        "tier": "acme/tier",
        "position": "acme/position",
        "role": "acme/role",
    }
    assert check_stack(TIERS, stack.resources, config={"tagKeys": keys}).violations
