"""Faults during `pulumi up` on the `local` stack, and what it takes to converge afterwards.

- the emulator dies mid-`up`: the command fails naming the call that could not connect; a fresh
  emulator, `pulumi refresh` and `up` converge with no duplicate group or rule;
- EC2 refuses a rule (the stand-in's rule quota lowered) half-way through a port change: EC2's own
  code and message reach the user, no kept rule is touched, and the next `up` finishes;
- Ctrl-C (SIGINT to the CLI's process group, as a terminal sends it) during `up`: the next `up`
  finishes without any manual edit of the state.

EC2 calls are slowed (TIERED_SG_STANDIN_CALL_DELAY_S) where a fault must land mid-`up`.
Sequential steps of one workspace; every result read back from EC2.
"""

import re

import pytest

from tests.e2e.aws_standin.ec2api import DELAY_ENV
from tests.e2e.aws_standin.quota import QUOTA_ENV
from tests.e2e.chain_urns import steps
from tests.e2e.conftest import WorkspaceFactory
from tests.e2e.deployment import DEAD_ENDPOINT, Deployment, tiers, wait_until
from tests.e2e.ec2_readback import Ec2View
from tests.e2e.emulator import Emulator

pytestmark = pytest.mark.timeout(300)

STACK = "local"
SLOW = {DELAY_ENV: "0.1"}
HALF_WAY_S = 180


def our_rules(chain: Deployment) -> int:
    """How many of the chain's rules EC2 has (tagged by it: a new group's default egress rule,
    not yet revoked, is not ours)."""
    return sum(
        "tiered-sg:chain" in tags
        for group in chain.ec2.chain_groups().values()
        for tags in chain.ec2.rule_tags(group["GroupId"])
    )


def half_made(chain: Deployment) -> bool:
    """Every group is made and some of its rules are: an `up` surely in its middle."""
    return len(chain.ec2.chain_groups()) == len(chain.groups) and our_rules(chain) >= 3


def assert_converged(chain: Deployment) -> None:
    """EC2 holds the plan exactly (one group per name, no extra rule), and nothing is left to do."""
    chain.assert_ec2_is_the_plan()
    chain.preview(steps("same", chain.urns()))


@pytest.fixture(scope="module")
def chain(new_workspace: WorkspaceFactory, module_emulator: Emulator) -> Deployment:
    workspace = new_workspace(DEAD_ENDPOINT)
    workspace.pulumi("stack", "init", STACK)
    workspace.aim_at(STACK, module_emulator.endpoint)
    return Deployment(workspace, module_emulator)


def test_the_emulator_dying_mid_up_fails_clearly_then_refresh_and_up_converge(
    chain: Deployment, module_emulator: Emulator
) -> None:
    workspace = chain.workspace
    with workspace.spawn("up", "--stack", STACK, "--yes", env=SLOW) as running:
        wait_until(lambda: half_made(chain), HALF_WAY_S, "the up to be half-way")
        module_emulator.stop()
        failed = running.wait()
    assert failed.exit_code != 0
    output = failed.output
    assert f'Could not connect to the endpoint URL: "{module_emulator.endpoint}/"' in output
    # Each failure names the operation, the resource, the EC2 call and the cause.
    assert re.search(
        r"(creating|updating) aws:\w+/\w+:\w+ \(tiered-[\w.-]+\): \w+: Could not connect", output
    ), output[-3000:]
    assert "Traceback" not in output

    module_emulator.restart()  # empty, on the same endpoint
    chain.ec2 = Ec2View(module_emulator.ec2())
    refresh = workspace.refresh(STACK)
    # What the state recorded is gone from the fresh emulator: refresh drops it.
    assert "delete" in refresh.applied.results().values()
    assert chain.ec2.group_names() == ["default"]
    workspace.up(STACK)
    assert_converged(chain)


def test_an_ec2_refusal_mid_change_shows_ec2s_message_and_keeps_every_kept_rule(
    chain: Deployment,
) -> None:
    replaced = chain.rule_ids_on_port(8080)
    kept = chain.all_rule_ids() - replaced
    assert len(replaced) == 2
    chain.workspace.set_config(
        STACK, tiers(("web", ("http", "https")), ("app", ("tcp:8081",)), ("db", ("postgres",)))
    )
    # app has 2 inbound rules: a quota of 2 refuses its new one, web's new egress still fits.
    refused = chain.workspace.pulumi(
        "up", "--stack", STACK, "--yes", "--json", env={QUOTA_ENV: "2"}, check=False
    ).events()
    assert refused.exit_code != 0
    assert any(
        "creating aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "
        "(tiered-app-in-tcp-8081-from-web): AuthorizeSecurityGroupIngress: "
        "RulesPerSecurityGroupLimitExceeded: "
        "The maximum number of rules per security group has been reached." in error
        for error in refused.errors()
    ), refused.errors()
    assert kept <= chain.all_rule_ids(), "a half-finished up revoked a kept rule"

    chain.workspace.up(STACK)
    chain.rules -= {"tiered-web-out-tcp-8080-to-app", "tiered-app-in-tcp-8080-from-web"}
    chain.rules |= {"tiered-web-out-tcp-8081-to-app", "tiered-app-in-tcp-8081-from-web"}
    chain.assert_ec2_is_the_plan()
    now = chain.all_rule_ids()
    assert kept <= now and not replaced & now


def test_ctrl_c_during_up_leaves_a_state_the_next_up_finishes(chain: Deployment) -> None:
    workspace = chain.workspace
    workspace.destroy(STACK)
    assert chain.ec2.group_names() == ["default"]
    with workspace.spawn("up", "--stack", STACK, "--yes", env=SLOW) as running:
        wait_until(lambda: half_made(chain), HALF_WAY_S, "the up to be half-way")
        running.interrupt()
        interrupted = running.wait()
    assert interrupted.exit_code != 0
    assert "update canceled" in interrupted.output

    # No `pulumi stack export/import`, no `state delete`: the plain next `up` finishes the job.
    outcome = workspace.up(STACK)
    assert outcome.applied.changes().get("create", 0) > 0, "Ctrl-C landed after the up was done"
    assert_converged(chain)
