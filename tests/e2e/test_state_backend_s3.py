"""Team state in an S3 bucket (moto's S3, on the same emulator as EC2): the README's "Deploying"
commands, one by one, with `pulumi login s3://...?endpoint=...` instead of a real bucket.

Two copies of the project, each with its own PULUMI_HOME and logged in to the same bucket, stand
for two teammates: one deploys, the other reads the outputs from its own `pulumi` process, and
its `up` is refused while the first one's holds the stack's lock. Sequential steps.
"""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.aws_standin.ec2api import DELAY_ENV
from tests.e2e.chain_urns import steps
from tests.e2e.conftest import WorkspaceFactory
from tests.e2e.deployment import DEAD_ENDPOINT, Deployment, wait_until
from tests.e2e.emulator import Emulator
from tests.e2e.workspace import Workspace

pytestmark = pytest.mark.timeout(300)

STACK = "local"
BUCKET = "tiered-sg-state"
STACK_FILE = ".pulumi/stacks/tiered-sg/local.json"
LOCKS = ".pulumi/locks/"


def backend_url(emulator: Emulator) -> str:
    return f"s3://{BUCKET}?endpoint={emulator.endpoint}&region=us-east-1&use_path_style=true"


def logged_in(make: Callable[[], Workspace], url: str) -> Workspace:
    """A project copy whose CLI keeps state in the bucket (`pulumi login`, no file backend)."""
    workspace = make()
    del workspace.env["PULUMI_BACKEND_URL"]
    workspace.pulumi("login", url)
    return workspace


class Team:
    """Two teammates' project copies on one bucket, and the stack they share."""

    def __init__(self, emulator: Emulator, alice: Workspace, bob: Workspace) -> None:
        self.emulator = emulator
        self.s3 = emulator.client("s3")
        self.alice, self.bob = alice, bob
        self.chain = Deployment(alice, emulator)

    def objects(self, prefix: str = ".pulumi/") -> set[str]:
        listed = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return {str(item["Key"]) for item in listed.get("Contents", [])}


@pytest.fixture(scope="module")
def team(new_workspace: WorkspaceFactory, module_emulator: Emulator, pack_venv: Path) -> Team:
    module_emulator.client("s3").create_bucket(Bucket=BUCKET)
    url = backend_url(module_emulator)
    alice = logged_in(lambda: new_workspace(DEAD_ENDPOINT, pack_venv=pack_venv), url)
    bob = logged_in(lambda: new_workspace(DEAD_ENDPOINT), url)
    return Team(module_emulator, alice, bob)


def test_up_keeps_the_stack_in_the_bucket(team: Team) -> None:
    alice = team.alice
    assert alice.pulumi("whoami", "--verbose").stdout.count(f"s3://{BUCKET}") >= 1
    alice.pulumi("stack", "init", STACK)
    alice.aim_at(STACK, team.emulator.endpoint)
    expected = steps("create", team.chain.urns())
    preview = alice.preview(STACK, "--policy-pack", "policies")
    assert (preview.exit_code, preview.ops(), preview.policy_findings) == (0, expected, [])
    team.chain.up(expected, "--policy-pack", "policies")
    team.chain.assert_ec2_is_the_plan()
    assert STACK_FILE in team.objects()
    assert not (alice.root / "state" / ".pulumi").exists(), "nothing in the file backend"


def test_a_teammate_reads_the_outputs_from_a_separate_process(team: Team) -> None:
    bob = team.bob
    # The stack's settings file is shared through the repository, as in a team.
    settings = "Pulumi.local.yaml"
    (bob.project / settings).write_text((team.alice.project / settings).read_text())
    assert [s["name"] for s in _stacks(bob)] == [STACK]
    groups = team.chain.ec2.chain_groups()
    outputs = bob.stack_outputs(STACK)
    assert outputs["groupIds"] == {
        tier: groups[f"tiered-{tier}"]["GroupId"] for tier in ("web", "app", "db")
    }
    assert outputs["adminGroupId"] == groups["tiered-admin"]["GroupId"]


def test_a_second_up_while_one_runs_is_refused_by_the_lock(team: Team) -> None:
    # `up --refresh` reads every resource first; slowed EC2 calls keep it (and its lock) going.
    slow = {DELAY_ENV: "0.1"}
    with team.alice.spawn("up", "--stack", STACK, "--yes", "--refresh", env=slow) as running:
        wait_until(lambda: bool(team.objects(LOCKS)), 120, "the first up's lock in the bucket")
        refused = team.bob.pulumi("up", "--stack", STACK, "--yes", check=False)
        assert running.running, "the first up must still hold the lock"
        first = running.wait()
    assert refused.exit_code != 0
    assert "the stack is currently locked by 1 lock(s)" in refused.output
    assert "pulumi cancel" in refused.output and f"s3://{BUCKET}" in refused.output
    assert first.exit_code == 0, first.output[-3000:]
    assert team.objects(LOCKS) == set(), "the lock is released"
    team.chain.assert_ec2_is_the_plan()


def test_destroy_and_stack_rm_empty_the_bucket(team: Team) -> None:
    outcome = team.alice.destroy(STACK)
    assert outcome.applied.ops() == steps("delete", team.chain.urns())
    assert team.chain.ec2.group_names() == ["default"]
    team.alice.pulumi("stack", "rm", "--stack", STACK, "--yes")
    assert STACK_FILE not in team.objects()
    assert _stacks(team.bob) == []


def _stacks(workspace: Workspace) -> list[dict[str, object]]:
    listed: list[dict[str, object]] = json.loads(workspace.pulumi("stack", "ls", "--json").stdout)
    return listed
