"""Resource policies, run through the real policy objects as the SDK calls them.

The one case table for the resource policies: every case runs in-process and over gRPC
(``each_transport``). The ``registered`` shapes write one rule the way each provider's SDK
registers it; unknowns, secrets and numbers arrive as the engine marshals them.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import ResourceValidationPolicy
from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE as UNKNOWN_ARRAY

from tests.policies.unit.sgkit import (
    DEFAULT_SG,
    NATIVE_IN,
    NATIVE_OUT,
    NATIVE_SG,
    POLICIES,
    SG,
    SG_RULE,
    UN,
    VPC,
    VPC_IN,
    VPC_OUT,
    Outcome,
    Res,
    U,
    check,
    check_stack,
    inline,
    secret,
    sg,
    vpc_rule,
)

pytestmark = pytest.mark.usefixtures("each_transport")

ADMIN = "sg-no-public-admin-ports"
HIGH_RISK = "sg-no-public-high-risk-ports"
ALL_TRAFFIC = "sg-no-public-all-traffic"
ALLOWLIST = "sg-public-ports-allowlist"
EGRESS = "sg-no-unrestricted-egress"
DESCRIBED = "sg-rules-described"
DEFAULT = "sg-default-group-closed"
PUBLIC_INGRESS = (ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST)


def ingress_on(
    type_: str,
    protocol: Any,
    from_port: Any,
    to_port: Any = None,
    cidr: str = "0.0.0.0/0",
    **extra: Any,
) -> dict[str, Any]:
    """The same ingress rule written for each resource type."""
    to_port = from_port if to_port is None else to_port
    v6 = ":" in cidr
    if type_ in (SG, DEFAULT_SG):
        key = "ipv6CidrBlocks" if v6 else "cidrBlocks"
        return sg(ingress=[inline(protocol, from_port, to_port, **{key: [cidr]}, **extra)])
    if type_ == SG_RULE:
        key = "ipv6CidrBlocks" if v6 else "cidrBlocks"
        return {
            "type": "ingress",
            "securityGroupId": "sg-1",
            "protocol": protocol,
            "fromPort": from_port,
            "toPort": to_port,
            key: [cidr],
            **extra,
        }
    if type_ == VPC_IN:
        return vpc_rule(
            protocol, from_port, to_port, **{"cidrIpv6" if v6 else "cidrIpv4": cidr}, **extra
        )
    item = {
        "ipProtocol": protocol,
        "fromPort": from_port,
        "toPort": to_port,
        "cidrIpv6" if v6 else "cidrIp": cidr,
        **extra,
    }
    if type_ == NATIVE_SG:
        return {"groupDescription": "g", "securityGroupIngress": [item], "securityGroupEgress": []}
    return {"groupId": "sg-1", **item}


INGRESS_TYPES = (SG, SG_RULE, VPC_IN, NATIVE_SG, NATIVE_IN)


# --- every type's registered shape (one rule as the providers' SDKs register it) ------------------

WHY = "allowed for a documented reason"
WORLD4, WORLD6 = "0.0.0.0/0", "::/0"
EVERY_INGRESS_TYPE = (SG, DEFAULT_SG, SG_RULE, VPC_IN, NATIVE_SG, NATIVE_IN)
EVERY_EGRESS_TYPE = (SG, DEFAULT_SG, SG_RULE, VPC_OUT, NATIVE_SG, NATIVE_OUT)
EVERY_TYPE = (SG, DEFAULT_SG, SG_RULE, VPC_IN, VPC_OUT, NATIVE_SG, NATIVE_IN, NATIVE_OUT)
SINGLE_CIDR_TYPES = (VPC_IN, VPC_OUT, NATIVE_IN, NATIVE_OUT)
RESOURCE_POLICIES = tuple(
    name for name, policy in POLICIES.items() if isinstance(policy, ResourceValidationPolicy)
)
Shape = list[tuple[str, dict[str, Any]]]


def _listed(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    return [value] if value else []


def _classic(
    protocol: Any, from_port: Any, to_port: Any, v4: Any, v6: Any, description: Any
) -> dict[str, Any]:
    rule: dict[str, Any] = {"protocol": protocol, "fromPort": from_port, "toPort": to_port}
    if v4:
        rule["cidrBlocks"] = list(v4) if isinstance(v4, list | tuple) else v4
    if v6:
        rule["ipv6CidrBlocks"] = list(v6) if isinstance(v6, list | tuple) else v6
    if description is not None:
        rule["description"] = description
    return rule


def registered(
    type_: str,
    direction: str,
    protocol: Any,
    from_port: Any,
    to_port: Any,
    *,
    v4: Any = (),
    v6: Any = (),
    group: str | None = None,
    name: str = "subject",
    description: Any = WHY,
    group_description: Any = "web tier: HTTPS from the internet",
    security_group_id: Any = "sg-0123456789abcdef0",
) -> Shape:
    """One rule of ``direction`` in ``type_``'s shape, camelCase as the SDKs register it.

    Types whose rule holds a single CIDR (aws.vpc rules, aws-native rules) get one resource per
    CIDR, the way AWS splits them.
    """
    if type_ in (SG, DEFAULT_SG):
        rule = _classic(protocol, from_port, to_port, v4, v6, description)
        if group:
            rule["securityGroups"] = [group]
        props: dict[str, Any] = {"vpcId": "vpc-0123", direction: [rule]}
        props["egress" if direction == "ingress" else "ingress"] = []
        if type_ == SG:
            props["description"] = group_description
        return [(name, props)]
    if type_ == SG_RULE:
        rule = _classic(protocol, from_port, to_port, v4, v6, description)
        rule.update(type=direction, securityGroupId=security_group_id)
        if group:
            rule["sourceSecurityGroupId"] = group
        return [(name, rule)]
    if type_ == NATIVE_SG:
        native = {"ipProtocol": protocol, "fromPort": from_port, "toPort": to_port}
        peers = [("cidrIp", c) for c in _listed(v4)] + [("cidrIpv6", c) for c in _listed(v6)]
        if group:
            key = (
                "sourceSecurityGroupId" if direction == "ingress" else "destinationSecurityGroupId"
            )
            peers.append((key, group))
        rules = [{**native, key: value, "description": description} for key, value in peers]
        props = {"groupDescription": group_description, "vpcId": "vpc-0123"}
        props["securityGroupIngress" if direction == "ingress" else "securityGroupEgress"] = rules
        if direction == "ingress":  # without it CloudFormation keeps AWS's allow-all egress
            props["securityGroupEgress"] = [
                {
                    "ipProtocol": "tcp",
                    "fromPort": 443,
                    "toPort": 443,
                    "cidrIp": "10.0.0.0/8",
                    "description": WHY,
                }
            ]
        return [(name, props)]
    if type_ in (VPC_IN, VPC_OUT):
        base = {"securityGroupId": security_group_id}
        keys = [("cidrIpv4", c) for c in _listed(v4)] + [("cidrIpv6", c) for c in _listed(v6)]
        if group:
            keys.append(("referencedSecurityGroupId", group))
    elif type_ in (NATIVE_IN, NATIVE_OUT):
        base = {"groupId": security_group_id}
        keys = [("cidrIp", c) for c in _listed(v4)] + [("cidrIpv6", c) for c in _listed(v6)]
        if group:
            peer = "sourceSecurityGroupId" if type_ == NATIVE_IN else "destinationSecurityGroupId"
            keys.append((peer, group))
    else:
        raise ValueError(type_)
    base.update(ipProtocol=protocol, fromPort=from_port, toPort=to_port)
    shape = []
    for i, (key, value) in enumerate(keys):
        props = {**base, key: value}
        if description is not None:
            props["description"] = description
        shape.append((name if len(keys) == 1 else f"{name}-{i}", props))
    return shape


def registered_ingress(type_: str, protocol: Any, from_port: Any, to_port: Any, **kw: Any) -> Shape:
    return registered(type_, "ingress", protocol, from_port, to_port, **kw)


def registered_egress(type_: str, protocol: Any, from_port: Any, to_port: Any, **kw: Any) -> Shape:
    return registered(type_, "egress", protocol, from_port, to_port, **kw)


def check_each(policy: str, type_: str, shape: Shape) -> Outcome:
    """``policy`` on each resource of ``shape``, the outcomes merged in order."""
    merged = Outcome()
    for name, props in shape:
        outcome = check(policy, type_, props, name=name)
        merged.violations += outcome.violations
        merged.urns += outcome.urns
        merged.notes += outcome.notes
        merged.levels += outcome.levels
    return merged


def public_hits(type_: str, shape: Shape) -> set[str]:
    """The public-port policies with a definite violation (not a preview note)."""
    return {policy for policy in PUBLIC_INGRESS if check_each(policy, type_, shape).violations}


def blocking(type_: str, shape: Shape) -> set[str]:
    """The resource policies that would stop the preview/update (a mandatory diagnostic)."""
    return {
        policy
        for policy in RESOURCE_POLICIES
        if "mandatory" in check_each(policy, type_, shape).levels
    }


# --- sg-no-public-admin-ports -------------------------------------------------------------------


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_admin_ssh_from_world_blocked_on_every_type(type_: str) -> None:
    outcome = check(ADMIN, type_, ingress_on(type_, "tcp", 22), name="web")
    assert len(outcome.violations) == 1, outcome.text()
    message = outcome.violations[0]
    assert "'web'" in message
    assert "ingress tcp 22 from 0.0.0.0/0" in message
    assert "admin port 22" in message and "Fix:" in message


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_admin_ssh_from_an_admin_cidr_is_fine_on_every_type(type_: str) -> None:
    assert check(ADMIN, type_, ingress_on(type_, "tcp", 22, cidr="203.0.113.10/32")).clean


@pytest.mark.parametrize(
    ("protocol", "from_port", "to_port"),
    [
        (" TCP ", 22, 22),
        ("6", 22, 22),
        (6, 22.0, 22.0),
        ("udp", 3389, 3389),
        ("17", "3389", "3389"),
        ("tcp", 0, 65535),
        ("tcp", 21, 80),
        ("-1", 0, 0),  # naive: ports 0-0 -> nothing open
        ("all", 443, 443),  # naive: only 443
        (-1, 5000, 5000),
    ],
)
def test_admin_tricky_protocols_and_ports_are_blocked(
    protocol: Any, from_port: Any, to_port: Any
) -> None:
    outcome = check(ADMIN, VPC_IN, ingress_on(VPC_IN, protocol, from_port, to_port))
    assert outcome.violations, (protocol, from_port, to_port)


@pytest.mark.parametrize(
    ("protocol", "from_port", "to_port"),
    [
        ("tcp", 0, 0),  # port 0 is not "all ports"
        ("50", 0, 65535),  # ESP has no tcp ports, whatever the ports say
        ("icmp", 22, 22),  # icmp type 22 is not port 22
        ("58", -1, -1),
        ("tcp", 23, 3388),
    ],
)
def test_admin_not_exposure_despite_suggestive_numbers(
    protocol: Any, from_port: Any, to_port: Any
) -> None:
    assert check(ADMIN, VPC_IN, ingress_on(VPC_IN, protocol, from_port, to_port)).clean


@pytest.mark.parametrize("cidr", ["::/0", "0::/0", "0:0:0:0:0:0:0:0/0", "8.8.8.8/0"])
def test_admin_every_world_spelling(cidr: str) -> None:
    assert check(ADMIN, VPC_IN, ingress_on(VPC_IN, "tcp", 22, cidr=cidr)).violations


def test_admin_self_and_groups_do_not_cancel_the_world() -> None:
    props = sg(
        ingress=[inline("tcp", 22, cidrBlocks=["0.0.0.0/0"], self=True, securityGroups=["sg-2"])]
    )
    assert check(ADMIN, SG, props).violations


def test_admin_egress_to_22_is_not_this_policy() -> None:
    props = vpc_rule("tcp", 22, cidrIpv4="0.0.0.0/0")
    assert check(ADMIN, VPC_OUT, props).clean


def test_admin_config_changes_the_ports() -> None:
    props = ingress_on(VPC_IN, "tcp", 2222)
    assert check(ADMIN, VPC_IN, props).clean
    assert check(ADMIN, VPC_IN, props, config={"adminPorts": [2222.0]}).violations


NEAR_WORLD = {"minPrefixIpv4": 8, "minPrefixIpv6": 32}


@pytest.mark.parametrize(
    ("field", "cidr", "blocked_by_default", "blocked_near_world"),
    [
        ("cidrIpv4", "0.0.0.0/1", False, True),
        ("cidrIpv4", "10.0.0.0/7", False, True),
        ("cidrIpv4", "10.0.0.0/8", False, False),
        ("cidrIpv4", "0.0.0.0/0", True, True),
        ("cidrIpv6", "2000::/3", False, True),
        ("cidrIpv6", "2001:db8::/31", False, True),
        ("cidrIpv6", "2001:db8::/32", False, False),
        ("cidrIpv6", "::/0", True, True),
    ],
)
def test_admin_min_prefix_counts_near_world_cidrs_as_the_world(
    field: str, cidr: str, blocked_by_default: bool, blocked_near_world: bool
) -> None:
    props = vpc_rule("tcp", 22, **{field: cidr})
    assert bool(check(ADMIN, VPC_IN, props).violations) == blocked_by_default
    assert bool(check(ADMIN, VPC_IN, props, config=NEAR_WORLD).violations) == blocked_near_world


def test_admin_near_world_message_does_not_claim_the_whole_internet() -> None:
    props = vpc_rule("tcp", 22, cidrIpv4="0.0.0.0/1")
    outcome = check(ADMIN, VPC_IN, props, name="ssh", config={"minPrefixIpv4": 8})
    assert outcome.violations == [
        "Security group rule 'ssh' allows ingress tcp 22 from 0.0.0.0/1, which opens admin port "
        "22 to nearly the whole internet. Fix: Allow SSH/RDP only from an admin CIDR (e.g. "
        "203.0.113.10/32) or an admin security group, or use AWS Systems Manager Session "
        "Manager instead of an open port."
    ]


def test_admin_min_prefix_of_one_family_leaves_the_other_alone() -> None:
    props = vpc_rule("tcp", 22, cidrIpv6="2000::/3")
    assert check(ADMIN, VPC_IN, props, config={"minPrefixIpv4": 32}).clean


def test_other_world_policies_keep_the_strict_world() -> None:
    props = vpc_rule("tcp", 3306, cidrIpv4="0.0.0.0/1")
    assert check(HIGH_RISK, VPC_IN, props).clean


def test_admin_unknown_port_is_a_note_not_a_block() -> None:
    outcome = check(ADMIN, VPC_IN, ingress_on(VPC_IN, "tcp", U))
    assert not outcome.violations
    assert len(outcome.notes) == 1
    assert "fromPort is unknown in preview" in outcome.notes[0]
    assert "checked again at `pulumi up`" in outcome.notes[0]


def test_admin_unknown_cidr_is_a_note_and_a_known_private_cidr_is_clean() -> None:
    outcome = check(ADMIN, VPC_IN, ingress_on(VPC_IN, "tcp", 22, cidr=U))
    assert outcome.notes and not outcome.violations
    assert "cidrIpv4 is unknown in preview" in outcome.notes[0]


def test_admin_unknown_cidr_on_a_harmless_port_needs_no_note() -> None:
    assert check(ADMIN, VPC_IN, ingress_on(VPC_IN, "tcp", 443, cidr=U)).clean


def test_admin_unknown_port_does_not_hide_a_definite_violation_in_the_same_group() -> None:
    props = sg(
        ingress=[
            inline("tcp", U, cidrBlocks=["0.0.0.0/0"]),
            inline("tcp", 3389, cidrBlocks=["0.0.0.0/0"]),
        ]
    )
    outcome = check(ADMIN, SG, props)
    assert len(outcome.violations) == 1 and "rule ingress[1]" in outcome.violations[0]
    assert "3389" in outcome.violations[0]
    assert len(outcome.notes) == 1 and "ingress[0]" in outcome.notes[0]
    assert blocking(SG, [("mixed", props)])


def test_admin_unknown_protocol_is_a_note_even_on_port_443() -> None:
    # the protocol may turn out to be -1, which opens 22 too
    outcome = check(ADMIN, VPC_IN, ingress_on(VPC_IN, U, 443))
    assert outcome.notes and not outcome.violations


def test_admin_whole_ingress_list_unknown_is_a_note() -> None:
    outcome = check(ADMIN, SG, sg(ingress=U))
    assert outcome.notes and not outcome.violations
    assert "ingress is unknown in preview" in outcome.notes[0]


def test_admin_malformed_port_on_a_world_rule_fails_closed() -> None:
    outcome = check(ADMIN, VPC_IN, ingress_on(VPC_IN, "tcp", "ssh"))
    assert len(outcome.violations) == 1
    assert "cannot be verified" in outcome.violations[0]
    assert "'ssh' is not an integer" in outcome.violations[0]


def test_admin_malformed_item_in_the_list_fails_closed() -> None:
    outcome = check(ADMIN, SG, sg(ingress=["tcp 22 from anywhere"]))
    assert outcome.violations and "cannot be verified" in outcome.violations[0]


# --- tutorials -----------------------------------------------------------------------------------


def sdk_tutorial_ssh_http_sg() -> dict[str, Any]:
    """The SDK tutorial's ssh-http-sg: tcp 22 and tcp 80 from 0.0.0.0/0."""
    return sg(
        ingress=[
            inline("tcp", 22, cidrBlocks=["0.0.0.0/0"]),
            inline("tcp", 80, cidrBlocks=["0.0.0.0/0"]),
        ],
        description="SG for SSH and HTTP traffic",
    )


