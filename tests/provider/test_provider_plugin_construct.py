"""Construct over gRPC: the YAML consumer example's chain, built by the plugin as the engine asks.

When a YAML (or TypeScript, Go, ...) program declares a `tiered-sg:index:TieredSecurityGroups`,
the engine calls the plugin's Construct with the properties as the program wrote them (camelCase)
and the address of its resource monitor; the plugin runs the Python component, which registers
its children with that monitor, and returns the component's outputs. Here a small in-process
ResourceMonitor plays the engine's, so the whole cross-language path runs without the CLI:
the example's YAML properties -> Construct -> Python args -> AWS resources -> outputs.
"""

import hashlib
import threading
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import (
    errors_pb2,
    provider_pb2,
    resource_pb2,
    resource_pb2_grpc,
    status_pb2,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
CONSUMER_YAML = REPO_ROOT / "examples" / "consumer-yaml" / "Pulumi.yaml"

PROJECT, STACK = "tiered-sg-consumer-yaml", "test"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
VPC_URN = f"urn:pulumi:{STACK}::{PROJECT}::aws:ec2/vpc:Vpc::vpc"
VPC_ID = "vpc-0123456789abcdef0"
CHAIN = "tiered-sg:index:TieredSecurityGroups"
GROUP_COMPONENT = "tiered-sg:index:ManagedSecurityGroup"
RULES_COMPONENT = "tiered-sg:index:SecurityGroupRules"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
FEATURES = [
    resource_pb2.RESOURCE_MONITOR_FEATURE_SECRETS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    resource_pb2.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    resource_pb2.RESOURCE_MONITOR_FEATURE_TRANSFORMS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_PARAMETERIZATION,
]


class FakeMonitor(resource_pb2_grpc.ResourceMonitorServicer):
    """The engine's resource monitor, reduced to recording registrations and echoing inputs."""

    def __init__(self) -> None:
        self.registrations: list[dict[str, Any]] = []
        self.outputs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def GetDeploymentInfo(  # noqa: N802 - gRPC method name
        self, request: Any, context: grpc.ServicerContext
    ) -> resource_pb2.DeploymentInfo:
        return resource_pb2.DeploymentInfo(supportedFeatures=FEATURES)

    def SupportsFeature(  # noqa: N802 - gRPC method name
        self, request: Any, context: grpc.ServicerContext
    ) -> resource_pb2.SupportsFeatureResponse:
        return resource_pb2.SupportsFeatureResponse(hasSupport=request.id != "outputValues")

    def RegisterResource(  # noqa: N802 - gRPC method name
        self, request: Any, context: grpc.ServicerContext
    ) -> resource_pb2.RegisterResourceResponse:
        type_ = request.type
        if request.parent and request.parent.split("::")[2] != "pulumi:pulumi:Stack":
            type_ = request.parent.split("::")[2] + "$" + type_
        urn = f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{request.name}"
        resource_id = ""
        if request.custom:
            digest = hashlib.sha256(urn.encode()).hexdigest()[:12]
            resource_id = f"{'sgr' if 'Rule' in request.type else 'sg'}-{digest}"
        with self._lock:
            self.registrations.append(
                {
                    "type": request.type,
                    "name": request.name,
                    "urn": urn,
                    "id": resource_id,
                    "parent": request.parent,
                    "custom": request.custom,
                    "inputs": json_format.MessageToDict(request.object),
                    "propertyDependencies": {
                        k: list(v.urns) for k, v in request.propertyDependencies.items()
                    },
                }
            )
        outputs = request.object
        if request.custom and request.type in (INGRESS, EGRESS):
            # As the provider reports it: a rule's security_group_rule_id is its id.
            outputs = struct_pb2.Struct()
            outputs.CopyFrom(request.object)
            outputs["securityGroupRuleId"] = resource_id
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=outputs)

    def RegisterResourceOutputs(  # noqa: N802 - gRPC method name
        self, request: Any, context: grpc.ServicerContext
    ) -> empty_pb2.Empty:
        with self._lock:
            self.outputs[request.urn] = json_format.MessageToDict(request.outputs)
        return empty_pb2.Empty()

    def RegisterPackage(  # noqa: N802 - gRPC method name
        self, request: Any, context: grpc.ServicerContext
    ) -> resource_pb2.RegisterPackageResponse:
        return resource_pb2.RegisterPackageResponse(ref=f"ref-{request.name}")

    def SignalAndWaitForShutdown(  # noqa: N802 - gRPC method name
        self, request: Any, context: grpc.ServicerContext
    ) -> empty_pb2.Empty:
        return empty_pb2.Empty()


@pytest.fixture(scope="module")
def monitor() -> Iterator[tuple[FakeMonitor, str]]:
    servicer = FakeMonitor()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    resource_pb2_grpc.add_ResourceMonitorServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield servicer, f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None)


