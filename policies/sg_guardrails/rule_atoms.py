"""The AWS rules a rule expands to ("atoms"): AWS counts and de-duplicates rules per traffic and
single peer, so two rules that expand to the same atoms are one rule to AWS."""

from __future__ import annotations

from typing import Any

from .model import ALL, EVERY_PORT, IP_FAMILIES, IpFamily, PortRange
from .stack_resources import ResolvedRule

# One AWS rule: (direction, protocol, ports, peer kind, peer).
Atom = tuple[Any, ...]


def atoms(resolved: ResolvedRule) -> list[Atom]:
    """The AWS rules this rule expands to: one per peer (CIDR, group, prefix list)."""
    return [atom for atom, _ in family_atoms(resolved)]


def family_atoms(resolved: ResolvedRule) -> list[tuple[Atom, tuple[IpFamily, ...]]]:
    """``atoms``, each with the IP families AWS counts it in: a CIDR in its own (IPv4 when it
    does not parse), a group or prefix-list reference once in each."""
    rule = resolved.rule
    ports: PortRange | tuple[int, int] | None = rule.ports
    if rule.protocol == ALL:
        ports = EVERY_PORT
    elif rule.icmp is not None:
        ports = rule.icmp
    traffic = (rule.direction, rule.protocol, ports)
    result: list[tuple[Atom, tuple[IpFamily, ...]]] = []
    for cidr, network in zip(rule.cidrs, rule.networks, strict=True):
        # The network a CIDR names, canonically (``10.0.0.5/8`` -> ``10.0.0.0/8``); else the text.
        if network is None:
            result.append(((*traffic, "cidr", cidr), (4,)))
        else:
            result.append(((*traffic, "cidr", network.network), (network.family,)))
    for peer in rule.other_sources:
        target = next((p.group_urn for p in resolved.peers if p.peer == peer), None)
        # ``self`` and a reference to the group's own id are the same AWS rule.
        kind = "group" if peer.kind == "self" else peer.kind
        result.append(((*traffic, kind, target or peer.value or id(peer)), IP_FAMILIES))
    return result
