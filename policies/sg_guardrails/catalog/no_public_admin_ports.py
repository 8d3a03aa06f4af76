"""sg-no-public-admin-ports: no SSH/RDP (or configured admin port) open to the internet."""

from __future__ import annotations

from typing import Final

from pulumi_policy import EnforcementLevel, Severity

from ..exposure import format_ports, opens_ports, shorter_than
from ..findings import Finding, Subject
from ..model import NormalizedResource
from ..policy_record import PolicyRecord
from ..policy_settings import IntegerSetting, PolicyConfig, PortsSetting
from ..resource_findings import world_findings

ADMIN_PORTS: Final = PortsSetting(
    "adminPorts", "Remote-administration ports never open to the internet.", (22, 3389)
)
# The widest admin CIDRs the tiered-sg components accept by default, suggested in the schema's
# ``examples``; the components' and pack's contract test asks both sides for them.
COMPONENTS_MIN_PREFIX_IPV4: Final = 8
COMPONENTS_MIN_PREFIX_IPV6: Final = 32
# Off (0) by default, so the policy keeps Security Hub EC2.13/EC2.14's meaning: only a /0.
MIN_PREFIX_IPV4: Final = IntegerSetting(
    "minPrefixIpv4",
    "An IPv4 CIDR with a shorter prefix than this counts as the whole internet (0: only /0).",
    default=0,
    minimum=0,
    maximum=32,
    advice=f"write a prefix length, e.g. {COMPONENTS_MIN_PREFIX_IPV4} (the tiered-sg components' "
    "limit)",
    example=COMPONENTS_MIN_PREFIX_IPV4,
)
MIN_PREFIX_IPV6: Final = IntegerSetting(
    "minPrefixIpv6",
    "An IPv6 CIDR with a shorter prefix than this counts as the whole internet (0: only /0).",
    default=0,
    minimum=0,
    maximum=128,
    advice=f"write a prefix length, e.g. {COMPONENTS_MIN_PREFIX_IPV6} (the tiered-sg components' "
    "limit)",
    example=COMPONENTS_MIN_PREFIX_IPV6,
)


def check(subject: Subject, resource: NormalizedResource, config: PolicyConfig) -> list[Finding]:
    ports = ADMIN_PORTS.read(config)
    world = shorter_than(MIN_PREFIX_IPV4.read(config), MIN_PREFIX_IPV6.read(config))
    return world_findings(
        subject,
        resource,
        "ingress",
        opens_ports(ports, "admin port"),
        question=lambda: f"opens an admin port ({format_ports(ports)}) to the internet",
        fix="Allow SSH/RDP only from an admin CIDR (e.g. 203.0.113.10/32) or an admin security "
        "group, or use AWS Systems Manager Session Manager instead of an open port.",
        world=world,
    )


POLICY: Final = PolicyRecord(
    name="sg-no-public-admin-ports",
    description="Security groups must not open admin ports (SSH 22, RDP 3389) to the internet.",
    level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    remediation="Allow admin ports only from an admin CIDR or group, or use SSM Session Manager.",
    control="EC2.13",
    settings=(ADMIN_PORTS, MIN_PREFIX_IPV4, MIN_PREFIX_IPV6),
    on_resource=check,
)
