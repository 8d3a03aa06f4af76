"""Responses: enforcement levels, diagnostics, the pack's description of itself, and its logs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EnforcementLevel(StrEnum):
    """The levels of apitype.EnforcementLevel, spelled as in a policy config file."""

    ADVISORY = "advisory"
    MANDATORY = "mandatory"
    REMEDIATE = "remediate"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Diagnostic:
    """A policy violation as the engine reports it.

    ``enforcement_level`` is the level the engine acts on (remediate is downgraded to mandatory).
    ``urn`` is where the engine files it: the analysed resource for Analyze; for AnalyzeStack the
    reported URN if it names a resource of the stack, else the root stack. ``reported_urn`` is
    what the pack sent.
    """

    policy_name: str
    policy_pack_name: str
    description: str
    message: str
    enforcement_level: EnforcementLevel
    urn: str
    reported_urn: str = ""

    @property
    def detail(self) -> str:
        """The message without the policy description the Python SDK puts on its first line."""
        prefix = self.description + "\n"
        return self.message[len(prefix) :] if self.message.startswith(prefix) else self.message


@dataclass(frozen=True)
class NotApplicable:
    """A policy that declared itself not applicable (``args.not_applicable(reason)``)."""

    policy_name: str
    reason: str


@dataclass(frozen=True)
class Remediation:
    """New inputs a remediation wrote; Analyze then sees these, as in the engine."""

    policy_name: str
    urn: str
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class AnalyzeResult:
    """Diagnostics of one or more calls, with helpers for assertions."""

    diagnostics: tuple[Diagnostic, ...] = ()
    not_applicable: tuple[NotApplicable, ...] = ()
    remediations: tuple[Remediation, ...] = ()

    def for_policy(self, name: str) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.policy_name == name]

    @property
    def policy_names(self) -> set[str]:
        return {d.policy_name for d in self.diagnostics}

    @property
    def mandatory(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.enforcement_level is EnforcementLevel.MANDATORY]

    @property
    def passed(self) -> bool:
        """True when the engine would let the preview/update through (no mandatory violation)."""
        return not self.mandatory


def combine_results(results: Iterable[AnalyzeResult]) -> AnalyzeResult:
    """Several calls' results as one, in order; built in one pass, linear in the diagnostics."""
    diagnostics: list[Diagnostic] = []
    not_applicable: list[NotApplicable] = []
    remediations: list[Remediation] = []
    for result in results:
        diagnostics += result.diagnostics
        not_applicable += result.not_applicable
        remediations += result.remediations
    return AnalyzeResult(tuple(diagnostics), tuple(not_applicable), tuple(remediations))


@dataclass(frozen=True)
class PolicyConfig:
    """One policy's config: its level (None only when a user entry gives none) and properties."""

    enforcement_level: EnforcementLevel | None
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyInfo:
    """A policy as GetAnalyzerInfo describes it; ``config_schema`` is its JSON-schema properties."""

    name: str
    description: str
    enforcement_level: EnforcementLevel
    policy_type: str = "unknown"
    severity: str = ""
    config_schema: Mapping[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    @property
    def defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.config_schema.items() if "default" in v}


@dataclass(frozen=True)
class AnalyzerInfo:
    """GetAnalyzerInfo, with the version taken from PulumiPolicy.yaml when it has one."""

    name: str
    version: str
    supports_config: bool
    policies: tuple[PolicyInfo, ...]
    initial_config: Mapping[str, PolicyConfig] = field(default_factory=dict)

    def policy(self, name: str) -> PolicyInfo:
        for p in self.policies:
            if p.name == name:
                return p
        raise KeyError(f"policy pack {self.name!r} has no policy {name!r}")

    @property
    def policy_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.policies)


@dataclass(frozen=True)
class LogMessage:
    """Engine.Log calls, and the lines the pack writes after the port (the engine shows both)."""

    source: str  # "engine", "stdout" or "stderr" (shown by the engine as info / infoerr)
    message: str
    severity: str = "info"
    urn: str = ""
