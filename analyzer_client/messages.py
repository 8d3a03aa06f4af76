"""Translation between the Analyzer protocol's messages and the client's dataclasses.

Enforcement levels, severities and policy types travel as proto enums; the client spells them
as a policy config file does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2

from .errors import AnalyzerError
from .resources import Resource
from .results import (
    AnalyzerInfo,
    Diagnostic,
    EnforcementLevel,
    NotApplicable,
    PolicyConfig,
    PolicyInfo,
)

_LEVEL_TO_PROTO: Final = {
    EnforcementLevel.ADVISORY: analyzer_pb2.ADVISORY,
    EnforcementLevel.MANDATORY: analyzer_pb2.MANDATORY,
    EnforcementLevel.REMEDIATE: analyzer_pb2.REMEDIATE,
    EnforcementLevel.DISABLED: analyzer_pb2.DISABLED,
}
_PROTO_TO_LEVEL: Final = {proto: level for level, proto in _LEVEL_TO_PROTO.items()}
_SEVERITIES: Final = ("", "low", "medium", "high", "critical")
_POLICY_TYPES: Final = ("unknown", "resource", "stack")


def _level(proto_level: int) -> EnforcementLevel:
    try:
        return _PROTO_TO_LEVEL[proto_level]  # type: ignore[index]
    except KeyError:
        raise AnalyzerError(f"the pack sent an invalid enforcement level {proto_level}") from None


def analyzer_info(resp: analyzer_pb2.AnalyzerInfo, pack_version: str) -> AnalyzerInfo:
    """GetAnalyzerInfo's answer; ``pack_version`` is the version in PulumiPolicy.yaml, or ""."""
    policies = []
    for p in resp.policies:
        schema = json_format.MessageToDict(p.configSchema.properties) if resp.supportsConfig else {}
        policies.append(
            PolicyInfo(
                name=p.name,
                description=p.description,
                enforcement_level=_level(p.enforcementLevel),
                policy_type=_POLICY_TYPES[p.policy_type] if p.policy_type < 3 else "unknown",
                severity=_SEVERITIES[p.severity] if p.severity < 5 else "",
                config_schema=schema,
                required=tuple(p.configSchema.required),
            )
        )
    initial = {
        k: PolicyConfig(_level(v.enforcementLevel), json_format.MessageToDict(v.properties))
        for k, v in resp.initialConfig.items()
    }
    return AnalyzerInfo(
        name=resp.name,
        # The engine prefers the version in PulumiPolicy.yaml over the one the pack reports.
        version=pack_version or resp.version,
        supports_config=resp.supportsConfig,
        # The engine sorts policies by name.
        policies=tuple(sorted(policies, key=lambda p: p.name)),
        initial_config=initial,
    )


def configure_request(
    policy_config: Mapping[str, PolicyConfig],
) -> analyzer_pb2.ConfigureAnalyzerRequest:
    """The Configure request for a reconciled config, in which every policy has a level."""
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, cfg in policy_config.items():
        assert cfg.enforcement_level is not None
        entry = request.policyConfig[name]
        entry.enforcementLevel = _LEVEL_TO_PROTO[cfg.enforcement_level]
        entry.properties.update(dict(cfg.properties))  # marshalMap: plain JSON, numbers as doubles
    return request


def resource_options(resource: Resource) -> analyzer_pb2.AnalyzerResourceOptions:
    """The options of a resource registered without any: the engine always sends
    customTimeouts, zero when unset, and the parent."""
    return analyzer_pb2.AnalyzerResourceOptions(
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(),
        parent=resource.parent,
    )


def diagnostic(d: analyzer_pb2.AnalyzeDiagnostic, urn: str) -> Diagnostic:
    """An Analyze or AnalyzeStack diagnostic, filed under ``urn``."""
    level = _level(d.enforcementLevel)
    return Diagnostic(
        policy_name=d.policyName,
        policy_pack_name=d.policyPackName,
        description=d.description,
        message=d.message,
        # A remediate-level violation still reported after remediation counts as mandatory.
        enforcement_level=EnforcementLevel.MANDATORY
        if level is EnforcementLevel.REMEDIATE
        else level,
        urn=urn,
        reported_urn=d.urn,
    )


def remediation_diagnostic(r: analyzer_pb2.Remediation, urn: str) -> Diagnostic:
    """The diagnostic a Remediate answer carries instead of new properties: advisory."""
    return Diagnostic(
        r.policyName,
        r.policyPackName,
        r.description,
        r.diagnostic,
        EnforcementLevel.ADVISORY,
        urn,
        urn,
    )


def not_applicable(resp: analyzer_pb2.AnalyzeResponse) -> tuple[NotApplicable, ...]:
    return tuple(NotApplicable(n.policy_name, n.reason) for n in resp.not_applicable)
