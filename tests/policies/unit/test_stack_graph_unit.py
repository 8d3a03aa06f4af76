"""stack_graph.analyze / flows: rule -> group resolution in preview and at up, and flows."""

from __future__ import annotations

from typing import Any

from sg_guardrails.flows import flows
from sg_guardrails.model import PortRange
from sg_guardrails.sdk import records_from_policy_resources
from sg_guardrails.stack_graph import StackGraph, analyze
from sg_guardrails.stack_resources import ResolvedRule, ResourceRecord
from tests.policies.unit.chainkit import three_tiers
from tests.policies.unit.sgkit import (
    DEFAULT_SG,
    RULES_EXCLUSIVE,
    SG,
    VPC,
    VPC_IN,
    U,
    inline,
    sg,
    stack_resources,
    urn,
    vpc_rule,
)


def records(stack_or_resources: Any) -> list[ResourceRecord]:
    resources = getattr(stack_or_resources, "resources", stack_or_resources)
    return [
        ResourceRecord(r.type, r.urn, r.props, r.property_dependencies, r.dependencies)
        for r in resources
    ]


def by_name(topology: StackGraph) -> dict[str, ResolvedRule]:
    return {r.resource_name: r for r in topology.rules}


def test_preview_resolves_groups_through_property_dependencies() -> None:
    topology = analyze(records(three_tiers(preview=True)))
    rules = by_name(topology)
    app = rules["app-in-8080-from-web"]
    assert (app.group_urn, app.via) == (urn(SG, "app"), "propertyDependencies")
    assert [(p.group_urn, p.via) for p in app.peers] == [(urn(SG, "web"), "propertyDependencies")]
    assert not topology.unresolved()


def test_up_resolves_groups_by_id() -> None:
    topology = analyze(records(three_tiers(preview=False)))
    app = by_name(topology)["app-in-8080-from-web"]
    assert (app.group_urn, app.via) == (urn(SG, "app"), "id")
    assert app.peers[0].via == "id"


def test_sdk_policy_resources_convert_to_the_same_records() -> None:
    stack = three_tiers()
    converted = records_from_policy_resources(stack_resources(stack.resources))
    topology = analyze(converted)
    assert not topology.unresolved()
    assert len(topology.rules) == len(analyze(records(stack)).rules)


def test_plain_tuples_and_raw_sentinels_are_accepted() -> None:
    rows: list[tuple[Any, ...]] = [
        (SG, urn(SG, "g"), {"id": U, "description": "g"}, {}, []),
        (
            VPC_IN,
            urn(VPC_IN, "r"),
            vpc_rule(securityGroupId=U),
            {"securityGroupId": [urn(SG, "g")]},
            [],
        ),
    ]
    topology = analyze(rows)
    assert topology.rules[0].group_urn == urn(SG, "g")


def test_dependencies_fallback_when_property_dependencies_are_missing() -> None:
    stack = three_tiers(admin=False)
    for res in stack.resources:
        res.property_dependencies = {}
    topology = analyze(records(stack))
    web = by_name(topology)["web-in-https"]
    assert (web.group_urn, web.via) == (urn(SG, "web"), "dependencies")
    # a rule depending on two groups cannot tell its own from its peer's
    app = by_name(topology)["app-in-8080-from-web"]
    assert app.group_urn is None
    assert "no recorded dependency" in app.via


def test_peer_resolved_by_property_dependency_leaves_the_owner_to_dependencies() -> None:
    stack = three_tiers(admin=False)
    for res in stack.resources:
        res.property_dependencies.pop("securityGroupId", None)
    app = by_name(analyze(records(stack)))["app-in-8080-from-web"]
    assert (app.group_urn, app.via) == (urn(SG, "app"), "dependencies")


def test_known_id_outside_the_stack_is_unresolved_with_reason() -> None:
    rows = records(three_tiers(preview=False))
    rows.append(
        ResourceRecord(VPC_IN, urn(VPC_IN, "stray"), vpc_rule(securityGroupId="sg-elsewhere"))
    )
    stray = by_name(analyze(rows))["stray"]
    assert stray.group_urn is None and "sg-elsewhere is not a group of this stack" in stray.via


def test_vpc_default_group_by_property_dependency_and_by_id() -> None:
    vpc = ResourceRecord(VPC, urn(VPC, "main"), {"defaultSecurityGroupId": "sg-default"})
    by_dep = ResourceRecord(
        VPC_IN, urn(VPC_IN, "a"), vpc_rule(securityGroupId=U), {"securityGroupId": [vpc.urn]}
    )
    by_id = ResourceRecord(VPC_IN, urn(VPC_IN, "b"), vpc_rule(securityGroupId="sg-default"))
    topology = analyze([vpc, by_dep, by_id])
    (group,) = topology.groups.values()
    assert group.is_default and group.synthetic and group.name == "default group of main"
    assert {r.group_urn for r in topology.rules} == {group.urn}


def test_a_real_group_wins_over_a_vpc_in_the_same_dependency_list() -> None:
    vpc = ResourceRecord(VPC, urn(VPC, "main"), {"defaultSecurityGroupId": U})
    group = ResourceRecord(SG, urn(SG, "g"), {"id": U})
    rule = ResourceRecord(
        VPC_IN,
        urn(VPC_IN, "r"),
        vpc_rule(securityGroupId=U),
        {"securityGroupId": [vpc.urn, group.urn]},
    )
    assert analyze([vpc, group, rule]).rules[0].group_urn == group.urn


