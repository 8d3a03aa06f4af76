"""Logical names of child resources, derived from what they are, never from list positions.

A rule is named after its group, direction, port and peer (``app-in-tcp-8080-from-web``), so
adding, removing or reordering other rules never renames (and so never replaces) it. An IPv6 peer
is written in full, its eight groups joined by dots (``web-in-tcp-443-from-0.0.0.0.0.0.0.0-0``
for ``::/0``): readable, one name per network, never an IPv4 one (four groups). Until 0.1.0 it
was ``sanitize``d (``----0``); :func:`former_rule_name` gives that name, which the rule carries
as an alias so that stacks deployed then update in place. The name
depends on the permission only, not on descriptions or CIDR labels: a name change forces a
create-before-delete of the same permission, which AWS would refuse as a duplicate.

Name lengths fit together: a group's logical name (``<chain>-<tier>``) holds at most
:data:`MAX_GROUP_NAME` characters; a tier (or planned group) name is also the label other groups'
rules reference it by, so it holds at most :data:`~tiered_sg.peers.MAX_LABEL`; and a chain name
leaves room for any tier name after it (:data:`MAX_CHAIN_NAME`).
"""

import ipaddress
import re
from typing import Optional

from tiered_sg.errors import TieredSgError
from tiered_sg.peers import MAX_LABEL, Peer, PeerKind
from tiered_sg.rules import Direction, Rule

MAX_GROUP_NAME = 100
"""Longest logical name of a group: it prefixes its rules' names and AWS's generated name."""
MAX_TIER_NAME = MAX_LABEL
"""Longest tier name: the next tier's and the admin group's rules use it as their peer label."""
MAX_CHAIN_NAME = MAX_GROUP_NAME - 1 - MAX_TIER_NAME
"""Longest chain name, so that ``<chain>-<tier>`` always fits in :data:`MAX_GROUP_NAME`."""


class CheckedName(str):
    """A name :func:`check_group_name` accepted: a valid group name, which the specs and the
    plan take without checking it again. Only that function makes one."""

    __slots__ = ()


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_GROUP_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*", re.ASCII)
_WAYS = {Direction.INGRESS: ("in", "from"), Direction.EGRESS: ("out", "to")}


def sanitize(text: str) -> str:
    """Replace every character outside ``[A-Za-z0-9._-]`` with ``-`` (``::`` breaks URNs)."""
    return _UNSAFE.sub("-", text)


def rule_infix(direction: Direction) -> str:
    """What follows the group's name in its rules' names: ``-in-`` or ``-out-``."""
    return f"-{_WAYS[direction][0]}-"


def rule_pattern(direction: Direction) -> str:
    """The shape of rule names, for messages: ``<group>-in-<port>-from-<peer>``."""
    way, preposition = _WAYS[direction]
    return f"<group>-{way}-<port>-{preposition}-<peer>"


def rule_name(group: str, rule: Rule) -> str:
    """``{group}-in-{port}-from-{peer}`` or ``{group}-out-{port}-to-{peer}``."""
    return _rule_name(group, rule, peer_name(rule.peer))


def former_rule_name(group: str, rule: Rule) -> Optional[str]:
    """The rule's name in 0.1.0, where it differs from :func:`rule_name`: IPv6 peers only, whose
    name now has dots where 0.1.0 wrote every ``:`` and ``/`` as ``-``."""
    if rule.peer.kind is not PeerKind.IPV6:
        return None
    return _rule_name(group, rule, sanitize(rule.peer.value))


def peer_name(peer: Peer) -> str:
    """The peer's part of a rule name: an IPv6 network in full, ``2001.db8.0.0.0.0.0.0-32``;
    anything else with unsafe characters replaced, ``10.0.0.0-8``, ``web``, ``pl-0123abcd``."""
    if peer.kind is PeerKind.IPV6:
        network = ipaddress.IPv6Network(peer.value)
        groups = (int(group, 16) for group in network.network_address.exploded.split(":"))
        return ".".join(f"{group:x}" for group in groups) + f"-{network.prefixlen}"
    return sanitize(peer.value)


def _rule_name(group: str, rule: Rule, peer: str) -> str:
    way, preposition = _WAYS[rule.direction]
    return f"{group}-{way}-{sanitize(str(rule.port))}-{preposition}-{peer}"


def check_group_name(
    name: str, what: str = "security group name", limit: int = MAX_GROUP_NAME
) -> CheckedName:
    """A group's logical name (or a part of it, within ``limit`` characters): it prefixes child
    names and AWS's auto-generated group name. Every ``limit`` is at most
    :data:`MAX_GROUP_NAME`, so whatever passes is a valid group name."""
    if not isinstance(name, str) or not _GROUP_NAME.fullmatch(name):
        raise TieredSgError(
            what,
            name,
            "must start with a letter and hold only letters, digits, '_' or '-' "
            f"(at most {limit} characters)",
            "pick a short name such as 'web' or 'shop-app'",
        )
    if len(name) > limit:
        raise TieredSgError(
            what, name, f"is {len(name)} characters long, at most {limit} are allowed", "shorten it"
        )
    if name.lower().startswith("sg-"):
        raise TieredSgError(
            what,
            name,
            "AWS refuses group names that start with 'sg-'",
            f"drop the prefix, e.g. {name[3:] or 'web'!r}",
        )
    return CheckedName(name)


def group_name(name: str) -> str:
    """``name`` checked as a security group name, unless :func:`check_group_name` passed it
    already (a :class:`CheckedName`); as a plain ``str`` either way."""
    return str(name if isinstance(name, CheckedName) else check_group_name(name))


def exclusive_rules_name(group: str) -> str:
    """``{group}-rules-exclusive``: the group's exclusive rule ownership. Never a rule's name
    (those continue the group's name with ``-in-``/``-out-``), and unique per group."""
    return f"{group}-rules-exclusive"


def default_group_name(chain: str) -> str:
    """``{chain}-default-group``: the chain's adoption of its VPC's default group."""
    return f"{chain}-default-group"
