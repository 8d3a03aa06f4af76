"""The pack: its name and description, and a pulumi-policy ``Policy`` per record of the catalog.
``__main__.py`` serves it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    StackValidationPolicy,
)

from .catalog import POLICIES
from .policy_record import PolicyRecord
from .sdk import ResourceAndStackPolicy, resource_validation, stack_validation

PACK_NAME: Final = "sg-guardrails"
PACK_DESCRIPTION: Final = (
    "Guardrails for AWS security groups: no admin or high-risk port and no all-traffic rule "
    "open to the internet, public ports only from an allowlist, a closed default group, one "
    "rule style per group, rule quotas, tier isolation and rule sets owned against drift."
)
DEFAULT_LEVELS: Final[Mapping[str, EnforcementLevel]] = {p.name: p.level for p in POLICIES}
_SECURITY_HUB: Final = "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html"
_FSBP: Final = "AWS Foundational Security Best Practices"


def build_policies() -> list[Policy]:
    """The pack's policies, in a stable order, with their default enforcement levels."""
    return [_build(record) for record in POLICIES]


def _build(record: PolicyRecord) -> Policy:
    control = record.control
    options: dict[str, Any] = {
        "enforcement_level": record.level,
        "config_schema": _schema(record),
        "severity": record.severity,
        "remediation_steps": record.remediation,
        "framework": PolicyComplianceFramework(name=_FSBP, reference=control) if control else None,
        "url": f"{_SECURITY_HUB}#{control.lower().replace('.', '-')}" if control else None,
    }
    if record.on_resource and record.on_stack:
        return ResourceAndStackPolicy(record, **options)
    if record.on_resource:
        return ResourceValidationPolicy(
            record.name, record.description, validate=resource_validation(record), **options
        )
    return StackValidationPolicy(
        record.name, record.description, validate=stack_validation(record), **options
    )


def _schema(record: PolicyRecord) -> PolicyConfigSchema | None:
    # Fresh dicts per build: the SDK serialises them into protobuf and must not share them.
    if not record.settings:
        return None
    return PolicyConfigSchema(properties={s.key: s.schema() for s in record.settings})
