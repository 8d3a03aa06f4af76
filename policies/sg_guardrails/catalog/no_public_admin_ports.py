"""sg-no-public-admin-ports: no SSH/RDP (or configured admin port) open to the internet."""

from __future__ import annotations

from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..exposure import format_ports, opens_ports
from ..findings import Finding, Subject
from ..model import NormalizedResource
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig, PortsSetting
from ..resource_findings import world_findings

ADMIN_PORTS: Final = PortsSetting(
    "adminPorts", "Remote-administration ports never open to the internet.", (22, 3389)
)


def check(subject: Subject, resource: NormalizedResource, config: PolicyConfig) -> list[Finding]:
    ports = ADMIN_PORTS.read(config)
    return world_findings(
        subject,
        resource,
        "ingress",
        opens_ports(ports, "admin port"),
        question=f"opens an admin port ({format_ports(ports)}) to the internet",
        fix="Allow SSH/RDP only from an admin CIDR (e.g. 203.0.113.10/32) or an admin security "
        "group, or use AWS Systems Manager Session Manager instead of an open port.",
    )


POLICY: Final = PolicyRecord(
    name="sg-no-public-admin-ports",
    description="Security groups must not open admin ports (SSH 22, RDP 3389) to the internet.",
    level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    remediation="Allow admin ports only from an admin CIDR or group, or use SSM Session Manager.",
    control="EC2.13",
    settings=(ADMIN_PORTS,),
    on_resource=check,
)
