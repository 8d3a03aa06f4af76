"""The pack never crashes on what the engine (or a careless caller) may send it.

tests/policies/unit fuzzes ``normalize_resource`` on inputs (300 examples, JSON-like values
with a few known keys) and runs each resource policy on five hand-written garbage props. This
module goes further, for each of the 8 resource types:

* props built from EVERY field name the 8 types use (plus ``tagsAll``, ``id``, ``__defaults``
  and random keys), with values that mix the right shapes and garbage: all seven unknown
  sentinels, ``Unknown`` markers, secret envelopes (well-formed, empty, with a wrong signature,
  nested), NaN/inf/huge/negative/float numbers, protocol and CIDR spellings, nested lists/maps;
* ``normalize_resource`` for inputs AND outputs, with invariants on the result (ports inside
  0..65535 and ordered, protocols canonical, ``describe()`` works);
* every resource policy through the SDK path (Struct round trip, ``unknown_checking_proxy``):
  only violations or the SDK's "unknown during preview" note may come out, never an exception;
* ``stack_graph.analyze`` + ``flows`` + every stack policy on random stacks of those resources
  (and VPCs), with ``propertyDependencies``/``dependencies`` pointing at real, missing and
  self URNs.
"""

import math
from collections.abc import Mapping
from typing import Any

import pytest
from google.protobuf import json_format, struct_pb2
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG as SECRET_SIG
from pulumi_policy.deserialize import SPECIAL_SIG_KEY as SIG_KEY
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from sg_guardrails import (
    GROUP_TYPES,
    RULE_TYPES,
    NormalizedResource,
    PortRange,
    ResourceRecord,
    UnknownValue,
    analyze,
    build_policies,
    flows,
    normalize_resource,
)
from sg_guardrails.normalize import RESOURCE_SHAPES
from tests.fuzz.fuzzkit import fuzz

SENTINELS = [
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # bool
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
    "e48ece36-62e2-4504-bad9-02848725956a",  # archive
]
TYPES = sorted(RESOURCE_SHAPES)
assert len(TYPES) == 8 and set(TYPES) == GROUP_TYPES | RULE_TYPES
VPC_TYPES = ["aws:ec2/vpc:Vpc", "aws:ec2/defaultVpc:DefaultVpc", "aws-native:ec2:Vpc"]
# Not a rule nor a group, but the stack policies resolve it to its group like a rule.
OWNER_TYPES = ["aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"]
POLICIES = build_policies()
STACK_POLICIES = [p for p in POLICIES if isinstance(p, StackValidationPolicy)]
RESOURCE_POLICIES = [p for p in POLICIES if isinstance(p, ResourceValidationPolicy)]
assert len(RESOURCE_POLICIES) == 7 and len(STACK_POLICIES) == 7


def _field_names() -> list[str]:
    names: set[str] = {"tags", "tagsAll", "id", "groupId", "vpcId", "__defaults", "name"}
    for shape in RESOURCE_SHAPES.values():
        names.update(key for _, key, _ in shape.inline)
        names.update(shape.group_fields)
        names.update(filter(None, [shape.direction_field, shape.description]))
        rules = [shape.rule] + [rule for _, _, rule in shape.inline]
        for rule in filter(None, rules):
            names.update(rule.ipv4 + rule.ipv6 + rule.groups + rule.prefix_lists)
            names.update([rule.protocol, rule.from_port, rule.to_port, rule.description])
            names.update(filter(None, [rule.self_flag]))
    names.update(VPC_DEFAULT_FIELDS)
    return sorted(names)


VPC_DEFAULT_FIELDS = ["defaultSecurityGroupId", "defaultSecurityGroup"]
FIELDS = _field_names()


# -- values ------------------------------------------------------------------------------------

