"""The rule resources of one security group: one ``aws.vpc`` rule per (rule, peer), and the
``aws.ec2.VpcSecurityGroupRulesExclusive`` that owns them, if asked for.

Shared by :class:`tiered_sg.ManagedSecurityGroup` (its own new group) and
:class:`tiered_sg.SecurityGroupRules` (a group made elsewhere): the child names are the same
either way, ``<group>-in-...``/``<group>-out-...`` and ``<group>-rules-exclusive``. A rule whose
name changed since 0.1.0 (IPv6 peers) carries its former name as an alias.
"""

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Optional

import pulumi
import pulumi_aws as aws

from tiered_sg.adoption import RULE_KEPT, adopted
from tiered_sg.errors import TieredSgError
from tiered_sg.naming import exclusive_rules_name, former_rule_name, rule_name
from tiered_sg.peers import Peer, PeerKind
from tiered_sg.rules import Direction, Rule


def register_rules(
    group: str,
    rules: Sequence[Rule],
    group_id: pulumi.Input[str],
    *,
    exclusive: bool,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
    group_ids: Mapping[str, pulumi.Input[str]] = MappingProxyType({}),
    adopt: Mapping[str, str] = MappingProxyType({}),
) -> None:
    """Register ``rules`` on ``group_id`` as children named after ``group``; with ``exclusive``,
    also the resource that revokes every other rule of the group. ``group_ids``: the ids of the
    plan's groups the rules reference by name; ``adopt``: rule name -> ``sgr-`` id to import."""
    rule_ids: dict[Direction, dict[str, pulumi.Output[str]]] = {d: {} for d in Direction}
    rule_tags = dict(tags)
    for rule in rules:
        name = rule_name(group, rule)
        former = former_rule_name(group, rule)
        adopt_id = adopt.get(name) or (adopt.get(former) if former else None)
        rule_opts = pulumi.ResourceOptions.merge(opts, adopted(adopt_id, RULE_KEPT))
        if former is not None:
            # The same rule under its 0.1.0 name in the state: update it there, never replace.
            rule_opts = pulumi.ResourceOptions.merge(
                rule_opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(name=former)])
            )
        rule_ids[rule.direction][name] = _register_rule(
            name, rule, group_id, group_ids, rule_tags, rule_opts
        )
    if exclusive:
        aws.ec2.VpcSecurityGroupRulesExclusive(
            exclusive_rules_name(group),
            security_group_id=group_id,
            ingress_rule_ids=_in_name_order(rule_ids[Direction.INGRESS]),
            egress_rule_ids=_in_name_order(rule_ids[Direction.EGRESS]),
            opts=opts,
        )


def check_resolvable(group: str, peer: Peer, ids: Mapping[str, pulumi.Input[str]]) -> None:
    """A peer naming a planned group needs that group's id from the builder."""
    if peer.kind is PeerKind.GROUP and peer.group_id is None and peer.value not in ids:
        raise TieredSgError(
            f"group {group} peer",
            peer.value,
            "is a planned group whose id is not given",
            "build planned groups with Topology.build",
        )


def _in_name_order(ids: Mapping[str, pulumi.Output[str]]) -> list[pulumi.Output[str]]:
    """Rule ids by rule name: reordering the inputs leaves the exclusive lists as they are."""
    return [ids[name] for name in sorted(ids)]


def _register_rule(
    name: str,
    rule: Rule,
    group_id: pulumi.Input[str],
    group_ids: Mapping[str, pulumi.Input[str]],
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> pulumi.Output[str]:
    """Register the rule; returns its ``security_group_rule_id`` (what exclusive ownership
    lists)."""
    peer = rule.peer
    kind = peer.kind
    resource = (
        aws.vpc.SecurityGroupIngressRule
        if rule.direction is Direction.INGRESS
        else aws.vpc.SecurityGroupEgressRule
    )
    referenced: Optional[pulumi.Input[str]] = None
    if kind is PeerKind.GROUP:
        # A planned group's id exists only once that group is built (a deferred output).
        referenced = peer.group_id if peer.group_id is not None else group_ids[peer.value]
    registered = resource(
        name,
        security_group_id=group_id,
        ip_protocol=rule.port.protocol.value,
        from_port=rule.port.aws_from_port,
        to_port=rule.port.aws_to_port,
        cidr_ipv4=peer.value if kind is PeerKind.IPV4 else None,
        cidr_ipv6=peer.value if kind is PeerKind.IPV6 else None,
        prefix_list_id=peer.value if kind is PeerKind.PREFIX_LIST else None,
        referenced_security_group_id=referenced,
        description=rule.description,
        tags=tags,
        opts=opts,
    )
    return registered.security_group_rule_id
