"""tiered-sg-consumer: another team's Pulumi project using the tiered_sg package from pip.

Four tiers, each reachable only from the one before it:

    internet --http/https--> lb --tcp:8080--> web --tcp:9000--> app --postgres--> db

Every arrow is an ingress rule on the receiving group that references the sending group, plus the
matching egress rule on the sending group; the db group sends nothing.
"""

import pulumi
import pulumi_aws as aws

from tiered_sg import TierArgs, TieredSecurityGroups

TIERS: list[TierArgs] = [
    {"name": "lb", "ports": ["http", "https"]},
    {"name": "web", "ports": ["tcp:8080"]},
    {"name": "app", "ports": ["tcp:9000"]},
    {"name": "db", "ports": ["postgres"]},
]

vpc = aws.ec2.Vpc(
    "vpc",
    cidr_block="10.0.0.0/16",
    assign_generated_ipv6_cidr_block=True,
    tags={"Name": "tiered-sg-consumer"},
)

chain = TieredSecurityGroups(
    "shop",
    {
        "vpc_id": vpc.id,
        "tiers": TIERS,
        "public_ipv4_cidrs": ["0.0.0.0/0"],
        "public_ipv6_cidrs": ["::/0"],
        "tags": {"project": "tiered-sg-consumer"},
    },
)

pulumi.export("vpc_id", vpc.id)
pulumi.export("group_ids", chain.group_ids)
pulumi.export("rule_count", chain.rule_count)
