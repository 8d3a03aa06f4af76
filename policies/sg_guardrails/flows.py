"""Traffic flows: what the stack's rules allow, from which endpoint to which (an internet CIDR,
a CIDR, a group of the stack, a group outside it, a prefix list, or something not known yet)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .fields import is_world
from .model import Cidr, PortRange, TrafficDirection
from .stack_graph import StackGraph
from .stack_resources import ResolvedRule

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
