"""SecurityGroupRulesArgs -> RulesSpec: the edge of rules on a group made elsewhere.

Errors name the argument path the user wrote, as for ManagedSecurityGroupArgs. Whether the rules
own the group is never defaulted: ``exclusive_rules`` True revokes every rule of the group they
do not list, rules of other tools included.
"""

from collections.abc import Mapping

from tiered_sg.errors import TieredSgError
from tiered_sg.inputs import ArgPath, as_mapping, check_group_id, check_keys, parse_bool, parse_tags
from tiered_sg.naming import check_group_name
from tiered_sg.rule_entries import parse_rule_entries
from tiered_sg.rules_spec import RulesSpec

_FIELDS = ("group_id", "exclusive_rules", "ingress", "egress", "tags")
_NOT_OURS = {
    "vpc_id": "a group made elsewhere is in its VPC already; drop vpc_id, or use "
    "ManagedSecurityGroup to create a new group",
    "description": "tiered-sg does not create that group, so it cannot describe it; drop "
    "description, or use ManagedSecurityGroup to create a new group",
    "delete_timeout": "tiered-sg never deletes that group; drop delete_timeout, or use "
    "ManagedSecurityGroup to create a new group",
}
"""Arguments of a group this package creates, which mean nothing here: the hint for each."""


def parse_rules_args(name: str, args: Mapping[str, object]) -> RulesSpec:
    """Validate ``args`` completely: shapes, values, child-name clashes and the quota."""
    name = check_group_name(name)
    at = ArgPath()
    raw = as_mapping(args, at, "SecurityGroupRulesArgs", "pass a dict of arguments")
    for field, hint in _NOT_OURS.items():
        if raw.get(field) is not None:
            raise TieredSgError(
                "key",
                field,
                "makes no sense with group_id, which names a group tiered-sg does not create",
                hint,
            )
    check_keys(raw, _FIELDS, at)
    if raw.get("group_id") is None:
        raise at.field("group_id").error(
            None, "is required", "pass the id of the group to write the rules on, e.g. alb.id"
        )
    group_id = check_group_id(raw["group_id"], at.field("group_id"))
    exclusive = raw.get("exclusive_rules")
    where = at.field("exclusive_rules")
    if exclusive is None:
        raise where.error(
            exclusive,
            "must be chosen with group_id, which names a group made elsewhere",
            "pass False to only add these rules, or True to take over every rule of that group "
            "(rules not listed here are revoked)",
        )
    return RulesSpec.create(
        name,
        group_id,
        parse_rule_entries(raw, at),
        parse_tags(raw.get("tags") or {}, at.field("tags")),
        exclusive_rules=parse_bool(exclusive, where),
    )
