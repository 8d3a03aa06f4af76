"""Wording shared by the stack policies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from .stack_resources import Group, ResolvedRule

RECHECK: Final = "is checked again at `pulumi up`, when ids are known"


def rule_location(rule: ResolvedRule) -> str:
    """``inline rule ingress[0] of 'web'`` or ``rule 'web-in-https'``."""
    if rule.style == "inline":
        return f"inline rule {rule.rule.origin} of '{rule.resource_name}'"
    return f"rule '{rule.resource_name}'"


def report_urn(group: Group, rules: Iterable[ResolvedRule]) -> str | None:
    """A real URN to attach a group finding to (a VPC's default group has none of its own)."""
    if not group.synthetic:
        return group.urn
    return next((r.resource_urn for r in rules), None)
