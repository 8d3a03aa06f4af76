"""The normalised rule model every policy judges, whatever resource carried the rule."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal, NamedTuple

TrafficDirection = Literal["ingress", "egress"]
# What a missing piece of a rule prevents us from knowing; the checks skip only that part.
Aspect = Literal["direction", "protocol", "ports", "sources", "peers", "description", "rule"]
# "unknown": computed, known at `pulumi up`. "malformed": wrong type/value, will never be valid.
UnknownKind = Literal["unknown", "malformed"]
PeerRefKind = Literal["self", "group", "prefix-list"]

ALL: Final = "all"
TCP: Final = "tcp"
UDP: Final = "udp"
ICMP: Final = "icmp"
ICMPV6: Final = "icmpv6"

MIN_PORT: Final = 0
MAX_PORT: Final = 65535

EMPTY_TAGS: Final[Mapping[str, str]] = MappingProxyType({})

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# An IP family, numbered as ``ipaddress`` numbers versions: AWS counts a group's rules per family.
IpFamily = Literal[4, 6]
IP_FAMILIES: Final[tuple[IpFamily, ...]] = (4, 6)
IP_FAMILY_NAMES: Final[Mapping[IpFamily, str]] = MappingProxyType({4: "IPv4", 6: "IPv6"})


def field_family(field: str) -> IpFamily:
    """The family a CIDR field holds, by its name (``ipv6CidrBlocks``, ``cidrIpv6``: IPv6)."""
    return 6 if "ipv6" in field.lower() else 4


def network(text: str) -> Network | None:
    """``ipaddress.ip_network(text, strict=False)``, or None when ``text`` is not a CIDR."""
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


class Cidr(NamedTuple):
    """What the checks need of a parsed CIDR: its network, canonically (``10.0.0.5/8`` ->
    ``10.0.0.0/8``), IP family and prefix length. Plain values, not the ``ipaddress`` objects:
    a rule holding them adds nothing for the garbage collector to track, and a large stack's
    graph holds one per CIDR of every rule."""

    network: str
    family: IpFamily
    prefixlen: int


def cidr_of(parsed: Network) -> Cidr:
    return Cidr(str(parsed), 6 if parsed.version == 6 else 4, parsed.prefixlen)


def parse_network(text: str) -> Cidr | None:
    """``cidr_of(network(text))``, or None when ``text`` is not a CIDR."""
    parsed = network(text)
    return None if parsed is None else cidr_of(parsed)


@dataclass(frozen=True, order=True)
class PortRange:
    """An inclusive range of TCP/UDP ports; ``PortRange(0, 0)`` is port 0 only."""

    start: int
    end: int

    @property
    def is_every_port(self) -> bool:
        return self.start <= MIN_PORT and self.end >= MAX_PORT

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


EVERY_PORT: Final = PortRange(MIN_PORT, MAX_PORT)


@dataclass(frozen=True)
class UnknownField:
    """One part of a rule that could not be read, and why."""

    field: str
    aspect: Aspect
    kind: UnknownKind
    reason: str

    def __str__(self) -> str:
        return f"{self.field} {self.reason}"


@dataclass(frozen=True)
class PeerRef:
    """A non-CIDR source/destination: ``self``, another group, or a prefix list.

    ``value`` is the id (or name) as written, ``None`` when unknown in preview;
    ``field`` is the property it came from, the key to look up in ``propertyDependencies``.
    """

    kind: PeerRefKind
    value: str | None
    field: str

    def __str__(self) -> str:
        if self.kind == "self":
            return "self"
        if self.value is None:
            return f"{self.kind} (id unknown in preview)"
        return self.value


@dataclass(frozen=True)
class NormalizedRule:
    """One rule: direction, protocol, ports and every source (or destination for egress).

    ``protocol`` is ``tcp``/``udp``/``icmp``/``icmpv6``/``all`` or another protocol number as a
    decimal string, ``None`` when unknown. ``ports`` is only meaningful for tcp/udp/all: ``all``
    always carries ``EVERY_PORT``; tcp/udp carry ``None`` when the ports are unknown; other
    protocols carry ``None`` (they have no ports). ``origin`` says where the rule was written.
    """

    direction: TrafficDirection | None
    protocol: str | None
    ports: PortRange | None
    ipv4_cidrs: tuple[str, ...] = ()
    ipv6_cidrs: tuple[str, ...] = ()
    other_sources: tuple[PeerRef, ...] = ()
    description: str | None = None
    unknowns: tuple[UnknownField, ...] = ()
    origin: str = "rule"
    # ICMP type and code (AWS keeps them in fromPort/toPort); None when not icmp or unreadable.
    icmp: tuple[int, int] | None = None
    # AWS's own allow-all egress that aws-native keeps when no egress is declared.
    implicit: bool = False
    # The network of each of ``cidrs``, in the same order (None where one does not parse).
    # Normalisation parses every CIDR anyway and passes them here, so the policies, the stack
    # graph and the quota never parse a rule's CIDRs again. Derived from the CIDRs, so not compared.
    parsed_cidrs: tuple[Cidr | None, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def cidrs(self) -> tuple[str, ...]:
        return self.ipv4_cidrs + self.ipv6_cidrs

    @property
    def networks(self) -> tuple[Cidr | None, ...]:
        """The network each of ``cidrs`` names (same order), None where one is not a CIDR."""
        if self.parsed_cidrs is not None:
            return self.parsed_cidrs
        return tuple(parse_network(cidr.strip()) for cidr in self.cidrs)  # built without them

    def unknowns_for(self, *aspects: Aspect) -> tuple[UnknownField, ...]:
        """Unknown parts that matter to a check needing ``aspects`` (whole-rule gaps always do)."""
        if not self.unknowns:
            return ()
        wanted = {*aspects, "rule"}
        return tuple(u for u in self.unknowns if u.aspect in wanted)

    def describe(self, peer_names: Mapping[PeerRef, str] | None = None) -> str:
        """The rule as a phrase, e.g. ``ingress tcp 22 from 0.0.0.0/0``.

        ``peer_names`` replaces peers by better labels (a resolved group's name).
        """
        direction = self.direction or "ingress/egress (direction unknown)"
        preposition = "to" if self.direction == "egress" else "from"
        names = peer_names or {}
        peers = [*self.cidrs, *(names.get(p, str(p)) for p in self.other_sources)]
        peers += [f"{u.field} ({u.reason})" for u in self.unknowns if u.aspect == "sources"]
        where = ", ".join(peers) if peers else "no source"
        return f"{direction} {describe_traffic(self.protocol, self.ports)} {preposition} {where}"


def describe_traffic(protocol: str | None, ports: PortRange | None) -> str:
    """``tcp 22``, ``udp 21-80``, ``all traffic``, ``icmp``, ``protocol 50``."""
    if protocol is None:
        return "(protocol unknown)"
    if protocol == ALL:
        return "all traffic"
    if protocol in (TCP, UDP):
        return f"{protocol} {ports}" if ports is not None else f"{protocol} (ports unknown)"
    if protocol in (ICMP, ICMPV6):
        return protocol
    return f"protocol {protocol}"


ResourceKind = Literal["group", "default-group", "rule"]


@dataclass(frozen=True)
class NormalizedResource:
    """A security-group-related resource reduced to what the policies need.

    For a rule resource, ``group`` is the group it attaches to (``securityGroupId``/``groupId``).
    """

    resource_type: str
    kind: ResourceKind
    rules: tuple[NormalizedRule, ...]
    description: str | None = None
    description_unknown: bool = False
    group: PeerRef | None = None
    tags: Mapping[str, str] = field(default_factory=lambda: EMPTY_TAGS)
    unknowns: tuple[UnknownField, ...] = ()

    @property
    def inline_rules(self) -> tuple[NormalizedRule, ...]:
        if self.kind == "rule":
            return ()
        return tuple(r for r in self.rules if not r.implicit)