def test_tutorial_ssh_http_sg_ssh_blocked_http_allowed() -> None:
    props = sdk_tutorial_ssh_http_sg()
    admin = check(ADMIN, SG, props, name="ssh-http-sg")
    assert len(admin.violations) == 1 and "tcp 22 from 0.0.0.0/0" in admin.violations[0]
    allow = check(ALLOWLIST, SG, props, name="ssh-http-sg")
    assert len(allow.violations) == 1 and "port 22, not allowlisted" in allow.violations[0]
    assert "tcp 80" not in allow.violations[0]
    assert check(HIGH_RISK, SG, props).violations


def test_tutorial_ftp_range_21_80_world_plus_private_cidr() -> None:
    # aws ec2 authorize-security-group-ingress --ip-permissions
    #   IpProtocol=tcp,FromPort=21,ToPort=80,IpRanges=[{CidrIp=0.0.0.0/0},{CidrIp=10.0.0.0/16}]
    props = {
        "type": "ingress",
        "securityGroupId": "sg-0a2ac365fe2cb4c8a",
        "protocol": "tcp",
        "fromPort": 21,
        "toPort": 80,
        "cidrBlocks": ["0.0.0.0/0", "10.0.0.0/16"],
    }
    high = check(HIGH_RISK, SG_RULE, props, name="ftp-sg")
    assert "high-risk ports 21-23, 25" in high.violations[0]
    assert "from 0.0.0.0/0, 10.0.0.0/16" in high.violations[0]
    assert check(ADMIN, SG_RULE, props).violations
    allow = check(ALLOWLIST, SG_RULE, props)
    assert "ports 21-79, not allowlisted" in allow.violations[0]


