"""ManagedSecurityGroup: one security group without inline rules, plus one rule resource each.

The group is an ``aws.ec2.SecurityGroup`` with no ``ingress``/``egress`` inputs (the provider
then removes AWS's default allow-all egress, so the group has exactly the egress declared) and
no fixed name (auto-naming lets a replacement be created before the old group is deleted). Each
(rule, peer) becomes one ``aws.vpc.SecurityGroupIngressRule`` / ``SecurityGroupEgressRule``,
named from its content. Unless turned off, an ``aws.ec2.VpcSecurityGroupRulesExclusive``
lists every one of those rules, so ``pulumi up`` revokes any rule of the group written by
someone else (with no rules, it keeps the group closed). Deleting the group is retried for
``delete_timeout`` while network interfaces still use it.

It always creates its group: rules on a group made elsewhere are a
:class:`tiered_sg.SecurityGroupRules`.

Every input is validated, the quota included, before anything is registered: the args once at
this edge (:func:`parse_group_args`), or already, as a :class:`GroupSpec` from a plan
(:meth:`ManagedSecurityGroup.from_spec`).
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Optional

import pulumi
import pulumi_aws as aws

from tiered_sg.adoption import GROUP_KEPT, adopted
from tiered_sg.args import ManagedSecurityGroupArgs
from tiered_sg.group_args import parse_group_args
from tiered_sg.group_spec import GroupSpec
from tiered_sg.inputs import ArgPath, check_vpc_id
from tiered_sg.ownership import claim
from tiered_sg.rule_resources import check_resolvable, register_rules
from tiered_sg.rules import Rule

TYPE_TOKEN = "tiered-sg:index:ManagedSecurityGroup"
_KIND = "ManagedSecurityGroup"


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
        vpc_id: pulumi.Input[str],
        opts: Optional[pulumi.ResourceOptions] = None,
        group_ids: Optional[Mapping[str, pulumi.Input[str]]] = None,
        adopt: Optional[Mapping[str, str]] = None,
    ) -> "ManagedSecurityGroup":
        """The group of an already validated ``spec`` (named ``spec.name``) in ``vpc_id``,
        parsing nothing. ``group_ids`` holds the ids of the plan's groups its rules reference by
        name; ``adopt`` (child name -> id) the existing group and rules its children import
        instead of create."""
        check_vpc_id(vpc_id, ArgPath().field("vpc_id"))
        ids = dict(group_ids or {})
        for rule in spec.rules:
            check_resolvable(spec.name, rule.peer, ids)
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
        super().__init__(TYPE_TOKEN, name, None, opts)
        # retain_on_delete is not inherited from a parent: hand it down explicitly.
        child = pulumi.ResourceOptions(
            parent=self, retain_on_delete=opts.retain_on_delete if opts else None
        )
        if name in adopt:
            pulumi.log.info(
                f"adopting {adopt[name]}: its name, description and tags stay as AWS has "
                "them (ignoreChanges)",
                self,
            )
        group_id = _create_group(name, spec, vpc_id, child, adopt.get(name))
        exclusive = spec.options.exclusive_rules
        claim(_KIND, name, group_id, exclusive=exclusive, writes=bool(spec.rules))
        register_rules(
            name,
            spec.rules,
            group_id,
            exclusive=exclusive,
            tags=spec.tags,
            opts=child,
            group_ids=group_ids,
            adopt=adopt,
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
    opts: pulumi.ResourceOptions,
    adopt_id: Optional[str] = None,
) -> pulumi.Output[str]:
    # The delete timeout covers the DependencyViolation retries while ENIs still use the group.
    timeouts = pulumi.ResourceOptions.merge(
        pulumi.ResourceOptions(
            custom_timeouts=pulumi.CustomTimeouts(delete=spec.options.delete_timeout)
        ),
        adopted(adopt_id, GROUP_KEPT),
    )
    group = aws.ec2.SecurityGroup(
        name,
        vpc_id=vpc_id,
        description=spec.description,
        tags=dict(spec.tags),
        opts=pulumi.ResourceOptions.merge(opts, timeouts),
    )
    return group.id
