"""The sharing behind the pack's speed, seen from outside: one normalisation per Analyze and one
stack graph per AnalyzeStack, kept only for the request, and never a normalisation or a stack
graph of another resource or stack.

The SDK hands each policy freshly deserialised props, so the behaviour tests build new
``engine_props`` for every call (``sgkit`` does), as the SDK does. The pack's own servicer hands
the policies of one request the same objects inside ``request_scope.one_request``;
test_servicer_unit.py runs whole requests through it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG as SECRET_SIG
from pulumi_policy.deserialize import SPECIAL_SIG_KEY as SIG_KEY

from sg_guardrails import sdk
from sg_guardrails.catalog import POLICIES
from sg_guardrails.fields import network, parse_cidr
from sg_guardrails.model import UnknownField
from sg_guardrails.request_scope import one_request, shared
from sg_guardrails.stack_graph import StackGraph, analyze
from sg_guardrails.values import plain
from tests.policies.unit.chainkit import three_tiers, tier_tags
from tests.policies.unit.sgkit import (
    SG,
    VPC_IN,
    U,
    _opts,
    check,
    check_stack,
    engine_props,
    stack_resources,
    urn,
    vpc_rule,
)

ADMIN = "sg-no-public-admin-ports"
RECORDS = {record.name: record for record in POLICIES}
TIERS = "sg-tier-isolation"
RESOURCE_RECORDS = [record for record in POLICIES if record.on_resource]


def _counting(results: list[int]) -> Callable[[], int]:
    def compute() -> int:
        results.append(len(results))
        return results[-1]

    return compute


# --- request_scope.shared --------------------------------------------------------------------


def test_outside_a_request_every_call_computes() -> None:
    source, calls = object(), []
    assert [shared("k", source, _counting(calls)) for _ in range(3)] == [0, 1, 2]


def test_inside_a_request_the_same_object_is_computed_once_per_kind() -> None:
    source, calls = object(), []
    with one_request():
        assert shared("k", source, _counting(calls)) == 0
        assert shared("k", source, _counting(calls)) == 0
        assert shared("other kind", source, _counting(calls)) == 1
    assert len(calls) == 2


def test_an_equal_but_different_object_is_computed_again() -> None:
    calls: list[int] = []
    with one_request():
        assert shared("k", {"a": 1}, _counting(calls)) == 0
        assert shared("k", {"a": 1}, _counting(calls)) == 1  # identity, never content


def test_nothing_outlives_its_request() -> None:
    source, calls = {"cidrIpv4": "0.0.0.0/0"}, []
    with one_request():
        shared("k", source, _counting(calls))
    source["cidrIpv4"] = "10.0.0.0/8"  # a caller reusing and changing its object
    with one_request():
        assert shared("k", source, _counting(calls)) == 1


def test_a_failed_computation_keeps_nothing() -> None:
    source, calls = object(), []

    def fail() -> int:
        raise RuntimeError("boom")

    with one_request():
        with pytest.raises(RuntimeError):
            shared("k", source, fail)
        assert shared("k", source, _counting(calls)) == 0


def test_each_thread_sees_only_its_own_request() -> None:
    # The SDK serves up to 4 requests at once, one per thread.
    source = object()
    inside, errors = threading.Barrier(2), []

    def work(value: int) -> None:
        try:
            with one_request():
                assert shared("k", source, lambda: value) == value
                inside.wait(timeout=10)  # both requests open at once, on the same object
                assert shared("k", source, lambda: -1) == value
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


# --- the pack's checks inside one request ------------------------------------------------------


def test_one_request_normalises_a_resource_once_for_every_resource_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = sdk.normalize_resource

    def counted(resource_type: str, props: Any) -> Any:
        calls.append(resource_type)
        return real(resource_type, props)

    monkeypatch.setattr(sdk, "normalize_resource", counted)
    props = engine_props(vpc_rule(cidrIpv4="0.0.0.0/0"))
    with one_request():
        for record in RESOURCE_RECORDS:
            args = ResourceValidationArgs(VPC_IN, props, urn(VPC_IN, "r"), "r", _opts(), None, {})
            sdk.run_resource_check(record, args)
    assert calls == [VPC_IN]


def test_one_request_builds_the_stack_graph_once_for_every_stack_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    graphs: list[StackGraph] = []

    def counted(records: Any) -> StackGraph:
        graphs.append(analyze(records))
        return graphs[-1]

    monkeypatch.setattr(sdk, "analyze", counted)
    resources = stack_resources(three_tiers().resources)
    with one_request():
        for record in POLICIES:
            if record.on_stack:
                sdk.stack_graph(resources)
    assert len(graphs) == 1


def test_sharing_asks_nothing_of_the_props_content() -> None:
    # Identity, not a serialisation of the content: props no serialiser takes are still checked.
    props = {**vpc_rule(cidrIpv4="0.0.0.0/0"), "odd": threading.Lock()}
    args = ResourceValidationArgs(VPC_IN, props, urn(VPC_IN, "r"), "r", _opts(), None, {})
    for scope in (contextlib.nullcontext, one_request):
        with scope():
            findings = sdk.run_resource_check(RECORDS[ADMIN], args)
        assert len(findings) == 1 and not findings[0].note


# --- resource policies: one normalisation per resource, never another resource's -------------


def test_same_urn_analysed_again_with_other_props_gets_its_own_findings() -> None:
    open_ssh = vpc_rule(cidrIpv4="0.0.0.0/0")
    closed = vpc_rule(cidrIpv4="10.0.0.0/8")
    first = check(ADMIN, VPC_IN, open_ssh, name="r")
    second = check(ADMIN, VPC_IN, closed, name="r")
    third = check(ADMIN, VPC_IN, open_ssh, name="r")
    assert len(first.violations) == 1 and "0.0.0.0/0" in first.violations[0]
    assert second.clean
    assert third.violations == first.violations


def test_same_urn_with_a_value_becoming_unknown_is_judged_again() -> None:
    known = check(ADMIN, VPC_IN, vpc_rule(cidrIpv4="0.0.0.0/0"), name="r")
    unknown = check(ADMIN, VPC_IN, vpc_rule(cidrIpv4=U), name="r")
    assert known.violations and not known.notes
    assert not unknown.violations and unknown.notes


def test_same_props_on_two_resources_report_each_resource() -> None:
    props = vpc_rule(cidrIpv4="0.0.0.0/0")
    one = check(ADMIN, VPC_IN, props, name="one")
    two = check(ADMIN, VPC_IN, props, name="two")
    assert "'one'" in one.violations[0] and "'two'" not in one.violations[0]
    assert "'two'" in two.violations[0] and "'one'" not in two.violations[0]


def test_policy_config_is_not_part_of_what_is_shared() -> None:
    props = vpc_rule(from_port=2222, cidrIpv4="0.0.0.0/0")
    assert check(ADMIN, VPC_IN, props, name="r").clean
    flagged = check(ADMIN, VPC_IN, props, name="r", config={"adminPorts": [2222]})
    assert len(flagged.violations) == 1 and "2222" in flagged.violations[0]


# --- stack policies: one analysis per stack, never another stack's ---------------------------


def _leaky_stack() -> Any:
    stack = three_tiers()
    stack.rule("db-in-from-world", "db", port=5432, cidr="0.0.0.0/0")
    return stack


def test_two_stacks_get_their_own_stack_findings() -> None:
    clean, leaky = three_tiers(), _leaky_stack()
    assert check_stack(TIERS, clean.resources).clean
    found = check_stack(TIERS, leaky.resources)
    assert len(found.violations) == 1 and "db-in-from-world" in found.violations[0]
    assert check_stack(TIERS, clean.resources).clean  # the leaky graph is not reused
    assert check_stack(TIERS, leaky.resources).violations == found.violations


def test_a_dependency_change_alone_is_a_different_stack() -> None:
    stack = three_tiers()
    lost = stack.rule(
        "db-in-lost",
        "db",
        port=5432,
        cidr="10.0.0.0/8",
        tags=tier_tags("main", "db", 2, "internal"),
        property_dependencies=False,
        dependencies=False,
    )
    by_tags = check_stack(TIERS, stack.resources)  # unresolved: attributed by its tags
    assert len(by_tags.violations) == 1 and "'db'" in by_tags.violations[0]
    lost.property_dependencies = {"securityGroupId": [urn(SG, "app")]}  # same props
    by_dependency = check_stack(TIERS, stack.resources)
    assert len(by_dependency.violations) == 1
    assert "'app' (chain 'main', position 1)" in by_dependency.violations[0]


# --- stack graph index, CIDR parsing, plain fast paths ---------------------------------------


def test_rules_of_and_unresolved_equal_a_scan_of_every_rule() -> None:
    stack = three_tiers()
    stack.rule("lost", "db", cidr="10.1.0.0/16", property_dependencies=False, dependencies=False)
    records = [
        (r.type, r.urn, r.props, r.property_dependencies, r.dependencies) for r in stack.resources
    ]
    graph = analyze(records)
    assert graph.unresolved()
    for group in [*graph.groups, "urn:not-a-group"]:
        assert graph.rules_of(group) == tuple(r for r in graph.rules if r.group_urn == group)
    assert graph.unresolved() == tuple(r for r in graph.rules if r.group_urn is None)
    built = StackGraph(graph.groups, graph.rules)  # a StackGraph made by hand indexes too
    assert built.rules_of(urn(SG, "db")) == graph.rules_of(urn(SG, "db"))
    assert built == StackGraph(graph.groups, graph.rules)  # the index is not a field


def test_a_cidr_parses_the_same_however_often_it_is_read() -> None:
    first = parse_cidr(" 10.0.0.0/8 ", "cidrIpv4")
    second = parse_cidr("10.0.0.0/8", "cidrIpv4")
    assert not isinstance(first, UnknownField) and not isinstance(second, UnknownField)
    assert first == second == ("10.0.0.0/8", network("10.0.0.0/8"))
    bad = parse_cidr("10.0.0.0/33", "cidrIpv4")
    assert isinstance(bad, UnknownField) and bad.kind == "malformed"
    assert network("10.0.0.0/33") is None
    assert network("10.0.0.5/24") == network("10.0.0.0/24")  # host bits allowed


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.0, True, None, U, {"b": "c"}], "n": {SIG_KEY: SECRET_SIG, "value": [U]}},
        [{"x": U}, [U, "0.0.0.0/0"], {SIG_KEY: SECRET_SIG}],
        {"t": {SIG_KEY: "other", "value": 1}, 7: "seven"},
    ],
)
def test_plain_fast_paths_give_the_general_paths_result(value: Any) -> None:
    def general(v: Any) -> Any:  # the same value through non-dict/non-list containers
        if isinstance(v, dict):
            return MappingProxyType({k: general(x) for k, x in v.items()})
        if isinstance(v, list):
            return tuple(general(x) for x in v)
        return v

    assert plain(value) == plain(general(value))
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        assert plain(value) == plain(engine_props(value))
