"""What users see of the pack, as plain JSON: the engine's view of every policy, and the findings
for a set of stacks. ``pack_contract.json`` holds the pinned copy (regenerate it only on purpose:
``python -m tests.policies.contract.contract_snapshot``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from bench.workload import GROUP_TYPE, INGRESS_TYPE, Stack, make_stack
from sg_guardrails import PACK_NAME, build_policies

SNAPSHOT = Path(__file__).with_name("pack_contract.json")
PACK_VERSION = "0.1.0"  # PulumiPolicy.yaml's; the CLI passes it to the servicer
# Every rule kind of the workload, on six tiers of one chain.
WORKLOAD_RULES = 300
CUSTOM_CONFIG: dict[str, Any] = {
    "sg-no-public-admin-ports": {"adminPorts": [22, 2222]},
    "sg-public-ports-allowlist": {"authorizedPorts": [443]},
    "sg-rule-quota": {"maxRulesPerDirection": 40},
    "sg-tier-isolation": {"adminPorts": [22, 3389]},
}


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    result = struct_pb2.Struct()
    result.update(value)
    return result


def _servicer(config: dict[str, Any] | None) -> Any:  # the SDK servicer is untyped
    service = _PolicyAnalyzerServicer(
        PACK_NAME, PACK_VERSION, build_policies(), EnforcementLevel.ADVISORY
    )
    if config:
        service.Configure(
            proto.ConfigureAnalyzerRequest(
                policyConfig={
                    name: proto.PolicyConfig(
                        enforcementLevel=proto.MANDATORY, properties=_struct(props)
                    )
                    for name, props in config.items()
                }
            ),
            None,
        )
    return service


def _diagnostics(response: Any) -> list[list[Any]]:
    return [[d.policyName, d.urn, d.enforcementLevel, d.message] for d in response.diagnostics]


class _Row:
    def __init__(self, type_: str, name: str, props: dict[str, Any], deps: dict[str, str]) -> None:
        self.type, self.name, self.props = type_, name, props
        self.urn = f"urn:pulumi:dev::tiered-sg::{type_}::{name}"
        self.property_dependencies = {key: [urn] for key, urn in deps.items()}
        self.dependencies = sorted(set(deps.values()))


def _rows(stack: Stack, preview: bool) -> list[_Row]:
    """The bench's synthetic stack as the engine sends it: ids unknown in a preview."""
    groups = [
        _Row(
            GROUP_TYPE,
            g.name,
            {
                "vpcId": "vpc-1",
                "description": f"tier {g.position}",
                "tags": g.tags,
                **({} if preview else {"id": f"sg-{g.name}"}),
            },
            {},
        )
        for g in stack.groups
    ]
    rows = list(groups)
    for rule in stack.rules:

        def group_id(index: int) -> str:
            return UNKNOWN_STRING_VALUE if preview else f"sg-{stack.groups[index].name}"

        props: dict[str, Any] = {
            "securityGroupId": group_id(rule.group),
            "ipProtocol": rule.protocol,
            "description": f"rule {rule.name}",
            "tags": stack.groups[rule.group].tags,
        }
        if rule.from_port is not None:
            props.update(fromPort=rule.from_port, toPort=rule.to_port)
        deps = {"securityGroupId": groups[rule.group].urn}
        if rule.peer is not None:
            props["referencedSecurityGroupId"] = group_id(rule.peer)
            deps["referencedSecurityGroupId"] = groups[rule.peer].urn
        else:
            props["cidrIpv6" if rule.ipv6 else "cidrIpv4"] = rule.cidr
        rows.append(_Row(INGRESS_TYPE, rule.name, props, deps))
    return rows


def workload_findings(config: dict[str, Any] | None, preview: bool) -> dict[str, Any]:
    """Analyze per resource, then AnalyzeStack, over the bench's synthetic stack."""
    service = _servicer(config)
    rows = _rows(make_stack(WORKLOAD_RULES), preview)
    analyze: list[list[Any]] = []
    for row in rows:
        request = proto.AnalyzeRequest(
            type=row.type, properties=_struct(row.props), urn=row.urn, name=row.name
        )
        analyze += _diagnostics(service.Analyze(request, None))
    stack = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(
                type=row.type,
                properties=_struct(row.props),
                urn=row.urn,
                name=row.name,
                dependencies=list(row.dependencies),
                propertyDependencies={
                    key: proto.AnalyzerPropertyDependencies(urns=list(urns))
                    for key, urns in row.property_dependencies.items()
                },
            )
            for row in rows
        ]
    )
    return {"analyze": analyze, "analyze_stack": _diagnostics(service.AnalyzeStack(stack, None))}


def current() -> dict[str, Any]:
    info = _servicer(None).GetAnalyzerInfo(None, None)
    return {
        "analyzer_info": json_format.MessageToDict(info),
        "preview_default_config": workload_findings(None, preview=True),
        "preview_custom_config": workload_findings(CUSTOM_CONFIG, preview=True),
        "update_default_config": workload_findings(None, preview=False),
    }


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n")
