"""Rule ownership and the groups around the chain: exclusive rule sets, the VPC's default group,
entry from groups made elsewhere, one owner per group, delete timeouts, admin CIDR width."""

from typing import Any

import pulumi
import pytest

from tiered_sg import (
    ManagedSecurityGroup,
    SecurityGroupRules,
    TieredSecurityGroups,
    TieredSgError,
    Topology,
)

VPC = "vpc-0a1b2c3d4e5f60718"
ALB = "sg-0123456789abcdef0"
CHAIN = "tiered-sg:index:TieredSecurityGroups"
COMPONENT = "tiered-sg:index:ManagedSecurityGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
OFFICE = {"office": "203.0.113.10/32"}


def chain(runtime, **args: Any) -> TieredSecurityGroups:
    return runtime.run(lambda: TieredSecurityGroups("tiered", {"vpc_id": VPC, **args}))


def group(runtime, name: str = "extra", **args: Any) -> ManagedSecurityGroup:
    return runtime.run(lambda: ManagedSecurityGroup(name, args))  # type: ignore[arg-type]


def rules_of(runtime, group_id: str) -> dict[str, list[str]]:
    """Ids of the rule resources written on ``group_id``, by direction, in name order."""
    found: dict[str, list[tuple[str, str]]] = {"in": [], "out": []}
    for rule in runtime.registrations:
        if rule.type in (INGRESS, EGRESS) and rule.inputs["securityGroupId"] == group_id:
            found["in" if rule.type == INGRESS else "out"].append((rule.name, rule.id))
    return {way: [rule_id for _, rule_id in sorted(pairs)] for way, pairs in found.items()}


# -- exclusive rule ownership ----------------------------------------------------------------


def test_every_group_owns_exactly_its_own_rules(pulumi_runtime):
    chain(pulumi_runtime, admin_cidrs=OFFICE)
    groups = {r.name: r for r in pulumi_runtime.of_type(SG)}
    exclusive = {r.name: r for r in pulumi_runtime.of_type(EXCLUSIVE)}
    assert set(exclusive) == {f"{name}-rules-exclusive" for name in groups}
    for name, sg in groups.items():
        owned = exclusive[f"{name}-rules-exclusive"]
        rules = rules_of(pulumi_runtime, sg.id)
        assert owned.inputs == {
            "securityGroupId": sg.id,
            "ingressRuleIds": rules["in"],
            "egressRuleIds": rules["out"],
        }
        assert rules["in"] or rules["out"]
        component = pulumi_runtime.named(name, COMPONENT)
        assert owned.parent == component.urn == sg.parent
    # The rule ids are the rules' security_group_rule_id outputs.
    web_in = rules_of(pulumi_runtime, groups["tiered-web"].id)["in"]
    assert len(web_in) == 3  # http, https, ssh from admin


def test_exclusive_ownership_can_be_turned_off(pulumi_runtime):
    chain(pulumi_runtime, exclusive_rules=False)
    assert pulumi_runtime.of_type(EXCLUSIVE) == []
    assert len(pulumi_runtime.of_type(INGRESS)) == 4


def test_a_topology_passes_ownership_and_timeout_to_every_group(pulumi_runtime):
    def program() -> None:
        shop = Topology("shop", exclusive_rules=False, delete_timeout="1h")
        shop.group("lb").allow_from(shop.group("app"), "https")
        shop.build(VPC)

    pulumi_runtime.run(program)
    assert pulumi_runtime.of_type(EXCLUSIVE) == []
    with pytest.raises(TieredSgError) as caught:
        Topology("shop", delete_timeout="1 hour")
    assert str(caught.value) == (
        "topology delete_timeout '1 hour': is not a duration of whole hours (h), minutes (m) "
        "and seconds (s), in that order; write it like '45m', '1h30m' or '90s'"
    )


# -- the VPC's default group -----------------------------------------------------------------


def test_closing_the_default_group_adopts_it_with_no_rules(pulumi_runtime):
    chain(pulumi_runtime, close_default_group=True, tags={"team": "net"})
    (default,) = pulumi_runtime.of_type(DEFAULT_GROUP)
    assert default.name == "tiered-default-group"
    assert default.inputs == {"vpcId": VPC, "ingress": [], "egress": [], "tags": {"team": "net"}}
    assert default.parent == pulumi_runtime.named("tiered", CHAIN).urn


