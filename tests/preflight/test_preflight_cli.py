"""`python -m preflight` end to end: the real program under mocks, the real pack over gRPC."""

import json
import shutil
from pathlib import Path

import pytest

from preflight.cli import main

ROOT = Path(__file__).resolve().parents[2]

DEV_FLOWS = {
    ("ingress", "internet", "0.0.0.0/0", "tiered-web", "tcp 80"),
    ("ingress", "internet", "0.0.0.0/0", "tiered-web", "tcp 443"),
    ("egress", "group", "tiered-web", "tiered-app", "tcp 8080"),
    ("ingress", "group", "tiered-web", "tiered-app", "tcp 8080"),
    ("egress", "group", "tiered-app", "tiered-db", "tcp 5432"),
    ("ingress", "group", "tiered-app", "tiered-db", "tcp 5432"),
    ("ingress", "cidr", "203.0.113.10/32", "tiered-admin", "tcp 22"),
    ("egress", "group", "tiered-admin", "tiered-web", "tcp 22"),
    ("egress", "group", "tiered-admin", "tiered-app", "tcp 22"),
    ("egress", "group", "tiered-admin", "tiered-db", "tcp 22"),
    ("ingress", "group", "tiered-admin", "tiered-web", "tcp 22"),
    ("ingress", "group", "tiered-admin", "tiered-app", "tcp 22"),
    ("ingress", "group", "tiered-admin", "tiered-db", "tcp 22"),
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the program with room for extra stack files."""
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.dev.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def write_stack(project: Path, stack: str, body: str) -> None:
    (project / f"Pulumi.{stack}.yaml").write_text(body, encoding="utf-8")


def as_flow_set(document: dict[str, object]) -> set[tuple[str, str, str, str, str]]:
    flows = document["flows"]
    assert isinstance(flows, list)
    return {
        (f["direction"], f["from"]["kind"], f["from"]["label"], f["to"]["label"], f["traffic"])
        for f in flows
    }


def test_dev_is_clean_and_its_flows_are_exactly_the_chain(capsys):
    code, out, err = run(capsys, "dev", "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert as_flow_set(document) == DEV_FLOWS
    assert len(document["flows"]) == len(DEV_FLOWS)
    assert document["diagnostics"] == []
    assert document["summary"]["exitCode"] == 0


def test_dev_preview_sends_unknown_ids_and_up_sends_known_ones(capsys):
    _, preview_out, _ = run(capsys, "dev", "--format", "json")
    _, up_out, _ = run(capsys, "dev", "--format", "json", "--up")
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    rule = "tiered-app-in-tcp-8080-from-web"
    preview_rule = next(r for r in json.loads(preview_out)["resources"] if r["name"] == rule)
    up_rule = next(r for r in json.loads(up_out)["resources"] if r["name"] == rule)
    assert preview_rule["inputs"]["referencedSecurityGroupId"] == unknown
    assert up_rule["inputs"]["referencedSecurityGroupId"].startswith("sg-")
    # Preview resolves the peer through property dependencies, up through the id: same flows.
    assert as_flow_set(json.loads(up_out)) == DEV_FLOWS


def test_prod_is_clean_with_ipv6_entry_and_no_admin_group(capsys):
    code, out, _ = run(capsys, "prod", "--format", "json")
    assert code == 0
    document = json.loads(out)
    sources = {(f["from"]["label"], f["to"]["label"]) for f in document["flows"]}
    assert ("::/0", "tiered-web") in sources
    assert not any("admin" in r["name"] for r in document["resources"])


def _tree(out: str) -> list[tuple[str, str]]:
    """(type, name) of every planned resource in a text report's tree."""
    return [
        (line.split()[-3], line.split()[-2])
        for line in out.splitlines()
        if line.startswith(" +") and line.split()[-1] == "create"
    ]


def test_dev_tree_has_every_group_with_its_exclusive_rule_set(capsys):
    code, out, _ = run(capsys, "dev")
    assert code == 0
    tree = _tree(out)
    assert len(tree) == 1 + 1 + 4 + 4 + 4 + 13  # stack, chain, components, groups, sets, rules
    exclusive = [name for type_, name in tree if "vpcSecurityGroupRulesExclusive" in type_]
    assert exclusive == [f"tiered-{g}-rules-exclusive" for g in ("admin", "app", "db", "web")]
    assert "Resources:\n    + 27 to create" in out


def test_prod_closes_the_default_group_and_stays_clean(capsys):
    code, out, _ = run(capsys, "prod")
    assert code == 0
    tree = _tree(out)
    assert len(tree) == 1 + 1 + 3 + 3 + 3 + 8 + 1
    assert ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "tiered-default-group") in tree
    assert "no violations" in out
    assert out.rstrip().endswith("0 mandatory, 0 advisory violation(s).")