def test_tutorial_custom_app_port_5000_open_to_the_world() -> None:
    props = ingress_on(VPC_IN, "tcp", 5000, description="Allow access to application port")
    assert "high-risk port 5000" in check(HIGH_RISK, VPC_IN, props).violations[0]
    assert "port 5000, not allowlisted" in check(ALLOWLIST, VPC_IN, props).violations[0]
    assert check(ADMIN, VPC_IN, props).clean


def test_tutorial_web_server_example_passes_ingress_policies() -> None:
    props = sg(
        ingress=[
            inline("tcp", 22, cidrBlocks=["203.0.113.10/32"], description="SSH access"),
            inline("tcp", 80, cidrBlocks=["0.0.0.0/0"], description="HTTP"),
            inline("tcp", 443, cidrBlocks=["0.0.0.0/0"], description="HTTPS"),
        ],
        egress=[inline("-1", 0, 0, cidrBlocks=["0.0.0.0/0"], description="all outbound")],
    )
    for policy in PUBLIC_INGRESS:
        assert check(policy, SG, props).clean, policy
    assert check(EGRESS, SG, props).violations  # "Outbound All All 0.0.0.0/0"


# --- sg-no-public-high-risk-ports / all-traffic / allowlist --------------------------------------


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_high_risk_mysql_from_world_on_every_type(type_: str) -> None:
    outcome = check(HIGH_RISK, type_, ingress_on(type_, "tcp", 3306))
    assert "high-risk port 3306" in outcome.violations[0]


