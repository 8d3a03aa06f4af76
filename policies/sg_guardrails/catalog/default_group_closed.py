"""sg-default-group-closed: a VPC's default group has no rules, inline (per resource) or attached
(stack-wide: only the whole stack shows which group a rule resource joins)."""

from __future__ import annotations

from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..findings import Finding, Subject
from ..model import NormalizedResource
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig
from ..resource_findings import RECHECK as RECHECK_VALUE
from ..resource_findings import declared_rules
from ..stack_findings import pending_rule
from ..stack_graph import StackGraph


def check_inline_rules(
    subject: Subject, resource: NormalizedResource, config: PolicyConfig
) -> list[Finding]:
    """Inline rules of ``DefaultSecurityGroup``."""
    if resource.kind != "default-group":
        return []
    findings = [
        Finding(
            f"{subject.label()}: {gap.field} {RECHECK_VALUE}; until then it is not known whether "
            "the default group stays closed.",
            note=True,
        )
        for gap in resource.unknowns
    ]
    rules = declared_rules(resource)
    if rules:
        listed = "; ".join(f"{r.origin}: {r.describe()}" for r in rules)
        findings.append(
            Finding(
                f"{subject.label()} declares {len(rules)} rule(s) ({listed}). The default group "
                "must allow no traffic (AWS Security Hub EC2.2): anything launched without a "
                "group lands in it. Fix: remove its ingress and egress rules and put the traffic "
                "on a dedicated security group."
            )
        )
    return findings


def check_attached_rules(graph: StackGraph, config: PolicyConfig) -> list[Finding]:
    """Rule resources attached to a default group."""
    defaults = {urn for urn, group in graph.groups.items() if group.is_default}
    # A rule on a known id outside the stack can only be a default group of the stack while
    # some default group's id is still unknown (preview).
    default_id_pending = any(graph.groups[urn].group_id is None for urn in defaults)
    findings: list[Finding] = []
    for rule in graph.rules:
        if rule.style != "resource":
            continue
        if rule.group_urn in defaults:
            group = graph.groups[rule.group_urn]
            findings.append(
                Finding(
                    f"Security group rule '{rule.resource_name}' attaches {rule.describe()} "
                    f"to the default security group ('{group.name}'). The default group must "
                    "allow no traffic (AWS Security Hub EC2.2): anything launched without a group "
                    "lands in it. Fix: attach the rule to a dedicated security group.",
                    urn=rule.resource_urn,
                )
            )
        elif (
            rule.group_urn is None and defaults and (rule.external_id is None or default_id_pending)
        ):
            findings.append(pending_rule(rule, "it is attached to a default group"))
    return findings


POLICY: Final = PolicyRecord(
    name="sg-default-group-closed",
    description="A VPC's default security group must have no rules, inline or attached.",
    level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation="Remove the default group's rules and use dedicated security groups.",
    control="EC2.2",
    on_resource=check_inline_rules,
    on_stack=check_attached_rules,
)
