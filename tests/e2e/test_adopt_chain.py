"""Adopt a chain made by hand (issue 22): boto3 builds it as a console user would, the mapper
writes the stack config, the real CLI adopts it, and moto shows the very same groups.

Per shape: map -> `pulumi up` imports every group and rule (same group ids, no duplicate rule)
-> `pulumi preview` shows no change -> a port changed in config reaches the adopted group ->
`retainOnDelete` + `pulumi destroy` leaves the groups in AWS.
"""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import WorkspaceFactory
from tests.e2e.deployment import DEAD_ENDPOINT
from tests.e2e.ec2_readback import Ec2View
from tests.e2e.emulator import Emulator
from tests.e2e.workspace import REPO_ROOT

pytestmark = pytest.mark.timeout(420)

STACK = "local"
WORLD4, WORLD6 = "0.0.0.0/0", "::/0"


def group(ec2: Any, vpc: str, name: str, *, keep_egress: bool = True) -> str:
    group_id = str(
        ec2.create_security_group(GroupName=name, Description=f"{name} by hand", VpcId=vpc)[
            "GroupId"
        ]
    )
    if not keep_egress:
        ec2.revoke_security_group_egress(
            GroupId=group_id, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": WORLD4}]}]
        )
    return group_id


def allow(
    ec2: Any,
    group_id: str,
    port: int,
    *,
    cidrs: tuple[str, ...] = (),
    source: str | None = None,
    egress: bool = False,
    description: str = "",
) -> None:
    permission: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    extra = {"Description": description} if description else {}
    v4 = [{"CidrIp": c, **extra} for c in cidrs if ":" not in c]
    v6 = [{"CidrIpv6": c, **extra} for c in cidrs if ":" in c]
    if v4:
        permission["IpRanges"] = v4
    if v6:
        permission["Ipv6Ranges"] = v6
    if source:
        permission["UserIdGroupPairs"] = [{"GroupId": source, **extra}]
    call = ec2.authorize_security_group_egress if egress else ec2.authorize_security_group_ingress
    call(GroupId=group_id, IpPermissions=[permission])


def bastion_chain_ipv6(ec2: Any, vpc: str) -> dict[str, str]:
    """Deep-dive shape with IPv6: web 80/443 from the world (v4+v6), app 8080 from web, db
    postgres from app, and an SSH bastion group every tier accepts."""
    web, app, db = (
        group(ec2, vpc, "web-sg"),
        group(ec2, vpc, "app-sg"),
        group(ec2, vpc, "db-sg", keep_egress=False),
    )
    bastion = group(ec2, vpc, "bastion", keep_egress=False)
    for port in (80, 443):
        allow(ec2, web, port, cidrs=(WORLD4, WORLD6))
    allow(ec2, app, 8080, source=web)
    allow(ec2, db, 5432, source=app)
    allow(ec2, app, 5432, source=db, egress=True)
    allow(ec2, bastion, 22, cidrs=("203.0.113.10/32",), description="office")
    for tier in (web, app, db):
        allow(ec2, tier, 22, source=bastion)
        allow(ec2, bastion, 22, source=tier, egress=True)
    return {"web": web, "app": app, "db": db, "admin": bastion}


def egress_chain(ec2: Any, vpc: str) -> dict[str, str]:
    """Two tiers with extra egress: web 443 from 10.0.0.0/8, app 5000 from web, app sends
    HTTPS to the internet instead of everything."""
    web, app = (
        group(ec2, vpc, "front", keep_egress=False),
        group(ec2, vpc, "api", keep_egress=False),
    )
    allow(ec2, web, 443, cidrs=("10.0.0.0/8",))
    allow(ec2, app, 5000, source=web)
    allow(ec2, web, 5000, source=app, egress=True)
    allow(ec2, app, 443, cidrs=(WORLD4,), egress=True)
    return {"front": web, "api": app}


def console_chain(ec2: Any, vpc: str) -> dict[str, str]:
    """The issue's console chain: web 80/443 from the world and SSH from "My IP", app 5000 from
    web, db 3306 from app, AWS's allow-all egress everywhere."""
    web, app, db = group(ec2, vpc, "EC2-Web-SG"), group(ec2, vpc, "app"), group(ec2, vpc, "db")
    for port in (80, 443):
        allow(ec2, web, port, cidrs=(WORLD4,), description=f"Allow port {port} from anywhere")
    allow(ec2, web, 22, cidrs=("198.51.100.7/32",), description="My IP")
    allow(ec2, app, 5000, source=web)
    allow(ec2, db, 3306, source=app)
    return {"web": web, "app": app, "db": db}


