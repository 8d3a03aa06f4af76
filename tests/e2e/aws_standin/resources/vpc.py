"""``aws:ec2/vpc:Vpc`` (Terraform ``aws_vpc``), for the YAML consumer example.

``cidrBlock`` and the IPAM inputs replace (the stand-in refuses IPAM inputs: moto has no IPAM
pools to draw from); tags, DNS attributes, network address usage metrics, the Amazon-provided
IPv6 block and tenancy are updated in place. Delete retries ``DependencyViolation`` until the
delete timeout, as the provider does while the VPC's last dependents go.
"""

from typing import Any

from pulumi.provider.experimental.provider import CheckFailure

from ..ec2api import RegionalEc2
from ..errors import Ec2Error, StandinError
from ..spec import BOOLEAN, INTEGER, STRING, STRING_MAP, Prop, ResourceSpec
from .base import (
    Checked,
    Props,
    ResourceHandler,
    deadline,
    output_tags,
    sync_tags,
    tag_specifications,
)
from .vpc_reads import ATTRIBUTES, ipv6_association, vpc_facts

TOKEN = "aws:ec2/vpc:Vpc"
UNSUPPORTED = ("ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6NetmaskLength")
DELETE_RETRY_CODES = frozenset({"DependencyViolation"})


def _out(description: str) -> Prop:
    return Prop(STRING, description, input=False, computed=True)


SPEC = ResourceSpec(
    token=TOKEN,
    description="Provides a VPC resource.",
    properties={
        "arn": _out("ARN of the VPC."),
        "assignGeneratedIpv6CidrBlock": Prop(
            BOOLEAN, "Request an Amazon-provided /56 IPv6 block.", default=False
        ),
        "cidrBlock": Prop(STRING, "The IPv4 CIDR block of the VPC.", replaces=True, computed=True),
        "defaultNetworkAclId": _out("ID of the network ACL created by default."),
        "defaultRouteTableId": _out("ID of the route table created by default."),
        "defaultSecurityGroupId": _out("ID of the security group created by default."),
        "dhcpOptionsId": _out("DHCP options ID."),
        "enableDnsHostnames": Prop(BOOLEAN, "DNS hostnames in the VPC.", computed=True),
        "enableDnsSupport": Prop(BOOLEAN, "DNS support in the VPC.", computed=True),
        "enableNetworkAddressUsageMetrics": Prop(
            BOOLEAN, "Network address usage metrics.", computed=True
        ),
        "instanceTenancy": Prop(STRING, "Tenancy of instances.", computed=True),
        "ipv4IpamPoolId": Prop(STRING, "IPAM pool for the IPv4 block.", replaces=True),
        "ipv4NetmaskLength": Prop(INTEGER, "Netmask from the IPAM pool.", replaces=True),
        "ipv6AssociationId": _out("Association ID of the IPv6 block."),
        "ipv6CidrBlock": Prop(STRING, "The IPv6 CIDR block.", computed=True),
        "ipv6CidrBlockNetworkBorderGroup": Prop(
            STRING, "Network border group of the IPv6 block.", computed=True
        ),
        "ipv6IpamPoolId": Prop(STRING, "IPAM pool for the IPv6 block."),
        "ipv6NetmaskLength": Prop(INTEGER, "Netmask of the IPv6 block from IPAM."),
        "mainRouteTableId": _out("ID of the main route table."),
        "ownerId": _out("Owner ID."),
        "region": Prop(STRING, "Region of the VPC.", replaces=True, computed=True),
        "tags": Prop(STRING_MAP, "Tags of the VPC."),
        "tagsAll": Prop(STRING_MAP, "All tags.", input=False, computed=True),
    },
    always_present=(
        "arn",
        "cidrBlock",
        "defaultNetworkAclId",
        "defaultRouteTableId",
        "defaultSecurityGroupId",
        "dhcpOptionsId",
        "enableDnsHostnames",
        "enableDnsSupport",
        "enableNetworkAddressUsageMetrics",
        "instanceTenancy",
        "ipv6AssociationId",
        "ipv6CidrBlock",
        "ipv6CidrBlockNetworkBorderGroup",
        "mainRouteTableId",
        "ownerId",
        "region",
        "tagsAll",
    ),
)


