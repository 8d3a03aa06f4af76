"""Rules on a security group made elsewhere: ManagedSecurityGroup with ``group_id`` writes only
its own rules there (``exclusive_rules`` off: the group's other rules are not ours to revoke),
and never creates, changes or deletes the group itself."""

import pulumi

from tiered_sg import ManagedSecurityGroup, TieredSgError

try:
    legacy = ManagedSecurityGroup(
        "legacy",
        {
            "group_id": pulumi.Config().require("groupId"),
            "exclusive_rules": False,
            "ingress": [
                {"ports": ["tcp:8443"], "cidrs": ["10.20.0.0/16"], "description": "Admin UI"}
            ],
            "egress": [
                {"ports": ["postgres"], "cidrs": ["10.30.0.0/16"], "description": "Reporting DB"}
            ],
            "tags": {"owner": "tiered-sg"},
        },
    )
except TieredSgError as err:
    raise pulumi.RunError(str(err)) from None

pulumi.export("groupId", legacy.group_id)
pulumi.export("ruleCount", legacy.rule_count)
