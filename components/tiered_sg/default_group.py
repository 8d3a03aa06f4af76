"""The VPC's default security group, adopted and closed (AWS Security Hub EC2.2).

``aws.ec2.DefaultSecurityGroup`` does not create a group: it adopts the VPC's default one and, on
adoption, removes every rule it has; explicit empty ``ingress``/``egress`` lists keep it that way
on every later update (rules added by hand show as drift and are removed). Removing the resource
from the program, or destroying the stack, only drops it from the state: the group and whatever
rules it has at that time stay as they are. Only one resource per VPC may adopt the group.
"""

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws


def register_closed_default_group(
    name: str, vpc_id: pulumi.Input[str], tags: Mapping[str, str], opts: pulumi.ResourceOptions
) -> aws.ec2.DefaultSecurityGroup:
    """Adopt ``vpc_id``'s default group with no rules at all.

    Only the configured tags: the chain's own tags (``tiered-sg:chain``...) mark tiers, and the
    default group is not one.
    """
    return aws.ec2.DefaultSecurityGroup(
        name, vpc_id=vpc_id, ingress=[], egress=[], tags=dict(tags), opts=opts
    )
