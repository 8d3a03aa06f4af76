"""Logical names of child resources, derived from what they are, never from list positions.

A rule is named after its group, direction, port and peer (``app-in-tcp-8080-from-web``), so
adding, removing or reordering other rules never renames (and so never replaces) it. The name
depends on the permission only, not on descriptions or CIDR labels: a name change forces a
create-before-delete of the same permission, which AWS would refuse as a duplicate.
"""

import re

from tiered_sg.errors import TieredSgError
from tiered_sg.rules import Direction, Rule

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_GROUP_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,99}", re.ASCII)


def sanitize(text: str) -> str:
    """Replace every character outside ``[A-Za-z0-9._-]`` with ``-`` (``::`` breaks URNs)."""
    return _UNSAFE.sub("-", text)


def rule_name(group: str, rule: Rule) -> str:
    """``{group}-in-{port}-from-{peer}`` or ``{group}-out-{port}-to-{peer}``."""
    if rule.direction is Direction.INGRESS:
        way, preposition = "in", "from"
    else:
        way, preposition = "out", "to"
    return f"{group}-{way}-{sanitize(str(rule.port))}-{preposition}-{sanitize(rule.peer.value)}"


def check_group_name(name: str, what: str = "security group name") -> str:
    """A group's logical name: it prefixes child names and AWS's auto-generated group name."""
    if not isinstance(name, str) or not _GROUP_NAME.fullmatch(name):
        raise TieredSgError(
            what,
            name,
            "must start with a letter and hold only letters, digits, '_' or '-' "
            "(at most 100 characters)",
            "pick a short name such as 'web' or 'shop-app'",
        )
    if name.lower().startswith("sg-"):
        raise TieredSgError(
            what,
            name,
            "AWS refuses group names that start with 'sg-'",
            f"drop the prefix, e.g. {name[3:] or 'web'!r}",
        )
    return name
