"""Judge one normalised rule: is it world-open, and does its traffic hit what a policy forbids?

Every judgement is three-valued: a violation (with what was found), clean (``None``), or
undecided (with the unknown parts that prevented a decision). Only the parts a check needs can
leave it undecided: an unknown port never hides a definite world CIDR on an all-traffic rule.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from .fields import is_world, parse_cidr
from .model import ALL, TCP, UDP, Direction, NormalizedRule, PortRange, UnknownField

_UNKNOWN_DIRECTION = UnknownField("direction", "direction", "unknown", "is not known")

# A traffic test: (what was hit, or None) and the gaps that left it undecided.
TrafficTest = Callable[[NormalizedRule], tuple[str | None, tuple[UnknownField, ...]]]


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


def world_cidrs(rule: NormalizedRule) -> tuple[str, ...]:
    """The rule's CIDRs meaning "the whole internet" (prefix length 0 in either family)."""
    return _world_cidrs(rule.ipv4_cidrs + rule.ipv6_cidrs)


# Four resource policies ask this of every rule, and a stack repeats a handful of CIDR lists:
# judge each list once. Bounded; a tuple of strings in, a tuple of strings out (immutable).
@functools.lru_cache(maxsize=8192)
def _world_cidrs(cidrs: tuple[str, ...]) -> tuple[str, ...]:
    worlds: list[str] = []
    for cidr in cidrs:
        parsed = parse_cidr(cidr, "cidr")
        if not isinstance(parsed, UnknownField) and is_world(parsed[1]):
            worlds.append(cidr)
    return tuple(worlds)


def judge_world_open(
    rule: NormalizedRule, direction: Direction, traffic: TrafficTest
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
    if not world_cidrs(rule):
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


# Ports tuples whose every element is exactly an ``int`` may key a cache: an equal tuple then has
# the same text too (``22.0 == 22`` and ``True == 1`` would not). Anything else is not cached.
_INT_ONLY: Final = frozenset({int})


def _as_tuple(ports: Iterable[int]) -> tuple[tuple[int, ...], bool]:
    """``ports`` as a tuple (an iterator is consumed once), and whether it may key a cache."""
    values = ports if type(ports) is tuple else tuple(ports)
    return values, _INT_ONLY.issuperset(map(type, values))


def opens_ports(ports: Iterable[int], label: str) -> TrafficTest:
    """Hit when the rule carries tcp/udp/all traffic to any of ``ports``."""
    values, cacheable = _as_tuple(ports)
    return _cached_opens_ports(values, label) if cacheable else _opens_ports(values, label)


def _opens_ports(ports: Iterable[int], label: str) -> TrafficTest:
    wanted = tuple(sorted(set(ports)))

    def test(rule: NormalizedRule) -> tuple[str | None, tuple[UnknownField, ...]]:
        if rule.protocol is None:
            return None, rule.unknowns_for("protocol")
        if rule.protocol not in (ALL, TCP, UDP):
            return None, ()  # another protocol has no tcp/udp ports to expose
        if rule.ports is None:
            return None, rule.unknowns_for("ports")
        start, end = rule.ports.start, rule.ports.end  # ``PortRange.covers``, inlined
        hit = [port for port in wanted if start <= port <= end]
        if not hit:
            return None, ()
        return f"opens {plural(label, len(hit))} {format_ports(hit)}", ()

    return test


# The same few port lists (the configured ones) for every resource; the tests are pure. Bounded.
_cached_opens_ports: Final = functools.lru_cache(maxsize=256)(_opens_ports)


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
    values, cacheable = _as_tuple(allowed)
    return _cached_outside(values) if cacheable else _outside(values)


def _outside(allowed: Iterable[int]) -> TrafficTest:
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


_cached_outside: Final = functools.lru_cache(maxsize=256)(_outside)


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
    values, cacheable = _as_tuple(ports)
    return _cached_format_ports(values) if cacheable else _format_ports(values)


def _format_ports(ports: Iterable[int]) -> str:
    runs: list[PortRange] = []
    for port in sorted(set(ports)):
        if runs and runs[-1].end == port - 1:
            runs[-1] = PortRange(runs[-1].start, port)
        else:
            runs.append(PortRange(port, port))
    return ", ".join(str(r) for r in runs)


# Called with the same few port lists for every resource (the configured ports); bounded.
_cached_format_ports: Final = functools.lru_cache(maxsize=1024)(_format_ports)
