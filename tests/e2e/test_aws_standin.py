"""The aws stand-in, started and spoken to exactly as the engine does, against moto's EC2.

The stand-in runs from its launcher script with the engine address as argument; the port is
read from its first stdout line; every RPC goes over gRPC (tests/e2e/standin_client.py). What
it did is read back from the emulator with boto3, never from its own replies. The e2e tests
that run the real `pulumi` on top of it are elsewhere in tests/e2e.
"""

import importlib
import inspect
import json
import os
import re
import select
import socket
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import grpc
import pulumi_aws
import pytest
from pulumi.runtime.proto import provider_pb2
from pulumi_aws.ec2 import outputs as ec2_outputs

from tests.e2e.aws_standin.launcher import write_launcher
from tests.e2e.emulator import Emulator
from tests.e2e.standin_client import (
    DEFAULT_SG,
    EGRESS,
    EXCLUSIVE,
    GET_VPC,
    INGRESS,
    SG,
    VPC,
    ProviderClient,
)
from tests.e2e.standin_process import StandinProcess

pytestmark = pytest.mark.timeout(120)
# `pulumi_aws.ec2.get_vpc` is the function; the module holds GetVpcResult.
get_vpc_module = importlib.import_module("pulumi_aws.ec2.get_vpc")

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
StartStandin = Callable[..., StandinProcess]


@pytest.fixture(scope="module")
def ec2_emulator() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def start_standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartStandin]:
    """Start stand-in processes (env overrides as keywords); all are stopped at module end."""
    launcher = write_launcher(tmp_path_factory.mktemp("standin-bin"))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TIERED_SG_STANDIN_"))}
    started: list[StandinProcess] = []

    def start(**env: str) -> StandinProcess:
        workdir = tmp_path_factory.mktemp("standin")
        log = {"TIERED_SG_STANDIN_LOG": str(workdir / "standin.log")}
        process = StandinProcess(launcher, {**base, **log, **env}, workdir)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop()


@pytest.fixture(scope="module")
def aws(ec2_emulator: Emulator, start_standin: StartStandin) -> ProviderClient:
    """A configured stand-in aimed at the module's emulator through the environment."""
    client = ProviderClient(start_standin(TIERED_SG_STANDIN_ENDPOINT=ec2_emulator.endpoint).stub)
    client.configure(region="us-east-1")
    return client


@pytest.fixture(scope="module")
def ec2(ec2_emulator: Emulator) -> Any:
    return ec2_emulator.ec2()


@pytest.fixture(scope="module")
def default_vpc(ec2: Any) -> str:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return str(vpcs[0]["VpcId"])


