"""sg-rules-one-owner: a group's rule set has one owner, and the owner lists every rule resource
written on the group.

An ``aws.ec2.VpcSecurityGroupRulesExclusive`` revokes every rule of its group whose id it does
not list: two on one group revoke each other's rules, and a rule resource on an owned group that
its owner does not list is revoked while the program still declares it. Groups are matched as
for every stack policy, by the stack's group or by a known id outside the stack. Mandatory, unlike
sg-rules-owned: here rules the program declares are lost, not merely rules it does not know.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..findings import Finding
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig
from ..references import Reference
from ..rule_lists import RULE_LIST_FIELDS
from ..stack_findings import RECHECK, pending_reference, pending_rule, report_urn
from ..stack_graph import StackGraph
from ..stack_resources import ResolvedRule

_GroupKey = tuple[str, str]  # ("urn", group URN) or ("id", a group id outside the stack)
_REVOKES: Final = (
    "revokes every rule of the group whose id is not in its ingressRuleIds or egressRuleIds"
)


def check(graph: StackGraph, config: PolicyConfig) -> list[Finding]:
    owners: dict[_GroupKey, list[Reference]] = defaultdict(list)
    pending: list[Reference] = []
    for owner in graph.owners:
        key = _key(owner.group_urn, owner.external_id)
        if key is None:
            pending.append(owner)
        else:
            owners[key].append(owner)
    findings = [_shared(graph, key, found) for key, found in owners.items() if len(found) > 1]
    undetermined: list[ResolvedRule] = []
    for rule in graph.rules:
        if rule.style != "resource":
            continue
        key = _key(rule.group_urn, rule.external_id)
        if key is None:
            undetermined.append(rule)
            continue
        found = owners.get(key, [])
        if len(found) != 1:  # unowned: sg-rules-owned's concern; shared: reported above
            continue
        listing = found[0].rules.listing(rule.resource_urn, rule.rule_id)
        if listing == "unlisted":
            findings.append(_unlisted(graph, rule, found[0]))
        elif listing == "unknown":
            findings.append(_pending_listing(rule, found[0]))
    if len(graph.owners) > 1:
        question = "another resource owns that group's rules too"
        findings += [pending_reference(owner, question) for owner in pending]
    if owners:
        listed = {urn for found in owners.values() for owner in found for urn in owner.rules.urns}
        findings += [_pending_rule(r) for r in undetermined if r.resource_urn not in listed]
    return findings


def _key(group_urn: str | None, external_id: str | None) -> _GroupKey | None:
    if group_urn is not None:
        return ("urn", group_urn)
    return None if external_id is None else ("id", external_id)


def _group_phrase(graph: StackGraph, key: _GroupKey) -> str:
    kind, value = key
    if kind == "urn" and value in graph.groups:
        return f"security group '{graph.groups[value].name}'"
    return f"security group {value} (outside this stack)"


def _shared(graph: StackGraph, key: _GroupKey, owners: list[Reference]) -> Finding:
    owners = sorted(owners, key=lambda owner: (owner.name, owner.urn))  # engine order varies
    names = ", ".join(f"'{owner.name}'" for owner in owners)
    kind, value = key
    group = graph.groups.get(value) if kind == "urn" else None
    subject = _group_phrase(graph, key)
    return Finding(
        f"{subject[0].upper()}{subject[1:]} has its rules owned by {len(owners)} "
        f"aws.ec2.VpcSecurityGroupRulesExclusive resources ({names}). Each {_REVOKES}, so "
        "every update of one revokes the rules only another lists. Fix: keep one of them and "
        "list every rule of the group in it (with the tiered-sg components: declare all the "
        "group's rules on the component that owns it, or turn exclusive_rules off on every "
        "component writing rules to the group).",
        urn=(report_urn(group, []) if group is not None else None) or owners[-1].urn,
    )


def _unlisted(graph: StackGraph, rule: ResolvedRule, owner: Reference) -> Finding:
    key = _key(rule.group_urn, rule.external_id)
    assert key is not None  # only rules on a known group are judged
    listing = RULE_LIST_FIELDS.get(rule.rule.direction or "", "ingressRuleIds or egressRuleIds")
    return Finding(
        f"Security group rule '{rule.resource_name}' ({rule.describe()}) is written on "
        f"{_group_phrase(graph, key)}, whose rules aws.ec2.VpcSecurityGroupRulesExclusive "
        f"'{owner.name}' owns without listing this rule. It {_REVOKES}, so this rule is revoked "
        "while the program still declares it. Fix: add this rule's securityGroupRuleId to "
        f"'{owner.name}' ({listing}), or declare the rule where the group's owner is declared "
        "(with the tiered-sg components: in the ingress or egress of the component that owns "
        "the group, or turn exclusive_rules off there).",
        urn=rule.resource_urn,
    )


def _pending_listing(rule: ResolvedRule, owner: Reference) -> Finding:
    return Finding(
        f"Security group rule '{rule.resource_name}': whether "
        f"aws.ec2.VpcSecurityGroupRulesExclusive '{owner.name}', which owns its group's rules, "
        f"lists it {RECHECK}.",
        urn=rule.resource_urn,
        note=True,
    )


def _pending_rule(rule: ResolvedRule) -> Finding:
    question = (
        "it is written on a group whose aws.ec2.VpcSecurityGroupRulesExclusive does not list it"
    )
    return pending_rule(rule, question)


POLICY: Final = PolicyRecord(
    name="sg-rules-one-owner",
    description="A security group's rules must have one owner: at most one "
    "aws.ec2.VpcSecurityGroupRulesExclusive per group, listing every rule resource written on "
    "the group, or rules the program declares are revoked.",
    level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation="Keep one aws.ec2.VpcSecurityGroupRulesExclusive per group and list every rule of "
    "the group in it (tiered-sg: declare the rules on the component that owns the group).",
    on_stack=check,
)