def test_high_risk_https_is_fine_and_config_replaces_the_list() -> None:
    props = ingress_on(VPC_IN, "tcp", 443)
    assert check(HIGH_RISK, VPC_IN, props).clean
    assert check(HIGH_RISK, VPC_IN, props, config={"highRiskPorts": [443]}).violations
    assert check(
        HIGH_RISK, VPC_IN, ingress_on(VPC_IN, "tcp", 3306), config={"highRiskPorts": []}
    ).clean


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_all_traffic_minus_one_on_every_type(type_: str) -> None:
    outcome = check(ALL_TRAFFIC, type_, ingress_on(type_, "-1", 0, 0))
    assert "ingress all traffic from 0.0.0.0/0" in outcome.violations[0]


@pytest.mark.parametrize(
    ("protocol", "from_port", "to_port", "blocked"),
    [
        ("tcp", 0, 65535, True),
        ("udp", 0.0, 65535.0, True),
        ("all", 22, 22, True),
        ("tcp", 0, 0, False),
        ("tcp", 1, 65535, False),
        ("icmp", -1, -1, False),
        ("47", 0, 65535, False),
    ],
)
def test_all_traffic_semantics(protocol: Any, from_port: Any, to_port: Any, blocked: bool) -> None:
    outcome = check(ALL_TRAFFIC, VPC_IN, ingress_on(VPC_IN, protocol, from_port, to_port))
    assert bool(outcome.violations) is blocked


@pytest.mark.parametrize("type_", INGRESS_TYPES)
def test_allowlist_80_and_443_fine_8080_blocked_on_every_type(type_: str) -> None:
    assert check(ALLOWLIST, type_, ingress_on(type_, "tcp", 443)).clean
    assert check(ALLOWLIST, type_, ingress_on(type_, "tcp", 80, cidr="::/0")).clean
    assert "port 8080" in check(ALLOWLIST, type_, ingress_on(type_, "tcp", 8080)).violations[0]


def test_allowlist_port_zero_and_udp() -> None:
    assert (
        "port 0, not allowlisted"
        in check(ALLOWLIST, VPC_IN, ingress_on(VPC_IN, "tcp", 0)).violations[0]
    )
    assert check(ALLOWLIST, VPC_IN, ingress_on(VPC_IN, "udp", 443)).clean
    assert check(ALLOWLIST, VPC_IN, ingress_on(VPC_IN, "udp", 53)).violations


def test_allowlist_config_and_ranges() -> None:
    props = ingress_on(VPC_IN, "tcp", 80, 443)
    assert check(ALLOWLIST, VPC_IN, props).violations  # 81-442 sneak in
    wide = {"authorizedPorts": list(range(80, 444))}
    assert check(ALLOWLIST, VPC_IN, props, config=wide).clean
    assert check(
        ALLOWLIST, VPC_IN, ingress_on(VPC_IN, "tcp", 443), config={"authorizedPorts": []}
    ).violations


