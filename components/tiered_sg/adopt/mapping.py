"""Work out the chain a VPC's groups form, or say precisely what does not fit it.

The chain model: the entry group accepts public CIDRs on its ports; each next group accepts
only the group before it; an optional admin group accepts named CIDRs on admin ports and every
tier accepts it on those ports; tiers may send to CIDRs (extra egress). The result is stack
config for the program plus ``adopt`` (child name -> id), matched against the program's own
plan, so every adopted id sits under the very name the program registers. Planned rules AWS
lacks (the egress twin of an ingress from a group) are listed as what the first up adds.
"""

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Optional

from tiered_sg.adopt.inventory import AwsRule, Inventory
from tiered_sg.chain import plan_chain
from tiered_sg.chain_spec import ADMIN
from tiered_sg.errors import TieredSgError
from tiered_sg.naming import rule_name
from tiered_sg.peers import MAX_LABEL, Peer, PeerKind
from tiered_sg.ports import Port
from tiered_sg.rules import Direction, reaches
from tiered_sg.stack_config import NAMESPACE, parse_config

ADMIN_PORTS = frozenset({Port.service("ssh"), Port.service("rdp"), Port.tcp(23)})
"""Ports that are admin access, never open to the world (the pack's sg-no-public-admin-ports)."""
_LABEL = re.compile(r"[a-z][a-z0-9_.-]*")


@dataclass(frozen=True)
class Misfit:
    """Something the chain cannot hold: what, why, and what the user can do."""

    subject: str
    reason: str
    fix: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.reason}; {self.fix}"


@dataclass
class ChainMap:
    """The mapping: stack config (``tiered-sg:*`` keys), what the first up adds, notes."""

    config: dict[str, object]
    adopted: dict[str, str]
    additions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class UnmappableError(Exception):
    """The VPC cannot be mapped; ``misfits`` says why, each with its fix."""

    def __init__(self, misfits: Sequence[Misfit]) -> None:
        self.misfits = tuple(misfits)
        super().__init__(f"{len(misfits)} rule(s) or group(s) do not fit the chain")


def map_chain(
    inventory: Inventory,
    chain: str = "tiered",
    *,
    leave_out: Iterable[str] = (),
    tier_names: Optional[Sequence[str]] = None,
) -> ChainMap:
    """The chain of ``inventory``; rules in ``leave_out`` stay unmanaged (exclusive rules off)."""
    return _Mapper(inventory, chain, set(leave_out), tier_names).run()


def _leave_out_fix(rule: AwsRule) -> str:
    return f"or pass --leave-out {rule.id} to keep it in AWS unmanaged (exclusiveRules turns off)"


