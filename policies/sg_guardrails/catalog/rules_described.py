"""sg-rules-described: every group and rule says why it exists (not the provider's default)."""

from __future__ import annotations

from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..findings import Finding, Subject
from ..model import NormalizedResource
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig
from ..resource_findings import RECHECK, declared_rules, rule_location

PROVIDER_DEFAULT_DESCRIPTIONS: Final = frozenset({"managed by pulumi", "managed by terraform"})


def check(subject: Subject, resource: NormalizedResource, config: PolicyConfig) -> list[Finding]:
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
    for rule in declared_rules(resource):
        where = f"{subject.label()}{rule_location(rule)}"
        gaps = [g for g in rule.unknowns_for("description") if g.aspect == "description"]
        if any(g.kind == "unknown" for g in gaps):
            findings.append(Finding(f"{where}: its description {RECHECK}.", note=True))
        elif gaps or _undescribed(rule.description):
            problem = "has a description that is not text" if gaps else None
            findings.append(
                Finding(
                    f"{where} ({rule.describe()}) "
                    f"{problem or _description_problem(rule.description)}. "
                    "Fix: say why this traffic is allowed (e.g. 'HTTPS from the load balancer')."
                )
            )
    return findings


def _undescribed(description: str | None) -> bool:
    text = (description or "").strip()
    return not text or text.lower() in PROVIDER_DEFAULT_DESCRIPTIONS


def _description_problem(description: str | None) -> str:
    text = (description or "").strip()
    if not text:
        return "has no description"
    return f"has only the provider's default description {text!r}"


POLICY: Final = PolicyRecord(
    name="sg-rules-described",
    description="Security groups and their rules should carry a description other than the "
    "provider's default.",
    level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    remediation="Describe why each group exists and why each rule allows its traffic.",
    on_resource=check,
)
