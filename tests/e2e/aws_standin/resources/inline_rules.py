"""Inline ``ingress``/``egress`` lists (SecurityGroup, DefaultSecurityGroup) <-> EC2 permissions.

Both sides are reduced to atoms, one per (protocol, ports, peer, description), the unit EC2
authorizes and revokes. Outputs group atoms back the way the Terraform provider flattens them:
one rule per protocol, port range and description, peers gathered into its lists, the group
itself as ``self``.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from ..ec2api import RegionalEc2
from ..spec import BOOLEAN, INTEGER, STRING, STRING_LIST, ObjectType

PROTOCOL_NAMES = {"all": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
PEER_FIELDS = {  # atom kind -> (inline rule list, IpPermission list, key inside it)
    "cidr": ("cidrBlocks", "IpRanges", "CidrIp"),
    "ipv6": ("ipv6CidrBlocks", "Ipv6Ranges", "CidrIpv6"),
    "prefix": ("prefixListIds", "PrefixListIds", "PrefixListId"),
    "group": ("securityGroups", "UserIdGroupPairs", "GroupId"),
}


class Atom(NamedTuple):
    protocol: str
    from_port: int
    to_port: int
    kind: str
    peer: str
    description: str


def normalize_protocol(protocol: Any) -> str:
    text = str(protocol).strip().lower()
    return PROTOCOL_NAMES.get(text, text)


def _ports(protocol: str, from_port: Any, to_port: Any) -> tuple[int, int]:
    if protocol == "-1":
        return 0, 0
    return int(from_port if from_port is not None else 0), int(
        to_port if to_port is not None else 0
    )


def atoms_from_rules(rules: Sequence[Mapping[str, Any]] | None, own_id: str) -> set[Atom]:
    atoms: set[Atom] = set()
    for rule in rules or []:
        protocol = normalize_protocol(rule.get("protocol", "-1"))
        ports = _ports(protocol, rule.get("fromPort"), rule.get("toPort"))
        description = str(rule.get("description") or "")
        for kind, (field, _, _) in PEER_FIELDS.items():
            for peer in rule.get(field) or []:
                atoms.add(Atom(protocol, *ports, kind, str(peer), description))
        if rule.get("self"):
            atoms.add(Atom(protocol, *ports, "group", own_id, description))
    return atoms


def atoms_from_permissions(permissions: Iterable[Mapping[str, Any]]) -> set[Atom]:
    atoms: set[Atom] = set()
    for permission in permissions:
        protocol = normalize_protocol(permission.get("IpProtocol", "-1"))
        ports = _ports(protocol, permission.get("FromPort"), permission.get("ToPort"))
        for kind, (_, api_list, key) in PEER_FIELDS.items():
            for entry in permission.get(api_list) or []:
                description = str(entry.get("Description") or "")
                atoms.add(Atom(protocol, *ports, kind, str(entry[key]), description))
    return atoms


def permission(atom: Atom) -> dict[str, Any]:
    """The IpPermission that authorizes or revokes exactly this atom."""
    _, api_list, key = PEER_FIELDS[atom.kind]
    entry: dict[str, Any] = {key: atom.peer}
    if atom.description:
        entry["Description"] = atom.description
    result: dict[str, Any] = {"IpProtocol": atom.protocol, api_list: [entry]}
    if atom.protocol != "-1":
        result.update(FromPort=atom.from_port, ToPort=atom.to_port)
    return result


def rules_from_permissions(
    permissions: Iterable[Mapping[str, Any]], own_id: str
) -> list[dict[str, Any]]:
    """The ``ingress``/``egress`` output list for a group's current permissions."""
    grouped: dict[tuple[str, int, int, str], dict[str, Any]] = {}
    for atom in sorted(atoms_from_permissions(permissions)):
        key = (atom.protocol, atom.from_port, atom.to_port, atom.description)
        rule = grouped.setdefault(key, _empty_rule(*key))
        if atom.kind == "group" and atom.peer == own_id:
            rule["self"] = True
        else:
            rule[PEER_FIELDS[atom.kind][0]].append(atom.peer)
    return list(grouped.values())


def _empty_rule(protocol: str, from_port: int, to_port: int, description: str) -> dict[str, Any]:
    rule: dict[str, Any] = {field: [] for field, _, _ in PEER_FIELDS.values()}
    rule.update(
        protocol=protocol, fromPort=from_port, toPort=to_port, description=description, self=False
    )
    return rule


def sync_rules(
    ec2: RegionalEc2,
    group_id: str,
    egress: bool,
    wanted: Sequence[Mapping[str, Any]] | None,
    current: Iterable[Mapping[str, Any]],
) -> None:
    """Make the group's rules in one direction exactly ``wanted``: revoke, then authorize."""
    want = atoms_from_rules(wanted, group_id)
    have = atoms_from_permissions(current)
    direction = "egress" if egress else "ingress"
    stale = sorted(have - want)
    if stale:
        ec2.call(
            f"revoke_security_group_{direction}",
            GroupId=group_id,
            IpPermissions=[permission(a) for a in stale],
        )
    missing = sorted(want - have)
    if missing:
        ec2.call(
            f"authorize_security_group_{direction}",
            GroupId=group_id,
            IpPermissions=[permission(a) for a in missing],
        )


def inline_rule_type(token: str, direction: str) -> ObjectType:
    """The schema object of one inline rule (pulumi-aws's SecurityGroupIngress, ...)."""
    return ObjectType(
        token=token,
        description=f"An inline {direction} rule.",
        properties={
            "cidrBlocks": STRING_LIST,
            "description": STRING,
            "fromPort": INTEGER,
            "ipv6CidrBlocks": STRING_LIST,
            "prefixListIds": STRING_LIST,
            "protocol": STRING,
            "securityGroups": STRING_LIST,
            "self": BOOLEAN,
            "toPort": INTEGER,
        },
        required=("fromPort", "protocol", "toPort"),
    )
