"""references.resolve: one resolution (id, propertyDependencies, dependencies) for rules' groups,
owners and adopters alike."""

from __future__ import annotations

from sg_guardrails.references import Resolution, Targets, resolve
from sg_guardrails.stack_graph import analyze
from sg_guardrails.stack_resources import ResourceRecord
from tests.policies.unit.sgkit import DEFAULT_SG, RULES_EXCLUSIVE, SG, VPC, VPC_IN, U, urn, vpc_rule


def _vpcs() -> Targets:
    vpcs = Targets("VPC")
    vpcs.add(urn(VPC, "a"), ids=["vpc-a"])
    vpcs.add(urn(VPC, "b"), ids=[None])
    return vpcs


def _record(value: object = U, deps: list[str] | None = None, *rest: str) -> ResourceRecord:
    return ResourceRecord(
        DEFAULT_SG,
        urn(DEFAULT_SG, "d"),
        {"vpcId": value},
        {} if deps is None else {"vpcId": deps},
        list(rest),
    )


def test_each_step_in_order_and_why_not() -> None:
    vpcs, a, b = _vpcs(), urn(VPC, "a"), urn(VPC, "b")
    assert resolve("vpc-a", "vpcId", _record(), vpcs) == Resolution(a, "id")
    assert resolve(None, "vpcId", _record(U, [b]), vpcs) == Resolution(b, "propertyDependencies")
    assert resolve(None, "vpcId", _record(U, [], b), vpcs) == Resolution(b, "dependencies")
    unknown = Resolution(None, "vpcId is unknown in preview and has no recorded dependency")
    assert resolve(None, "vpcId", _record(U, [], a, b), vpcs) == unknown
    assert resolve(None, "vpcId", _record(U, [], b), vpcs, by_dependencies=False) == unknown
    outside = Resolution(None, "vpc-x is not a VPC of this stack", "vpc-x")
    assert resolve("vpc-x", "vpcId", _record("vpc-x", [], b), vpcs) == outside


def test_several_recorded_targets_are_not_narrowed_by_dependencies() -> None:
    vpcs, a, b = _vpcs(), urn(VPC, "a"), urn(VPC, "b")
    several = Resolution(None, "vpcId depends on several VPCs")
    assert resolve(None, "vpcId", _record(U, [a, b], a), vpcs) == several
    # A known id that is none of the stack's is outside it, however it was computed.
    known = resolve("vpc-x", "vpcId", _record("vpc-x", [a, b]), vpcs)
    assert known == Resolution(None, "vpcId depends on several VPCs", "vpc-x")


def test_owners_and_adopters_are_one_reference_type() -> None:
    vpc = ResourceRecord(VPC, urn(VPC, "main"), {"id": U, "defaultSecurityGroupId": U})
    group = ResourceRecord(SG, urn(SG, "web"), {"id": U})
    owner = ResourceRecord(
        RULES_EXCLUSIVE, urn(RULES_EXCLUSIVE, "o"), {"securityGroupId": U}, {}, [group.urn]
    )
    adopter = ResourceRecord(DEFAULT_SG, urn(DEFAULT_SG, "d"), {"vpcId": U}, {}, [vpc.urn])
    graph = analyze([vpc, group, owner, adopter])
    (found_owner,) = graph.owners
    (found_adopter,) = graph.adopters
    assert type(found_owner) is type(found_adopter)
    assert (found_owner.group_urn, found_owner.vpc_urn, found_owner.via) == (
        group.urn,
        None,
        "dependencies",
    )
    assert (found_adopter.vpc_urn, found_adopter.group_urn) == (vpc.urn, None)
    assert not found_owner.pending and not found_adopter.pending


def test_a_rule_on_a_group_recorded_with_its_peer_is_not_guessed() -> None:
    web, app = urn(SG, "web"), urn(SG, "app")
    rule = ResourceRecord(
        VPC_IN,
        urn(VPC_IN, "r"),
        vpc_rule("tcp", 80, securityGroupId=U, referencedSecurityGroupId=U),
        {"securityGroupId": [web, app], "referencedSecurityGroupId": [web]},
        [web, app],
    )
    groups = [ResourceRecord(SG, u, {"id": U}) for u in (web, app)]
    (resolved,) = analyze([*groups, rule]).rules
    assert (resolved.group_urn, resolved.via) == (None, "securityGroupId depends on several groups")
    assert [p.group_urn for p in resolved.peers] == [web]
