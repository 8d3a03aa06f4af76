"""Stack-wide view of security groups: which group owns each rule, which groups each rule names,
and the traffic flows that result. Pure: no SDK objects, so preflight and benchmarks reuse it.

Feed it one ``ResourceRecord`` per resource (type, urn, props, propertyDependencies,
dependencies), props in any form ``values.plain`` accepts (raw engine JSON with unknown
sentinels and secret envelopes, SDK proxies, or plain dicts)::

    graph = analyze([ResourceRecord(type_, urn, outputs, {"securityGroupId": [group_urn]}, [])])
    for flow in flows(graph):
        print(flow.source.label, "->", flow.destination.label, flow.protocol, flow.ports)

Group ids are unknown in preview, so a rule's group is found, in order: by a known id (``id`` or
``groupId`` in the group's outputs); through ``propertyDependencies`` of the id property (the
engine records which resource an input came from); through ``dependencies`` when that leaves a
single group. A rule on a VPC's ``defaultSecurityGroupId`` belongs to that VPC's default group.
A known id that matches nothing is a group outside the stack (``external_id``): never ours.
``aws.ec2.VpcSecurityGroupRulesExclusive`` resources are found the same way (``owners``), and so is
the VPC whose default group an ``aws.ec2.DefaultSecurityGroup`` adopts (``adopters``, through its
``vpcId``, matched against the ids and URNs of the stack's ``vpcs``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Final, Literal, NamedTuple

from .fields import is_world
from .model import (
    ALL,
    EMPTY_TAGS,
    EVERY_PORT,
    Cidr,
    NormalizedRule,
    PeerRef,
    PortRange,
    TrafficDirection,
)
from .normalize import DEFAULT_SECURITY_GROUP, GROUP_TYPES, RULE_TYPES, normalize_resource
from .rule_lists import EMPTY_RULE_LIST, RuleList, rule_id, rule_list
from .values import plain

_NO_DEPENDENCIES: Final[Mapping[str, Sequence[str]]] = MappingProxyType({})

# VPC resources whose outputs name the VPC's default security group.
VPC_DEFAULT_GROUP_OUTPUT: Final[Mapping[str, str]] = {
    "aws:ec2/vpc:Vpc": "defaultSecurityGroupId",
    "aws:ec2/defaultVpc:DefaultVpc": "defaultSecurityGroupId",
    "aws-native:ec2:Vpc": "defaultSecurityGroup",
}
DEFAULT_GROUP_SUFFIX: Final = "#defaultSecurityGroup"
# Owns a group's whole rule set: revokes every rule whose id it does not list. Not a rule.
RULES_EXCLUSIVE: Final = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
_OWNED_GROUP_FIELD: Final = "securityGroupId"
# VPCs the stack creates: AWS gives each a default security group of its own (DefaultVpc adopts
# the region's existing default VPC, which the stack does not create).
CREATED_VPC_TYPES: Final = frozenset({"aws:ec2/vpc:Vpc", "aws-native:ec2:Vpc"})
_ADOPTED_VPC_FIELD: Final = "vpcId"


class ResourceRecord(NamedTuple):
    """One stack resource as the engine describes it to ``AnalyzeStack``."""

    type: str
    urn: str
    props: Any
    property_dependencies: Mapping[str, Sequence[str]] = _NO_DEPENDENCIES
    dependencies: Sequence[str] = ()


def resource_name(urn: str) -> str:
    """The logical name: the URN's last ``::`` segment."""
    return urn.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class Group:
    """A security group. ``synthetic`` groups are VPC default groups seen only via a VPC output."""

    urn: str
    name: str
    resource_type: str
    group_id: str | None
    is_default: bool
    tags: Mapping[str, str] = field(default_factory=lambda: EMPTY_TAGS)
    description: str | None = None
    inline_rules: tuple[NormalizedRule, ...] = ()
    synthetic: bool = False


@dataclass(frozen=True)
class ResolvedPeer:
    """A group named by a rule (``self`` included), and the group it resolved to.

    ``external_id`` is set when the peer is a known id of a group outside the stack."""

    peer: PeerRef
    group_urn: str | None
    via: str
    external_id: str | None = None


RuleStyle = Literal["inline", "resource"]


