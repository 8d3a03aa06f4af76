"""sg-rule-quota: no group over AWS's rules-per-direction quota (per IP family).

AWS counts rules per group, per direction, per IP family; group/prefix-list peers count once in
each family. Identical rules are one rule (AWS de-duplicates them). An
``aws.ec2.VpcSecurityGroupRulesExclusive`` is not a rule and never counts; rules written on a
group outside the stack are not counted (its other rules are not in the stack).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import EnforcementLevel, Severity

from ..findings import Finding
from ..model import IP_FAMILIES, IP_FAMILY_NAMES, IpFamily, TrafficDirection, field_family
from ..policy_record import PolicyRecord
from ..policy_settings import IntegerSetting, PolicyConfig
from ..rule_atoms import atoms, family_atoms
from ..stack_findings import RECHECK, report_urn, rule_location
from ..stack_graph import StackGraph
from ..stack_resources import ResolvedRule

DEFAULT_MAX_RULES: Final = 60
# AWS's adjustable ceiling: rules per group x groups per interface may not exceed 1,000.
MAX_RULES_CEILING: Final = 1000
MAX_RULES: Final = IntegerSetting(
    "maxRulesPerDirection",
    "Rules per group, per direction, per IP family (AWS default 60).",
    default=DEFAULT_MAX_RULES,
    minimum=1,
    maximum=MAX_RULES_CEILING,
    advice=f"use your account's quota (AWS default {DEFAULT_MAX_RULES})",
)
_LIST_FIELDS: Final = frozenset({"cidrBlocks", "ipv6CidrBlocks"})


@dataclass
class _Tally:
    atoms: set[Any]
    uncountable: list[str]


def check(graph: StackGraph, config: PolicyConfig) -> list[Finding]:
    limit = MAX_RULES.read(config)
    tallies: dict[tuple[str, TrafficDirection, IpFamily], _Tally] = defaultdict(
        lambda: _Tally(set(), [])
    )
    unresolved: list[ResolvedRule] = []
    for rule in graph.rules:
        if rule.group_urn is None:
            if rule.external_id is None:  # a group outside the stack is not ours to count
                unresolved.append(rule)
            continue
        if rule.rule.direction is not None:
            _tally(rule, rule.rule.direction, tallies)
            continue
        # Unknown direction: counting it in either direction could invent a violation.
        for direction in ("ingress", "egress"):
            for family in IP_FAMILIES:
                tallies[(rule.group_urn, direction, family)].uncountable.append(
                    f"{rule_location(rule)} (direction unknown)"
                )

    findings: list[Finding] = []
    highest = 0
    for (urn, direction, family), tally in sorted(tallies.items()):
        count = len(tally.atoms)
        highest = max(highest, count)
        group = graph.groups[urn]
        label = f"{count} {direction} {IP_FAMILY_NAMES[family]} rules"
        if count > limit:
            findings.append(
                Finding(
                    f"Security group '{group.name}' has {label}, over the quota of {limit} per "
                    "direction and IP family; AWS rejects the rules past the quota. Fix: merge "
                    "adjacent port ranges or CIDRs, reference a managed prefix list, or split the "
                    "rules across several groups (if your account's quota is higher, set "
                    "maxRulesPerDirection).",
                    urn=report_urn(group, graph.rules_of(urn)),
                )
            )
        elif tally.uncountable:
            findings.append(
                Finding(
                    f"Security group '{group.name}' has at least {label}; "
                    f"{'; '.join(tally.uncountable)} could not be counted, so the quota of "
                    f"{limit} {RECHECK}.",
                    urn=report_urn(group, graph.rules_of(urn)),
                    note=True,
                )
            )
    extra = sum(max(1, len(atoms(r))) for r in unresolved)
    if unresolved and highest + extra > limit:
        names = ", ".join(f"'{r.resource_name}' ({r.via})" for r in unresolved)
        findings.append(
            Finding(
                f"Rules {names} could not be matched to their group and were not counted; "
                f"with them a group could exceed the quota of {limit}, which {RECHECK}.",
                note=True,
            )
        )
    return findings


def _tally(
    rule: ResolvedRule,
    direction: TrafficDirection,
    tallies: dict[tuple[str, TrafficDirection, IpFamily], _Tally],
) -> None:
    assert rule.group_urn is not None
    for atom, families in family_atoms(rule):
        for family in families:
            tallies[(rule.group_urn, direction, family)].atoms.add(atom)
    for gap in rule.rule.unknowns_for("sources"):
        field = gap.field.split(".")[-1]
        family = field_family(field)
        if gap.aspect == "rule" or field in _LIST_FIELDS:
            tallies[(rule.group_urn, direction, family)].uncountable.append(
                f"{rule_location(rule)} ({gap})"
            )
        else:
            # One unknown CIDR is still exactly one rule.
            tallies[(rule.group_urn, direction, family)].atoms.add((rule.resource_urn, str(gap)))


POLICY: Final = PolicyRecord(
    name="sg-rule-quota",
    description="No security group may exceed the rules-per-direction quota (per IP family).",
    level=EnforcementLevel.MANDATORY,
    severity=Severity.MEDIUM,
    remediation="Merge ranges or CIDRs, use prefix lists, or split the group.",
    settings=(MAX_RULES,),
    on_stack=check,
)
