"""The tiered-sg program: composition only. Read config -> build the chain -> export outputs.

Config lives under the project namespace (``tiered-sg:*``, see Pulumi.yaml for every key).
Without ``vpcId`` the groups go into the region's default VPC.

Errors: a bad config value raises ``TieredSgError`` before any resource is registered; it is
re-raised as ``pulumi.RunError``, which the Pulumi CLI reports as its one-line message (the
config key, the bad value and the fix) instead of a Python traceback.
"""

import pulumi
import pulumi_aws as aws

from tiered_sg import TieredSecurityGroups, TieredSgError, read_config

CHAIN_NAME = "tiered"
"""Logical name of the chain: prefixes every group (tiered-web, ...) and fills tiered-sg:chain."""


def main() -> None:
    settings = read_config()
    vpc_id: pulumi.Input[str] = (
        settings.vpc_id if settings.vpc_id is not None else aws.ec2.get_vpc_output(default=True).id
    )
    chain = TieredSecurityGroups.from_spec(CHAIN_NAME, settings.spec, vpc_id)
    pulumi.export("vpcId", vpc_id)
    pulumi.export("groupIds", chain.group_ids)
    pulumi.export("adminGroupId", chain.admin_group_id)
    pulumi.export("ruleCount", chain.rule_count)


if __name__ == "__main__":
    try:
        main()
    except TieredSgError as err:
        raise pulumi.RunError(str(err)) from None
