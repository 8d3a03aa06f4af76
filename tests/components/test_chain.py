"""TieredSecurityGroups: the chain's wiring, isolation, tags, names, outputs and refusals."""

import pytest

from tiered_sg import TieredSecurityGroups, TieredSgError

VPC = "vpc-0a1b2c3d4e5f60718"
CHAIN = "tiered-sg:index:TieredSecurityGroups"
COMPONENT = "tiered-sg:index:ManagedSecurityGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
OFFICE = {"office": "203.0.113.10/32"}


def build(runtime, name="tiered", **args):
    return runtime.run(lambda: TieredSecurityGroups(name, {"vpc_id": VPC, **args}))


def edges(runtime):
    """Every rule as (tier, direction, protocol, from, to, peer), peers named by tier or CIDR."""
    tier_of = {r.id: r.inputs["tags"]["tiered-sg:tier"] for r in runtime.of_type(SG)}
    found = set()
    for rule in runtime.registrations:
        if rule.type not in (INGRESS, EGRESS):
            continue
        inputs = rule.inputs
        peer = (
            tier_of[inputs["referencedSecurityGroupId"]]
            if "referencedSecurityGroupId" in inputs
            else inputs.get("cidrIpv4") or inputs.get("cidrIpv6") or inputs.get("prefixListId")
        )
        found.add(
            (
                tier_of[inputs["securityGroupId"]],
                "in" if rule.type == INGRESS else "out",
                inputs["ipProtocol"],
                inputs.get("fromPort"),
                inputs.get("toPort"),
                peer,
            )
        )
    return found


DEFAULT_CHAIN = {
    ("web", "in", "tcp", 80, 80, "0.0.0.0/0"),
    ("web", "in", "tcp", 443, 443, "0.0.0.0/0"),
    ("web", "out", "tcp", 8080, 8080, "app"),
    ("app", "in", "tcp", 8080, 8080, "web"),
    ("app", "out", "tcp", 5432, 5432, "db"),
    ("db", "in", "tcp", 5432, 5432, "app"),
}
ADMIN_ACCESS = {
    ("admin", "in", "tcp", 22, 22, "203.0.113.10/32"),
    ("admin", "out", "tcp", 22, 22, "web"),
    ("admin", "out", "tcp", 22, 22, "app"),
    ("admin", "out", "tcp", 22, 22, "db"),
    ("web", "in", "tcp", 22, 22, "admin"),
    ("app", "in", "tcp", 22, 22, "admin"),
    ("db", "in", "tcp", 22, 22, "admin"),
}


def test_default_chain_is_web_app_db_each_accepting_only_the_previous(pulumi_runtime):
    build(pulumi_runtime)
    assert {r.name for r in pulumi_runtime.of_type(SG)} == {"tiered-web", "tiered-app", "tiered-db"}
    assert edges(pulumi_runtime) == DEFAULT_CHAIN


def test_ingress_references_the_previous_tiers_group_id(pulumi_runtime):
    build(pulumi_runtime)
    web, app, db = (pulumi_runtime.named(f"tiered-{t}", SG) for t in ("web", "app", "db"))
    app_in = pulumi_runtime.named("tiered-app-in-tcp-8080-from-web", INGRESS)
    db_in = pulumi_runtime.named("tiered-db-in-tcp-5432-from-app", INGRESS)
    web_out = pulumi_runtime.named("tiered-web-out-tcp-8080-to-app", EGRESS)
    assert (app_in.inputs["securityGroupId"], app_in.inputs["referencedSecurityGroupId"]) == (
        app.id,
        web.id,
    )
    assert (db_in.inputs["securityGroupId"], db_in.inputs["referencedSecurityGroupId"]) == (
        db.id,
        app.id,
    )
    assert (web_out.inputs["securityGroupId"], web_out.inputs["referencedSecurityGroupId"]) == (
        web.id,
        app.id,
    )
    assert app_in.property_dependencies["referencedSecurityGroupId"] == [web.urn]
    assert web_out.property_dependencies["referencedSecurityGroupId"] == [app.urn]


