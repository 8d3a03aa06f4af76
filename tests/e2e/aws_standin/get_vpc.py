"""The ``aws:ec2/getVpc:getVpc`` invoke: exactly one VPC matching the arguments.

Arguments as pulumi-aws takes them (``default``, ``id``, ``cidrBlock``, ``dhcpOptionsId``,
``state``, ``tags``, ``filters``) become DescribeVpcs filters; no match or several matches are
errors with the Terraform provider's wording. The result carries every key ``GetVpcResult``
reads (pulumi_aws/ec2/get_vpc.py).
"""

from typing import Any

from .ec2api import RegionalEc2
from .errors import StandinError
from .resources.vpc_reads import vpc_facts
from .spec import BOOLEAN, STRING, STRING_MAP, FunctionSpec, ObjectType

TOKEN = "aws:ec2/getVpc:getVpc"
FILTER_TYPE = "aws:ec2/getVpcFilter:getVpcFilter"
CIDR_ASSOCIATION_TYPE = "aws:ec2/getVpcCidrBlockAssociation:getVpcCidrBlockAssociation"
IPV6_ASSOCIATION_TYPE = "aws:ec2/getVpcIpv6CidrBlockAssociation:getVpcIpv6CidrBlockAssociation"
Props = dict[str, Any]


def _list_of(token: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/types/{token}"}}


OBJECT_TYPES = (
    ObjectType(
        FILTER_TYPE,
        "A DescribeVpcs filter.",
        {"name": STRING, "values": {"type": "array", "items": STRING}},
        ("name", "values"),
    ),
    ObjectType(
        CIDR_ASSOCIATION_TYPE,
        "An IPv4 block of the VPC.",
        {"associationId": STRING, "cidrBlock": STRING, "state": STRING},
        ("associationId", "cidrBlock", "state"),
    ),
    ObjectType(
        IPV6_ASSOCIATION_TYPE,
        "An IPv6 block of the VPC.",
        {
            "associationId": STRING,
            "ipSource": STRING,
            "ipv6AddressAttribute": STRING,
            "ipv6CidrBlock": STRING,
            "ipv6Pool": STRING,
            "networkBorderGroup": STRING,
            "state": STRING,
        },
        (
            "associationId",
            "ipSource",
            "ipv6AddressAttribute",
            "ipv6CidrBlock",
            "ipv6Pool",
            "networkBorderGroup",
            "state",
        ),
    ),
)

INPUTS = {
    "cidrBlock": STRING,
    "default": BOOLEAN,
    "dhcpOptionsId": STRING,
    "filters": _list_of(FILTER_TYPE),
    "id": STRING,
    "region": STRING,
    "state": STRING,
    "tags": STRING_MAP,
}
OUTPUTS = {
    **INPUTS,
    "arn": STRING,
    "cidrBlockAssociations": _list_of(CIDR_ASSOCIATION_TYPE),
    "enableDnsHostnames": BOOLEAN,
    "enableDnsSupport": BOOLEAN,
    "enableNetworkAddressUsageMetrics": BOOLEAN,
    "instanceTenancy": STRING,
    "ipv6AssociationId": STRING,
    "ipv6CidrBlock": STRING,
    "ipv6CidrBlockAssociations": _list_of(IPV6_ASSOCIATION_TYPE),
    "mainRouteTableId": STRING,
    "ownerId": STRING,
}
SPEC = FunctionSpec(
    token=TOKEN,
    description="Provides details about a specific VPC.",
    inputs=INPUTS,
    outputs=OUTPUTS,
    required_outputs=tuple(sorted(set(OUTPUTS) - {"filters"})),
)
ARG_FILTERS = {"cidrBlock": "cidr", "dhcpOptionsId": "dhcp-options-id", "state": "state"}


def get_vpc(ec2: RegionalEc2, args: Props) -> Props:
    params: dict[str, Any] = {"Filters": _filters(args)}
    if args.get("id"):
        params["VpcIds"] = [str(args["id"])]
    vpcs = ec2.call("describe_vpcs", **params)["Vpcs"]
    if not vpcs:
        raise StandinError("no matching EC2 VPC found")
    if len(vpcs) > 1:
        raise StandinError(
            "multiple EC2 VPCs matched; use additional constraints to reduce matches to a "
            "single EC2 VPC"
        )
    vpc = dict(vpcs[0])
    result = vpc_facts(ec2, vpc)
    result.update(
        cidrBlockAssociations=[
            {
                "associationId": a.get("AssociationId", ""),
                "cidrBlock": a.get("CidrBlock", ""),
                "state": a.get("CidrBlockState", {}).get("State", ""),
            }
            for a in vpc.get("CidrBlockAssociationSet") or []
        ],
        default=bool(vpc.get("IsDefault")),
        filters=args.get("filters"),
        id=vpc["VpcId"],
        ipv6CidrBlockAssociations=[_ipv6(a) for a in vpc.get("Ipv6CidrBlockAssociationSet") or []],
        state=vpc.get("State", ""),
    )
    return result


def _filters(args: Props) -> list[dict[str, Any]]:
    filters = [
        {"Name": str(f["name"]), "Values": [str(v) for v in f.get("values") or []]}
        for f in args.get("filters") or []
    ]
    if args.get("default") is not None:
        filters.append({"Name": "isDefault", "Values": [str(bool(args["default"])).lower()]})
    for arg, name in ARG_FILTERS.items():
        if args.get(arg):
            filters.append({"Name": name, "Values": [str(args[arg])]})
    for key, value in sorted((args.get("tags") or {}).items()):
        filters.append({"Name": f"tag:{key}", "Values": [str(value)]})
    return filters


def _ipv6(association: Props) -> Props:
    return {
        "associationId": association.get("AssociationId", ""),
        "ipSource": association.get("IpSource", ""),
        "ipv6AddressAttribute": association.get("Ipv6AddressAttribute", ""),
        "ipv6CidrBlock": association.get("Ipv6CidrBlock", ""),
        "ipv6Pool": association.get("Ipv6Pool", ""),
        "networkBorderGroup": association.get("NetworkBorderGroup", ""),
        "state": association.get("Ipv6CidrBlockState", {}).get("State", ""),
    }
