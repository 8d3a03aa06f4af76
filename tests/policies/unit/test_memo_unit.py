"""The memos behind the pack's speed, seen from outside: bounded, keyed by content, and never
sharing a normalisation or a stack graph between two different resources or stacks.

The SDK hands each policy freshly deserialised props, so these tests build new
``engine_props`` for every call (``sgkit`` does), as the SDK does.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from functools import partial
from types import MappingProxyType
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG as SECRET_SIG
from pulumi_policy.deserialize import SPECIAL_SIG_KEY as SIG_KEY

from sg_guardrails import memo as memo_module
from sg_guardrails import sdk
from sg_guardrails.catalog import POLICIES
from sg_guardrails.fields import network, parse_cidr
from sg_guardrails.memo import BoundedMemo, content_key
from sg_guardrails.model import UnknownField
from sg_guardrails.topology import StackGraph, analyze
from sg_guardrails.values import UnknownValue, plain
from tests.policies.unit.chainkit import three_tiers, tier_tags
from tests.policies.unit.sgkit import (
    SG,
    VPC_IN,
    U,
    _opts,
    check,
    check_stack,
    engine_props,
    urn,
    vpc_rule,
)

ADMIN = "sg-no-public-admin-ports"
RECORDS = {record.name: record for record in POLICIES}
TIERS = "sg-tier-isolation"


@pytest.fixture(autouse=True)
def fresh_memos() -> Iterator[None]:
    sdk.NORMALIZED.clear()
    sdk.STACK_GRAPHS.clear()
    yield
    sdk.NORMALIZED.clear()
    sdk.STACK_GRAPHS.clear()


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


def test_memo_stores_nothing_when_the_computation_raises() -> None:
    memo: BoundedMemo[str, int] = BoundedMemo(1)

    def fail() -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        memo.get_or_compute("a", fail)
    assert memo.get_or_compute("a", lambda: 1) == 1


def test_memo_needs_room_for_one_entry() -> None:
    with pytest.raises(ValueError):
        BoundedMemo(0)


class _SlowEntries(OrderedDict[Any, Any]):
    """Entries whose lookups sleep, letting other threads run in the middle of get_or_compute,
    and which count how often two threads were inside at once."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = 0
        self.overlaps = 0

    def get(self, key: Any, default: Any = None) -> Any:
        self.inside += 1
        self.overlaps += self.inside > 1
        try:
            found = super().get(key, default)
            time.sleep(0.0001)  # releases the GIL: an unlocked memo is entered again here
            return found
        finally:
            self.inside -= 1


def test_memo_is_safe_to_share_between_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = _SlowEntries()
    monkeypatch.setattr(memo_module, "OrderedDict", lambda: entries)
    memo: BoundedMemo[int, int] = BoundedMemo(4)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(200):
                key = (i + offset) % 7  # 7 keys in 4 places: entries are evicted all the time
                assert memo.get_or_compute(key, partial(pow, key, 2)) == key * key
        except BaseException as error:  # without the lock: a KeyError for an evicted entry
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert entries.overlaps == 0
    assert len(memo) == 4


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
        ({"p": UnknownValue("string")}, {"p": UnknownValue("number")}),
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


def test_the_resource_memo_stays_bounded() -> None:
    for i in range(3 * sdk.NORMALIZED.maxsize):
        outcome = check(ADMIN, VPC_IN, vpc_rule(from_port=i, cidrIpv4="0.0.0.0/0"), name=f"r{i}")
        assert bool(outcome.violations) == (i == 22)
    assert len(sdk.NORMALIZED) == sdk.NORMALIZED.maxsize


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