_words = st.sampled_from(
    [
        "tcp", " TCP ", "udp", "icmp", "icmpv6", "-1", "all", "ALL", "6", "17", "58", "1", "50",
        "256", "-2", "22", " 22.0 ", "1e3", "0", "65535", "65536", "ingress", "egress", "Ingress",
        "0.0.0.0/0", "::/0", "0::/0", "0:0:0:0:0:0:0:0/0", "1.2.3.4/0", "10.0.0.5/24",
        "2001:db8::/32", "not-a-cidr", "", " ", "sg-0123456789abcdef0", "pl-12345678", "self",
        "managed by pulumi", "Managed by Pulumi", SIG_KEY, SECRET_SIG,
    ]
)  # fmt: skip
_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.sampled_from([0, 22, 80, 443, 3389, 65535, 65536, -1, 6, 17, 58]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([22.0, -1.0, 0.5, 1e308, -0.0, 65535.0]),
    _words,
    st.sampled_from(SENTINELS),
    st.text(max_size=8),
)


def _secret(inner: st.SearchStrategy[Any], *, malformed: bool) -> st.SearchStrategy[Any]:
    secret = inner.map(lambda v: {SIG_KEY: SECRET_SIG, "value": v})
    if not malformed:
        return secret
    return st.one_of(
        secret,
        st.just({SIG_KEY: SECRET_SIG}),  # a secret without its value
        inner.map(lambda v: {SIG_KEY: "not-the-secret-signature", "value": v}),
        inner.map(lambda v: {SIG_KEY: v}),
    )


def _containers(malformed: bool) -> Any:
    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=5), inner, max_size=5),
            _secret(inner, malformed=malformed),
        )

    return extend


JSON_VALUES = st.recursive(_json_scalars, _containers(malformed=False), max_leaves=12)
"""What the engine can send: JSON with sentinels and well-formed secret envelopes (the SDK's
deserializer itself asserts on an envelope with another signature, before any policy runs)."""

ANY_VALUES = st.recursive(
    _json_scalars
    | st.sampled_from([math.nan, math.inf, -math.inf, 2**70, -(2**70)])
    | st.builds(UnknownValue, st.sampled_from(["string", "number", "object", "secret"])),
    lambda inner: _containers(malformed=True)(inner) | st.lists(inner, max_size=3).map(tuple),
    max_leaves=12,
)
"""What a direct caller (a harness, preflight) may pass: also NaN/inf, huge ints, tuples,
``Unknown`` markers and malformed secret envelopes."""


def _rule_like(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)


