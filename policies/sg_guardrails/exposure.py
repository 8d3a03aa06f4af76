"""Judge one normalised rule: is it world-open, and does its traffic hit what a policy forbids?

Every judgement is three-valued: a violation (with what was found), clean (``None``), or
undecided (with the unknown parts that prevented a decision). Only the parts a check needs can
leave it undecided: an unknown port never hides a definite world CIDR on an all-traffic rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .fields import is_world
from .model import (
    ALL,
    TCP,
    UDP,
    Cidr,
    IpFamily,
    NormalizedRule,
    PortRange,
    TrafficDirection,
    UnknownField,
)

_UNKNOWN_DIRECTION = UnknownField("direction", "direction", "unknown", "is not known")

# A traffic test: (what was hit, or None) and the gaps that left it undecided.
TrafficTest = Callable[[NormalizedRule], tuple[str | None, tuple[UnknownField, ...]]]
# Which networks a policy treats as the whole internet (``is_world``: prefix length 0).
WorldTest = Callable[[Cidr], bool]


def shorter_than(min_prefix_ipv4: int, min_prefix_ipv6: int) -> WorldTest:
    """The world, plus any network whose prefix is shorter than its family's minimum."""
    if min_prefix_ipv4 <= 0 and min_prefix_ipv6 <= 0:
        return is_world  # no prefix length is below 0: the same test, without a closure per call
    minimum: dict[IpFamily, int] = {4: min_prefix_ipv4, 6: min_prefix_ipv6}

    def test(network: Cidr) -> bool:
        return is_world(network) or network.prefixlen < minimum[network.family]

    return test


@dataclass(frozen=True)
class Judgement:
    rule: NormalizedRule
    detail: str | None  # set when the rule definitely violates
    gaps: tuple[UnknownField, ...] = ()  # set when it could not be decided

    @property
    def is_violation(self) -> bool:
        return self.detail is not None

    @property
    def has_malformed(self) -> bool:
        return any(gap.kind == "malformed" for gap in self.gaps)


def world_cidrs(rule: NormalizedRule, world: WorldTest = is_world) -> tuple[str, ...]:
    """The rule's CIDRs meaning "the whole internet" (by default prefix length 0, either family)."""
    networks = rule.networks  # parsed once, by normalisation
    if not networks:
        return ()
    found = [
        cidr
        for cidr, network in zip(rule.cidrs, networks, strict=True)
        if network is not None and world(network)
    ]
    return tuple(found)


def judge_world_open(
    rule: NormalizedRule,
    direction: TrafficDirection,
    traffic: TrafficTest,
    world: WorldTest = is_world,
) -> Judgement | None:
    """Judge a rule that matters only when it is open to/from the world in ``direction``.

    Group references, ``self`` and prefix lists only ADD peers: they never make a world CIDR in
    the same rule acceptable, so they are not looked at here.
    """
    gaps: list[UnknownField] = []
    if rule.direction is None:
        gaps += rule.unknowns_for("direction") or [_UNKNOWN_DIRECTION]
    elif rule.direction != direction:
        return None
    if not world_cidrs(rule, world):
        source_gaps = rule.unknowns_for("sources")
        if not source_gaps:
            return None
        gaps += source_gaps
    detail, traffic_gaps = traffic(rule)
    if detail is None and not traffic_gaps:
        return None
    gaps += traffic_gaps
    if gaps:
        return Judgement(rule, None, tuple(dict.fromkeys(gaps)))
    return Judgement(rule, detail)


def opens_ports(ports: Iterable[int], label: str) -> TrafficTest:
    """Hit when the rule carries tcp/udp/all traffic to any of ``ports``."""
    wanted = tuple(sorted(set(ports)))

    def test(rule: NormalizedRule) -> tuple[str | None, tuple[UnknownField, ...]]:
        if rule.protocol is None:
            return None, rule.unknowns_for("protocol")
        if rule.protocol not in (ALL, TCP, UDP):
            return None, ()  # another protocol has no tcp/udp ports to expose
        if rule.ports is None:
            return None, rule.unknowns_for("ports")
        start, end = rule.ports.start, rule.ports.end
        hit = [port for port in wanted if start <= port <= end]
        if not hit:
            return None, ()
        return f"opens {plural(label, len(hit))} {format_ports(hit)}", ()

    return test


def all_traffic(rule: NormalizedRule) -> tuple[str | None, tuple[UnknownField, ...]]:
    """Hit for every protocol, or a tcp/udp range covering every port (0-65535)."""
    if rule.protocol is None:
        return None, rule.unknowns_for("protocol")
    if rule.protocol == ALL:
        return "allows every protocol on every port", ()
    if rule.protocol not in (TCP, UDP):
        return None, ()
    if rule.ports is None:
        return None, rule.unknowns_for("ports")
    if rule.ports.is_every_port:
        return f"allows every {rule.protocol} port", ()
    return None, ()


def outside(allowed: Iterable[int]) -> TrafficTest:
    """Hit when the rule carries tcp/udp/all traffic to a port not in ``allowed``."""
    permitted = frozenset(allowed)

    def test(rule: NormalizedRule) -> tuple[str | None, tuple[UnknownField, ...]]:
        if rule.protocol is None:
            return None, rule.unknowns_for("protocol")
        if rule.protocol not in (ALL, TCP, UDP):
            return None, ()
        if rule.ports is None:
            return None, rule.unknowns_for("ports")
        extra = uncovered(rule.ports, permitted)
        if not extra:
            return None, ()
        if rule.protocol == ALL:
            return "opens every protocol on every port, far beyond the allowlist,", ()
        listed = ", ".join(str(r) for r in extra)
        many = len(extra) > 1 or extra[0].start != extra[0].end
        return f"opens {plural('port', 2 if many else 1)} {listed}, not allowlisted,", ()

    return test


def uncovered(ports: PortRange, allowed: frozenset[int]) -> list[PortRange]:
    """The sub-ranges of ``ports`` that are not in ``allowed`` (``21-80`` minus 80 -> ``21-79``)."""
    gaps: list[PortRange] = []
    start = ports.start
    for port in sorted(p for p in allowed if ports.start <= p <= ports.end):
        if port > start:
            gaps.append(PortRange(start, port - 1))
        start = port + 1
    if start <= ports.end:
        gaps.append(PortRange(start, ports.end))
    return gaps


def plural(noun: str, count: int) -> str:
    return noun if count == 1 else f"{noun}s"


def format_ports(ports: Iterable[int]) -> str:
    """``20, 21, 22, 25`` -> ``20-22, 25``."""
    runs: list[PortRange] = []
    for port in sorted(set(ports)):
        if runs and runs[-1].end == port - 1:
            runs[-1] = PortRange(runs[-1].start, port)
        else:
            runs.append(PortRange(port, port))
    return ", ".join(str(r) for r in runs)