def test_allowlist_icmp_from_world_is_not_a_port() -> None:
    assert check(ALLOWLIST, VPC_IN, ingress_on(VPC_IN, "icmp", 8, 0)).clean


# --- sg-no-unrestricted-egress ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (SG, sg(egress=[inline("-1", 0, 0, cidrBlocks=["0.0.0.0/0"])])),
        (DEFAULT_SG, {"egress": [inline("-1", 0, 0, ipv6CidrBlocks=["::/0"])]}),
        (
            SG_RULE,
            {
                "type": "egress",
                "protocol": "all",
                "fromPort": 0,
                "toPort": 0,
                "cidrBlocks": ["0.0.0.0/0"],
            },
        ),
        (VPC_OUT, vpc_rule("-1", None, cidrIpv4="0.0.0.0/0")),
        (NATIVE_SG, {"securityGroupEgress": [{"ipProtocol": "-1", "cidrIp": "0.0.0.0/0"}]}),
        (
            NATIVE_OUT,
            {
                "groupId": "sg-1",
                "ipProtocol": "tcp",
                "fromPort": 0,
                "toPort": 65535,
                "cidrIpv6": "::/0",
            },
        ),
    ],
)
def test_egress_all_traffic_to_world_on_every_type(type_: str, props: Any) -> None:
    outcome = check(EGRESS, type_, props)
    assert len(outcome.violations) == 1 and "egress" in outcome.violations[0]
    assert "towards the whole internet" in outcome.violations[0]


def test_egress_https_to_world_and_all_to_a_cidr_are_fine() -> None:
    assert check(EGRESS, VPC_OUT, vpc_rule("tcp", 443, cidrIpv4="0.0.0.0/0")).clean
    assert check(EGRESS, VPC_OUT, vpc_rule("-1", None, cidrIpv4="10.0.0.0/8")).clean
    assert check(EGRESS, VPC_IN, vpc_rule("-1", None, cidrIpv4="0.0.0.0/0")).clean


def test_egress_native_group_without_egress_keeps_aws_default() -> None:
    outcome = check(EGRESS, NATIVE_SG, {"groupDescription": "g", "vpcId": "vpc-1"}, name="app")
    assert len(outcome.violations) == 1
    assert "keeps AWS's default rule" in outcome.violations[0]
    declared = {
        "securityGroupEgress": [
            {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIp": "0.0.0.0/0"}
        ]
    }
    assert check(EGRESS, NATIVE_SG, declared).clean


def test_egress_classic_group_without_egress_has_none() -> None:
    # the AWS provider removes the default egress of groups it creates
    assert check(EGRESS, SG, sg()).clean


# --- sg-rules-described -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "description", ["Managed by Pulumi", " managed by terraform ", "", "  ", None]
)
def test_described_group_with_default_or_empty_description(description: Any) -> None:
    outcome = check(DESCRIBED, SG, sg(description=description), name="web")
    assert len(outcome.violations) == 1
    assert "Security group 'web'" in outcome.violations[0]


def test_described_native_group_uses_group_description() -> None:
    assert check(
        DESCRIBED, NATIVE_SG, {"groupDescription": "app tier", "securityGroupEgress": []}
    ).clean
    assert check(DESCRIBED, NATIVE_SG, {"securityGroupEgress": []}).violations


@pytest.mark.parametrize("type_", [VPC_IN, VPC_OUT])
def test_described_rule_resources(type_: str) -> None:
    assert check(DESCRIBED, type_, vpc_rule(description="HTTPS from the ALB")).clean
    outcome = check(DESCRIBED, type_, vpc_rule(description=None), name="r")
    assert "Security group rule 'r'" in outcome.violations[0]
    assert "has no description" in outcome.violations[0]


def test_described_inline_rules_each_need_one() -> None:
    props = sg(
        ingress=[inline(description="ssh from vpn"), inline(description="Managed by Pulumi")]
    )
    outcome = check(DESCRIBED, SG, props)
    assert len(outcome.violations) == 1 and "rule ingress[1]" in outcome.violations[0]
    assert "'Managed by Pulumi'" in outcome.violations[0]


def test_described_unknown_description_is_a_note() -> None:
    outcome = check(DESCRIBED, VPC_IN, vpc_rule(description=U))
    assert outcome.notes and not outcome.violations


def test_described_default_group_has_no_group_description_to_check() -> None:
    assert check(DESCRIBED, DEFAULT_SG, {}).clean


def test_described_native_rule_resources() -> None:
    props = {"groupId": "sg-1", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443}
    assert check(DESCRIBED, NATIVE_IN, props).violations
    assert check(DESCRIBED, NATIVE_IN, {**props, "description": "https"}).clean


# --- sg-default-group-closed (resource part) ------------------------------------------------------


def test_default_group_with_inline_rules_is_blocked() -> None:
    props = {
        "vpcId": "vpc-1",
        "ingress": [inline("-1", 0, 0, self=True)],
        "egress": [inline("-1", 0, 0, cidrBlocks=["0.0.0.0/0"])],
    }
    outcome = check(DEFAULT, DEFAULT_SG, props, name="default")
    assert len(outcome.violations) == 1
    message = outcome.violations[0]
    assert "Default security group 'default' declares 2 rule(s)" in message
    assert "ingress all traffic from self" in message and "EC2.2" in message


def test_default_group_without_rules_is_fine_and_other_groups_are_not_concerned() -> None:
    assert check(DEFAULT, DEFAULT_SG, {"vpcId": "vpc-1", "ingress": [], "egress": []}).clean
    assert check(DEFAULT, DEFAULT_SG, {"vpcId": "vpc-1"}, name="bare").clean
    assert check(DEFAULT, SG, sg(ingress=[inline(cidrBlocks=["0.0.0.0/0"])])).clean


