"""Preflight's promise, held against the real CLI: for every stack and policy config, `make
preflight` plans the same resources (URN, type) and reports the same findings (policy, URN,
level, message) as `pulumi preview --policy-pack policies`, and fails exactly when it fails.

The CLI prefixes each finding with the policy's description (description, newline, message);
preflight's JSON carries the message alone, so the comparison strips that prefix after checking it.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import WorkspaceFactory
from tests.e2e.emulator import Emulator
from tests.e2e.engine_events import EngineOutcome
from tests.e2e.workspace import REPO_ROOT, Workspace

BREACHES = Path(__file__).parent / "programs" / "breaches"
# Each breach and the verdict it must draw (others may come along; both sides must agree on all).
BREACH_VERDICTS = {
    "world-ssh": ("sg-no-public-admin-ports", "mandatory"),
    "high-risk-port": ("sg-no-public-high-risk-ports", "mandatory"),
    "all-traffic": ("sg-no-public-all-traffic", "mandatory"),
    "tier-skip": ("sg-tier-isolation", "mandatory"),
    "inline-and-separate": ("sg-no-mixed-rule-styles", "mandatory"),
    "default-group-rules": ("sg-default-group-closed", "mandatory"),
    "over-quota": ("sg-rule-quota", "mandatory"),
    "unadopted-vpc-default": ("sg-default-group-adopted", "advisory"),
    "egress-advisory": ("sg-no-unrestricted-egress", "advisory"),
}
POLICY_CONFIGS: dict[str, tuple[dict[str, Any], int]] = {
    # name: (--policy-pack-config document on dev, the CLI's expected exit code)
    "allowlist-narrowed": ({"sg-public-ports-allowlist": {"authorizedPorts": [443]}}, 1),
    "level-lowered": (
        {"sg-public-ports-allowlist": {"enforcementLevel": "advisory", "authorizedPorts": [443]}},
        0,
    ),
    "misspelt-property": ({"sg-public-ports-allowlist": {"authorisedPorts": [443]}}, 1),
    "unknown-policy": ({"sg-nonexistent": "mandatory"}, 0),
}
PREFLIGHT_TIMEOUT_S = 300


def preflight(workspace: Workspace, stack: str, *args: str) -> tuple[int, dict[str, Any], str]:
    """`python -m preflight STACK --format json` on the workspace's project copy."""
    done = subprocess.run(
        [sys.executable, "-m", "preflight", stack, "--format", "json", *args,
         "--project-dir", str(workspace.project), "--pack-dir", str(workspace.pack_dir)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=PREFLIGHT_TIMEOUT_S, check=False,
    )  # fmt: skip
    report = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, report, done.stderr


def cli_plan(outcome: EngineOutcome) -> set[tuple[str, str]]:
    # Default providers are steps too, but the CLI's own display hides them, as preflight does.
    return {(u, t) for u, t in outcome.urns() if not t.startswith("pulumi:providers:")}


def preflight_plan(report: dict[str, Any], stack_urn: str) -> set[tuple[str, str]]:
    plan = {(r["urn"], r["type"]) for r in report["resources"]}
    return plan | {(stack_urn, "pulumi:pulumi:Stack")}


def cli_findings(outcome: EngineOutcome, descriptions: dict[str, str]) -> list[tuple[str, ...]]:
    found = []
    for f in outcome.policy_findings:
        assert f.message.startswith(descriptions[f.policy] + "\n"), f.message
        found.append((f.policy, f.urn, f.level, f.detail))
    return sorted(found)


def preflight_findings(report: dict[str, Any]) -> list[tuple[str, ...]]:
    return sorted((d["policy"], d["urn"], d["level"], d["message"]) for d in report["diagnostics"])


def assert_same(workspace: Workspace, stack: str, *, config: Path | None = None) -> EngineOutcome:
    """The real preview and preflight agree on plan, findings and pass/fail; returns the former."""
    extra = ("--policy-pack-config", str(config)) if config else ()
    outcome = workspace.preview(stack, "--policy-pack", "policies", *extra)
    code, report, err = preflight(workspace, stack, *extra)
    assert code in (0, 1), f"preflight failed: {err}"
    stack_urn = (
        f"urn:pulumi:{stack}::{report['project']}::pulumi:pulumi:Stack::{report['project']}-{stack}"
    )
    assert cli_plan(outcome) == preflight_plan(report, stack_urn)
    assert cli_findings(outcome, workspace.policy_descriptions()) == preflight_findings(report)
    assert (outcome.exit_code != 0) == (code == 1), outcome.stderr[-2000:]
    return outcome


@pytest.fixture(scope="module")
def project(
    new_workspace: WorkspaceFactory, session_emulator: Emulator, pack_venv: Path
) -> Workspace:
    workspace = new_workspace(session_emulator.endpoint, pack_venv=pack_venv)
    for stack in ("dev", "prod"):
        workspace.pulumi("stack", "init", stack)
    return workspace


@pytest.fixture(scope="module")
def breaches(
    new_workspace: WorkspaceFactory, session_emulator: Emulator, pack_venv: Path
) -> Workspace:
    workspace = new_workspace(session_emulator.endpoint, source=BREACHES, pack_venv=pack_venv)
    for stack in BREACH_VERDICTS:
        workspace.pulumi("stack", "init", stack)
    return workspace


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_our_stacks_preview_clean_and_as_preflight_shows(project: Workspace, stack: str) -> None:
    outcome = assert_same(project, stack)
    assert outcome.exit_code == 0
    assert outcome.policy_findings == []
    assert {s.op for s in outcome.steps} == {"create"}
    assert len(cli_plan(outcome)) == {"dev": 27, "prod": 20}[stack]


@pytest.mark.parametrize("case", sorted(BREACH_VERDICTS))
def test_breaching_stacks_draw_the_same_verdicts(breaches: Workspace, case: str) -> None:
    outcome = assert_same(breaches, case)
    policy, level = BREACH_VERDICTS[case]
    assert (policy, level) in {(f.policy, f.level) for f in outcome.policy_findings}
    assert (outcome.exit_code != 0) == (level == "mandatory")


@pytest.mark.parametrize("name", sorted(POLICY_CONFIGS))
def test_policy_pack_config_reaches_both_alike(project: Workspace, name: str) -> None:
    document, exit_code = POLICY_CONFIGS[name]
    config = project.root / f"{name}.json"
    config.write_text(json.dumps(document))
    outcome = assert_same(project, "dev", config=config)
    assert outcome.exit_code == exit_code, outcome.stderr[-2000:]


def test_an_invalid_policy_config_value_is_refused_in_the_same_words(project: Workspace) -> None:
    config = project.root / "invalid.json"
    config.write_text(json.dumps({"sg-rule-quota": {"maxRulesPerDirection": 0}}))
    refusal = (
        "validating policy config: sg-guardrails 0.1.0  "
        "sg-rule-quota: maxRulesPerDirection: Must be greater than or equal to 1"
    )
    outcome = project.preview(
        "dev", "--policy-pack", "policies", "--policy-pack-config", str(config)
    )
    assert outcome.exit_code != 0 and outcome.steps == []
    assert refusal in outcome.stdout + outcome.stderr
    code, report, err = preflight(project, "dev", "--policy-pack-config", str(config))
    assert (code, report) == (2, {}) and refusal in err


def test_a_bad_stack_config_is_one_line_without_a_traceback(project: Workspace) -> None:
    (project.project / "Pulumi.bad.yaml").write_text(
        "config:\n  tiered-sg:adminCidrs:\n    office: 10.0.0.5/24\n"
    )
    project.pulumi("stack", "init", "bad")
    outcome = project.preview("bad")
    code, _, err = preflight(project, "bad")
    message = err.removeprefix("error: ").strip()
    assert code == 2 and "10.0.0.0/24" in message and "\n" not in message
    assert outcome.exit_code != 0
    assert [s for s in outcome.steps if s.type.startswith("aws:")] == []
    assert any(message in e for e in outcome.errors()), outcome.errors()
    assert "Traceback" not in outcome.stdout + outcome.stderr
