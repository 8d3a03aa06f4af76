"""``aws:ec2/securityGroup:SecurityGroup``: a VPC security group (Terraform ``aws_security_group``).

Check fills what pulumi-aws fills: an auto-name (kept from the old inputs while it was
defaulted), the description ``Managed by Pulumi`` and ``revokeRulesOnDelete: false``, listed
under ``__defaults``. Create revokes AWS's default allow-all egress, as the provider does, then
authorizes any inline rules. ``ingress``/``egress`` left out of the inputs are not managed (their
outputs show every rule of the group); given, even empty, they are synced exactly. A replacement
is delete-before-replace when the name was set explicitly (two groups cannot share a name).
"""

from collections.abc import Sequence
from typing import Any

from pulumi.provider.experimental.provider import CheckFailure, DiffResponse

from ..ec2api import RegionalEc2
from ..errors import Ec2Error, StandinError
from ..naming import autoname, prefixed_unique
from ..spec import BOOLEAN, STRING, STRING_MAP, Prop, ResourceSpec, array_of
from .base import (
    Checked,
    Props,
    ResourceHandler,
    deadline,
    output_tags,
    sync_tags,
    tag_specifications,
    tags_from,
)
from .ec2_reads import describe_group, group_rule_ids
from .inline_rules import rules_from_permissions, sync_rules

TOKEN = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_TYPE = "aws:ec2/SecurityGroupIngress:SecurityGroupIngress"
EGRESS_TYPE = "aws:ec2/SecurityGroupEgress:SecurityGroupEgress"
DEFAULT_DESCRIPTION = "Managed by Pulumi"
MAX_LENGTH = 255
DELETE_RETRY_CODES = frozenset({"DependencyViolation"})