def test_default_group_with_unknown_rules_is_a_note() -> None:
    outcome = check(DEFAULT, DEFAULT_SG, {"ingress": U, "egress": []})
    assert outcome.notes and not outcome.violations
    outcome = check(DEFAULT, DEFAULT_SG, {"ingress": [U]})
    assert outcome.violations  # a rule is declared, whatever it holds


# --- robustness -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "policy", [ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST, EGRESS, DESCRIBED, DEFAULT]
)
@pytest.mark.parametrize(
    "props",
    [
        {},
        {"ingress": None, "egress": "junk"},
        {"ingress": [{"protocol": None, "fromPort": {}, "cidrBlocks": [None]}]},
        {"ipProtocol": 3.7, "fromPort": float("1e308"), "cidrIpv4": 12},
        {"type": ["ingress"], "protocol": U, "cidrBlocks": U, "description": 5},
    ],
)
@pytest.mark.parametrize("type_", [SG, DEFAULT_SG, SG_RULE, VPC_IN, NATIVE_SG, NATIVE_OUT])
def test_garbage_never_raises(policy: str, props: Any, type_: str) -> None:
    check(policy, type_, props)


def test_non_security_group_resources_are_ignored() -> None:
    for policy in PUBLIC_INGRESS:
        assert check(policy, "aws:s3/bucket:Bucket", {"cidrIpv4": "0.0.0.0/0"}).clean


# --- the public-port policies together, on every type's registered shape -------------------------


@pytest.mark.parametrize("type_", EVERY_INGRESS_TYPE)
def test_shapes_tutorial_ssh_is_blocked_mandatorily_and_http_passes(type_: str) -> None:
    # The SDK tutorial's "ssh-http-sg": tcp 22 and tcp 80 from 0.0.0.0/0.
    ssh = registered_ingress(type_, "tcp", 22, 22, v4=[WORLD4], name="ssh-http-sg")
    assert public_hits(type_, ssh) == {ADMIN, HIGH_RISK, ALLOWLIST}
    assert all(level == "mandatory" for level in check_each(ADMIN, type_, ssh).levels)
    http = registered_ingress(type_, "tcp", 80, 80, v4=[WORLD4], name="ssh-http-sg")
    assert public_hits(type_, http) == set()


@pytest.mark.parametrize("type_", EVERY_INGRESS_TYPE)
def test_shapes_ftp_tutorial_range_21_80_open_to_the_world_and_a_private_cidr(type_: str) -> None:
    shape = registered_ingress(type_, "tcp", 21, 80, v4=[WORLD4, "10.0.0.0/16"], name="ftp")
    assert public_hits(type_, shape) == {ADMIN, HIGH_RISK, ALLOWLIST}
    [admin] = check_each(ADMIN, type_, shape).violations
    assert "22" in admin
    assert "21-23, 25" in " ".join(check_each(HIGH_RISK, type_, shape).violations)
    assert "21-79" in " ".join(check_each(ALLOWLIST, type_, shape).violations)


@pytest.mark.parametrize("type_", EVERY_INGRESS_TYPE)
def test_shapes_custom_app_port_5000_open_to_the_world(type_: str) -> None:
    shape = registered_ingress(type_, "tcp", 5000, 5000, v4=[WORLD4], name="flask")
    assert public_hits(type_, shape) == {HIGH_RISK, ALLOWLIST}


@pytest.mark.parametrize("type_", EVERY_INGRESS_TYPE)
@pytest.mark.parametrize(
    ("protocol", "from_port", "to_port"),
    [("-1", 22, 22), ("-1", 0, 0), ("all", 443, 443), (-1, 80, 80)],
)
def test_shapes_all_protocols_mean_every_port_whatever_ports_are_given(
    type_: str, protocol: Any, from_port: Any, to_port: Any
) -> None:
    shape = registered_ingress(type_, protocol, from_port, to_port, v4=[WORLD4])
    assert public_hits(type_, shape) == {ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST}


@pytest.mark.parametrize("type_", EVERY_INGRESS_TYPE)
def test_shapes_a_tcp_range_covering_every_port_is_all_traffic_but_port_zero_is_not(
    type_: str,
) -> None:
    every = registered_ingress(type_, "tcp", 0, 65535, v4=[WORLD4])
    assert public_hits(type_, every) == {ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST}
    zero = registered_ingress(type_, "tcp", 0, 0, v4=[WORLD4])
    assert public_hits(type_, zero) == {ALLOWLIST}
    assert "tcp 0 from 0.0.0.0/0" in check_each(ALLOWLIST, type_, zero).violations[0]


@pytest.mark.parametrize("type_", EVERY_INGRESS_TYPE)
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
def test_shapes_protocol_and_port_spellings(type_: str, protocol: Any, port: Any) -> None:
    shape = registered_ingress(type_, protocol, port, port, v4=[WORLD4])
    assert ADMIN in public_hits(type_, shape)


@pytest.mark.parametrize("type_", EVERY_INGRESS_TYPE)
@pytest.mark.parametrize("world", [WORLD6, "0::/0", "0:0:0:0:0:0:0:0/0"])
def test_shapes_ipv6_world_spellings(type_: str, world: str) -> None:
    shape = registered_ingress(type_, "tcp", 3389, 3389, v6=[world])
    assert {ADMIN, HIGH_RISK, ALLOWLIST} <= public_hits(type_, shape)


@pytest.mark.parametrize("type_", [t for t in EVERY_INGRESS_TYPE if t not in SINGLE_CIDR_TYPES])
def test_shapes_a_group_reference_never_cancels_a_world_cidr_in_the_same_rule(type_: str) -> None:
    shape = registered_ingress(type_, "tcp", 22, 22, v4=[WORLD4], group="sg-0aaaabbbbccccdddd")
    assert ADMIN in public_hits(type_, shape)


