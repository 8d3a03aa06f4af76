"""One allow rule of one group: direction + port + peer, with its description.

Security groups hold allow rules only and evaluate them as a set: there is no order and no deny.
Two rules with the same direction, port and peer grant the same permission (AWS refuses the
second as a duplicate), so :attr:`Rule.key` is what plans deduplicate on.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Optional

from tiered_sg.errors import TieredSgError
from tiered_sg.peers import Peer, PeerKind
from tiered_sg.ports import Port, Protocol

MAX_DESCRIPTION = 255
_DESCRIPTION = re.compile(r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*", re.ASCII)


class Direction(StrEnum):
    """Inbound (the group accepts from the peer) or outbound (the group sends to the peer)."""

    INGRESS = "ingress"
    EGRESS = "egress"


RuleKey = tuple[Direction, Port, Peer]


@dataclass(frozen=True)
class Rule:
    """An allow rule, validated on construction: a known direction, a description AWS accepts,
    ICMP only with IPv4 peers and ICMPv6 only with IPv6 peers."""

    direction: Direction
    port: Port
    peer: Peer
    description: str

    def __post_init__(self) -> None:
        if self.direction not in set(Direction):
            raise TieredSgError(
                "rule direction",
                self.direction,
                "is not a direction",
                "use Direction.INGRESS or Direction.EGRESS",
            )
        object.__setattr__(self, "direction", Direction(self.direction))
        if not isinstance(self.port, Port):
            raise TieredSgError(
                "rule port", self.port, "is not a Port", "use Port.tcp(443) or Port.parse('https')"
            )
        if not isinstance(self.peer, Peer):
            raise TieredSgError(
                "rule peer", self.peer, "is not a Peer", "use Peer.ipv4(...) or Peer.group(...)"
            )
        check_description(self.description, "rule description")
        if not reaches(self.port, self.peer):
            other = Protocol.ICMPV6 if self.port.protocol is Protocol.ICMP else Protocol.ICMP
            raise TieredSgError(
                "rule",
                f"{self.port} {self.peer.value}",
                f"{self.port.protocol} never matches {self.peer.kind.value} traffic",
                f"use {other} for {self.peer.kind.value} peers",
            )

    @classmethod
    def create(
        cls, direction: Direction, port: Port, peer: Peer, description: str | None = None
    ) -> "Rule":
        """A rule with ``description``, or a generated one naming the port and the peer."""
        if description is None:
            preposition = "from" if direction is Direction.INGRESS else "to"
            description = f"Allow {port.label} {preposition} {peer.description}"
        return cls(direction, port, peer, description)

    @property
    def key(self) -> RuleKey:
        """What makes two rules the same permission (the description does not)."""
        return (self.direction, self.port, self.peer)


_ONLY_FAMILY = {Protocol.ICMP: PeerKind.IPV4, Protocol.ICMPV6: PeerKind.IPV6}


def only_family(port: Port) -> Optional[PeerKind]:
    """The one CIDR family whose traffic ``port`` can match (IPv4 for ICMP, IPv6 for ICMPv6);
    None for ports of both families (tcp, udp, all)."""
    return _ONLY_FAMILY.get(port.protocol)


def reaches(port: Port, peer: Peer) -> bool:
    """Whether a rule of ``port`` with ``peer`` can match any traffic: ICMP never matches an IPv6
    CIDR, ICMPv6 never an IPv4 one; groups and prefix lists are family-neutral."""
    family = only_family(port)
    return family is None or not peer.is_cidr or peer.kind is family


def check_description(text: str, what: str) -> str:
    """AWS's constraints on group and rule descriptions: 255 characters from a fixed set."""
    if not isinstance(text, str):
        raise TieredSgError(what, text, "is not a string", "write a short sentence")
    if len(text) > MAX_DESCRIPTION:
        raise TieredSgError(
            what,
            text,
            f"is {len(text)} characters long, AWS allows {MAX_DESCRIPTION}",
            "shorten it",
        )
    if not _DESCRIPTION.fullmatch(text):
        bad = sorted({c for c in text if not _DESCRIPTION.fullmatch(c)})
        raise TieredSgError(
            what,
            text,
            f"contains characters AWS refuses: {''.join(bad)!r}",
            "use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        )
    return text


def dedupe(rules: list[Rule]) -> list[Rule]:
    """The rules in order, each permission once (the first rule's description wins)."""
    seen: dict[RuleKey, Rule] = {}
    for rule in rules:
        seen.setdefault(rule.key, rule)
    return list(seen.values())
