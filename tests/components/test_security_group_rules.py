"""SecurityGroupRules: rules on a security group made elsewhere, which is never created or
deleted; ownership an explicit choice; the URNs of 0.1.0's rules-only ManagedSecurityGroup kept
through an alias of the component's old type."""

from typing import Any

import pytest

from tiered_sg import ManagedSecurityGroup, SecurityGroupRules, TieredSgError

VPC = "vpc-0a1b2c3d4e5f60718"
ALB = "sg-0123456789abcdef0"
TYPE = "tiered-sg:index:SecurityGroupRules"
OLD_TYPE = "tiered-sg:index:ManagedSecurityGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"


def rules(runtime, name: str = "extra", **args: Any) -> SecurityGroupRules:
    return runtime.run(lambda: SecurityGroupRules(name, args))  # type: ignore[arg-type]


def test_writes_rules_on_the_given_group_and_creates_none(pulumi_runtime):
    component = rules(
        pulumi_runtime,
        group_id=ALB,
        exclusive_rules=False,
        egress=[{"ports": ["tcp:8080"], "cidrs": ["10.0.0.0/16"]}],
        tags={"team": "edge"},
    )
    assert pulumi_runtime.of_type(SG) == []
    assert pulumi_runtime.of_type(EXCLUSIVE) == []
    (rule,) = pulumi_runtime.of_type(EGRESS)
    assert rule.name == "extra-out-tcp-8080-to-10.0.0.0-16"
    assert rule.inputs["securityGroupId"] == ALB
    assert rule.inputs["tags"] == {"team": "edge"}
    assert rule.parent == pulumi_runtime.named("extra", TYPE).urn
    assert pulumi_runtime.resolve(component.group_id) == ALB
    assert pulumi_runtime.resolve(component.rule_count) == 1


def test_takes_over_the_group_when_asked(pulumi_runtime):
    rules(
        pulumi_runtime,
        group_id=ALB,
        exclusive_rules=True,
        ingress=[{"ports": ["https"], "cidrs": ["0.0.0.0/0"]}],
    )
    (owned,) = pulumi_runtime.of_type(EXCLUSIVE)
    assert owned.name == "extra-rules-exclusive"
    assert owned.inputs == {
        "securityGroupId": ALB,
        "ingressRuleIds": [pulumi_runtime.named("extra-in-tcp-443-from-0.0.0.0-0").id],
        "egressRuleIds": [],
    }


def test_children_are_named_as_a_created_groups_are(pulumi_runtime):
    """The rule names do not depend on who made the group: moving between the two components
    under one name keeps every child's name."""
    args = {"ingress": [{"ports": ["ssh", "https"], "cidrs": ["10.0.0.0/8", "2001:db8::/32"]}]}

    def program() -> None:
        ManagedSecurityGroup("made", {"vpc_id": VPC, **args})  # type: ignore[typeddict-item]
        SecurityGroupRules("given", {"group_id": ALB, "exclusive_rules": True, **args})  # type: ignore[typeddict-item]

    pulumi_runtime.run(program)

    def children(owner: str) -> set[str]:
        named = (r.name for r in pulumi_runtime.registrations if r.custom)
        return {name.removeprefix(owner) for name in named if name.startswith(owner)}

    assert children("given") == children("made") - {""}  # all but the group itself
    assert len(children("given")) == 5  # four rules and the exclusive list


def test_the_component_carries_an_alias_of_its_old_type(pulumi_runtime):
    sent = pulumi_runtime.record_requests()
    rules(
        pulumi_runtime,
        group_id=ALB,
        exclusive_rules=False,
        egress=[{"ports": ["all"], "cidrs": ["10.0.0.0/8"]}],
    )
    (alias,) = sent["extra"].aliases
    assert alias.spec.type == OLD_TYPE
    assert alias.spec.name == ""  # the same name: only the type moved
    # Children carry none of their own: the engine derives theirs from the parent's.
    assert not sent["extra-out-all-to-10.0.0.0-8"].aliases


