"""ManagedSecurityGroup: one security group without inline rules, plus one rule resource each.

The group is an ``aws.ec2.SecurityGroup`` with no ``ingress``/``egress`` inputs (the provider
then removes AWS's default allow-all egress, so the group has exactly the egress declared) and
no fixed name (auto-naming lets a replacement be created before the old group is deleted). Each
(rule, peer) becomes one ``aws.vpc.SecurityGroupIngressRule`` / ``SecurityGroupEgressRule``,
named from its content. Every input is validated, the quota included, before anything is
registered.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from tiered_sg.args import ManagedSecurityGroupArgs
from tiered_sg.errors import TieredSgError
from tiered_sg.inputs import (
    ArgPath,
    as_list,
    as_mapping,
    as_str,
    check_keys,
    check_vpc_id,
    parse_cidrs,
    parse_description,
    parse_ports,
    parse_tags,
)
from tiered_sg.naming import check_group_name, rule_name
from tiered_sg.peers import Peer, PeerKind
from tiered_sg.quota import check_quota
from tiered_sg.rules import Direction, Rule, dedupe

TYPE_TOKEN = "tiered-sg:index:ManagedSecurityGroup"
_GROUP_FIELDS = ("vpc_id", "description", "ingress", "egress", "tags")
_RULE_FIELDS = ("ports", "cidrs", "prefix_list_ids", "security_groups", "description")
_RULE_EXAMPLE = "write a list such as [{'ports': ['https'], 'cidrs': ['10.0.0.0/16']}]"
_LISTS = "write a list such as ['pl-0123456789abcdef0']"
_GROUPS = "write a mapping such as {'web': web.group_id}"


@dataclass(frozen=True)
class GroupSpec:
    """A validated ManagedSecurityGroupArgs: what will be registered, minus the VPC id."""

    name: str
    description: str
    tags: dict[str, str]
    rules: tuple[Rule, ...]

    @classmethod
    def from_args(cls, name: str, args: Mapping[str, object]) -> "GroupSpec":
        """Validate ``args`` completely: shapes, values, child-name clashes and the quota."""
        check_group_name(name)
        at = ArgPath()
        raw = as_mapping(args, at, "ManagedSecurityGroupArgs", "pass a dict of arguments")
        check_keys(raw, _GROUP_FIELDS, at)
        check_vpc_id(raw.get("vpc_id"), at.field("vpc_id"))
        description = (
            f"{name} security group, managed by tiered-sg"
            if raw.get("description") is None
            else parse_description(raw["description"], at.field("description"))
        )
        tags = parse_tags(raw.get("tags") or {}, at.field("tags"))
        rules: list[Rule] = []
        for direction in Direction:
            rules.extend(_parse_rules(raw.get(direction.value) or [], direction, at))
        unique = tuple(dedupe(rules))
        _check_child_names(name, unique)
        check_quota(name, unique)
        return cls(name, description, tags, unique)


def _parse_rules(value: object, direction: Direction, at: ArgPath) -> list[Rule]:
    where = at.field(direction.value)
    rules: list[Rule] = []
    for position, item in enumerate(as_list(value, where, "rules", _RULE_EXAMPLE)):
        entry_at = where.index(position)
        entry = as_mapping(item, entry_at, "a rule", _RULE_EXAMPLE)
        check_keys(entry, _RULE_FIELDS, entry_at)
        ports = parse_ports(entry.get("ports"), entry_at.field("ports"))
        peers = _parse_peers(entry, entry_at)
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


def _parse_peers(entry: Mapping[str, object], at: ArgPath) -> list[Peer]:
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
            peers.append(Peer.group(_group_id(group_id, where), label))
        except TieredSgError as err:
            raise where.anchor(err) from None
    if not peers:
        raise at.error(
            dict(entry),
            "names no peer",
            "add cidrs, prefix_list_ids or security_groups",
        )
    return peers


def _group_id(value: object, at: ArgPath) -> pulumi.Input[str]:
    if isinstance(value, str | pulumi.Output):
        return value
    raise at.error(value, "is not a security group id", "pass a string or an Output[str]")


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


class ManagedSecurityGroup(pulumi.ComponentResource):
    """A security group with no inline rules and one rule resource per (rule, peer)."""

    group_id: pulumi.Output[str]
    """The security group's id."""
    rule_count: pulumi.Output[int]
    """How many rule resources (ingress plus egress) the group has."""

    def __init__(
        self,
        name: str,
        args: ManagedSecurityGroupArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        spec = GroupSpec.from_args(name, args)
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(
            name,
            vpc_id=args["vpc_id"],
            description=spec.description,
            tags=spec.tags,
            opts=child,
        )
        for rule in spec.rules:
            _register_rule(rule_name(name, rule), rule, group.id, spec.tags, child)
        self._spec = spec
        self.group_id = group.id
        self.rule_count = pulumi.Output.from_input(len(spec.rules))
        self.register_outputs({"groupId": self.group_id, "ruleCount": self.rule_count})

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules this group registered, in order."""
        return self._spec.rules


def _register_rule(
    name: str,
    rule: Rule,
    group_id: pulumi.Output[str],
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> None:
    peer = rule.peer
    kind = peer.kind
    resource = (
        aws.vpc.SecurityGroupIngressRule
        if rule.direction is Direction.INGRESS
        else aws.vpc.SecurityGroupEgressRule
    )
    resource(
        name,
        security_group_id=group_id,
        ip_protocol=rule.port.protocol.value,
        from_port=rule.port.aws_from_port,
        to_port=rule.port.aws_to_port,
        cidr_ipv4=peer.value if kind is PeerKind.IPV4 else None,
        cidr_ipv6=peer.value if kind is PeerKind.IPV6 else None,
        prefix_list_id=peer.value if kind is PeerKind.PREFIX_LIST else None,
        referenced_security_group_id=peer.group_id if kind is PeerKind.GROUP else None,
        description=rule.description,
        tags=tags,
        opts=opts,
    )
