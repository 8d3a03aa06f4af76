"""ManagedSecurityGroup: one security group without inline rules, plus one rule resource each.

The group is an ``aws.ec2.SecurityGroup`` with no ``ingress``/``egress`` inputs (the provider
then removes AWS's default allow-all egress, so the group has exactly the egress declared) and
no fixed name (auto-naming lets a replacement be created before the old group is deleted). Each
(rule, peer) becomes one ``aws.vpc.SecurityGroupIngressRule`` / ``SecurityGroupEgressRule``,
named from its content. Unless turned off, an ``aws.ec2.VpcSecurityGroupRulesExclusive``
lists every one of those rules, so ``pulumi up`` revokes any rule of the group written by
someone else (with no rules, it keeps the group closed). Deleting the group is retried for
``delete_timeout`` while network interfaces still use it.

With ``group_id`` the component writes its rules on a group made elsewhere, which it neither
creates nor deletes; exclusive ownership of such a group must be asked for explicitly.

Every input is validated, the quota included, before anything is registered: the args once at
this edge (:func:`parse_group_args`), or already, as a :class:`GroupSpec` from a plan
(:meth:`ManagedSecurityGroup.from_spec`).
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Optional

import pulumi
import pulumi_aws as aws

from tiered_sg.adoption import GROUP_KEPT, RULE_KEPT, adopted
from tiered_sg.args import ManagedSecurityGroupArgs
from tiered_sg.errors import TieredSgError
from tiered_sg.group_args import parse_group_args
from tiered_sg.group_spec import GroupSpec
from tiered_sg.inputs import ArgPath, check_vpc_id
from tiered_sg.naming import exclusive_rules_name, rule_name
from tiered_sg.ownership import claim
from tiered_sg.peers import Peer, PeerKind
from tiered_sg.rules import Direction, Rule

TYPE_TOKEN = "tiered-sg:index:ManagedSecurityGroup"


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
        self._register(name, parse_group_args(name, args), args.get("vpc_id"), {}, opts)

    @classmethod
    def from_spec(
        cls,
        spec: GroupSpec,
        vpc_id: Optional[pulumi.Input[str]],
        opts: Optional[pulumi.ResourceOptions] = None,
        group_ids: Optional[Mapping[str, pulumi.Input[str]]] = None,
        adopt: Optional[Mapping[str, str]] = None,
    ) -> "ManagedSecurityGroup":
        """The group of an already validated ``spec`` (named ``spec.name``), parsing nothing.
        ``vpc_id`` is required unless the spec names an existing group (``spec.group_id``).
        ``group_ids`` holds the ids of the plan's groups its rules reference by name; ``adopt``
        (child name -> id) the existing group and rules its children import instead of create."""
        if spec.group_id is None:
            check_vpc_id(vpc_id, ArgPath().field("vpc_id"))
        ids = dict(group_ids or {})
        for rule in spec.rules:
            _check_resolvable(spec.name, rule.peer, ids)
        group = cls.__new__(cls)  # skips __init__, the args edge: the spec is parsed already
        group._register(spec.name, spec, vpc_id, ids, opts, adopt or {})
        return group

    def _register(
        self,
        name: str,
        spec: GroupSpec,
        vpc_id: Optional[pulumi.Input[str]],
        group_ids: Mapping[str, pulumi.Input[str]],
        opts: Optional[pulumi.ResourceOptions],
        adopt: Mapping[str, str] = MappingProxyType({}),
    ) -> None:
        writes = bool(spec.rules)
        if spec.group_id is not None:  # someone else's group: refuse a fight before registering
            claim(name, spec.group_id, exclusive=spec.exclusive_rules, writes=writes)
        super().__init__(TYPE_TOKEN, name, None, opts)
        # retain_on_delete is not inherited from a parent: hand it down explicitly.
        child = pulumi.ResourceOptions(
            parent=self, retain_on_delete=opts.retain_on_delete if opts else None
        )
        tags = dict(spec.tags)
        if spec.group_id is None:
            if name in adopt:
                pulumi.log.info(
                    f"adopting {adopt[name]}: its name, description and tags stay as AWS has "
                    "them (ignoreChanges)",
                    self,
                )
            group_id = _create_group(name, spec, vpc_id, tags, child, adopt.get(name))
            claim(name, group_id, exclusive=spec.exclusive_rules, writes=writes)
        else:
            # The given Output itself, so that rules-only components on it are seen as one group.
            group_id = (
                spec.group_id
                if isinstance(spec.group_id, pulumi.Output)
                else pulumi.Output.from_input(spec.group_id)
            )
        rule_ids: dict[Direction, dict[str, pulumi.Output[str]]] = {d: {} for d in Direction}
        for rule in spec.rules:
            child_name = rule_name(name, rule)
            rule_opts = pulumi.ResourceOptions.merge(
                child, adopted(adopt.get(child_name), RULE_KEPT)
            )
            rule_ids[rule.direction][child_name] = _register_rule(
                child_name, rule, group_id, group_ids, tags, rule_opts
            )
        if spec.exclusive_rules:
            aws.ec2.VpcSecurityGroupRulesExclusive(
                exclusive_rules_name(name),
                security_group_id=group_id,
                ingress_rule_ids=_in_name_order(rule_ids[Direction.INGRESS]),
                egress_rule_ids=_in_name_order(rule_ids[Direction.EGRESS]),
                opts=child,
            )
        self._spec = spec
        self.group_id = group_id
        self.rule_count = pulumi.Output.from_input(len(spec.rules))
        self.register_outputs({"groupId": self.group_id, "ruleCount": self.rule_count})

    @property
    def spec(self) -> GroupSpec:
        """The validated group this component registered."""
        return self._spec

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules this group registered, in order."""
        return self._spec.rules


def _create_group(
    name: str,
    spec: GroupSpec,
    vpc_id: Optional[pulumi.Input[str]],
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
    adopt_id: Optional[str] = None,
) -> pulumi.Output[str]:
    # The delete timeout covers the DependencyViolation retries while ENIs still use the group.
    timeouts = pulumi.ResourceOptions.merge(
        pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(delete=spec.delete_timeout)),
        adopted(adopt_id, GROUP_KEPT),
    )
    group = aws.ec2.SecurityGroup(
        name,
        vpc_id=vpc_id,
        description=spec.description,
        tags=tags,
        opts=pulumi.ResourceOptions.merge(opts, timeouts),
    )
    return group.id


def _in_name_order(ids: Mapping[str, pulumi.Output[str]]) -> list[pulumi.Output[str]]:
    """Rule ids by rule name: reordering the inputs leaves the exclusive lists as they are."""
    return [ids[name] for name in sorted(ids)]


def _check_resolvable(group: str, peer: Peer, ids: Mapping[str, pulumi.Input[str]]) -> None:
    if peer.kind is PeerKind.GROUP and peer.group_id is None and peer.value not in ids:
        raise TieredSgError(
            f"group {group} peer",
            peer.value,
            "is a planned group whose id is not given",
            "build planned groups with Topology.build",
        )


def _register_rule(
    name: str,
    rule: Rule,
    group_id: pulumi.Output[str],
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
