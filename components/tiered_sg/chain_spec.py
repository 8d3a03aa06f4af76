"""Validation of the chain's inputs, shared by component args and stack config.

:meth:`ChainSpec.from_args` reads a plain mapping (TieredSecurityGroupsArgs, or decoded stack
config) into values, checking shapes (a string where a list is expected), unknown keys and each
value (ports, strict CIDRs, group ids, durations); the constructor then checks the rules between
them (duplicate tier names, no tiers, an entry tier that accepts nothing, admin CIDRs wider than
allowed), however the spec is built. Both run before anything is registered. Errors name the
argument path, or with a config :class:`ArgPath` the config key, e.g.
``tiered-sg:tiers[1].ports[0]``.
"""

from collections.abc import Mapping
from copy import deepcopy
from dataclasses import InitVar, dataclass, field
from types import MappingProxyType
from typing import NamedTuple, Optional, TypedDict

from tiered_sg.admin_access import (
    DEFAULT_ADMIN_MIN_PREFIX,
    DEFAULT_ADMIN_PORTS,
    check_admin_cidrs,
    check_admin_ports,
    parse_admin_cidrs,
)
from tiered_sg.adoption import parse_adopt
from tiered_sg.args import TierArgs
from tiered_sg.chain_checks import check_icmp_families, check_tier_name_prefixes
from tiered_sg.durations import DEFAULT_DELETE_TIMEOUT
from tiered_sg.entry_groups import check_entry_groups, parse_entry_groups
from tiered_sg.errors import TieredSgError
from tiered_sg.group_options import DEFAULT_GROUP_OPTIONS, GroupOptions, check_options
from tiered_sg.inputs import (
    CIDRS_EXAMPLE,
    PORTS_EXAMPLE,
    ArgPath,
    as_list,
    as_mapping,
    as_str,
    check_keys,
    parse_bool,
    parse_cidrs,
    parse_description,
    parse_int,
    parse_ports,
    parse_tags,
)
from tiered_sg.naming import MAX_TIER_NAME, check_group_name
from tiered_sg.peers import Family, Peer, PeerKind
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
    "adopt",
    "retain_on_delete",
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


_MIN_FIELDS = (
    (PeerKind.IPV4, ("admin_min_prefix_ipv4", 32)),
    (PeerKind.IPV6, ("admin_min_prefix_ipv6", 128)),
)
"""Per family: the field setting the widest admin CIDR, and the longest prefix of the family."""


@dataclass(frozen=True)
class ChainSpec:
    """Validated chain inputs, everything but the VPC id.

    Valid by construction: the constructor checks the whole spec (tiers and their names, what
    the entry tier accepts, ICMP families, admin CIDR widths and ports, tags, options) and
    freezes its mappings. ``at`` is where the values came from, so that errors name the
    argument path or config key (``from_args`` passes it); built directly, errors name the
    fields.
    """

    tiers: tuple[TierSpec, ...]
    public_peers: tuple[Peer, ...]
    admin_peers: tuple[Peer, ...]
    admin_ports: tuple[Port, ...]
    tags: Mapping[str, str]
    entry_groups: tuple[Peer, ...] = ()
    """Groups made elsewhere that tier 0 accepts (group peers labelled by their names)."""
    options: GroupOptions = DEFAULT_GROUP_OPTIONS
    """How every group of the chain is managed: exclusive rules, delete timeout."""
    close_default_group: bool = False
    admin_min_prefix: Mapping[PeerKind, int] = field(
        default_factory=lambda: dict(DEFAULT_ADMIN_MIN_PREFIX)
    )
    """Widest admin CIDR allowed per family, as a prefix length."""
    adopt: Mapping[str, str] = field(default_factory=dict)
    """Child name -> id of the existing group or rule it adopts (see tiered_sg.adoption)."""
    retain_on_delete: bool = False
    """Destroying the stack (or dropping a child) leaves the AWS objects in place."""
    adopt_at: ArgPath = field(default=ArgPath(), init=False, compare=False, repr=False)
    """Where ``adopt`` came from, for errors found once the chain's child names are known."""
    at: InitVar[Optional[ArgPath]] = None

    def __post_init__(self, at: Optional[ArgPath]) -> None:
        at = at or ArgPath()
        _freeze(self, "tiers", "public_peers", "admin_peers", "admin_ports", "entry_groups")
        _check_tiers(self.tiers, at.field("tiers"))
        _check_entry(self, at)
        min_prefix = {
            kind: parse_int(self.admin_min_prefix.get(kind), at.field(name), 1, high)
            for kind, (name, high) in _MIN_FIELDS
        }
        object.__setattr__(self, "admin_min_prefix", MappingProxyType(min_prefix))
        admin_at = at.field("admin_cidrs")
        limits = {kind: (min_prefix[kind], at.field(name)) for kind, (name, _) in _MIN_FIELDS}
        check_admin_cidrs(self.admin_peers, admin_at, limits)
        check_admin_ports(self.admin_ports, at.field("admin_ports"))
        if self.admin_peers:  # without admin CIDRs there is no admin group: the ports go unused
            check_icmp_families(
                self.admin_ports,
                at.field("admin_ports"),
                self.admin_peers,
                {PeerKind.IPV4: admin_at, PeerKind.IPV6: admin_at},
            )
        tags = parse_tags(
            self.tags, at.field("tags"), reserved=("aws:", TAG_PREFIX), limit=50 - CHAIN_TAGS
        )
        object.__setattr__(self, "tags", MappingProxyType(tags))
        check_options(self.options, "options")
        parse_bool(self.close_default_group, at.field("close_default_group"))
        adopt = parse_adopt(self.adopt, at.field("adopt"))
        object.__setattr__(self, "adopt", adopt)
        object.__setattr__(self, "adopt_at", at.field("adopt"))
        parse_bool(self.retain_on_delete, at.field("retain_on_delete"))

    @classmethod
    def from_args(cls, args: Mapping[str, object], at: Optional[ArgPath] = None) -> "ChainSpec":
        """Validate ``args`` (absent or None keys take their defaults). Keys are spelled as
        ``at`` spells them: snake_case for args, camelCase for config."""
        at = at or ArgPath()
        raw = as_mapping(args, at, "the chain's arguments", "pass a mapping of arguments")
        check_keys(raw, CHAIN_FIELDS, at)
        given = _Given(raw, at)
        tiers = _parse_tiers(*given.arg("tiers", DEFAULT_TIERS))
        public_peers = _parse_public(given)
        entry_groups = parse_entry_groups(*given.arg("entry_security_groups", {}))
        admin = _parse_admin(given)
        tags = parse_tags(*given.arg("tags", {}))
        return cls(
            tiers,
            public_peers,
            admin.peers,
            admin.ports,
            tags,
            entry_groups,
            admin_min_prefix=admin.min_prefix,
            **_parse_options(given),
            at=at,
        )