def test_no_cidr_reaches_a_tier_past_the_first_and_the_last_tier_sends_nothing(pulumi_runtime):
    build(pulumi_runtime, public_ipv6_cidrs=["::/0"], admin_cidrs=OFFICE)
    found = edges(pulumi_runtime)
    for tier, _direction, _proto, _from, _to, peer in found:
        if tier in ("app", "db"):
            assert peer in ("web", "app", "db", "admin"), (tier, peer)
    assert not [e for e in found if e[0] == "db" and e[1] == "out"]


def test_admin_access_only_through_the_admin_group(pulumi_runtime):
    chain = build(pulumi_runtime, admin_cidrs=OFFICE)
    assert edges(pulumi_runtime) == DEFAULT_CHAIN | ADMIN_ACCESS
    admin = pulumi_runtime.named("tiered-admin", SG)
    assert pulumi_runtime.resolve(chain.admin_group_id) == admin.id
    # The office CIDR appears on exactly one rule: the admin group's own ingress.
    office_rules = [
        r.name
        for r in pulumi_runtime.registrations
        if r.inputs.get("cidrIpv4") == "203.0.113.10/32"
    ]
    assert office_rules == ["tiered-admin-in-tcp-22-from-203.0.113.10-32"]
    office = pulumi_runtime.named("tiered-admin-in-tcp-22-from-203.0.113.10-32", INGRESS)
    assert office.inputs["description"] == "Allow ssh (tcp:22) from office (203.0.113.10/32)"


def test_admin_cidr_names_survive_into_the_admin_groups_rules(pulumi_runtime):
    chain = build(pulumi_runtime, admin_cidrs=OFFICE)
    cidr_peers = [rule.peer for rule in chain.groups["admin"].rules if rule.peer.is_cidr]
    assert [(peer.label, peer.value) for peer in cidr_peers] == [("office", "203.0.113.10/32")]


def test_custom_tiers_admin_ports_ipv6_and_extra_egress(pulumi_runtime):
    build(
        pulumi_runtime,
        tiers=[
            {"name": "lb", "ports": ["https"]},
            {
                "name": "api",
                "ports": ["tcp:5000"],
                "egress": [
                    {"ports": ["https"], "cidrs": ["0.0.0.0/0", "::/0"], "description": "Updates"}
                ],
            },
        ],
        public_ipv4_cidrs=["198.51.100.0/24"],
        public_ipv6_cidrs=["2001:db8::/32"],
        admin_cidrs={"vpn": "2001:db8:ffff::/48"},
        admin_ports=["rdp"],
    )
    assert edges(pulumi_runtime) == {
        ("lb", "in", "tcp", 443, 443, "198.51.100.0/24"),
        ("lb", "in", "tcp", 443, 443, "2001:db8::/32"),
        ("lb", "out", "tcp", 5000, 5000, "api"),
        ("api", "in", "tcp", 5000, 5000, "lb"),
        ("api", "out", "tcp", 443, 443, "0.0.0.0/0"),
        ("api", "out", "tcp", 443, 443, "::/0"),
        ("admin", "in", "tcp", 3389, 3389, "2001:db8:ffff::/48"),
        ("admin", "out", "tcp", 3389, 3389, "lb"),
        ("admin", "out", "tcp", 3389, 3389, "api"),
        ("lb", "in", "tcp", 3389, 3389, "admin"),
        ("api", "in", "tcp", 3389, 3389, "admin"),
    }
    updates = pulumi_runtime.named("tiered-api-out-tcp-443-to-0.0.0.0-0", EGRESS)
    assert updates.inputs["description"] == "Updates"


