"""Who a rule allows: an IPv4 or IPv6 CIDR, a managed prefix list, or another security group.

CIDRs are parsed strictly with :mod:`ipaddress`: ``10.0.0.5/24`` (host bits set) is refused with
the network it probably meant, and a bare address is refused with its ``/32`` (or ``/128``).
Every check runs on construction, so a ``Peer`` in hand is always one AWS accepts.
"""

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Optional

import pulumi

from tiered_sg.aws_ids import GROUP_ID, PREFIX_LIST_ID
from tiered_sg.errors import TieredSgError


class PeerKind(StrEnum):
    """The four kinds of source/destination a VPC security group rule can name."""

    IPV4 = "ipv4"
    IPV6 = "ipv6"
    PREFIX_LIST = "prefix-list"
    GROUP = "group"

    @property
    def family(self) -> Optional["Family"]:
        """The IP family of a CIDR kind; None for prefix lists and groups."""
        return _CIDR_FAMILIES.get(self)


class Family(StrEnum):
    """IP families: AWS counts rule quotas per family."""

    IPV4 = "IPv4"
    IPV6 = "IPv6"


_CIDR_FAMILIES: Final = {PeerKind.IPV4: Family.IPV4, PeerKind.IPV6: Family.IPV6}


MAX_LABEL = 63
"""Longest label (a group peer's or a named CIDR's): group labels end up in child names."""
_LABEL = re.compile(rf"[A-Za-z][A-Za-z0-9_.-]{{0,{MAX_LABEL - 1}}}", re.ASCII)


def check_group_id(group_id: object) -> pulumi.Input[str]:
    """The one check of a group id: a plain string must have the form AWS gives
    (:data:`GROUP_ID`); an Output is checked by AWS once known."""
    if isinstance(group_id, pulumi.Output):
        return group_id
    if not isinstance(group_id, str):
        raise TieredSgError(
            "security group id",
            group_id,
            "is not a security group id",
            "pass a string or an Output[str]",
        )
    if not GROUP_ID.fullmatch(group_id):
        raise TieredSgError(
            "security group id",
            group_id,
            "is not a security group id ('sg-' and 8 or 17 lowercase hex digits)",
            "use the id AWS shows, like 'sg-0123456789abcdef0'",
        )
    return group_id


def group_key(group_id: Optional[pulumi.Input[str]]) -> object:
    """What makes two group ids provably one group: equal strings, or one and the same Output.
    Two distinct Outputs may resolve to one id, but nothing can tell before they resolve, and
    treating them as one would drop the second group's rules."""
    return group_id if group_id is None or isinstance(group_id, str) else ("output", id(group_id))


