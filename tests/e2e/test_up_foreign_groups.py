"""Groups that are not ours: the VPC's default group (`prod`'s closeDefaultGroup) and a group made
beforehand with boto3 that our rules go on. `up` writes exactly what the program declares on
them and `destroy` takes back only that, as EC2 shows it.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.chain_urns import steps
from tests.e2e.conftest import WorkspaceFactory
from tests.e2e.deployment import DEAD_ENDPOINT, Deployment
from tests.e2e.ec2_readback import Ec2Rule, Ec2View
from tests.e2e.emulator import Emulator

pytestmark = pytest.mark.timeout(300)

PROD_GROUPS = ("tiered-web", "tiered-app", "tiered-db")
PROD_RULES = (
    "tiered-web-in-tcp-80-from-0.0.0.0-0",
    "tiered-web-in-tcp-443-from-0.0.0.0-0",
    "tiered-web-in-tcp-80-from-0.0.0.0.0.0.0.0-0",
    "tiered-web-in-tcp-443-from-0.0.0.0.0.0.0.0-0",
    "tiered-web-out-tcp-8080-to-app",
    "tiered-app-in-tcp-8080-from-web",
    "tiered-app-out-tcp-5432-to-db",
    "tiered-db-in-tcp-5432-from-app",
)
EXISTING_GROUP = Path(__file__).parent / "programs" / "existing_group"
RULES_TYPE = "tiered-sg:index:SecurityGroupRules"
OLD_TYPE = "tiered-sg:index:ManagedSecurityGroup"


def existing_group_urns(component_type: str) -> set[str]:
    """The stack, component and two rules of ``programs/existing_group``."""
    prefix = "urn:pulumi:local::existing-group::"
    component = f"{prefix}{component_type}"
    return {
        f"{prefix}pulumi:pulumi:Stack::existing-group-local",
        f"{component}::legacy",
        f"{component}$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
        "::legacy-in-tcp-8443-from-10.20.0.0-16",
        f"{component}$aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
        "::legacy-out-tcp-5432-to-10.30.0.0-16",
    }


def test_prod_empties_the_default_group_and_destroy_leaves_it_as_it_is(
    new_workspace: WorkspaceFactory, emulator: Emulator
) -> None:
    ec2 = Ec2View(emulator.ec2())
    default = ec2.default_group(ec2.default_vpc())["GroupId"]
    # Besides AWS's own rules, one someone added by hand.
    ec2.ec2.authorize_security_group_ingress(
        GroupId=default,
        IpPermissions=[
            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": default}]},
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            },
        ],
    )
    assert len(ec2.rule_ids(default)) >= 3

    workspace = new_workspace(DEAD_ENDPOINT)
    workspace.pulumi("stack", "init", "prod")
    workspace.aim_at("prod", emulator.endpoint)
    prod = Deployment(workspace, emulator, "prod", PROD_GROUPS, PROD_RULES, default_group=True)
    assert len(prod.urns()) == 20
    prod.up(steps("create", prod.urns()))
    assert ec2.rule_ids(default) == set()
    prod.assert_ec2_is_the_plan()

    outcome = workspace.destroy("prod")
    assert outcome.applied.ops() == steps("delete", prod.urns())
    assert ec2.default_group(ec2.default_vpc())["GroupId"] == default
    assert ec2.rule_ids(default) == set(), "the rules AWS gave it are not restored"
    assert ec2.group_names() == ["default"]


def make_existing_group(ec2: Ec2View) -> tuple[str, set[str]]:
    """A group another team made, with a rule of its own (and AWS's default egress)."""
    group_id = str(
        ec2.ec2.create_security_group(
            GroupName="legacy-app", Description="Made by another team", VpcId=ec2.default_vpc()
        )["GroupId"]
    )
    ec2.ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
            }
        ],
    )
    return group_id, ec2.rule_ids(group_id)


def test_rules_on_an_existing_group_are_only_ours_and_destroy_removes_only_ours(
    new_workspace: WorkspaceFactory, emulator: Emulator
) -> None:
    ec2 = Ec2View(emulator.ec2())
    group_id, theirs = make_existing_group(ec2)
    before: dict[str, Any] = ec2.ec2.describe_security_groups(GroupIds=[group_id])[
        "SecurityGroups"
    ][0]
    workspace = new_workspace(DEAD_ENDPOINT, source=EXISTING_GROUP)
    workspace.pulumi("stack", "init", "local")
    workspace.aim_at("local", emulator.endpoint)
    workspace.pulumi("config", "set", "--stack", "local", "groupId", group_id)

    urns = existing_group_urns(RULES_TYPE)
    outcome = workspace.up("local")
    assert outcome.previewed.ops() == outcome.applied.ops() == steps("create", urns)
    assert workspace.stack_outputs("local") == {"groupId": group_id, "ruleCount": 2}

    rules = ec2.rules_by_id(group_id)
    assert theirs <= set(rules), "their rules are untouched"
    assert {rule for rule_id, rule in rules.items() if rule_id not in theirs} == {
        Ec2Rule(False, "tcp", 8443, 8443, "10.20.0.0/16", "Admin UI"),
        Ec2Rule(True, "tcp", 5432, 5432, "10.30.0.0/16", "Reporting DB"),
    }
    assert len(rules) == len(theirs) + 2
    after = ec2.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    assert (after["GroupName"], after["Description"], after.get("Tags")) == (
        before["GroupName"],
        before["Description"],
        before.get("Tags"),
    )

    destroyed = workspace.destroy("local")
    assert destroyed.applied.ops() == steps("delete", urns)
    assert ec2.rule_ids(group_id) == theirs, "only our rules are removed"


def test_a_stack_of_the_old_rules_only_mode_moves_to_security_group_rules_in_place(
    new_workspace: WorkspaceFactory, emulator: Emulator
) -> None:
    """0.1.0 wrote rules on an existing group as ManagedSecurityGroup(group_id=...); its stack
    moves to SecurityGroupRules under the same name with every rule kept (the alias of the old
    type reaches the children), not deleted and created again."""
    ec2 = Ec2View(emulator.ec2())
    group_id, theirs = make_existing_group(ec2)
    workspace = new_workspace(DEAD_ENDPOINT, source=EXISTING_GROUP)
    workspace.pulumi("stack", "init", "local")
    workspace.aim_at("local", emulator.endpoint)
    workspace.set_config("local", {"groupId": group_id, "legacy": "true"})
    old = workspace.up("local")
    assert old.applied.ops() == steps("create", existing_group_urns(OLD_TYPE))
    ours = ec2.rule_ids(group_id) - theirs
    assert len(ours) == 2

    workspace.set_config("local", {"legacy": "false"})
    new_urns = existing_group_urns(RULES_TYPE)
    preview = workspace.preview("local", check=True)
    assert preview.previewed.ops() == steps("same", new_urns)
    moved = workspace.up("local")
    assert moved.applied.ops() == steps("same", new_urns)
    assert ec2.rule_ids(group_id) == theirs | ours, "the same rules, by id"
    exported = json.loads(workspace.pulumi("stack", "export", "--stack", "local").stdout)
    resources = exported["deployment"]["resources"]
    assert {r["urn"] for r in resources if not r["type"].startswith("pulumi:providers:")} == (
        new_urns
    )
    assert workspace.preview("local", check=True).previewed.ops() == steps("same", new_urns)
