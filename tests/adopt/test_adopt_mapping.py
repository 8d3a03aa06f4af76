"""The mapper's logic on plain inventories (no AWS): the chain it finds, the ids it keys by
child name, and every shape it refuses with the reason and the fix."""

import pytest

from tiered_sg import GroupOptions, Port
from tiered_sg.adopt.chain_shape import ChainShape
from tiered_sg.adopt.config_builder import EntryAccess, build_config
from tiered_sg.adopt.inventory import AwsGroup, AwsRule, Inventory, port_of
from tiered_sg.adopt.mapping import UnmappableError, map_chain

VPC = "vpc-0123456789abcdef0"
DEFAULT = AwsGroup("sg-00000000000000000", "default", "default VPC security group", True)
WEB, APP, DB, BASTION = (
    AwsGroup(f"sg-{n:017x}", name, f"{name} by hand") for n, name in
    ((1, "web-sg"), (2, "app-sg"), (3, "db-sg"), (4, "bastion"))
)  # fmt: skip
_count = iter(range(1, 10_000))


def rule(group: AwsGroup, port: str, peer: str, *, egress: bool = False, kind: str = "") -> AwsRule:
    protocol, _, ports = port.partition(":")
    low, _, high = ports.partition("-")
    parsed = port_of(protocol, int(low or -1), int(high or low or -1))
    peer_kind = kind or ("group" if peer.startswith("sg-") else "cidr")
    return AwsRule(f"sgr-{next(_count):017x}", group.id, egress, parsed, peer_kind, peer)


def default_rules() -> list[AwsRule]:
    return [rule(DEFAULT, "-1", DEFAULT.id), rule(DEFAULT, "-1", "0.0.0.0/0", egress=True)]


def three_tiers() -> list[AwsRule]:
    return [
        rule(WEB, "tcp:80", "0.0.0.0/0"),
        rule(WEB, "tcp:443", "0.0.0.0/0"),
        rule(WEB, "-1", "0.0.0.0/0", egress=True),
        rule(APP, "tcp:5000", WEB.id),
        rule(DB, "tcp:3306", APP.id),
    ]


def inventory(rules: list[AwsRule], *groups: AwsGroup) -> Inventory:
    return Inventory(VPC, (DEFAULT, *(groups or (WEB, APP, DB))), tuple(default_rules() + rules))


def test_the_tutorial_chain_maps_to_tiers_service_ports_and_ids_by_child_name():
    rules = three_tiers()
    mapped = map_chain(inventory(rules))
    tiers = mapped.config["tiers"]
    assert tiers == [
        {
            "name": "web",
            "ports": ["http", "https"],
            "egress": [{"ports": ["all"], "cidrs": ["0.0.0.0/0"]}],
        },
        {"name": "app", "ports": ["tcp:5000"]},
        {"name": "db", "ports": ["mysql"]},
    ]
    assert mapped.config["publicIpv4Cidrs"] == ["0.0.0.0/0"]
    assert mapped.adopted["tiered-web"] == WEB.id
    assert mapped.adopted["tiered-web-in-tcp-80-from-0.0.0.0-0"] == rules[0].id
    assert mapped.adopted["tiered-web-out-all-to-0.0.0.0-0"] == rules[2].id
    assert mapped.adopted["tiered-db-in-tcp-3306-from-app"] == rules[4].id
    # The egress twins of group ingress are the chain's own: the first up adds them, said so.
    assert mapped.additions == ["tiered-web-out-tcp-5000-to-app", "tiered-app-out-tcp-3306-to-db"]
    assert mapped.config["adopt"] == mapped.adopted


