"""Validation of the chain's inputs, shared by component args and stack config.

:meth:`ChainSpec.from_args` reads a plain mapping (TieredSecurityGroupsArgs, or decoded stack
config) and checks everything before anything is registered: shapes (a string where a list is
expected), unknown keys, values (ports, strict CIDRs, group ids, durations), and the rules
between them (duplicate tier names, no tiers, an entry tier that accepts nothing, admin CIDRs
wider than allowed). Errors name the argument path, or with a config :class:`ArgPath` the config
key, e.g. ``tiered-sg:tiers[1].ports[0]``.
"""

from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Optional

import pulumi

from tiered_sg.admin_access import (
    DEFAULT_ADMIN_MIN_PREFIX,
    DEFAULT_ADMIN_PORTS,
    parse_admin_cidrs,
    parse_admin_ports,
)
from tiered_sg.args import EgressArgs, TierArgs, TieredSecurityGroupsArgs
from tiered_sg.chain_checks import check_icmp_families, check_tier_name_prefixes
from tiered_sg.durations import DEFAULT_DELETE_TIMEOUT
from tiered_sg.entry_groups import parse_entry_groups
from tiered_sg.errors import TieredSgError
from tiered_sg.inputs import (
    ArgPath,
    as_list,
    as_mapping,
    as_str,
    check_keys,
    parse_bool,
    parse_cidrs,
    parse_delete_timeout,
    parse_description,
    parse_int,
    parse_ports,
    parse_tags,
)
from tiered_sg.naming import MAX_TIER_NAME, check_group_name
from tiered_sg.peers import Peer, PeerKind
from tiered_sg.ports import Port

ADMIN = "admin"
"""Name of the admin group; reserved, no tier may use it."""
TAG_PREFIX = "tiered-sg:"
"""Prefix of the tags the chain writes (chain, tier, position, role); reserved for users."""
CHAIN_TAGS = 4

DEFAULT_TIERS: list[TierArgs] = [
    {"name": "web", "ports": ["http", "https"]},
    {"name": "app", "ports": ["tcp:8080"]},
    {"name": "db", "ports": ["postgres"]},
]
DEFAULT_PUBLIC_IPV4_CIDRS = ["0.0.0.0/0"]

CHAIN_FIELDS = (
    "vpc_id",
    "tiers",
    "public_ipv4_cidrs",
    "public_ipv6_cidrs",
    "admin_cidrs",
    "admin_ports",
    "tags",
    "entry_security_groups",
    "exclusive_rules",
    "close_default_group",
    "delete_timeout",
    "admin_min_prefix_ipv4",
    "admin_min_prefix_ipv6",
)
_TIER_FIELDS = ("name", "ports", "egress")
_EGRESS_FIELDS = ("ports", "cidrs", "description")
_TIERS_EXAMPLE = "write a list such as [{'name': 'web', 'ports': ['https']}]"
_EGRESS_EXAMPLE = "write a list such as [{'ports': ['https'], 'cidrs': ['0.0.0.0/0']}]"


@dataclass(frozen=True)
class EgressSpec:
    """Extra outbound access of a tier."""

    ports: tuple[Port, ...]
    peers: tuple[Peer, ...]
    description: Optional[str]


@dataclass(frozen=True)
class TierSpec:
    """One validated tier."""

    name: str
    ports: tuple[Port, ...]
    egress: tuple[EgressSpec, ...]