@dataclass(frozen=True)
class ResolvedRule:
    """A rule and the group it belongs to. ``via`` says how the group was found, or why not;
    ``external_id`` is set when the rule is written on a known group outside the stack;
    ``rule_id`` is a rule resource's AWS rule id, once known."""

    rule: NormalizedRule
    resource_urn: str
    resource_type: str
    style: RuleStyle
    group_urn: str | None
    via: str
    peers: tuple[ResolvedPeer, ...] = ()
    tags: Mapping[str, str] = field(default_factory=lambda: EMPTY_TAGS)
    external_id: str | None = None
    rule_id: str | None = None

    @property
    def resource_name(self) -> str:
        return resource_name(self.resource_urn)

    def describe(self) -> str:
        """The rule as a phrase, naming resolved groups: ``ingress tcp 8080 from group 'web'``."""
        names = {
            p.peer: f"group '{resource_name(p.group_urn)}'"
            for p in self.peers
            if p.group_urn is not None and p.peer.kind == "group"
        }
        return self.rule.describe(names)


@dataclass(frozen=True)
class Owner:
    """An ``aws.ec2.VpcSecurityGroupRulesExclusive``: the resource that owns a group's whole rule
    set, the group it resolved to (``via`` and ``external_id`` as for a rule), and the rules it
    lists (every other rule of the group it revokes)."""

    urn: str
    group_urn: str | None
    via: str
    external_id: str | None = None
    rules: RuleList = EMPTY_RULE_LIST

    @property
    def name(self) -> str:
        return resource_name(self.urn)


@dataclass(frozen=True)
class Vpc:
    """A VPC of the stack: any type of ``VPC_DEFAULT_GROUP_OUTPUT``; ``vpc_id`` once known."""

    urn: str
    resource_type: str
    vpc_id: str | None

    @property
    def name(self) -> str:
        return resource_name(self.urn)

    @property
    def created(self) -> bool:
        """The stack creates it, so AWS creates its default group too."""
        return self.resource_type in CREATED_VPC_TYPES


@dataclass(frozen=True)
class Adopter:
    """An ``aws.ec2.DefaultSecurityGroup``: the resource that adopts a VPC's default group, and
    the VPC it resolved to (``via`` and ``external_id``, a known VPC id outside the stack, as for
    a rule)."""

    urn: str
    vpc_urn: str | None
    via: str
    external_id: str | None = None

    @property
    def name(self) -> str:
        return resource_name(self.urn)


@dataclass(frozen=True)
class StackGraph:
    """A stack's security groups and every rule resolved to its group (what ``analyze`` returns)."""

    groups: Mapping[str, Group]
    rules: tuple[ResolvedRule, ...]
    # Inline rules dropped because a rule resource on the same group declares the same traffic:
    # the provider reads every rule of a group back into its ``ingress``/``egress`` outputs.
    mirrored: tuple[ResolvedRule, ...] = ()
    owners: tuple[Owner, ...] = ()
    vpcs: tuple[Vpc, ...] = ()
    adopters: tuple[Adopter, ...] = ()

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


EndpointKind = Literal["internet", "cidr", "group", "external", "prefix-list", "unresolved"]


@dataclass(frozen=True)
class Endpoint:
    kind: EndpointKind
    label: str
    group_urn: str | None = None


@dataclass(frozen=True)
class Flow:
    """Traffic a rule allows: from ``source`` to ``destination``; ``ports`` for tcp/udp/all."""

    direction: TrafficDirection | None
    group: Endpoint
    peer: Endpoint
    protocol: str | None
    ports: PortRange | None
    rule_urn: str
    origin: str

    @property
    def source(self) -> Endpoint:
        return self.group if self.direction == "egress" else self.peer

    @property
    def destination(self) -> Endpoint:
        return self.peer if self.direction == "egress" else self.group


class _Index:
    """Groups by URN and by id, and which URNs stand for a group (a VPC stands for its default)."""

    def __init__(self) -> None:
        self.groups: dict[str, Group] = {}
        self.by_id: dict[str, str] = {}
        self.stands_for: dict[str, str] = {}

    def add(self, group: Group, alias_urn: str | None = None, ids: Iterable[Any] = ()) -> None:
        self.groups[group.urn] = group
        self.stands_for[alias_urn or group.urn] = group.urn
        for value in ids:
            if isinstance(value, str) and value:
                self.by_id.setdefault(value, group.urn)

    def candidates(self, urns: Iterable[str], exclude: frozenset[str] = frozenset()) -> list[str]:
        """Groups among ``urns``; real groups win over VPC default groups."""
        found = list(dict.fromkeys(self.stands_for[u] for u in urns if u in self.stands_for))
        found = [u for u in found if u not in exclude]
        real = [u for u in found if not self.groups[u].synthetic]
        return real or found


