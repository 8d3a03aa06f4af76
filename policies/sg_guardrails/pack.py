"""The pack: every policy's name, default level, metadata and check. ``__main__.py`` serves it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyComplianceFramework,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)

from . import resource_checks, stack_checks
from .config import schema_for
from .sdk import (
    ResourceAndStackPolicy,
    ResourceCheck,
    StackCheck,
    resource_validation,
    stack_validation,
)

PACK_NAME: Final = "sg-guardrails"
PACK_DESCRIPTION: Final = (
    "Guardrails for AWS security groups: no admin or high-risk port and no all-traffic rule "
    "open to the internet, public ports only from an allowlist, a closed default group, one "
    "rule style per group, rule quotas and tier isolation."
)
MANDATORY: Final = EnforcementLevel.MANDATORY
ADVISORY: Final = EnforcementLevel.ADVISORY
_HUB: Final = "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html"


def _fsbp(control: str) -> PolicyComplianceFramework:
    return PolicyComplianceFramework(
        name="AWS Foundational Security Best Practices", reference=control
    )


@dataclass(frozen=True)
class Spec:
    name: str
    description: str
    level: EnforcementLevel
    severity: Severity
    remediation: str
    control: str | None = None


SPECS: Final = (
    Spec(
        "sg-no-public-admin-ports",
        "Security groups must not open admin ports (SSH 22, RDP 3389) to the internet.",
        MANDATORY,
        Severity.CRITICAL,
        "Allow admin ports only from an admin CIDR or group, or use SSM Session Manager.",
        "EC2.13",
    ),
    Spec(
        "sg-no-public-high-risk-ports",
        "Security groups must not open high-risk ports (AWS Security Hub EC2.19) to the internet.",
        MANDATORY,
        Severity.HIGH,
        "Restrict the source to the CIDRs or security groups that need the service.",
        "EC2.19",
    ),
    Spec(
        "sg-no-public-all-traffic",
        "Security groups must not accept all traffic (every protocol or every port) from the "
        "internet.",
        MANDATORY,
        Severity.CRITICAL,
        "Replace the rule with rules for the protocols and ports the service needs.",
    ),
    Spec(
        "sg-public-ports-allowlist",
        "Security groups may open only allowlisted TCP/UDP ports (default 80, 443) to the "
        "internet.",
        MANDATORY,
        Severity.HIGH,
        "Open only allowlisted ports publicly, or add the port to authorizedPorts.",
        "EC2.18",
    ),
    Spec(
        "sg-default-group-closed",
        "A VPC's default security group must have no rules, inline or attached.",
        MANDATORY,
        Severity.HIGH,
        "Remove the default group's rules and use dedicated security groups.",
        "EC2.2",
    ),
    Spec(
        "sg-no-unrestricted-egress",
        "Security groups should not allow all traffic to the internet.",
        ADVISORY,
        Severity.MEDIUM,
        "Allow egress only to the destinations and ports the workload needs.",
    ),
    Spec(
        "sg-rules-described",
        "Security groups and their rules should carry a description other than the provider's "
        "default.",
        ADVISORY,
        Severity.LOW,
        "Describe why each group exists and why each rule allows its traffic.",
    ),
    Spec(
        "sg-no-mixed-rule-styles",
        "A security group must not have inline rules and separate rule resources at once.",
        MANDATORY,
        Severity.MEDIUM,
        "Use rule resources only (aws.vpc.SecurityGroupIngressRule/EgressRule).",
    ),
    Spec(
        "sg-rule-quota",
        "No security group may exceed the rules-per-direction quota (per IP family).",
        MANDATORY,
        Severity.MEDIUM,
        "Merge ranges or CIDRs, use prefix lists, or split the group.",
    ),
    Spec(
        "sg-tier-isolation",
        "A tier past the first must accept only its predecessor tier's group (and the admin "
        "group on admin ports).",
        MANDATORY,
        Severity.HIGH,
        "Make the predecessor tier's group the only source of the tier's ingress rules.",
    ),
)

DEFAULT_LEVELS: Final[Mapping[str, EnforcementLevel]] = {s.name: s.level for s in SPECS}

RESOURCE_CHECKS: Final[Mapping[str, ResourceCheck]] = {
    "sg-no-public-admin-ports": resource_checks.no_public_admin_ports,
    "sg-no-public-high-risk-ports": resource_checks.no_public_high_risk_ports,
    "sg-no-public-all-traffic": resource_checks.no_public_all_traffic,
    "sg-public-ports-allowlist": resource_checks.public_ports_allowlist,
    "sg-default-group-closed": resource_checks.default_group_closed,
    "sg-no-unrestricted-egress": resource_checks.no_unrestricted_egress,
    "sg-rules-described": resource_checks.rules_described,
}
STACK_CHECKS: Final[Mapping[str, StackCheck]] = {
    "sg-default-group-closed": stack_checks.default_group_attached,
    "sg-no-mixed-rule-styles": stack_checks.no_mixed_rule_styles,
    "sg-rule-quota": stack_checks.rule_quota,
    "sg-tier-isolation": stack_checks.tier_isolation,
}


def build_policies() -> list[Policy]:
    """The pack's policies, in a stable order, with their default enforcement levels."""
    return [_build(spec) for spec in SPECS]


def _build(spec: Spec) -> Policy:
    options = {
        "enforcement_level": spec.level,
        "config_schema": schema_for(spec.name),
        "severity": spec.severity,
        "remediation_steps": spec.remediation,
        "framework": _fsbp(spec.control) if spec.control else None,
        "url": f"{_HUB}#{spec.control.lower().replace('.', '-')}" if spec.control else None,
    }
    on_resource = RESOURCE_CHECKS.get(spec.name)
    on_stack = STACK_CHECKS.get(spec.name)
    if on_resource and on_stack:
        return ResourceAndStackPolicy(spec.name, spec.description, on_resource, on_stack, **options)
    if on_resource:
        return ResourceValidationPolicy(
            spec.name,
            spec.description,
            validate=resource_validation(on_resource),
            **options,  # type: ignore[arg-type]
        )
    assert on_stack is not None, spec.name
    return StackValidationPolicy(
        spec.name,
        spec.description,
        validate=stack_validation(on_stack),
        **options,  # type: ignore[arg-type]
    )
