"""GroupSpec and ChainSpec are valid by construction (issue 20, item 4), like Port, Peer and Rule:
built directly, a bad spec fails with the one-line TieredSgError, never at registration."""

from types import MappingProxyType
from typing import Any

import pytest

from tiered_sg import ChainSpec, Direction, GroupSpec, Peer, PeerKind, Port, Rule, TieredSgError
from tiered_sg.chain_spec import EgressSpec, TierSpec

SSH = Rule.create(Direction.INGRESS, Port.tcp(22), Peer.ipv4("10.0.0.0/8"))
HTTPS = Rule.create(Direction.INGRESS, Port.tcp(443), Peer.any_ipv4())
WEB = TierSpec("web", (Port.tcp(443),), ())
APP = TierSpec("app", (Port.tcp(8080),), ())
A_ID = "sg-0123456789abcdef0"
B_ID = "sg-0fedcba987654321f"


def group_spec(**fields: Any) -> GroupSpec:
    values: dict[str, Any] = {"name": "web", "description": "Web", "tags": {}, "rules": (SSH,)}
    return GroupSpec(**{**values, **fields})


def chain_spec(**fields: Any) -> ChainSpec:
    values: dict[str, Any] = {
        "tiers": (WEB, APP),
        "public_peers": (Peer.any_ipv4(),),
        "admin_peers": (),
        "admin_ports": (Port.tcp(22),),
        "tags": {},
    }
    return ChainSpec(**{**values, **fields})


# -- GroupSpec --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            # The example: the name is the first thing wrong with it.
            {"name": "sg-bad name", "tags": {"aws:x": "1"}, "options": "fast"},
            "security group name 'sg-bad name': must start with a letter and hold only letters, "
            "digits, '_' or '-' (at most 100 characters); pick a short name such as 'web' or "
            "'shop-app'",
        ),
        (
            {"tags": {"aws:x": "1"}},
            "group web tags key 'aws:x': keys starting with 'aws:' are reserved; rename the tag",
        ),
        (
            # A bad timeout cannot reach a spec: GroupOptions refuses it (see below).
            {"options": "0s"},
            "group web options '0s': is not a GroupOptions; "
            "pass GroupOptions(exclusive_rules=..., delete_timeout=...)",
        ),
        (
            {"rules": (SSH, SSH)},
            "group web rule 'web-in-tcp-22-from-10.0.0.0-8': is listed twice, and a group's rules "
            "are a set of permissions; list each permission once, or build the spec with "
            "GroupSpec.create, which merges duplicates",
        ),
        (
            {"rules": (SSH, Rule.create(Direction.INGRESS, Port.tcp(22), SSH.peer, "Again"))},
            "group web rule 'web-in-tcp-22-from-10.0.0.0-8': is listed twice, and a group's rules "
            "are a set of permissions; list each permission once, or build the spec with "
            "GroupSpec.create, which merges duplicates",
        ),
        (
            {"rules": ("ssh",)},
            "group web rule 'ssh': is not a Rule; build rules with Rule.create(...)",
        ),
        (
            {"description": "Web <prod>"},
            "description 'Web <prod>': contains characters AWS refuses: '<>'; "
            "use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        ),
        (
            {
                "rules": (
                    Rule.create(Direction.INGRESS, Port.tcp(22), Peer.group(A_ID, label="x")),
                    Rule.create(Direction.INGRESS, Port.tcp(22), Peer.group(B_ID, label="x")),
                )
            },
            "group web peer label 'x': names two groups ('sg-0123456789abcdef0' and "
            "'sg-0fedcba987654321f'), and rules are named by label, so one group's rules would "
            "replace the other's; give each security group its own label",
        ),
    ],
)
def test_a_group_spec_that_exists_is_valid(fields, message):
    with pytest.raises(TieredSgError) as caught:
        group_spec(**fields)
    assert str(caught.value) == message


def test_a_group_spec_freezes_its_tags_and_rules():
    tags = {"team": "web"}
    spec = group_spec(tags=tags, rules=[SSH, HTTPS])
    tags["team"] = "changed"
    assert spec.tags == {"team": "web"}
    assert isinstance(spec.tags, MappingProxyType)
    assert spec.rules == (SSH, HTTPS)
    with pytest.raises(TypeError):
        spec.tags["team"] = "x"  # type: ignore[index]


def test_create_still_merges_duplicates_and_names_a_default_description():
    spec = GroupSpec.create("web", [SSH, SSH, HTTPS])
    assert spec.rules == (SSH, HTTPS)
    assert spec.description == "web security group, managed by tiered-sg"