ENTRY_FROM_ALB = """\
config:
  tiered-sg:adminCidrs:
    office: 203.0.113.10/32
  tiered-sg:entrySecurityGroups:
    alb: sg-0fedcba9876543210
"""


def test_a_foreign_entry_group_shows_as_a_flow_into_tier_0_only(capsys, project):
    write_stack(project, "alb", ENTRY_FROM_ALB)
    code, out, _ = run(capsys, "alb", "--format", "json", "--project-dir", str(project))
    assert code == 0
    document = json.loads(out)
    foreign = "sg-0fedcba9876543210 (outside this stack)"
    assert as_flow_set(document) == DEV_FLOWS | {
        ("ingress", "external", foreign, "tiered-web", "tcp 80"),
        ("ingress", "external", foreign, "tiered-web", "tcp 443"),
    }
    assert document["summary"]["exitCode"] == 0
    assert document["diagnostics"] == []  # no policy doubts a group that is not ours


def test_a_foreign_entry_group_reads_as_outside_the_stack_in_text_and_mermaid(capsys, project):
    write_stack(project, "alb", ENTRY_FROM_ALB)
    _, text, _ = run(capsys, "alb", "--project-dir", str(project))
    assert "sg-0fedcba9876543210 (outside this stack)" in text
    assert "is not a group of this stack" not in text
    _, mermaid, _ = run(capsys, "alb", "--format", "mermaid", "--project-dir", str(project))
    node = 'external_sg_0fedcba9876543210__outside_this_stack_[["sg-0fedcba9876543210 (outside'
    assert node in mermaid
    assert "external_sg_0fedcba9876543210__outside_this_stack_ -->" in mermaid


def test_text_report_shows_tree_flows_and_verdict(capsys):
    code, out, _ = run(capsys, "dev")
    assert code == 0
    assert "tiered-sg:index:TieredSecurityGroups" in out
    # Siblings sorted by type, then name with numbers by value: SecurityGroup first, 80 before 443.
    tree = [line for line in out.splitlines() if line.startswith(" +")]
    web = [line.split()[-2] for line in tree if "tiered-web" in line and "aws:" in line]
    assert web == [
        "tiered-web",
        "tiered-web-rules-exclusive",
        "tiered-web-out-tcp-8080-to-app",
        "tiered-web-in-tcp-22-from-admin",
        "tiered-web-in-tcp-80-from-0.0.0.0-0",
        "tiered-web-in-tcp-443-from-0.0.0.0-0",
    ]
    assert run(capsys, "dev")[1] == out  # the same report every run
    assert "internet (0.0.0.0/0)" in out
    assert out.rstrip().endswith("0 mandatory, 0 advisory violation(s).")


def test_mermaid_draws_every_flow(capsys):
    _, json_out, _ = run(capsys, "dev", "--format", "json")
    code, out, _ = run(capsys, "dev", "--format", "mermaid")
    assert code == 0
    assert out.startswith("flowchart LR\n")
    edges = [line for line in out.splitlines() if "-->" in line or "-.->" in line]
    assert len(edges) == len(json.loads(json_out)["flows"])
    for direction, _, _, _, traffic in DEV_FLOWS:
        assert f'|"{direction} {traffic}"|' in out
    assert sum("-.->" in e for e in edges) == sum(d == "egress" for d, *_ in DEV_FLOWS)


SSH_TO_THE_WORLD = """\
config:
  tiered-sg:tiers:
    - name: web
      ports: [http, https, ssh]
    - name: app
      ports: ["tcp:8080"]
"""