def test_icmp_reaches_the_ipv4_peers_and_icmpv6_the_ipv6_peers_of_each_list(pulumi_runtime):
    build(
        pulumi_runtime,
        tiers=[
            {"name": "web", "ports": ["https", "icmp", "icmpv6:128"]},
            {
                "name": "app",
                "ports": ["icmp:8"],
                "egress": [{"ports": ["icmp", "icmpv6"], "cidrs": ["10.0.0.0/8", "fd00::/8"]}],
            },
        ],
        public_ipv4_cidrs=["0.0.0.0/0"],
        public_ipv6_cidrs=["::/0"],
        admin_cidrs={"office": "203.0.113.10/32", "vpn": "2001:db8:ffff::/48"},
        admin_ports=["icmp", "icmpv6"],
    )
    assert edges(pulumi_runtime) == {
        ("web", "in", "tcp", 443, 443, "0.0.0.0/0"),
        ("web", "in", "tcp", 443, 443, "::/0"),
        ("web", "in", "icmp", -1, -1, "0.0.0.0/0"),
        ("web", "in", "icmpv6", 128, -1, "::/0"),
        # Groups are family-neutral: both sides of a tier-to-tier ICMP rule are written.
        ("web", "out", "icmp", 8, -1, "app"),
        ("app", "in", "icmp", 8, -1, "web"),
        ("app", "out", "icmp", -1, -1, "10.0.0.0/8"),
        ("app", "out", "icmpv6", -1, -1, "fd00::/8"),
        ("admin", "in", "icmp", -1, -1, "203.0.113.10/32"),
        ("admin", "in", "icmpv6", -1, -1, "2001:db8:ffff::/48"),
        ("admin", "out", "icmp", -1, -1, "web"),
        ("admin", "out", "icmpv6", -1, -1, "web"),
        ("admin", "out", "icmp", -1, -1, "app"),
        ("admin", "out", "icmpv6", -1, -1, "app"),
        ("web", "in", "icmp", -1, -1, "admin"),
        ("web", "in", "icmpv6", -1, -1, "admin"),
        ("app", "in", "icmp", -1, -1, "admin"),
        ("app", "in", "icmpv6", -1, -1, "admin"),
    }


def test_longest_names_fit_together(pulumi_runtime):
    chain, first, second = "c" * 36, "a" * 63, "b" * 63
    build(
        pulumi_runtime,
        name=chain,
        tiers=[{"name": first, "ports": ["https"]}, {"name": second, "ports": ["tcp:8080"]}],
        admin_cidrs=OFFICE,
    )
    assert pulumi_runtime.named(f"{chain}-{second}", SG)
    assert pulumi_runtime.named(f"{chain}-{second}-in-tcp-8080-from-{first}", INGRESS)


def test_tags_mark_chain_tier_position_and_role_on_groups_and_their_rules(pulumi_runtime):
    build(pulumi_runtime, admin_cidrs=OFFICE, tags={"environment": "test"})
    expected = {
        "web": {"tiered-sg:position": "0", "tiered-sg:role": "entry"},
        "app": {"tiered-sg:position": "1", "tiered-sg:role": "internal"},
        "db": {"tiered-sg:position": "2", "tiered-sg:role": "internal"},
        "admin": {"tiered-sg:role": "admin"},
    }
    for tier, extra in expected.items():
        tags = {"environment": "test", "tiered-sg:chain": "tiered", "tiered-sg:tier": tier, **extra}
        group = pulumi_runtime.named(f"tiered-{tier}", SG)
        assert group.inputs["tags"] == tags
        rules = [
            r
            for r in pulumi_runtime.registrations
            if r.type in (INGRESS, EGRESS) and r.inputs["securityGroupId"] == group.id
        ]
        assert rules
        for rule in rules:
            assert rule.inputs["tags"] == tags, rule.name
            assert rule.inputs["description"].startswith("Allow ")


def test_every_child_is_parented_to_its_component(pulumi_runtime):
    build(pulumi_runtime, admin_cidrs=OFFICE)
    chain = pulumi_runtime.named("tiered", CHAIN)
    assert chain.parent.endswith("::pulumi:pulumi:Stack::tiered-sg-test")
    components = {r.urn: r for r in pulumi_runtime.of_type(COMPONENT)}
    assert {r.name for r in components.values()} == {
        "tiered-web",
        "tiered-app",
        "tiered-db",
        "tiered-admin",
    }
    for component in components.values():
        assert component.parent == chain.urn
    for resource in pulumi_runtime.registrations:
        if resource.type in (SG, INGRESS, EGRESS):
            owner = components[resource.parent]
            assert resource.name.startswith(owner.name), (resource.name, owner.name)


def test_outputs_are_typed_and_registered(pulumi_runtime):
    chain = build(pulumi_runtime)
    ids = {t: pulumi_runtime.named(f"tiered-{t}", SG).id for t in ("web", "app", "db")}
    assert pulumi_runtime.resolve(chain.group_ids) == ids
    assert pulumi_runtime.resolve(chain.admin_group_id) is None
    assert pulumi_runtime.resolve(chain.rule_count) == 6
    urn = pulumi_runtime.named("tiered", CHAIN).urn
    # A None output is not serialized: without admin CIDRs there is no adminGroupId at all.
    assert pulumi_runtime.monitor.component_outputs[urn] == {"groupIds": ids, "ruleCount": 6}
    assert set(chain.groups) == {"web", "app", "db"}


