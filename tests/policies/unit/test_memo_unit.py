"""The memos and caches behind the pack's speed: bounded, keyed by content, and never sharing a
normalisation or a topology between two different resources or stacks.

The SDK hands each policy freshly deserialised props, so these tests build new
``engine_props`` for every call (``sgkit`` does), as the SDK does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from types import MappingProxyType
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs, StackValidationArgs

from sg_guardrails import sdk
from sg_guardrails.fields import network, parse_cidr
from sg_guardrails.memo import BoundedMemo, content_key
from sg_guardrails.model import UnknownField
from sg_guardrails.pack import RESOURCE_CHECKS, STACK_CHECKS
from sg_guardrails.topology import Topology, analyze
from sg_guardrails.values import SECRET_SIG, SIG_KEY, Unknown, plain
from tests.policies.unit.chainkit import three_tiers, tier_tags
from tests.policies.unit.sgkit import (
    POLICIES,
    SG,
    VPC_IN,
    U,
    _opts,
    check,
    check_stack,
    engine_props,
    inline,
    sg,
    stack_resources,
    urn,
    vpc_rule,
)

ADMIN = "sg-no-public-admin-ports"
TIERS = "sg-tier-isolation"


@pytest.fixture(autouse=True)
def fresh_memos() -> Iterator[None]:
    sdk.NORMALIZED.clear()
    sdk.TOPOLOGIES.clear()
    yield
    sdk.NORMALIZED.clear()
    sdk.TOPOLOGIES.clear()


# --- BoundedMemo and content_key ---------------------------------------------------------------


def test_memo_evicts_the_least_recently_used_entry() -> None:
    memo: BoundedMemo[str, int] = BoundedMemo(2)
    assert memo.get_or_compute("a", lambda: 1) == 1
    assert memo.get_or_compute("b", lambda: 2) == 2
    assert memo.get_or_compute("a", lambda: -1) == 1  # a hit: "b" is now the oldest
    assert memo.get_or_compute("c", lambda: 3) == 3
    assert len(memo) == 2
    assert memo.get_or_compute("b", lambda: 20) == 20  # "b" was evicted, so recomputed
    assert memo.get_or_compute("a", lambda: -1) == -1  # and "a" went when "b" came back
    assert (memo.hits, memo.misses) == (1, 5)


def test_memo_stores_nothing_when_the_computation_raises() -> None:
    memo: BoundedMemo[str, int] = BoundedMemo(1)

    def fail() -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        memo.get_or_compute("a", fail)
    assert len(memo) == 0
    assert memo.get_or_compute("a", lambda: 1) == 1


def test_memo_needs_room_for_one_entry() -> None:
    with pytest.raises(ValueError):
        BoundedMemo(0)


def test_memo_is_safe_to_share_between_threads() -> None:
    memo: BoundedMemo[int, int] = BoundedMemo(4)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(2000):
                key = (i + offset) % 7
                assert memo.get_or_compute(key, partial(pow, key, 2)) == key * key
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(memo) <= 4


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (1, 1.0),
        (1, True),
        (1, "1"),
        (0.0, -0.0),
        ([1], (1,)),
        ({"a": 1}, {"a": 1.0}),
        ({"1": "x"}, {1: "x"}),
        ({"true": "x"}, {True: "x"}),  # json.dumps would write both as {"true": "x"}
        ({"cidrIpv4": "0.0.0.0/0"}, {"cidrIpv4": "0.0.0.0/1"}),
        ({"securityGroupId": U}, {"securityGroupId": "sg-1"}),
        ({"p": Unknown("string")}, {"p": Unknown("number")}),
    ],
)
def test_content_keys_keep_every_distinction_a_policy_could_see(one: Any, other: Any) -> None:
    assert content_key(one) != content_key(other)


def test_fresh_sdk_copies_of_the_same_props_share_a_key() -> None:
    props = vpc_rule(cidrIpv4="0.0.0.0/0", securityGroupId=U, tags={"a": "b"})
    first, second = engine_props(props), engine_props(props)
    assert first is not second
    assert content_key(first) == content_key(second) is not None
    assert content_key(engine_props({**props, "fromPort": 23})) != content_key(first)


def test_what_pickle_refuses_gets_no_key_and_is_still_checked() -> None:
    props = {**vpc_rule(cidrIpv4="0.0.0.0/0"), "odd": threading.Lock()}
    assert content_key(props) is None
    args = ResourceValidationArgs(VPC_IN, props, urn(VPC_IN, "r"), "r", _opts(), None, {})
    findings = sdk.run_resource_check(RESOURCE_CHECKS[ADMIN], args)
    assert len(findings) == 1 and not findings[0].note
    assert len(sdk.NORMALIZED) == 0


# --- resource policies: one normalisation per resource, never another resource's -------------


def test_the_seven_resource_policies_normalise_a_resource_once() -> None:
    props = sg(ingress=[inline("tcp", 22, cidrBlocks=["0.0.0.0/0"])])
    for name in RESOURCE_CHECKS:
        check(name, SG, props)  # fresh SDK props for each policy, as the SDK does
    assert (sdk.NORMALIZED.misses, sdk.NORMALIZED.hits) == (1, len(RESOURCE_CHECKS) - 1)


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


def test_the_resource_memo_stays_bounded() -> None:
    for i in range(3 * sdk.NORMALIZED.maxsize):
        check(ADMIN, VPC_IN, vpc_rule(from_port=1000 + i), name=f"r{i}")
    assert len(sdk.NORMALIZED) == sdk.NORMALIZED.maxsize


def test_resources_without_security_group_rules_are_not_memoised() -> None:
    outcome = check(ADMIN, "aws:s3/bucket:Bucket", {"bucket": "b"})
    assert outcome.clean and len(sdk.NORMALIZED) == 0


# --- stack policies: one analysis per stack, never another stack's ---------------------------


def test_the_four_stack_policies_analyse_a_stack_once() -> None:
    stack = three_tiers()
    for name in STACK_CHECKS:
        check_stack(name, stack.resources)  # fresh PolicyResources for each policy
    assert (sdk.TOPOLOGIES.misses, sdk.TOPOLOGIES.hits) == (1, len(STACK_CHECKS) - 1)
    assert len(sdk.TOPOLOGIES) == 1


def _leaky_stack() -> Any:
    stack = three_tiers()
    stack.rule("db-in-from-world", "db", port=5432, cidr="0.0.0.0/0")
    return stack


def test_two_stacks_get_their_own_stack_findings() -> None:
    clean, leaky = three_tiers(), _leaky_stack()
    assert check_stack(TIERS, clean.resources).clean
    found = check_stack(TIERS, leaky.resources)
    assert len(found.violations) == 1 and "db-in-from-world" in found.violations[0]
    assert check_stack(TIERS, clean.resources).clean  # the leaky topology is not reused
    assert check_stack(TIERS, leaky.resources).violations == found.violations
    assert len(sdk.TOPOLOGIES) == 1


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


def test_stack_policy_objects_share_the_topology_through_the_sdk_path() -> None:
    stack = _leaky_stack()
    for name in STACK_CHECKS:
        args = StackValidationArgs(stack_resources(stack.resources), {})
        POLICIES[name].validate(args, lambda *_: None)
    assert sdk.TOPOLOGIES.misses == 1


# --- topology index, CIDR cache, plain fast paths -----------------------------------------------


def test_rules_of_and_unresolved_equal_a_scan_of_every_rule() -> None:
    stack = three_tiers()
    stack.rule("lost", "db", cidr="10.1.0.0/16", property_dependencies=False, dependencies=False)
    records = [
        (r.type, r.urn, r.props, r.property_dependencies, r.dependencies) for r in stack.resources
    ]
    topology = analyze(records)
    assert topology.unresolved()
    for group in [*topology.groups, "urn:not-a-group"]:
        assert topology.rules_of(group) == tuple(r for r in topology.rules if r.group_urn == group)
    assert topology.unresolved() == tuple(r for r in topology.rules if r.group_urn is None)
    built = Topology(topology.groups, topology.rules)  # a Topology made by hand indexes too
    assert built.rules_of(urn(SG, "db")) == topology.rules_of(urn(SG, "db"))
    assert built == Topology(topology.groups, topology.rules)  # the index is not a field


def test_each_cidr_text_is_parsed_once() -> None:
    network.cache_clear()
    first = parse_cidr(" 10.0.0.0/8 ", "cidrIpv4")
    second = parse_cidr("10.0.0.0/8", "cidrIpv4")
    assert not isinstance(first, UnknownField) and not isinstance(second, UnknownField)
    assert first[0] == second[0] == "10.0.0.0/8" and first[1] is second[1]
    assert network.cache_info().hits == 1
    assert network.cache_info().maxsize is not None  # bounded
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
