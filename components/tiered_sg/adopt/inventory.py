"""A VPC's security groups and rules, read through the EC2 API into plain values."""

import ipaddress
from dataclasses import dataclass
from typing import Any, Optional

from tiered_sg.errors import TieredSgError
from tiered_sg.ports import Port, Protocol

_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


@dataclass(frozen=True)
class AwsGroup:
    id: str
    name: str
    description: str
    is_default: bool = False


@dataclass(frozen=True)
class AwsRule:
    """One rule; ``peer`` is a CIDR, a prefix list id or a group id, per ``peer_kind``."""

    id: str
    group_id: str
    egress: bool
    port: Optional[Port]
    """None for a protocol the chain cannot name (e.g. GRE)."""
    peer_kind: str
    """``cidr``, ``prefix-list`` or ``group``."""
    peer: str
    description: str = ""

    def shown(self, groups: dict[str, AwsGroup]) -> str:
        """``sgr-1 (web-sg ingress tcp:22 from 0.0.0.0/0)`` for messages."""
        owner = groups[self.group_id].name if self.group_id in groups else self.group_id
        way = "egress" if self.egress else "ingress"
        preposition = "to" if self.egress else "from"
        peer = groups[self.peer].name if self.peer in groups else self.peer
        return f"{self.id} ({owner} {way} {self.port or '?'} {preposition} {peer})"


@dataclass(frozen=True)
class Inventory:
    vpc_id: str
    groups: tuple[AwsGroup, ...]
    rules: tuple[AwsRule, ...]


def port_of(protocol: str, from_port: int, to_port: int) -> Optional[Port]:
    """The rule's traffic as a :class:`Port`; None when the chain's ports cannot name it."""
    name = _PROTOCOLS.get(protocol, protocol)
    try:
        if name == "-1":
            return Port.all_traffic()
        return Port(Protocol(name), from_port, to_port)
    except (TieredSgError, ValueError):
        return None


# A rule's CIDR is read leniently (host bits allowed), unlike Peer: it is what AWS holds, not the
# mapper's to refuse. The mapped config is parsed strictly later, naming the key at fault.


def is_world_cidr(cidr: str) -> bool:
    """Whether a rule's CIDR is every address of its family (``/0``)."""
    return ipaddress.ip_network(cidr, strict=False).prefixlen == 0


def canonical_cidr(cidr: str) -> str:
    """A rule's CIDR as plans spell it (``2001:db8::/32``), so AWS's text and the plan's meet."""
    return str(ipaddress.ip_network(cidr, strict=False))


def read_vpc(ec2: Any, vpc_id: str) -> Inventory:
    """Every group of ``vpc_id`` and every rule of those groups (``ec2``: a boto3 EC2 client)."""
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}]
    groups: list[AwsGroup] = []
    for page in ec2.get_paginator("describe_security_groups").paginate(Filters=filters):
        for group in page["SecurityGroups"]:
            groups.append(
                AwsGroup(
                    str(group["GroupId"]),
                    str(group["GroupName"]),
                    str(group.get("Description", "")),
                    group["GroupName"] == "default",
                )
            )
    rules: list[AwsRule] = []
    ids = [group.id for group in groups]
    for start in range(0, len(ids), 200):  # the API takes up to 200 filter values
        chunk = [{"Name": "group-id", "Values": ids[start : start + 200]}]
        for page in ec2.get_paginator("describe_security_group_rules").paginate(Filters=chunk):
            rules.extend(_rule(record) for record in page["SecurityGroupRules"])
    return Inventory(vpc_id, tuple(groups), tuple(sorted(rules, key=lambda r: r.id)))


def _rule(record: dict[str, Any]) -> AwsRule:
    referenced = (record.get("ReferencedGroupInfo") or {}).get("GroupId")
    if referenced:
        kind, peer = "group", str(referenced)
    elif record.get("PrefixListId"):
        kind, peer = "prefix-list", str(record["PrefixListId"])
    else:
        kind, peer = "cidr", str(record.get("CidrIpv4") or record.get("CidrIpv6"))
    return AwsRule(
        str(record["SecurityGroupRuleId"]),
        str(record["GroupId"]),
        bool(record["IsEgress"]),
        port_of(
            str(record["IpProtocol"]),
            int(record.get("FromPort", -1)),
            int(record.get("ToPort", -1)),
        ),
        kind,
        peer,
        str(record.get("Description") or ""),
    )