@pytest.fixture
def tripwire() -> Iterator[tuple[str, Callable[[], bool]]]:
    """A loopback endpoint that serves nothing: ``touched()`` tells whether anyone connected."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)

        def touched() -> bool:
            readable, _, _ = select.select([listener], [], [], 0.5)
            return bool(readable)

        yield f"http://127.0.0.1:{listener.getsockname()[1]}", touched


def group_rules(ec2: Any, group_id: str) -> list[dict[str, Any]]:
    filters = [{"Name": "group-id", "Values": [group_id]}]
    return list(ec2.describe_security_group_rules(Filters=filters)["SecurityGroupRules"])


def new_group(
    aws: ProviderClient, name: str, vpc: str
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return aws.check_and_create(SG, name, {"vpcId": vpc, "tags": {"tier": name}})


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


def python_params(function: Any) -> set[str]:
    """The keyword parameters of a pulumi_aws class or function, camelCased."""
    names = list(inspect.signature(function).parameters)
    return {camel(n) for n in names if n not in {"__self__", "opts", "resource_name"}}


# --- plugin identity and schema ---------------------------------------------------------------


def test_plugin_reports_the_installed_pulumi_aws_version(aws: ProviderClient) -> None:
    assert aws.plugin_version() == version("pulumi_aws") == "7.51.1"


SCHEMA_CLASSES = {
    SG: (pulumi_aws.ec2.SecurityGroupArgs, pulumi_aws.ec2.security_group._SecurityGroupState),
    INGRESS: (
        pulumi_aws.vpc.SecurityGroupIngressRuleArgs,
        pulumi_aws.vpc.security_group_ingress_rule._SecurityGroupIngressRuleState,
    ),
    EGRESS: (
        pulumi_aws.vpc.SecurityGroupEgressRuleArgs,
        pulumi_aws.vpc.security_group_egress_rule._SecurityGroupEgressRuleState,
    ),
    EXCLUSIVE: (
        pulumi_aws.ec2.VpcSecurityGroupRulesExclusiveArgs,
        pulumi_aws.ec2.vpc_security_group_rules_exclusive._VpcSecurityGroupRulesExclusiveState,
    ),
    DEFAULT_SG: (
        pulumi_aws.ec2.DefaultSecurityGroupArgs,
        pulumi_aws.ec2.default_security_group._DefaultSecurityGroupState,
    ),
    VPC: (pulumi_aws.ec2.VpcArgs, pulumi_aws.ec2.vpc._VpcState),
}


@pytest.mark.parametrize("token", sorted(SCHEMA_CLASSES))
def test_schema_properties_are_pulumi_aws_s(aws: ProviderClient, token: str) -> None:
    schema = json.loads(aws.schema())
    args, state = SCHEMA_CLASSES[token]
    resource = schema["resources"][token]
    assert set(resource["inputProperties"]) == python_params(args)
    assert set(resource["properties"]) == python_params(state)
    assert set(resource["required"]) <= set(resource["properties"])


def test_schema_is_the_aws_package_with_the_function_and_types(aws: ProviderClient) -> None:
    schema = json.loads(aws.schema())
    assert (schema["name"], schema["version"]) == ("aws", version("pulumi_aws"))
    assert re.fullmatch(schema["meta"]["moduleFormat"] + "$", "ec2/vpc")  # aws:ec2:Vpc resolves
    function = schema["functions"][GET_VPC]
    assert set(function["inputs"]["properties"]) == python_params(get_vpc_module.get_vpc)
    assert set(function["outputs"]["properties"]) == python_params(get_vpc_module.GetVpcResult)
    inline = schema["types"]["aws:ec2/SecurityGroupIngress:SecurityGroupIngress"]
    assert set(inline["properties"]) == python_params(ec2_outputs.SecurityGroupIngress)
    refs = re.findall(r'"\$ref": "#/types/([^"]+)"', json.dumps(schema))
    assert set(refs) <= set(schema["types"]), "every type reference resolves"


# --- getVpc ------------------------------------------------------------------------------------


def test_get_vpc_default_gives_every_key_get_vpc_result_reads(
    aws: ProviderClient, default_vpc: str
) -> None:
    result = aws.invoke(GET_VPC, {"default": True})
    assert result["id"] == default_vpc
    assert result["default"] is True
    assert python_params(get_vpc_module.GetVpcResult) <= set(result)
    # GetVpcResult type-checks every value it is given.
    snake = {re.sub(r"([A-Z])", r"_\1", k).lower(): v for k, v in result.items()}
    built = get_vpc_module.GetVpcResult(**snake)
    assert built.cidr_block == result["cidrBlock"]
    assert aws.invoke(GET_VPC, {"id": default_vpc})["id"] == default_vpc


def test_get_vpc_without_a_match_says_so(aws: ProviderClient) -> None:
    with pytest.raises(grpc.RpcError, match="no matching EC2 VPC found"):
        aws.invoke(GET_VPC, {"cidrBlock": "10.254.0.0/16"})


# --- security groups ---------------------------------------------------------------------------


def test_check_autonames_and_keeps_the_name_across_runs(
    aws: ProviderClient, default_vpc: str
) -> None:
    news = {"vpcId": default_vpc}
    first = aws.check(SG, "web", news, seed=b"a" * 32)
    assert re.fullmatch(r"web-[0-9a-f]{7}", first.inputs["name"])
    assert first.inputs["description"] == "Managed by Pulumi"
    assert (
        aws.check(SG, "web", news, olds=first.inputs, seed=b"b" * 32).inputs["name"]
        == (first.inputs["name"])
    )
    assert aws.check(SG, "web", news, seed=b"b" * 32).inputs["name"] != first.inputs["name"]
    named = aws.check(SG, "web", {**news, "name": "fixed"}, olds=first.inputs)
    assert named.inputs["name"] == "fixed"
    assert "name" not in named.inputs["__defaults"]


def test_create_group_revokes_aws_default_egress(
    aws: ProviderClient, ec2: Any, default_vpc: str
) -> None:
    group_id, outputs, inputs = new_group(aws, "created", default_vpc)
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    assert group["IpPermissionsEgress"] == [] and group["IpPermissions"] == []
    assert group["GroupName"] == inputs["name"] == outputs["name"]
    assert group["Description"] == "Managed by Pulumi"
    assert {t["Key"]: t["Value"] for t in group["Tags"]} == {"tier": "created"}
    assert outputs["vpcId"] == default_vpc
    assert outputs["arn"].endswith(f":security-group/{group_id}")
    assert outputs["ownerId"] and outputs["egress"] == [] and outputs["ingress"] == []
    assert outputs["tagsAll"] == {"tier": "created"}


def test_group_diff_is_none_when_nothing_changed_and_replaces_where_pulumi_aws_does(
    aws: ProviderClient, default_vpc: str
) -> None:
    group_id, outputs, inputs = new_group(aws, "diffed", default_vpc)
    rechecked = aws.check(SG, "diffed", {"vpcId": default_vpc, "tags": {"tier": "diffed"}}, inputs)
    assert aws.diff(SG, "diffed", group_id, outputs, rechecked.inputs).none
    _, read, _ = aws.read(SG, "diffed", group_id, outputs, inputs)
    assert aws.diff(SG, "diffed", group_id, read, rechecked.inputs).none

    def diff_with(**changes: Any) -> Any:
        return aws.diff(SG, "diffed", group_id, outputs, {**rechecked.inputs, **changes})

    assert diff_with(description="new").replaces == ["description"]
    assert diff_with(vpcId="vpc-00000000000000000").replaces == ["vpcId"]
    renamed = diff_with(name="explicit", __defaults=["description", "revokeRulesOnDelete"])
    assert renamed.replaces == ["name"] and renamed.delete_before_replace
    retagged = diff_with(tags={"tier": "other"})
    assert retagged.diffs == ["tags"] and retagged.replaces == []
    assert diff_with(vpcId=UNKNOWN).replaces == ["vpcId"]


def test_group_update_changes_tags_in_place(
    aws: ProviderClient, ec2: Any, default_vpc: str
) -> None:
    group_id, outputs, inputs = new_group(aws, "retagged", default_vpc)
    news = {**inputs, "tags": {"tier": "retagged", "extra": "1"}}
    updated = aws.update(SG, "retagged", group_id, outputs, news)
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    assert {t["Key"]: t["Value"] for t in group["Tags"]} == {"tier": "retagged", "extra": "1"}
    assert updated["tagsAll"] == {"tier": "retagged", "extra": "1"}


# --- rules ---------------------------------------------------------------------------------------


def test_rule_ids_are_the_sgr_ids_ec2_returns(
    aws: ProviderClient, ec2: Any, default_vpc: str
) -> None:
    web, _, _ = new_group(aws, "rules-web", default_vpc)
    app, _, _ = new_group(aws, "rules-app", default_vpc)
    rule_in, out_in, _ = aws.check_and_create(
        INGRESS,
        "in-443",
        {
            "securityGroupId": web, "ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
            "cidrIpv4": "0.0.0.0/0", "description": "https", "tags": {"k": "v"},
        },
    )  # fmt: skip
    rule_out, out_out, _ = aws.check_and_create(
        EGRESS,
        "out-8080",
        {
            "securityGroupId": web, "ipProtocol": "tcp", "fromPort": 8080, "toPort": 8080,
            "referencedSecurityGroupId": app, "description": "to app",
        },
    )  # fmt: skip
    rules = {r["SecurityGroupRuleId"]: r for r in group_rules(ec2, web)}
    assert set(rules) == {rule_in, rule_out}
    assert rules[rule_in]["CidrIpv4"] == "0.0.0.0/0" and not rules[rule_in]["IsEgress"]
    assert rules[rule_in]["Tags"] == [{"Key": "k", "Value": "v"}]
    assert rules[rule_out]["ReferencedGroupInfo"]["GroupId"] == app and rules[rule_out]["IsEgress"]
    assert out_in["securityGroupRuleId"] == rule_in and rule_in.startswith("sgr-")
    assert out_in["arn"].endswith(f":security-group-rule/{rule_in}")
    assert out_out["securityGroupRuleId"] == rule_out


def test_rule_diffs_replace_on_group_or_peer_kind_and_update_the_rest_in_place(
    aws: ProviderClient, ec2: Any, default_vpc: str
) -> None:
    group, _, _ = new_group(aws, "modified", default_vpc)
    other, _, _ = new_group(aws, "modified-peer", default_vpc)
    news = {
        "securityGroupId": group, "ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
        "cidrIpv4": "10.0.0.0/8", "description": "ssh",
    }  # fmt: skip
    rule_id, outputs, inputs = aws.check_and_create(INGRESS, "ssh", news)
    _, read, _ = aws.read(INGRESS, "ssh", rule_id, outputs, inputs)
    assert aws.diff(INGRESS, "ssh", rule_id, read, inputs).none
    assert aws.diff(INGRESS, "ssh", rule_id, outputs, {**inputs, "ipProtocol": "TCP"}).none

    def diff_with(**changes: Any) -> Any:
        return aws.diff(INGRESS, "ssh", rule_id, outputs, {**inputs, **changes})

    assert diff_with(securityGroupId=other).replaces == ["securityGroupId"]
    kind = diff_with(cidrIpv4=None, referencedSecurityGroupId=other)
    assert sorted(kind.replaces) == ["cidrIpv4", "referencedSecurityGroupId"]
    ports = diff_with(fromPort=2222, toPort=2222, cidrIpv4="192.168.0.0/16")
    assert sorted(ports.diffs) == ["cidrIpv4", "fromPort", "toPort"] and ports.replaces == []

    moved = {**inputs, "fromPort": 2222, "toPort": 2222, "cidrIpv4": "192.168.0.0/16"}
    aws.update(INGRESS, "ssh", rule_id, outputs, moved)
    (rule,) = group_rules(ec2, group)
    assert rule["SecurityGroupRuleId"] == rule_id  # modified, not replaced
    assert (rule["FromPort"], rule["ToPort"], rule["CidrIpv4"]) == (2222, 2222, "192.168.0.0/16")


def test_rule_check_wants_exactly_one_peer(aws: ProviderClient) -> None:
    news = {"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 1, "toPort": 1}
    failures = aws.check(INGRESS, "peerless", news).failures
    assert any("Exactly one of these attributes" in reason for _, reason in failures)
    both = {**news, "cidrIpv4": "10.0.0.0/8", "cidrIpv6": "::/0"}
    assert aws.check(INGRESS, "two-peers", both).failures


# --- exclusive ownership -----------------------------------------------------------------------


def test_exclusive_revokes_unlisted_rules_and_read_reports_drift(
    aws: ProviderClient, ec2: Any, default_vpc: str
) -> None:
    group, _, _ = new_group(aws, "owned", default_vpc)
    ours, _, _ = aws.check_and_create(
        INGRESS,
        "owned-in-80",
        {"securityGroupId": group, "ipProtocol": "tcp", "fromPort": 80, "toPort": 80,
         "cidrIpv4": "0.0.0.0/0"},
    )  # fmt: skip
    by_hand = {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389}
    ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{**by_hand, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    ec2.authorize_security_group_egress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    news = {"securityGroupId": group, "ingressRuleIds": [ours], "egressRuleIds": []}
    owner_id, outputs, inputs = aws.check_and_create(EXCLUSIVE, "owned-exclusive", news)
    assert owner_id == group
    assert [r["SecurityGroupRuleId"] for r in group_rules(ec2, group)] == [ours]

    # A rule added behind Pulumi's back: Read (refresh) reports it, the next update revokes it.
    added = ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{**by_hand, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
    )["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    _, read, read_inputs = aws.read(EXCLUSIVE, "owned-exclusive", owner_id, outputs, inputs)
    assert read["ingressRuleIds"] == [ours, added] == read_inputs["ingressRuleIds"]
    drift = aws.diff(EXCLUSIVE, "owned-exclusive", owner_id, read, inputs)
    assert drift.diffs == ["ingressRuleIds"] and drift.replaces == []
    aws.update(EXCLUSIVE, "owned-exclusive", owner_id, read, inputs)
    assert [r["SecurityGroupRuleId"] for r in group_rules(ec2, group)] == [ours]

    reordered = {**inputs, "ingressRuleIds": [ours], "egressRuleIds": []}
    assert aws.diff(EXCLUSIVE, "owned-exclusive", owner_id, outputs, reordered).none
    aws.delete(EXCLUSIVE, "owned-exclusive", owner_id, outputs)
    assert [r["SecurityGroupRuleId"] for r in group_rules(ec2, group)] == [ours]


# --- the VPC's default group and VPCs ----------------------------------------------------------


def test_default_group_is_adopted_emptied_and_left_on_delete(
    aws: ProviderClient, ec2: Any, ec2_emulator: Emulator
) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    default = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=default,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": default}]}],
    )
    news = {"vpcId": vpc, "ingress": [], "egress": [], "tags": {"Name": "closed"}}
    group_id, outputs, inputs = aws.check_and_create(DEFAULT_SG, "closed", news)
    assert group_id == default
    assert group_rules(ec2, default) == []
    assert outputs["name"] == "default" and outputs["ingress"] == [] == outputs["egress"]
    assert aws.diff(DEFAULT_SG, "closed", group_id, outputs, inputs).none
    aws.delete(DEFAULT_SG, "closed", group_id, outputs)
    assert ec2.describe_security_groups(GroupIds=[default])["SecurityGroups"]


def test_vpc_is_created_and_deleted(aws: ProviderClient, ec2: Any) -> None:
    news = {"cidrBlock": "10.30.0.0/16", "tags": {"Name": "made"}}
    vpc_id, outputs, inputs = aws.check_and_create(VPC, "made", news)
    (vpc,) = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    assert vpc["CidrBlock"] == "10.30.0.0/16" == outputs["cidrBlock"]
    assert outputs["defaultSecurityGroupId"].startswith("sg-")
    assert aws.diff(VPC, "made", vpc_id, outputs, inputs).none
    assert aws.diff(VPC, "made", vpc_id, outputs, {**inputs, "cidrBlock": "10.31.0.0/16"}).replaces
    aws.delete(VPC, "made", vpc_id, outputs)
    assert not ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"]


# --- preview, deletes of what is gone, errors ----------------------------------------------------


def test_preview_makes_no_api_call_and_returns_unknown_outputs(
    start_standin: StartStandin, tripwire: tuple[str, Callable[[], bool]]
) -> None:
    endpoint, touched = tripwire
    aws = ProviderClient(start_standin(TIERED_SG_STANDIN_ENDPOINT=endpoint).stub)
    aws.configure(region="us-east-1")
    group = aws.check(SG, "planned", {"vpcId": "vpc-0123456789abcdef0"})
    group_id, outputs = aws.create(SG, "planned", group.inputs, preview=True)
    assert group_id == ""
    assert outputs["name"] == group.inputs["name"]
    assert outputs["arn"] == UNKNOWN and outputs["ownerId"] == UNKNOWN
    rule = aws.check(
        INGRESS,
        "planned-in",
        {"securityGroupId": UNKNOWN, "ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
         "cidrIpv4": "0.0.0.0/0"},
    )  # fmt: skip
    assert not rule.failures
    _, rule_outputs = aws.create(INGRESS, "planned-in", rule.inputs, preview=True)
    assert rule_outputs["securityGroupRuleId"] == UNKNOWN
    state = {**group.inputs, "arn": "arn:x", "ownerId": "1"}
    updated = aws.update(SG, "planned", "sg-1", state, {**group.inputs, "tags": {"a": "b"}}, True)
    assert updated["arn"] == "arn:x" and updated["tags"] == {"a": "b"}
    assert not touched(), "a preview reached the EC2 endpoint"


def test_deleting_what_is_already_gone_succeeds(
    aws: ProviderClient, ec2: Any, default_vpc: str
) -> None:
    group_id, outputs, _ = new_group(aws, "gone", default_vpc)
    rule_id, rule_outputs, _ = aws.check_and_create(
        INGRESS,
        "gone-in",
        {"securityGroupId": group_id, "ipProtocol": "tcp", "fromPort": 1, "toPort": 1,
         "cidrIpv4": "10.0.0.0/8"},
    )  # fmt: skip
    aws.delete(INGRESS, "gone-in", rule_id, rule_outputs)
    aws.delete(INGRESS, "gone-in", rule_id, rule_outputs)  # InvalidPermission.NotFound
    aws.delete(SG, "gone", group_id, outputs)
    aws.delete(SG, "gone", group_id, outputs)  # InvalidGroup.NotFound
    aws.delete(INGRESS, "gone-in", rule_id, rule_outputs)  # the group is gone too
    aws.delete(VPC, "gone-vpc", "vpc-0123456789abcdef0", {})  # InvalidVpcID.NotFound
    assert aws.read(SG, "gone", group_id, outputs, {})[0] == ""
    assert aws.read(INGRESS, "gone-in", rule_id, rule_outputs, {})[0] == ""
    assert aws.read(EXCLUSIVE, "gone-x", group_id, {"securityGroupId": group_id}, {})[0] == ""
    assert not ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [group_id]}])[
        "SecurityGroups"
    ]


def test_ec2_error_code_and_message_pass_through(aws: ProviderClient) -> None:
    missing = "sg-0123456789abcdef0"
    news = {"securityGroupId": missing, "ipProtocol": "tcp", "fromPort": 1, "toPort": 1,
            "cidrIpv4": "10.0.0.0/8"}  # fmt: skip
    with pytest.raises(grpc.RpcError) as raised:
        aws.check_and_create(INGRESS, "orphan", news)
    details = raised.value.details() or ""
    assert f"InvalidGroup.NotFound: The security group '{missing}' does not exist" in details
    assert "AuthorizeSecurityGroupIngress" in details
    assert 'File "' not in details, "no Python stack in a user-facing error"


def test_a_lowered_rule_quota_is_refused_with_ec2_s_error(
    ec2_emulator: Emulator, start_standin: StartStandin, default_vpc: str
) -> None:
    aws = ProviderClient(
        start_standin(
            TIERED_SG_STANDIN_ENDPOINT=ec2_emulator.endpoint, TIERED_SG_STANDIN_RULES_PER_GROUP="1"
        ).stub
    )
    aws.configure()
    group, _, _ = new_group(aws, "quota", default_vpc)
    rule = {"securityGroupId": group, "ipProtocol": "tcp", "fromPort": 1, "toPort": 1}
    aws.check_and_create(INGRESS, "quota-1", {**rule, "cidrIpv4": "10.0.0.0/8"})
    with pytest.raises(grpc.RpcError, match="RulesPerSecurityGroupLimitExceeded: The maximum"):
        aws.check_and_create(INGRESS, "quota-2", {**rule, "cidrIpv4": "10.1.0.0/16"})


# --- endpoints ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    ["http://192.0.2.10:4566", "http://ec2.us-east-1.amazonaws.com", "https://10.0.0.1"],
)
def test_a_non_loopback_endpoint_is_refused(start_standin: StartStandin, endpoint: str) -> None:
    from_config = ProviderClient(start_standin().stub)
    with pytest.raises(grpc.RpcError, match="only talks to a loopback emulator"):
        from_config.configure(endpoints=json.dumps([{"ec2": endpoint}]))
    from_env = ProviderClient(start_standin(TIERED_SG_STANDIN_ENDPOINT=endpoint).stub)
    with pytest.raises(grpc.RpcError, match="TIERED_SG_STANDIN_ENDPOINT: refusing endpoint"):
        from_env.configure()


def test_the_endpoints_config_wins_over_the_environment(
    start_standin: StartStandin,
    ec2_emulator: Emulator,
    tripwire: tuple[str, Callable[[], bool]],
    default_vpc: str,
) -> None:
    endpoint, touched = tripwire
    aws = ProviderClient(start_standin(TIERED_SG_STANDIN_ENDPOINT=endpoint).stub)
    localhost = ec2_emulator.endpoint.replace("127.0.0.1", "localhost")
    aws.configure(endpoints=json.dumps([{"ec2": localhost, "sts": localhost}]))
    assert aws.invoke(GET_VPC, {"default": True})["id"] == default_vpc
    assert not touched()


# --- process contract --------------------------------------------------------------------------


def test_cancel_is_ok_and_nothing_but_the_port_reaches_stdout(
    ec2_emulator: Emulator, start_standin: StartStandin
) -> None:
    process = start_standin(TIERED_SG_STANDIN_ENDPOINT=ec2_emulator.endpoint)
    aws = ProviderClient(process.stub)
    aws.configure()
    aws.invoke(GET_VPC, {"default": True})
    with pytest.raises(grpc.RpcError) as raised:
        process.stub.Handshake(provider_pb2.ProviderHandshakeRequest())
    assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED  # the engine then uses Configure
    aws.cancel()
    process.stop()
    assert process.stdout_rest == []
    log = Path(process.stderr_path.parent / "standin.log").read_text(encoding="utf-8")
    assert "configured" in log and "Traceback" not in log


def test_launcher_runs_the_test_python_without_bytecode(tmp_path: Path) -> None:
    script = write_launcher(tmp_path, endpoint="http://127.0.0.1:1", python="/opt/python")
    text = script.read_text(encoding="utf-8")
    assert os.access(script, os.X_OK) and script.name == "pulumi-resource-aws"
    assert "export PYTHONDONTWRITEBYTECODE=1" in text
    assert 'exec /opt/python -P -m aws_standin "$@"' in text
    assert 'TIERED_SG_STANDIN_ENDPOINT="${TIERED_SG_STANDIN_ENDPOINT:-http://127.0.0.1:1}"' in text


def test_the_emulator_stops_mid_test_and_restarts_empty_on_the_same_endpoint() -> None:
    with Emulator() as emulator:
        endpoint = emulator.endpoint
        emulator.ec2().create_security_group(GroupName="before", Description="d")
        emulator.stop()
        assert not emulator.running
        with pytest.raises(Exception, match="Could not connect"):
            emulator.ec2().describe_vpcs()
        emulator.restart()
        assert emulator.endpoint == endpoint
        names = [
            g["GroupName"] for g in emulator.ec2().describe_security_groups()["SecurityGroups"]
        ]
        assert names == ["default"]
    assert not emulator.running
