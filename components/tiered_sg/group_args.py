"""ManagedSecurityGroupArgs -> GroupSpec: the component's edge, where its strings are parsed.

Errors name the argument path the user wrote (``ingress[1].security_groups['x']``). Two modes:
a new group in ``vpc_id`` (exclusive rule ownership on by default), or rules on an existing
group, ``group_id``, where ``vpc_id``, ``description`` and ``delete_timeout`` have no meaning and
``exclusive_rules`` must be chosen explicitly (True takes over every rule of a group made
elsewhere).
"""

from collections.abc import Mapping
from typing import Optional

import pulumi

from tiered_sg.durations import DEFAULT_DELETE_TIMEOUT
from tiered_sg.errors import TieredSgError, shown
from tiered_sg.group_spec import GroupSpec
from tiered_sg.inputs import (
    ArgPath,
    as_list,
    as_mapping,
    as_str,
    check_group_id,
    check_keys,
    check_vpc_id,
    parse_bool,
    parse_cidrs,
    parse_delete_timeout,
    parse_description,
    parse_ports,
    parse_tags,
)
from tiered_sg.naming import check_group_name
from tiered_sg.peers import Peer
from tiered_sg.rules import Direction, Rule

_GROUP_FIELDS = (
    "vpc_id",
    "group_id",
    "description",
    "ingress",
    "egress",
    "tags",
    "exclusive_rules",
    "delete_timeout",
)
_NEW_GROUP_ONLY = {
    "vpc_id": "a group made elsewhere is in its VPC already; drop vpc_id, or drop group_id to "
    "create a new group",
    "description": "tiered-sg does not create that group, so it cannot describe it; drop "
    "description, or drop group_id to create a new group",
    "delete_timeout": "tiered-sg never deletes that group; drop delete_timeout, or drop "
    "group_id to create a new group",
}
"""Arguments that only mean something for a group this component creates: the hint for each."""
_RULE_FIELDS = ("ports", "cidrs", "prefix_list_ids", "security_groups", "description")
_RULE_EXAMPLE = "write a list such as [{'ports': ['https'], 'cidrs': ['10.0.0.0/16']}]"
_LISTS = "write a list such as ['pl-0123456789abcdef0']"
_GROUPS = "write a mapping such as {'web': web.group_id}"

_Labels = dict[str, tuple[Peer, ArgPath]]
"""Group label -> its first peer and where it was written, over all rules of the group."""


def parse_group_args(name: str, args: Mapping[str, object]) -> GroupSpec:
    """Validate ``args`` completely: shapes, values, child-name clashes and the quota."""
    check_group_name(name)
    at = ArgPath()
    raw = as_mapping(args, at, "ManagedSecurityGroupArgs", "pass a dict of arguments")
    check_keys(raw, _GROUP_FIELDS, at)
    group_id = _parse_target(raw, at)
    exclusive = _parse_exclusive(raw, group_id, at)
    description = (
        None
        if raw.get("description") is None
        else parse_description(raw["description"], at.field("description"))
    )
    timeout = raw.get("delete_timeout")
    tags = parse_tags(raw.get("tags") or {}, at.field("tags"))
    rules: list[Rule] = []
    labels: _Labels = {}
    for direction in Direction:
        rules.extend(_parse_rules(raw.get(direction.value) or [], direction, at, labels))
    return GroupSpec.create(
        name,
        rules,
        description,
        tags,
        exclusive_rules=exclusive,
        delete_timeout=DEFAULT_DELETE_TIMEOUT
        if timeout is None
        else parse_delete_timeout(timeout, at.field("delete_timeout")),
        group_id=group_id,
    )


def _parse_target(raw: Mapping[str, object], at: ArgPath) -> Optional[pulumi.Input[str]]:
    """The existing group's id in rules-only mode; else None, with ``vpc_id`` checked."""
    if raw.get("group_id") is None:
        check_vpc_id(raw.get("vpc_id"), at.field("vpc_id"))
        return None
    group_id = check_group_id(raw["group_id"], at.field("group_id"))
    for field, hint in _NEW_GROUP_ONLY.items():
        if raw.get(field) is not None:
            raise TieredSgError(
                f"{at} key" if at.text else "key",
                field,
                "makes no sense with group_id, which names a group tiered-sg does not create",
                hint,
            )
    return group_id


def _parse_exclusive(
    raw: Mapping[str, object], group_id: Optional[pulumi.Input[str]], at: ArgPath
) -> bool:
    """On by default for a group this component creates; an explicit choice on another's."""
    value = raw.get("exclusive_rules")
    where = at.field("exclusive_rules")
    if value is None and group_id is not None:
        raise where.error(
            value,
            "must be chosen with group_id, which names a group made elsewhere",
            "pass False to only add these rules, or True to take over every rule of that group "
            "(rules not listed here are revoked)",
        )
    return True if value is None else parse_bool(value, where)


def _parse_rules(value: object, direction: Direction, at: ArgPath, labels: _Labels) -> list[Rule]:
    where = at.field(direction.value)
    rules: list[Rule] = []
    for position, item in enumerate(as_list(value, where, "rules", _RULE_EXAMPLE)):
        entry_at = where.index(position)
        entry = as_mapping(item, entry_at, "a rule", _RULE_EXAMPLE)
        check_keys(entry, _RULE_FIELDS, entry_at)
        ports = parse_ports(entry.get("ports"), entry_at.field("ports"))
        peers = _parse_peers(entry, entry_at, labels)
        description = (
            None
            if entry.get("description") is None
            else parse_description(entry["description"], entry_at.field("description"))
        )
        for port in ports:
            for peer in peers:
                try:
                    rules.append(Rule.create(direction, port, peer, description))
                except TieredSgError as err:
                    raise entry_at.anchor(err) from None
    return rules


def _parse_peers(entry: Mapping[str, object], at: ArgPath, labels: _Labels) -> list[Peer]:
    peers = list(parse_cidrs(entry.get("cidrs") or [], at.field("cidrs")))
    lists_at = at.field("prefix_list_ids")
    lists = as_list(entry.get("prefix_list_ids") or [], lists_at, "prefix list ids", _LISTS)
    for position, item in enumerate(lists):
        where = lists_at.index(position)
        try:
            peers.append(Peer.prefix_list(as_str(item, where, "a prefix list id", _LISTS)))
        except TieredSgError as err:
            raise where.anchor(err) from None
    groups_at = at.field("security_groups")
    groups = as_mapping(
        entry.get("security_groups") or {}, groups_at, "a mapping of label to group id", _GROUPS
    )
    for label, group_id in groups.items():
        where = groups_at.key(label)
        try:
            peer = Peer.group(check_group_id(group_id, where), label)
        except TieredSgError as err:
            raise where.anchor(err) from None
        _check_one_group_per_label(peer, where, labels)
        peers.append(peer)
    if not peers:
        raise at.error(
            dict(entry),
            "names no peer",
            "add cidrs, prefix_list_ids or security_groups",
        )
    return peers


def _check_one_group_per_label(peer: Peer, where: ArgPath, labels: _Labels) -> None:
    """Rules are named by label: a label bound to a second group would make its rules collide
    with (or, deduplicated, silently vanish behind) the first group's."""
    first, first_at = labels.setdefault(peer.value, (peer, where))
    if first != peer:
        raise where.error(
            peer.group_id,
            f"is a second group under the label {peer.value!r}, which {first_at} binds to "
            f"{shown(first.group_id)}",
            "give each security group its own label",
        )