def test_ssh_open_to_the_world_is_blocked_with_exit_1(capsys, project):
    write_stack(project, "open", SSH_TO_THE_WORLD)
    code, out, _ = run(capsys, "open", "--project-dir", str(project))
    assert code == 1
    assert "[mandatory]  sg-no-public-admin-ports  (tiered-web-in-tcp-22-from-0.0.0.0-0)" in out
    assert "BLOCKED" in out


def test_policy_pack_config_file_changes_levels(capsys, project, tmp_path):
    write_stack(project, "open", SSH_TO_THE_WORLD)
    config = tmp_path / "policy-config.json"
    levels = {"sg-no-public-admin-ports": "advisory", "sg-no-public-high-risk-ports": "advisory"}
    config.write_text(
        json.dumps({**levels, "sg-public-ports-allowlist": {"authorizedPorts": [22, 80, 443]}})
    )
    code, _, _ = run(
        capsys, "open", "--project-dir", str(project), "--policy-pack-config", str(config)
    )
    document_code, json_out, _ = run(
        capsys,
        "open",
        "--project-dir",
        str(project),
        "--policy-pack-config",
        str(config),
        "--format",
        "json",
    )
    assert code == document_code == 0
    found = {(d["policy"], d["level"]) for d in json.loads(json_out)["diagnostics"]}
    assert found == {(name, "advisory") for name in levels}


def test_bad_policy_pack_config_exits_2(capsys, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"sg-public-ports-allowlist": {"authorizedPorts": "80"}}))
    code, out, err = run(capsys, "dev", "--policy-pack-config", str(config))
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and "authorizedPorts" in err
    assert "Traceback" not in err


def test_an_unknown_policy_name_passes_as_in_the_cli_with_a_note_of_its_own(capsys, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"sg-nonexistent": "mandatory"}))
    code, out, err = run(capsys, "dev", "--policy-pack-config", str(config))
    assert code == 0 and "no violations" in out
    assert err.startswith(
        "preflight: note (pulumi preview accepts this silently): policy config names "
        "'sg-nonexistent', which policy pack 'sg-guardrails' does not have; its policies are: "
    )


def test_a_misspelt_property_fails_every_resource_as_in_the_cli_with_a_note(capsys, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"sg-public-ports-allowlist": {"authorisedPorts": [443]}}))
    code, out, err = run(capsys, "dev", "--policy-pack-config", str(config), "--format", "json")
    findings = json.loads(out)["diagnostics"]
    assert code == 1 and findings
    assert {(d["policy"], d["level"]) for d in findings} == {
        ("sg-public-ports-allowlist", "mandatory")
    }
    assert all("did you mean 'authorizedPorts'?" in d["message"] for d in findings)
    assert "'sg-public-ports-allowlist' sets 'authorisedPorts', which it does not declare" in err


def test_broken_stack_config_exits_2_with_its_message(capsys, project):
    write_stack(project, "bad", "config:\n  tiered-sg:adminCidrs:\n    office: 10.0.0.5/24\n")
    code, out, err = run(capsys, "bad", "--project-dir", str(project))
    assert (code, out) == (2, "")
    assert err == (
        "error: tiered-sg:adminCidrs.office '10.0.0.5/24': has host bits set; "
        "use the network '10.0.0.0/24', or '10.0.0.5/32' for that one address\n"
    )


def test_unknown_stack_exits_2_and_lists_the_known_ones(capsys, project):
    code, _, err = run(capsys, "staging", "--project-dir", str(project))
    assert code == 2
    assert "stack 'staging': no file Pulumi.staging.yaml" in err
    assert "known stacks: dev" in err


def test_malformed_stack_yaml_exits_2(capsys, project):
    write_stack(project, "broken", "config: [unclosed\n")
    code, _, err = run(capsys, "broken", "--project-dir", str(project))
    assert code == 2
    assert "not valid YAML" in err and "Traceback" not in err


def test_missing_policy_config_file_exits_2(capsys):
    code, _, err = run(capsys, "dev", "--policy-pack-config", "/nonexistent/config.json")
    assert code == 2
    assert "--policy-pack-config '/nonexistent/config.json': no such file" in err
