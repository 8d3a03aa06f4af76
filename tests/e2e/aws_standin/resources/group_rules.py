"""``aws:vpc/securityGroupIngressRule`` and ``...EgressRule``: one rule with its own ``sgr-`` id.

As in the Terraform provider (``aws_vpc_security_group_ingress_rule``/``_egress_rule``):
``securityGroupId`` replaces; so does a change of the peer's kind (CIDR to group reference, ...:
both peer properties replace); every other content change (protocol, ports, the peer's value,
description) is an in-place ModifySecurityGroupRules, and tags are updated in place. Create is
one Authorize call with the tags in its TagSpecifications, so a rule never exists untagged.
"""

from collections.abc import Sequence
from typing import Any

from pulumi.provider.experimental.provider import (
    CheckFailure,
    DiffResponse,
    PropertyDiffKind,
)

from .. import quota
from ..ec2api import RegionalEc2
from ..errors import Ec2Error, StandinError
from ..spec import INTEGER, STRING, STRING_MAP, Prop, ResourceSpec
from .base import ResourceHandler, output_tags, sync_tags, tag_specifications, tags_from
from .ec2_reads import find_rule
from .inline_rules import normalize_protocol

Props = dict[str, Any]
INGRESS_TOKEN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_TOKEN = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
PEERS = ("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId")
CONTENT = ("ipProtocol", "fromPort", "toPort", "description", *PEERS)
PEER_API = {  # peer property -> (IpPermission list, key), (SecurityGroupRuleRequest key)
    "cidrIpv4": (("IpRanges", "CidrIp"), "CidrIpv4"),
    "cidrIpv6": (("Ipv6Ranges", "CidrIpv6"), "CidrIpv6"),
    "prefixListId": (("PrefixListIds", "PrefixListId"), "PrefixListId"),
    "referencedSecurityGroupId": (("UserIdGroupPairs", "GroupId"), "ReferencedGroupId"),
}


def rule_spec(token: str, direction: str) -> ResourceSpec:
    towards = "destination" if direction == "egress" else "source"
    return ResourceSpec(
        token=token,
        description=f"Manages an {direction} rule for a security group.",
        properties={
            "arn": Prop(STRING, "ARN of the security group rule.", input=False, computed=True),
            "cidrIpv4": Prop(STRING, f"The {towards} IPv4 CIDR range."),
            "cidrIpv6": Prop(STRING, f"The {towards} IPv6 CIDR range."),
            "description": Prop(STRING, "The security group rule description."),
            "fromPort": Prop(INTEGER, "The start of the port range (or ICMP type)."),
            "ipProtocol": Prop(
                STRING,
                "The IP protocol name or number; -1 for all.",
                required=True,
                normalize=normalize_protocol,
            ),
            "prefixListId": Prop(STRING, f"The ID of the {towards} prefix list."),
            "referencedSecurityGroupId": Prop(STRING, f"The {towards} security group."),
            "region": Prop(STRING, "Region of the rule.", replaces=True, computed=True),
            "securityGroupId": Prop(
                STRING, "The ID of the security group.", required=True, replaces=True
            ),
            "securityGroupRuleId": Prop(
                STRING, "The ID of the security group rule.", input=False, computed=True
            ),
            "tags": Prop(STRING_MAP, "Tags of the rule."),
            "tagsAll": Prop(STRING_MAP, "All tags of the rule.", input=False, computed=True),
            "toPort": Prop(INTEGER, "The end of the port range (or ICMP code)."),
        },
        always_present=(
            "arn",
            "ipProtocol",
            "region",
            "securityGroupId",
            "securityGroupRuleId",
            "tagsAll",
        ),
    )


