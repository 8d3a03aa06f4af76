"""The judging semantics that most tools get wrong, one test per trap."""

from __future__ import annotations

import pytest

from sg_guardrails.exposure import (
    all_traffic,
    format_ports,
    judge_world_open,
    opens_ports,
    outside,
    uncovered,
    world_cidrs,
)
from sg_guardrails.model import EVERY_PORT, NormalizedRule, PeerRef, PortRange, TrafficDirection

SSH = opens_ports([22, 3389], "admin port")


PORT_22 = PortRange(22, 22)


def rule(
    protocol: str | None = "tcp",
    ports: PortRange | None = PORT_22,
    v4: tuple[str, ...] = ("0.0.0.0/0",),
    v6: tuple[str, ...] = (),
    peers: tuple[PeerRef, ...] = (),
    direction: TrafficDirection | None = "ingress",
) -> NormalizedRule:
    return NormalizedRule(direction, protocol, ports, tuple(v4), tuple(v6), tuple(peers))


@pytest.mark.parametrize(
    "cidr", ["0.0.0.0/0", "::/0", "0::/0", "0:0:0:0:0:0:0:0/0", "1.2.3.4/0", " 0.0.0.0/0 "]
)
def test_every_prefix_length_zero_is_the_world(cidr: str) -> None:
    family = 6 if ":" in cidr else 4
    r = rule(v4=(cidr.strip(),) if family == 4 else (), v6=(cidr.strip(),) if family == 6 else ())
    assert world_cidrs(r) == (cidr.strip(),)


@pytest.mark.parametrize("cidr", ["0.0.0.0/1", "10.0.0.0/8", "::/1", "0.0.0.0/32"])
def test_broad_but_not_world(cidr: str) -> None:
    assert world_cidrs(rule(v4=(cidr,))) == ()


def test_peers_never_cancel_a_world_cidr() -> None:
    judged = judge_world_open(
        rule(peers=(PeerRef("self", None, "self"), PeerRef("group", "sg-1", "securityGroups"))),
        "ingress",
        SSH,
    )
    assert judged is not None and judged.is_violation


def test_peers_alone_are_not_the_world() -> None:
    assert (
        judge_world_open(rule(v4=(), peers=(PeerRef("prefix-list", "pl-1", "p"),)), "ingress", SSH)
        is None
    )


def test_a_range_covers_every_port_inside_it() -> None:
    judged = judge_world_open(rule(ports=EVERY_PORT), "ingress", SSH)
    assert judged is not None and judged.detail == "opens admin ports 22, 3389"
    assert judge_world_open(rule(ports=PortRange(21, 80)), "ingress", SSH) is not None


def test_port_zero_does_not_cover_22_and_is_not_all_traffic() -> None:
    assert judge_world_open(rule(ports=PortRange(0, 0)), "ingress", SSH) is None
    assert judge_world_open(rule(ports=PortRange(0, 0)), "ingress", all_traffic) is None


def test_all_protocols_is_every_port_even_with_narrow_ports() -> None:
    # normalize_resource gives "all" EVERY_PORT; the judges must not look at anything else
    judged = judge_world_open(rule("all", EVERY_PORT), "ingress", SSH)
    assert judged is not None and judged.is_violation
    judged = judge_world_open(rule("all", EVERY_PORT), "ingress", all_traffic)
    assert judged is not None and judged.detail == "allows every protocol on every port"


def test_another_protocol_is_not_tcp_or_udp_exposure() -> None:
    assert judge_world_open(rule("50", None), "ingress", SSH) is None
    assert judge_world_open(rule("50", None), "ingress", outside([80])) is None
    assert judge_world_open(rule("icmp", None), "ingress", all_traffic) is None


def test_udp_counts_like_tcp() -> None:
    judged = judge_world_open(rule("udp", PortRange(3389, 3389)), "ingress", SSH)
    assert judged is not None and judged.is_violation


def test_every_tcp_port_is_all_traffic_but_almost_every_port_is_not() -> None:
    assert judge_world_open(rule(ports=EVERY_PORT), "ingress", all_traffic) is not None
    assert judge_world_open(rule(ports=PortRange(1, 65535)), "ingress", all_traffic) is None


def test_wrong_direction_is_ignored() -> None:
    assert judge_world_open(rule(direction="egress"), "ingress", SSH) is None


def test_unknown_direction_leaves_it_undecided() -> None:
    judged = judge_world_open(rule(direction=None), "ingress", SSH)
    assert judged is not None and not judged.is_violation


def test_uncovered_ranges() -> None:
    assert uncovered(PortRange(21, 80), frozenset({80, 443})) == [PortRange(21, 79)]
    assert uncovered(PortRange(80, 80), frozenset({80, 443})) == []
    assert uncovered(PortRange(0, 65535), frozenset({80, 443})) == [
        PortRange(0, 79),
        PortRange(81, 442),
        PortRange(444, 65535),
    ]
    assert uncovered(PortRange(0, 0), frozenset()) == [PortRange(0, 0)]


def test_format_ports_compresses_runs() -> None:
    assert format_ports([25, 20, 21, 22, 23]) == "20-23, 25"
    assert format_ports([]) == ""
