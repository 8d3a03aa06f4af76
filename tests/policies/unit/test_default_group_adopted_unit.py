"""sg-default-group-adopted: a VPC the stack creates and whose default group nothing adopts, in
preview (ids unknown, adopters found through their dependencies) and at up (ids known)."""

from __future__ import annotations

import pytest

from tests.policies.unit.chainkit import three_tiers
from tests.policies.unit.sgkit import DEFAULT_SG, VPC, Res, U, check_stack, urn

pytestmark = pytest.mark.usefixtures("each_transport")

ADOPTED = "sg-default-group-adopted"
NATIVE_VPC = "aws-native:ec2:Vpc"
DEFAULT_VPC = "aws:ec2/defaultVpc:DefaultVpc"
EXISTING = "vpc-0123456789abcdef0"


def vpc(name: str, *, preview: bool, type_: str = VPC) -> Res:
    known = f"vpc-{name}"
    props = {"cidrBlock": "10.0.0.0/16", "id": U if preview else known}
    if type_ == NATIVE_VPC:
        props["vpcId"] = U if preview else known
    return Res(type_, name, props)


def adopter(
    name: str,
    of: Res | str,
    *,
    preview: bool,
    property_dependencies: bool = True,
    dependencies: bool = True,
) -> Res:
    """An ``aws.ec2.DefaultSecurityGroup`` with no rules adopting ``of`` (a VPC, or an id)."""
    if isinstance(of, str):
        return Res(DEFAULT_SG, name, {"vpcId": of, "ingress": [], "egress": []})
    vpc_id = U if preview else of.props["id"]
    return Res(
        DEFAULT_SG,
        name,
        {"vpcId": vpc_id, "ingress": [], "egress": []},
        property_dependencies={"vpcId": [of.urn]} if property_dependencies else {},
        dependencies=[of.urn] if dependencies else [],
    )


@pytest.mark.parametrize("preview", [True, False])
def test_a_vpc_whose_default_group_nothing_adopts_is_reported_on_the_vpc(preview: bool) -> None:
    outcome = check_stack(ADOPTED, [vpc("main", preview=preview)])
    assert outcome.urns == [urn(VPC, "main")]
    assert outcome.violations[0].startswith("VPC 'main' gets a default security group from AWS")
    assert not outcome.notes


def test_a_vpc_adopted_by_its_id_is_silent() -> None:
    main = vpc("main", preview=False)
    by_id = adopter(
        "main-default", main, preview=False, property_dependencies=False, dependencies=False
    )
    assert check_stack(ADOPTED, [main, by_id]).clean


def test_a_vpc_adopted_through_property_dependencies_in_preview_is_silent() -> None:
    main = vpc("main", preview=True)
    assert check_stack(ADOPTED, [main, adopter("d", main, preview=True, dependencies=False)]).clean


def test_a_vpc_adopted_through_dependencies_alone_in_preview_is_silent() -> None:
    main = vpc("main", preview=True)
    only_dependencies = adopter("d", main, preview=True, property_dependencies=False)
    assert check_stack(ADOPTED, [main, only_dependencies]).clean


@pytest.mark.parametrize("preview", [True, False])
def test_an_adopter_of_another_vpc_does_not_count(preview: bool) -> None:
    main = vpc("main", preview=preview)
    outcome = check_stack(ADOPTED, [main, adopter("existing-default", EXISTING, preview=preview)])
    assert outcome.urns == [main.urn]
    assert not outcome.notes


@pytest.mark.parametrize("preview", [True, False])
def test_of_two_vpcs_only_the_one_not_adopted_is_reported(preview: bool) -> None:
    main, spare = vpc("main", preview=preview), vpc("spare", preview=preview)
    outcome = check_stack(ADOPTED, [main, spare, adopter("main-default", main, preview=preview)])
    assert outcome.urns == [spare.urn]
    assert "VPC 'spare'" in outcome.violations[0]
    assert not outcome.notes


@pytest.mark.parametrize("preview", [True, False])
def test_a_stack_in_an_existing_vpc_is_silent(preview: bool) -> None:
    # dev and prod: the chain goes into an existing VPC; prod also adopts its default group.
    stack = three_tiers(preview=preview).owned()
    assert check_stack(ADOPTED, stack.resources).clean
    closed = [*stack.resources, adopter("tiered-default-group", EXISTING, preview=preview)]
    assert check_stack(ADOPTED, closed).clean


def test_an_adopter_whose_vpc_is_unknown_in_preview_makes_a_note_not_a_finding() -> None:
    main = vpc("main", preview=True)
    lost = adopter("d", main, preview=True, property_dependencies=False, dependencies=False)
    outcome = check_stack(ADOPTED, [main, lost])
    assert not outcome.violations
    assert outcome.notes == [
        "everything known was checked; not yet: VPC 'main' has no known adopter of its default "
        "security group; whether 'd' (vpcId is unknown in preview and has no recorded "
        "dependency) adopts it is checked again at `pulumi up`, when ids are known."
    ]


def test_an_adopter_depending_on_two_vpcs_is_not_guessed() -> None:
    main, spare = vpc("main", preview=True), vpc("spare", preview=True)
    both = adopter("d", main, preview=True)
    both.property_dependencies = {"vpcId": [main.urn, spare.urn]}
    outcome = check_stack(ADOPTED, [main, spare, both])
    assert not outcome.violations
    assert "(vpcId depends on several VPCs)" in outcome.text()


@pytest.mark.parametrize("preview", [True, False])
def test_an_aws_native_vpc_counts_too(preview: bool) -> None:
    native = vpc("native", preview=preview, type_=NATIVE_VPC)
    assert check_stack(ADOPTED, [native]).urns == [urn(NATIVE_VPC, "native")]
    adopted = adopter("native-default", native, preview=preview, property_dependencies=preview)
    assert check_stack(ADOPTED, [native, adopted]).clean


def test_the_default_vpc_is_not_created_by_the_stack_and_not_reported() -> None:
    assert check_stack(ADOPTED, [Res(DEFAULT_VPC, "default", {"id": EXISTING})]).clean