# -- ChainSpec --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            # Was an IndexError (tiers[0]) before.
            {"tiers": ()},
            "tiers []: a chain needs at least one tier; "
            "write a list such as [{'name': 'web', 'ports': ['https']}]",
        ),
        (
            {"tiers": (WEB, WEB)},
            "tiers[1].name 'web': is already the name of tier 0; give each tier its own name",
        ),
        (
            {"tiers": (TierSpec("admin", (Port.tcp(22),), ()),)},
            "tiers[0].name 'admin': is reserved for the admin group; rename the tier",
        ),
        (
            {"tiers": (WEB, TierSpec("bad name", (Port.tcp(1),), ()))},
            "tiers[1].name 'bad name': must start with a letter and hold only letters, digits, "
            "'_' or '-' (at most 63 characters); pick a short name such as 'web' or 'shop-app'",
        ),
        (
            {"tiers": (WEB, TierSpec("app", (), ()))},
            "tiers[1].ports []: lists no port; write a list such as ['https', 'tcp:8080']",
        ),
        (
            {
                "tiers": (
                    TierSpec("web", (Port.tcp(443),), (EgressSpec((Port.tcp(1),), (), None),)),
                )
            },
            "tiers[0].egress[0].cidrs []: lists no destination; write ['0.0.0.0/0'] or a range",
        ),
        (
            {"public_peers": ()},
            "public_ipv4_cidrs []: is empty and so is public_ipv6_cidrs, so the entry tier 'web' "
            "would accept no traffic; list the addresses allowed in, e.g. ['0.0.0.0/0'] or "
            "['10.0.0.0/8'], or existing security groups in entry_security_groups",
        ),
        (
            {"entry_groups": (Peer.group("sg-0123456789abcdef0", label="app"),)},
            "entry_security_groups key 'app': is the name of one of the chain's own groups, which "
            "rules name their peers by; rename the entry group, e.g. 'app-ext'",
        ),
        (
            {"admin_peers": (Peer.ipv4("0.0.0.0/1", label="office"),)},
            "admin_cidrs['office'] '0.0.0.0/1': opens admin access to a /1, wider than the /8 "
            "admin_min_prefix_ipv4 allows; list the office or VPN ranges admins connect from, "
            "e.g. '203.0.113.10/32' (or lower admin_min_prefix_ipv4 if the whole range is yours)",
        ),
        (
            {"admin_ports": (Port.all_traffic(),)},
            "admin_ports[0] 'all': would let the admin group reach every port of every tier; "
            "name the admin ports, e.g. ['ssh'] or ['rdp']",
        ),
        (
            {"admin_min_prefix": {PeerKind.IPV4: 0, PeerKind.IPV6: 32}},
            "admin_min_prefix_ipv4 0: is out of range 1-32; write 1 to 32",
        ),
        (
            {"tags": {"tiered-sg:tier": "x"}},
            "tags key 'tiered-sg:tier': keys starting with 'tiered-sg:' are reserved; "
            "rename the tag",
        ),
        (
            {"options": {"delete_timeout": "0s"}},
            "options {'delete_timeout': '0s'}: is not a GroupOptions; "
            "pass GroupOptions(exclusive_rules=..., delete_timeout=...)",
        ),
        (
            {"close_default_group": 1},
            "close_default_group 1: is a number where a boolean is expected; write true or false",
        ),
    ],
)
def test_a_chain_spec_that_exists_is_valid(fields, message):
    with pytest.raises(TieredSgError) as caught:
        chain_spec(**fields)
    assert str(caught.value) == message


def test_a_chain_spec_freezes_its_mappings_and_sequences():
    tags = {"team": "shop"}
    spec = chain_spec(tags=tags, public_peers=[Peer.any_ipv4()])
    tags["team"] = "changed"
    assert spec.tags == {"team": "shop"}
    assert isinstance(spec.tags, MappingProxyType)
    assert isinstance(spec.admin_min_prefix, MappingProxyType)
    assert spec.public_peers == (Peer.any_ipv4(),)
    with pytest.raises(TypeError):
        spec.admin_min_prefix[PeerKind.IPV4] = 1  # type: ignore[index]


def test_from_args_and_direct_construction_agree():
    assert ChainSpec.from_args({"tiers": [{"name": "web", "ports": ["tcp:443"]}]}) == chain_spec(
        tiers=(WEB,)
    )