@dataclass(frozen=True)
class _Given:
    """The chain's arguments as given, and where they came from."""

    raw: Mapping[str, object]
    at: ArgPath

    def arg(self, name: str, default: object) -> tuple[object, ArgPath]:
        """The value of field ``name`` (a copy of ``default`` when absent or None) and its path."""
        found = self.raw.get(self.at.shown(name))
        return (deepcopy(default) if found is None else found), self.at.field(name)


class _Admin(NamedTuple):
    """The admin group's sources and ports, and the widest admin CIDR per family."""

    peers: tuple[Peer, ...]
    ports: tuple[Port, ...]
    min_prefix: dict[PeerKind, int]


class _Options(TypedDict):
    """The chain-wide settings, as ChainSpec's keyword arguments."""

    options: GroupOptions
    close_default_group: bool
    adopt: Mapping[str, str]
    retain_on_delete: bool


def _parse_public(given: _Given) -> tuple[Peer, ...]:
    """The CIDRs the entry tier accepts: IPv4, then IPv6."""
    ipv4 = parse_cidrs(
        *given.arg("public_ipv4_cidrs", DEFAULT_PUBLIC_IPV4_CIDRS), family=Family.IPV4
    )
    return ipv4 + parse_cidrs(*given.arg("public_ipv6_cidrs", []), family=Family.IPV6)


def _parse_admin(given: _Given) -> _Admin:
    """The widest admin CIDR per family, then the admin CIDRs (checked against it), the ports."""
    min_prefix = {
        kind: parse_int(*given.arg(name, DEFAULT_ADMIN_MIN_PREFIX[kind]), 1, high)
        for kind, (name, high) in _MIN_FIELDS
    }
    limits = {kind: (min_prefix[kind], given.at.field(name)) for kind, (name, _) in _MIN_FIELDS}
    return _Admin(
        parse_admin_cidrs(*given.arg("admin_cidrs", {}), limits),
        parse_ports(*given.arg("admin_ports", DEFAULT_ADMIN_PORTS)),
        min_prefix,
    )


def _parse_options(given: _Given) -> _Options:
    """The switches and settings of the whole chain, checked in the order of the arguments."""
    exclusive_rules = parse_bool(*given.arg("exclusive_rules", True))
    close_default_group = parse_bool(*given.arg("close_default_group", False))
    delete_timeout, _ = given.arg("delete_timeout", DEFAULT_DELETE_TIMEOUT)
    # The delete timeout is checked here, once, naming the argument or config key.
    options = GroupOptions.parse(exclusive_rules, delete_timeout, given.at)
    return {
        "options": options,
        "close_default_group": close_default_group,
        "adopt": parse_adopt(*given.arg("adopt", {})),
        "retain_on_delete": parse_bool(*given.arg("retain_on_delete", False)),
    }


def _parse_tiers(value: object, at: ArgPath) -> tuple[TierSpec, ...]:
    items = as_list(value, at, "tiers", _TIERS_EXAMPLE)
    return tuple(_parse_tier(item, at.index(position)) for position, item in enumerate(items))


