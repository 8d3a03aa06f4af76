"""sg-no-public-all-traffic: no rule accepting every protocol or every port from the internet."""

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
    return world_findings(
        subject,
        resource,
        "ingress",
        all_traffic,
        question="allows all traffic from the internet",
        fix="Replace it with rules for the protocols and ports the service needs "
        "(e.g. tcp 443 from 0.0.0.0/0).",
    )


POLICY: Final = PolicyRecord(
    name="sg-no-public-all-traffic",
    description="Security groups must not accept all traffic (every protocol or every port) "
    "from the internet.",
    level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    remediation="Replace the rule with rules for the protocols and ports the service needs.",
    on_resource=check,
)