def yaml_chain_properties() -> dict[str, Any]:
    """The chain's properties from the YAML example, `${vpc.id}` resolved as the engine would."""
    program = yaml.safe_load(CONSUMER_YAML.read_text(encoding="utf-8"))
    chain = next(r for r in program["resources"].values() if r["type"] == CHAIN)
    properties = dict(chain["properties"])
    assert properties["vpcId"] == "${vpc.id}"
    properties["vpcId"] = VPC_ID
    return properties


def construct(
    session: Any,
    monitor_address: str,
    name: str,
    inputs: dict[str, Any],
    deps: dict[str, list[str]] | None = None,
    type_: str = CHAIN,
) -> provider_pb2.ConstructResponse:
    struct = struct_pb2.Struct()
    struct.update(inputs)
    request = provider_pb2.ConstructRequest(
        project=PROJECT,
        stack=STACK,
        organization="organization",
        dryRun=False,
        parallel=4,
        monitorEndpoint=monitor_address,
        type=type_,
        name=name,
        parent=STACK_URN,
        inputs=struct,
        inputDependencies={
            key: provider_pb2.ConstructRequest.PropertyDependencies(urns=urns)
            for key, urns in (deps or {}).items()
        },
    )
    response: provider_pb2.ConstructResponse = session.stub.Construct(request, timeout=120)
    return response


@pytest.fixture(scope="module")
def yaml_chain(
    provider_session: Any, monitor: tuple[FakeMonitor, str]
) -> tuple[provider_pb2.ConstructResponse, list[dict[str, Any]], FakeMonitor]:
    servicer, address = monitor
    response = construct(
        provider_session, address, "chain", yaml_chain_properties(), {"vpcId": [VPC_URN]}
    )
    mine = [r for r in servicer.registrations if "::chain" in r["urn"]]
    return response, mine, servicer


def test_construct_returns_the_component_and_its_outputs(yaml_chain: Any) -> None:
    response, registrations, _ = yaml_chain
    assert response.urn == f"urn:pulumi:{STACK}::{PROJECT}::{CHAIN}::chain"
    state = json_format.MessageToDict(response.state)
    groups = {
        r["inputs"]["tags"]["tiered-sg:tier"]: r["id"] for r in registrations if r["type"] == GROUP
    }
    assert state["groupIds"] == groups
    assert state["ruleCount"] == 10
    assert set(groups) == {"lb", "web", "app", "db"}


def test_children_hang_under_the_component(yaml_chain: Any) -> None:
    response, registrations, _ = yaml_chain
    chain = next(r for r in registrations if r["type"] == CHAIN)
    assert chain["parent"] == STACK_URN and not chain["custom"]
    by_urn = {r["urn"]: r for r in registrations}
    counts: dict[str, int] = {}
    for r in registrations:
        counts[r["type"]] = counts.get(r["type"], 0) + 1
        if r is chain:
            continue
        ancestor = r
        while ancestor["parent"] != response.urn:
            ancestor = by_urn[ancestor["parent"]]
    assert counts == {
        CHAIN: 1, GROUP_COMPONENT: 4, GROUP: 4, EXCLUSIVE: 4, INGRESS: 7, EGRESS: 3,
        DEFAULT_GROUP: 1,  # closeDefaultGroup: the example's VPC is new
    }  # fmt: skip


def test_each_group_owns_exactly_its_rules_through_the_plugin(yaml_chain: Any) -> None:
    _, registrations, _ = yaml_chain
    for owned in (r for r in registrations if r["type"] == EXCLUSIVE):
        group_id = owned["inputs"]["securityGroupId"]
        mine = sorted(
            (r["name"], r["type"], r["id"])
            for r in registrations
            if r["type"] in (INGRESS, EGRESS) and r["inputs"]["securityGroupId"] == group_id
        )
        assert owned["inputs"]["ingressRuleIds"] == [i for _, t, i in mine if t == INGRESS]
        assert owned["inputs"].get("egressRuleIds", []) == [i for _, t, i in mine if t == EGRESS]
        assert mine, owned["name"]


def test_vpc_dependency_reaches_every_group(yaml_chain: Any) -> None:
    _, registrations, _ = yaml_chain
    for group in (r for r in registrations if r["type"] == GROUP):
        assert group["inputs"]["vpcId"] == VPC_ID
        assert group["propertyDependencies"]["vpcId"] == [VPC_URN], group["name"]


