"""Values unknown during `pulumi preview`, as the engine sends them (sentinel strings).

The Python SDK registers every unknown Output without a type, so the engine marshals even an
unknown port as the *string* sentinel; UNKNOWN is that. The pack must skip only the part of a
check that needs the value, say so in an advisory note, and never crash or go silent.
"""

import pytest
from protocol_shapes import (
    INGRESS_TYPES,
    PUBLIC_PORT_POLICIES,
    SG,
    SG_RULE,
    VPC_IN,
    analyze_all,
    ingress,
    notes,
    violations,
)

from analyzer_client import UNKNOWN, UNKNOWN_ARRAY, UNKNOWN_NUMBER, EnforcementLevel, Resource

ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST = PUBLIC_PORT_POLICIES


@pytest.mark.parametrize("type_", INGRESS_TYPES)
@pytest.mark.parametrize("marker", [UNKNOWN, UNKNOWN_NUMBER])
def test_an_unknown_port_leaves_a_note_per_policy_and_blocks_nothing(pack, type_, marker):
    result = analyze_all(pack, ingress(type_, "tcp", marker, 22, v4=["0.0.0.0/0"], name="late"))
    assert result.passed or {d.policy_name for d in result.mandatory} == {"sg-default-group-closed"}
    for policy in (ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST):
        [note] = notes(result, policy)
        assert "fromPort is unknown in preview" in note
        assert "checked again at `pulumi up`" in note
        assert all(
            d.enforcement_level is EnforcementLevel.ADVISORY for d in result.for_policy(policy)
        )


def test_an_unknown_port_does_not_hide_the_groups_other_rules(pack):
    group = Resource(
        SG,
        "mixed",
        {
            "description": "web tier",
            "ingress": [
                {
                    "protocol": "tcp",
                    "fromPort": UNKNOWN,
                    "toPort": UNKNOWN,
                    "cidrBlocks": ["0.0.0.0/0"],
                    "description": "app",
                },
                {
                    "protocol": "tcp",
                    "fromPort": 3389,
                    "toPort": 3389,
                    "cidrBlocks": ["0.0.0.0/0"],
                    "description": "rdp",
                },
            ],
            "egress": [],
        },
    )
    result = pack.analyze(group)
    [rdp] = violations(result, ADMIN)
    assert "ingress[1]" in rdp and "3389" in rdp
    [note] = notes(result, ADMIN)
    assert "ingress[0]" in note
    assert not result.passed


def test_an_all_protocols_rule_needs_no_port_to_be_judged(pack):
    result = analyze_all(pack, ingress(VPC_IN, "-1", UNKNOWN, UNKNOWN, v4="0.0.0.0/0"))
    assert violations(result, ALL_TRAFFIC)
    assert not notes(result, ALL_TRAFFIC)


@pytest.mark.parametrize("type_", [SG, SG_RULE])
def test_an_unknown_cidr_list_is_a_note_not_a_crash(pack, type_):
    result = analyze_all(pack, ingress(type_, "tcp", 22, 22, v4=UNKNOWN_ARRAY, name="cidrs"))
    assert result.passed
    [note] = notes(result, ADMIN)
    assert "cidrBlocks is unknown in preview" in note


def test_an_unknown_cidr_next_to_a_private_one_still_leaves_a_note(pack):
    group = Resource(
        SG,
        "partly-known",
        {
            "description": "db",
            "ingress": [
                {
                    "protocol": "tcp",
                    "fromPort": 22,
                    "toPort": 22,
                    "cidrBlocks": ["10.0.0.0/8", UNKNOWN],
                    "description": "x",
                }
            ],
            "egress": [],
        },
    )
    result = pack.analyze(group)
    assert result.passed
    assert notes(result, ADMIN)


def test_a_known_world_cidr_next_to_an_unknown_one_is_still_blocked(pack):
    group = Resource(
        SG,
        "half-open",
        {
            "description": "db",
            "ingress": [
                {
                    "protocol": "tcp",
                    "fromPort": 22,
                    "toPort": 22,
                    "cidrBlocks": [UNKNOWN, "0.0.0.0/0"],
                    "description": "x",
                }
            ],
            "egress": [],
        },
    )
    assert violations(pack.analyze(group), ADMIN)


def test_a_wholly_unknown_ingress_list_and_unknown_protocol_are_notes(pack):
    unknown_list = pack.analyze(
        Resource(SG, "later", {"description": "x", "ingress": UNKNOWN, "egress": []})
    )
    assert unknown_list.passed
    assert notes(unknown_list, ADMIN)
    protocol = analyze_all(pack, ingress(VPC_IN, UNKNOWN, 22, 22, v4="0.0.0.0/0"))
    assert protocol.passed
    assert "ipProtocol is unknown in preview" in notes(protocol, ADMIN)[0]


def test_the_group_id_of_a_rule_is_unknown_in_preview_and_that_is_fine(pack):
    result = analyze_all(
        pack, ingress(VPC_IN, "tcp", 443, 443, v4="0.0.0.0/0", security_group_id=UNKNOWN)
    )
    assert not result.diagnostics


def test_secrets_are_judged_by_their_value(pack):
    from analyzer_client import Secret

    result = analyze_all(pack, ingress(VPC_IN, "tcp", 22, 22, v4=Secret("0.0.0.0/0")))
    assert violations(result, ADMIN)


def test_in_an_update_nothing_is_unknown_and_malformed_values_are_reported(pack):
    # A value the provider would reject can never be verified: the pack says so at the
    # policy's own level instead of passing it.
    result = analyze_all(
        pack, ingress(VPC_IN, "tcp", "twenty-two", 22, v4="0.0.0.0/0", name="typo")
    )
    [problem] = violations(result, ADMIN)
    assert "cannot be verified" in problem and "'twenty-two'" in problem
    assert not result.passed