class _Mapper:
    def __init__(
        self,
        inventory: Inventory,
        chain: str,
        leave_out: set[str],
        tier_names: Optional[Sequence[str]],
    ) -> None:
        self.inv = inventory
        self.chain = chain
        self.leave_out = leave_out
        self.tier_names = tier_names
        self.groups = {g.id: g for g in inventory.groups}
        self.misfits: list[Misfit] = []
        self.notes: list[str] = []

    def run(self) -> ChainMap:
        unknown = self.leave_out - {r.id for r in self.inv.rules}
        for rule_id in sorted(unknown):
            self._misfit(f"--leave-out {rule_id}", "is no rule of this VPC", "check the id")
        rules = [r for r in self.inv.rules if r.id not in self.leave_out]
        rules = self._usable(rules)
        members = [g for g in self.inv.groups if not g.is_default]
        ingress = [r for r in rules if not r.egress]
        edges = [r for r in ingress if r.peer_kind == "group"]
        sources = {r.group_id for r in ingress if r.peer_kind == "cidr"}
        admin, entry = self._roles(sources, edges)
        tiers = self._walk(entry, admin, edges) if entry else []
        chained = set(tiers) | ({admin} if admin else set())
        for group in members:
            if group.id not in chained:
                touching = [r for r in rules if group.id in (r.group_id, r.peer)]
                if any(r.peer_kind == "group" for r in touching):
                    self._misfit(
                        f"group {group.id} ({group.name})",
                        "is linked to the chain but is not one of its tiers",
                        "remove its links, or make it a tier of the chain",
                    )
                else:
                    self.notes.append(
                        f"group {group.id} ({group.name}) is no part of the chain: left as it is"
                    )
        if self.misfits:
            raise UnmappableError(self.misfits)
        if not tiers:
            raise UnmappableError(
                [
                    Misfit(
                        f"VPC {self.inv.vpc_id}",
                        "holds no group accepting traffic from CIDRs",
                        "map a VPC holding the chain",
                    )
                ]
            )
        names = self._names(tiers)
        config = self._config(tiers, names, admin, rules)
        if self.misfits:
            raise UnmappableError(self.misfits)
        return self._adopt(config, tiers, names, admin, rules)

    # -- checks ------------------------------------------------------------------------------

    def _misfit(self, subject: str, reason: str, fix: str) -> None:
        self.misfits.append(Misfit(subject, reason, fix))

    def _rule_misfit(self, rule: AwsRule, reason: str, fix: str) -> None:
        self._misfit(f"rule {rule.shown(self.groups)}", reason, f"{fix}, {_leave_out_fix(rule)}")

    def _usable(self, rules: list[AwsRule]) -> list[AwsRule]:
        """Rules of chain candidates the model can hold at all; the default group's AWS-made
        rules are left alone, any other rule on it is a misfit."""
        kept: list[AwsRule] = []
        for rule in rules:
            owner = self.groups.get(rule.group_id)
            if owner is None:
                continue
            if owner.is_default:
                if not _aws_default_rule(rule):
                    self._rule_misfit(
                        rule,
                        "is on the VPC's default group, which the chain does not manage",
                        "move it to a tier group, or revoke it (closeDefaultGroup does that)",
                    )
                continue
            if rule.port is None:
                self._rule_misfit(
                    rule,
                    "uses a protocol the chain's ports cannot name",
                    "revoke it, or manage it outside the chain",
                )
            elif rule.peer_kind == "prefix-list":
                self._rule_misfit(
                    rule,
                    "names a prefix list, which chain tiers do not take",
                    "replace it with the CIDRs",
                )
            elif rule.peer_kind == "group" and rule.peer not in self.groups:
                self._rule_misfit(
                    rule,
                    "references a group outside this VPC",
                    "reference a group of this VPC instead",
                )
            elif rule.peer_kind == "group" and self.groups[rule.peer].is_default:
                self._rule_misfit(
                    rule, "references the VPC's default group", "reference a tier's group instead"
                )
            elif rule.peer_kind == "group" and rule.peer == rule.group_id:
                self._rule_misfit(
                    rule, "references its own group: a cycle the chain cannot hold", "revoke it"
                )
            else:
                kept.append(rule)
        return kept

    def _roles(
        self, sources: set[str], edges: list[AwsRule]
    ) -> tuple[Optional[str], Optional[str]]:
        """(admin, entry): the admin group is the CIDR-fed group that reaches another CIDR-fed
        group, which is then the entry."""
        admins = sorted({r.peer for r in edges if r.peer in sources and r.group_id in sources})
        if len(admins) > 1:
            self._misfit(
                "groups " + ", ".join(admins),
                "several CIDR-fed groups reach other "
                "CIDR-fed groups, and a chain has one admin group",
                "keep one admin group",
            )
            return None, None
        admin = admins[0] if admins else None
        entries = sorted(sources - {admin} if admin else sources)
        if len(entries) > 1:
            self._misfit(
                "groups " + ", ".join(entries),
                "several groups accept CIDRs, and only "
                "the entry tier (and the admin group) of a chain do",
                "map one chain per stack: remove the CIDR rules of all but the entry",
            )
            return admin, None
        return admin, entries[0] if entries else None

    def _walk(self, entry: str, admin: Optional[str], edges: list[AwsRule]) -> list[str]:
        """Tiers in traffic order; a branch, a cycle or a skipped tier is a misfit."""
        tiers = [entry]
        while True:
            nexts = sorted({r.group_id for r in edges if r.peer == tiers[-1] and r.peer != admin})
            back = [g for g in nexts if g in tiers]
            for group in back:
                rule = next(r for r in edges if r.peer == tiers[-1] and r.group_id == group)
                self._rule_misfit(
                    rule,
                    "points back up the chain: a cycle",
                    "revoke it (each tier accepts only the tier before it)",
                )
            ahead = [g for g in nexts if g not in tiers]
            if len(ahead) > 1:
                self._misfit(
                    f"group {tiers[-1]}",
                    f"is accepted by several groups ({', '.join(ahead)}): a branch, not a chain",
                    "map one branch, and revoke the others' rules from it",
                )
                return tiers
            if not ahead:
                return tiers
            tiers.append(ahead[0])

    # -- config ------------------------------------------------------------------------------

    def _names(self, tiers: list[str]) -> list[str]:
        if self.tier_names is not None:
            if len(self.tier_names) != len(tiers):
                raise UnmappableError(
                    [
                        Misfit(
                            "--tiers",
                            ",".join(self.tier_names),
                            f"name all {len(tiers)} tiers, in traffic order",
                        )
                    ]
                )
            return list(self.tier_names)
        names: list[str] = []
        for position, group_id in enumerate(tiers):
            slug = re.sub(r"[^a-z0-9_-]+", "-", self.groups[group_id].name.lower())
            slug = re.sub(r"(^sg-|^ec2-|-sg$|_sg$|-security-group$)", "", slug).strip("-_")
            ok = _LABEL.fullmatch(slug) and len(slug) <= 20 and slug not in [*names, ADMIN]
            names.append(slug if ok else f"tier{position}")
        return names

    def _config(
        self, tiers: list[str], names: list[str], admin: Optional[str], rules: list[AwsRule]
    ) -> dict[str, object]:
        public: dict[str, set[Port]] = {}
        for rule in rules:
            if rule.group_id == tiers[0] and not rule.egress and rule.peer_kind == "cidr":
                assert rule.port is not None
                if _world(rule.peer) and rule.port in ADMIN_PORTS:
                    self._rule_misfit(
                        rule,
                        "opens an admin port to the whole internet",
                        "narrow it to your own range (then map again)",
                    )
                    continue
                public.setdefault(rule.peer, set()).add(rule.port)
        entry_ports = _ordered(set().union(*public.values())) if public else []
        for cidr, ports in public.items():
            missing = [p for p in entry_ports if p not in ports and reaches(p, _peer(cidr))]
            if missing:
                odd = [
                    r for r in rules if r.group_id == tiers[0] and r.peer == cidr and not r.egress
                ]
                for rule in odd:
                    self._rule_misfit(
                        rule,
                        f"gives {cidr} only some of the entry tier's ports "
                        f"(not {', '.join(map(_port_text, missing))}); the entry "
                        "tier takes each public CIDR on all its ports",
                        "give it the same ports as the others, or revoke it "
                        "(admin access belongs in an admin group)",
                    )
        tier_config: list[dict[str, object]] = []
        for position, (group_id, name) in enumerate(zip(tiers, names, strict=True)):
            tier: dict[str, object] = {"name": name}
            if position == 0:
                tier["ports"] = [_port_text(p) for p in entry_ports]
            else:
                tier["ports"] = [
                    _port_text(p)
                    for p in _ordered(
                        {
                            r.port
                            for r in rules
                            if r.group_id == group_id
                            and not r.egress
                            and r.peer == tiers[position - 1]
                            and r.port is not None
                        }
                    )
                ]
            egress = self._egress(group_id, rules, tiers, admin)
            if egress:
                tier["egress"] = egress
            tier_config.append(tier)
        self._stray(tiers, admin, rules)
        config: dict[str, object] = {
            "vpcId": self.inv.vpc_id,
            "tiers": tier_config,
            "publicIpv4Cidrs": sorted(c for c in public if ":" not in c),
            "publicIpv6Cidrs": sorted(c for c in public if ":" in c),
        }
        if admin is not None:
            config.update(self._admin(admin, tiers, rules))
        if self.leave_out:
            config["exclusiveRules"] = False
        return config

    def _egress(
        self, group_id: str, rules: list[AwsRule], tiers: list[str], admin: Optional[str]
    ) -> list[dict[str, object]]:
        by_cidr: dict[str, set[Port]] = {}
        descriptions: dict[str, str] = {}
        for rule in rules:
            if rule.group_id != group_id or not rule.egress or rule.peer_kind != "cidr":
                continue
            assert rule.port is not None
            by_cidr.setdefault(rule.peer, set()).add(rule.port)
            descriptions.setdefault(rule.peer, rule.description)
        grouped: dict[tuple[Port, ...], list[str]] = {}
        for cidr, ports in sorted(by_cidr.items()):
            grouped.setdefault(tuple(_ordered(ports)), []).append(cidr)
        return [
            {"ports": [_port_text(p) for p in ports], "cidrs": cidrs}
            for ports, cidrs in grouped.items()
        ]

    def _stray(self, tiers: list[str], admin: Optional[str], rules: list[AwsRule]) -> None:
        """Rules of chain groups the chain has no place for."""
        position = {g: i for i, g in enumerate(tiers)}
        for rule in rules:
            if rule.group_id not in position and rule.group_id != admin:
                continue
            at = position.get(rule.group_id)
            if rule.group_id == admin:
                fits = (not rule.egress and rule.peer_kind == "cidr") or (
                    rule.egress and rule.peer in position
                )
                why = "the admin group only accepts its CIDRs and reaches the tiers"
            elif rule.egress:
                fits = rule.peer_kind == "cidr" or (
                    rule.peer in position and position[rule.peer] == (at or 0) + 1
                )
                why = "a tier sends only to the next tier and to CIDRs (extra egress)"
            else:
                fits = (
                    (rule.peer_kind == "cidr" and at == 0)
                    or rule.peer == admin
                    or (rule.peer in position and position[rule.peer] == (at or 0) - 1)
                )
                why = (
                    "only the entry tier accepts CIDRs"
                    if rule.peer_kind == "cidr"
                    else "a tier accepts only the tier before it and the admin group"
                )
            if not fits:
                self._rule_misfit(rule, why, "revoke it or recreate it where the chain has it")

    def _admin(self, admin: str, tiers: list[str], rules: list[AwsRule]) -> dict[str, object]:
        cidrs: dict[str, set[Port]] = {}
        labels: dict[str, str] = {}
        for rule in rules:
            if rule.group_id == admin and not rule.egress and rule.peer_kind == "cidr":
                assert rule.port is not None
                if _world(rule.peer):
                    self._rule_misfit(
                        rule,
                        "opens the admin group to the whole internet",
                        "narrow it to your own range (then map again)",
                    )
                    continue
                cidrs.setdefault(rule.peer, set()).add(rule.port)
                labels.setdefault(rule.peer, rule.description)
        ports = _ordered(set().union(*cidrs.values())) if cidrs else []
        for tier in tiers:
            reached = {
                r.port for r in rules if r.group_id == tier and r.peer == admin and not r.egress
            }
            if reached != set(ports):
                name = self.groups[tier].name
                self._misfit(
                    f"admin group {admin}",
                    f"reaches {name} ({tier}) on "
                    f"{sorted(map(str, reached - {None}))}, not on its admin ports "
                    f"{[str(p) for p in ports]}; the chain gives admin every tier on "
                    "the same ports",
                    "add or revoke rules by hand so they match",
                )
        names: dict[str, str] = {}
        for position, cidr in enumerate(sorted(cidrs)):
            label = re.sub(r"[^a-z0-9_.-]+", "-", labels[cidr].lower()).strip("-.")[:MAX_LABEL]
            if not _LABEL.fullmatch(label) or label in names:
                label = f"admin{position + 1}"
            names[label] = cidr
        return {"adminCidrs": names, "adminPorts": [_port_text(p) for p in ports]}

    # -- adoption ids --------------------------------------------------------------------------

    def _adopt(
        self,
        config: dict[str, object],
        tiers: list[str],
        names: list[str],
        admin: Optional[str],
        rules: list[AwsRule],
    ) -> ChainMap:
        values = {f"{NAMESPACE}:{key}": value for key, value in config.items()}
        try:
            spec = parse_config(values).spec
            plans = plan_chain(self.chain, spec).validate()
        except TieredSgError as err:
            raise UnmappableError(
                [
                    Misfit(
                        "the mapped config", str(err), "adjust the groups or --tiers and map again"
                    )
                ]
            ) from None
        group_of = {name: gid for name, gid in zip(names, tiers, strict=True)}
        if admin is not None:
            group_of[ADMIN] = admin
        index: dict[tuple[str, bool, Port, str], AwsRule] = {}
        for aws_rule in rules:
            assert aws_rule.port is not None
            peer_id = aws_rule.peer
            if aws_rule.peer_kind == "cidr":
                peer_id = _canonical(peer_id)
            index[(aws_rule.group_id, aws_rule.egress, aws_rule.port, peer_id)] = aws_rule
        adopted: dict[str, str] = {}
        additions: list[str] = []
        for planned, plan in plans.items():
            adopted[plan.name] = group_of[planned]
            for rule in plan.rules:
                peer = (
                    group_of[rule.peer.value]
                    if rule.peer.kind is PeerKind.GROUP
                    else rule.peer.value
                )
                key = (group_of[planned], rule.direction is Direction.EGRESS, rule.port, peer)
                found = index.pop(key, None)
                child = rule_name(plan.name, rule)
                if found is None:
                    additions.append(child)
                else:
                    adopted[child] = found.id
        for left in index.values():  # a rule the config would drop: never silently
            self._rule_misfit(left, "has no place in the mapped chain", "revoke it")
        if self.misfits:
            raise UnmappableError(self.misfits)
        config["adopt"] = adopted
        notes = list(self.notes)
        notes += [
            f"rule {r} is left out of management (exclusiveRules off)"
            for r in sorted(self.leave_out)
        ]
        return ChainMap(config, adopted, additions, notes)


def _aws_default_rule(rule: AwsRule) -> bool:
    """The default group's own rules: ingress from itself, egress to the world, all traffic."""
    if rule.port is None or not rule.port.is_all_traffic:
        return False
    if rule.egress:
        return rule.peer in ("0.0.0.0/0", "::/0")
    return rule.peer == rule.group_id


def _world(cidr: str) -> bool:
    return ipaddress.ip_network(cidr, strict=False).prefixlen == 0


def _canonical(cidr: str) -> str:
    return str(ipaddress.ip_network(cidr, strict=False))


def _peer(cidr: str) -> Peer:
    return Peer.cidr(cidr)


def _ordered(ports: Iterable[Port]) -> list[Port]:
    return sorted(ports, key=lambda p: (p.protocol.value, p.from_port, p.to_port))


def _port_text(port: Port) -> str:
    return port.service_name or str(port)
