"""sg-no-mixed-rule-styles: a group has inline rules or rule resources, never both."""

from __future__ import annotations

from collections import defaultdict
from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..findings import Finding
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig
from ..stack_findings import RECHECK, report_urn
from ..topology import ResolvedRule, StackGraph


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
    if with_inline:
        for rule in graph.unresolved():
            if rule.style == "resource":
                findings.append(
                    Finding(
                        f"Security group rule '{rule.resource_name}': its group could not be "
                        f"identified ({rule.via}); whether it joins a group that has inline rules "
                        f"{RECHECK}.",
                        urn=rule.resource_urn,
                        note=True,
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
