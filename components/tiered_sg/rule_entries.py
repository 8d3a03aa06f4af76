"""The ``ingress`` / ``egress`` entries of a group's args -> rules, with errors naming the entry
(``ingress[1].security_groups['x']``). Shared by both group edges: ManagedSecurityGroupArgs and
SecurityGroupRulesArgs.
"""

from collections.abc import Mapping

from tiered_sg.errors import TieredSgError, shown
from tiered_sg.inputs import (
    ArgPath,
    as_list,
    as_mapping,
    as_str,
    check_group_id,
    check_keys,
    parse_cidrs,
    parse_description,
    parse_ports,
)
from tiered_sg.peers import Peer
from tiered_sg.rules import Direction, Rule

_RULE_FIELDS = ("ports", "cidrs", "prefix_list_ids", "security_groups", "description")
_RULE_EXAMPLE = "write a list such as [{'ports': ['https'], 'cidrs': ['10.0.0.0/16']}]"
_LISTS = "write a list such as ['pl-0123456789abcdef0']"
_GROUPS = "write a mapping such as {'web': web.group_id}"

_Labels = dict[str, tuple[Peer, ArgPath]]
"""Group label -> its first peer and where it was written, over all rules of the group."""


def parse_rule_entries(raw: Mapping[str, object], at: ArgPath) -> list[Rule]:
    """Every rule of ``raw['ingress']`` then ``raw['egress']``, in the order written."""
    rules: list[Rule] = []
    labels: _Labels = {}
    for direction in Direction:
        rules.extend(_parse_rules(raw.get(direction.value) or [], direction, at, labels))
    return rules


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
