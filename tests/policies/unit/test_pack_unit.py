"""The pack as a whole: names, levels, metadata, and the SDK servicer driven in-process."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer

from sg_guardrails import DEFAULT_LEVELS, PACK_NAME, build_policies
from tests.policies.unit.chainkit import three_tiers
from tests.policies.unit.sgkit import SG, VPC_IN, U, inline, sg, urn, vpc_rule

PACK_DIR = Path(__file__).resolve().parents[3] / "policies"
EXPECTED = {
    "sg-no-public-admin-ports": "mandatory",
    "sg-no-public-high-risk-ports": "mandatory",
    "sg-no-public-all-traffic": "mandatory",
    "sg-public-ports-allowlist": "mandatory",
    "sg-default-group-closed": "mandatory",
    "sg-no-unrestricted-egress": "advisory",
    "sg-rules-described": "advisory",
    "sg-no-mixed-rule-styles": "mandatory",
    "sg-rule-quota": "mandatory",
    "sg-tier-isolation": "mandatory",
    "sg-rules-owned": "advisory",
    "sg-default-group-adopted": "advisory",
    "sg-rules-one-owner": "mandatory",
}
STACK_ONLY = {
    "sg-no-mixed-rule-styles",
    "sg-rule-quota",
    "sg-tier-isolation",
    "sg-rules-owned",
    "sg-default-group-adopted",
    "sg-rules-one-owner",
}


def servicer() -> Any:  # the SDK servicer's RPC methods are untyped
    return _PolicyAnalyzerServicer(PACK_NAME, "0.1.0", build_policies(), EnforcementLevel.ADVISORY)


def struct(value: dict[str, Any]) -> struct_pb2.Struct:
    result = struct_pb2.Struct()
    result.update(value)
    return result


def test_names_and_default_levels() -> None:
    policies = build_policies()
    assert PACK_NAME == "sg-guardrails"
    assert {p.name: p.enforcement_level.value for p in policies} == EXPECTED
    assert {k: v.value for k, v in DEFAULT_LEVELS.items()} == EXPECTED
    assert {p.name for p in policies if isinstance(p, StackValidationPolicy)} == STACK_ONLY | {
        "sg-default-group-closed"
    }


def test_analyzer_info_lists_every_policy_with_schema() -> None:
    info = servicer().GetAnalyzerInfo(None, None)
    assert info.name == "sg-guardrails"
    by_name = {p.name: p for p in info.policies}
    assert set(by_name) == set(EXPECTED)
    allow = by_name["sg-public-ports-allowlist"]
    assert list(allow.configSchema.properties["authorizedPorts"]["default"]) == [80, 443]
    assert allow.enforcementLevel == proto.MANDATORY
    assert by_name["sg-rules-described"].enforcementLevel == proto.ADVISORY
    assert by_name["sg-no-public-high-risk-ports"].framework.reference == "EC2.19"
    for name in STACK_ONLY:
        assert by_name[name].policy_type == proto.PolicyType.POLICY_TYPE_STACK


def analyze(service: Any, type_: str, props: dict[str, Any], name: str = "r") -> Any:
    request = proto.AnalyzeRequest(
        type=type_, properties=struct(props), urn=urn(type_, name), name=name
    )
    return service.Analyze(request, None)


def test_servicer_analyze_reports_violations_and_one_advisory_note() -> None:
    service = servicer()
    props = sg(
        ingress=[inline("tcp", 22, cidrBlocks=["0.0.0.0/0"]), inline("tcp", U, cidrBlocks=["::/0"])]
    )
    response = analyze(service, SG, props, "web")
    admin = [d for d in response.diagnostics if d.policyName == "sg-no-public-admin-ports"]
    assert [d.enforcementLevel for d in admin] == [proto.MANDATORY, proto.ADVISORY]
    assert "ingress tcp 22 from 0.0.0.0/0" in admin[0].message
    assert "during preview" in admin[1].message and "ingress[1].fromPort" in admin[1].message


def test_servicer_honours_configured_levels_and_properties() -> None:
    service = servicer()
    service.Configure(
        proto.ConfigureAnalyzerRequest(
            policyConfig={
                "sg-public-ports-allowlist": proto.PolicyConfig(
                    enforcementLevel=proto.ADVISORY, properties=struct({"authorizedPorts": [22]})
                ),
                "sg-no-public-admin-ports": proto.PolicyConfig(enforcementLevel=proto.DISABLED),
            }
        ),
        None,
    )
    response = analyze(service, VPC_IN, vpc_rule("tcp", 22, cidrIpv4="0.0.0.0/0"))
    names = {d.policyName for d in response.diagnostics}
    assert "sg-no-public-admin-ports" not in names
    assert "sg-public-ports-allowlist" not in names  # 22 is allowlisted now
    assert "sg-no-public-high-risk-ports" in names


def test_servicer_analyze_stack_attaches_violations_to_urns() -> None:
    stack = three_tiers()
    stack.rule("db-in-5432-from-web", "db", port=5432, peer="web")
    request = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(
                type=r.type,
                properties=struct(r.props),
                urn=r.urn,
                name=r.name,
                dependencies=r.dependencies,
                propertyDependencies={
                    k: proto.AnalyzerPropertyDependencies(urns=v)
                    for k, v in r.property_dependencies.items()
                },
            )
            for r in stack.resources
        ]
    )
    response = servicer().AnalyzeStack(request, None)
    tier = [d for d in response.diagnostics if d.policyName == "sg-tier-isolation"]
    assert [d.urn for d in tier] == [urn(VPC_IN, "db-in-5432-from-web")]
    assert tier[0].enforcementLevel == proto.MANDATORY


def test_servicer_analyze_stack_turns_unknowns_into_an_advisory_note() -> None:
    vpc = proto.AnalyzerResource(
        type="aws:ec2/vpc:Vpc",
        properties=struct({"defaultSecurityGroupId": U}),
        urn=urn("aws:ec2/vpc:Vpc", "main"),
        name="main",
    )
    lost = proto.AnalyzerResource(
        type=VPC_IN,
        properties=struct(vpc_rule(securityGroupId=U, cidrIpv4="10.0.0.0/8")),
        urn=urn(VPC_IN, "lost"),
        name="lost",
    )
    response = servicer().AnalyzeStack(proto.AnalyzeStackRequest(resources=[vpc, lost]), None)
    (note,) = [d for d in response.diagnostics if d.policyName == "sg-default-group-closed"]
    assert note.enforcementLevel == proto.ADVISORY
    assert "Security group rule 'lost': its group could not be identified" in note.message


def test_sg_guardrails_imports_neither_the_components_nor_the_program() -> None:
    for path in (PACK_DIR / "sg_guardrails").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                root = name.split(".")[0]
                assert root in {"__future__", "pulumi_policy", "google", "pulumi"} or root in (
                    sys.stdlib_module_names
                ), f"{path.name} imports {name}"


def test_main_only_builds_and_serves_the_pack() -> None:
    tree = ast.parse((PACK_DIR / "__main__.py").read_text())
    statements = [type(node).__name__ for node in tree.body]
    assert statements == ["Expr", "ImportFrom", "ImportFrom", "Expr"]  # docstring, imports, pack
    with subprocess.Popen(
        [sys.executable, "-u", str(PACK_DIR / "__main__.py")],
        cwd=PACK_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        port = process.stdout.readline().decode().strip()
        process.kill()
        _, errors = process.communicate()
    assert port.isdigit(), errors.decode()


def test_pack_project_files() -> None:
    policy_yaml = (PACK_DIR / "PulumiPolicy.yaml").read_text()
    assert "runtime:\n  name: python" in policy_yaml and "virtualenv: venv" in policy_yaml
    requirements = (PACK_DIR / "requirements.txt").read_text().splitlines()
    assert "." in requirements and any(r.startswith("pulumi-policy") for r in requirements)
    assert (PACK_DIR / "sg_guardrails" / "py.typed").exists()