def props(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Props that look like a resource (field names right, values anything) or are garbage."""
    rule_like = _rule_like(values)
    group_like = st.dictionaries(
        st.sampled_from(FIELDS),
        values | st.lists(rule_like | values, max_size=3) | rule_like,
        max_size=6,
    )
    return st.one_of(rule_like, group_like, values)


# -- helpers -----------------------------------------------------------------------------------


def check_normalized(resource: NormalizedResource | None, type_: str) -> None:
    assert resource is not None and resource.resource_type == type_
    for rule in resource.rules:
        rule.describe()
        assert rule.direction in (None, "ingress", "egress")
        if rule.ports is not None:
            assert isinstance(rule.ports, PortRange)
            assert 0 <= rule.ports.start <= rule.ports.end <= 65535
        protocol = rule.protocol
        assert (
            protocol is None
            or protocol in ("tcp", "udp", "icmp", "icmpv6", "all")
            or (protocol.isdigit() and 0 <= int(protocol) <= 255)
        ), protocol
        for cidr in rule.cidrs:
            assert isinstance(cidr, str)
        for unknown in rule.unknowns:
            str(unknown)
    assert isinstance(resource.tags, Mapping)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in resource.tags.items())


def engine_props(value: Any) -> Any:
    """As the SDK hands props to a policy: Struct round trip, deserialised, proxied."""
    struct = struct_pb2.Struct()
    struct.update({"p": value})
    decoded = deserialize_properties(json_format.MessageToDict(struct))["p"]
    return unknown_checking_proxy(decoded) if isinstance(decoded, dict | list) else decoded


def _opts() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def _urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::tiered-sg::{type_}::{name}"


def run_policy(policy: Any, args: Any) -> list[str]:
    """What the SDK does: collect violations; an UnknownValueError becomes one advisory note."""
    found: list[str] = []
    try:
        policy.validate(args, lambda message, urn=None: found.append(message))
    except UnknownValueError:
        found.append("(note)")
    return found


# -- properties --------------------------------------------------------------------------------


@pytest.mark.slow
@fuzz(600, HealthCheck.data_too_large)
@given(st.sampled_from(TYPES), props(ANY_VALUES))
def test_normalisation_never_raises_on_any_python_value(type_: str, raw: Any) -> None:
    check_normalized(normalize_resource(type_, raw), type_)
    check_normalized(normalize_resource(type_, raw, outputs=True), type_)


@pytest.mark.slow
@fuzz(300, HealthCheck.data_too_large)
@given(st.sampled_from(TYPES), props(JSON_VALUES))
def test_every_resource_policy_survives_the_sdk_path(type_: str, raw: Any) -> None:
    sdk_props = engine_props(raw)
    # Normalisation on the SDK's proxies (item access raises for unknowns) is the same code path
    # the policies use; it must not raise either.
    check_normalized(normalize_resource(type_, sdk_props), type_)
    args = ResourceValidationArgs(
        type_, sdk_props, _urn(type_, "subject"), "subject", _opts(), None
    )
    for policy in RESOURCE_POLICIES:
        for message in run_policy(policy, args):
            assert isinstance(message, str) and message


@st.composite
def stacks(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> list[ResourceRecord]:
    count = draw(st.integers(1, 6))
    types = [
        draw(st.sampled_from(TYPES + VPC_TYPES + OWNER_TYPES + ["aws:s3/bucket:Bucket"]))
        for _ in range(count)
    ]
    urns = [_urn(t, f"r{i}") for i, t in enumerate(types)]
    targets = st.sampled_from([*urns, _urn(TYPES[0], "missing"), ""])
    records = []
    for type_, urn in zip(types, urns, strict=True):
        deps = draw(
            st.dictionaries(st.sampled_from(FIELDS), st.lists(targets, max_size=3), max_size=3)
        )
        records.append(
            ResourceRecord(
                type_, urn, draw(props(values)), deps, draw(st.lists(targets, max_size=3))
            )
        )
    return records


@pytest.mark.slow
@fuzz(250, HealthCheck.data_too_large)
@given(stacks(ANY_VALUES))
def test_stack_graph_and_flows_never_raise(records: list[ResourceRecord]) -> None:
    topology = analyze(records)
    for rule in topology.rules:
        rule.describe()
        assert rule.group_urn is None or rule.group_urn in topology.groups
    for flow in flows(topology):
        assert flow.rule_urn in {r.urn for r in records}
    analyze(tuple(r) for r in records)  # plain tuples, as the docs allow


@pytest.mark.slow
@fuzz(150, HealthCheck.data_too_large)
@given(stacks(JSON_VALUES))
def test_every_stack_policy_survives_random_stacks(records: list[ResourceRecord]) -> None:
    by_urn: dict[str, PolicyResource] = {}
    for record in records:
        by_urn[record.urn] = PolicyResource(
            record.type,
            engine_props(record.props) if isinstance(record.props, dict | list) else {},
            record.urn,
            record.urn.rsplit("::", 1)[-1],
            _opts(),
            None,
            None,
            [],
            {},
        )
    for record in records:  # link like AnalyzeStack: URNs outside the stack are dropped
        resource = by_urn[record.urn]
        resource.dependencies = [by_urn[u] for u in record.dependencies if u in by_urn]
        resource.property_dependencies = {
            key: [by_urn[u] for u in urns if u in by_urn]
            for key, urns in record.property_dependencies.items()
        }
    args = StackValidationArgs(list(by_urn.values()))
    for policy in STACK_POLICIES:
        for message in run_policy(policy, args):
            assert isinstance(message, str) and message