def test_an_admin_group_with_named_cidrs_and_ipv6_entry():
    rules = [
        rule(WEB, "tcp:443", "0.0.0.0/0"),
        rule(WEB, "tcp:443", "::/0"),
        rule(APP, "tcp:8080", WEB.id),
        rule(BASTION, "tcp:22", "203.0.113.10/32"),
        rule(WEB, "tcp:22", BASTION.id),
        rule(APP, "tcp:22", BASTION.id),
    ]
    rules[3] = AwsRule(
        rules[3].id, BASTION.id, False, rules[3].port, "cidr", "203.0.113.10/32", "office"
    )
    mapped = map_chain(inventory(rules, WEB, APP, BASTION))
    assert mapped.config["adminCidrs"] == {"office": "203.0.113.10/32"}
    assert mapped.config["adminPorts"] == ["ssh"]
    assert mapped.config["publicIpv6Cidrs"] == ["::/0"]
    assert mapped.adopted["tiered-admin"] == BASTION.id
    assert mapped.adopted["tiered-app-in-tcp-22-from-admin"] == rules[5].id


def refused(inv: Inventory, **options: object) -> list[str]:
    with pytest.raises(UnmappableError) as caught:
        map_chain(inv, **options)  # type: ignore[arg-type]
    return [str(m) for m in caught.value.misfits]


def test_world_open_ssh_is_refused_and_named_with_both_choices():
    ssh = rule(WEB, "tcp:22", "0.0.0.0/0")
    (message,) = refused(inventory([*three_tiers(), ssh]))
    assert message.startswith(f"rule {ssh.id} (web-sg ingress tcp:22 from 0.0.0.0/0)")
    assert "opens an admin port to the whole internet" in message
    assert "narrow it" in message and f"--leave-out {ssh.id}" in message


def test_a_left_out_rule_stays_unmanaged_with_exclusive_rules_off():
    ssh = rule(WEB, "tcp:22", "0.0.0.0/0")
    mapped = map_chain(inventory([*three_tiers(), ssh]), leave_out=[ssh.id])
    assert mapped.config["exclusiveRules"] is False
    assert ssh.id not in mapped.adopted.values()
    assert any(ssh.id in note for note in mapped.notes)


def test_a_rule_from_a_group_outside_the_vpc_is_refused():
    foreign = rule(APP, "tcp:5000", "sg-fffffffffffffffff")
    (message,) = refused(inventory([*three_tiers(), foreign]))
    assert foreign.id in message and "references a group outside this VPC" in message


def test_a_cycle_is_refused():
    back = rule(WEB, "tcp:80", DB.id)
    messages = refused(inventory([*three_tiers(), back]))
    assert any(back.id in m and "cycle" in m for m in messages)


def test_a_default_group_with_rules_is_refused():
    extra = rule(DEFAULT, "tcp:22", "10.0.0.0/8")
    (message,) = refused(inventory([*three_tiers(), extra]))
    assert extra.id in message and "default group" in message


def test_a_prefix_list_and_an_unknown_protocol_are_refused():
    listed = rule(WEB, "tcp:443", "pl-0123456789abcdef0", kind="prefix-list")
    gre = AwsRule(
        "sgr-00000000000000abc", APP.id, False, port_of("47", -1, -1), "cidr", "10.0.0.0/8"
    )
    messages = refused(inventory([*three_tiers(), listed, gre]))
    assert any(listed.id in m and "prefix list" in m for m in messages)
    assert any(gre.id in m and "protocol" in m for m in messages)


@pytest.mark.parametrize(
    ("options", "written"),
    [
        (GroupOptions(), {}),
        (GroupOptions(exclusive_rules=False), {"exclusiveRules": False}),
        (GroupOptions(delete_timeout="1h"), {"deleteTimeout": "1h"}),
    ],
)
def test_the_config_states_the_group_options_only_where_they_differ_from_the_defaults(
    options: GroupOptions, written: dict[str, object]
):
    entry = EntryAccess({"0.0.0.0/0": {Port.tcp(443)}}, [Port.tcp(443)])
    config = build_config(
        VPC, ChainShape(("sg-web",), None), ["web"], entry, None, [], options=options
    )
    assert {k: v for k, v in config.items() if k in ("exclusiveRules", "deleteTimeout")} == written