class VpcHandler(ResourceHandler):
    spec = SPEC

    def check(self, name: str, olds: Props, news: Props, seed: bytes) -> Checked:
        checked = super().check(name, olds, news, seed)
        failures = [
            CheckFailure(field, f"{field} is not supported by the aws stand-in (moto has no IPAM)")
            for field in UNSUPPORTED
            if news.get(field) is not None
        ]
        if news.get("cidrBlock") is None:
            failures.append(CheckFailure("cidrBlock", "cidrBlock is required (no IPAM here)"))
        return Checked(checked.inputs, checked.failures + failures)

    def create(
        self, ec2: RegionalEc2, name: str, inputs: Props, timeout: float
    ) -> tuple[str, Props]:
        params: dict[str, Any] = {"CidrBlock": inputs["cidrBlock"]}
        if inputs.get("instanceTenancy"):
            params["InstanceTenancy"] = inputs["instanceTenancy"]
        if inputs.get("assignGeneratedIpv6CidrBlock"):
            params["AmazonProvidedIpv6CidrBlock"] = True
        tags = tag_specifications("vpc", inputs.get("tags"))
        if tags:
            params["TagSpecifications"] = tags
        vpc_id = str(ec2.call("create_vpc", **params)["Vpc"]["VpcId"])
        _set_attributes(ec2, vpc_id, {}, inputs)
        return vpc_id, self._outputs_of(ec2, vpc_id, inputs)

    def read(self, ec2: RegionalEc2, resource_id: str, state: Props) -> Props | None:
        try:
            vpcs = ec2.call("describe_vpcs", VpcIds=[resource_id])["Vpcs"]
        except Ec2Error as err:
            if err.not_found:
                return None
            raise
        if not vpcs:
            return None
        vpc = dict(vpcs[0])
        facts = vpc_facts(ec2, vpc)
        ipv6 = ipv6_association(vpc)
        cloud_tags = facts.pop("tags")
        facts.update(
            assignGeneratedIpv6CidrBlock=ipv6.get("Ipv6Pool") == "Amazon",
            defaultNetworkAclId=_default_acl(ec2, resource_id),
            defaultRouteTableId=facts["mainRouteTableId"],
            defaultSecurityGroupId=_default_group_id(ec2, resource_id),
            ipv6CidrBlockNetworkBorderGroup=ipv6.get("NetworkBorderGroup", ""),
            tags=output_tags(cloud_tags, state.get("tags")),
            tagsAll=cloud_tags,
        )
        return facts

    def update(
        self, ec2: RegionalEc2, resource_id: str, olds: Props, news: Props, timeout: float
    ) -> Props:
        _set_attributes(ec2, resource_id, olds, news)
        if bool(news.get("assignGeneratedIpv6CidrBlock")) != bool(
            olds.get("assignGeneratedIpv6CidrBlock")
        ):
            if news.get("assignGeneratedIpv6CidrBlock"):
                ec2.call(
                    "associate_vpc_cidr_block", VpcId=resource_id, AmazonProvidedIpv6CidrBlock=True
                )
            elif olds.get("ipv6AssociationId"):
                ec2.call("disassociate_vpc_cidr_block", AssociationId=olds["ipv6AssociationId"])
        tenancy = news.get("instanceTenancy")
        if tenancy and tenancy != olds.get("instanceTenancy"):
            ec2.call("modify_vpc_tenancy", VpcId=resource_id, InstanceTenancy=tenancy)
        sync_tags(ec2, resource_id, dict(olds.get("tagsAll") or {}), news.get("tags"))
        return self._outputs_of(ec2, resource_id, news)

    def delete(self, ec2: RegionalEc2, resource_id: str, state: Props, timeout: float) -> None:
        try:
            ec2.retry(
                deadline(timeout),
                DELETE_RETRY_CODES,
                lambda: ec2.call("delete_vpc", VpcId=resource_id),
            )
        except Ec2Error as err:
            if not err.not_found:
                raise

    def _outputs_of(self, ec2: RegionalEc2, vpc_id: str, inputs: Props) -> Props:
        outputs = self.read(ec2, vpc_id, inputs)
        if outputs is None:
            raise StandinError(f"VPC {vpc_id} vanished right after it was written")
        return outputs


def _set_attributes(ec2: RegionalEc2, vpc_id: str, olds: Props, news: Props) -> None:
    for output in ATTRIBUTES:
        value = news.get(output)
        if value is not None and value != olds.get(output):
            key = output[0].upper() + output[1:]
            ec2.call("modify_vpc_attribute", VpcId=vpc_id, **{key: {"Value": bool(value)}})


def _default_acl(ec2: RegionalEc2, vpc_id: str) -> str:
    acls = ec2.call(
        "describe_network_acls",
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "default", "Values": ["true"]},
        ],
    )["NetworkAcls"]
    return str(acls[0]["NetworkAclId"]) if acls else ""


def _default_group_id(ec2: RegionalEc2, vpc_id: str) -> str:
    groups = ec2.call(
        "describe_security_groups",
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ],
    )["SecurityGroups"]
    return str(groups[0]["GroupId"]) if groups else ""
