"""sg-no-mixed-rule-styles: a group has inline rules or rule resources, never both; and inline
rules never share a group with an ``aws.ec2.VpcSecurityGroupRulesExclusive``, which revokes every
rule whose id it does not list (inline rules have no rule resource whose id it could list)."""

from __future__ import annotations

from collections import defaultdict
from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..findings import Finding
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig
from ..stack_findings import pending_reference, pending_rule, report_urn
from ..stack_graph import StackGraph
from ..stack_resources import ResolvedRule


def check(graph: StackGraph, config: PolicyConfig) -> list[Finding]:
    findings: list[Finding] = []
    by_group: dict[str, list[ResolvedRule]] = defaultdict(list)
    for rule in graph.rules:
        if rule.group_urn is not None:
            by_group[rule.group_urn].append(rule)
    with_inline: list[str] = []
    for urn, rules in by_group.items():
        inline = [r for r in rules if r.style == "inline"]
        attached = [r for r in rules if r.style == "resource"]
        if inline:
            with_inline.append(urn)
        if not (inline and attached):
            continue
        group = graph.groups[urn]
        inline_list = ", ".join(f"{r.rule.origin} ({r.describe()})" for r in inline)
        attached_list = ", ".join(f"'{r.resource_name}'" for r in attached)
        findings.append(
            Finding(
                f"Security group '{group.name}' declares inline rules ({inline_list}) and also "
                f"has rule resources attached ({attached_list}). The provider then rewrites the "
                "group's rule list on every update and deletes one style's rules. Fix: move "
                "every inline rule to aws.vpc.SecurityGroupIngressRule/SecurityGroupEgressRule "
                "resources and remove ingress/egress from the group.",
                urn=report_urn(group, rules),
            )
        )
    findings += _inline_and_owned(graph, by_group)
    if with_inline:
        for owner in graph.owners:
            if owner.pending:
                findings.append(pending_reference(owner, "it owns a group that has inline rules"))
        for rule in graph.undetermined():
            if rule.style == "resource":
                findings.append(pending_rule(rule, "it joins a group that has inline rules"))
    return findings


def _inline_and_owned(graph: StackGraph, by_group: dict[str, list[ResolvedRule]]) -> list[Finding]:
    findings: list[Finding] = []
    for owner in graph.owners:
        if owner.group_urn is None:
            continue
        inline = [r for r in by_group.get(owner.group_urn, ()) if r.style == "inline"]
        if not inline:
            continue
        group = graph.groups[owner.group_urn]
        inline_list = ", ".join(f"{r.rule.origin} ({r.describe()})" for r in inline)
        findings.append(
            Finding(
                f"Security group '{group.name}' declares inline rules ({inline_list}) and its "
                f"rules are also owned by aws.ec2.VpcSecurityGroupRulesExclusive '{owner.name}', "
                "which revokes every rule of the group whose id is not in its ingressRuleIds or "
                "egressRuleIds. Inline rules have no rule resource whose id it could list, so "
                "each update revokes what the group's inline rules add and the group adds them "
                "back. Fix: move every inline rule to "
                "aws.vpc.SecurityGroupIngressRule/SecurityGroupEgressRule resources listed in "
                f"'{owner.name}', and remove ingress/egress from the group.",
                urn=report_urn(group, inline),
            )
        )
    return findings


POLICY: Final = PolicyRecord(
    name="sg-no-mixed-rule-styles",
    description="A security group must not have inline rules and separate rule resources at once.",
    level=EnforcementLevel.MANDATORY,
    severity=Severity.MEDIUM,
    remediation="Use rule resources only (aws.vpc.SecurityGroupIngressRule/EgressRule).",
    on_stack=check,
)