def _parse_tier(value: object, at: ArgPath) -> TierSpec:
    tier = as_mapping(value, at, "a tier", _TIERS_EXAMPLE)
    check_keys(tier, _TIER_FIELDS, at)
    name = as_str(tier.get("name"), at.field("name"), "a tier name", "write a name such as 'web'")
    egress_at = at.field("egress")
    egress = as_list(tier.get("egress") or [], egress_at, "egress rules", _EGRESS_EXAMPLE)
    return TierSpec(
        name,
        parse_ports(tier.get("ports"), at.field("ports")),
        tuple(_parse_egress(e, egress_at.index(i)) for i, e in enumerate(egress)),
    )


def _parse_egress(value: object, at: ArgPath) -> EgressSpec:
    egress = as_mapping(value, at, "an egress rule", _EGRESS_EXAMPLE)
    check_keys(egress, _EGRESS_FIELDS, at)
    description = egress.get("description")
    return EgressSpec(
        parse_ports(egress.get("ports"), at.field("ports")),
        parse_cidrs(egress.get("cidrs"), at.field("cidrs")),
        None if description is None else parse_description(description, at.field("description")),
    )


def _check_tiers(tiers: tuple[TierSpec, ...], at: ArgPath) -> None:
    """At least one tier; each name valid, not ``admin``, not another's, and not another's
    followed by a rule-name infix; each tier's ports and egress fit."""
    if not tiers:
        raise at.error([], "a chain needs at least one tier", _TIERS_EXAMPLE)
    seen: dict[str, int] = {}
    for position, tier in enumerate(tiers):
        tier_at = at.index(position)
        if not isinstance(tier, TierSpec):
            raise tier_at.error(
                tier, "is not a TierSpec", "build the chain with ChainSpec.from_args"
            )
        name_at = tier_at.field("name")
        try:
            check_group_name(tier.name, "tier name", limit=MAX_TIER_NAME)
        except TieredSgError as err:
            raise name_at.anchor(err) from None
        if tier.name == ADMIN:
            raise name_at.error(tier.name, "is reserved for the admin group", "rename the tier")
        if tier.name in seen:
            raise name_at.error(
                tier.name,
                f"is already the name of tier {seen[tier.name]}",
                "give each tier its own name",
            )
        seen[tier.name] = position
        if not tier.ports:
            raise tier_at.field("ports").error([], "lists no port", PORTS_EXAMPLE)
        for index, egress in enumerate(tier.egress):
            _check_egress(egress, tier_at.field("egress").index(index))
    check_tier_name_prefixes([tier.name for tier in tiers], at, ADMIN)


def _check_entry(spec: ChainSpec, at: ArgPath) -> None:
    """The entry tier accepts public CIDRs or groups made elsewhere, on ports that reach them."""
    for position, peer in enumerate(spec.public_peers):
        if not peer.is_cidr:
            raise (
                at.field("public_ipv4_cidrs")
                .index(position)
                .error(peer, "is not a CIDR", CIDRS_EXAMPLE)
            )
    check_entry_groups(
        spec.entry_groups,
        at.field("entry_security_groups"),
        [ADMIN, *(tier.name for tier in spec.tiers)],
    )
    if not spec.public_peers and not spec.entry_groups:
        raise at.field("public_ipv4_cidrs").error(
            [],
            f"is empty and so is {at.field('public_ipv6_cidrs')}, so the entry tier "
            f"{spec.tiers[0].name!r} would accept no traffic",
            "list the addresses allowed in, e.g. ['0.0.0.0/0'] or ['10.0.0.0/8'], or "
            f"existing security groups in {at.field('entry_security_groups')}",
        )
    check_icmp_families(
        spec.tiers[0].ports,
        at.field("tiers").index(0).field("ports"),
        spec.public_peers + spec.entry_groups,
        {
            PeerKind.IPV4: at.field("public_ipv4_cidrs"),
            PeerKind.IPV6: at.field("public_ipv6_cidrs"),
        },
    )


def _freeze(spec: ChainSpec, *names: str) -> None:
    """Sequences of the spec as tuples, so that nothing holds a list it could change."""
    for name in names:
        value = getattr(spec, name)
        if not isinstance(value, tuple | list):
            raise TieredSgError(name, value, "is not a tuple", f"pass a tuple of {name}")
        object.__setattr__(spec, name, tuple(value))


def _check_egress(egress: EgressSpec, at: ArgPath) -> None:
    """An egress entry names CIDRs, and ports that reach them."""
    cidrs_at = at.field("cidrs")
    if not egress.peers:
        raise cidrs_at.error([], "lists no destination", "write ['0.0.0.0/0'] or a range")
    for position, peer in enumerate(egress.peers):
        if not peer.is_cidr:
            raise cidrs_at.index(position).error(peer, "is not a CIDR", CIDRS_EXAMPLE)
    if not egress.ports:
        raise at.field("ports").error([], "lists no port", PORTS_EXAMPLE)
    check_icmp_families(
        egress.ports,
        at.field("ports"),
        egress.peers,
        {PeerKind.IPV4: cidrs_at, PeerKind.IPV6: cidrs_at},
    )