def run_mapper(
    project: Path, endpoint: str, vpc: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO_ROOT / "components"),
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tiered_sg.adopt",
            "--vpc-id",
            vpc,
            "--stack",
            STACK,
            "--project",
            str(project),
            "--endpoint",
            endpoint,
            "--region",
            "us-east-1",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def rule_ids(view: Ec2View, ids: dict[str, str]) -> dict[str, set[str]]:
    return {name: view.rule_ids(gid) for name, gid in ids.items()}


def adopt_and_check(workspace: Any, view: Ec2View, ids: dict[str, str]) -> None:
    """`pulumi up` adopts (same group ids, every hand-made rule kept, none twice), then
    `pulumi preview` shows no change."""
    before = rule_ids(view, ids)
    outcome = workspace.up(STACK, check=False)
    assert outcome.exit_code == 0, outcome.applied.steps
    changes = outcome.applied.changes()
    assert "delete" not in changes and "replace" not in changes, changes
    groups = {g["GroupId"] for g in view.groups() if g["GroupName"] != "default"}
    assert groups == set(ids.values()), "adopted, not created"
    after = rule_ids(view, ids)
    for name, kept in before.items():
        assert kept <= after[name], f"{name}: an adopted rule was revoked"
    for group_id in ids.values():
        contents = [
            (r.egress, r.protocol, r.from_port, r.to_port, r.peer) for r in view.rules(group_id)
        ]
        assert len(contents) == len(set(contents)), f"duplicate rule on {group_id}"
    again = workspace.preview(STACK, check=True)
    assert set(again.ops().values()) == {"same"}, again.ops()


def change_port_then_retain_destroy(
    workspace: Any, view: Ec2View, ids: dict[str, str], tier: str, group_id: str, port: int
) -> None:
    workspace.set_config(STACK, {f"tiered-sg:tiers[{tier}].ports[0]": f"tcp:{port}"})
    workspace.up(STACK)
    ports = {r.from_port for r in view.rules(group_id) if not r.egress}
    assert port in ports, "the config's port reached the adopted group"
    workspace.pulumi("config", "set", "--stack", STACK, "tiered-sg:retainOnDelete", "true")
    workspace.up(STACK)
    workspace.destroy(STACK)
    assert workspace.state_resources(STACK) == []
    groups = {g["GroupId"] for g in view.groups() if g["GroupName"] != "default"}
    assert groups == set(ids.values()), "destroy with retainOnDelete leaves the groups"
    assert port in {r.from_port for r in view.rules(group_id) if not r.egress}


SHAPES = {
    # shape -> (builder, the tier whose port changes, its group's key, the new port)
    "bastion-ipv6": (bastion_chain_ipv6, "1", "app", 8081),
    "extra-egress": (egress_chain, "1", "api", 5001),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_hand_made_chain_is_adopted_with_zero_changes(
    shape: str, new_workspace: WorkspaceFactory, emulator: Emulator
) -> None:
    build, tier, key, port = SHAPES[shape]
    view = Ec2View(emulator.ec2())
    vpc = view.default_vpc()
    ids = build(view.ec2, vpc)
    workspace = new_workspace(DEAD_ENDPOINT)
    workspace.pulumi("stack", "init", STACK)
    workspace.aim_at(STACK, emulator.endpoint)

    mapped = run_mapper(workspace.project, emulator.endpoint, vpc)
    assert mapped.returncode == 0, mapped.stdout + mapped.stderr
    adopt_and_check(workspace, view, ids)
    change_port_then_retain_destroy(workspace, view, ids, tier, ids[key], port)


def test_the_console_chain_is_refused_until_the_ssh_rule_is_left_out(
    new_workspace: WorkspaceFactory, emulator: Emulator
) -> None:
    view = Ec2View(emulator.ec2())
    vpc = view.default_vpc()
    ids = console_chain(view.ec2, vpc)
    ssh = next(r for r in view.rule_records(ids["web"]) if r.get("FromPort") == 22)
    workspace = new_workspace(DEAD_ENDPOINT)
    workspace.pulumi("stack", "init", STACK)
    workspace.aim_at(STACK, emulator.endpoint)
    stack_file = workspace.project / f"Pulumi.{STACK}.yaml"
    untouched = stack_file.read_text()

    refused = run_mapper(workspace.project, emulator.endpoint, vpc)
    assert refused.returncode == 2
    assert ssh["SecurityGroupRuleId"] in refused.stdout and "--leave-out" in refused.stdout
    assert len(refused.stderr.strip().splitlines()) == 1 and "nothing written" in refused.stderr
    assert stack_file.read_text() == untouched

    mapped = run_mapper(
        workspace.project, emulator.endpoint, vpc, "--leave-out", ssh["SecurityGroupRuleId"]
    )
    assert mapped.returncode == 0, mapped.stdout + mapped.stderr
    assert "exclusiveRules" in stack_file.read_text()
    adopt_and_check(workspace, view, ids)
    assert ssh["SecurityGroupRuleId"] in view.rule_ids(ids["web"]), "left out, so kept"
