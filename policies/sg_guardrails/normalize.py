"""Reduce any security-group-related resource's props to ``NormalizedResource``.

One table describes where each provider keeps each part of a rule, so every resource type goes
through the same parsing code. Props are camelCase, as the engine sends them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .fields import (
    as_integer,
    items,
    malformed,
    parse_cidr,
    parse_port,
    parse_protocol,
    parse_text,
    unknown,
)
from .model import (
    ALL,
    EMPTY_TAGS,
    EVERY_PORT,
    ICMP,
    ICMPV6,
    TCP,
    UDP,
    Cidr,
    NormalizedResource,
    NormalizedRule,
    PeerRef,
    PeerRefKind,
    PortRange,
    ResourceKind,
    TrafficDirection,
    UnknownField,
    cidr_of,
)
from .values import UnknownValue, plain

SECURITY_GROUP: Final = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP: Final = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SECURITY_GROUP_RULE: Final = "aws:ec2/securityGroupRule:SecurityGroupRule"
VPC_INGRESS_RULE: Final = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VPC_EGRESS_RULE: Final = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
NATIVE_SECURITY_GROUP: Final = "aws-native:ec2:SecurityGroup"
NATIVE_INGRESS: Final = "aws-native:ec2:SecurityGroupIngress"
NATIVE_EGRESS: Final = "aws-native:ec2:SecurityGroupEgress"


@dataclass(frozen=True)
class RuleShape:
    """Where one provider keeps each part of a rule."""

    protocol: str
    ipv4: tuple[str, ...]
    ipv6: tuple[str, ...]
    groups: tuple[str, ...]
    prefix_lists: tuple[str, ...]
    self_flag: str | None = None
    from_port: str = "fromPort"
    to_port: str = "toPort"
    description: str = "description"


CLASSIC_INLINE: Final = RuleShape(
    "protocol",
    ("cidrBlocks",),
    ("ipv6CidrBlocks",),
    ("securityGroups",),
    ("prefixListIds",),
    "self",
)
CLASSIC_RULE: Final = RuleShape(
    "protocol",
    ("cidrBlocks",),
    ("ipv6CidrBlocks",),
    ("sourceSecurityGroupId",),
    ("prefixListIds",),
    "self",
)
VPC_RULE: Final = RuleShape(
    "ipProtocol", ("cidrIpv4",), ("cidrIpv6",), ("referencedSecurityGroupId",), ("prefixListId",)
)
NATIVE_IN: Final = RuleShape(
    "ipProtocol",
    ("cidrIp",),
    ("cidrIpv6",),
    ("sourceSecurityGroupId", "sourceSecurityGroupName"),
    ("sourcePrefixListId",),
)
NATIVE_OUT: Final = RuleShape(
    "ipProtocol",
    ("cidrIp",),
    ("cidrIpv6",),
    ("destinationSecurityGroupId",),
    ("destinationPrefixListId",),
)


@dataclass(frozen=True)
class ResourceShape:
    kind: ResourceKind
    # Groups: direction -> (list property, rule shape).
    inline: tuple[tuple[TrafficDirection, str, RuleShape], ...] = ()
    # Rule resources: a fixed direction, or the property holding it ("type").
    direction: TrafficDirection | None = None
    direction_field: str | None = None
    rule: RuleShape | None = None
    group_fields: tuple[str, ...] = ()
    description: str | None = None
    tags_as_list: bool = False
    # CloudFormation keeps AWS's allow-all egress unless the group declares egress rules.
    keeps_default_egress: bool = False


RESOURCE_SHAPES: Final[Mapping[str, ResourceShape]] = {
    SECURITY_GROUP: ResourceShape(
        "group",
        inline=(("ingress", "ingress", CLASSIC_INLINE), ("egress", "egress", CLASSIC_INLINE)),
        description="description",
    ),
    DEFAULT_SECURITY_GROUP: ResourceShape(
        "default-group",
        inline=(("ingress", "ingress", CLASSIC_INLINE), ("egress", "egress", CLASSIC_INLINE)),
    ),
    SECURITY_GROUP_RULE: ResourceShape(
        "rule", direction_field="type", rule=CLASSIC_RULE, group_fields=("securityGroupId",)
    ),
    VPC_INGRESS_RULE: ResourceShape(
        "rule", direction="ingress", rule=VPC_RULE, group_fields=("securityGroupId",)
    ),
    VPC_EGRESS_RULE: ResourceShape(
        "rule", direction="egress", rule=VPC_RULE, group_fields=("securityGroupId",)
    ),
    NATIVE_SECURITY_GROUP: ResourceShape(
        "group",
        inline=(
            ("ingress", "securityGroupIngress", NATIVE_IN),
            ("egress", "securityGroupEgress", NATIVE_OUT),
        ),
        description="groupDescription",
        tags_as_list=True,
        keeps_default_egress=True,
    ),
    NATIVE_INGRESS: ResourceShape(
        "rule", direction="ingress", rule=NATIVE_IN, group_fields=("groupId", "groupName")
    ),
    NATIVE_EGRESS: ResourceShape(
        "rule", direction="egress", rule=NATIVE_OUT, group_fields=("groupId",)
    ),
}

GROUP_TYPES: Final = frozenset(t for t, s in RESOURCE_SHAPES.items() if s.kind != "rule")
RULE_TYPES: Final = frozenset(t for t, s in RESOURCE_SHAPES.items() if s.kind == "rule")


def normalize_resource(
    resource_type: str, props: Any, *, outputs: bool = False
) -> NormalizedResource | None:
    """Normalise a resource's props; ``None`` when the type carries no security-group rules.

    ``outputs=True`` reads stack outputs instead of inputs: a wholly unknown inline list then
    means "not declared" (the AWS provider marks an unset optional+computed list unknown in
    preview); the resource policies judge declared-but-unknown lists from the inputs.
    """
    shape = RESOURCE_SHAPES.get(resource_type)
    if shape is None:
        return None
    values = plain(props)
    if not isinstance(values, Mapping):
        gap = malformed("props", "rule", f"{type(values).__name__} is not an object")
        if isinstance(values, UnknownValue):
            gap = unknown("props", "rule")
        return NormalizedResource(resource_type, shape.kind, (_opaque(None, "props", gap),))
    if shape.kind == "rule":
        return _rule_resource(resource_type, shape, values)
    return _group(resource_type, shape, values, outputs)


def _group(
    resource_type: str, shape: ResourceShape, props: Mapping[str, Any], outputs: bool
) -> NormalizedResource:
    rules: list[NormalizedRule] = []
    gaps: list[UnknownField] = []
    for direction, key, rule_shape in shape.inline:
        value = props.get(key)
        if isinstance(value, UnknownValue):
            gap = unknown(key, "rule")
            gaps.append(gap)
            if not outputs:
                rules.append(_opaque(direction, key, gap))
            continue
        if (
            direction == "egress"
            and shape.keeps_default_egress
            and not outputs
            and (value is None or value == [])
        ):
            rules.append(_aws_default_egress(key))
        for index, item in enumerate(items(value)):
            origin = f"{key}[{index}]"
            if isinstance(item, Mapping):
                rules.append(_rule(item, rule_shape, direction, origin))
            elif isinstance(item, UnknownValue):
                rules.append(_opaque(direction, origin, unknown(origin, "rule")))
            else:
                problem = f"{type(item).__name__} is not a rule object"
                rules.append(_opaque(direction, origin, malformed(origin, "rule", problem)))
    description, described_unknown = _description(props, shape.description)
    return NormalizedResource(
        resource_type,
        shape.kind,
        tuple(rules),
        description=description,
        description_unknown=described_unknown,
        tags=_all_tags(props, shape.tags_as_list),
        unknowns=tuple(gaps),
    )


def _rule_resource(
    resource_type: str, shape: ResourceShape, props: Mapping[str, Any]
) -> NormalizedResource:
    assert shape.rule is not None  # every "rule" shape in the table has one
    direction: TrafficDirection | None = shape.direction
    gaps: list[UnknownField] = []
    if shape.direction_field is not None:
        direction, gap = _direction(props.get(shape.direction_field), shape.direction_field)
        gaps += [gap] if gap else []
    rule = _rule(props, shape.rule, direction, "rule", extra=tuple(gaps))
    group = None
    for name in shape.group_fields:
        value = props.get(name)
        if value is None:
            continue
        group = PeerRef("group", value if isinstance(value, str) else None, name)
        break
    return NormalizedResource(
        resource_type,
        "rule",
        (rule,),
        description=rule.description,
        group=group,
        tags=_all_tags(props, shape.tags_as_list),
    )


def _direction(value: Any, field: str) -> tuple[TrafficDirection | None, UnknownField | None]:
    if isinstance(value, UnknownValue):
        return None, unknown(field, "direction")
    text = value.strip().lower() if isinstance(value, str) else None
    if text == "ingress":
        return "ingress", None
    if text == "egress":
        return "egress", None
    return None, malformed(field, "direction", f"{value!r} is neither 'ingress' nor 'egress'")


def _rule(
    item: Mapping[str, Any],
    shape: RuleShape,
    direction: TrafficDirection | None,
    origin: str,
    extra: tuple[UnknownField, ...] = (),
) -> NormalizedRule:
    def name(field: str) -> str:
        return field if origin == "rule" else f"{origin}.{field}"

    gaps: list[UnknownField] = list(extra)
    protocol_or_gap = parse_protocol(item.get(shape.protocol), name(shape.protocol))
    protocol = protocol_or_gap if isinstance(protocol_or_gap, str) else None
    if isinstance(protocol_or_gap, UnknownField):
        gaps.append(protocol_or_gap)

    ports: PortRange | None = None
    icmp: tuple[int, int] | None = None
    if protocol == ALL:
        ports = EVERY_PORT  # AWS ignores the ports of an all-protocols rule
    elif protocol in (TCP, UDP):
        ports, port_gaps = _ports(item, shape, name)
        gaps += port_gaps
    elif protocol in (ICMP, ICMPV6):
        icmp = _icmp(item, shape)

    ipv4: list[str] = []
    ipv6: list[str] = []
    ipv4_networks: list[Cidr] = []
    ipv6_networks: list[Cidr] = []
    for field in shape.ipv4 + shape.ipv6:
        value = item.get(field)
        if isinstance(value, UnknownValue):
            gaps.append(unknown(name(field), "sources"))
            continue
        for index, element in enumerate(items(value)):
            label = name(field) if not isinstance(value, list) else f"{name(field)}[{index}]"
            parsed = parse_cidr(element, label)
            if isinstance(parsed, UnknownField):
                gaps.append(parsed)
            else:
                # File by the parsed family: an IPv6 CIDR in an IPv4 field is still a source.
                if parsed[1].version == 4:
                    ipv4.append(parsed[0])
                    ipv4_networks.append(cidr_of(parsed[1]))
                else:
                    ipv6.append(parsed[0])
                    ipv6_networks.append(cidr_of(parsed[1]))

    peers: list[PeerRef] = []
    for field in shape.groups:
        peers += _peers(item.get(field), "group", name(field), gaps)
    for field in shape.prefix_lists:
        peers += _peers(item.get(field), "prefix-list", name(field), gaps)
    if shape.self_flag is not None:
        flag = item.get(shape.self_flag)
        if flag is True:
            peers.append(PeerRef("self", None, name(shape.self_flag)))
        elif isinstance(flag, UnknownValue):
            gaps.append(unknown(name(shape.self_flag), "peers"))
        elif flag not in (None, False):
            gaps.append(malformed(name(shape.self_flag), "peers", f"{flag!r} is not a boolean"))

    description = parse_text(item.get(shape.description), name(shape.description), "description")
    if isinstance(description, UnknownField):
        gaps.append(description)
        description = None
    return NormalizedRule(
        direction=direction,
        protocol=protocol,
        ports=ports,
        ipv4_cidrs=tuple(ipv4),
        ipv6_cidrs=tuple(ipv6),
        other_sources=tuple(peers),
        description=description,
        unknowns=tuple(gaps),
        origin=origin,
        icmp=icmp,
        parsed_cidrs=(*ipv4_networks, *ipv6_networks),
    )


def _icmp(item: Mapping[str, Any], shape: RuleShape) -> tuple[int, int] | None:
    # Only used to tell two ICMP rules apart when counting; -1 means "every type/code".
    kind, code = as_integer(item.get(shape.from_port)), as_integer(item.get(shape.to_port))
    return (kind, code) if kind is not None and code is not None else None


def _ports(
    item: Mapping[str, Any], shape: RuleShape, name: Any
) -> tuple[PortRange | None, list[UnknownField]]:
    start = parse_port(item.get(shape.from_port), name(shape.from_port))
    end = parse_port(item.get(shape.to_port), name(shape.to_port))
    gaps = [part for part in (start, end) if isinstance(part, UnknownField)]
    if gaps or not isinstance(start, int) or not isinstance(end, int):
        return None, gaps
    if start > end:
        problem = f"{start} is above {name(shape.to_port)} {end}"
        return None, [malformed(name(shape.from_port), "ports", problem)]
    return PortRange(start, end), []


def _peers(value: Any, kind: PeerRefKind, field: str, gaps: list[UnknownField]) -> list[PeerRef]:
    if isinstance(value, UnknownValue):
        return [PeerRef(kind, None, field)]
    peers: list[PeerRef] = []
    for element in items(value):
        if isinstance(element, str) and element.strip():
            peers.append(PeerRef(kind, element.strip(), field))
        elif isinstance(element, UnknownValue):
            peers.append(PeerRef(kind, None, field))
        else:
            gaps.append(malformed(field, "peers", f"{element!r} is not an id"))
    return peers


def _description(props: Mapping[str, Any], field: str | None) -> tuple[str | None, bool]:
    if field is None:
        return None, False
    value = props.get(field)
    if isinstance(value, UnknownValue):
        return None, True
    return (value if isinstance(value, str) else None), False


def _all_tags(props: Mapping[str, Any], as_list: bool) -> Mapping[str, str]:
    # tagsAll (outputs) adds the provider's default tags; the resource's own tags win.
    return {**_tags(props.get("tagsAll"), as_list), **_tags(props.get("tags"), as_list)}


def _tags(value: Any, as_list: bool) -> Mapping[str, str]:
    """Known string tags only; aws-native writes tags as ``[{key, value}]``."""
    if as_list:
        pairs = [
            (tag.get("key"), tag.get("value")) for tag in items(value) if isinstance(tag, Mapping)
        ]
    elif isinstance(value, Mapping):
        pairs = list(value.items())
    else:
        return EMPTY_TAGS
    return {k: v for k, v in pairs if isinstance(k, str) and isinstance(v, str)}


def _opaque(direction: TrafficDirection | None, origin: str, gap: UnknownField) -> NormalizedRule:
    """A rule we cannot see into: every check that could apply must say so."""
    return NormalizedRule(direction, None, None, unknowns=(gap,), origin=origin, parsed_cidrs=())


_IPV4_WORLD: Final = Cidr("0.0.0.0/0", 4, 0)


def _aws_default_egress(key: str) -> NormalizedRule:
    return NormalizedRule(
        "egress",
        ALL,
        EVERY_PORT,
        ipv4_cidrs=("0.0.0.0/0",),
        parsed_cidrs=(_IPV4_WORLD,),
        description=f"AWS default egress, kept because {key} is not set",
        origin="AWS default egress",
        implicit=True,
    )