def _snapshot(runtime):
    return {
        (r.type, r.name): {k: v for k, v in r.inputs.items() if k != "description"}
        for r in runtime.registrations
    }


def test_reordering_a_tiers_ports_renames_nothing(pulumi_runtime):
    tiers = [
        {"name": "web", "ports": ["http", "https", "tcp:8443"]},
        {"name": "app", "ports": ["tcp:8080", "tcp:9090"]},
    ]
    build(pulumi_runtime, tiers=tiers, admin_cidrs={"a": "192.0.2.1/32", "b": "192.0.2.2/32"})
    before = _snapshot(pulumi_runtime)
    pulumi_runtime.configure()
    reordered = [
        {"name": "web", "ports": ["tcp:8443", "https", "http"]},
        {"name": "app", "ports": ["tcp:9090", "tcp:8080"]},
    ]
    build(pulumi_runtime, tiers=reordered, admin_cidrs={"b": "192.0.2.2/32", "a": "192.0.2.1/32"})
    assert _snapshot(pulumi_runtime) == before


def test_removing_a_port_leaves_the_other_rules_untouched(pulumi_runtime):
    build(pulumi_runtime, tiers=[{"name": "web", "ports": ["http", "https"]}])
    before = _snapshot(pulumi_runtime)
    pulumi_runtime.configure()
    build(pulumi_runtime, tiers=[{"name": "web", "ports": ["https"]}])
    after = _snapshot(pulumi_runtime)
    assert set(before) - set(after) == {(INGRESS, "tiered-web-in-tcp-80-from-0.0.0.0-0")}
    exclusive = (EXCLUSIVE, "tiered-web-rules-exclusive")
    assert all(after[key] == before[key] for key in after if key != exclusive)
    # Exclusive ownership lets go of exactly the removed rule.
    kept = pulumi_runtime.named("tiered-web-in-tcp-443-from-0.0.0.0-0").id
    assert len(before[exclusive]["ingressRuleIds"]) == 2
    assert after[exclusive]["ingressRuleIds"] == [kept]


def test_identical_rules_are_written_once(pulumi_runtime):
    chain = build(
        pulumi_runtime,
        tiers=[{"name": "web", "ports": ["https", "tcp:443", "https"]}],
        public_ipv4_cidrs=["0.0.0.0/0", "0.0.0.0/0"],
        admin_cidrs={"office": "203.0.113.10/32", "also-office": "203.0.113.10/32"},
    )
    names = [r.name for r in pulumi_runtime.registrations if r.type in (INGRESS, EGRESS)]
    assert sorted(names) == [
        "tiered-admin-in-tcp-22-from-203.0.113.10-32",
        "tiered-admin-out-tcp-22-to-web",
        "tiered-web-in-tcp-22-from-admin",
        "tiered-web-in-tcp-443-from-0.0.0.0-0",
    ]
    assert pulumi_runtime.resolve(chain.rule_count) == 4


def test_a_single_tier_chain_has_entry_rules_only(pulumi_runtime):
    build(pulumi_runtime, tiers=[{"name": "edge", "ports": ["https"]}])
    assert edges(pulumi_runtime) == {("edge", "in", "tcp", 443, 443, "0.0.0.0/0")}


def test_two_chains_share_a_stack_without_clashing(pulumi_runtime):
    def program():
        TieredSecurityGroups("blue", {"vpc_id": VPC})
        TieredSecurityGroups("green", {"vpc_id": VPC})

    pulumi_runtime.run(program)
    urns = [r.urn for r in pulumi_runtime.registrations]
    # Per chain: itself, 3 components, 3 groups, 6 rules, 3 exclusive rule sets.
    assert len(urns) == len(set(urns)) == 2 * (1 + 3 + 3 + 6 + 3)
    chains = {r.inputs["tags"]["tiered-sg:chain"] for r in pulumi_runtime.of_type(SG)}
    assert chains == {"blue", "green"}