class SecurityGroupRuleHandler(ResourceHandler):
    def __init__(self, egress: bool) -> None:
        self.egress = egress
        self.direction = "egress" if egress else "ingress"
        self.spec = rule_spec(EGRESS_TOKEN if egress else INGRESS_TOKEN, self.direction)

    def validate(self, inputs: Props) -> list[CheckFailure]:
        failures = super().validate(inputs)
        peers = [p for p in PEERS if inputs.get(p) is not None]
        if len(peers) != 1:
            failures.append(
                CheckFailure(
                    "",
                    "Invalid Attribute Combination: Exactly one of these attributes must be "
                    "configured: [cidrIpv4,cidrIpv6,prefixListId,referencedSecurityGroupId]",
                )
            )
        return failures

    def diff(self, olds: Props, news: Props, ignore: Sequence[str]) -> DiffResponse:
        result = super().diff(olds, news, ignore)
        old_kind, new_kind = _peer_kind(olds), _peer_kind(news)
        if old_kind != new_kind:  # EC2 cannot change a rule's peer kind in place
            for name in dict.fromkeys(k for k in (old_kind, new_kind) if k is not None):
                if name not in result.replaces:
                    result.replaces.append(name)
                kind = result.detailed_diff.get(name)
                if kind is not None and kind.kind in _IN_PLACE:
                    kind.kind = _IN_PLACE[kind.kind]
        result.changes = bool(result.diffs)
        return result

    def create(
        self, ec2: RegionalEc2, name: str, inputs: Props, timeout: float
    ) -> tuple[str, Props]:
        group_id = str(inputs["securityGroupId"])
        operation = f"authorize_security_group_{self.direction}"
        quota.enforce(ec2, group_id, self.egress, _api_name(operation))
        params: dict[str, Any] = {"GroupId": group_id, "IpPermissions": [_permission(inputs)]}
        tags = tag_specifications("security-group-rule", inputs.get("tags"))
        if tags:
            params["TagSpecifications"] = tags
        reply = ec2.call(operation, **params)
        rule_id = str(reply["SecurityGroupRules"][0]["SecurityGroupRuleId"])
        return rule_id, self._planned(ec2, rule_id, inputs)

    def read(self, ec2: RegionalEc2, resource_id: str, state: Props) -> Props | None:
        rule = find_rule(ec2, resource_id, self.egress)
        if rule is None:
            return None
        referenced = rule.get("ReferencedGroupInfo") or {}
        cloud_tags = tags_from(rule.get("Tags"))
        outputs: Props = {
            "arn": ec2.arn(f"security-group-rule/{resource_id}"),
            "cidrIpv4": rule.get("CidrIpv4"),
            "cidrIpv6": rule.get("CidrIpv6"),
            "description": rule.get("Description"),
            "ipProtocol": rule.get("IpProtocol"),
            "prefixListId": rule.get("PrefixListId"),
            "referencedSecurityGroupId": _referenced(referenced, ec2),
            "region": ec2.region,
            "securityGroupId": rule.get("GroupId"),
            "securityGroupRuleId": resource_id,
            "tags": output_tags(cloud_tags, state.get("tags")),
            "tagsAll": cloud_tags,
        }
        for field, key in (("fromPort", "FromPort"), ("toPort", "ToPort")):
            # EC2 says -1 for "no port"; the provider keeps null where null was planned.
            value = rule.get(key)
            outputs[field] = None if value == -1 and state.get(field) is None else value
        return outputs

    def update(
        self, ec2: RegionalEc2, resource_id: str, olds: Props, news: Props, timeout: float
    ) -> Props:
        if any(_differs(olds.get(k), news.get(k), k) for k in CONTENT):
            ec2.call(
                "modify_security_group_rules",
                GroupId=news["securityGroupId"],
                SecurityGroupRules=[
                    {"SecurityGroupRuleId": resource_id, "SecurityGroupRule": _rule_request(news)}
                ],
            )
        sync_tags(ec2, resource_id, dict(olds.get("tagsAll") or {}), news.get("tags"))
        return self._planned(ec2, resource_id, news)

    def delete(self, ec2: RegionalEc2, resource_id: str, state: Props, timeout: float) -> None:
        params: dict[str, Any] = {"SecurityGroupRuleIds": [resource_id]}
        if state.get("securityGroupId"):
            params["GroupId"] = state["securityGroupId"]
        try:
            ec2.call(f"revoke_security_group_{self.direction}", **params)
        except Ec2Error as err:
            if not err.not_found:
                raise

    def _planned(self, ec2: RegionalEc2, rule_id: str, inputs: Props) -> Props:
        """The state after a write: the inputs plus what EC2 assigned (as the provider does)."""
        outputs = {k: v for k, v in inputs.items() if not k.startswith("__")}
        outputs.update(
            arn=ec2.arn(f"security-group-rule/{rule_id}"),
            region=ec2.region,
            securityGroupRuleId=rule_id,
            tagsAll=dict(inputs.get("tags") or {}),
        )
        return outputs


_IN_PLACE = {
    PropertyDiffKind.ADD: PropertyDiffKind.ADD_REPLACE,
    PropertyDiffKind.DELETE: PropertyDiffKind.DELETE_REPLACE,
    PropertyDiffKind.UPDATE: PropertyDiffKind.UPDATE_REPLACE,
}


def _peer_kind(props: Props) -> str | None:
    kinds = [p for p in PEERS if props.get(p) is not None]
    return kinds[0] if len(kinds) == 1 else None


def _differs(old: Any, new: Any, field: str) -> bool:
    if field == "ipProtocol" and old is not None and new is not None:
        return normalize_protocol(old) != normalize_protocol(new)
    return bool(old != new)


def _permission(inputs: Props) -> dict[str, Any]:
    """The one IpPermission this rule authorizes."""
    permission: dict[str, Any] = {"IpProtocol": inputs["ipProtocol"]}
    if inputs.get("fromPort") is not None:
        permission["FromPort"] = int(inputs["fromPort"])
    if inputs.get("toPort") is not None:
        permission["ToPort"] = int(inputs["toPort"])
    peer = _peer_kind(inputs)
    if peer is None:
        raise StandinError("a security group rule needs exactly one peer")
    (api_list, key), _ = PEER_API[peer]
    entry: dict[str, Any] = {key: inputs[peer]}
    if peer == "referencedSecurityGroupId" and "/" in str(inputs[peer]):
        entry["UserId"], entry["GroupId"] = str(inputs[peer]).split("/", 1)
    if inputs.get("description"):
        entry["Description"] = inputs["description"]
    permission[api_list] = [entry]
    return permission


def _rule_request(news: Props) -> dict[str, Any]:
    """ModifySecurityGroupRules' SecurityGroupRuleRequest for the new content."""
    peer = _peer_kind(news)
    if peer is None:
        raise StandinError("a security group rule needs exactly one peer")
    request: dict[str, Any] = {
        "IpProtocol": news["ipProtocol"],
        # EC2 takes -1 for "all ports"; moto insists on both ports being present.
        "FromPort": int(news["fromPort"]) if news.get("fromPort") is not None else -1,
        "ToPort": int(news["toPort"]) if news.get("toPort") is not None else -1,
        PEER_API[peer][1]: news[peer],
    }
    if news.get("description") is not None:
        request["Description"] = news["description"]
    return request


def _referenced(info: Props, ec2: RegionalEc2) -> str | None:
    group_id = info.get("GroupId")
    if not group_id:
        return None
    user = info.get("UserId")
    if user is None or user == ec2.account_id():
        return str(group_id)
    return f"{user}/{group_id}"


def _api_name(operation: str) -> str:
    return "".join(part.title() for part in operation.split("_"))
