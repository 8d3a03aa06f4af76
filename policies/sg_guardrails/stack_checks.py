"""Stack policies as pure functions: (topology, config) -> findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from .config import TagKeys, check_known_keys, read_max_rules, read_tier_settings
from .exposure import format_ports, uncovered
from .fields import as_integer, network
from .findings import Finding
from .model import TCP, UDP, Direction, NormalizedRule, describe_traffic
from .topology import Group, ResolvedRule, Topology, atoms

Verdict = Literal["ok", "pending", "offending"]
RECHECK: Final = "is checked again at `pulumi up`, when ids are known"
_LIST_FIELDS: Final = frozenset({"cidrBlocks", "ipv6CidrBlocks"})


def _where(rule: ResolvedRule) -> str:
    if rule.style == "inline":
        return f"inline rule {rule.rule.origin} of '{rule.resource_name}'"
    return f"rule '{rule.resource_name}'"


def _report_urn(group: Group, rules: Iterable[ResolvedRule]) -> str | None:
    """A real URN to attach a group finding to (a VPC's default group has none of its own)."""
    if not group.synthetic:
        return group.urn
    return next((r.resource_urn for r in rules), None)


def default_group_attached(topology: Topology, config: Mapping[str, Any]) -> list[Finding]:
    """Rule resources attached to a default group (inline rules are judged per resource)."""
    check_known_keys("sg-default-group-closed", config)
    defaults = {urn for urn, group in topology.groups.items() if group.is_default}
    findings: list[Finding] = []
    for rule in topology.rules:
        if rule.style != "resource":
            continue
        if rule.group_urn in defaults:
            group = topology.groups[rule.group_urn]
            findings.append(
                Finding(
                    f"Security group rule '{rule.resource_name}' attaches {rule.describe()} "
                    f"to the default security group ('{group.name}'). The default group must "
                    "allow no traffic (AWS Security Hub EC2.2): anything launched without a group "
                    "lands in it. Fix: attach the rule to a dedicated security group.",
                    urn=rule.resource_urn,
                )
            )
        elif rule.group_urn is None and defaults:
            findings.append(
                Finding(
                    f"Security group rule '{rule.resource_name}': its group could not be "
                    f"identified ({rule.via}); whether it is attached to a default group "
                    f"{RECHECK}.",
                    urn=rule.resource_urn,
                    note=True,
                )
            )
    return findings


def no_mixed_rule_styles(topology: Topology, config: Mapping[str, Any]) -> list[Finding]:
    check_known_keys("sg-no-mixed-rule-styles", config)
    findings: list[Finding] = []
    by_group: dict[str, list[ResolvedRule]] = defaultdict(list)
    for rule in topology.rules:
        if rule.group_urn is not None:
            by_group[rule.group_urn].append(rule)
    with_inline: list[str] = []
    for urn, rules in by_group.items():
        inline = [r for r in rules if r.style == "inline"]
        attached = [r for r in rules if r.style == "resource"]
        if inline:
            with_inline.append(urn)
        if not (inline and attached):
            continue
        group = topology.groups[urn]
        inline_list = ", ".join(f"{r.rule.origin} ({r.describe()})" for r in inline)
        attached_list = ", ".join(f"'{r.resource_name}'" for r in attached)
        findings.append(
            Finding(
                f"Security group '{group.name}' declares inline rules ({inline_list}) and also "
                f"has rule resources attached ({attached_list}). The provider then rewrites the "
                "group's rule list on every update and deletes one style's rules. Fix: move "
                "every inline rule to aws.vpc.SecurityGroupIngressRule/SecurityGroupEgressRule "
                "resources and remove ingress/egress from the group.",
                urn=_report_urn(group, rules),
            )
        )
    if with_inline:
        for rule in topology.unresolved():
            if rule.style == "resource":
                findings.append(
                    Finding(
                        f"Security group rule '{rule.resource_name}': its group could not be "
                        f"identified ({rule.via}); whether it joins a group that has inline rules "
                        f"{RECHECK}.",
                        urn=rule.resource_urn,
                        note=True,
                    )
                )
    return findings


@dataclass
class _Tally:
    atoms: set[Any]
    uncountable: list[str]


def rule_quota(topology: Topology, config: Mapping[str, Any]) -> list[Finding]:
    """AWS counts rules per group, per direction, per IP family; group/prefix-list peers count
    once in each family. Identical rules are one rule (AWS de-duplicates them)."""
    limit = read_max_rules("sg-rule-quota", config)
    tallies: dict[tuple[str, Direction, int], _Tally] = defaultdict(lambda: _Tally(set(), []))
    unresolved: list[ResolvedRule] = []
    for rule in topology.rules:
        if rule.group_urn is None:
            unresolved.append(rule)
            continue
        if rule.rule.direction is not None:
            _tally(rule, rule.rule.direction, tallies)
            continue
        # Unknown direction: counting it in either direction could invent a violation.
        for direction in ("ingress", "egress"):
            for family in (4, 6):
                tallies[(rule.group_urn, direction, family)].uncountable.append(
                    f"{_where(rule)} (direction unknown)"
                )

    findings: list[Finding] = []
    family_name = {4: "IPv4", 6: "IPv6"}
    highest = 0
    for (urn, direction, family), tally in sorted(tallies.items()):
        count = len(tally.atoms)
        highest = max(highest, count)
        group = topology.groups[urn]
        label = f"{count} {direction} {family_name[family]} rules"
        if count > limit:
            findings.append(
                Finding(
                    f"Security group '{group.name}' has {label}, over the quota of {limit} per "
                    "direction and IP family; AWS rejects the rules past the quota. Fix: merge "
                    "adjacent port ranges or CIDRs, reference a managed prefix list, or split the "
                    "rules across several groups (if your account's quota is higher, set "
                    "maxRulesPerDirection).",
                    urn=_report_urn(group, topology.rules_of(urn)),
                )
            )
        elif tally.uncountable:
            findings.append(
                Finding(
                    f"Security group '{group.name}' has at least {label}; "
                    f"{'; '.join(tally.uncountable)} could not be counted, so the quota of "
                    f"{limit} {RECHECK}.",
                    urn=_report_urn(group, topology.rules_of(urn)),
                    note=True,
                )
            )
    extra = sum(max(1, len(atoms(r))) for r in unresolved)
    if unresolved and highest + extra > limit:
        names = ", ".join(f"'{r.resource_name}' ({r.via})" for r in unresolved)
        findings.append(
            Finding(
                f"Rules {names} could not be matched to their group and were not counted; "
                f"with them a group could exceed the quota of {limit}, which {RECHECK}.",
                note=True,
            )
        )
    return findings


def _tally(
    rule: ResolvedRule, direction: Direction, tallies: dict[tuple[str, Direction, int], _Tally]
) -> None:
    assert rule.group_urn is not None
    for atom in atoms(rule):
        for family in _families(atom):
            tallies[(rule.group_urn, direction, family)].atoms.add(atom)
    for gap in rule.rule.unknowns_for("sources"):
        field = gap.field.split(".")[-1]
        family = 6 if "ipv6" in field.lower() else 4
        if gap.aspect == "rule" or field in _LIST_FIELDS:
            tallies[(rule.group_urn, direction, family)].uncountable.append(
                f"{_where(rule)} ({gap})"
            )
        else:
            # One unknown CIDR is still exactly one rule.
            tallies[(rule.group_urn, direction, family)].atoms.add((rule.resource_urn, str(gap)))


def _families(atom: tuple[Any, ...]) -> tuple[int, ...]:
    if atom[3] == "cidr":
        parsed = network(atom[4])
        return (parsed.version,) if parsed is not None else (4,)
    return (4, 6)  # a group or prefix-list reference counts once in each family


def tier_isolation(topology: Topology, config: Mapping[str, Any]) -> list[Finding]:
    settings = read_tier_settings("sg-tier-isolation", config)
    keys = settings.tag_keys
    findings: list[Finding] = []
    chains: dict[str, dict[int, Group]] = defaultdict(dict)
    admins: dict[str, Group] = {}
    for group in topology.groups.values():
        chain = group.tags.get(keys.chain)
        if chain is None:
            continue
        if group.tags.get(keys.role) == "admin":
            admins[chain] = group
            continue
        raw = group.tags.get(keys.position)
        position = as_integer(raw)
        if position is None or position < 0:
            findings.append(
                Finding(
                    f"Security group '{group.name}' is in chain '{chain}' but its "
                    f"{keys.position} tag is {raw!r}, not a position 0, 1, 2, ...; its isolation "
                    "cannot be verified. Fix: let the tiered-sg component write the tags, or set "
                    "the position tag to the tier's index.",
                    urn=group.urn,
                )
            )
            continue
        if position in chains[chain]:
            other = chains[chain][position]
            findings.append(
                Finding(
                    f"Security groups '{other.name}' and '{group.name}' both claim position "
                    f"{position} in chain '{chain}', so the predecessor of the next tier is "
                    "ambiguous. Fix: give each tier of a chain its own position.",
                    urn=group.urn,
                )
            )
        chains[chain][position] = group

    unresolved = _unresolved_by_tier(topology, keys)
    for chain, tiers in chains.items():
        for position, group in sorted(tiers.items()):
            if position == 0:
                continue
            context = _TierContext(
                group,
                chain,
                position,
                tiers.get(position - 1),
                admins.get(chain),
                settings.admin_ports,
            )
            for rule in _rules_for_tier(topology, group, keys, unresolved):
                findings += context.judge(rule)
    return findings


TierTags = tuple[str | None, ...]


def _tier_tags(tags: Mapping[str, str], keys: TagKeys) -> TierTags:
    return tuple(tags.get(k) for k in (keys.chain, keys.tier, keys.position))


def _unresolved_by_tier(topology: Topology, keys: TagKeys) -> Mapping[TierTags, list[ResolvedRule]]:
    """Unresolved rules by their tiered-sg tags, built once: matching them to each tiered group
    by scanning them all was O(groups x unresolved rules) when ids are unknown."""
    grouped: dict[TierTags, list[ResolvedRule]] = defaultdict(list)
    for rule in topology.unresolved():
        grouped[_tier_tags(rule.tags, keys)].append(rule)
    return grouped


def _rules_for_tier(
    topology: Topology,
    group: Group,
    keys: TagKeys,
    unresolved: Mapping[TierTags, list[ResolvedRule]],
) -> list[ResolvedRule]:
    """The group's rules, plus unresolved rule resources whose tiered-sg tags name this group."""
    mine = list(topology.rules_of(group.urn))
    wanted = _tier_tags(group.tags, keys)
    if None not in wanted:  # a group missing one of the tags claims no unresolved rule
        mine += unresolved.get(wanted, ())
    return mine


@dataclass(frozen=True)
class _TierContext:
    group: Group
    chain: str
    position: int
    predecessor: Group | None
    admin: Group | None
    admin_ports: tuple[int, ...]

    def judge(self, resolved: ResolvedRule) -> list[Finding]:
        rule = resolved.rule
        if rule.direction == "egress":
            return []
        offending: list[str] = []
        pending: list[str] = [str(g) for g in rule.unknowns_for("direction") if g.kind == "unknown"]
        offending += [f"CIDR {cidr}" for cidr in rule.cidrs]
        for gap in rule.unknowns_for("sources"):
            (pending if gap.kind == "unknown" else offending).append(str(gap))
        offending += [f"prefix list {p}" for p in rule.other_sources if p.kind == "prefix-list"]
        for peer in resolved.peers:
            if peer.group_urn is None:
                if peer.peer.value is None:
                    pending.append(f"{peer.peer.field} ({peer.via})")
                else:
                    offending.append(f"group {peer.peer.value} ({peer.via})")
            elif self.predecessor is not None and peer.group_urn == self.predecessor.urn:
                continue
            elif self.admin is not None and peer.group_urn == self.admin.urn:
                verdict, reason = self._admin_traffic(rule)
                if verdict == "pending":
                    pending.append(reason)
                elif verdict == "offending":
                    offending.append(reason)
            else:
                offending.append(_peer_label(peer.group_urn, self.group, resolved))
        where = _where(resolved)
        if offending:
            return [
                Finding(
                    f"{self._label()} accepts {resolved.describe()} through {where}; not allowed: "
                    f"{', '.join(offending)}. A tier past the first may accept only "
                    f"{self._allowed()}. Fix: make the predecessor tier's group the only source "
                    "of this rule (tiered-sg does this for you).",
                    urn=resolved.resource_urn,
                )
            ]
        if pending:
            return [
                Finding(
                    f"{self._label()}: {where} ({resolved.describe()}) has {', '.join(pending)}; "
                    f"whether it accepts only {self._allowed()} {RECHECK}.",
                    urn=resolved.resource_urn,
                    note=True,
                )
            ]
        return []

    def _admin_traffic(self, rule: NormalizedRule) -> tuple[Verdict, str]:
        """The admin group is welcome on admin ports only (tcp/udp, every port of the range)."""
        label = f"the admin group '{self.admin.name if self.admin else ''}'"
        if rule.protocol is None or (rule.protocol in (TCP, UDP) and rule.ports is None):
            return "pending", f"{label} on traffic unknown in preview"
        admin_only = rule.ports is not None and not uncovered(
            rule.ports, frozenset(self.admin_ports)
        )
        if rule.protocol in (TCP, UDP) and admin_only:
            return "ok", ""
        return "offending", f"{label} on {describe_traffic(rule.protocol, rule.ports)}"

    def _label(self) -> str:
        return (
            f"Security group '{self.group.name}' (chain '{self.chain}', position {self.position})"
        )

    def _allowed(self) -> str:
        allowed = (
            f"its predecessor '{self.predecessor.name}'"
            if self.predecessor
            else f"its predecessor (chain '{self.chain}' has no group at position "
            f"{self.position - 1})"
        )
        if self.admin is not None:
            ports = format_ports(self.admin_ports) if self.admin_ports else "no port"
            allowed += f" and the admin group '{self.admin.name}' on admin port(s) {ports}"
        return allowed


def _peer_label(urn: str, group: Group, resolved: ResolvedRule) -> str:
    if urn == group.urn:
        return "itself (self-reference)"
    return f"group '{urn.rsplit('::', 1)[-1]}'"