def test_inline_rules_and_self_references() -> None:
    group = ResourceRecord(SG, urn(SG, "g"), sg(ingress=[inline("tcp", 80, self=True)], id="sg-g"))
    topology = analyze([group])
    (rule,) = topology.rules
    assert (rule.style, rule.group_urn) == ("inline", group.urn)
    assert rule.peers[0].group_urn == group.urn


def test_inline_outputs_mirroring_rule_resources_are_not_counted_twice() -> None:
    # after a refresh the provider reads every rule of the group into its ingress output
    group = ResourceRecord(
        SG, urn(SG, "g"), sg(ingress=[inline("tcp", 443, cidrBlocks=["0.0.0.0/0"])], id="sg-g")
    )
    rule = ResourceRecord(
        VPC_IN, urn(VPC_IN, "r"), vpc_rule("tcp", 443, securityGroupId="sg-g", cidrIpv4="0.0.0.0/0")
    )
    topology = analyze([group, rule])
    assert [r.style for r in topology.rules] == ["resource"]
    assert len(topology.mirrored) == 1


def test_unknown_inline_outputs_of_a_new_group_mean_undeclared() -> None:
    topology = analyze([ResourceRecord(SG, urn(SG, "g"), sg(ingress=U, egress=U, id=U))])
    assert topology.rules == ()


def test_default_security_group_resource_is_a_default_group() -> None:
    topology = analyze([ResourceRecord(DEFAULT_SG, urn(DEFAULT_SG, "d"), {"id": "sg-d"})])
    assert topology.groups[urn(DEFAULT_SG, "d")].is_default


def test_flows_of_a_three_tier_chain() -> None:
    result = {
        (f.source.label, f.destination.label, f.protocol, f.ports, f.direction)
        for f in flows(analyze(records(three_tiers())))
    }
    assert ("0.0.0.0/0", "web", "tcp", PortRange(443, 443), "ingress") in result
    assert ("::/0", "web", "tcp", PortRange(443, 443), "ingress") in result
    assert ("web", "app", "tcp", PortRange(8080, 8080), "ingress") in result
    assert ("web", "app", "tcp", PortRange(8080, 8080), "egress") in result
    assert ("admin", "db", "tcp", PortRange(22, 22), "ingress") in result
    assert ("203.0.113.10/32", "admin", "tcp", PortRange(22, 22), "ingress") in result


def test_flow_endpoint_kinds() -> None:
    found = {
        (f.peer.kind, f.peer.label)
        for f in flows(analyze(records(three_tiers())))
        if f.group.label == "web" and f.direction == "ingress"
    }
    assert ("internet", "0.0.0.0/0") in found and ("group", "admin") in found


def test_unresolved_flows_say_why() -> None:
    rows = [
        ResourceRecord(
            VPC_IN, urn(VPC_IN, "r"), vpc_rule(securityGroupId=U, referencedSecurityGroupId=U)
        )
    ]
    (flow,) = flows(analyze(rows))
    assert flow.group.kind == "unresolved" and flow.peer.kind == "unresolved"
    assert "unknown in preview" in flow.peer.label


def test_a_group_outside_the_stack_is_an_external_endpoint_in_preview_and_at_up() -> None:
    for preview in (True, False):
        stack = three_tiers(preview=preview, admin=False)
        stack.foreign_rule("web-in-from-alb", "web", "sg-0123456789abcdef0")
        stack.rule_on_foreign_group("alb-out", "sg-0123456789abcdef0")
        found = {
            (f.source.kind, f.source.label, f.destination.label)
            for f in flows(analyze(records(stack)))
            if "sg-0123456789abcdef0" in f.source.label
        }
        assert found == {
            ("external", "sg-0123456789abcdef0 (outside this stack)", "web"),
            ("external", "sg-0123456789abcdef0 (outside this stack)", "10.0.0.0/16"),
        }


def test_owners_resolve_like_rules_and_know_groups_outside_the_stack() -> None:
    stack = three_tiers(preview=True, admin=False).owned()
    owners = {o.name: o for o in analyze(records(stack)).owners}
    assert {n: (o.group_urn, o.via) for n, o in owners.items()} == {
        f"{g}-rules-exclusive": (urn(SG, g), "propertyDependencies") for g in ("web", "app", "db")
    }
    owned_by_id = {"securityGroupId": "sg-9"}
    foreign = ResourceRecord(RULES_EXCLUSIVE, urn(RULES_EXCLUSIVE, "x"), owned_by_id)
    (owner,) = analyze([foreign]).owners
    assert (owner.group_urn, owner.external_id) == (None, "sg-9")


def test_self_in_outputs_mirrors_a_rule_resource_referencing_the_group_itself() -> None:
    group = ResourceRecord(SG, urn(SG, "g"), sg(ingress=[inline("tcp", 80, self=True)], id="sg-g"))
    rule = ResourceRecord(
        VPC_IN,
        urn(VPC_IN, "r"),
        vpc_rule("tcp", 80, securityGroupId="sg-g", referencedSecurityGroupId="sg-g"),
    )
    topology = analyze([group, rule])
    assert [r.style for r in topology.rules] == ["resource"]
