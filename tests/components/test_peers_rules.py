"""Peer, Rule, naming and the quota: the pure pieces every component is built from."""

import pulumi
import pytest

from tiered_sg import (
    Direction,
    Family,
    Peer,
    PeerKind,
    Port,
    Rule,
    TieredSgError,
)
from tiered_sg.naming import check_group_name, rule_name, sanitize
from tiered_sg.quota import check_quota, count_rules
from tiered_sg.rules import dedupe, reaches

# -- peers ------------------------------------------------------------------------------------

NOT_A_GROUP_ID = (
    "is not a security group id ('sg-' and 8 or 17 lowercase hex digits); "
    "use the id AWS shows, like 'sg-0123456789abcdef0'"
)


@pytest.mark.parametrize(
    ("build", "kind", "value"),
    [
        (lambda: Peer.ipv4("10.0.0.0/16"), PeerKind.IPV4, "10.0.0.0/16"),
        (lambda: Peer.ipv4(" 10.0.0.0/255.255.0.0 "), PeerKind.IPV4, "10.0.0.0/16"),
        (lambda: Peer.ipv6("2001:DB8::/32"), PeerKind.IPV6, "2001:db8::/32"),
        (lambda: Peer.cidr("2001:db8:0:0::/64"), PeerKind.IPV6, "2001:db8::/64"),
        (lambda: Peer.cidr("192.0.2.0/24"), PeerKind.IPV4, "192.0.2.0/24"),
        (lambda: Peer.any_ipv4(), PeerKind.IPV4, "0.0.0.0/0"),
        (lambda: Peer.any_ipv6(), PeerKind.IPV6, "::/0"),
        (
            lambda: Peer.prefix_list("pl-0123456789abcdef0"),
            PeerKind.PREFIX_LIST,
            "pl-0123456789abcdef0",
        ),
        (lambda: Peer.group("sg-0123456789abcdef0"), PeerKind.GROUP, "sg-0123456789abcdef0"),
        (lambda: Peer.group("sg-0123456789abcdef0", label="legacy"), PeerKind.GROUP, "legacy"),
    ],
)
def test_peer_canonical_values(build, kind, value):
    peer = build()
    assert (peer.kind, peer.value) == (kind, value)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Peer.ipv4("10.0.0.5/24"),
            "IPv4 CIDR '10.0.0.5/24': has host bits set; "
            "use the network '10.0.0.0/24', or '10.0.0.5/32' for that one address",
        ),
        (
            lambda: Peer.ipv6("2001:db8::1/32"),
            "IPv6 CIDR '2001:db8::1/32': has host bits set; "
            "use the network '2001:db8::/32', or '2001:db8::1/128' for that one address",
        ),
        (
            lambda: Peer.ipv4("::/0"),
            "IPv4 CIDR '::/0': is an IPv6 CIDR where an IPv4 CIDR is expected; "
            "list it with the IPv6 CIDRs instead",
        ),
        (
            lambda: Peer.ipv6("0.0.0.0/0"),
            "IPv6 CIDR '0.0.0.0/0': is an IPv4 CIDR where an IPv6 CIDR is expected; "
            "list it with the IPv4 CIDRs instead",
        ),
        (
            lambda: Peer.ipv4("10.0.0.5"),
            "IPv4 CIDR '10.0.0.5': is an address without a prefix length; "
            "write '10.0.0.5/32' for this one address",
        ),
        (
            lambda: Peer.cidr("10.0.0.0/33"),
            "CIDR '10.0.0.0/33': is not a valid CIDR; "
            "write a network like '10.0.0.0/16' or '2001:db8::/32'",
        ),
        (
            lambda: Peer.ipv6("fe80::%eth0/64"),
            "IPv6 CIDR 'fe80::%eth0/64': has a zone id ('%eth0'), which security group rules "
            "do not take; write 'fe80::/64'",
        ),
        (
            # The suggestion is the network: without the zone, host bits would be refused next.
            lambda: Peer.cidr("fe80::1%eth0/64"),
            "CIDR 'fe80::1%eth0/64': has a zone id ('%eth0'), which security group rules "
            "do not take; write 'fe80::/64'",
        ),
        (
            lambda: Peer.ipv6("fe80::1%2"),
            "IPv6 CIDR 'fe80::1%2': has a zone id ('%2'), which security group rules "
            "do not take; write 'fe80::1/128'",
        ),
        (
            lambda: Peer.cidr("10.0.0.0%1/8"),
            "CIDR '10.0.0.0%1/8': has a zone id ('%1'), which security group rules "
            "do not take; write '10.0.0.0/8'",
        ),
        (
            lambda: Peer.cidr("web%1/8"),
            "CIDR 'web%1/8': is not a valid CIDR; "
            "write a network like '10.0.0.0/16' or '2001:db8::/32'",
        ),
        (
            lambda: Peer.prefix_list("pl-xyz"),
            "prefix list id 'pl-xyz': is not a prefix list id; "
            "use the id AWS shows for the list, like 'pl-0123456789abcdef0'",
        ),
        (
            lambda: Peer.group("web"),
            f"security group id 'web': {NOT_A_GROUP_ID}",
        ),
        (
            lambda: Peer.ipv4("10.0.0.0/8", label="my office"),
            "CIDR label 'my office': must start with a letter and hold only letters, digits, "
            "'.', '_' or '-' (at most 63 characters); "
            "pick a short name such as 'web' or 'office-vpn'",
        ),
    ],
)
def test_peer_refusals(build, message):
    with pytest.raises(TieredSgError) as caught:
        build()
    assert str(caught.value) == message