_BOTH = "pass False to only add these rules, or True to take over every rule of that group"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"group_id": ALB},
            "exclusive_rules None: must be chosen with group_id, which names a group made "
            f"elsewhere; {_BOTH} (rules not listed here are revoked)",
        ),
        (
            {"exclusive_rules": False},
            "group_id None: is required; pass the id of the group to write the rules on, e.g. "
            "alb.id",
        ),
        (
            {"group_id": ALB, "vpc_id": VPC, "exclusive_rules": False},
            "key 'vpc_id': makes no sense with group_id, which names a group tiered-sg does not "
            "create; a group made elsewhere is in its VPC already; drop vpc_id, or use "
            "ManagedSecurityGroup to create a new group",
        ),
        (
            {"group_id": ALB, "description": "ALB", "exclusive_rules": False},
            "key 'description': makes no sense with group_id, which names a group tiered-sg does "
            "not create; tiered-sg does not create that group, so it cannot describe it; drop "
            "description, or use ManagedSecurityGroup to create a new group",
        ),
        (
            {"group_id": ALB, "delete_timeout": "1h", "exclusive_rules": False},
            "key 'delete_timeout': makes no sense with group_id, which names a group tiered-sg "
            "does not create; tiered-sg never deletes that group; drop delete_timeout, or use "
            "ManagedSecurityGroup to create a new group",
        ),
        (
            {"group_id": "sg-xyz", "exclusive_rules": False},
            "group_id 'sg-xyz': is not a security group id ('sg-' and 8 or 17 lowercase hex "
            "digits); use the id AWS shows, like 'sg-0123456789abcdef0'",
        ),
        (
            {"group_id": ALB, "exclusive_rules": "yes"},
            "exclusive_rules 'yes': is a string where a boolean is expected; write true or false",
        ),
        (
            {"group_id": ALB, "exclusive_rules": False, "ingres": []},
            "key 'ingres': is not a known setting; did you mean 'ingress'?",
        ),
        (
            {"group_id": ALB, "exclusive_rules": False, "tags": {"aws:x": "y"}},
            "tags key 'aws:x': keys starting with 'aws:' are reserved; rename the tag",
        ),
    ],
)
def test_refusals_name_the_argument_and_register_nothing(pulumi_runtime, args, message):
    with pytest.raises(TieredSgError) as caught:
        rules(pulumi_runtime, **args)
    assert str(caught.value) == message
    assert pulumi_runtime.registrations == []


def test_a_managed_group_given_a_group_id_points_at_this_component(pulumi_runtime):
    with pytest.raises(TieredSgError) as caught:
        pulumi_runtime.run(
            lambda: ManagedSecurityGroup("legacy", {"group_id": ALB, "exclusive_rules": False})  # type: ignore[typeddict-unknown-key]
        )
    assert str(caught.value) == (
        "key 'group_id': is not an argument of ManagedSecurityGroup, which always creates its "
        "group; write rules on an existing group with SecurityGroupRules('legacy', {'group_id': "
        "..., 'exclusive_rules': ..., 'ingress': ...}), which under the same name keeps the URNs "
        "in your state"
    )
    assert pulumi_runtime.registrations == []


def test_the_spec_refuses_what_the_args_refuse(pulumi_runtime):
    from tiered_sg.rules_spec import RulesSpec

    with pytest.raises(TieredSgError, match="group extra group_id 'sg-1'"):
        RulesSpec("extra", "sg-1", (), {}, False)
    with pytest.raises(TieredSgError, match="group extra tags key 'aws:x'"):
        RulesSpec("extra", ALB, (), {"aws:x": "y"}, False)
    spec = RulesSpec("extra", ALB, (), {"a": "b"}, True)
    with pytest.raises(TypeError):
        spec.tags["c"] = "d"  # type: ignore[index]