def test_the_default_group_is_left_alone_by_default(pulumi_runtime):
    chain(pulumi_runtime)
    assert pulumi_runtime.of_type(DEFAULT_GROUP) == []


# -- entry from groups made elsewhere --------------------------------------------------------


def _rules_by_name(runtime) -> dict[str, dict[str, Any]]:
    return {r.name: r.inputs for r in runtime.registrations if r.type in (INGRESS, EGRESS)}


def test_an_entry_group_reaches_tier_0_and_nothing_is_written_on_it(pulumi_runtime):
    chain(pulumi_runtime)
    before = _rules_by_name(pulumi_runtime)
    pulumi_runtime.configure()
    chain(pulumi_runtime, entry_security_groups={"alb": ALB})
    after = _rules_by_name(pulumi_runtime)
    web = pulumi_runtime.named("tiered-web", SG).id
    added = {name: after[name] for name in set(after) - set(before)}
    assert {n: (r["fromPort"], r["referencedSecurityGroupId"]) for n, r in added.items()} == {
        "tiered-web-in-tcp-80-from-alb": (80, ALB),
        "tiered-web-in-tcp-443-from-alb": (443, ALB),
    }
    assert all(r["securityGroupId"] == web for r in added.values())
    assert {name: after[name] for name in before} == before  # app and db exactly as before
    assert not [r for r in after.values() if r["securityGroupId"] == ALB]
    assert ALB not in {r.id for r in pulumi_runtime.registrations}


def test_entry_groups_alone_need_no_public_cidrs_and_accept_outputs(pulumi_runtime):
    def program() -> None:
        alb = pulumi.Output.from_input(ALB)
        TieredSecurityGroups(
            "tiered",
            {"vpc_id": VPC, "public_ipv4_cidrs": [], "entry_security_groups": {"alb": alb}},
        )

    pulumi_runtime.run(program)
    entry = {n: r for n, r in _rules_by_name(pulumi_runtime).items() if "-web-in-" in n}
    assert sorted(entry) == ["tiered-web-in-tcp-443-from-alb", "tiered-web-in-tcp-80-from-alb"]
    assert {r["referencedSecurityGroupId"] for r in entry.values()} == {ALB}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"alb": "sg-123"},
            "entry_security_groups['alb'] 'sg-123': is not a security group id ('sg-' and 8 or 17 "
            "lowercase hex digits); use the id AWS shows, like 'sg-0123456789abcdef0'",
        ),
        (
            {"alb": "sg-0123456789ABCDEF0"},
            "entry_security_groups['alb'] 'sg-0123456789ABCDEF0': is not a security group id "
            "('sg-' and 8 or 17 lowercase hex digits); use the id AWS shows, like "
            "'sg-0123456789abcdef0'",
        ),
        (
            {"alb": 5},
            "entry_security_groups['alb'] 5: is a number where a security group id is expected; "
            "use the id AWS shows, like 'sg-0123456789abcdef0'",
        ),
        (
            {"app": ALB},
            "entry_security_groups key 'app': is the name of one of the chain's own groups, which "
            "rules name their peers by; rename the entry group, e.g. 'app-ext'",
        ),
        (
            {"admin": ALB},
            "entry_security_groups key 'admin': is the name of one of the chain's own groups, "
            "which rules name their peers by; rename the entry group, e.g. 'admin-ext'",
        ),
        (
            {"my alb": ALB},
            "entry_security_groups key 'my alb': must start with a letter and hold only letters, "
            "digits, '.', '_' or '-' (at most 63 characters); pick a short name such as 'web' or "
            "'office-vpn'",
        ),
    ],
)
def test_bad_entry_groups_are_refused(pulumi_runtime, entry, message):
    with pytest.raises(TieredSgError) as caught:
        chain(pulumi_runtime, entry_security_groups=entry)
    assert str(caught.value) == message
    assert pulumi_runtime.registrations == []


# -- one owner per group (issue 20, bug 2) ---------------------------------------------------

_OWNED_WEB = (
    "group_id <Output>: is owned already by ManagedSecurityGroup 'tiered-web' (exclusive_rules), "
    "and two owners of one group revoke each other's rules at every pulumi up; declare these "
    "rules on 'tiered-web', or turn exclusive_rules off on both"
)


