"""``aws:ec2/defaultSecurityGroup:DefaultSecurityGroup``: adopts the VPC's default group.

As Terraform's ``aws_default_security_group``: Create creates nothing; it adopts the group
named ``default`` of the VPC (the region's default VPC when ``vpcId`` is omitted) and revokes
every rule it has before authorizing the configured inline rules. Read reports the group's
actual rules, so rules added by hand show as drift and the next `up` removes them. Delete
leaves the group and its rules as they are. ``vpcId`` replaces.
"""

from typing import Any

from ..ec2api import RegionalEc2
from ..errors import StandinError
from ..spec import BOOLEAN, STRING, STRING_MAP, Prop, ResourceSpec, array_of
from .base import Props, ResourceHandler, output_tags, sync_tags, tags_from
from .ec2_reads import describe_group
from .inline_rules import rules_from_permissions, sync_rules

TOKEN = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
INGRESS_TYPE = "aws:ec2/DefaultSecurityGroupIngress:DefaultSecurityGroupIngress"
EGRESS_TYPE = "aws:ec2/DefaultSecurityGroupEgress:DefaultSecurityGroupEgress"
DIRECTIONS = ((False, "ingress", "IpPermissions"), (True, "egress", "IpPermissionsEgress"))

SPEC = ResourceSpec(
    token=TOKEN,
    description="Manages the default security group of a VPC.",
    properties={
        "arn": Prop(STRING, "ARN of the security group.", input=False, computed=True),
        "description": Prop(STRING, "Description of the group.", input=False, computed=True),
        "egress": Prop(array_of(EGRESS_TYPE), "Egress rules.", computed=True, set_like=True),
        "ingress": Prop(array_of(INGRESS_TYPE), "Ingress rules.", computed=True, set_like=True),
        "name": Prop(STRING, "Name of the group (`default`).", input=False, computed=True),
        "namePrefix": Prop(STRING, "Always empty.", input=False, computed=True),
        "ownerId": Prop(STRING, "Owner ID.", input=False, computed=True),
        "region": Prop(STRING, "Region of the group.", replaces=True, computed=True),
        "revokeRulesOnDelete": Prop(
            BOOLEAN, "Accepted; the default group is never deleted.", default=False
        ),
        "tags": Prop(STRING_MAP, "Tags of the group."),
        "tagsAll": Prop(STRING_MAP, "All tags.", input=False, computed=True),
        "vpcId": Prop(STRING, "VPC whose default group is adopted.", replaces=True, computed=True),
    },
    always_present=(
        "arn",
        "description",
        "egress",
        "ingress",
        "name",
        "namePrefix",
        "ownerId",
        "region",
        "tagsAll",
        "vpcId",
    ),
)


class DefaultSecurityGroupHandler(ResourceHandler):
    spec = SPEC

    def create(
        self, ec2: RegionalEc2, name: str, inputs: Props, timeout: float
    ) -> tuple[str, Props]:
        group = _default_group(ec2, inputs.get("vpcId"))
        group_id = str(group["GroupId"])
        for egress, field, api_field in DIRECTIONS:
            # Adoption empties the group first, whatever the inputs say.
            sync_rules(ec2, group_id, egress, [], group.get(api_field) or [])
            if inputs.get(field):
                sync_rules(ec2, group_id, egress, inputs[field], [])
        sync_tags(ec2, group_id, tags_from(group.get("Tags")), inputs.get("tags"))
        return group_id, self._outputs_of(ec2, group_id, inputs)

    def read(self, ec2: RegionalEc2, resource_id: str, state: Props) -> Props | None:
        group = describe_group(ec2, resource_id)
        if group is None:
            return None
        cloud_tags = tags_from(group.get("Tags"))
        return {
            "arn": group.get("SecurityGroupArn") or ec2.arn(f"security-group/{resource_id}"),
            "description": group.get("Description", ""),
            "egress": rules_from_permissions(group.get("IpPermissionsEgress") or [], resource_id),
            "ingress": rules_from_permissions(group.get("IpPermissions") or [], resource_id),
            "name": group.get("GroupName", "default"),
            "namePrefix": "",
            "ownerId": group.get("OwnerId", ""),
            "region": ec2.region,
            "revokeRulesOnDelete": bool(state.get("revokeRulesOnDelete")),
            "tags": output_tags(cloud_tags, state.get("tags")),
            "tagsAll": cloud_tags,
            "vpcId": group.get("VpcId", ""),
        }

    def update(
        self, ec2: RegionalEc2, resource_id: str, olds: Props, news: Props, timeout: float
    ) -> Props:
        group = describe_group(ec2, resource_id)
        if group is None:
            raise StandinError(f"default security group {resource_id} no longer exists")
        for egress, field, api_field in DIRECTIONS:
            if news.get(field) is not None:
                sync_rules(ec2, resource_id, egress, news[field], group.get(api_field) or [])
        sync_tags(ec2, resource_id, tags_from(group.get("Tags")), news.get("tags"))
        return self._outputs_of(ec2, resource_id, news)

    def delete(self, ec2: RegionalEc2, resource_id: str, state: Props, timeout: float) -> None:
        """Nothing to do: a VPC's default group cannot be deleted, and its rules stay."""

    def _outputs_of(self, ec2: RegionalEc2, group_id: str, inputs: Props) -> Props:
        outputs = self.read(ec2, group_id, inputs)
        if outputs is None:
            raise StandinError(f"default security group {group_id} vanished")
        return outputs


def _default_group(ec2: RegionalEc2, vpc_id: Any) -> Props:
    if not vpc_id:
        vpcs = ec2.call("describe_vpcs", Filters=[{"Name": "isDefault", "Values": ["true"]}])
        if not vpcs["Vpcs"]:
            raise StandinError("no default VPC in this region: set vpcId")
        vpc_id = vpcs["Vpcs"][0]["VpcId"]
    groups = ec2.call(
        "describe_security_groups",
        Filters=[
            {"Name": "vpc-id", "Values": [str(vpc_id)]},
            {"Name": "group-name", "Values": ["default"]},
        ],
    )["SecurityGroups"]
    if not groups:
        raise StandinError(f"reading EC2 Default Security Group of VPC {vpc_id}: empty result")
    return dict(groups[0])
