"""SecurityGroupRules: rules on a security group made elsewhere (a load balancer's, another
stack's, the console's), one rule resource per (rule, peer).

The group itself is never created, changed or deleted. Ownership is a choice the user makes
(CDK's ``SecurityGroup.fromSecurityGroupId(..., {mutable})`` is the model): with
``exclusive_rules`` a ``VpcSecurityGroupRulesExclusive`` revokes every rule of the group these
rules do not list; without, they are only added, and ``pulumi destroy`` removes only them.

Until 0.1.0 this was ``ManagedSecurityGroup`` with ``group_id``. The children are named as they
were, and the component carries an alias of that type, so a stack deployed with the old form
moves to this one with no replacement when the name stays the same.
"""

from typing import Optional

import pulumi

from tiered_sg.args import SecurityGroupRulesArgs
from tiered_sg.group import TYPE_TOKEN as MANAGED_GROUP_TYPE_TOKEN
from tiered_sg.ownership import claim
from tiered_sg.rule_resources import register_rules
from tiered_sg.rules import Rule
from tiered_sg.rules_args import parse_rules_args
from tiered_sg.rules_spec import RulesSpec

TYPE_TOKEN = "tiered-sg:index:SecurityGroupRules"
_KIND = "SecurityGroupRules"


class SecurityGroupRules(pulumi.ComponentResource):
    """Rules, one resource each, on a security group made elsewhere (never created or deleted)."""

    group_id: pulumi.Output[str]
    """The group's id, as given."""
    rule_count: pulumi.Output[int]
    """How many rule resources (ingress plus egress) were written on the group."""

    def __init__(
        self,
        name: str,
        args: SecurityGroupRulesArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        spec = parse_rules_args(name, args)
        claim(_KIND, name, spec.group_id, exclusive=spec.exclusive_rules, writes=bool(spec.rules))
        # Stacks deployed with 0.1.0's ManagedSecurityGroup(group_id=...) have this component
        # under that type; the engine carries the alias over to every child's URN.
        moved = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=MANAGED_GROUP_TYPE_TOKEN)])
        super().__init__(TYPE_TOKEN, name, None, pulumi.ResourceOptions.merge(opts, moved))
        group_id = (
            spec.group_id
            if isinstance(spec.group_id, pulumi.Output)
            else pulumi.Output.from_input(spec.group_id)
        )
        # retain_on_delete is not inherited from a parent: hand it down explicitly.
        child = pulumi.ResourceOptions(
            parent=self, retain_on_delete=opts.retain_on_delete if opts else None
        )
        register_rules(
            name,
            spec.rules,
            group_id,
            exclusive=spec.exclusive_rules,
            tags=spec.tags,
            opts=child,
        )
        self._spec = spec
        self.group_id = group_id
        self.rule_count = pulumi.Output.from_input(len(spec.rules))
        self.register_outputs({"groupId": self.group_id, "ruleCount": self.rule_count})

    @property
    def spec(self) -> RulesSpec:
        """The validated rules this component registered."""
        return self._spec

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules this component registered, in order."""
        return self._spec.rules
