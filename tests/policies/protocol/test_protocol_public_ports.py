"""The four public-port policies on every resource type that carries ingress rules.

Every case goes through the engine protocol: inputs marshalled as the engine marshals them
(ports arrive as doubles), Remediate then Analyze per resource.
"""

import pytest
from protocol_shapes import (
    DEFAULT_SG,
    INGRESS_TYPES,
    PUBLIC_PORT_POLICIES,
    SG,
    SG_RULE,
    SINGLE_CIDR_TYPES,
    analyze_all,
    ingress,
    violations,
)

from analyzer_client import EnforcementLevel

ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST = PUBLIC_PORT_POLICIES
WORLD4, WORLD6 = "0.0.0.0/0", "::/0"


def _violated(pack, resources):
    result = analyze_all(pack, resources)
    return {p for p in PUBLIC_PORT_POLICIES if violations(result, p)}, result


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_tutorial_ssh_http_group_ssh_is_blocked_and_http_passes(pack, type_):
    # The SDK tutorial's "ssh-http-sg": tcp 22 and tcp 80 from 0.0.0.0/0.
    ssh, result = _violated(pack, ingress(type_, "tcp", 22, 22, v4=[WORLD4], name="ssh-http-sg"))
    assert ssh == {ADMIN, HIGH_RISK, ALLOWLIST}
    assert all(d.enforcement_level is EnforcementLevel.MANDATORY for d in result.for_policy(ADMIN))
    http, _ = _violated(pack, ingress(type_, "tcp", 80, 80, v4=[WORLD4], name="ssh-http-sg"))
    assert http == set()


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_ftp_tutorial_range_21_80_open_to_the_world_and_a_private_cidr(pack, type_):
    hit, result = _violated(
        pack, ingress(type_, "tcp", 21, 80, v4=[WORLD4, "10.0.0.0/16"], name="ftp")
    )
    assert hit == {ADMIN, HIGH_RISK, ALLOWLIST}
    [admin] = violations(result, ADMIN)
    assert "22" in admin
    high_risk = " ".join(violations(result, HIGH_RISK))
    assert "21-23, 25" in high_risk
    assert "21-79" in " ".join(violations(result, ALLOWLIST))


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_custom_app_port_5000_open_to_the_world(pack, type_):
    hit, _ = _violated(pack, ingress(type_, "tcp", 5000, 5000, v4=[WORLD4], name="flask"))
    assert hit == {HIGH_RISK, ALLOWLIST}


@pytest.mark.parametrize("type_", INGRESS_TYPES)
@pytest.mark.parametrize(
    ("protocol", "from_port", "to_port"),
    [("-1", 22, 22), ("-1", 0, 0), ("all", 443, 443), (-1, 80, 80)],
)
def test_all_protocols_mean_every_port_whatever_ports_are_given(
    pack, type_, protocol, from_port, to_port
):
    hit, _ = _violated(pack, ingress(type_, protocol, from_port, to_port, v4=[WORLD4]))
    assert hit == {ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST}


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_a_tcp_range_covering_every_port_is_all_traffic_but_port_zero_is_not(pack, type_):
    every, _ = _violated(pack, ingress(type_, "tcp", 0, 65535, v4=[WORLD4]))
    assert every == {ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST}
    zero, result = _violated(pack, ingress(type_, "tcp", 0, 0, v4=[WORLD4]))
    assert zero == {ALLOWLIST}
    assert "tcp 0 from 0.0.0.0/0" in violations(result, ALLOWLIST)[0]


@pytest.mark.parametrize("type_", INGRESS_TYPES)
@pytest.mark.parametrize(
    ("protocol", "port"),
    [
        ("6", 22),
        ("tcp ", 22),
        (" TCP", 22),
        ("tcp", 22.0),
        (6, "22"),
        ("17", 3389),
        ("udp", 3389.0),
    ],
)
def test_protocol_and_port_spellings(pack, type_, protocol, port):
    hit, _ = _violated(pack, ingress(type_, protocol, port, port, v4=[WORLD4]))
    assert ADMIN in hit


@pytest.mark.parametrize("type_", INGRESS_TYPES)
@pytest.mark.parametrize("world", [WORLD6, "0::/0", "0:0:0:0:0:0:0:0/0"])
def test_ipv6_world_spellings(pack, type_, world):
    hit, _ = _violated(pack, ingress(type_, "tcp", 3389, 3389, v6=[world]))
    assert {ADMIN, HIGH_RISK, ALLOWLIST} <= hit


@pytest.mark.parametrize("type_", [t for t in INGRESS_TYPES if t not in SINGLE_CIDR_TYPES])
def test_a_group_reference_never_cancels_a_world_cidr_in_the_same_rule(pack, type_):
    hit, _ = _violated(
        pack, ingress(type_, "tcp", 22, 22, v4=[WORLD4], group="sg-0aaaabbbbccccdddd")
    )
    assert ADMIN in hit


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_restricted_sources_and_other_protocols_pass(pack, type_):
    cases = [
        ingress(type_, "tcp", 22, 22, v4=["203.0.113.10/32"]),
        ingress(type_, "tcp", 0, 65535, v4=["10.0.0.0/8"], v6=["fd00::/8"]),
        ingress(type_, "tcp", 443, 443, v4=[WORLD4], v6=[WORLD6]),
        ingress(type_, "icmp", -1, -1, v4=[WORLD4]),
        ingress(type_, "50", 0, 0, v4=[WORLD4]),  # ESP: no tcp/udp ports to expose
        ingress(type_, "tcp", 22, 22, group="sg-0aaaabbbbccccdddd"),
    ]
    for resources in cases:
        hit, _ = _violated(pack, resources)
        assert hit == set(), resources


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_udp_53_to_the_world_is_only_an_allowlist_matter(pack, type_):
    hit, _ = _violated(pack, ingress(type_, "udp", 53, 53, v4=[WORLD4]))
    assert hit == {ALLOWLIST}


def test_messages_name_the_resource_the_rule_and_the_fix(pack):
    result = analyze_all(pack, ingress(SG, "tcp", 22, 22, v4=[WORLD4], name="ssh-http-sg"))
    [admin] = violations(result, ADMIN)
    assert admin.startswith(
        "Security group 'ssh-http-sg' rule ingress[0] allows ingress tcp 22 from 0.0.0.0/0"
    )
    assert "Fix:" in admin
    assert "203.0.113.10/32" in admin or "Session Manager" in admin
    [allow] = violations(result, ALLOWLIST)
    assert "authorizedPorts" in allow

    rule = analyze_all(pack, ingress(SG_RULE, "tcp", 3389, 3389, v6=[WORLD6], name="rdp"))
    [admin] = violations(rule, ADMIN)
    assert admin.startswith("Security group rule 'rdp' allows ingress tcp 3389 from ::/0")

    default = analyze_all(pack, ingress(DEFAULT_SG, "tcp", 22, 22, v4=[WORLD4], name="default"))
    assert violations(default, ADMIN)[0].startswith(
        "Default security group 'default' rule ingress[0]"
    )


def test_egress_rules_are_not_public_ingress(pack):
    from protocol_shapes import egress

    hit, _ = _violated(pack, egress(SG, "tcp", 22, 22, v4=[WORLD4]))
    assert hit == set()
