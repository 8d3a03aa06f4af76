"""The stack config (``tiered-sg:*`` keys, without the namespace) of a chain found in a VPC.

The entry tier's CIDR rules become the public CIDRs and the entry ports, each next tier's ports
are what it accepts from the tier before, CIDR egress becomes extra egress, and the admin group's
rules become the admin CIDRs (named after their descriptions) and ports. Where the config cannot
say what AWS holds (a CIDR given only some entry ports, admin ports differing per tier) or should
not (an admin port open to the world), the rule is refused rather than silently widened.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Optional

from tiered_sg.adopt.chain_shape import ChainShape
from tiered_sg.adopt.inventory import AwsGroup, AwsRule, is_world_cidr
from tiered_sg.adopt.labels import admin_cidr_names
from tiered_sg.adopt.refusals import Refusals
from tiered_sg.adopt.screening import known_port
from tiered_sg.durations import DEFAULT_DELETE_TIMEOUT
from tiered_sg.group_options import GroupOptions
from tiered_sg.peers import Peer
from tiered_sg.ports import Port
from tiered_sg.rules import reaches

ADMIN_PORTS = frozenset({Port.service("ssh"), Port.service("rdp"), Port.tcp(23)})
"""Ports that are admin access, never open to the world (the pack's sg-no-public-admin-ports)."""


@dataclass(frozen=True)
class EntryAccess:
    """What the entry tier accepts: each public CIDR's ports, and all its ports in order."""

    cidrs: dict[str, set[Port]]
    ports: list[Port]


def entry_access(entry: str, rules: Sequence[AwsRule], refusals: Refusals) -> EntryAccess:
    """The entry tier's public CIDRs and ports; refuses a world-open admin port, and a CIDR
    given only some of the ports (the chain gives every public CIDR all of them)."""
    public: dict[str, set[Port]] = {}
    for rule, port in _cidr_rules(entry, rules, egress=False):
        if is_world_cidr(rule.peer) and port in ADMIN_PORTS:
            refusals.rule(
                rule,
                "opens an admin port to the whole internet",
                "narrow it to your own range (then map again)",
            )
            continue
        public.setdefault(rule.peer, set()).add(port)
    entry_ports = _ordered(set().union(*public.values())) if public else []
    for cidr, ports in public.items():
        missing = [p for p in entry_ports if p not in ports and reaches(p, Peer.cidr(cidr))]
        if missing:
            odd = [r for r in rules if r.group_id == entry and r.peer == cidr and not r.egress]
            for rule in odd:
                refusals.rule(
                    rule,
                    f"gives {cidr} only some of the entry tier's ports "
                    f"(not {', '.join(map(_port_text, missing))}); the entry "
                    "tier takes each public CIDR on all its ports",
                    "give it the same ports as the others, or revoke it "
                    "(admin access belongs in an admin group)",
                )
    return EntryAccess(public, entry_ports)


def admin_access(
    shape: ChainShape,
    rules: Sequence[AwsRule],
    groups: dict[str, AwsGroup],
    refusals: Refusals,
) -> dict[str, object]:
    """``adminCidrs`` and ``adminPorts`` of ``shape.admin``; refuses a world-open admin group,
    and admin access that differs per tier (the chain gives admin every tier on one port set)."""
    admin = shape.admin
    assert admin is not None
    cidrs: dict[str, set[Port]] = {}
    descriptions: dict[str, str] = {}
    for rule, port in _cidr_rules(admin, rules, egress=False):
        if is_world_cidr(rule.peer):
            refusals.rule(
                rule,
                "opens the admin group to the whole internet",
                "narrow it to your own range (then map again)",
            )
            continue
        cidrs.setdefault(rule.peer, set()).add(port)
        descriptions.setdefault(rule.peer, rule.description)
    ports = _ordered(set().union(*cidrs.values())) if cidrs else []
    for tier in shape.tiers:
        reached = {r.port for r in rules if r.group_id == tier and r.peer == admin and not r.egress}
        if reached != set(ports):
            refusals.add(
                f"admin group {admin}",
                f"reaches {groups[tier].name} ({tier}) on "
                f"{sorted(map(str, reached - {None}))}, not on its admin ports "
                f"{[str(p) for p in ports]}; the chain gives admin every tier on "
                "the same ports",
                "add or revoke rules by hand so they match",
            )
    return {
        "adminCidrs": admin_cidr_names(descriptions),
        "adminPorts": [_port_text(p) for p in ports],
    }


def build_config(
    vpc_id: str,
    shape: ChainShape,
    names: Sequence[str],
    entry: EntryAccess,
    admin: Optional[dict[str, object]],
    rules: Sequence[AwsRule],
    *,
    options: GroupOptions,
) -> dict[str, object]:
    """The config, keys in the order the stack file shows them; the ``options`` only where
    they differ from the defaults (``exclusiveRules`` off when rules were left out)."""
    tiers: list[dict[str, object]] = []
    for position, (group_id, name) in enumerate(zip(shape.tiers, names, strict=True)):
        tier: dict[str, object] = {"name": name}
        if position == 0:
            tier["ports"] = [_port_text(p) for p in entry.ports]
        else:
            accepted = {
                known_port(r)
                for r in rules
                if r.group_id == group_id and not r.egress and r.peer == shape.tiers[position - 1]
            }
            tier["ports"] = [_port_text(p) for p in _ordered(accepted)]
        egress = _extra_egress(group_id, rules)
        if egress:
            tier["egress"] = egress
        tiers.append(tier)
    config: dict[str, object] = {
        "vpcId": vpc_id,
        "tiers": tiers,
        "publicIpv4Cidrs": sorted(c for c in entry.cidrs if ":" not in c),
        "publicIpv6Cidrs": sorted(c for c in entry.cidrs if ":" in c),
    }
    if admin is not None:
        config.update(admin)
    if not options.exclusive_rules:
        config["exclusiveRules"] = False
    if options.delete_timeout != DEFAULT_DELETE_TIMEOUT:
        config["deleteTimeout"] = options.delete_timeout
    return config


def _extra_egress(group_id: str, rules: Sequence[AwsRule]) -> list[dict[str, object]]:
    """A tier's CIDR egress, CIDRs sharing one port set in one entry (fewer, shorter entries)."""
    by_cidr: dict[str, set[Port]] = {}
    for rule, port in _cidr_rules(group_id, rules, egress=True):
        by_cidr.setdefault(rule.peer, set()).add(port)
    grouped: dict[tuple[Port, ...], list[str]] = {}
    for cidr, ports in sorted(by_cidr.items()):
        grouped.setdefault(tuple(_ordered(ports)), []).append(cidr)
    return [
        {"ports": [_port_text(p) for p in ports], "cidrs": cidrs}
        for ports, cidrs in grouped.items()
    ]


def _cidr_rules(
    group_id: str, rules: Iterable[AwsRule], *, egress: bool
) -> Iterator[tuple[AwsRule, Port]]:
    """``group_id``'s rules with a CIDR peer in one direction, each with its port."""
    for rule in rules:
        if rule.group_id == group_id and rule.egress == egress and rule.peer_kind == "cidr":
            yield rule, known_port(rule)


def _ordered(ports: Iterable[Port]) -> list[Port]:
    return sorted(ports, key=lambda p: (p.protocol.value, p.from_port, p.to_port))


def _port_text(port: Port) -> str:
    """The config's spelling: the service name where the port has one (``ssh``, not tcp:22)."""
    return port.service_name or str(port)
