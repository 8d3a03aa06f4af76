"""Stack-wide view of security groups: which group each rule is written on, which groups each
rule names, the stack's VPCs, and the references (owners, adopters) to them. Pure: no SDK
objects, so preflight and benchmarks reuse it.

Feed it one ``ResourceRecord`` per resource (type, urn, props, propertyDependencies,
dependencies), props in any form ``values.plain`` accepts (raw engine JSON with unknown
sentinels and secret envelopes, SDK proxies, or plain dicts)::

    graph = analyze([ResourceRecord(type_, urn, outputs, {"securityGroupId": [group_urn]}, [])])
    for flow in flows(graph):  # sg_guardrails.flows
        print(flow.source.label, "->", flow.destination.label, flow.protocol, flow.ports)

A rule's group is found as ``references.resolve`` finds every target: by a known id (``id`` or
``groupId`` in the group's outputs), through ``propertyDependencies``, through ``dependencies``.
A rule on a VPC's ``defaultSecurityGroupId`` is written on that VPC's default group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any

from .model import NormalizedRule
from .normalize import DEFAULT_SECURITY_GROUP, GROUP_TYPES, RULE_TYPES, normalize_resource
from .references import RULES_EXCLUSIVE, Reference, Resolution, Targets, adopter, owner, resolve
from .rule_atoms import Atom, atoms
from .rule_lists import rule_id
from .stack_resources import (
    DEFAULT_GROUP_SUFFIX,
    VPC_DEFAULT_GROUP_OUTPUT,
    Group,
    ResolvedPeer,
    ResolvedRule,
    ResourceRecord,
    Vpc,
    resource_name,
)
from .values import plain


@dataclass(frozen=True)
class StackGraph:
    """A stack's security groups and every rule resolved to its group (what ``analyze`` returns)."""

    groups: Mapping[str, Group]
    rules: tuple[ResolvedRule, ...]
    # Inline rules dropped because a rule resource on the same group declares the same traffic:
    # the provider reads every rule of a group back into its ``ingress``/``egress`` outputs.
    mirrored: tuple[ResolvedRule, ...] = ()
    owners: tuple[Reference, ...] = ()
    vpcs: tuple[Vpc, ...] = ()
    adopters: tuple[Reference, ...] = ()

    def rules_of(self, group_urn: str) -> tuple[ResolvedRule, ...]:
        return self._rules_by_group.get(group_urn, ())

    def unresolved(self) -> tuple[ResolvedRule, ...]:
        return self._rules_by_group.get(None, ())

    def undetermined(self) -> tuple[ResolvedRule, ...]:
        """Unresolved rules that may still join a group of the stack: not those written on a
        known group outside it, which no later ``pulumi up`` will change."""
        return tuple(r for r in self.unresolved() if r.external_id is None)

    # Built on first use, once: the stack checks ask for one group's rules per group (and per
    # finding), which scanning every rule each time made O(groups x rules). A cached_property
    # works on this frozen dataclass (it writes the instance __dict__, and there are no slots);
    # it is not a field, so it stays out of __eq__ and __repr__.
    @cached_property
    def _rules_by_group(self) -> Mapping[str | None, tuple[ResolvedRule, ...]]:
        """Each group's rules (None: rules whose group is unknown), in ``rules`` order."""
        grouped: dict[str | None, list[ResolvedRule]] = defaultdict(list)
        for rule in self.rules:
            grouped[rule.group_urn].append(rule)
        return MappingProxyType({urn: tuple(rules) for urn, rules in grouped.items()})


def analyze(records: Iterable[ResourceRecord | Sequence[Any]]) -> StackGraph:
    """Index the groups of a stack and resolve every rule (inline or resource) to its group."""
    rows = [r if isinstance(r, ResourceRecord) else ResourceRecord(*r) for r in records]
    groups: dict[str, Group] = {}
    group_targets = Targets("group")
    vpc_targets = Targets("VPC")
    inline_sources: list[tuple[ResourceRecord, Group]] = []
    vpcs: list[Vpc] = []
    for row in rows:
        # ``plain`` only where the props are read here: rule rows, most of a stack, are
        # normalised (which makes its own plain copy) in ``_attached``.
        if row.type in GROUP_TYPES:
            props = plain(row.props)
            group = _group(row, props)
            groups[group.urn] = group
            group_targets.add(group.urn, ids=_ids(props))
            inline_sources.append((row, group))
        elif row.type in VPC_DEFAULT_GROUP_OUTPUT:
            props = plain(row.props)
            default_group = _vpc_default_group(row, props)
            if default_group is not None:
                groups[default_group.urn] = default_group
                # A VPC stands for its default group, known here only through the VPC's output.
                ids = [default_group.group_id]
                group_targets.add(default_group.urn, row.urn, ids, secondary=True)
            vpc = _vpc(row, props)
            vpc_targets.add(vpc.urn, ids=[vpc.vpc_id])
            vpcs.append(vpc)

    attached = [_attached(row, group_targets) for row in rows if row.type in RULE_TYPES]
    owners = [owner(row, group_targets) for row in rows if row.type == RULES_EXCLUSIVE]
    inline = [rule for row, group in inline_sources for rule in _inline(row, group, group_targets)]
    declared = {(r.group_urn, atom) for r in attached for atom in atoms(r)}
    is_mirror = [_mirrors(r, declared) for r in inline]  # once per rule: atoms() is not free
    kept = [r for r, mirror in zip(inline, is_mirror, strict=True) if not mirror]
    mirrored = [r for r, mirror in zip(inline, is_mirror, strict=True) if mirror]
    adopters = [adopter(row, vpc_targets) for row in rows if row.type == DEFAULT_SECURITY_GROUP]
    return StackGraph(
        MappingProxyType(groups),
        tuple(kept + attached),
        tuple(mirrored),
        tuple(owners),
        tuple(vpcs),
        tuple(adopters),
    )


