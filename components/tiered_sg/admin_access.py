"""The admin group's inputs: named CIDRs no wider than a limit per family, and its ports.

A CIDR of prefix ``/0`` is the internet; so, in all but name, is ``0.0.0.0/1``. Admin CIDRs
wider than ``admin_min_prefix_ipv4`` / ``admin_min_prefix_ipv6`` (prefix lengths, default /8
and /32) are refused with the same message style as ``/0``.
"""

from collections.abc import Iterable, Mapping, Sequence

from tiered_sg.errors import TieredSgError
from tiered_sg.inputs import ArgPath, as_mapping, as_str
from tiered_sg.peers import Peer, PeerKind, check_label
from tiered_sg.ports import Port

DEFAULT_ADMIN_PORTS = ["ssh"]
DEFAULT_ADMIN_MIN_PREFIX = {PeerKind.IPV4: 8, PeerKind.IPV6: 32}
"""Widest admin CIDR per family: a /8 is already 16 million addresses."""
_ADMIN_HINT = "list the office or VPN ranges admins connect from, e.g. '203.0.113.10/32'"


Limits = Mapping[PeerKind, tuple[int, ArgPath]]
"""Per family: the widest admin CIDR allowed, as a prefix length, and where that limit is set."""


def parse_admin_cidrs(value: object, at: ArgPath, limits: Limits) -> tuple[Peer, ...]:
    """Named CIDRs, each labelled with its name, none wider than ``limits``; errors show each
    CIDR as written."""
    cidrs = as_mapping(
        value, at, "a mapping of names to CIDRs", "write {'office': '203.0.113.10/32'}"
    )
    peers: list[Peer] = []
    for name, cidr in cidrs.items():
        where = at.key(name)
        try:
            label = check_label(name, "admin CIDR name")
        except TieredSgError as err:
            raise TieredSgError(f"{at} key", name, err.problem, err.hint) from None
        text = as_str(cidr, where, "a CIDR string", "write a CIDR such as '203.0.113.10/32'")
        try:
            peer = Peer.cidr(text, label)
        except TieredSgError as err:
            raise where.anchor(err) from None
        _check_width(peer, text, where, limits)
        peers.append(peer)
    return tuple(peers)


def check_admin_cidrs(peers: Iterable[Peer], at: ArgPath, limits: Limits) -> None:
    """Admin CIDRs (labelled by their names under ``at``) none wider than ``limits``."""
    for peer in peers:
        where = at.key(peer.label)
        if not peer.is_cidr:
            raise where.error(peer, "is not a CIDR", _ADMIN_HINT)
        _check_width(peer, peer.value, where, limits)


def _check_width(peer: Peer, text: str, where: ArgPath, limits: Limits) -> None:
    if peer.is_world:
        raise where.error(text, "opens admin access to the whole internet", _ADMIN_HINT)
    limit, limit_at = limits[peer.kind]
    prefix = int(peer.value.rsplit("/", 1)[1])
    if prefix < limit:
        raise where.error(
            text,
            f"opens admin access to a /{prefix}, wider than the /{limit} {limit_at} allows",
            f"{_ADMIN_HINT} (or lower {limit_at} if the whole range is yours)",
        )


def check_admin_ports(ports: Sequence[Port], at: ArgPath) -> None:
    """Admin ports: at least one, never ``all``."""
    if not ports:
        raise at.error(list(ports), "lists no port", "name the admin ports, e.g. ['ssh']")
    for position, port in enumerate(ports):
        if not isinstance(port, Port):
            raise at.index(position).error(port, "is not a Port", "use Port.parse('ssh')")
        if port.is_all_traffic:
            raise at.index(position).error(
                str(port),
                "would let the admin group reach every port of every tier",
                "name the admin ports, e.g. ['ssh'] or ['rdp']",
            )
