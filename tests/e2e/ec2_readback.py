"""What EC2 holds, read back with boto3 (never from Pulumi's state), and what the plan says it
should hold.

Groups made by the stand-in are named ``<logical name>-<7 hex>`` (pulumi-aws's auto-naming), so
a group is known by its logical name; two groups under one logical name are duplicates and
:meth:`Ec2View.chain_groups` refuses them. Rules are compared as :class:`Ec2Rule` values with the
peer group's logical name in place of its id, so an expectation reads as the plan does.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tiered_sg import Direction, PeerKind, parse_config
from tiered_sg.chain import plan_chain

CHAIN = "tiered"  # the program's chain name (__main__.py)
AUTONAMED = re.compile(r"(?P<logical>.+)-[0-9a-f]{7}")


@dataclass(frozen=True)
class Ec2Rule:
    """One rule as EC2 reports it; ``peer`` is a CIDR, a prefix list or ``group:<logical>``."""

    egress: bool
    protocol: str
    from_port: int
    to_port: int
    peer: str
    description: str


class Ec2View:
    """Security groups and rules in the emulator's region, as boto3 reads them."""

    def __init__(self, ec2: Any) -> None:
        self.ec2 = ec2

    def default_vpc(self) -> str:
        vpcs = self.ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
        return str(vpcs[0]["VpcId"])

    def default_group(self, vpc_id: str) -> dict[str, Any]:
        filters = [
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
        (group,) = self.ec2.describe_security_groups(Filters=filters)["SecurityGroups"]
        return dict(group)

    def groups(self) -> list[dict[str, Any]]:
        return list(self.ec2.describe_security_groups()["SecurityGroups"])

    def group_names(self) -> list[str]:
        return sorted(str(g["GroupName"]) for g in self.groups())

    def chain_groups(self) -> dict[str, dict[str, Any]]:
        """Logical name -> group, for every auto-named group; fails on duplicates."""
        found: dict[str, dict[str, Any]] = {}
        for group in self.groups():
            match = AUTONAMED.fullmatch(group["GroupName"])
            if match is None:
                continue
            logical = match["logical"]
            assert logical not in found, f"two groups named {logical}-*: a duplicate"
            found[logical] = group
        return found

    def rule_records(self, group_id: str) -> list[dict[str, Any]]:
        filters = [{"Name": "group-id", "Values": [group_id]}]
        reply = self.ec2.describe_security_group_rules(Filters=filters)
        return list(reply["SecurityGroupRules"])

    def rule_ids(self, group_id: str, *, egress: bool | None = None) -> set[str]:
        """Ids of the group's rules (only one direction's with ``egress``)."""
        return {
            str(r["SecurityGroupRuleId"])
            for r in self.rule_records(group_id)
            if egress is None or bool(r["IsEgress"]) == egress
        }

    def all_rule_ids(self) -> set[str]:
        rules = self.ec2.describe_security_group_rules()["SecurityGroupRules"]
        return {str(r["SecurityGroupRuleId"]) for r in rules}

    def rules(self, group_id: str, names: Mapping[str, str] | None = None) -> list[Ec2Rule]:
        """The group's rules; ``names`` (group id -> logical name) labels group peers."""
        return list(self.rules_by_id(group_id, names).values())

    def rules_by_id(
        self, group_id: str, names: Mapping[str, str] | None = None
    ) -> dict[str, Ec2Rule]:
        """Rule id -> rule, for the group's rules."""
        pairs = self._pair_descriptions(group_id)
        return {
            str(record["SecurityGroupRuleId"]): _rule(record, names or {}, pairs)
            for record in self.rule_records(group_id)
        }

    def _pair_descriptions(self, group_id: str) -> dict[tuple[Any, ...], str]:
        """moto gap: DescribeSecurityGroupRules drops the description of a rule that references
        a group (EC2 returns it); DescribeSecurityGroups keeps it in the permission's pair."""
        (group,) = self.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
        found: dict[tuple[Any, ...], str] = {}
        for egress, key in ((False, "IpPermissions"), (True, "IpPermissionsEgress")):
            for permission in group.get(key) or []:
                for pair in permission.get("UserIdGroupPairs") or []:
                    ports = (permission.get("FromPort", -1), permission.get("ToPort", -1))
                    rule_key = (egress, permission["IpProtocol"], *ports, pair["GroupId"])
                    found[rule_key] = str(pair.get("Description", ""))
        return found

    def chain_rules(self) -> dict[str, list[Ec2Rule]]:
        """Logical group name -> its rules, for every auto-named group."""
        groups = self.chain_groups()
        names = {g["GroupId"]: logical for logical, g in groups.items()}
        return {logical: self.rules(g["GroupId"], names) for logical, g in groups.items()}

    def rule_tags(self, group_id: str) -> list[dict[str, str]]:
        return [_tags(r.get("Tags")) for r in self.rule_records(group_id)]


def _rule(
    record: Mapping[str, Any], names: Mapping[str, str], pairs: Mapping[tuple[Any, ...], str]
) -> Ec2Rule:
    egress, protocol = bool(record["IsEgress"]), str(record["IpProtocol"])
    from_port, to_port = int(record.get("FromPort", -1)), int(record.get("ToPort", -1))
    referenced = (record.get("ReferencedGroupInfo") or {}).get("GroupId")
    description = record.get("Description")
    peer = record.get("CidrIpv4") or record.get("CidrIpv6") or record.get("PrefixListId")
    if referenced:
        peer = f"group:{names.get(referenced, referenced)}"
        if description is None:
            description = pairs.get((egress, protocol, from_port, to_port, referenced))
    return Ec2Rule(egress, protocol, from_port, to_port, str(peer), str(description or ""))


def tags_of(resource: Mapping[str, Any]) -> dict[str, str]:
    return _tags(resource.get("Tags"))


def _tags(tags: object) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tags or []} if isinstance(tags, list) else {}


@dataclass(frozen=True)
class PlannedGroup:
    """One group of the program's plan: what EC2 should show for it."""

    description: str
    tags: dict[str, str]
    rules: frozenset[Ec2Rule]


def planned_chain(config: Mapping[str, object]) -> dict[str, PlannedGroup]:
    """Logical group name -> the group the program plans for this stack config (the same
    parsing and planning __main__.py runs), in EC2's terms."""
    spec = parse_config(config).spec
    planned: dict[str, PlannedGroup] = {}
    for group in plan_chain(CHAIN, spec).validate().values():
        rules = frozenset(
            Ec2Rule(
                egress=rule.direction is Direction.EGRESS,
                protocol="-1" if rule.port.is_all_traffic else rule.port.protocol.value,
                from_port=-1 if rule.port.aws_from_port is None else rule.port.aws_from_port,
                to_port=-1 if rule.port.aws_to_port is None else rule.port.aws_to_port,
                peer=(
                    f"group:{CHAIN}-{rule.peer.value}"
                    if rule.peer.kind is PeerKind.GROUP and rule.peer.group_id is None
                    else str(rule.peer.group_id or rule.peer.value)
                ),
                description=rule.description,
            )
            for rule in group.rules
        )
        planned[group.name] = PlannedGroup(group.description, dict(group.tags), rules)
    return planned