@dataclass(frozen=True, eq=False, repr=False)
class Peer:
    """A rule's other side, valid by construction (build it with the named constructors).

    ``value`` is the canonical CIDR, the prefix list id, or the group's label; ``label`` is a
    display name (a named CIDR such as ``office``) used in descriptions only, never in resource
    names, so renaming it never replaces a rule. ``group_id`` holds a group peer's id, which may
    be an unknown ``pulumi.Output``; it is ``None`` for a group of the same plan, resolved when the
    plan is built.

    Two peers are equal when they provably name the same addresses or group: CIDRs and prefix
    lists by value, groups by label and id, where ids are equal strings or one and the same
    Output object. Two groups given one label are two peers (see :func:`label_clash`), so
    deduplicating rules never drops one of them.
    """

    kind: PeerKind
    value: str
    label: str = ""
    group_id: Optional[pulumi.Input[str]] = None

    def __post_init__(self) -> None:
        if self.kind not in set(PeerKind):
            raise TieredSgError(
                "peer kind",
                self.kind,
                "is not a kind of peer",
                "use Peer.ipv4/ipv6/cidr/prefix_list/group",
            )
        kind = PeerKind(self.kind)
        object.__setattr__(self, "kind", kind)
        if kind is PeerKind.GROUP:
            self._check_group()
            return
        if self.group_id is not None:
            raise TieredSgError(
                f"{kind.value} peer",
                self.value,
                "takes no group id",
                "use Peer.group(<id>, label=...) for a security group",
            )
        if kind is PeerKind.PREFIX_LIST:
            _check_prefix_list_id(self.value)
            object.__setattr__(self, "label", self.value)
            return
        # Canonical form, so that equal networks are equal peers and rule names are stable.
        value = str(_parse_cidr(self.value, expect=kind.family))
        object.__setattr__(self, "value", value)
        if self.label in ("", value):
            object.__setattr__(self, "label", value)
        else:
            check_label(self.label, "CIDR label")

    def _check_group(self) -> None:
        check_label(self.value, "security group label")
        if self.label not in ("", self.value):
            raise TieredSgError(
                "security group label",
                self.label,
                f"differs from the peer's value {self.value!r}, which is its label",
                "build group peers with Peer.group(<id>, label=...)",
            )
        object.__setattr__(self, "label", self.value)
        if self.group_id is not None:
            check_group_id(self.group_id)

    # -- identity -----------------------------------------------------------------------------

    @property
    def known_group_id(self) -> Optional[str]:
        """A group peer's id when it is a plain string; None when unknown or not a group."""
        return self.group_id if isinstance(self.group_id, str) else None

    @property
    def _identity(self) -> tuple[PeerKind, str, object]:
        return (self.kind, self.value, group_key(self.group_id))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Peer):
            return NotImplemented
        return self._identity == other._identity

    def __hash__(self) -> int:
        return hash(self._identity)

    # -- named constructors -------------------------------------------------------------------

    @classmethod
    def ipv4(cls, cidr: str, label: Optional[str] = None) -> "Peer":
        """An IPv4 CIDR such as ``10.0.0.0/16``; ``label`` names it in descriptions."""
        return cls(PeerKind.IPV4, cidr, label or "")

    @classmethod
    def ipv6(cls, cidr: str, label: Optional[str] = None) -> "Peer":
        """An IPv6 CIDR such as ``2001:db8::/32``; ``label`` names it in descriptions."""
        return cls(PeerKind.IPV6, cidr, label or "")

    @classmethod
    def cidr(cls, cidr: str, label: Optional[str] = None) -> "Peer":
        """A CIDR of either family."""
        network = _parse_cidr(cidr, expect=None)
        kind = PeerKind.IPV4 if network.version == 4 else PeerKind.IPV6
        return cls(kind, str(network), label or "")

    @classmethod
    def any_ipv4(cls) -> "Peer":
        """Every IPv4 address (``0.0.0.0/0``)."""
        return cls.ipv4("0.0.0.0/0")

    @classmethod
    def any_ipv6(cls) -> "Peer":
        """Every IPv6 address (``::/0``)."""
        return cls.ipv6("::/0")

    @classmethod
    def prefix_list(cls, prefix_list_id: str) -> "Peer":
        """A managed prefix list by id (``pl-...``)."""
        return cls(PeerKind.PREFIX_LIST, prefix_list_id, prefix_list_id)

    @classmethod
    def group(cls, group_id: pulumi.Input[str], label: Optional[str] = None) -> "Peer":
        """Another security group. ``label`` (required when the id is not a plain string) names
        it in child resource names and descriptions, so it must be stable and unique per plan."""
        if label is None:
            if not isinstance(group_id, str):
                raise TieredSgError(
                    "security group peer",
                    group_id,
                    "an id that is not a plain string needs a label",
                    "pass Peer.group(other.group_id, label='web')",
                )
            label = group_id
        check_group_id(group_id)  # the id is the user's mistake, whatever the label: first
        return cls(PeerKind.GROUP, label, label, group_id)

    @classmethod
    def planned_group(cls, name: str) -> "Peer":
        """A group of the same plan, by name; its id is filled in when the plan is built."""
        return cls(PeerKind.GROUP, name, name, None)

    # -- views --------------------------------------------------------------------------------

    @property
    def is_cidr(self) -> bool:
        """True for IPv4 and IPv6 CIDR peers."""
        return self.kind in (PeerKind.IPV4, PeerKind.IPV6)

    @property
    def is_world(self) -> bool:
        """True for a CIDR with prefix length 0 (every address of its family)."""
        return self.is_cidr and self.value.endswith("/0")

    @property
    def families(self) -> tuple[Family, ...]:
        """The IP families this peer's rules count against (both for groups and prefix lists)."""
        if self.kind is PeerKind.IPV4:
            return (Family.IPV4,)
        if self.kind is PeerKind.IPV6:
            return (Family.IPV6,)
        return (Family.IPV4, Family.IPV6)

    @property
    def description(self) -> str:
        """For descriptions: ``office (203.0.113.10/32)``, ``0.0.0.0/0``, ``web``."""
        if self.is_cidr and self.label != self.value:
            return f"{self.label} ({self.value})"
        return self.label or self.value

    def __repr__(self) -> str:
        return f"Peer({self.kind.value}:{self.value})"


