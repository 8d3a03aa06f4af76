"""A group name is checked once, where it enters (issue 20, item 5): the specs and the plan take a
name that check_group_name passed (a CheckedName) without checking it again."""

from collections.abc import Iterator

import pytest

from tiered_sg import ChainSpec, GroupSpec, TieredSgError, Topology, naming
from tiered_sg.chain import plan_chain
from tiered_sg.group_args import parse_group_args
from tiered_sg.naming import CheckedName, check_group_name
from tiered_sg.rules_args import parse_rules_args

VPC = "vpc-0123456789abcdef0"
ALB = "sg-0123456789abcdef0"


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names check_group_name is called with, wherever it is called from."""
    names: list[str] = []
    real = naming.check_group_name

    def counting(name: str, *args: object, **kwargs: object) -> CheckedName:
        names.append(name)
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    for module in ("naming", "group_args", "rules_args", "plan", "chain", "chain_spec"):
        monkeypatch.setattr(f"tiered_sg.{module}.check_group_name", counting)
    yield names


def test_a_checked_name_is_a_plain_str_in_the_spec():
    name = check_group_name("web")
    assert isinstance(name, CheckedName)
    assert name == "web"
    spec = GroupSpec.create(name, [])
    assert type(spec.name) is str
    assert spec == GroupSpec.create("web", [])


def test_a_spec_built_directly_still_checks_its_name(checked: list[str]):
    with pytest.raises(TieredSgError):
        GroupSpec.create("sg-web", [])
    GroupSpec.create("web", [])
    assert checked == ["sg-web", "web"]


def test_component_args_check_the_name_once(checked: list[str]):
    parse_group_args("web", {"vpc_id": VPC})
    parse_rules_args("alb", {"group_id": ALB, "exclusive_rules": False})
    assert checked == ["web", "alb"]


def test_a_plan_checks_each_name_where_it_is_written(checked: list[str]):
    shop = Topology("shop")
    shop.group("web").allow_from(shop.group("lb"), "https")
    shop.validate()
    assert checked == ["shop", "web", "shop-web", "lb", "shop-lb"]


def test_a_chain_checks_its_name_once_and_each_group_where_it_is_planned(checked: list[str]):
    spec = ChainSpec.from_args({"tiers": [{"name": "web", "ports": ["https"]}]})
    plan_chain("tiered", spec).validate()
    assert checked == ["web", "tiered", "web", "tiered-web"]