SPEC = ResourceSpec(
    token=TOKEN,
    description="Provides a security group resource.",
    properties={
        "arn": Prop(STRING, "ARN of the security group.", input=False, computed=True),
        "description": Prop(
            STRING, "Security group description. Defaults to `Managed by Pulumi`.", replaces=True
        ),
        "egress": Prop(
            array_of(EGRESS_TYPE), "Egress rules (inline).", computed=True, set_like=True
        ),
        "ingress": Prop(
            array_of(INGRESS_TYPE), "Ingress rules (inline).", computed=True, set_like=True
        ),
        "name": Prop(
            STRING,
            "Name of the security group (auto-named if omitted).",
            replaces=True,
            computed=True,
        ),
        "namePrefix": Prop(
            STRING,
            "Creates a unique name beginning with this prefix.",
            replaces=True,
            computed=True,
        ),
        "ownerId": Prop(STRING, "Owner ID.", input=False, computed=True),
        "region": Prop(STRING, "Region of the group.", replaces=True, computed=True),
        "revokeRulesOnDelete": Prop(
            BOOLEAN, "Revoke all rules before deleting the group.", default=False
        ),
        "tags": Prop(STRING_MAP, "Tags of the security group."),
        "tagsAll": Prop(
            STRING_MAP, "All tags, provider defaults included.", input=False, computed=True
        ),
        "vpcId": Prop(
            STRING, "VPC ID. Defaults to the region's default VPC.", replaces=True, computed=True
        ),
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


class SecurityGroupHandler(ResourceHandler):
    spec = SPEC

    def check(self, name: str, olds: Props, news: Props, seed: bytes) -> Checked:
        inputs = dict(news)
        defaults: list[str] = []
        if inputs.get("description") is None:
            inputs["description"] = DEFAULT_DESCRIPTION
            defaults.append("description")
        if inputs.get("revokeRulesOnDelete") is None:
            inputs["revokeRulesOnDelete"] = False
            defaults.append("revokeRulesOnDelete")
        if inputs.get("name") is None and inputs.get("namePrefix") is None:
            # An auto-name is kept while it stays defaulted: re-drawing it would replace.
            kept = olds.get("name") if "name" in (olds.get("__defaults") or []) else None
            inputs["name"] = kept or autoname(name, seed)
            defaults.append("name")
        inputs["__defaults"] = sorted(defaults)
        return Checked(inputs, self.validate(inputs))

    def validate(self, inputs: Props) -> list[CheckFailure]:
        failures = super().validate(inputs)
        explicit_name = "name" not in (inputs.get("__defaults") or []) and inputs.get("name")
        if explicit_name and inputs.get("namePrefix") is not None:
            failures.append(CheckFailure("namePrefix", '"name_prefix": conflicts with name'))
        for field in ("name", "description"):
            value = inputs.get(field)
            if isinstance(value, str) and len(value) > MAX_LENGTH:
                failures.append(
                    CheckFailure(field, f"expected length of {field} to be in the range (0 - 255)")
                )
        return failures

    def diff(self, olds: Props, news: Props, ignore: Sequence[str]) -> DiffResponse:
        result = super().diff(olds, news, ignore)
        explicit_name = "name" not in (news.get("__defaults") or [])
        result.delete_before_replace = bool(result.replaces) and explicit_name
        return result

    def create(
        self, ec2: RegionalEc2, name: str, inputs: Props, timeout: float
    ) -> tuple[str, Props]:
        group_name = inputs.get("name") or prefixed_unique(str(inputs["namePrefix"]))
        params: dict[str, Any] = {"GroupName": group_name, "Description": inputs["description"]}
        if inputs.get("vpcId"):
            params["VpcId"] = inputs["vpcId"]
        tags = tag_specifications("security-group", inputs.get("tags"))
        if tags:
            params["TagSpecifications"] = tags
        group_id = str(ec2.call("create_security_group", **params)["GroupId"])
        # AWS gives every VPC group an allow-all egress; the provider revokes it at once.
        _, egress_ids = group_rule_ids(ec2, group_id)
        if egress_ids:
            ec2.call(
                "revoke_security_group_egress", GroupId=group_id, SecurityGroupRuleIds=egress_ids
            )
        for egress, field in ((False, "ingress"), (True, "egress")):
            if inputs.get(field) is not None:
                sync_rules(ec2, group_id, egress, inputs[field], [])
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
            "name": group.get("GroupName", ""),
            "namePrefix": state.get("namePrefix") or "",
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
            raise StandinError(f"security group {resource_id} no longer exists")
        for egress, field, api_field in (
            (False, "ingress", "IpPermissions"),
            (True, "egress", "IpPermissionsEgress"),
        ):
            if news.get(field) is not None:
                sync_rules(ec2, resource_id, egress, news[field], group.get(api_field) or [])
        sync_tags(ec2, resource_id, tags_from(group.get("Tags")), news.get("tags"))
        return self._outputs_of(ec2, resource_id, news)

    def delete(self, ec2: RegionalEc2, resource_id: str, state: Props, timeout: float) -> None:
        until = deadline(timeout)
        try:
            if state.get("revokeRulesOnDelete"):
                _revoke_all(ec2, resource_id)
            # ENIs (Lambda, load balancers) keep a group in use for minutes after their owner.
            ec2.retry(
                until,
                DELETE_RETRY_CODES,
                lambda: ec2.call("delete_security_group", GroupId=resource_id),
            )
        except Ec2Error as err:
            if not err.not_found:
                raise

    def _outputs_of(self, ec2: RegionalEc2, group_id: str, inputs: Props) -> Props:
        outputs = self.read(ec2, group_id, inputs)
        if outputs is None:
            raise StandinError(f"security group {group_id} vanished right after it was written")
        return outputs


def _revoke_all(ec2: RegionalEc2, group_id: str) -> None:
    ingress, egress = group_rule_ids(ec2, group_id)
    if ingress:
        ec2.call("revoke_security_group_ingress", GroupId=group_id, SecurityGroupRuleIds=ingress)
    if egress:
        ec2.call("revoke_security_group_egress", GroupId=group_id, SecurityGroupRuleIds=egress)