def test_quota_overrun_fails_before_anything_is_registered(pulumi_runtime):
    cidrs = [f"198.51.{i}.0/24" for i in range(61)]

    def program():
        with pytest.raises(TieredSgError) as caught:
            TieredSecurityGroups(
                "tiered",
                {
                    "vpc_id": VPC,
                    "tiers": [{"name": "web", "ports": ["https"]}],
                    "public_ipv4_cidrs": cidrs,
                },
            )
        return str(caught.value)

    assert pulumi_runtime.run(program) == (
        "security group 'tiered-web': 61 inbound IPv4 rules exceed the AWS quota of 60 per "
        "direction and IP family (group and prefix-list rules count in both families); merge "
        "CIDRs or ports into wider ranges or a prefix list, split the group, or raise the quota "
        "with AWS"
    )
    assert pulumi_runtime.registrations == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"tiers": []},
            "tiers []: a chain needs at least one tier; "
            "write a list such as [{'name': 'web', 'ports': ['https']}]",
        ),
        (
            {"tiers": [{"name": "web", "ports": []}]},
            "tiers[0].ports []: lists no port; write a list such as ['https', 'tcp:8080']",
        ),
        (
            {"tiers": [{"name": "web", "ports": ["https"]}, {"name": "web", "ports": ["ssh"]}]},
            "tiers[1].name 'web': is already the name of tier 0; give each tier its own name",
        ),
        (
            {"tiers": [{"name": "admin", "ports": ["https"]}]},
            "tiers[0].name 'admin': is reserved for the admin group; rename the tier",
        ),
        (
            {"tiers": [{"name": "web", "ports": "https"}]},
            "tiers[0].ports 'https': is a string where a list of ports is expected; "
            "write a list such as ['https', 'tcp:8080']",
        ),
        (
            {"tiers": [{"name": "web", "port": ["https"]}]},
            "tiers[0] key 'port': is not a known setting; did you mean 'ports'?",
        ),
        (
            {
                "tiers": [
                    {
                        "name": "web",
                        "ports": ["https"],
                        "egress": [{"ports": ["https"], "cidrs": []}],
                    }
                ]
            },
            "tiers[0].egress[0].cidrs []: lists no destination; write ['0.0.0.0/0'] or a range",
        ),
        (
            {"admin_cidrs": {"office": "0.0.0.0/0"}},
            "admin_cidrs['office'] '0.0.0.0/0': opens admin access to the whole internet; "
            "list the office or VPN ranges admins connect from, e.g. '203.0.113.10/32'",
        ),
        (
            {"admin_cidrs": {"vpn": "::/0"}},
            "admin_cidrs['vpn'] '::/0': opens admin access to the whole internet; "
            "list the office or VPN ranges admins connect from, e.g. '203.0.113.10/32'",
        ),
        (
            {"admin_cidrs": OFFICE, "admin_ports": ["all"]},
            "admin_ports[0] 'all': would let the admin group reach every port of every tier; "
            "name the admin ports, e.g. ['ssh'] or ['rdp']",
        ),
        (
            {"public_ipv4_cidrs": ["::/0"]},
            "public_ipv4_cidrs[0] '::/0': is an IPv6 CIDR where an IPv4 CIDR is expected; "
            "list it with the IPv6 CIDRs instead",
        ),
        (
            {"public_ipv4_cidrs": []},
            "public_ipv4_cidrs []: is empty and so is public_ipv6_cidrs, so the entry tier 'web' "
            "would accept no traffic; list the addresses allowed in, e.g. ['0.0.0.0/0'] or "
            "['10.0.0.0/8'], or existing security groups in entry_security_groups",
        ),
        (
            {"tags": {"tiered-sg:tier": "x"}},
            "tags key 'tiered-sg:tier': keys starting with 'tiered-sg:' are reserved; "
            "rename the tag",
        ),
        (
            {"admin_cidr": OFFICE},
            "key 'admin_cidr': is not a known setting; did you mean 'admin_cidrs'?",
        ),
        (
            {"vpc_id": None},
            "vpc_id None: is required; pass the VPC id, e.g. aws.ec2.get_vpc(default=True).id",
        ),
        (
            {"tiers": [{"name": "w" * 64, "ports": ["https"]}]},
            f"tiers[0].name {'w' * 64!r}: is 64 characters long, at most 63 are allowed; "
            "shorten it",
        ),
        (
            {
                "tiers": [
                    {"name": "web", "ports": ["https"]},
                    {"name": "web-in-x", "ports": ["ssh"]},
                ]
            },
            "tiers[1].name 'web-in-x': starts with tier 0's name 'web' and '-in-', as tier 0's "
            "rule names do (<group>-in-<port>-from-<peer>), so rules of tier 0 and this tier can "
            "get the same name and URN; rename the tier, e.g. 'web-x'",
        ),
        (
            # The clash is refused whichever tier comes first.
            {
                "tiers": [
                    {"name": "a-out-in-b", "ports": ["https"]},
                    {"name": "a", "ports": ["ssh"]},
                ]
            },
            "tiers[0].name 'a-out-in-b': starts with tier 1's name 'a' and '-out-', as tier 1's "
            "rule names do (<group>-out-<port>-to-<peer>), so rules of tier 1 and this tier can "
            "get the same name and URN; rename the tier, e.g. 'a-b'",
        ),
        (
            {"tiers": [{"name": "web", "ports": ["https", "icmpv6"]}]},
            "tiers[0].ports[1] 'icmpv6': ICMPv6 only matches IPv6 traffic and public_ipv6_cidrs "
            "is empty; use icmp for IPv4, or list IPv6 CIDRs in public_ipv6_cidrs",
        ),
        (
            {
                "tiers": [
                    {
                        "name": "web",
                        "ports": ["https"],
                        "egress": [{"ports": ["icmpv6:128"], "cidrs": ["0.0.0.0/0"]}],
                    }
                ]
            },
            "tiers[0].egress[0].ports[0] 'icmpv6:128': ICMPv6 only matches IPv6 traffic and "
            "tiers[0].egress[0].cidrs holds no IPv6 CIDR; use icmp for IPv4, or add an IPv6 CIDR "
            "to tiers[0].egress[0].cidrs",
        ),
        (
            {"admin_cidrs": {"vpn": "2001:db8:ffff::/48"}, "admin_ports": ["icmp"]},
            "admin_ports[0] 'icmp': ICMP only matches IPv4 traffic and admin_cidrs holds no IPv4 "
            "CIDR; use icmpv6 for IPv6, or add an IPv4 CIDR to admin_cidrs",
        ),
        (
            {"public_ipv6_cidrs": ["fe80::%eth0/64"]},
            "public_ipv6_cidrs[0] 'fe80::%eth0/64': has a zone id ('%eth0'), which security group "
            "rules do not take; write 'fe80::/64'",
        ),
        (
            {"tags": {"": "x"}},
            "tags key '': is empty; name the tag, e.g. 'team'",
        ),
    ],
)
def test_refusals_register_nothing(pulumi_runtime, args, message):
    def program():
        with pytest.raises(TieredSgError) as caught:
            TieredSecurityGroups("tiered", {"vpc_id": VPC, **args})
        return str(caught.value)

    assert pulumi_runtime.run(program) == message
    assert pulumi_runtime.registrations == []


def test_chain_name_must_suit_aws(pulumi_runtime):
    def program():
        with pytest.raises(TieredSgError) as caught:
            TieredSecurityGroups("sg-shop", {"vpc_id": VPC})
        return str(caught.value)

    assert pulumi_runtime.run(program) == (
        "chain name 'sg-shop': AWS refuses group names that start with 'sg-'; "
        "drop the prefix, e.g. 'shop'"
    )


def test_chain_name_leaves_room_for_any_tier_name(pulumi_runtime):
    def program():
        with pytest.raises(TieredSgError) as caught:
            TieredSecurityGroups("c" * 37, {"vpc_id": VPC})
        return str(caught.value)

    assert pulumi_runtime.run(program) == (
        f"chain name {'c' * 37!r}: is 37 characters long, at most 36 are allowed; shorten it"
    )
    assert pulumi_runtime.registrations == []


def test_admin_ports_are_not_checked_against_absent_admin_cidrs(pulumi_runtime):
    build(pulumi_runtime, admin_ports=["icmpv6"])
    assert edges(pulumi_runtime) == DEFAULT_CHAIN