def _vpc(row: ResourceRecord, props: Any) -> Vpc:
    # ``vpcId``: AWS Native's output; the classic provider's VPC id is its ``id``.
    ids = [props.get(k) for k in ("id", "vpcId")] if isinstance(props, Mapping) else []
    vpc_id = next((v for v in ids if isinstance(v, str) and v), None)
    return Vpc(row.urn, row.type, vpc_id)


def _vpc_default_group(row: ResourceRecord, props: Any) -> Group | None:
    if not isinstance(props, Mapping):
        return None
    default_id = props.get(VPC_DEFAULT_GROUP_OUTPUT[row.type])
    return Group(
        urn=row.urn + DEFAULT_GROUP_SUFFIX,
        name=f"default group of {resource_name(row.urn)}",
        resource_type=row.type,
        group_id=default_id if isinstance(default_id, str) else None,
        is_default=True,
        synthetic=True,
    )


def _group(row: ResourceRecord, props: Any) -> Group:
    normalized = normalize_resource(row.type, props, outputs=True)
    assert normalized is not None  # row.type is a group type
    ids = _ids(props)
    return Group(
        urn=row.urn,
        name=resource_name(row.urn),
        resource_type=row.type,
        group_id=ids[0] if ids else None,
        is_default=row.type == DEFAULT_SECURITY_GROUP,
        tags=normalized.tags,
        description=normalized.description,
        inline_rules=normalized.inline_rules,
    )


def _ids(props: Any) -> list[str]:
    if not isinstance(props, Mapping):
        return []
    return [v for v in (props.get("id"), props.get("groupId")) if isinstance(v, str) and v]


def _inline(row: ResourceRecord, group: Group, groups: Targets) -> list[ResolvedRule]:
    return [
        ResolvedRule(
            rule=rule,
            resource_urn=row.urn,
            resource_type=row.type,
            style="inline",
            group_urn=group.urn,
            via="inline",
            peers=_peers(rule, group.urn, row, groups),
            tags=group.tags,
        )
        for rule in group.inline_rules
    ]


def _attached(row: ResourceRecord, groups: Targets) -> ResolvedRule:
    normalized = normalize_resource(row.type, row.props, outputs=True)
    assert normalized is not None  # row.type is a rule type
    rule = normalized.rules[0]
    ref = normalized.group  # the rule's group: securityGroupId / groupId / groupName
    # Peers first: a group the rule names as a peer is no candidate for the group it is on.
    named = _peers(rule, None, row, groups)
    claimed = frozenset(p.group_urn for p in named if p.group_urn is not None)
    found = (
        Resolution(None, "no group id is set")
        if ref is None
        else resolve(ref.value, ref.field, row, groups, claimed=claimed)
    )
    return ResolvedRule(
        rule=rule,
        resource_urn=row.urn,
        resource_type=row.type,
        style="resource",
        group_urn=found.target_urn,
        via=found.via,
        peers=_with_self(named, found.target_urn),
        tags=normalized.tags,
        external_id=found.external_id,
        rule_id=rule_id(row.props),
    )


def _peers(
    rule: NormalizedRule, group_urn: str | None, row: ResourceRecord, groups: Targets
) -> tuple[ResolvedPeer, ...]:
    """The groups ``rule`` names: ``self`` is ``group_urn``, the group the rule is on."""
    peers: list[ResolvedPeer] = []
    for peer in rule.other_sources:
        if peer.kind == "self":
            peers.append(ResolvedPeer(peer, group_urn, "self"))
        elif peer.kind == "group":
            found = resolve(peer.value, peer.field, row, groups, by_dependencies=False)
            peers.append(ResolvedPeer(peer, *found))
    return tuple(peers)


def _with_self(peers: Iterable[ResolvedPeer], group_urn: str | None) -> tuple[ResolvedPeer, ...]:
    return tuple(
        ResolvedPeer(p.peer, group_urn, "self") if p.peer.kind == "self" else p for p in peers
    )


def _mirrors(rule: ResolvedRule, declared: set[tuple[str | None, Atom]]) -> bool:
    mine = atoms(rule)
    return bool(mine) and all((rule.group_urn, atom) in declared for atom in mine)
