"""sg-tier-isolation: a tier past the first accepts only its predecessor tier's group (and the
chain's admin group on admin ports), as the tiered-sg components' tags describe the chain.

The first tier (position 0) is not judged: it may accept the internet, CIDRs and existing groups
outside the stack (a load balancer's). A later tier accepting a group outside the stack is a
breach: that group is not its predecessor."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from pulumi_policy import EnforcementLevel, Severity

from ..exposure import format_ports, uncovered
from ..fields import as_integer
from ..findings import Finding
from ..model import TCP, UDP, NormalizedRule, describe_traffic
from ..policy_record import PolicyRecord
from ..policy_settings import PolicyConfig, PortsSetting, TagKeys, TagKeysSetting
from ..stack_findings import RECHECK, rule_location
from ..stack_graph import StackGraph
from ..stack_resources import Group, ResolvedRule

Verdict = Literal["ok", "pending", "offending"]
TAG_KEYS: Final = TagKeysSetting(
    "tagKeys", "Tag keys naming a group's chain, tier, position and role."
)
ADMIN_PORTS: Final = PortsSetting(
    "adminPorts", "Ports on which every tier may accept its chain's admin group.", (22,)
)


def check(graph: StackGraph, config: PolicyConfig) -> list[Finding]:
    admin_ports = ADMIN_PORTS.read(config)
    keys = TAG_KEYS.read(config)
    findings: list[Finding] = []
    chains: dict[str, dict[int, Group]] = defaultdict(dict)
    admins: dict[str, Group] = {}
    for group in graph.groups.values():
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

    unresolved = _unresolved_by_tier(graph, keys)
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
                admin_ports,
            )
            for rule in _rules_for_tier(graph, group, keys, unresolved):
                findings += context.judge(rule)
    return findings


TierTags = tuple[str | None, ...]


def _tier_tags(tags: Mapping[str, str], keys: TagKeys) -> TierTags:
    return tuple(tags.get(k) for k in (keys.chain, keys.tier, keys.position))


def _unresolved_by_tier(graph: StackGraph, keys: TagKeys) -> Mapping[TierTags, list[ResolvedRule]]:
    """Unresolved rules by their tiered-sg tags, built once: matching them to each tiered group
    by scanning them all was O(groups x unresolved rules) when ids are unknown."""
    grouped: dict[TierTags, list[ResolvedRule]] = defaultdict(list)
    for rule in graph.undetermined():  # a rule on a group outside the stack is on no tier
        grouped[_tier_tags(rule.tags, keys)].append(rule)
    return grouped


def _rules_for_tier(
    graph: StackGraph,
    group: Group,
    keys: TagKeys,
    unresolved: Mapping[TierTags, list[ResolvedRule]],
) -> list[ResolvedRule]:
    """The group's rules, plus unresolved rule resources whose tiered-sg tags name this group."""
    mine = list(graph.rules_of(group.urn))
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
        where = rule_location(resolved)
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


POLICY: Final = PolicyRecord(
    name="sg-tier-isolation",
    description="A tier past the first must accept only its predecessor tier's group (and the "
    "admin group on admin ports).",
    level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation="Make the predecessor tier's group the only source of the tier's ingress rules.",
    settings=(TAG_KEYS, ADMIN_PORTS),
    on_stack=check,
)