@pytest.mark.parametrize("type_", EVERY_INGRESS_TYPE)
def test_shapes_restricted_sources_and_other_protocols_pass(type_: str) -> None:
    cases = [
        registered_ingress(type_, "tcp", 22, 22, v4=["203.0.113.10/32"]),
        registered_ingress(type_, "tcp", 0, 65535, v4=["10.0.0.0/8"], v6=["fd00::/8"]),
        registered_ingress(type_, "tcp", 443, 443, v4=[WORLD4], v6=[WORLD6]),
        registered_ingress(type_, "icmp", -1, -1, v4=[WORLD4]),
        registered_ingress(type_, "50", 0, 0, v4=[WORLD4]),  # ESP: no tcp/udp ports to expose
        registered_ingress(type_, "tcp", 22, 22, group="sg-0aaaabbbbccccdddd"),
    ]
    for shape in cases:
        assert public_hits(type_, shape) == set(), shape


@pytest.mark.parametrize("type_", EVERY_INGRESS_TYPE)
def test_shapes_udp_53_to_the_world_is_only_an_allowlist_matter(type_: str) -> None:
    shape = registered_ingress(type_, "udp", 53, 53, v4=[WORLD4])
    assert public_hits(type_, shape) == {ALLOWLIST}


def test_shapes_messages_name_the_resource_the_rule_and_the_fix() -> None:
    ssh = registered_ingress(SG, "tcp", 22, 22, v4=[WORLD4], name="ssh-http-sg")
    [admin] = check_each(ADMIN, SG, ssh).violations
    assert admin.startswith(
        "Security group 'ssh-http-sg' rule ingress[0] allows ingress tcp 22 from 0.0.0.0/0"
    )
    assert "Fix:" in admin
    assert "203.0.113.10/32" in admin or "Session Manager" in admin
    [allow] = check_each(ALLOWLIST, SG, ssh).violations
    assert "authorizedPorts" in allow

    rdp = registered_ingress(SG_RULE, "tcp", 3389, 3389, v6=[WORLD6], name="rdp")
    [admin] = check_each(ADMIN, SG_RULE, rdp).violations
    assert admin.startswith("Security group rule 'rdp' allows ingress tcp 3389 from ::/0")

    default = registered_ingress(DEFAULT_SG, "tcp", 22, 22, v4=[WORLD4], name="default")
    assert (
        check_each(ADMIN, DEFAULT_SG, default)
        .violations[0]
        .startswith("Default security group 'default' rule ingress[0]")
    )


def test_shapes_egress_rules_are_not_public_ingress() -> None:
    assert public_hits(SG, registered_egress(SG, "tcp", 22, 22, v4=[WORLD4])) == set()


# --- egress, descriptions and the default group, on every type's registered shape ----------------


@pytest.mark.parametrize("type_", EVERY_EGRESS_TYPE)
def test_shapes_all_traffic_egress_to_the_world_is_advisory(type_: str) -> None:
    outcome = check_each(EGRESS, type_, registered_egress(type_, "-1", 0, 0, v4=[WORLD4]))
    [found] = outcome.violations
    assert "egress all traffic to 0.0.0.0/0" in found and "Fix:" in found
    assert all(level == "advisory" for level in outcome.levels)
    ipv6 = registered_egress(type_, "-1", 0, 0, v6=[WORLD6], name="out6")
    assert check_each(EGRESS, type_, ipv6).violations


@pytest.mark.parametrize("type_", EVERY_EGRESS_TYPE)
def test_shapes_narrow_egress_passes(type_: str) -> None:
    for shape in (
        registered_egress(type_, "tcp", 443, 443, v4=[WORLD4]),
        registered_egress(type_, "-1", 0, 0, v4=["10.0.0.0/8"]),
        registered_egress(type_, "tcp", 5432, 5432, group="sg-0aaaabbbbccccdddd"),
    ):
        assert not check_each(EGRESS, type_, shape).violations, shape


def test_egress_native_group_with_ingress_but_no_egress_keeps_awss_allow_all_rule() -> None:
    props = {"groupDescription": "web tier", "securityGroupIngress": []}
    [found] = check(EGRESS, NATIVE_SG, props, name="native").violations
    assert "declares no egress rules" in found


@pytest.mark.parametrize("type_", EVERY_TYPE)
@pytest.mark.parametrize("description", [None, "", "Managed by Pulumi", "  managed by terraform "])
def test_shapes_rules_without_a_real_description_are_advisory(type_: str, description: Any) -> None:
    direction = "egress" if "Egress" in type_ else "ingress"
    shape = registered(
        type_, direction, "tcp", 443, 443, v4=["10.0.0.0/8"], description=description
    )
    outcome = check_each(DESCRIBED, type_, shape)
    assert outcome.violations, (type_, description)
    assert all(level == "advisory" for level in outcome.levels)
    assert all("Fix:" in found for found in outcome.violations)


@pytest.mark.parametrize("type_", [SG, NATIVE_SG])
def test_shapes_a_group_needs_its_own_description(type_: str) -> None:
    shape = registered_ingress(
        type_, "tcp", 443, 443, v4=["10.0.0.0/8"], group_description="Managed by Pulumi", name="g"
    )
    assert any("Managed by Pulumi" in f for f in check_each(DESCRIBED, type_, shape).violations)


@pytest.mark.parametrize("type_", EVERY_TYPE)
def test_shapes_described_rules_pass(type_: str) -> None:
    direction = "egress" if "Egress" in type_ else "ingress"
    shape = registered(type_, direction, "tcp", 443, 443, v4=["10.0.0.0/8"])
    assert not check_each(DESCRIBED, type_, shape).violations


def test_shapes_a_default_group_with_an_inline_rule_is_blocked() -> None:
    shape = registered_ingress(DEFAULT_SG, "tcp", 443, 443, v4=["10.0.0.0/8"], name="default")
    [found] = check_each(DEFAULT, DEFAULT_SG, shape).violations
    assert found.startswith("Default security group 'default' declares 1 rule(s)")
    assert "Fix:" in found
    assert blocking(DEFAULT_SG, shape)


