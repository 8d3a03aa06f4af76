"""sg-no-public-high-risk-ports: no port of AWS Security Hub EC2.19 open to the internet."""

from __future__ import annotations

from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..exposure import opens_ports
from ..findings import Finding, Subject
from ..model import NormalizedResource
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig, PortsSetting
from ..resource_findings import world_findings

# AWS Security Hub control EC2.19, "Security groups should not allow unrestricted access to
# ports with high risk".
EC2_19_HIGH_RISK_PORTS: Final = (
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389,
    4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300,
)  # fmt: skip
HIGH_RISK_PORTS: Final = PortsSetting(
    "highRiskPorts",
    "Ports never open to the internet (default: AWS Security Hub EC2.19).",
    EC2_19_HIGH_RISK_PORTS,
)


def check(subject: Subject, resource: NormalizedResource, config: PolicyConfig) -> list[Finding]:
    ports = HIGH_RISK_PORTS.read(config)
    return world_findings(
        subject,
        resource,
        "ingress",
        opens_ports(ports, "high-risk port"),
        question="opens a high-risk port (AWS Security Hub EC2.19) to the internet",
        fix="Allow these services only from the CIDRs or security groups that need them "
        "(e.g. the app tier's group for a database port), never from 0.0.0.0/0 or ::/0.",
    )


POLICY: Final = PolicyRecord(
    name="sg-no-public-high-risk-ports",
    description="Security groups must not open high-risk ports (AWS Security Hub EC2.19) to the "
    "internet.",
    level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation="Restrict the source to the CIDRs or security groups that need the service.",
    control="EC2.19",
    settings=(HIGH_RISK_PORTS,),
    on_resource=check,
)
