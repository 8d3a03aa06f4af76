"""normalize_resource: every resource type reduces to the same rule model; never raises."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sg_guardrails import normalize_resource
from sg_guardrails.model import EVERY_PORT, NormalizedRule, PeerRef, PortRange
from sg_guardrails.values import UnknownValue
from tests.policies.unit.sgkit import (
    DEFAULT_SG,
    NATIVE_IN,
    NATIVE_OUT,
    NATIVE_SG,
    SG,
    SG_RULE,
    VPC_IN,
    VPC_OUT,
    U,
    engine_props,
    inline,
    secret,
    sg,
    vpc_rule,
)


def one_rule(type_: str, props: Any) -> NormalizedRule:
    resource = normalize_resource(type_, props)
    assert resource is not None
    assert len(resource.rules) == 1, resource.rules
    return resource.rules[0]


def test_unrelated_types_are_ignored() -> None:
    assert normalize_resource("aws:s3/bucket:Bucket", {"ingress": []}) is None


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (SG, sg(ingress=[inline("tcp", 22, cidrBlocks=["0.0.0.0/0"], description="ssh")])),
        (DEFAULT_SG, {"ingress": [inline("tcp", 22, cidrBlocks=["0.0.0.0/0"], description="ssh")]}),
        (
            SG_RULE,
            {
                "type": "ingress",
                "securityGroupId": "sg-1",
                "protocol": "tcp",
                "fromPort": 22,
                "toPort": 22,
                "cidrBlocks": ["0.0.0.0/0"],
                "description": "ssh",
            },
        ),
        (VPC_IN, vpc_rule("tcp", 22, cidrIpv4="0.0.0.0/0", description="ssh")),
        (
            NATIVE_SG,
            {
                "groupDescription": "g",
                "securityGroupIngress": [
                    {
                        "ipProtocol": "tcp",
                        "fromPort": 22,
                        "toPort": 22,
                        "cidrIp": "0.0.0.0/0",
                        "description": "ssh",
                    }
                ],
                "securityGroupEgress": [{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443}],
            },
        ),
        (
            NATIVE_IN,
            {
                "groupId": "sg-1",
                "ipProtocol": "tcp",
                "fromPort": 22,
                "toPort": 22,
                "cidrIp": "0.0.0.0/0",
                "description": "ssh",
            },
        ),
    ],
)
def test_every_type_yields_the_same_ssh_rule(type_: str, props: Any) -> None:
    resource = normalize_resource(type_, engine_props(props))
    assert resource is not None
    rule = next(r for r in resource.rules if r.direction == "ingress")
    assert (rule.protocol, rule.ports, rule.ipv4_cidrs, rule.description) == (
        "tcp",
        PortRange(22, 22),
        ("0.0.0.0/0",),
        "ssh",
    )
    assert rule.describe() == "ingress tcp 22 from 0.0.0.0/0"


def test_directions_by_type() -> None:
    assert one_rule(VPC_OUT, vpc_rule(cidrIpv4="10.0.0.0/8")).direction == "egress"
    native = {"groupId": "sg-1", "ipProtocol": "-1", "cidrIp": "0.0.0.0/0"}
    assert one_rule(NATIVE_OUT, native).direction == "egress"
    classic = {"type": " EGRESS ", "protocol": "-1", "fromPort": 0, "toPort": 0}
    assert one_rule(SG_RULE, classic).direction == "egress"
    rule = one_rule(SG_RULE, {"type": "sideways", "protocol": "tcp", "fromPort": 1, "toPort": 1})
    assert rule.direction is None
    assert rule.unknowns[0].kind == "malformed"
    assert one_rule(SG_RULE, {"type": U, "protocol": "-1"}).unknowns[0].kind == "unknown"


@pytest.mark.parametrize(
    ("protocol", "expected"),
    [
        ("tcp", "tcp"),
        (" TCP ", "tcp"),
        ("Udp", "udp"),
        ("6", "tcp"),
        (6, "tcp"),
        (6.0, "tcp"),
        ("17", "udp"),
        (1, "icmp"),
        ("58", "icmpv6"),
        ("ICMPv6", "icmpv6"),
        ("-1", "all"),
        (-1.0, "all"),
        ("all", "all"),
        (" ALL", "all"),
        ("50", "50"),
        (132, "132"),
    ],
)
def test_protocol_normalisation(protocol: Any, expected: Any) -> None:
    assert one_rule(VPC_IN, vpc_rule(protocol, 22, cidrIpv4="10.0.0.0/8")).protocol == expected


@pytest.mark.parametrize("protocol", ["tpc", "", 256, -2, 6.5, True, [6], {"p": 6}])
def test_bad_protocols_are_malformed_not_errors(protocol: Any) -> None:
    rule = one_rule(VPC_IN, vpc_rule(protocol, 22, cidrIpv4="0.0.0.0/0"))
    assert rule.protocol is None
    assert [(u.aspect, u.kind) for u in rule.unknowns] == [("protocol", "malformed")]


def test_all_protocols_means_every_port_whatever_ports_are_given() -> None:
    for protocol in ("-1", "all", -1):
        rule = one_rule(VPC_IN, vpc_rule(protocol, 22, 22, cidrIpv4="0.0.0.0/0"))
        assert rule.ports == EVERY_PORT


def test_other_protocol_numbers_carry_no_tcp_ports() -> None:
    rule = one_rule(VPC_IN, vpc_rule("50", 0, 65535, cidrIpv4="0.0.0.0/0"))
    assert (rule.protocol, rule.ports) == ("50", None)
    assert rule.describe() == "ingress protocol 50 from 0.0.0.0/0"


@pytest.mark.parametrize(
    ("from_port", "to_port", "expected"),
    [
        (22.0, 22.0, PortRange(22, 22)),
        ("22", "22.0", PortRange(22, 22)),
        (0, 0, PortRange(0, 0)),
        (0, 65535, EVERY_PORT),
        (21, 80, PortRange(21, 80)),
    ],
)
def test_ports_from_floats_and_numeric_strings(from_port: Any, to_port: Any, expected: Any) -> None:
    rule = one_rule(VPC_IN, vpc_rule("tcp", from_port, to_port, cidrIpv4="10.0.0.0/8"))
    assert rule.ports == expected
    assert not rule.unknowns


def test_port_zero_is_port_zero_not_every_port() -> None:
    rule = one_rule(VPC_IN, vpc_rule("tcp", 0, 0, cidrIpv4="0.0.0.0/0"))
    assert rule.ports == PortRange(0, 0)
    assert not rule.ports.is_every_port
    assert str(rule.ports) == "0"


@pytest.mark.parametrize(
    ("from_port", "to_port", "reason"),
    [
        ("abc", 22, "'abc' is not an integer"),
        (22.5, 22.5, "22.5 is not an integer"),
        (70000, 70000, "70000 is outside 0..65535"),
        (-1, 22, "-1 is outside 0..65535"),
        (80, 21, "80 is above toPort 21"),
        (True, True, "True is not an integer"),
        (None, 22, "is missing"),
    ],
)
def test_bad_ports_are_malformed_with_a_reason(from_port: Any, to_port: Any, reason: str) -> None:
    props = vpc_rule("tcp", 1, cidrIpv4="10.0.0.0/8")
    props.update(fromPort=from_port, toPort=to_port)
    rule = one_rule(VPC_IN, props)
    assert rule.ports is None
    assert any(u.kind == "malformed" and reason in u.reason for u in rule.unknowns), rule.unknowns


def test_unknown_ports_in_preview() -> None:
    rule = one_rule(VPC_IN, vpc_rule("tcp", U, cidrIpv4="0.0.0.0/0"))
    assert rule.ports is None
    assert {(u.field, u.kind) for u in rule.unknowns} == {
        ("fromPort", "unknown"),
        ("toPort", "unknown"),
    }
    assert "(ports unknown)" in rule.describe()


def test_cidrs_are_filed_by_parsed_family_and_host_bits_are_allowed() -> None:
    rule = one_rule(
        SG,
        sg(ingress=[inline(cidrBlocks=["10.0.0.5/8", "::/0"], ipv6CidrBlocks=["2001:db8::/32"])]),
    )
    assert rule.ipv4_cidrs == ("10.0.0.5/8",)
    assert rule.ipv6_cidrs == ("::/0", "2001:db8::/32")


def test_bad_and_unknown_cidrs() -> None:
    rule = one_rule(SG, sg(ingress=[inline(cidrBlocks=["0.0.0.0/0", "nope", 7, U])]))
    assert rule.ipv4_cidrs == ("0.0.0.0/0",)
    assert [(u.field, u.kind) for u in rule.unknowns] == [
        ("ingress[0].cidrBlocks[1]", "malformed"),
        ("ingress[0].cidrBlocks[2]", "malformed"),
        ("ingress[0].cidrBlocks[3]", "unknown"),
    ]


def test_a_bare_string_where_a_list_is_expected_is_still_judged() -> None:
    rule = one_rule(SG, sg(ingress=[inline(cidrBlocks="0.0.0.0/0")]))
    assert rule.ipv4_cidrs == ("0.0.0.0/0",)


def test_peers_add_sources_and_keep_the_world_cidr() -> None:
    rule = one_rule(
        SG,
        sg(
            ingress=[
                inline(
                    cidrBlocks=["0.0.0.0/0"],
                    securityGroups=["sg-2", U],
                    prefixListIds=["pl-1"],
                    self=True,
                )
            ]
        ),
    )
    assert rule.ipv4_cidrs == ("0.0.0.0/0",)
    assert rule.other_sources == (
        PeerRef("group", "sg-2", "ingress[0].securityGroups"),
        PeerRef("group", None, "ingress[0].securityGroups"),
        PeerRef("prefix-list", "pl-1", "ingress[0].prefixListIds"),
        PeerRef("self", None, "ingress[0].self"),
    )


def test_rule_resources_record_their_group_and_peer_fields() -> None:
    resource = normalize_resource(
        VPC_IN, vpc_rule(securityGroupId=U, referencedSecurityGroupId="sg-9")
    )
    assert resource is not None
    assert resource.group == PeerRef("group", None, "securityGroupId")
    assert resource.rules[0].other_sources == (
        PeerRef("group", "sg-9", "referencedSecurityGroupId"),
    )
    native = normalize_resource(NATIVE_OUT, {"groupId": "sg-1", "destinationPrefixListId": "pl-2"})
    assert native is not None
    assert native.group == PeerRef("group", "sg-1", "groupId")
    assert native.rules[0].other_sources == (
        PeerRef("prefix-list", "pl-2", "destinationPrefixListId"),
    )


def test_secret_values_are_judged_by_their_content() -> None:
    rule = one_rule(VPC_IN, engine_props(vpc_rule(cidrIpv4=secret("0.0.0.0/0"))))
    assert rule.ipv4_cidrs == ("0.0.0.0/0",)


def test_wholly_unknown_inline_list_is_a_placeholder_for_inputs_only() -> None:
    inputs = normalize_resource(SG, sg(ingress=U))
    assert inputs is not None
    assert [(r.direction, r.origin) for r in inputs.rules] == [("ingress", "ingress")]
    assert inputs.unknowns[0].field == "ingress"
    outputs = normalize_resource(SG, sg(ingress=U), outputs=True)
    assert outputs is not None
    assert outputs.rules == ()


def test_malformed_items_become_opaque_rules() -> None:
    resource = normalize_resource(SG, sg(ingress=[42, U]))
    assert resource is not None
    assert [(r.origin, r.unknowns[0].kind) for r in resource.rules] == [
        ("ingress[0]", "malformed"),
        ("ingress[1]", "unknown"),
    ]


def test_native_group_without_egress_keeps_the_aws_default_egress() -> None:
    resource = normalize_resource(NATIVE_SG, {"groupDescription": "g"})
    assert resource is not None
    (rule,) = resource.rules
    assert (rule.implicit, rule.protocol, rule.ipv4_cidrs) == (True, "all", ("0.0.0.0/0",))
    assert resource.inline_rules == ()
    declared = normalize_resource(
        NATIVE_SG, {"securityGroupEgress": [{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443}]}
    )
    assert declared is not None
    assert not any(r.implicit for r in declared.rules)


def test_tags_from_maps_and_native_lists() -> None:
    classic = normalize_resource(SG, sg(tags={"a": "1", "n": 2}, tagsAll={"a": "0", "b": "2"}))
    assert classic is not None
    assert classic.tags == {"a": "1", "b": "2"}
    native = normalize_resource(NATIVE_SG, {"tags": [{"key": "k", "value": "v"}, "junk"]})
    assert native is not None
    assert native.tags == {"k": "v"}


def test_non_object_props() -> None:
    resource = normalize_resource(SG, ["not", "an", "object"])
    assert resource is not None
    assert resource.rules[0].unknowns[0].kind == "malformed"
    unknown = normalize_resource(VPC_IN, UnknownValue())
    assert unknown is not None
    assert unknown.rules[0].unknowns[0].kind == "unknown"


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["tcp", "-1", "0.0.0.0/0", "::/0", "22", U, "ingress", "sg-1"])
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "protocol",
                    "ipProtocol",
                    "fromPort",
                    "toPort",
                    "cidrBlocks",
                    "cidrIpv4",
                    "cidrIp",
                    "ipv6CidrBlocks",
                    "securityGroups",
                    "self",
                    "type",
                    "ingress",
                    "egress",
                    "securityGroupIngress",
                    "description",
                    "tags",
                    "groupId",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    type_=st.sampled_from(
        [SG, DEFAULT_SG, SG_RULE, VPC_IN, VPC_OUT, NATIVE_SG, NATIVE_IN, NATIVE_OUT]
    ),
    props=_json,
)
def test_arbitrary_props_never_raise(type_: str, props: Any) -> None:
    resource = normalize_resource(type_, props)
    assert resource is not None
    for rule in resource.rules:
        rule.describe()
