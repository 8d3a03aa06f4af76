"""Resource policies as pure functions: (resource, normalised rules, config) -> findings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from .config import (
    DEFAULT_ADMIN_PORTS,
    DEFAULT_AUTHORIZED_PORTS,
    EC2_19_HIGH_RISK_PORTS,
    check_known_keys,
    read_ports,
)
from .exposure import TrafficTest, all_traffic, format_ports, judge_world_open, opens_ports, outside
from .findings import Finding, Subject
from .model import Direction, NormalizedResource, NormalizedRule, UnknownField

PROVIDER_DEFAULT_DESCRIPTIONS: Final = frozenset({"managed by pulumi", "managed by terraform"})
RECHECK: Final = "is checked again at `pulumi up`, when the value is known"


def no_public_admin_ports(
    subject: Subject, resource: NormalizedResource, config: Mapping[str, Any]
) -> list[Finding]:
    policy = "sg-no-public-admin-ports"
    ports = read_ports(policy, config, "adminPorts", DEFAULT_ADMIN_PORTS)
    return world_findings(
        subject,
        resource,
        "ingress",
        opens_ports(ports, "admin port"),
        question=f"opens an admin port ({format_ports(ports)}) to the internet",
        fix="Allow SSH/RDP only from an admin CIDR (e.g. 203.0.113.10/32) or an admin security "
        "group, or use AWS Systems Manager Session Manager instead of an open port.",
    )


def no_public_high_risk_ports(
    subject: Subject, resource: NormalizedResource, config: Mapping[str, Any]
) -> list[Finding]:
    policy = "sg-no-public-high-risk-ports"
    ports = read_ports(policy, config, "highRiskPorts", EC2_19_HIGH_RISK_PORTS)
    return world_findings(
        subject,
        resource,
        "ingress",
        opens_ports(ports, "high-risk port"),
        question="opens a high-risk port (AWS Security Hub EC2.19) to the internet",
        fix="Allow these services only from the CIDRs or security groups that need them "
        "(e.g. the app tier's group for a database port), never from 0.0.0.0/0 or ::/0.",
    )


def no_public_all_traffic(
    subject: Subject, resource: NormalizedResource, config: Mapping[str, Any]
) -> list[Finding]:
    check_known_keys("sg-no-public-all-traffic", config)
    return world_findings(
        subject,
        resource,
        "ingress",
        all_traffic,
        question="allows all traffic from the internet",
        fix="Replace it with rules for the protocols and ports the service needs "
        "(e.g. tcp 443 from 0.0.0.0/0).",
    )


def public_ports_allowlist(
    subject: Subject, resource: NormalizedResource, config: Mapping[str, Any]
) -> list[Finding]:
    policy = "sg-public-ports-allowlist"
    ports = read_ports(policy, config, "authorizedPorts", DEFAULT_AUTHORIZED_PORTS)
    allowed = format_ports(ports) if ports else "no port"
    return world_findings(
        subject,
        resource,
        "ingress",
        outside(ports),
        question=f"stays within the public-port allowlist ({allowed})",
        fix=f"Open only the allowlisted ports ({allowed}) to the internet and restrict every "
        "other port to known CIDRs or security groups; to allow another public port, add it "
        "to authorizedPorts in the policy config.",
    )


def no_unrestricted_egress(
    subject: Subject, resource: NormalizedResource, config: Mapping[str, Any]
) -> list[Finding]:
    check_known_keys("sg-no-unrestricted-egress", config)
    findings = world_findings(
        subject,
        resource,
        "egress",
        all_traffic,
        question="allows all traffic to the internet",
        fix="Allow only the destinations and ports the workload needs "
        "(e.g. tcp 443 to 0.0.0.0/0 for updates, the database port to the db tier's group).",
        skip_implicit=True,
    )
    for rule in resource.rules:
        if rule.implicit:
            findings.append(
                Finding(
                    f"{subject.label()} keeps AWS's default rule ({rule.describe()}) because it "
                    "declares no egress rules (CloudFormation keeps the default unless "
                    "securityGroupEgress is set). Fix: declare the egress rules the workload "
                    "needs; declaring any egress rule removes the default one."
                )
            )
    return findings


def rules_described(
    subject: Subject, resource: NormalizedResource, config: Mapping[str, Any]
) -> list[Finding]:
    check_known_keys("sg-rules-described", config)
    findings: list[Finding] = []
    if resource.kind == "group":
        if resource.description_unknown:
            findings.append(Finding(f"{subject.label()}: its description {RECHECK}.", note=True))
        elif _undescribed(resource.description):
            findings.append(
                Finding(
                    f"{subject.label()} {_description_problem(resource.description)}. "
                    "Fix: say what the group is for (e.g. 'web tier: HTTPS from the internet'); "
                    "a group's description cannot change without replacing the group, so set it "
                    "from the start."
                )
            )
    for rule in _real_rules(resource):
        gaps = [g for g in rule.unknowns_for("description") if g.aspect == "description"]
        if any(g.kind == "unknown" for g in gaps):
            findings.append(
                Finding(f"{subject.label()}{_where(rule)}: its description {RECHECK}.", note=True)
            )
        elif gaps or _undescribed(rule.description):
            problem = "has a description that is not text" if gaps else None
            findings.append(
                Finding(
                    f"{subject.label()}{_where(rule)} ({rule.describe()}) "
                    f"{problem or _description_problem(rule.description)}. "
                    "Fix: say why this traffic is allowed (e.g. 'HTTPS from the load balancer')."
                )
            )
    return findings


def default_group_closed(
    subject: Subject, resource: NormalizedResource, config: Mapping[str, Any]
) -> list[Finding]:
    """Inline rules of ``DefaultSecurityGroup``; attached rule resources are a stack check."""
    check_known_keys("sg-default-group-closed", config)
    if resource.kind != "default-group":
        return []
    findings = [
        Finding(
            f"{subject.label()}: {gap.field} {RECHECK}; until then it is not known whether the "
            "default group stays closed.",
            note=True,
        )
        for gap in resource.unknowns
    ]
    rules = _real_rules(resource)
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


def world_findings(
    subject: Subject,
    resource: NormalizedResource,
    direction: Direction,
    traffic: TrafficTest,
    *,
    question: str,
    fix: str,
    skip_implicit: bool = False,
) -> list[Finding]:
    """Findings for every rule open to/from the world in ``direction`` that ``traffic`` hits."""
    findings: list[Finding] = []
    for rule in resource.rules:
        if skip_implicit and rule.implicit:
            continue
        judgement = judge_world_open(rule, direction, traffic)
        if judgement is None:
            continue
        where = f"{subject.label()}{_where(rule)}"
        if judgement.is_violation:
            reach = "to" if direction == "ingress" else "towards"
            message = (
                f"{where} allows {rule.describe()}, which {judgement.detail} {reach} the whole "
                f"internet. Fix: {fix}"
            )
            findings.append(Finding(message))
        elif judgement.has_malformed:
            findings.append(
                Finding(
                    f"{where} cannot be verified: {_gaps(judgement.gaps)}; as written, "
                    f"{rule.describe()} may be one that {question}. Fix the value (the provider "
                    "rejects it too)."
                )
            )
        else:
            findings.append(
                Finding(
                    f"{where}: {_gaps(judgement.gaps)}, so whether {rule.describe()} {question} "
                    f"{RECHECK}.",
                    note=True,
                )
            )
    return findings


def _where(rule: NormalizedRule) -> str:
    return "" if rule.origin == "rule" else f" rule {rule.origin}"


def _gaps(gaps: Sequence[UnknownField]) -> str:
    return ", ".join(str(gap) for gap in gaps)


def _real_rules(resource: NormalizedResource) -> list[NormalizedRule]:
    """Declared rules: not AWS's implicit egress, not placeholders for a wholly unknown list."""
    unknown_lists = {gap.field for gap in resource.unknowns}
    rules = resource.rules if resource.kind == "rule" else resource.inline_rules
    return [r for r in rules if r.origin not in unknown_lists]


def _undescribed(description: str | None) -> bool:
    text = (description or "").strip()
    return not text or text.lower() in PROVIDER_DEFAULT_DESCRIPTIONS


def _description_problem(description: str | None) -> str:
    text = (description or "").strip()
    if not text:
        return "has no description"
    return f"has only the provider's default description {text!r}"
