"""The admin group's inputs: named CIDRs no wider than a limit per family, and its ports.

A CIDR of prefix ``/0`` is the internet; so, in all but name, is ``0.0.0.0/1``. Admin CIDRs
wider than ``admin_min_prefix_ipv4`` / ``admin_min_prefix_ipv6`` (prefix lengths, default /8
and /32) are refused with the same message style as ``/0``.
"""

from tiered_sg.errors import TieredSgError
from tiered_sg.inputs import ArgPath, as_mapping, as_str, parse_ports
from tiered_sg.peers import Peer, PeerKind, check_label
from tiered_sg.ports import Port

DEFAULT_ADMIN_PORTS = ["ssh"]
DEFAULT_ADMIN_MIN_PREFIX = {PeerKind.IPV4: 8, PeerKind.IPV6: 32}
"""Widest admin CIDR per family: a /8 is already 16 million addresses."""
_ADMIN_HINT = "list the office or VPN ranges admins connect from, e.g. '203.0.113.10/32'"


def parse_admin_cidrs(
    value: object, at: ArgPath, min_prefix: dict[PeerKind, tuple[int, ArgPath]]
) -> tuple[Peer, ...]:
    """Named CIDRs; ``min_prefix`` holds, per family, the widest prefix allowed and where that
    limit is set (for the message)."""
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
        if peer.is_world:
            raise where.error(text, "opens admin access to the whole internet", _ADMIN_HINT)
        limit, limit_at = min_prefix[peer.kind]
        prefix = int(peer.value.rsplit("/", 1)[1])
        if prefix < limit:
            raise where.error(
                text,
                f"opens admin access to a /{prefix}, wider than the /{limit} {limit_at} allows",
                f"{_ADMIN_HINT} (or lower {limit_at} if the whole range is yours)",
            )
        peers.append(peer)
    return tuple(peers)


def parse_admin_ports(value: object, at: ArgPath) -> tuple[Port, ...]:
    """Admin ports: never ``all``."""
    ports = parse_ports(value, at)
    for position, port in enumerate(ports):
        if port.is_all_traffic:
            raise at.index(position).error(
                str(port),
                "would let the admin group reach every port of every tier",
                "name the admin ports, e.g. ['ssh'] or ['rdp']",
            )
    return ports
