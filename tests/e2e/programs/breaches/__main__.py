"""One breach per stack (config `breaches:case`), registered with the aws resources directly, as a
user writing their own rules might: each is something the tiered-sg components refuse to build."""

from collections.abc import Callable

import pulumi
import pulumi_aws as aws

VPC_ID = "vpc-0e2e0e2e0e2e0e2e0"
TAGGED = {"owner": "e2e"}


def group(name: str, **extra: object) -> aws.ec2.SecurityGroup:
    return aws.ec2.SecurityGroup(
        name, vpc_id=VPC_ID, description=f"{name} group", tags=TAGGED, **extra
    )


def ingress(name: str, target: aws.ec2.SecurityGroup, port: int, **peer: object) -> None:
    aws.vpc.SecurityGroupIngressRule(
        name,
        security_group_id=target.id,
        ip_protocol="tcp",
        from_port=port,
        to_port=port,
        description=f"{name} rule",
        **peer,
    )


def world_ssh() -> None:
    ingress("ssh-from-anywhere", group("bastion"), 22, cidr_ipv4="0.0.0.0/0")


def high_risk_port() -> None:
    ingress("mysql-from-anywhere", group("database"), 3306, cidr_ipv4="0.0.0.0/0")


def all_traffic() -> None:
    aws.vpc.SecurityGroupIngressRule(
        "everything-from-anywhere",
        security_group_id=group("open").id,
        ip_protocol="-1",
        cidr_ipv4="0.0.0.0/0",
        description="all traffic from the internet",
    )


def tier_skip() -> None:
    # Tier tags as the components write them; db accepts web, skipping app.
    def tier(name: str, position: int) -> aws.ec2.SecurityGroup:
        tags = {
            "tiered-sg:chain": "shop",
            "tiered-sg:tier": name,
            "tiered-sg:position": str(position),
            "tiered-sg:role": "entry" if position == 0 else "internal",
        }
        return aws.ec2.SecurityGroup(
            f"shop-{name}", vpc_id=VPC_ID, description=f"shop {name} tier", tags=tags
        )

    web, app, db = tier("web", 0), tier("app", 1), tier("db", 2)
    ingress("shop-web-in-https", web, 443, cidr_ipv4="0.0.0.0/0")
    ingress("shop-app-in-8080-from-web", app, 8080, referenced_security_group_id=web.id)
    ingress("shop-db-in-5432-from-web", db, 5432, referenced_security_group_id=web.id)


def inline_and_separate() -> None:
    target = group(
        "mixed",
        ingress=[
            aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=443, to_port=443, cidr_blocks=["10.0.0.0/16"],
                description="inline https",
            )
        ],
    )  # fmt: skip
    ingress("mixed-in-8443", target, 8443, cidr_ipv4="10.0.0.0/16")


def default_group_rules() -> None:
    aws.ec2.DefaultSecurityGroup(
        "default",
        vpc_id=VPC_ID,
        ingress=[
            aws.ec2.DefaultSecurityGroupIngressArgs(
                protocol="-1", from_port=0, to_port=0, self=True, description="members"
            )
        ],
    )


def over_quota() -> None:
    target = group("crowded")
    for n in range(61):
        ingress(f"crowded-in-{n}", target, 443, cidr_ipv4=f"10.{n}.0.0/16")


def unadopted_vpc_default() -> None:
    aws.ec2.Vpc("network", cidr_block="10.20.0.0/16", tags=TAGGED)


def egress_advisory() -> None:
    aws.vpc.SecurityGroupEgressRule(
        "anything-out",
        security_group_id=group("chatty").id,
        ip_protocol="-1",
        cidr_ipv4="0.0.0.0/0",
        description="all traffic out",
    )


CASES: dict[str, Callable[[], None]] = {
    "world-ssh": world_ssh,
    "high-risk-port": high_risk_port,
    "all-traffic": all_traffic,
    "tier-skip": tier_skip,
    "inline-and-separate": inline_and_separate,
    "default-group-rules": default_group_rules,
    "over-quota": over_quota,
    "unadopted-vpc-default": unadopted_vpc_default,
    "egress-advisory": egress_advisory,
}

CASES[pulumi.Config("breaches").require("case")]()
