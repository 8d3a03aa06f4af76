"""sg-public-ports-allowlist: only allowlisted TCP/UDP ports may be open to the internet."""

from __future__ import annotations

from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..exposure import format_ports, outside
from ..findings import Finding, Subject
from ..model import NormalizedResource
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig, PortsSetting
from ..resource_findings import world_findings

AUTHORIZED_PORTS: Final = PortsSetting(
    "authorizedPorts", "TCP/UDP ports that may be open to the whole internet.", (80, 443)
)


def check(subject: Subject, resource: NormalizedResource, config: PolicyConfig) -> list[Finding]:
    ports = AUTHORIZED_PORTS.read(config)

    def allowed() -> str:
        return format_ports(ports) if ports else "no port"

    return world_findings(
        subject,
        resource,
        "ingress",
        outside(ports),
        question=lambda: f"stays within the public-port allowlist ({allowed()})",
        fix=lambda: (
            f"Open only the allowlisted ports ({allowed()}) to the internet and restrict "
            "every other port to known CIDRs or security groups; to allow another public port, add "
            "it to authorizedPorts in the policy config."
        ),
    )


POLICY: Final = PolicyRecord(
    name="sg-public-ports-allowlist",
    description="Security groups may open only allowlisted TCP/UDP ports (default 80, 443) to "
    "the internet.",
    level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation="Open only allowlisted ports publicly, or add the port to authorizedPorts.",
    control="EC2.18",
    settings=(AUTHORIZED_PORTS,),
    on_resource=check,
)