@dataclass(frozen=True)
class ChainSpec:
    """Validated chain inputs, everything but the VPC id."""

    tiers: tuple[TierSpec, ...]
    public_peers: tuple[Peer, ...]
    admin_peers: tuple[Peer, ...]
    admin_ports: tuple[Port, ...]
    tags: Mapping[str, str]
    entry_groups: tuple[Peer, ...] = ()
    """Groups made elsewhere that tier 0 accepts (group peers labelled by their names)."""
    exclusive_rules: bool = True
    close_default_group: bool = False
    delete_timeout: str = DEFAULT_DELETE_TIMEOUT
    admin_min_prefix: Mapping[PeerKind, int] = field(
        default_factory=lambda: dict(DEFAULT_ADMIN_MIN_PREFIX)
    )
    """Widest admin CIDR allowed per family, as a prefix length."""

    @classmethod
    def from_args(cls, args: Mapping[str, object], at: Optional[ArgPath] = None) -> "ChainSpec":
        """Validate ``args`` (absent or None keys take their defaults). Keys are spelled as
        ``at`` spells them: snake_case for args, camelCase for config."""
        at = at or ArgPath()
        raw = as_mapping(args, at, "the chain's arguments", "pass a mapping of arguments")
        check_keys(raw, CHAIN_FIELDS, at)

        def value(field: str, default: object) -> object:
            found = raw.get(at.shown(field))
            return deepcopy(default) if found is None else found

        tiers = _parse_tiers(value("tiers", DEFAULT_TIERS), at.field("tiers"))
        ipv4 = parse_cidrs(
            value("public_ipv4_cidrs", DEFAULT_PUBLIC_IPV4_CIDRS),
            at.field("public_ipv4_cidrs"),
            family=4,
        )
        ipv6 = parse_cidrs(value("public_ipv6_cidrs", []), at.field("public_ipv6_cidrs"), 6)
        entry_groups = parse_entry_groups(
            value("entry_security_groups", {}),
            at.field("entry_security_groups"),
            [ADMIN, *(tier.name for tier in tiers)],
        )
        if not ipv4 and not ipv6 and not entry_groups:
            raise at.field("public_ipv4_cidrs").error(
                [],
                f"is empty and so is {at.field('public_ipv6_cidrs')}, so the entry tier "
                f"{tiers[0].name!r} would accept no traffic",
                "list the addresses allowed in, e.g. ['0.0.0.0/0'] or ['10.0.0.0/8'], or "
                f"existing security groups in {at.field('entry_security_groups')}",
            )
        check_icmp_families(
            tiers[0].ports,
            at.field("tiers").index(0).field("ports"),
            ipv4 + ipv6 + entry_groups,
            {
                PeerKind.IPV4: at.field("public_ipv4_cidrs"),
                PeerKind.IPV6: at.field("public_ipv6_cidrs"),
            },
        )
        admin_at = at.field("admin_cidrs")
        min_prefix = {
            kind: parse_int(value(field, default), at.field(field), 1, high)
            for kind, field, default, high in (
                (
                    PeerKind.IPV4,
                    "admin_min_prefix_ipv4",
                    DEFAULT_ADMIN_MIN_PREFIX[PeerKind.IPV4],
                    32,
                ),
                (
                    PeerKind.IPV6,
                    "admin_min_prefix_ipv6",
                    DEFAULT_ADMIN_MIN_PREFIX[PeerKind.IPV6],
                    128,
                ),
            )
        }
        admin_peers = parse_admin_cidrs(
            value("admin_cidrs", {}),
            admin_at,
            {
                PeerKind.IPV4: (min_prefix[PeerKind.IPV4], at.field("admin_min_prefix_ipv4")),
                PeerKind.IPV6: (min_prefix[PeerKind.IPV6], at.field("admin_min_prefix_ipv6")),
            },
        )
        admin_ports = parse_admin_ports(
            value("admin_ports", DEFAULT_ADMIN_PORTS), at.field("admin_ports")
        )
        if admin_peers:  # without admin CIDRs there is no admin group: the ports go unused
            check_icmp_families(
                admin_ports,
                at.field("admin_ports"),
                admin_peers,
                {PeerKind.IPV4: admin_at, PeerKind.IPV6: admin_at},
            )
        tags = parse_tags(
            value("tags", {}),
            at.field("tags"),
            reserved=("aws:", TAG_PREFIX),
            limit=50 - CHAIN_TAGS,
        )
        return cls(
            tiers,
            ipv4 + ipv6,
            admin_peers,
            admin_ports,
            tags,
            entry_groups,
            parse_bool(value("exclusive_rules", True), at.field("exclusive_rules")),
            parse_bool(value("close_default_group", False), at.field("close_default_group")),
            parse_delete_timeout(
                value("delete_timeout", DEFAULT_DELETE_TIMEOUT), at.field("delete_timeout")
            ),
            min_prefix,
        )

    def to_args(self, vpc_id: pulumi.Input[str]) -> TieredSecurityGroupsArgs:
        """Canonical TieredSecurityGroupsArgs for this spec."""
        return {
            "vpc_id": vpc_id,
            "tiers": [_tier_args(tier) for tier in self.tiers],
            "public_ipv4_cidrs": _values(self.public_peers, PeerKind.IPV4),
            "public_ipv6_cidrs": _values(self.public_peers, PeerKind.IPV6),
            "admin_cidrs": {peer.label: peer.value for peer in self.admin_peers},
            "admin_ports": [str(port) for port in self.admin_ports],
            "tags": dict(self.tags),
            "entry_security_groups": {
                peer.value: peer.group_id for peer in self.entry_groups if peer.group_id is not None
            },
            "exclusive_rules": self.exclusive_rules,
            "close_default_group": self.close_default_group,
            "delete_timeout": self.delete_timeout,
            "admin_min_prefix_ipv4": self.admin_min_prefix[PeerKind.IPV4],
            "admin_min_prefix_ipv6": self.admin_min_prefix[PeerKind.IPV6],
        }


