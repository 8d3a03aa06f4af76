"""GroupSpec: one security group as it will be registered, minus the VPC id.

The only currency between the edges (component args, a plan) and the resources: built once per
group, from value objects, with the checks that span the group's rules (one label per group,
unique child names, the quota). Tags and descriptions are checked where the user wrote them.
A spec with a ``group_id`` describes rules on a group made elsewhere, which is never created or
deleted here.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Optional

import pulumi

from tiered_sg.durations import DEFAULT_DELETE_TIMEOUT, check_delete_timeout
from tiered_sg.errors import TieredSgError
from tiered_sg.naming import check_group_name, rule_name
from tiered_sg.peers import label_clash
from tiered_sg.quota import check_quota
from tiered_sg.rules import Rule, check_description, dedupe


@dataclass(frozen=True)
class GroupSpec:
    """A validated security group: its logical name, description, tags and unique rules.

    Group peers without an id (``Peer.planned_group``) are groups of the same plan, whose ids
    the builder supplies. ``exclusive_rules``: a ``VpcSecurityGroupRulesExclusive`` revokes
    every rule of the group that is not one of ``rules``. ``delete_timeout``: how long deleting
    the group may be retried. ``group_id``: the rules go on this existing group instead of a new
    one (``description`` and ``delete_timeout`` then go unused).
    """

    name: str
    description: str
    tags: Mapping[str, str]
    rules: tuple[Rule, ...]
    exclusive_rules: bool = True
    delete_timeout: str = DEFAULT_DELETE_TIMEOUT
    group_id: Optional[pulumi.Input[str]] = None

    @classmethod
    def create(
        cls,
        name: str,
        rules: Iterable[Rule],
        description: Optional[str] = None,
        tags: Optional[Mapping[str, str]] = None,
        *,
        exclusive_rules: bool = True,
        delete_timeout: str = DEFAULT_DELETE_TIMEOUT,
        group_id: Optional[pulumi.Input[str]] = None,
    ) -> "GroupSpec":
        """Deduplicate ``rules`` and check them as a whole; ``description`` defaults to one
        naming the group."""
        check_group_name(name)
        check_delete_timeout(delete_timeout)
        text = (
            f"{name} security group, managed by tiered-sg"
            if description is None
            else check_description(description, "description")
        )
        unique = tuple(dedupe(list(rules)))
        clash = label_clash(rule.peer for rule in unique)
        if clash is not None:
            first, second = clash
            raise TieredSgError(
                f"group {name} peer label",
                second.value,
                f"names two groups ({first.group_id!r} and {second.group_id!r}), and rules are "
                "named by label, so one group's rules would replace the other's",
                "give each security group its own label",
            )
        _check_child_names(name, unique)
        check_quota(name, unique)
        return cls(
            name, text, dict(tags or {}), unique, bool(exclusive_rules), delete_timeout, group_id
        )


def _check_child_names(group: str, rules: tuple[Rule, ...]) -> None:
    seen: dict[str, Rule] = {}
    for rule in rules:
        name = rule_name(group, rule)
        other = seen.setdefault(name, rule)
        if other is not rule:
            raise TieredSgError(
                "rule name",
                name,
                f"both {other.peer!r} and {rule.peer!r} map to it",
                "rename the security group label so it differs from the CIDR or prefix list",
            )