def test_group_peer_with_an_output_id_needs_a_label(pulumi_runtime):
    def program():
        group_id = pulumi.Output.from_input("sg-0123456789abcdef0")
        with pytest.raises(TieredSgError, match="an id that is not a plain string needs a label"):
            Peer.group(group_id)
        return Peer.group(group_id, label="web")

    peer = pulumi_runtime.run(program)
    assert (peer.kind, peer.value) == (PeerKind.GROUP, "web")


@pytest.mark.parametrize(
    ("peer", "world"),
    [
        (Peer.any_ipv4(), True),
        (Peer.any_ipv6(), True),
        (Peer.cidr("0:0:0:0:0:0:0:0/0"), True),
        (Peer.cidr("0::/0"), True),
        (Peer.ipv4("10.0.0.0/8"), False),
        (Peer.ipv6("2001:db8::/32"), False),
        (Peer.prefix_list("pl-0123456789abcdef0"), False),
        (Peer.group("sg-0123456789abcdef0"), False),
    ],
)
def test_is_world(peer, world):
    assert peer.is_world is world


@pytest.mark.parametrize("digits", [8, 17])
def test_group_ids_have_8_or_17_hex_digits(digits):
    group_id = "sg-" + "0123456789abcdef0"[:digits]
    assert Peer.group(group_id).group_id == group_id


@pytest.mark.parametrize("digits", [7, 10, 16, 18])
def test_group_ids_of_other_lengths_are_refused_as_the_component_args_refuse_them(digits):
    # One check of the id's form for Peer.group and every argument that takes a group id; the
    # peer used to accept any length from 8 to 17.
    group_id = "sg-" + "0123456789abcdef01"[:digits]
    with pytest.raises(TieredSgError) as caught:
        Peer.group(group_id, label="x")
    assert str(caught.value) == f"security group id {group_id!r}: {NOT_A_GROUP_ID}"


def test_peer_equality_ignores_labels():
    assert Peer.ipv4("203.0.113.10/32", label="office") == Peer.ipv4("203.0.113.10/32")
    assert Peer.ipv4("203.0.113.10/32", label="office").description == "office (203.0.113.10/32)"
    assert Peer.any_ipv4().description == "0.0.0.0/0"


def test_group_peers_are_equal_only_when_their_known_ids_are():
    a = Peer.group("sg-0123456789abcdef0", label="x")
    assert a == Peer.group("sg-0123456789abcdef0", label="x")
    assert a != Peer.group("sg-0fedcba987654321f", label="x")
    assert a != Peer.planned_group("x")
    assert len({a, Peer.group("sg-0fedcba987654321f", label="x")}) == 2


def test_group_peers_with_output_ids_are_equal_only_for_the_same_output(pulumi_runtime):
    # Two Outputs may resolve to one id, but nothing can tell before they do: only one and the
    # same Output is provably the same group, so deduplication never merges two of them.
    def program():
        a = pulumi.Output.from_input("sg-0123456789abcdef0")
        b = pulumi.Output.from_input("sg-0123456789abcdef0")
        return Peer.group(a, label="x"), Peer.group(a, label="x"), Peer.group(b, label="x")

    first, same, other = pulumi_runtime.run(program)
    assert first == same and hash(first) == hash(same)
    assert first != other
    assert first != Peer.group("sg-0123456789abcdef0", label="x")
    assert len({first, same, other}) == 2
    rules = [Rule.create(Direction.INGRESS, Port.tcp(22), peer) for peer in (first, same, other)]
    assert [rule.peer for rule in dedupe(rules)] == [first, other]


