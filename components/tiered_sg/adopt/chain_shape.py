"""The chain's shape in a VPC's rules: its admin group, its tiers in traffic order, and what
has no place in that shape.

The entry tier is the one group accepting CIDRs that no other CIDR-fed group is reached by;
each next tier is the one group accepting the tier before it; the admin group accepts CIDRs and
reaches other CIDR-fed groups. Anything else linked to those groups is refused, because the
program would create a different chain than the one AWS holds.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from tiered_sg.adopt.inventory import AwsGroup, AwsRule
from tiered_sg.adopt.refusals import Refusals


@dataclass(frozen=True)
class ChainShape:
    """Group ids: ``tiers`` in traffic order (empty when the VPC holds no entry), ``admin``."""

    tiers: tuple[str, ...]
    admin: Optional[str]

    @property
    def entry(self) -> str:
        return self.tiers[0]

    @property
    def members(self) -> set[str]:
        return set(self.tiers) | ({self.admin} if self.admin else set())


def find_shape(
    groups: Sequence[AwsGroup], rules: Sequence[AwsRule], refusals: Refusals
) -> tuple[ChainShape, list[str]]:
    """The chain ``rules`` form among ``groups``, with notes on the groups left as they are."""
    ingress = [r for r in rules if not r.egress]
    edges = [r for r in ingress if r.peer_kind == "group"]
    sources = {r.group_id for r in ingress if r.peer_kind == "cidr"}
    admin, entry = _roles(sources, edges, refusals)
    shape = ChainShape(tuple(_walk(entry, admin, edges, refusals)) if entry else (), admin)
    notes = _outsiders(groups, shape, rules, refusals)
    return shape, notes


def check_stray_rules(shape: ChainShape, rules: Sequence[AwsRule], refusals: Refusals) -> None:
    """Refuse the rules of chain groups the chain has no place for: the program would not
    declare them, so exclusive ownership would revoke them."""
    position = {g: i for i, g in enumerate(shape.tiers)}
    admin = shape.admin
    for rule in rules:
        if rule.group_id not in position and rule.group_id != admin:
            continue
        at = position.get(rule.group_id)
        if rule.group_id == admin:
            fits = (not rule.egress and rule.peer_kind == "cidr") or (
                rule.egress and rule.peer in position
            )
            why = "the admin group only accepts its CIDRs and reaches the tiers"
        elif rule.egress:
            fits = rule.peer_kind == "cidr" or (
                rule.peer in position and position[rule.peer] == (at or 0) + 1
            )
            why = "a tier sends only to the next tier and to CIDRs (extra egress)"
        else:
            fits = (
                (rule.peer_kind == "cidr" and at == 0)
                or rule.peer == admin
                or (rule.peer in position and position[rule.peer] == (at or 0) - 1)
            )
            why = (
                "only the entry tier accepts CIDRs"
                if rule.peer_kind == "cidr"
                else "a tier accepts only the tier before it and the admin group"
            )
        if not fits:
            refusals.rule(rule, why, "revoke it or recreate it where the chain has it")


def _roles(
    sources: set[str], edges: Sequence[AwsRule], refusals: Refusals
) -> tuple[Optional[str], Optional[str]]:
    """(admin, entry): the admin group is the CIDR-fed group that reaches another CIDR-fed
    group, which is then the entry."""
    admins = sorted({r.peer for r in edges if r.peer in sources and r.group_id in sources})
    if len(admins) > 1:
        refusals.add(
            "groups " + ", ".join(admins),
            "several CIDR-fed groups reach other CIDR-fed groups, and a chain has one admin group",
            "keep one admin group",
        )
        return None, None
    admin = admins[0] if admins else None
    entries = sorted(sources - {admin} if admin else sources)
    if len(entries) > 1:
        refusals.add(
            "groups " + ", ".join(entries),
            "several groups accept CIDRs, and only "
            "the entry tier (and the admin group) of a chain do",
            "map one chain per stack: remove the CIDR rules of all but the entry",
        )
        return admin, None
    return admin, entries[0] if entries else None


def _walk(
    entry: str, admin: Optional[str], edges: Sequence[AwsRule], refusals: Refusals
) -> list[str]:
    """Tiers in traffic order; a branch, a cycle or a skipped tier is a misfit."""
    tiers = [entry]
    while True:
        nexts = sorted({r.group_id for r in edges if r.peer == tiers[-1] and r.peer != admin})
        back = [g for g in nexts if g in tiers]
        for group in back:
            rule = next(r for r in edges if r.peer == tiers[-1] and r.group_id == group)
            refusals.rule(
                rule,
                "points back up the chain: a cycle",
                "revoke it (each tier accepts only the tier before it)",
            )
        ahead = [g for g in nexts if g not in tiers]
        if len(ahead) > 1:
            refusals.add(
                f"group {tiers[-1]}",
                f"is accepted by several groups ({', '.join(ahead)}): a branch, not a chain",
                "map one branch, and revoke the others' rules from it",
            )
            return tiers
        if not ahead:
            return tiers
        tiers.append(ahead[0])


def _outsiders(
    groups: Sequence[AwsGroup], shape: ChainShape, rules: Sequence[AwsRule], refusals: Refusals
) -> list[str]:
    """Groups outside the chain: left alone (a note) unless linked to a group, which means a
    tier the shape could not place (refused)."""
    notes: list[str] = []
    members = shape.members
    for group in groups:
        if group.is_default or group.id in members:
            continue
        touching = [r for r in rules if group.id in (r.group_id, r.peer)]
        if any(r.peer_kind == "group" for r in touching):
            refusals.add(
                f"group {group.id} ({group.name})",
                "is linked to the chain but is not one of its tiers",
                "remove its links, or make it a tier of the chain",
            )
        else:
            notes.append(f"group {group.id} ({group.name}) is no part of the chain: left as it is")
    return notes
