"""Describe calls shared by several types: a group, its rule ids, one rule by id."""

from typing import Any

from ..ec2api import RegionalEc2
from ..errors import Ec2Error

Props = dict[str, Any]


def describe_group(ec2: RegionalEc2, group_id: str) -> Props | None:
    """The group as DescribeSecurityGroups returns it; None when it does not exist."""
    try:
        groups = ec2.call("describe_security_groups", GroupIds=[group_id])["SecurityGroups"]
    except Ec2Error as err:
        if err.not_found:
            return None
        raise
    return dict(groups[0]) if groups else None


def group_rules(ec2: RegionalEc2, group_id: str) -> list[Props]:
    reply = ec2.call(
        "describe_security_group_rules", Filters=[{"Name": "group-id", "Values": [group_id]}]
    )
    return [dict(rule) for rule in reply["SecurityGroupRules"]]


def group_rule_ids(ec2: RegionalEc2, group_id: str) -> tuple[list[str], list[str]]:
    """(ingress ids, egress ids) of every rule the group has now."""
    rules = group_rules(ec2, group_id)
    ingress = [r["SecurityGroupRuleId"] for r in rules if not r.get("IsEgress")]
    egress = [r["SecurityGroupRuleId"] for r in rules if r.get("IsEgress")]
    return ingress, egress


def find_rule(ec2: RegionalEc2, rule_id: str, egress: bool) -> Props | None:
    """The rule with this id in this direction; None when it does not exist (any more)."""
    try:
        reply = ec2.call("describe_security_group_rules", SecurityGroupRuleIds=[rule_id])
    except Ec2Error as err:
        if err.not_found:
            return None
        raise
    rules = [r for r in reply["SecurityGroupRules"] if bool(r.get("IsEgress")) == egress]
    if not rules:
        return None
    rule = dict(rules[0])
    if rule.get("ReferencedGroupInfo") and "Description" not in rule:
        rule["Description"] = _pair_description(ec2, rule)
    return rule


def _pair_description(ec2: RegionalEc2, rule: Props) -> str | None:
    """moto gap: DescribeSecurityGroupRules drops the description of a group-referencing rule
    (EC2 returns it). Take it from the group's own permission, as DescribeSecurityGroups has it."""
    group = describe_group(ec2, rule["GroupId"])
    if group is None:
        return None
    key = "IpPermissionsEgress" if rule.get("IsEgress") else "IpPermissions"
    peer = rule["ReferencedGroupInfo"].get("GroupId")
    for permission in group.get(key) or []:
        if permission.get("IpProtocol") != rule.get("IpProtocol"):
            continue
        if rule.get("IpProtocol") != "-1" and (
            permission.get("FromPort") != rule.get("FromPort")
            or permission.get("ToPort") != rule.get("ToPort")
        ):
            continue
        for pair in permission.get("UserIdGroupPairs") or []:
            if pair.get("GroupId") == peer and pair.get("Description"):
                return str(pair["Description"])
    return None
