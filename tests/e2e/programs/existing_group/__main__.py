"""Rules on a security group made elsewhere: SecurityGroupRules writes only its own rules there
(``exclusive_rules`` off: the group's other rules are not ours to revoke), and never creates,
changes or deletes the group itself.

With config ``legacy: true`` it registers instead what 0.1.0's rules-only ManagedSecurityGroup
did (a component of that type with the same children), so a test can deploy a stack as that
version left it and then move it to SecurityGroupRules."""

import pulumi

from tiered_sg import SecurityGroupRules, TieredSgError
from tiered_sg.group import TYPE_TOKEN as OLD_TYPE
from tiered_sg.rule_resources import register_rules
from tiered_sg.rules_args import parse_rules_args

ARGS = {
    "group_id": pulumi.Config().require("groupId"),
    "exclusive_rules": False,
    "ingress": [{"ports": ["tcp:8443"], "cidrs": ["10.20.0.0/16"], "description": "Admin UI"}],
    "egress": [{"ports": ["postgres"], "cidrs": ["10.30.0.0/16"], "description": "Reporting DB"}],
    "tags": {"owner": "tiered-sg"},
}


class RulesOnly010(pulumi.ComponentResource):
    """0.1.0's ``ManagedSecurityGroup(name, {"group_id": ...})``: its type, its children."""

    def __init__(self, name: str, args: dict[str, object]) -> None:
        spec = parse_rules_args(name, args)
        super().__init__(OLD_TYPE, name)
        self.group_id = pulumi.Output.from_input(spec.group_id)
        register_rules(
            name,
            spec.rules,
            self.group_id,
            exclusive=spec.exclusive_rules,
            tags=spec.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.rule_count = pulumi.Output.from_input(len(spec.rules))
        self.register_outputs({"groupId": self.group_id, "ruleCount": self.rule_count})


try:
    if pulumi.Config().get_bool("legacy"):
        rules: RulesOnly010 | SecurityGroupRules = RulesOnly010("legacy", ARGS)
    else:
        rules = SecurityGroupRules("legacy", ARGS)  # type: ignore[arg-type]
except TieredSgError as err:
    raise pulumi.RunError(str(err)) from None

pulumi.export("groupId", rules.group_id)
pulumi.export("ruleCount", rules.rule_count)