def _beside_the_chain(runtime, chain_args: dict[str, Any], **args: Any) -> str:
    """The message refusing SecurityGroupRules on the chain's web group, ``args`` its args."""

    def program() -> str:
        web = TieredSecurityGroups("tiered", {"vpc_id": VPC, **chain_args}).groups["web"]
        with pytest.raises(TieredSgError) as caught:
            SecurityGroupRules("extra", {"group_id": web.group_id, **args})
        return str(caught.value)

    return runtime.run(program)


def test_a_second_owner_of_a_chains_group_is_refused_before_it_registers(pulumi_runtime):
    # Two VpcSecurityGroupRulesExclusive on one group: each up revoked the other's rules.
    message = _beside_the_chain(
        pulumi_runtime,
        {},
        exclusive_rules=True,
        ingress=[{"ports": ["ssh"], "cidrs": ["10.0.0.0/8"]}],
    )
    assert message == _OWNED_WEB
    assert not [r for r in pulumi_runtime.registrations if r.name.startswith("extra")]
    assert len(pulumi_runtime.of_type(EXCLUSIVE)) == 3  # the chain's own, one per group


def test_rules_on_a_group_another_component_owns_are_refused(pulumi_runtime):
    message = _beside_the_chain(
        pulumi_runtime,
        {},
        exclusive_rules=False,
        ingress=[{"ports": ["ssh"], "cidrs": ["10.0.0.0/8"]}],
    )
    assert message == (
        "group_id <Output>: is owned by ManagedSecurityGroup 'tiered-web' (exclusive_rules), "
        "which would revoke these rules at every pulumi up; declare these rules on 'tiered-web', "
        "or turn exclusive_rules off there"
    )
    assert not [r for r in pulumi_runtime.registrations if r.name.startswith("extra")]


def test_owning_a_group_another_component_writes_rules_on_is_refused(pulumi_runtime):
    message = _beside_the_chain(pulumi_runtime, {"exclusive_rules": False}, exclusive_rules=True)
    assert message == (
        "group_id <Output>: also has rules from ManagedSecurityGroup 'tiered-web', which "
        "exclusive_rules here would revoke at every pulumi up; declare those rules here, or pass "
        "exclusive_rules False"
    )


def test_a_group_id_string_owned_twice_is_refused_in_either_order(pulumi_runtime):
    egress = [{"ports": ["tcp:8080"], "cidrs": ["10.0.0.0/16"]}]

    def program() -> list[str]:
        messages = []
        SecurityGroupRules("a", {"group_id": ALB, "exclusive_rules": False, "egress": egress})
        for name in ("b", "c"):
            try:
                SecurityGroupRules(name, {"group_id": ALB, "exclusive_rules": True})
            except TieredSgError as err:
                messages.append(str(err))
        return messages

    refusal = (
        f"group_id {ALB!r}: also has rules from SecurityGroupRules 'a', which exclusive_rules "
        "here would revoke at every pulumi up; declare those rules here, or pass exclusive_rules "
        "False"
    )
    assert pulumi_runtime.run(program) == [refusal, refusal]


def test_rules_on_a_group_pass_that_group_on_as_the_same_group(pulumi_runtime):
    def program() -> str:
        alb = pulumi.Output.from_input(ALB)
        owner = SecurityGroupRules("a", {"group_id": alb, "exclusive_rules": True})
        assert owner.group_id is alb
        with pytest.raises(TieredSgError) as caught:
            SecurityGroupRules("b", {"group_id": owner.group_id, "exclusive_rules": True})
        return str(caught.value)

    assert pulumi_runtime.run(program).startswith(
        "group_id <Output>: is owned already by SecurityGroupRules 'a' (exclusive_rules)"
    )