def test_yaml_tiers_are_wired_previous_to_next(yaml_chain: Any) -> None:
    _, registrations, _ = yaml_chain
    groups = {r["inputs"]["tags"]["tiered-sg:tier"]: r for r in registrations if r["type"] == GROUP}

    def sources(tier: str) -> set[tuple[str, int, str]]:
        return {
            (
                r["inputs"]["ipProtocol"],
                r["inputs"]["fromPort"],
                r["inputs"].get("referencedSecurityGroupId")
                or r["inputs"].get("cidrIpv4")
                or r["inputs"]["cidrIpv6"],
            )
            for r in registrations
            if r["type"] == INGRESS and r["inputs"]["securityGroupId"] == groups[tier]["id"]
        }

    assert sources("lb") == {
        ("tcp", port, cidr) for port in (80, 443) for cidr in ("0.0.0.0/0", "::/0")
    }
    assert sources("web") == {("tcp", 8080, groups["lb"]["id"])}
    assert sources("app") == {("tcp", 9000, groups["web"]["id"])}
    assert sources("db") == {("tcp", 5432, groups["app"]["id"])}
    egress = {
        (groups_tier, r["inputs"]["fromPort"], r["inputs"]["referencedSecurityGroupId"])
        for r in registrations
        if r["type"] == EGRESS
        for groups_tier, g in groups.items()
        if r["inputs"]["securityGroupId"] == g["id"]
    }
    assert egress == {
        ("lb", 8080, groups["web"]["id"]),
        ("web", 9000, groups["app"]["id"]),
        ("app", 5432, groups["db"]["id"]),
    }


def test_missing_required_input_is_reported_by_name(provider_session: Any, monitor: Any) -> None:
    _, address = monitor
    properties = yaml_chain_properties()
    del properties["vpcId"]
    with pytest.raises(grpc.RpcError) as caught:
        construct(provider_session, address, "novpc", properties)
    error = caught.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    # The engine reads the offending property from the status details (InputPropertiesError).
    details = dict(error.trailing_metadata() or ())["grpc-status-details-bin"]
    status = status_pb2.Status.FromString(details)
    assert len(status.details) == 1
    problems = errors_pb2.InputPropertiesError()
    assert status.details[0].Unpack(problems)
    assert [(e.property_path, e.reason) for e in problems.errors] == [
        ("vpcId", "Missing required input 'vpcId' on 'TieredSecurityGroups'")
    ]


def test_invalid_port_fails_with_the_component_message(provider_session: Any, monitor: Any) -> None:
    servicer, address = monitor
    properties = yaml_chain_properties()
    properties["tiers"][1] = {"name": "web", "ports": ["tcp:99999"]}
    with pytest.raises(grpc.RpcError) as caught:
        construct(provider_session, address, "badport", properties)
    # The component's own message (TieredSgError), with the path to the offending value, alone:
    # no Python traceback behind it.
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert caught.value.details() == (
        "tiers[1].ports[0] 'tcp:99999': port 99999 is out of range 0-65535; "
        "use a port from 0 to 65535"
    )
    assert not [r for r in servicer.registrations if "::badport" in r["urn"]]


def test_rules_on_an_existing_group_need_no_vpc_id(provider_session: Any, monitor: Any) -> None:
    servicer, address = monitor
    properties = {
        "groupId": "sg-0fedcba9876543210",
        "exclusiveRules": False,
        "egress": [{"ports": ["tcp:8080"], "cidrs": ["10.0.0.0/16"]}],
    }
    construct(provider_session, address, "alb-rules", properties, type_=RULES_COMPONENT)
    mine = [r for r in servicer.registrations if "alb-rules" in r["name"]]
    assert [(r["type"], r["name"]) for r in mine] == [
        (RULES_COMPONENT, "alb-rules"),
        (EGRESS, "alb-rules-out-tcp-8080-to-10.0.0.0-16"),
    ]
    assert mine[1]["inputs"]["securityGroupId"] == "sg-0fedcba9876543210"


def test_rules_without_an_ownership_choice_are_refused_by_the_schema(
    provider_session: Any, monitor: Any
) -> None:
    _, address = monitor
    with pytest.raises(grpc.RpcError) as caught:
        construct(
            provider_session,
            address,
            "undecided",
            {"groupId": "sg-0fedcba9876543210"},
            type_=RULES_COMPONENT,
        )
    # exclusiveRules is required in the schema (typed SDKs refuse its absence when compiling):
    # the SDK's provider names the missing property in the status details the CLI prints.
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = dict(caught.value.trailing_metadata() or ())["grpc-status-details-bin"]
    assert b"Missing required input 'exclusiveRules' on 'SecurityGroupRules'" in details


def test_a_group_without_vpc_id_gets_the_component_message(
    provider_session: Any, monitor: Any
) -> None:
    _, address = monitor
    with pytest.raises(grpc.RpcError) as caught:
        construct(provider_session, address, "nowhere", {}, type_=GROUP_COMPONENT)
    # Named as consumers write it (vpcId, not vpc_id).
    assert (caught.value.details() or "").startswith("vpcId None: is required; ")