def analyze(records: Iterable[ResourceRecord | Sequence[Any]]) -> StackGraph:
    """Index the groups of a stack and resolve every rule (inline or resource) to its group."""
    rows = [r if isinstance(r, ResourceRecord) else ResourceRecord(*r) for r in records]
    index = _Index()
    inline_sources: list[tuple[ResourceRecord, Group]] = []
    vpcs: list[Vpc] = []
    for row in rows:
        # ``plain`` only where the props are read here: rule rows, most of a stack, are
        # normalised (which makes its own plain copy) in ``_attached``.
        if row.type in GROUP_TYPES:
            props = plain(row.props)
            group = _group(row, props)
            index.add(group, ids=_ids(props))
            inline_sources.append((row, group))
        elif row.type in VPC_DEFAULT_GROUP_OUTPUT:
            props = plain(row.props)
            _add_vpc_default_group(row, props, index)
            vpcs.append(_vpc(row, props))

    attached = [rule for row in rows if row.type in RULE_TYPES for rule in _attached(row, index)]
    owners = [_owner(row, index) for row in rows if row.type == RULES_EXCLUSIVE]
    inline = [rule for row, group in inline_sources for rule in _inline(row, group, index)]
    declared = {(r.group_urn, atom) for r in attached for atom in atoms(r)}
    is_mirror = [_mirrors(r, declared) for r in inline]  # once per rule: atoms() is not free
    kept = [r for r, mirror in zip(inline, is_mirror, strict=True) if not mirror]
    mirrored = [r for r, mirror in zip(inline, is_mirror, strict=True) if mirror]
    vpc_ids = {vpc.vpc_id: vpc.urn for vpc in reversed(vpcs) if vpc.vpc_id is not None}
    vpc_urns = frozenset(vpc.urn for vpc in vpcs)
    adopters = [
        _adopter(row, vpc_ids, vpc_urns) for row in rows if row.type == DEFAULT_SECURITY_GROUP
    ]
    return StackGraph(
        MappingProxyType(index.groups),
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


def _adopter(row: ResourceRecord, vpc_ids: Mapping[str, str], vpc_urns: frozenset[str]) -> Adopter:
    """The VPC a ``DefaultSecurityGroup`` adopts the default group of: by a known ``vpcId``, else
    through ``propertyDependencies`` of ``vpcId``, else through ``dependencies`` when that leaves
    a single VPC (a rule's group is found the same way)."""
    props = plain(row.props)
    value = props.get(_ADOPTED_VPC_FIELD) if isinstance(props, Mapping) else None
    vpc_id = value if isinstance(value, str) and value else None
    if vpc_id is not None and vpc_id in vpc_ids:
        return Adopter(row.urn, vpc_ids[vpc_id], "id")
    deps = row.property_dependencies.get(_ADOPTED_VPC_FIELD, ())
    found = [urn for urn in dict.fromkeys(deps) if urn in vpc_urns]
    if len(found) == 1:
        return Adopter(row.urn, found[0], "propertyDependencies")
    if found:
        return Adopter(row.urn, None, f"{_ADOPTED_VPC_FIELD} depends on several VPCs")
    if vpc_id is not None:
        return Adopter(row.urn, None, f"{vpc_id} is not a VPC of this stack", vpc_id)
    found = [urn for urn in dict.fromkeys(row.dependencies) if urn in vpc_urns]
    if len(found) == 1:
        return Adopter(row.urn, found[0], "dependencies")
    reason = f"{_ADOPTED_VPC_FIELD} is unknown in preview and has no recorded dependency"
    return Adopter(row.urn, None, reason)


def _add_vpc_default_group(row: ResourceRecord, props: Any, index: _Index) -> None:
    """A VPC stands for its default group, known here only through the VPC's output."""
    if not isinstance(props, Mapping):
        return
    default_id = props.get(VPC_DEFAULT_GROUP_OUTPUT[row.type])
    group = Group(
        urn=row.urn + DEFAULT_GROUP_SUFFIX,
        name=f"default group of {resource_name(row.urn)}",
        resource_type=row.type,
        group_id=default_id if isinstance(default_id, str) else None,
        is_default=True,
        synthetic=True,
    )
    index.add(group, alias_urn=row.urn, ids=[default_id])


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


def _inline(row: ResourceRecord, group: Group, index: _Index) -> list[ResolvedRule]:
    return [
        ResolvedRule(
            rule=rule,
            resource_urn=row.urn,
            resource_type=row.type,
            style="inline",
            group_urn=group.urn,
            via="inline",
            peers=tuple(_resolve_peers(rule, group.urn, row, index)),
            tags=group.tags,
        )
        for rule in group.inline_rules
    ]


def _attached(row: ResourceRecord, index: _Index) -> list[ResolvedRule]:
    normalized = normalize_resource(row.type, row.props, outputs=True)
    assert normalized is not None  # row.type is a rule type
    rule = normalized.rules[0]
    owner, via = _resolve(normalized.owner, row, index)
    peers = _resolve_peers(rule, owner, row, index)
    claimed = frozenset(p.group_urn for p in peers if p.group_urn is not None)
    if owner is None and normalized.owner is not None and normalized.owner.value is None:
        owner, via = _from_dependencies(row, index, claimed, via)
    if owner is not None:
        peers = [ResolvedPeer(p.peer, owner, "self") if p.peer.kind == "self" else p for p in peers]
    return [
        ResolvedRule(
            rule=rule,
            resource_urn=row.urn,
            resource_type=row.type,
            style="resource",
            group_urn=owner,
            via=via,
            peers=tuple(peers),
            tags=normalized.tags,
            external_id=_external_id(normalized.owner, owner, index),
            rule_id=rule_id(row.props),
        )
    ]


def _owner(row: ResourceRecord, index: _Index) -> Owner:
    props = plain(row.props)
    value = props.get(_OWNED_GROUP_FIELD) if isinstance(props, Mapping) else None
    ref = PeerRef("group", value if isinstance(value, str) and value else None, _OWNED_GROUP_FIELD)
    group, via = _resolve(ref, row, index)
    if group is None and ref.value is None:
        group, via = _from_dependencies(row, index, frozenset(), via)
    listed = rule_list(props, row.property_dependencies)
    return Owner(row.urn, group, via, _external_id(ref, group, index), listed)


def _external_id(ref: PeerRef | None, resolved: str | None, index: _Index) -> str | None:
    """The id of a group outside the stack: known, and no group of the stack has it."""
    if ref is None or resolved is not None or ref.value is None or ref.value in index.by_id:
        return None
    return ref.value


def _resolve(ref: PeerRef | None, row: ResourceRecord, index: _Index) -> tuple[str | None, str]:
    if ref is None:
        return None, "no group id is set"
    if ref.value is not None and ref.value in index.by_id:
        return index.by_id[ref.value], "id"
    key = ref.field.split(".")[0].split("[")[0]
    found = index.candidates(row.property_dependencies.get(key, ()))
    if len(found) == 1:
        return found[0], "propertyDependencies"
    if len(found) > 1:
        return None, f"{key} depends on several groups"
    if ref.value is not None:
        return None, f"{ref.value} is not a group of this stack"
    return None, f"{key} is unknown in preview and has no recorded dependency"


def _from_dependencies(
    row: ResourceRecord, index: _Index, claimed: frozenset[str], reason: str
) -> tuple[str | None, str]:
    found = index.candidates(row.dependencies, exclude=claimed)
    if len(found) == 1:
        return found[0], "dependencies"
    return None, reason


def _resolve_peers(
    rule: NormalizedRule, owner: str | None, row: ResourceRecord, index: _Index
) -> list[ResolvedPeer]:
    peers: list[ResolvedPeer] = []
    for peer in rule.other_sources:
        if peer.kind == "self":
            peers.append(ResolvedPeer(peer, owner, "self"))
        elif peer.kind == "group":
            urn, via = _resolve(peer, row, index)
            peers.append(ResolvedPeer(peer, urn, via, _external_id(peer, urn, index)))
    return peers


# One AWS rule: AWS counts and de-duplicates rules per (traffic, single peer).
Atom = tuple[Any, ...]


def atoms(resolved: ResolvedRule) -> list[Atom]:
    """The AWS rules this rule expands to: one per peer (CIDR, group, prefix list)."""
    return [atom for atom, _ in family_atoms(resolved)]


_BOTH_FAMILIES: Final = (4, 6)


def family_atoms(resolved: ResolvedRule) -> list[tuple[Atom, tuple[int, ...]]]:
    """``atoms``, each with the IP families AWS counts it in: a CIDR in its own (IPv4 when it
    does not parse), a group or prefix-list reference once in each."""
    rule = resolved.rule
    ports: PortRange | tuple[int, int] | None = rule.ports
    if rule.protocol == ALL:
        ports = EVERY_PORT
    elif rule.icmp is not None:
        ports = rule.icmp
    traffic = (rule.direction, rule.protocol, ports)
    result: list[tuple[Atom, tuple[int, ...]]] = []
    for cidr, network in zip(rule.cidrs, rule.networks, strict=True):
        # The network a CIDR names, canonically (``10.0.0.5/8`` -> ``10.0.0.0/8``); else the text.
        if network is None:
            result.append(((*traffic, "cidr", cidr), (4,)))
        else:
            result.append(((*traffic, "cidr", network.network), (network.version,)))
    for peer in rule.other_sources:
        target = next((p.group_urn for p in resolved.peers if p.peer == peer), None)
        # ``self`` and a reference to the group's own id are the same AWS rule.
        kind = "group" if peer.kind == "self" else peer.kind
        result.append(((*traffic, kind, target or peer.value or id(peer)), _BOTH_FAMILIES))
    return result


def _mirrors(rule: ResolvedRule, declared: set[tuple[str | None, Atom]]) -> bool:
    mine = atoms(rule)
    return bool(mine) and all((rule.group_urn, atom) in declared for atom in mine)


def flows(graph: StackGraph) -> tuple[Flow, ...]:
    """Every (peer, group, protocol, ports, direction) the stack's rules allow, one per peer."""
    result: list[Flow] = []
    endpoints = _Endpoints(graph)
    for resolved in graph.rules:
        rule = resolved.rule
        group = endpoints.group(resolved.group_urn, resolved)
        for peer in endpoints.peers(resolved):
            result.append(
                Flow(
                    direction=rule.direction,
                    group=group,
                    peer=peer,
                    protocol=rule.protocol,
                    ports=rule.ports,
                    rule_urn=resolved.resource_urn,
                    origin=rule.origin,
                )
            )
    return tuple(result)


class _Endpoints:
    """Endpoints of one ``flows`` call. A group's or a CIDR's endpoint is built once and shared
    (endpoints are immutable): a large stack names the same few groups and CIDRs in thousands of
    flows, and fewer long-lived objects also means less work for the garbage collector."""

    def __init__(self, graph: StackGraph) -> None:
        self.graph = graph
        self._groups: dict[str, Endpoint] = {}
        self._cidrs: dict[str, Endpoint] = {}

    def group(self, urn: str | None, resolved: ResolvedRule) -> Endpoint:
        if resolved.external_id is not None:
            return external(resolved.external_id)
        if urn is None or urn not in self.graph.groups:
            return Endpoint("unresolved", f"group of {resolved.resource_name} ({resolved.via})")
        return self._known_group(urn)

    def _known_group(self, urn: str) -> Endpoint:
        endpoint = self._groups.get(urn)
        if endpoint is None:
            endpoint = self._groups[urn] = Endpoint("group", self.graph.groups[urn].name, urn)
        return endpoint

    def cidr(self, cidr: str, network: Cidr | None) -> Endpoint:
        endpoint = self._cidrs.get(cidr)
        if endpoint is None:
            world = network is not None and is_world(network)
            endpoint = self._cidrs[cidr] = Endpoint("internet" if world else "cidr", cidr)
        return endpoint

    def peers(self, resolved: ResolvedRule) -> list[Endpoint]:
        rule = resolved.rule
        endpoints = [
            self.cidr(cidr, network)
            for cidr, network in zip(rule.cidrs, rule.networks, strict=True)
        ]
        for resolved_peer in resolved.peers:
            if resolved_peer.group_urn is not None:
                endpoints.append(self._known_group(resolved_peer.group_urn))
            elif resolved_peer.external_id is not None:
                endpoints.append(external(resolved_peer.external_id))
            else:
                label = f"{resolved_peer.peer} ({resolved_peer.via})"
                endpoints.append(Endpoint("unresolved", label))
        for peer in rule.other_sources:
            if peer.kind == "prefix-list":
                endpoints.append(Endpoint("prefix-list", str(peer)))
        for gap in rule.unknowns_for("sources"):
            endpoints.append(Endpoint("unresolved", str(gap)))
        return endpoints


def external(group_id: str) -> Endpoint:
    """A group outside the stack, named by its id."""
    return Endpoint("external", f"{group_id} (outside this stack)")
