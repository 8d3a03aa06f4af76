"""sg-no-unrestricted-egress: advise against all traffic to the internet, AWS's default included."""

from __future__ import annotations

from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..exposure import all_traffic
from ..findings import Finding, Subject
from ..model import NormalizedResource
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig
from ..resource_findings import world_findings


def check(subject: Subject, resource: NormalizedResource, config: PolicyConfig) -> list[Finding]:
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


POLICY: Final = PolicyRecord(
    name="sg-no-unrestricted-egress",
    description="Security groups should not allow all traffic to the internet.",
    level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    remediation="Allow egress only to the destinations and ports the workload needs.",
    on_resource=check,
)
