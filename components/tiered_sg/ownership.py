"""Who writes each security group's rules in this program: at most one exclusive owner per group,
and no other component writing rules on a group that one owns.

An owner (``aws.ec2.VpcSecurityGroupRulesExclusive``) revokes every rule of its group that it
does not list, so a second owner, or another component's rules, on the same group would be
revoked by it, and two owners revoke each other's. The components see only their own program,
and a group only by its id: a string, or the very Output object (``chain.groups["web"].group_id``)
compared by identity, like peers (see :func:`tiered_sg.peers.group_key`). An id derived with
``apply`` is a new Output: the pack's ``sg-rules-one-owner`` still finds that on the stack.
"""

from dataclasses import dataclass, field
from typing import Optional
from weakref import WeakKeyDictionary

import pulumi
from pulumi.runtime import settings

from tiered_sg.errors import TieredSgError
from tiered_sg.peers import group_key


@dataclass(frozen=True)
class _Component:
    kind: str  # its class: ManagedSecurityGroup or SecurityGroupRules
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name!r}"


@dataclass
class _Writers:
    group_id: pulumi.Input[str]  # holds an Output key alive, so its id() is never reused
    owner: Optional[_Component] = None
    writers: list[_Component] = field(default_factory=list)


# Per deployment (one monitor each), so that tests and separate programs in one process never
# see each other's groups.
_PROGRAMS: "WeakKeyDictionary[object, dict[object, _Writers]]" = WeakKeyDictionary()


def _groups() -> dict[object, _Writers]:
    monitor = settings.get_monitor()
    return {} if monitor is None else _PROGRAMS.setdefault(monitor, {})


def claim(
    component: str, name: str, group_id: pulumi.Input[str], *, exclusive: bool, writes: bool
) -> None:
    """Record that ``component`` (its type and name, e.g. ``ManagedSecurityGroup 'web'``) owns
    (``exclusive``) or writes rules on (``writes``) the group ``group_id``; raise, before anything
    of ``name`` is registered, if a component of this program would then revoke another's rules."""
    groups = _groups()
    key = group_key(group_id)
    entry = groups.get(key)
    if entry is not None:
        _refuse_conflict(entry, group_id, exclusive=exclusive, writes=writes)
    entry = groups.setdefault(key, _Writers(group_id))
    who = _Component(component, name)
    if exclusive:
        entry.owner = who
    elif writes:
        entry.writers.append(who)


def _refuse_conflict(
    entry: _Writers, group_id: pulumi.Input[str], *, exclusive: bool, writes: bool
) -> None:
    owner = entry.owner
    if exclusive and owner is not None:
        raise TieredSgError(
            "group_id",
            group_id,
            f"is owned already by {owner} (exclusive_rules), and two owners of one group revoke "
            "each other's rules at every pulumi up",
            f"declare these rules on {owner.name!r}, or turn exclusive_rules off on both",
        )
    if exclusive and entry.writers:
        writer = entry.writers[0]
        raise TieredSgError(
            "group_id",
            group_id,
            f"also has rules from {writer}, which exclusive_rules here would revoke at every "
            "pulumi up",
            "declare those rules here, or pass exclusive_rules False",
        )
    if writes and owner is not None:
        raise TieredSgError(
            "group_id",
            group_id,
            f"is owned by {owner} (exclusive_rules), which would revoke these rules at every "
            "pulumi up",
            f"declare these rules on {owner.name!r}, or turn exclusive_rules off there",
        )