LABEL_RULE = (
    "must start with a letter and hold only letters, digits, '.', '_' or '-' (at most 63 "
    "characters); pick a short name such as 'web' or 'office-vpn'"
)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Peer(PeerKind.IPV4, "not-a-cidr"),
            "IPv4 CIDR 'not-a-cidr': is not a valid CIDR; "
            "write a network like '10.0.0.0/16' or '2001:db8::/32'",
        ),
        (
            lambda: Peer(PeerKind.IPV4, "10.0.0.5/0"),
            "IPv4 CIDR '10.0.0.5/0': has host bits set; "
            "use the network '0.0.0.0/0', or '10.0.0.5/32' for that one address",
        ),
        (
            lambda: Peer(PeerKind.IPV4, "::/0"),
            "IPv4 CIDR '::/0': is an IPv6 CIDR where an IPv4 CIDR is expected; "
            "list it with the IPv6 CIDRs instead",
        ),
        (
            lambda: Peer(PeerKind.IPV6, "10.0.0.0/8", label="my office"),
            "IPv6 CIDR '10.0.0.0/8': is an IPv4 CIDR where an IPv6 CIDR is expected; "
            "list it with the IPv4 CIDRs instead",
        ),
        (
            lambda: Peer(PeerKind.IPV4, "10.0.0.0/8", label="my office"),
            f"CIDR label 'my office': {LABEL_RULE}",
        ),
        (
            lambda: Peer(PeerKind.IPV4, "10.0.0.0/8", group_id="sg-0123456789abcdef0"),
            "ipv4 peer '10.0.0.0/8': takes no group id; "
            "use Peer.group(<id>, label=...) for a security group",
        ),
        (
            lambda: Peer("sideways", "10.0.0.0/8"),  # type: ignore[arg-type]
            "peer kind 'sideways': is not a kind of peer; "
            "use Peer.ipv4/ipv6/cidr/prefix_list/group",
        ),
        (
            lambda: Peer(PeerKind.PREFIX_LIST, "pl-1"),
            "prefix list id 'pl-1': is not a prefix list id; "
            "use the id AWS shows for the list, like 'pl-0123456789abcdef0'",
        ),
        (
            lambda: Peer(PeerKind.GROUP, "9lives", group_id="sg-0123456789abcdef0"),
            f"security group label '9lives': {LABEL_RULE}",
        ),
        (
            lambda: Peer(PeerKind.GROUP, "web", group_id="sg-1"),
            f"security group id 'sg-1': {NOT_A_GROUP_ID}",
        ),
        (
            lambda: Peer(PeerKind.GROUP, "web", label="app"),
            "security group label 'app': differs from the peer's value 'web', which is its "
            "label; build group peers with Peer.group(<id>, label=...)",
        ),
        (
            lambda: Peer(PeerKind.GROUP, "web", group_id=42),  # type: ignore[arg-type]
            "security group id 42: is not a security group id; pass a string or an Output[str]",
        ),
    ],
)
def test_a_peer_with_invalid_values_cannot_be_built(build, message):
    with pytest.raises(TieredSgError) as caught:
        build()
    assert str(caught.value) == message


def test_a_peer_built_directly_is_canonical_like_the_named_constructors():
    peer = Peer(PeerKind.IPV6, " 2001:DB8:0::/32 ")
    assert peer == Peer.ipv6("2001:db8::/32")
    assert (peer.value, peer.label) == ("2001:db8::/32", "2001:db8::/32")
    assert Peer("ipv4", "10.0.0.0/8").kind is PeerKind.IPV4  # type: ignore[arg-type]


