"""``PolicyRecord``: everything about one policy in one value; the pack is a tuple of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from .findings import Finding, Subject
from .model import NormalizedResource
from .policy_settings import PolicyConfig, Setting
from .stack_graph import StackGraph

ResourceCheck = Callable[[Subject, NormalizedResource, PolicyConfig], list[Finding]]
StackCheck = Callable[[StackGraph, PolicyConfig], list[Finding]]


@dataclass(frozen=True)
class PolicyRecord:
    """A policy's metadata, config settings and checks (one per resource, one per stack, or both).

    ``control`` is the AWS Security Hub control the policy implements, when there is one.
    """

    name: str
    description: str
    level: EnforcementLevel
    severity: Severity
    remediation: str
    control: str | None = None
    settings: tuple[Setting, ...] = ()
    on_resource: ResourceCheck | None = None
    on_stack: StackCheck | None = None

    def __post_init__(self) -> None:
        if self.on_resource is None and self.on_stack is None:
            raise ValueError(f"policy {self.name} has no check")

    def config(self, values: Mapping[str, Any]) -> PolicyConfig:
        """``values`` (the engine's config for this policy) with its property names checked."""
        return PolicyConfig.checked(self.name, self.settings, values)