def _parse_tiers(value: object, at: ArgPath) -> tuple[TierSpec, ...]:
    items = as_list(value, at, "tiers", _TIERS_EXAMPLE)
    if not items:
        raise at.error(items, "a chain needs at least one tier", _TIERS_EXAMPLE)
    tiers: list[TierSpec] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(items):
        tier_at = at.index(position)
        tier = as_mapping(item, tier_at, "a tier", _TIERS_EXAMPLE)
        check_keys(tier, _TIER_FIELDS, tier_at)
        name_at = tier_at.field("name")
        name = as_str(tier.get("name"), name_at, "a tier name", "write a name such as 'web'")
        try:
            check_group_name(name, "tier name", limit=MAX_TIER_NAME)
        except TieredSgError as err:
            raise name_at.anchor(err) from None
        if name == ADMIN:
            raise name_at.error(name, "is reserved for the admin group", "rename the tier")
        if name in seen:
            raise name_at.error(
                name, f"is already the name of tier {seen[name]}", "give each tier its own name"
            )
        seen[name] = position
        egress_at = tier_at.field("egress")
        egress = as_list(tier.get("egress") or [], egress_at, "egress rules", _EGRESS_EXAMPLE)
        tiers.append(
            TierSpec(
                name,
                parse_ports(tier.get("ports"), tier_at.field("ports")),
                tuple(_parse_egress(e, egress_at.index(i)) for i, e in enumerate(egress)),
            )
        )
    check_tier_name_prefixes([tier.name for tier in tiers], at, ADMIN)
    return tuple(tiers)


def _parse_egress(value: object, at: ArgPath) -> EgressSpec:
    egress = as_mapping(value, at, "an egress rule", _EGRESS_EXAMPLE)
    check_keys(egress, _EGRESS_FIELDS, at)
    peers = parse_cidrs(egress.get("cidrs"), at.field("cidrs"))
    if not peers:
        raise at.field("cidrs").error([], "lists no destination", "write ['0.0.0.0/0'] or a range")
    description = egress.get("description")
    cidrs_at = at.field("cidrs")
    ports = parse_ports(egress.get("ports"), at.field("ports"))
    check_icmp_families(
        ports, at.field("ports"), peers, {PeerKind.IPV4: cidrs_at, PeerKind.IPV6: cidrs_at}
    )
    return EgressSpec(
        ports,
        peers,
        None if description is None else parse_description(description, at.field("description")),
    )


def _tier_args(tier: TierSpec) -> TierArgs:
    args: TierArgs = {"name": tier.name, "ports": [str(port) for port in tier.ports]}
    if tier.egress:
        args["egress"] = [_egress_args(egress) for egress in tier.egress]
    return args


def _egress_args(egress: EgressSpec) -> EgressArgs:
    args: EgressArgs = {
        "ports": [str(port) for port in egress.ports],
        "cidrs": [peer.value for peer in egress.peers],
    }
    if egress.description is not None:
        args["description"] = egress.description
    return args


def _values(peers: tuple[Peer, ...], kind: PeerKind) -> list[str]:
    return [peer.value for peer in peers if peer.kind is kind]
