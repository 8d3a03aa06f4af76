"""ManagedSecurityGroupArgs -> GroupSpec: the component's edge, where its strings are parsed.

Errors name the argument path the user wrote (``ingress[1].security_groups['x']``). The group is
always created, in ``vpc_id``, with exclusive rule ownership on by default; rules on a group made
elsewhere are SecurityGroupRulesArgs (:mod:`tiered_sg.rules_args`).
"""

from collections.abc import Mapping

from tiered_sg.durations import DEFAULT_DELETE_TIMEOUT
from tiered_sg.errors import TieredSgError
from tiered_sg.group_options import GroupOptions
from tiered_sg.group_spec import GroupSpec
from tiered_sg.inputs import (
    ArgPath,
    as_mapping,
    check_keys,
    check_vpc_id,
    parse_bool,
    parse_description,
    parse_tags,
)
from tiered_sg.naming import check_group_name
from tiered_sg.rule_entries import parse_rule_entries

_GROUP_FIELDS = (
    "vpc_id",
    "description",
    "ingress",
    "egress",
    "tags",
    "exclusive_rules",
    "delete_timeout",
)


def parse_group_args(name: str, args: Mapping[str, object]) -> GroupSpec:
    """Validate ``args`` completely: shapes, values, child-name clashes and the quota."""
    name = check_group_name(name)
    at = ArgPath()
    raw = as_mapping(args, at, "ManagedSecurityGroupArgs", "pass a dict of arguments")
    _refuse_existing_group(raw, name)
    check_keys(raw, _GROUP_FIELDS, at)
    check_vpc_id(raw.get("vpc_id"), at.field("vpc_id"))
    exclusive = raw.get("exclusive_rules")
    exclusive_rules = (
        True if exclusive is None else parse_bool(exclusive, at.field("exclusive_rules"))
    )
    description = (
        None
        if raw.get("description") is None
        else parse_description(raw["description"], at.field("description"))
    )
    timeout = raw.get("delete_timeout")
    tags = parse_tags(raw.get("tags") or {}, at.field("tags"))
    rules = parse_rule_entries(raw, at)
    # After the rules, where the delete timeout has always been checked.
    options = GroupOptions.parse(
        exclusive_rules, DEFAULT_DELETE_TIMEOUT if timeout is None else timeout, at
    )
    return GroupSpec.create(name, rules, description, tags, options=options)


def _refuse_existing_group(raw: Mapping[str, object], name: str) -> None:
    """0.1.0 took ``group_id`` here (rules-only mode): say where it went, not "unknown key"."""
    if raw.get("group_id") is not None:
        raise TieredSgError(
            "key",
            "group_id",
            "is not an argument of ManagedSecurityGroup, which always creates its group",
            f"write rules on an existing group with SecurityGroupRules({name!r}, {{'group_id': "
            "..., 'exclusive_rules': ..., 'ingress': ...}), which under the same name keeps "
            "the URNs in your state",
        )