def test_default_group_rule_attached_through_the_groups_urn_in_preview() -> None:
    # Preview: the default group's id is unknown; the engine still records that the rule's
    # securityGroupId came from it (propertyDependencies). The stack part of the policy; the
    # resource part sees nothing wrong with either resource.
    closed = {"vpcId": "vpc-0123", "ingress": [], "egress": []}
    default = Res(
        DEFAULT_SG,
        "default",
        {"vpcId": "vpc-0123", "id": U, "ingress": U, "egress": U},
    )
    [(_, rule_props)] = registered_ingress(
        VPC_IN, "tcp", 443, 443, v4="10.0.0.0/8", name="sneaky", security_group_id=U
    )
    rule = Res(
        VPC_IN,
        "sneaky",
        rule_props,
        dependencies=[default.urn],
        property_dependencies={"securityGroupId": [default.urn]},
    )
    assert check(DEFAULT, DEFAULT_SG, closed, name="default").clean
    assert not check(DEFAULT, VPC_IN, rule_props, name="sneaky").violations
    outcome = check_stack(DEFAULT, [default, rule])
    assert len(outcome.violations) == 1 and outcome.violations[0].startswith(
        "Security group rule 'sneaky' attaches ingress tcp 443"
    )
    assert outcome.urns == [rule.urn]
    assert outcome.levels == ["mandatory"]


def test_default_group_rule_on_a_vpcs_known_default_group_id() -> None:
    vpc = Res(
        VPC,
        "main",
        {"cidrBlock": "10.0.0.0/16", "id": "vpc-1", "defaultSecurityGroupId": "sg-default1"},
    )
    [(_, on_default)] = registered_ingress(
        VPC_IN, "tcp", 443, 443, v4="10.0.0.0/8", security_group_id="sg-default1"
    )
    assert check_stack(DEFAULT, [vpc, Res(VPC_IN, "on-default", on_default)]).violations
    [(_, elsewhere)] = registered_ingress(
        VPC_IN, "tcp", 443, 443, v4="10.0.0.0/8", security_group_id="sg-other"
    )
    assert not check_stack(DEFAULT, [vpc, Res(VPC_IN, "elsewhere", elsewhere)]).violations


# --- preview unknowns and secrets, as the engine sends them --------------------------------------
# The Python SDK registers every unknown Output without a type, so the engine marshals even an
# unknown port as the *string* sentinel (U); UN is the number sentinel. The pack must skip only
# the part of a check that needs the value, say so in an advisory note, and never go silent.


@pytest.mark.parametrize("type_", EVERY_INGRESS_TYPE)
@pytest.mark.parametrize("marker", [U, UN])
def test_shapes_an_unknown_port_leaves_a_note_per_policy_and_blocks_nothing(
    type_: str, marker: Any
) -> None:
    shape = registered_ingress(type_, "tcp", marker, 22, v4=[WORLD4], name="late")
    assert blocking(type_, shape) <= {DEFAULT}
    for policy in PUBLIC_INGRESS:
        outcome = check_each(policy, type_, shape)
        [note] = outcome.notes
        assert "fromPort is unknown in preview" in note
        assert "checked again at `pulumi up`" in note
        assert all(level == "advisory" for level in outcome.levels)


def test_an_all_protocols_rule_needs_no_port_to_be_judged() -> None:
    outcome = check_each(ALL_TRAFFIC, VPC_IN, registered_ingress(VPC_IN, "-1", U, U, v4=WORLD4))
    assert outcome.violations
    assert not outcome.notes


@pytest.mark.parametrize("type_", [SG, SG_RULE])
def test_an_unknown_cidr_list_is_a_note_not_a_crash(type_: str) -> None:
    shape = registered_ingress(type_, "tcp", 22, 22, v4=UNKNOWN_ARRAY, name="cidrs")
    assert not blocking(type_, shape)
    [note] = check_each(ADMIN, type_, shape).notes
    assert "cidrBlocks is unknown in preview" in note


def test_an_unknown_cidr_next_to_a_private_one_still_leaves_a_note() -> None:
    rule = inline("tcp", 22, cidrBlocks=["10.0.0.0/8", U], description="x")
    props = {"description": "db", "ingress": [rule], "egress": []}
    assert not blocking(SG, [("partly-known", props)])
    assert check(ADMIN, SG, props, name="partly-known").notes


def test_a_known_world_cidr_next_to_an_unknown_one_is_still_blocked() -> None:
    rule = inline("tcp", 22, cidrBlocks=[U, "0.0.0.0/0"], description="x")
    props = {"description": "db", "ingress": [rule], "egress": []}
    assert check(ADMIN, SG, props, name="half-open").violations


def test_a_wholly_unknown_ingress_list_and_an_unknown_protocol_block_nothing() -> None:
    unknown_list = {"description": "x", "ingress": U, "egress": []}
    assert not blocking(SG, [("later", unknown_list)])
    assert check(ADMIN, SG, unknown_list, name="later").notes
    protocol = registered_ingress(VPC_IN, U, 22, 22, v4=WORLD4)
    assert not blocking(VPC_IN, protocol)
    assert "ipProtocol is unknown in preview" in check_each(ADMIN, VPC_IN, protocol).notes[0]


def test_the_group_id_of_a_rule_is_unknown_in_preview_and_that_is_fine() -> None:
    shape = registered_ingress(VPC_IN, "tcp", 443, 443, v4=WORLD4, security_group_id=U)
    for policy in RESOURCE_POLICIES:
        assert check_each(policy, VPC_IN, shape).clean, policy


def test_secrets_are_judged_by_their_value() -> None:
    shape = registered_ingress(VPC_IN, "tcp", 22, 22, v4=secret(WORLD4))
    assert check_each(ADMIN, VPC_IN, shape).violations


def test_in_an_update_a_malformed_from_port_is_reported_not_passed() -> None:
    # A value the provider would reject can never be verified: the pack says so at the
    # policy's own level instead of passing it.
    shape = registered_ingress(VPC_IN, "tcp", "twenty-two", 22, v4=WORLD4, name="typo")
    [problem] = check_each(ADMIN, VPC_IN, shape).violations
    assert "cannot be verified" in problem and "'twenty-two'" in problem
    assert blocking(VPC_IN, shape)
