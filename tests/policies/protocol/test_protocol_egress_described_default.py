"""sg-no-unrestricted-egress, sg-rules-described and sg-default-group-closed, per resource type."""

import pytest
from protocol_shapes import (
    ALL_TYPES,
    DEFAULT_SG,
    EGRESS_TYPES,
    NATIVE_SG,
    SG,
    VPC,
    VPC_IN,
    analyze_all,
    egress,
    ingress,
    notes,
    rule_resources,
    violations,
)

from analyzer_client import UNKNOWN, EnforcementLevel, Resource

EGRESS = "sg-no-unrestricted-egress"
DESCRIBED = "sg-rules-described"
DEFAULT = "sg-default-group-closed"


@pytest.mark.parametrize("type_", EGRESS_TYPES)
def test_all_traffic_egress_to_the_world_is_advisory(pack, type_):
    result = analyze_all(pack, egress(type_, "-1", 0, 0, v4=["0.0.0.0/0"], name="out"))
    [found] = violations(result, EGRESS)
    assert "egress all traffic to 0.0.0.0/0" in found and "Fix:" in found
    assert all(d.enforcement_level is EnforcementLevel.ADVISORY for d in result.for_policy(EGRESS))
    ipv6 = analyze_all(pack, egress(type_, "-1", 0, 0, v6=["::/0"], name="out6"))
    assert violations(ipv6, EGRESS)


@pytest.mark.parametrize("type_", EGRESS_TYPES)
def test_narrow_egress_passes(pack, type_):
    for resources in (
        egress(type_, "tcp", 443, 443, v4=["0.0.0.0/0"]),
        egress(type_, "-1", 0, 0, v4=["10.0.0.0/8"]),
        egress(type_, "tcp", 5432, 5432, group="sg-0aaaabbbbccccdddd"),
    ):
        assert not violations(analyze_all(pack, resources), EGRESS), resources


def test_aws_native_group_without_egress_keeps_awss_allow_all_rule(pack):
    group = Resource(
        NATIVE_SG, "native", {"groupDescription": "web tier", "securityGroupIngress": []}
    )
    [found] = violations(pack.analyze(group), EGRESS)
    assert "declares no egress rules" in found


@pytest.mark.parametrize("type_", ALL_TYPES)
@pytest.mark.parametrize("description", [None, "", "Managed by Pulumi", "  managed by terraform "])
def test_rules_without_a_real_description_are_advisory(pack, type_, description):
    direction = "egress" if "Egress" in type_ else "ingress"
    resources = rule_resources(
        type_, direction, "tcp", 443, 443, v4=["10.0.0.0/8"], description=description
    )
    result = analyze_all(pack, resources)
    found = violations(result, DESCRIBED)
    assert found, (type_, description)
    assert all(
        d.enforcement_level is EnforcementLevel.ADVISORY for d in result.for_policy(DESCRIBED)
    )
    assert all("Fix:" in f for f in found)


@pytest.mark.parametrize("type_", [SG, NATIVE_SG])
def test_a_group_needs_its_own_description(pack, type_):
    resources = ingress(
        type_, "tcp", 443, 443, v4=["10.0.0.0/8"], group_description="Managed by Pulumi", name="g"
    )
    found = violations(analyze_all(pack, resources), DESCRIBED)
    assert any("Managed by Pulumi" in f for f in found)


@pytest.mark.parametrize("type_", ALL_TYPES)
def test_described_rules_pass(pack, type_):
    direction = "egress" if "Egress" in type_ else "ingress"
    resources = rule_resources(type_, direction, "tcp", 443, 443, v4=["10.0.0.0/8"])
    assert not violations(analyze_all(pack, resources), DESCRIBED)


def test_an_unknown_description_is_a_note(pack):
    result = analyze_all(
        pack, ingress(VPC_IN, "tcp", 443, 443, v4="10.0.0.0/8", description=UNKNOWN)
    )
    assert not violations(result, DESCRIBED)
    assert notes(result, DESCRIBED)


# ------------------------------------------------------------------ the default group


def test_a_default_group_with_inline_rules_is_blocked(pack):
    result = analyze_all(
        pack, ingress(DEFAULT_SG, "tcp", 443, 443, v4=["10.0.0.0/8"], name="default")
    )
    [found] = violations(result, DEFAULT)
    assert found.startswith("Default security group 'default' declares 1 rule(s)")
    assert "Fix:" in found
    assert not result.passed


def test_a_closed_default_group_passes(pack):
    closed = Resource(DEFAULT_SG, "default", {"vpcId": "vpc-0123", "ingress": [], "egress": []})
    assert not pack.analyze(closed).for_policy(DEFAULT)
    assert not pack.analyze(Resource(DEFAULT_SG, "bare", {"vpcId": "vpc-0123"})).for_policy(DEFAULT)


def test_a_rule_attached_to_the_default_group_in_preview_is_blocked_at_stack_level(pack):
    # Preview: the default group's id is unknown; the engine still records that the rule's
    # securityGroupId came from it (propertyDependencies).
    default = Resource(DEFAULT_SG, "default", {"vpcId": "vpc-0123", "ingress": [], "egress": []})
    default_urn = pack.urn(default.type, default.name)
    default = Resource(
        DEFAULT_SG,
        "default",
        {"vpcId": "vpc-0123", "ingress": [], "egress": []},
        outputs={"vpcId": "vpc-0123", "id": UNKNOWN, "ingress": UNKNOWN, "egress": UNKNOWN},
    )
    [rule] = ingress(
        VPC_IN, "tcp", 443, 443, v4="10.0.0.0/8", name="sneaky", security_group_id=UNKNOWN
    )
    rule = Resource(
        rule.type,
        rule.name,
        rule.inputs,
        dependencies=[default_urn],
        property_dependencies={"securityGroupId": [default_urn]},
    )
    result = pack.run([default, rule])
    found = violations(result, DEFAULT)
    assert len(found) == 1 and found[0].startswith(
        "Security group rule 'sneaky' attaches ingress tcp 443"
    )
    [diag] = [d for d in result.for_policy(DEFAULT) if d.detail == found[0]]
    assert diag.urn == pack.urn(rule.type, rule.name)
    assert diag.enforcement_level is EnforcementLevel.MANDATORY


def test_a_rule_on_a_vpcs_default_group_id_is_blocked(pack):
    vpc = Resource(
        VPC,
        "main",
        {"cidrBlock": "10.0.0.0/16"},
        outputs={
            "cidrBlock": "10.0.0.0/16",
            "id": "vpc-1",
            "defaultSecurityGroupId": "sg-default1",
        },
    )
    [rule] = ingress(
        VPC_IN, "tcp", 443, 443, v4="10.0.0.0/8", name="on-default", security_group_id="sg-default1"
    )
    assert violations(pack.run([vpc, rule]), DEFAULT)
    [other] = ingress(
        VPC_IN, "tcp", 443, 443, v4="10.0.0.0/8", name="elsewhere", security_group_id="sg-other"
    )
    assert not violations(pack.run([vpc, other]), DEFAULT)