def is_label(text: str) -> bool:
    """Whether ``text`` may be a label: a letter, then letters, digits, '.', '_' or '-', at most
    :data:`MAX_LABEL` characters (see :func:`check_label`)."""
    return isinstance(text, str) and _LABEL.fullmatch(text) is not None


def check_label(label: str, what: str) -> str:
    """A name used in resource names: a letter, then letters, digits, '.', '_' or '-'."""
    if not is_label(label):
        raise TieredSgError(
            what,
            label,
            "must start with a letter and hold only letters, digits, '.', '_' or '-' "
            f"(at most {MAX_LABEL} characters)",
            "pick a short name such as 'web' or 'office-vpn'",
        )
    return label


def label_clash(peers: Iterable[Peer]) -> Optional[tuple[Peer, Peer]]:
    """The first two group peers that share a label but are not provably one group, if any.

    Rules are named by label, so one label bound to two groups would make two rules of one
    name, or (were the peers equal) silently keep only the first group's access.
    """
    seen: dict[str, Peer] = {}
    for peer in peers:
        if peer.kind is not PeerKind.GROUP:
            continue
        first = seen.setdefault(peer.value, peer)
        if first != peer:
            return first, peer
    return None


def _check_prefix_list_id(prefix_list_id: str) -> None:
    if not isinstance(prefix_list_id, str) or not PREFIX_LIST_ID.fullmatch(prefix_list_id):
        raise TieredSgError(
            "prefix list id",
            prefix_list_id,
            "is not a prefix list id",
            "use the id AWS shows for the list, like 'pl-0123456789abcdef0'",
        )


def _parse_cidr(
    text: str, expect: Optional[Family]
) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    family = "CIDR" if expect is None else f"{expect} CIDR"
    if not isinstance(text, str):
        raise TieredSgError(family, text, "is not a string", "write a CIDR like '10.0.0.0/16'")
    spec = text.strip()
    if "%" in spec:
        _refuse_zone_id(family, text, spec)
    if "/" not in spec:
        try:
            address = ipaddress.ip_address(spec)
        except ValueError:
            pass
        else:
            prefix = 32 if address.version == 4 else 128
            raise TieredSgError(
                family,
                text,
                "is an address without a prefix length",
                f"write '{address}/{prefix}' for this one address",
            )
    try:
        network = ipaddress.ip_network(spec, strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(spec, strict=False)
        except ValueError:
            raise _not_a_cidr(family, text) from None
        single = f"{spec.split('/')[0]}/{loose.max_prefixlen}"
        raise TieredSgError(
            family,
            text,
            "has host bits set",
            f"use the network '{loose}', or '{single}' for that one address",
        ) from None
    found = Family.IPV4 if network.version == 4 else Family.IPV6
    if expect is not None and found is not expect:
        raise TieredSgError(
            family,
            text,
            f"is an {found} CIDR where an {expect} CIDR is expected",
            f"list it with the {found} CIDRs instead",
        )
    return network


def _refuse_zone_id(family: str, text: str, spec: str) -> None:
    """``fe80::%eth0/64``: :mod:`ipaddress` accepts a scope (zone) id, AWS does not; suggest the
    network without it (host bits cleared, so the suggestion parses)."""
    address, _, rest = spec.partition("%")
    zone, slash, prefix = rest.partition("/")
    bare = f"{address}{slash}{prefix}"
    try:
        network = ipaddress.ip_network(bare, strict=False)
    except ValueError:
        raise _not_a_cidr(family, text) from None
    raise TieredSgError(
        family,
        text,
        f"has a zone id ('%{zone}'), which security group rules do not take",
        f"write '{network}'",
    )


def _not_a_cidr(family: str, text: str) -> TieredSgError:
    return TieredSgError(
        family, text, "is not a valid CIDR", "write a network like '10.0.0.0/16' or '2001:db8::/32'"
    )
