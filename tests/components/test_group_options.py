"""GroupOptions: the per-group options as one value, checked once where they enter (issue 20,
item 5) and refused with the messages the separate fields had."""

from dataclasses import FrozenInstanceError
from typing import Any

import pytest

from tiered_sg import ChainSpec, GroupOptions, GroupSpec, TieredSgError, Topology
from tiered_sg.group_args import parse_group_args
from tiered_sg.group_options import DEFAULT_GROUP_OPTIONS
from tiered_sg.inputs import ArgPath

VPC = "vpc-0123456789abcdef0"
NOT_A_DURATION = (
    "is not a duration of whole hours (h), minutes (m) and seconds (s), in that order; "
    "write it like '45m', '1h30m' or '90s'"
)
ZERO = (
    "is zero, so a group still in use by a network interface could not be deleted; "
    "allow the interfaces time to go, e.g. '45m'"
)


def test_the_defaults_are_exclusive_rules_and_45_minutes():
    assert GroupOptions() == DEFAULT_GROUP_OPTIONS
    assert (GroupOptions().exclusive_rules, GroupOptions().delete_timeout) == (True, "45m")
    assert GroupSpec.create("web", []).options == DEFAULT_GROUP_OPTIONS
    assert ChainSpec.from_args({}).options == DEFAULT_GROUP_OPTIONS


def test_options_are_one_frozen_value():
    options = GroupOptions(exclusive_rules=False, delete_timeout="1h30m")
    assert options == GroupOptions(False, "1h30m")
    assert hash(options) == hash(GroupOptions(False, "1h30m"))
    with pytest.raises(FrozenInstanceError):
        options.delete_timeout = "1h"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"exclusive_rules": "yes"},
            "exclusive_rules 'yes': is a string where a boolean is expected; write true or false",
        ),
        (
            {"exclusive_rules": None},
            "exclusive_rules None: is null where a boolean is expected; write true or false",
        ),
        ({"delete_timeout": "0s"}, f"delete_timeout '0s': {ZERO}"),
        ({"delete_timeout": "1 hour"}, f"delete_timeout '1 hour': {NOT_A_DURATION}"),
        ({"delete_timeout": ""}, f"delete_timeout '': {NOT_A_DURATION}"),
        (
            {"delete_timeout": 45},
            "delete_timeout 45: is not a duration string; write it like '45m', '1h30m' or '90s'",
        ),
        (
            # Checked in the order of the fields.
            {"exclusive_rules": 1, "delete_timeout": "0s"},
            "exclusive_rules 1: is a number where a boolean is expected; write true or false",
        ),
    ],
)
def test_bad_options_are_refused(fields: dict[str, Any], message: str):
    with pytest.raises(TieredSgError) as caught:
        GroupOptions(**fields)
    assert str(caught.value) == message


def test_errors_name_where_the_options_came_from():
    config = ArgPath(prefix="tiered-sg:", camel=True)
    with pytest.raises(TieredSgError) as caught:
        GroupOptions.parse(True, "0s", config)
    assert str(caught.value) == f"tiered-sg:deleteTimeout '0s': {ZERO}"
    with pytest.raises(TieredSgError) as caught:
        GroupOptions.parse("no", "45m", ArgPath(prefix="topology "))
    assert str(caught.value) == (
        "topology exclusive_rules 'no': is a string where a boolean is expected; "
        "write true or false"
    )


def test_each_edge_builds_the_options_the_user_wrote():
    assert ChainSpec.from_args(
        {"exclusive_rules": False, "delete_timeout": "90s"}
    ).options == GroupOptions(False, "90s")
    spec = parse_group_args("web", {"vpc_id": VPC, "exclusive_rules": False})
    assert spec.options == GroupOptions(False, "45m")
    spec = parse_group_args("web", {"vpc_id": VPC, "delete_timeout": "1h"})
    assert spec.options == GroupOptions(True, "1h")
    assert Topology("shop", exclusive_rules=False, delete_timeout="2h").options == GroupOptions(
        False, "2h"
    )


def test_a_topology_hands_its_options_to_every_group():
    options = GroupOptions(False, "1h")
    shop = Topology.from_options("shop", options, {"team": "payments"})
    shop.group("web").allow_from(shop.group("lb"), "https")
    specs = shop.validate()
    assert {name: spec.options for name, spec in specs.items()} == {"web": options, "lb": options}
    assert specs["web"].tags == {"team": "payments"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            # The chain's settings are still checked in the order of the arguments.
            {"close_default_group": 1, "delete_timeout": "0s"},
            "close_default_group 1: is a number where a boolean is expected; write true or false",
        ),
        (
            {"exclusive_rules": "no", "close_default_group": 1},
            "exclusive_rules 'no': is a string where a boolean is expected; write true or false",
        ),
        ({"delete_timeout": "0s", "adopt": "x"}, f"delete_timeout '0s': {ZERO}"),
    ],
)
def test_the_chain_checks_its_options_in_the_order_of_its_arguments(
    args: dict[str, Any], message: str
):
    with pytest.raises(TieredSgError) as caught:
        ChainSpec.from_args(args)
    assert str(caught.value) == message


def test_a_group_checks_its_rules_before_its_delete_timeout():
    with pytest.raises(TieredSgError) as caught:
        parse_group_args("web", {"vpc_id": VPC, "delete_timeout": "0s", "ingress": "x"})
    assert str(caught.value).startswith("ingress 'x': ")
    with pytest.raises(TieredSgError) as caught:
        parse_group_args("web", {"vpc_id": VPC, "delete_timeout": "0s", "exclusive_rules": 1})
    assert str(caught.value).startswith("exclusive_rules 1: ")


def test_a_topology_takes_only_a_built_options_value():
    with pytest.raises(TieredSgError) as caught:
        Topology.from_options("shop", {"exclusive_rules": False})  # type: ignore[arg-type]
    assert str(caught.value) == (
        "topology options {'exclusive_rules': False}: is not a GroupOptions; "
        "pass GroupOptions(exclusive_rules=..., delete_timeout=...)"
    )
