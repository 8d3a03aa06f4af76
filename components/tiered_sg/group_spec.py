"""GroupSpec: one security group as it will be registered, minus the VPC id.

The only currency between the edges (component args, a plan) and the resources: built once per
group, from value objects, and valid by construction, with the checks that span the group's
rules (one label per group, unique child names, the quota). The edges check tags and
descriptions where the user wrote them, so their errors name that place; the constructor checks
them again for a spec built directly.
Rules on a group made elsewhere are a :class:`tiered_sg.rules_spec.RulesSpec`, which shares the
rule checks (:func:`check_group_rules`).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Optional

from tiered_sg.errors import TieredSgError, shown
from tiered_sg.group_options import DEFAULT_GROUP_OPTIONS, GroupOptions, check_options
from tiered_sg.inputs import ArgPath, parse_tags
from tiered_sg.naming import group_name, rule_name
from tiered_sg.peers import label_clash
from tiered_sg.quota import check_quota
from tiered_sg.rules import Rule, RuleKey, check_description, dedupe


@dataclass(frozen=True)
class GroupSpec:
    """A validated security group: its logical name, description, tags and unique rules.

    Valid by construction, like :class:`Rule`: the constructor checks every field and the rules
    as a whole (one permission each, one group per label, unique child names, the quota), and
    freezes the tags. :meth:`create` merges duplicate rules first.

    Group peers without an id (``Peer.planned_group``) are groups of the same plan, whose ids
    the builder supplies. ``options``: whether the group's rules are exclusive and how long its
    deletion may be retried, checked already (see :class:`GroupOptions`).
    """

    name: str
    description: str
    tags: Mapping[str, str]
    rules: tuple[Rule, ...]
    options: GroupOptions = DEFAULT_GROUP_OPTIONS

    def __post_init__(self) -> None:
        name = group_name(self.name)  # not again when the edge or the plan checked it
        object.__setattr__(self, "name", name)
        check_description(self.description, "description")
        tags = parse_tags(self.tags, ArgPath(prefix=f"group {name} ", text="tags"))
        object.__setattr__(self, "tags", MappingProxyType(tags))
        object.__setattr__(self, "rules", check_group_rules(name, self.rules))
        check_options(self.options, f"group {name} options")

    @classmethod
    def create(
        cls,
        name: str,
        rules: Iterable[Rule],
        description: Optional[str] = None,
        tags: Optional[Mapping[str, str]] = None,
        *,
        options: GroupOptions = DEFAULT_GROUP_OPTIONS,
    ) -> "GroupSpec":
        """The spec of ``rules``, each permission once (the first description wins);
        ``description`` defaults to one naming the group."""
        text = (
            f"{name} security group, managed by tiered-sg" if description is None else description
        )
        unique = tuple(dedupe(list(rules)))
        return cls(name, text, tags or {}, unique, options)


def check_group_rules(group: str, rules: object) -> tuple[Rule, ...]:
    """``rules`` as a tuple of distinct permissions that fit one group; else the first problem."""
    if not isinstance(rules, tuple | list):
        raise TieredSgError(
            f"group {group} rules", rules, "is not a tuple of rules", "pass a tuple of Rule"
        )
    seen: set[RuleKey] = set()
    for rule in rules:
        if not isinstance(rule, Rule):
            raise TieredSgError(
                f"group {group} rule", rule, "is not a Rule", "build rules with Rule.create(...)"
            )
        if rule.key in seen:
            raise TieredSgError(
                f"group {group} rule",
                rule_name(group, rule),
                "is listed twice, and a group's rules are a set of permissions",
                "list each permission once, or build the spec with GroupSpec.create, which "
                "merges duplicates",
            )
        seen.add(rule.key)
    unique = tuple(rules)
    clash = label_clash(rule.peer for rule in unique)
    if clash is not None:
        first, second = clash
        raise TieredSgError(
            f"group {group} peer label",
            second.value,
            f"names two groups ({shown(first.group_id)} and {shown(second.group_id)}), and "
            "rules are named by label, so one group's rules would replace the other's",
            "give each security group its own label",
        )
    _check_child_names(group, unique)
    check_quota(group, unique)
    return unique


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