def test_writers_that_own_nothing_share_a_group_and_deployments_never_meet(pulumi_runtime):
    egress = [{"ports": ["tcp:8080"], "cidrs": ["10.0.0.0/16"]}]
    unowned = {"exclusive_rules": False}

    def program() -> None:
        web = TieredSecurityGroups("tiered", {"vpc_id": VPC, **unowned}).groups["web"]
        for name in ("a", "b"):
            SecurityGroupRules(name, {"group_id": web.group_id, **unowned, "egress": egress})
        SecurityGroupRules("alb", {"group_id": ALB, "exclusive_rules": True})

    pulumi_runtime.run(program)
    assert len(pulumi_runtime.of_type(EGRESS)) == 2 + 2  # the chain's web and app, then a, b
    pulumi_runtime.configure()  # a new deployment: ALB's owner there is not this one's
    pulumi_runtime.run(
        lambda: SecurityGroupRules("alb", {"group_id": ALB, "exclusive_rules": True})
    )
    assert len(pulumi_runtime.of_type(EXCLUSIVE)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {},
            "vpc_id None: is required; pass the VPC id, e.g. aws.ec2.get_vpc(default=True).id",
        ),
        (
            {"vpc_id": VPC, "delete_timeout": "45"},
            "delete_timeout '45': is not a duration of whole hours (h), minutes (m) and seconds "
            "(s), in that order; write it like '45m', '1h30m' or '90s'",
        ),
        (
            {"vpc_id": VPC, "delete_timeout": "0m"},
            "delete_timeout '0m': is zero, so a group still in use by a network interface could "
            "not be deleted; allow the interfaces time to go, e.g. '45m'",
        ),
    ],
)
def test_vpc_and_timeout_refusals_register_nothing(pulumi_runtime, args, message):
    with pytest.raises(TieredSgError) as caught:
        group(pulumi_runtime, **args)
    assert str(caught.value) == message
    assert pulumi_runtime.registrations == []


# -- delete timeouts -------------------------------------------------------------------------


def test_groups_carry_the_delete_timeout(pulumi_runtime):
    sent = pulumi_runtime.record_requests()
    chain(pulumi_runtime, delete_timeout="1h30m")
    group(pulumi_runtime, vpc_id=VPC)
    timeouts = {name: r.customTimeouts.delete for name, r in sent.items() if r.type == SG}
    assert timeouts == {
        "tiered-web": "1h30m",
        "tiered-app": "1h30m",
        "tiered-db": "1h30m",
        "extra": "45m",
    }


# -- admin CIDRs: not the internet in all but name -------------------------------------------


@pytest.mark.parametrize(
    ("cidr", "limits", "message"),
    [
        (
            "0.0.0.0/1",
            {},
            "admin_cidrs['office'] '0.0.0.0/1': opens admin access to a /1, wider than the /8 "
            "admin_min_prefix_ipv4 allows; list the office or VPN ranges admins connect from, "
            "e.g. '203.0.113.10/32' (or lower admin_min_prefix_ipv4 if the whole range is yours)",
        ),
        (
            "10.0.0.0/8",
            {"admin_min_prefix_ipv4": 16},
            "admin_cidrs['office'] '10.0.0.0/8': opens admin access to a /8, wider than the /16 "
            "admin_min_prefix_ipv4 allows; list the office or VPN ranges admins connect from, "
            "e.g. '203.0.113.10/32' (or lower admin_min_prefix_ipv4 if the whole range is yours)",
        ),
        (
            "2000::/3",
            {},
            "admin_cidrs['office'] '2000::/3': opens admin access to a /3, wider than the /32 "
            "admin_min_prefix_ipv6 allows; list the office or VPN ranges admins connect from, "
            "e.g. '203.0.113.10/32' (or lower admin_min_prefix_ipv6 if the whole range is yours)",
        ),
        (
            "203.0.113.10/32",
            {"admin_min_prefix_ipv4": 33},
            "admin_min_prefix_ipv4 33: is out of range 1-32; write 1 to 32",
        ),
    ],
)
def test_admin_cidrs_wider_than_the_limit_are_refused(pulumi_runtime, cidr, limits, message):
    with pytest.raises(TieredSgError) as caught:
        chain(pulumi_runtime, admin_cidrs={"office": cidr}, **limits)
    assert str(caught.value) == message
    assert pulumi_runtime.registrations == []


def test_admin_cidrs_up_to_the_limit_are_accepted(pulumi_runtime):
    built = chain(
        pulumi_runtime,
        admin_cidrs={"corp": "10.0.0.0/8", "vpn": "2001:db8::/32", "lab": "172.16.0.0/12"},
        admin_min_prefix_ipv4=8,
    )
    assert [p.value for p in built.spec.admin_peers] == [
        "10.0.0.0/8",
        "2001:db8::/32",
        "172.16.0.0/12",
    ]