# -- rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Rule("sideways", Port.tcp(22), Peer.any_ipv4(), "d"),  # type: ignore[arg-type]
            "rule direction 'sideways': is not a direction; "
            "use Direction.INGRESS or Direction.EGRESS",
        ),
        (
            lambda: Rule(Direction.INGRESS, "tcp:22", Peer.any_ipv4(), "d"),  # type: ignore[arg-type]
            "rule port 'tcp:22': is not a Port; use Port.tcp(443) or Port.parse('https')",
        ),
        (
            lambda: Rule(Direction.INGRESS, Port.tcp(22), "0.0.0.0/0", "d"),  # type: ignore[arg-type]
            "rule peer '0.0.0.0/0': is not a Peer; use Peer.ipv4(...) or Peer.group(...)",
        ),
        (
            lambda: Rule(Direction.EGRESS, Port.tcp(22), Peer.any_ipv4(), "<x>"),
            "rule description '<x>': contains characters AWS refuses: '<>'; "
            "use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        ),
    ],
)
def test_a_rule_with_invalid_values_cannot_be_built(build, message):
    with pytest.raises(TieredSgError) as caught:
        build()
    assert str(caught.value) == message


def test_a_rule_takes_a_direction_by_its_value():
    rule = Rule("egress", Port.tcp(22), Peer.any_ipv4(), "d")  # type: ignore[arg-type]
    assert rule.direction is Direction.EGRESS


def test_generated_descriptions_name_port_and_peer():
    ingress = Rule.create(Direction.INGRESS, Port.tcp(443), Peer.any_ipv4())
    egress = Rule.create(Direction.EGRESS, Port.tcp(5432), Peer.planned_group("db"))
    named = Rule.create(Direction.INGRESS, Port.tcp(22), Peer.ipv4("203.0.113.10/32", "office"))
    assert ingress.description == "Allow https (tcp:443) from 0.0.0.0/0"
    assert egress.description == "Allow postgres (tcp:5432) to db"
    assert named.description == "Allow ssh (tcp:22) from office (203.0.113.10/32)"


@pytest.mark.parametrize(
    ("port", "peer", "message"),
    [
        (
            Port.icmpv6(),
            Peer.any_ipv4(),
            "rule 'icmpv6 0.0.0.0/0': icmpv6 never matches ipv4 traffic; use icmp for ipv4 peers",
        ),
        (
            Port.icmp(),
            Peer.any_ipv6(),
            "rule 'icmp ::/0': icmp never matches ipv6 traffic; use icmpv6 for ipv6 peers",
        ),
    ],
)
def test_icmp_family_mismatch_is_refused(port, peer, message):
    with pytest.raises(TieredSgError) as caught:
        Rule.create(Direction.INGRESS, port, peer)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("port", "reached"),
    [
        (Port.tcp(443), {"10.0.0.0/8", "fd00::/8", "pl-0123456789abcdef0", "web"}),
        (Port.all_traffic(), {"10.0.0.0/8", "fd00::/8", "pl-0123456789abcdef0", "web"}),
        (Port.icmp(8), {"10.0.0.0/8", "pl-0123456789abcdef0", "web"}),
        (Port.icmpv6(128), {"fd00::/8", "pl-0123456789abcdef0", "web"}),
    ],
)
def test_icmp_reaches_its_own_family_and_every_group_or_prefix_list(port, reached):
    peers = [
        Peer.ipv4("10.0.0.0/8"),
        Peer.ipv6("fd00::/8"),
        Peer.prefix_list("pl-0123456789abcdef0"),
        Peer.planned_group("web"),
    ]
    assert {peer.value for peer in peers if reaches(port, peer)} == reached


def test_description_must_suit_aws():
    with pytest.raises(TieredSgError) as caught:
        Rule.create(Direction.INGRESS, Port.tcp(443), Peer.any_ipv4(), "web <3")
    assert str(caught.value) == (
        "rule description 'web <3': contains characters AWS refuses: '<'; "
        "use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
    )
    with pytest.raises(TieredSgError, match="is 256 characters long, AWS allows 255"):
        Rule.create(Direction.INGRESS, Port.tcp(443), Peer.any_ipv4(), "x" * 256)


def test_dedupe_keeps_the_first_of_each_permission():
    first = Rule.create(Direction.INGRESS, Port.tcp(443), Peer.any_ipv4(), "first")
    again = Rule.create(Direction.INGRESS, Port.parse("https"), Peer.ipv4("0.0.0.0/0"), "again")
    other = Rule.create(Direction.EGRESS, Port.tcp(443), Peer.any_ipv4())
    assert first.key == again.key
    assert dedupe([first, again, other]) == [first, other]


