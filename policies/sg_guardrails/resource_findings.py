"""Findings shared by the resource policies: a rule open to or from the whole internet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from .exposure import TrafficTest, WorldTest, judge_world_open, world_cidrs
from .fields import is_world
from .findings import Finding, Subject
from .model import NormalizedResource, NormalizedRule, TrafficDirection, UnknownField

RECHECK: Final = "is checked again at `pulumi up`, when the value is known"
NEAR_WORLD: Final = "nearly the whole"
# A message part, or how to write it: built only for a rule that needs it (most rules need none).
Text = str | Callable[[], str]


def world_findings(
    subject: Subject,
    resource: NormalizedResource,
    direction: TrafficDirection,
    traffic: TrafficTest,
    *,
    question: Text,
    fix: Text,
    skip_implicit: bool = False,
    world: WorldTest = is_world,
) -> list[Finding]:
    """Findings for every rule open to/from the world in ``direction`` that ``traffic`` hits.

    ``world`` may count near-world networks too; a rule open only to those is said to reach
    "nearly the whole internet", so the message never claims a /0 that is not there.
    ``question`` and ``fix`` may be callables, asked only when a message needs them."""
    findings: list[Finding] = []
    for rule in resource.rules:
        if skip_implicit and rule.implicit:
            continue
        judgement = judge_world_open(rule, direction, traffic, world)
        if judgement is None:
            continue
        where = f"{subject.label()}{rule_location(rule)}"
        if judgement.is_violation:
            reach = "to" if direction == "ingress" else "towards"
            whole = "the whole" if world_cidrs(rule) else NEAR_WORLD
            message = (
                f"{where} allows {rule.describe()}, which {judgement.detail} {reach} {whole} "
                f"internet. Fix: {_text(fix)}"
            )
            findings.append(Finding(message))
        elif judgement.has_malformed:
            findings.append(
                Finding(
                    f"{where} cannot be verified: {_gaps(judgement.gaps)}; as written, "
                    f"{rule.describe()} may be one that {_text(question)}. Fix the value (the "
                    "provider rejects it too)."
                )
            )
        else:
            findings.append(
                Finding(
                    f"{where}: {_gaps(judgement.gaps)}, so whether {rule.describe()} "
                    f"{_text(question)} {RECHECK}.",
                    note=True,
                )
            )
    return findings


def rule_location(rule: NormalizedRule) -> str:
    """`` rule ingress[0]`` for an inline rule; nothing for a rule resource (the subject)."""
    return "" if rule.origin == "rule" else f" rule {rule.origin}"


def _text(text: Text) -> str:
    return text if isinstance(text, str) else text()


def _gaps(gaps: Sequence[UnknownField]) -> str:
    return ", ".join(str(gap) for gap in gaps)


def declared_rules(resource: NormalizedResource) -> list[NormalizedRule]:
    """Declared rules: not AWS's implicit egress, not placeholders for a wholly unknown list."""
    unknown_lists = {gap.field for gap in resource.unknowns}
    rules = resource.rules if resource.kind == "rule" else resource.inline_rules
    return [r for r in rules if r.origin not in unknown_lists]
