"""Checks across the chain's inputs that its wiring relies on, each anchored on a config key.

* Tier names: rules are named ``<group>-in-<port>-from-<peer>`` and the rules of all groups of a
  chain share one URN type chain, so groups ``tiered-a`` and ``tiered-a-in-tcp-8080-from-y`` can
  both own a rule ``tiered-a-in-tcp-8080-from-y-in-tcp-80-from-z``: one URN for two resources,
  which the engine refuses. Two rule names of different groups can only be equal when one
  group's name is the other's followed by ``-in-`` or ``-out-`` (no port string starts with
  ``in`` or ``out``), so :func:`check_tier_name_prefixes` refuses exactly those tier names. That
  rules out every clash, whatever the ports and peers (the name stays valid when they change),
  and names ``tiers[i].name``; :meth:`Topology.validate` keeps checking the child names of any
  plan, the safety net for plans that are not chains.
* ICMP families: the chain applies a list of ports to a list of CIDRs family by family (``icmp``
  to the IPv4 ones, ``icmpv6`` to the IPv6 ones); :func:`check_icmp_families` refuses a port
  that so reaches none of them.
"""

from collections.abc import Mapping, Sequence
from typing import Optional

from tiered_sg.inputs import ArgPath
from tiered_sg.naming import rule_infix, rule_pattern
from tiered_sg.peers import Peer, PeerKind
from tiered_sg.ports import Port
from tiered_sg.rules import Direction, only_family, reaches

_FAMILIES = {
    PeerKind.IPV4: ("IPv4", "ICMP", "icmp"),
    PeerKind.IPV6: ("IPv6", "ICMPv6", "icmpv6"),
}
"""Per CIDR family: its name, its ICMP's name and that ICMP's port string."""


def check_tier_name_prefixes(names: Sequence[str], at: ArgPath, admin: str) -> None:
    """Refuse a tier name that is another tier's name, or ``admin``, then ``-in-``/``-out-``.

    ``at`` is the tiers list's path; the tier named second in such a pair is the one refused,
    wherever it stands in the list.
    """
    describers = {admin: "the admin group", **{name: f"tier {i}" for i, name in enumerate(names)}}
    for position, name in enumerate(names):
        for other, whose in describers.items():
            direction = _extends(name, other)
            if direction is None:
                continue
            raise (
                at.index(position)
                .field("name")
                .error(
                    name,
                    f"starts with {whose}'s name {other!r} and {rule_infix(direction)!r}, as "
                    f"{whose}'s rule names do ({rule_pattern(direction)}), so rules of {whose} and "
                    "this tier can get the same name and URN",
                    f"rename the tier, e.g. {_without_infixes(name, other)!r}",
                )
            )


def _extends(name: str, other: str) -> Optional[Direction]:
    """The direction whose rule-name infix ``name`` continues ``other`` with, if any."""
    for direction in Direction:
        if name != other and name.startswith(other + rule_infix(direction)):
            return direction
    return None


def _without_infixes(name: str, prefix: str) -> str:
    """``a-in-tcp-80`` -> ``a-tcp-80``: the name with the infixes after ``prefix`` dropped."""
    rest = name[len(prefix) :]
    while any(rest.startswith(rule_infix(direction)) for direction in Direction):
        rest = "-" + rest.split("-", 2)[2]
    return prefix + rest


def check_icmp_families(
    ports: Sequence[Port],
    ports_at: ArgPath,
    peers: Sequence[Peer],
    cidrs_at: Mapping[PeerKind, ArgPath],
) -> None:
    """Refuse an ICMP port of ``ports`` that reaches none of ``peers`` (it would be dropped).

    ``cidrs_at`` says where CIDRs of each family are listed: one key per family (the public
    CIDRs), or the same key for both (admin CIDRs, an egress entry's CIDRs).
    """
    for position, port in enumerate(ports):
        family = only_family(port)
        if family is None or any(reaches(port, peer) for peer in peers):
            continue
        other = PeerKind.IPV6 if family is PeerKind.IPV4 else PeerKind.IPV4
        name, protocol, _ = _FAMILIES[family]
        other_name, _, other_port = _FAMILIES[other]
        where = cidrs_at[family]
        if cidrs_at[other] == where:
            lacking, adding = f"{where} holds no {name} CIDR", f"add an {name} CIDR to {where}"
        else:
            lacking, adding = f"{where} is empty", f"list {name} CIDRs in {where}"
        raise ports_at.index(position).error(
            str(port),
            f"{protocol} only matches {name} traffic and {lacking}",
            f"use {other_port} for {other_name}, or {adding}",
        )
