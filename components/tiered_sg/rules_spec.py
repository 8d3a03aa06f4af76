"""RulesSpec: rules written on a security group made elsewhere, as they will be registered.

The spec of :class:`tiered_sg.SecurityGroupRules`: the group is never created, changed or
deleted here, so a spec has no VPC, description or delete timeout, and whether its rules own the
group (revoke every rule they do not list) is always an explicit choice.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Optional

import pulumi

from tiered_sg.group_spec import check_group_rules
from tiered_sg.inputs import ArgPath, check_group_id, parse_bool, parse_tags
from tiered_sg.naming import group_name
from tiered_sg.rules import Rule, dedupe


@dataclass(frozen=True)
class RulesSpec:
    """Validated rules on the existing group ``group_id``, named ``name`` in the program.

    Valid by construction, like :class:`tiered_sg.GroupSpec`, with the same checks on the rules
    (one permission each, one group per label, unique child names, the quota). ``exclusive_rules``:
    a ``VpcSecurityGroupRulesExclusive`` revokes every rule of the group that is not one of
    ``rules``, those written by other tools included.
    """

    name: str
    group_id: pulumi.Input[str]
    rules: tuple[Rule, ...]
    tags: Mapping[str, str]
    exclusive_rules: bool

    def __post_init__(self) -> None:
        name = group_name(self.name)  # not again when the edge checked it
        object.__setattr__(self, "name", name)
        check_group_id(self.group_id, ArgPath(prefix=f"group {name} ", text="group_id"))
        object.__setattr__(self, "rules", check_group_rules(name, self.rules))
        tags = parse_tags(self.tags, ArgPath(prefix=f"group {name} ", text="tags"))
        object.__setattr__(self, "tags", MappingProxyType(tags))
        parse_bool(self.exclusive_rules, ArgPath(prefix=f"group {name} ", text="exclusive_rules"))

    @classmethod
    def create(
        cls,
        name: str,
        group_id: pulumi.Input[str],
        rules: Iterable[Rule],
        tags: Optional[Mapping[str, str]] = None,
        *,
        exclusive_rules: bool,
    ) -> "RulesSpec":
        """The spec of ``rules``, each permission once (the first description wins)."""
        return cls(name, group_id, tuple(dedupe(list(rules))), tags or {}, exclusive_rules)
