"""Wording shared by the stack policies."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from .findings import Finding
from .references import Reference, TargetKind
from .stack_resources import Group, ResolvedRule

RECHECK: Final = "is checked again at `pulumi up`, when ids are known"

# How a message names a reference's resource type and its target.
_REFERENCE_TYPE: Final[dict[TargetKind, str]] = {
    "group": "aws.ec2.VpcSecurityGroupRulesExclusive",
    "vpc": "aws.ec2.DefaultSecurityGroup",
}
_TARGET_NOUN: Final[dict[TargetKind, str]] = {"group": "group", "vpc": "VPC"}


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


def pending_rule(rule: ResolvedRule, question: str) -> Finding:
    """The note on a rule resource whose group is not known yet: ``question`` is what its group
    decides."""
    return Finding(
        f"Security group rule '{rule.resource_name}': its group could not be identified "
        f"({rule.via}); whether {question} {RECHECK}.",
        urn=rule.resource_urn,
        note=True,
    )


def pending_reference(reference: Reference, question: str) -> Finding:
    """The note on a pending reference (its target not known yet), on the reference itself:
    ``question`` is what its target decides."""
    return Finding(
        f"{_REFERENCE_TYPE[reference.target]} '{reference.name}': its "
        f"{_TARGET_NOUN[reference.target]} could not be identified ({reference.via}); "
        f"whether {question} {RECHECK}.",
        urn=reference.urn,
        note=True,
    )


def pending_references(
    situation: str, pending: Sequence[Reference], question: str, urn: str
) -> Finding:
    """The note on a resource (``urn``) in ``situation`` unless one of the ``pending``
    references turns out to target it: ``question`` says what they would do to it."""
    names = ", ".join(f"'{reference.name}' ({reference.via})" for reference in pending)
    return Finding(f"{situation}; whether {names} {question} {RECHECK}.", urn=urn, note=True)