# -- naming -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "name"),
    [
        (
            Rule.create(Direction.INGRESS, Port.tcp(8080), Peer.planned_group("web")),
            "app-in-tcp-8080-from-web",
        ),
        (
            Rule.create(Direction.EGRESS, Port.tcp(5432), Peer.planned_group("db")),
            "app-out-tcp-5432-to-db",
        ),
        (
            Rule.create(Direction.INGRESS, Port.tcp(443), Peer.any_ipv4()),
            "app-in-tcp-443-from-0.0.0.0-0",
        ),
        (
            Rule.create(Direction.INGRESS, Port.tcp(443), Peer.any_ipv6()),
            "app-in-tcp-443-from-0.0.0.0.0.0.0.0-0",
        ),
        (
            Rule.create(Direction.INGRESS, Port.tcp(22), Peer.ipv4("203.0.113.10/32", "office")),
            "app-in-tcp-22-from-203.0.113.10-32",
        ),
        (
            Rule.create(Direction.INGRESS, Port.icmp(3, 4), Peer.any_ipv4()),
            "app-in-icmp-3-4-from-0.0.0.0-0",
        ),
        (
            Rule.create(Direction.EGRESS, Port.all_traffic(), Peer.any_ipv4()),
            "app-out-all-to-0.0.0.0-0",
        ),
        (
            Rule.create(
                Direction.INGRESS,
                Port.tcp_range(1024, 2048),
                Peer.prefix_list("pl-0123456789abcdef0"),
            ),
            "app-in-tcp-1024-2048-from-pl-0123456789abcdef0",
        ),
    ],
)
def test_rule_names_come_from_content(rule, name):
    assert rule_name("app", rule) == name
    assert "::" not in name


def test_sanitize_keeps_only_urn_safe_characters():
    assert sanitize("2001:db8::/32") == "2001-db8---32"
    assert sanitize("a b/c:d") == "a-b-c-d"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "sg-web",
            "security group name 'sg-web': AWS refuses group names that start with 'sg-'; "
            "drop the prefix, e.g. 'web'",
        ),
        (
            "1web",
            "security group name '1web': must start with a letter and hold only letters, digits, "
            "'_' or '-' (at most 100 characters); pick a short name such as 'web' or 'shop-app'",
        ),
    ],
)
def test_group_name_refusals(name, message):
    with pytest.raises(TieredSgError) as caught:
        check_group_name(name)
    assert str(caught.value) == message


# -- quota ------------------------------------------------------------------------------------


def _ingress_from_cidrs(count: int) -> list[Rule]:
    return [
        Rule.create(Direction.INGRESS, Port.tcp(443), Peer.ipv4(f"10.0.{i}.0/24"))
        for i in range(count)
    ]


def test_group_and_prefix_list_rules_count_in_both_families():
    rules = [
        Rule.create(Direction.INGRESS, Port.tcp(443), Peer.any_ipv4()),
        Rule.create(Direction.INGRESS, Port.tcp(443), Peer.any_ipv6()),
        Rule.create(Direction.INGRESS, Port.tcp(443), Peer.planned_group("web")),
        Rule.create(Direction.EGRESS, Port.tcp(443), Peer.prefix_list("pl-0123456789abcdef0")),
    ]
    counts = count_rules(rules)
    assert counts[(Direction.INGRESS, Family.IPV4)] == 2
    assert counts[(Direction.INGRESS, Family.IPV6)] == 2
    assert counts[(Direction.EGRESS, Family.IPV4)] == 1
    assert counts[(Direction.EGRESS, Family.IPV6)] == 1


def test_sixty_rules_per_direction_and_family_fit():
    check_quota("web", _ingress_from_cidrs(60))


def test_sixty_one_rules_are_refused_naming_group_direction_family_and_count():
    with pytest.raises(TieredSgError) as caught:
        check_quota("shop-web", _ingress_from_cidrs(61))
    assert str(caught.value) == (
        "security group 'shop-web': 61 inbound IPv4 rules exceed the AWS quota of 60 per "
        "direction and IP family (group and prefix-list rules count in both families); merge "
        "CIDRs or ports into wider ranges or a prefix list, split the group, or raise the quota "
        "with AWS"
    )


def test_a_group_reference_tips_a_full_ipv6_bucket_over():
    rules = [
        Rule.create(Direction.EGRESS, Port.tcp(443), Peer.ipv6(f"2001:db8:{i:x}::/48"))
        for i in range(60)
    ]
    check_quota("web", rules)
    rules.append(Rule.create(Direction.EGRESS, Port.tcp(443), Peer.planned_group("app")))
    with pytest.raises(TieredSgError, match="61 outbound IPv6 rules"):
        check_quota("web", rules)
