"""sg-rules-owned: a group whose rules are separate resources is owned by an
``aws.ec2.VpcSecurityGroupRulesExclusive``, so a rule added outside the program does not stay.

Groups outside the stack (rules written on a known foreign id) are not ours to report on. A
default group is left to sg-default-group-closed, which allows it no rule at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..findings import Finding
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig
from ..references import Reference
from ..stack_findings import pending_references, pending_rule
from ..stack_graph import StackGraph
from ..stack_resources import Group, ResolvedRule

_LISTED: Final = 3  # rule names shown in a message; a group may have hundreds


def check(graph: StackGraph, config: PolicyConfig) -> list[Finding]:
    owned = {owner.group_urn for owner in graph.owners if owner.group_urn is not None}
    unowned = [
        (group, rules)
        for group in graph.groups.values()
        if group.urn not in owned and not group.is_default
        if (rules := [r for r in graph.rules_of(group.urn) if r.style == "resource"])
    ]
    pending = [owner for owner in graph.owners if owner.pending]
    findings: list[Finding] = []
    for group, rules in unowned:
        if pending:
            findings.append(_pending_owner(group, pending))
        else:
            findings.append(_unowned(group, rules))
    # A rule whose group is not known yet matters only if some group of the stack is unowned.
    if any(not g.is_default and g.urn not in owned for g in graph.groups.values()):
        undetermined = [r for r in graph.undetermined() if r.style == "resource"]
        findings += [_pending_rule(rule) for rule in undetermined]
    return findings


def _unowned(group: Group, rules: Sequence[ResolvedRule]) -> Finding:
    names = [f"'{r.resource_name}'" for r in sorted(rules, key=lambda r: r.resource_name)]
    listed = ", ".join(names[:_LISTED])
    if len(names) > _LISTED:
        listed += f" and {len(names) - _LISTED} more"
    return Finding(
        f"Security group '{group.name}' has {len(names)} separate rule resource(s) ({listed}) "
        "but no aws.ec2.VpcSecurityGroupRulesExclusive owns its rules, so a rule added outside "
        "this program (in the console, by another tool) stays on the group and no update "
        "removes it. Fix: register aws.ec2.VpcSecurityGroupRulesExclusive with this group's id "
        "as securityGroupId and the ids of all its rules in ingressRuleIds and egressRuleIds "
        "(with the tiered-sg components: leave exclusive_rules on).",
        urn=group.urn,
    )


def _pending_owner(group: Group, pending: Sequence[Reference]) -> Finding:
    situation = (
        f"Security group '{group.name}' has rule resources and no resource is known to own its "
        "rules"
    )
    return pending_references(situation, pending, "owns them", group.urn)


def _pending_rule(rule: ResolvedRule) -> Finding:
    question = "that group's rules are owned by an aws.ec2.VpcSecurityGroupRulesExclusive"
    return pending_rule(rule, question)


POLICY: Final = PolicyRecord(
    name="sg-rules-owned",
    description="A security group with separate rule resources must have its rule set owned by "
    "an aws.ec2.VpcSecurityGroupRulesExclusive, or rules added outside the program stay.",
    level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    remediation="Register aws.ec2.VpcSecurityGroupRulesExclusive listing the group's rule ids "
    "(tiered-sg: leave exclusive_rules on).",
    on_stack=check,
)
