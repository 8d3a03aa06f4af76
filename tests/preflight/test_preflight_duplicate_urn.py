"""Two registrations of one URN: the engine refuses the program, and so do the mocks and preflight.

Pulumi's own MockMonitor silently overwrites the first registration, so a plan the engine would
refuse ("Duplicate resource URN '<urn>'; try giving it a unique name") used to pass preflight.
"""

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from preflight.mock_runtime import DuplicateUrnError

ROOT = Path(__file__).resolve().parents[2]
VPC = "vpc-0a1b2c3d4e5f60718"
PROGRAM = f"""\
import pulumi_aws as aws

aws.ec2.SecurityGroup("twice", vpc_id="{VPC}", description="first")
aws.ec2.SecurityGroup("twice", vpc_id="{VPC}", description="second")
"""
URN = "urn:pulumi:dup::tiered-sg::aws:ec2/securityGroup:SecurityGroup::twice"


@pytest.fixture
def leftovers(pulumi_runtime):
    """The SDK's futures that carry the refusal and are never awaited: recorded, not logged.

    Left to the default handler they are logged when collected, spilling tracebacks into the
    run; on this Python (3.11.7) that was seen to break a later import under pytest's assertion
    rewriting with "SystemError: AST constructor recursion depth mismatch".
    """
    found = []
    pulumi_runtime.loop.set_exception_handler(lambda _, context: found.append(context))
    yield found
    gc.collect()
    assert all(isinstance(c.get("exception"), DuplicateUrnError) for c in found), found


def test_the_monitor_refuses_a_second_registration_of_a_urn(pulumi_runtime, leftovers):
    def program() -> None:
        aws.ec2.SecurityGroup("twice", vpc_id=VPC, description="first")
        aws.ec2.SecurityGroup("twice", vpc_id=VPC, description="second")

    with pytest.raises(DuplicateUrnError) as caught:
        pulumi_runtime.run(program)
    urn = "urn:pulumi:test::tiered-sg::aws:ec2/securityGroup:SecurityGroup::twice"
    assert str(caught.value) == f"Duplicate resource URN '{urn}'; try giving it a unique name"
    # The first registration stands, unchanged; the second never reached the fake cloud.
    assert [(r.urn, r.inputs["description"]) for r in pulumi_runtime.registrations] == [
        (urn, "first")
    ]


class Box(pulumi.ComponentResource):
    def __init__(self, name: str, child: str) -> None:
        super().__init__("test:index:Box", name)
        aws.ec2.SecurityGroup(child, vpc_id=VPC, opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def test_one_name_for_resources_of_different_type_chains_is_fine(pulumi_runtime):
    def program() -> None:
        Box("one", child="one")  # the component and its child differ in type chain
        aws.ec2.SecurityGroup("one", vpc_id=VPC)  # a top-level group differs from Box's child

    pulumi_runtime.run(program)
    assert len({r.urn for r in pulumi_runtime.registrations}) == 3


def test_children_of_two_parents_clash_when_type_chain_and_name_match(pulumi_runtime, leftovers):
    # A child's URN holds its parents' types, not their names (as the engine builds it): the
    # "sg" children of two Box components share one URN.
    def program() -> None:
        Box("one", child="sg")
        Box("two", child="sg")

    with pytest.raises(DuplicateUrnError) as caught:
        pulumi_runtime.run(program)
    urn = "urn:pulumi:test::tiered-sg::test:index:Box$aws:ec2/securityGroup:SecurityGroup::sg"
    assert str(caught.value) == f"Duplicate resource URN '{urn}'; try giving it a unique name"


def _project(directory: Path) -> Path:
    shutil.copy(ROOT / "Pulumi.yaml", directory / "Pulumi.yaml")
    (directory / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    (directory / "Pulumi.dup.yaml").write_text("config:\n  aws:region: us-east-1\n")
    return directory


def test_python_m_preflight_reports_it_in_one_line_and_exits_2(tmp_path):
    # As the CLI does: one line, no traceback, no "Future exception was never retrieved".
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PREFLIGHT_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "preflight", "dup", "--project-dir", str(_project(tmp_path))],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"error: Duplicate resource URN '{URN}'; try giving it a unique name\n"
