"""Drift: a rule added behind Pulumi's back (boto3, as a console user would) on the `local` stack.

With exclusive ownership (the default) `pulumi refresh` shows the rule on the group's exclusive
rule set and the next `up` revokes it; with `tiered-sg:exclusiveRules: false` the same rule
stays through `up`. Sequential steps of one deployment; every result read back from EC2.
"""

import pytest

from tests.e2e.chain_urns import steps
from tests.e2e.conftest import WorkspaceFactory
from tests.e2e.deployment import DEAD_ENDPOINT, Deployment
from tests.e2e.emulator import Emulator

pytestmark = pytest.mark.timeout(300)

STACK = "local"


def add_by_hand(chain: Deployment, group: str, port: int, cidr: str) -> str:
    """Authorize an ingress rule with boto3, as in the console; returns its sgr- id."""
    group_id = chain.ec2.chain_groups()[group]["GroupId"]
    permission = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    reply = chain.ec2.ec2.authorize_security_group_ingress(
        GroupId=group_id, IpPermissions=[{**permission, "IpRanges": [{"CidrIp": cidr}]}]
    )
    return str(reply["SecurityGroupRules"][0]["SecurityGroupRuleId"])


@pytest.fixture(scope="module")
def chain(new_workspace: WorkspaceFactory, module_emulator: Emulator) -> Deployment:
    workspace = new_workspace(DEAD_ENDPOINT)
    workspace.pulumi("stack", "init", STACK)
    workspace.aim_at(STACK, module_emulator.endpoint)
    deployment = Deployment(workspace, module_emulator)
    deployment.up(steps("create", deployment.urns()))
    return deployment


def test_refresh_shows_a_rule_added_by_hand_and_the_next_up_revokes_it(chain: Deployment) -> None:
    ours = chain.rule_ids()
    web = chain.ec2.chain_groups()["tiered-web"]["GroupId"]
    web_ingress = chain.ec2.rule_ids(web, egress=False)
    added = add_by_hand(chain, "tiered-web", 3389, "10.0.0.0/8")
    exclusive = chain.urn.exclusive("tiered-web")

    refresh = chain.workspace.refresh(STACK)
    assert refresh.applied.results() == steps("same", chain.urns(), {exclusive: "update"})
    listed = refresh.applied.outputs_of(exclusive)["ingressRuleIds"]
    assert set(listed) == web_ingress | {added}
    assert added in chain.ec2.rule_ids(web), "refresh only reads"

    chain.up(steps("same", chain.urns(), {exclusive: "update"}))
    assert chain.rule_ids() == ours, "only the hand-made rule is revoked"
    chain.assert_ec2_is_the_plan()


def test_with_exclusive_rules_off_a_rule_added_by_hand_stays(chain: Deployment) -> None:
    ours = chain.rule_ids()
    chain.workspace.pulumi("config", "set", "--stack", STACK, "tiered-sg:exclusiveRules", "false")
    owners = {chain.urn.exclusive(group): "delete" for group in chain.groups}
    chain.up(steps("same", chain.urns(), owners))
    chain.exclusive = False
    assert chain.rule_ids() == ours, "dropping ownership revokes nothing"

    added = add_by_hand(chain, "tiered-app", 9000, "10.1.0.0/16")
    chain.up(steps("same", chain.urns()))
    after = chain.rule_ids()
    assert after["tiered-app"] == ours["tiered-app"] | {added}
    assert {g: ids for g, ids in after.items() if g != "tiered-app"} == {
        g: ids for g, ids in ours.items() if g != "tiered-app"
    }
