"""What both ``aws:ec2/vpc:Vpc`` and the ``getVpc`` invoke report about a VPC."""

from typing import Any

from ..ec2api import RegionalEc2
from .base import tags_from

Props = dict[str, Any]
ATTRIBUTES = {  # output -> DescribeVpcAttribute attribute
    "enableDnsHostnames": "enableDnsHostnames",
    "enableDnsSupport": "enableDnsSupport",
    "enableNetworkAddressUsageMetrics": "enableNetworkAddressUsageMetrics",
}


def vpc_facts(ec2: RegionalEc2, vpc: Props) -> Props:
    """The fields common to the resource and the invoke, from one DescribeVpcs entry."""
    vpc_id = str(vpc["VpcId"])
    facts: Props = {
        "arn": ec2.arn(f"vpc/{vpc_id}"),
        "cidrBlock": vpc.get("CidrBlock", ""),
        "dhcpOptionsId": vpc.get("DhcpOptionsId", ""),
        "instanceTenancy": vpc.get("InstanceTenancy", "default"),
        "mainRouteTableId": _main_route_table(ec2, vpc_id),
        "ownerId": vpc.get("OwnerId", ""),
        "region": ec2.region,
        "tags": tags_from(vpc.get("Tags")),
    }
    for output, attribute in ATTRIBUTES.items():
        reply = ec2.call("describe_vpc_attribute", VpcId=vpc_id, Attribute=attribute)
        key = attribute[0].upper() + attribute[1:]
        facts[output] = bool(reply.get(key, {}).get("Value", False))
    ipv6 = ipv6_association(vpc)
    facts.update(
        ipv6AssociationId=ipv6.get("AssociationId", ""),
        ipv6CidrBlock=ipv6.get("Ipv6CidrBlock", ""),
    )
    return facts


def ipv6_association(vpc: Props) -> Props:
    """The VPC's associated IPv6 block (an empty map when it has none)."""
    for association in vpc.get("Ipv6CidrBlockAssociationSet") or []:
        if association.get("Ipv6CidrBlockState", {}).get("State") == "associated":
            return dict(association)
    return {}


def _main_route_table(ec2: RegionalEc2, vpc_id: str) -> str:
    tables = ec2.call(
        "describe_route_tables",
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ],
    )["RouteTables"]
    return str(tables[0]["RouteTableId"]) if tables else ""
