"""The planned resources of each stack, replayed on moto's in-process EC2 as the AWS provider would.

``record_program(preview=False)`` gives every resource's inputs exactly as the engine would hand
them to the provider. The replay does what the provider does for each one:

* ``aws:ec2/securityGroup:SecurityGroup``: CreateSecurityGroup with an auto-name (the logical
  name plus a random-looking suffix), the description, the VPC (moto's default VPC for the
  looked-up default) and the tags; then RevokeSecurityGroupEgress of AWS's default allow-all
  egress, as the provider does for a group without inline egress;
* ``aws:vpc/securityGroupIngressRule`` / ``EgressRule``: AuthorizeSecurityGroupIngress/Egress
  with one IpPermission mapped from the inputs (planned group ids replaced by the created ones),
  the description on the peer and the tags on the rule;
* ``aws:ec2/vpcSecurityGroupRulesExclusive``: EC2 has no such object, so the replay does what
  the provider asks EC2: DescribeSecurityGroupRules of the group, then
  RevokeSecurityGroupIngress/Egress by rule id of every rule the resource does not list. Every
  listed id must be a rule created on that very group, in the listed direction;
* ``aws:ec2/defaultSecurityGroup``: adoption of the VPC's default group (made to look as AWS
  makes it: all traffic in from itself, all out), which revokes every rule it has, then tags it.

Every call must be accepted (no duplicate, no quota error, no missing group), and
DescribeSecurityGroupRules must read back exactly the planned rules, group by group, and no
rule at all on a closed default group.
"""

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pulumi
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from preflight import recorder
from preflight.mock_runtime import DEFAULT_VPC_ID, RecordingMonitor
from preflight.recorder import PlannedResource, record_program
from preflight.stack_files import StackConfig, load_stack_config
from tiered_sg import TieredSgError, parse_config
from tiered_sg.chain import plan_chain

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "__main__.py"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
PEER_KEYS = ("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId")
MUTATING = ("CreateSecurityGroup", "RevokeSecurityGroup", "AuthorizeSecurityGroup", "CreateTags")

RuleKey = tuple[str, bool, str, int, int, tuple[str, str], str, frozenset[tuple[str, str]]]
"""(group, egress?, protocol, from, to, (peer kind, peer), description, tags)."""


@dataclass
class Replay:
    """What the replay did: API calls by operation, and the created ids."""

    calls: Counter[str] = field(default_factory=Counter)
    group_ids: dict[str, str] = field(default_factory=dict)  # planned id -> created id
    group_names: dict[str, str] = field(default_factory=dict)  # created id -> logical name
    rule_ids: dict[str, str] = field(default_factory=dict)  # planned rule id -> created rule id
    owned: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    """Logical group name -> the (ingress, egress) rule ids its exclusive resource lists."""
    revoked: dict[str, set[str]] = field(default_factory=dict)  # group name -> revoked rule ids
    closed_defaults: list[str] = field(default_factory=list)  # default groups adopted and closed

    @property
    def mutating_calls(self) -> int:
        return sum(n for op, n in self.calls.items() if op.startswith(MUTATING))


@contextmanager
def emulator(region: str) -> Iterator[tuple[Any, Replay]]:
    """moto's EC2 in this process, with fake credentials, and a call counter on the client."""
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    try:
        with mock_aws():
            ec2 = boto3.client("ec2", region_name=region)
            replay = Replay()

            def count(model: Any, **_: Any) -> None:
                replay.calls[model.name] += 1

            ec2.meta.events.register("before-call.ec2", count)
            yield ec2, replay
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _tags(resource_type: str, tags: dict[str, str]) -> list[dict[str, Any]]:
    pairs = [{"Key": k, "Value": v} for k, v in tags.items()]
    return [{"ResourceType": resource_type, "Tags": pairs}] if pairs else []


def _auto_name(resource: PlannedResource) -> str:
    """Pulumi's auto-naming: the logical name plus a 7-character random suffix."""
    return f"{resource.name}-{hashlib.sha256(resource.urn.encode()).hexdigest()[:7]}"


def permission(inputs: dict[str, Any], group_ids: dict[str, str]) -> dict[str, Any]:
    """One IpPermission from a rule resource's inputs, as the provider builds it."""
    peers = [key for key in PEER_KEYS if key in inputs]
    assert len(peers) == 1, f"a rule names exactly one peer, not {peers}: {inputs}"
    protocol = inputs["ipProtocol"]
    perm: dict[str, Any] = {"IpProtocol": protocol}
    if protocol == "-1":
        assert "fromPort" not in inputs and "toPort" not in inputs, inputs
    else:
        perm["FromPort"], perm["ToPort"] = int(inputs["fromPort"]), int(inputs["toPort"])
    described = {"Description": inputs["description"]}
    value = inputs[peers[0]]
    if peers[0] == "cidrIpv4":
        perm["IpRanges"] = [{"CidrIp": value, **described}]
    elif peers[0] == "cidrIpv6":
        perm["Ipv6Ranges"] = [{"CidrIpv6": value, **described}]
    elif peers[0] == "prefixListId":
        perm["PrefixListIds"] = [{"PrefixListId": value, **described}]
    else:
        perm["UserIdGroupPairs"] = [{"GroupId": group_ids[value], **described}]
    return perm


Intruder = Callable[[Any, Replay], None]
"""Writes rules the program does not declare, between the rules and exclusive ownership."""


def replay_plan(
    ec2: Any, replay: Replay, planned: list[PlannedResource], intruder: Intruder | None = None
) -> None:
    """Create every group, drop AWS's default egress, authorize every rule, enforce exclusive
    ownership, close default groups."""
    customs = [r for r in planned if r.custom]
    known = {SG, INGRESS, EGRESS, EXCLUSIVE, DEFAULT_GROUP}
    assert {r.type for r in customs} <= known, {r.type for r in customs}
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])
    vpcs = {DEFAULT_VPC_ID: default_vpc["Vpcs"][0]["VpcId"]}
    for group in (r for r in customs if r.type == SG):
        inputs = group.inputs
        # The contract: no inline rules, no fixed name (auto-naming allows create-before-delete).
        assert not {"ingress", "egress", "name", "namePrefix"} & set(inputs), inputs
        vpc = inputs["vpcId"]
        if vpc not in vpcs:
            vpcs[vpc] = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        created = ec2.create_security_group(
            GroupName=_auto_name(group),
            Description=inputs["description"],
            VpcId=vpcs[vpc],
            TagSpecifications=_tags("security-group", inputs.get("tags", {})),
        )["GroupId"]
        # AWS gives a new VPC group an allow-all egress rule; the provider revokes it.
        defaults = [r for r in _rules(ec2, [created]) if r["IsEgress"]]
        assert [(r["IpProtocol"], r.get("CidrIpv4", r.get("CidrIpv6"))) for r in defaults] == [
            ("-1", "0.0.0.0/0")
        ]
        ec2.revoke_security_group_egress(
            GroupId=created,
            IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        )
        replay.group_ids[group.id] = created
        replay.group_names[created] = group.name
    for rule in (r for r in customs if r.type in (INGRESS, EGRESS)):
        authorize = (
            ec2.authorize_security_group_ingress
            if rule.type == INGRESS
            else ec2.authorize_security_group_egress
        )
        response = authorize(
            GroupId=replay.group_ids[rule.inputs["securityGroupId"]],
            IpPermissions=[permission(rule.inputs, replay.group_ids)],
            TagSpecifications=_tags("security-group-rule", rule.inputs.get("tags", {})),
        )
        (created_rule,) = response["SecurityGroupRules"]
        replay.rule_ids[rule.id] = created_rule["SecurityGroupRuleId"]
    if intruder is not None:
        intruder(ec2, replay)
    for owned in (r for r in customs if r.type == EXCLUSIVE):
        enforce_exclusive(ec2, replay, owned.inputs)
    for default in (r for r in customs if r.type == DEFAULT_GROUP):
        close_default_group(ec2, replay, default.inputs, vpcs)


def enforce_exclusive(ec2: Any, replay: Replay, inputs: dict[str, Any]) -> None:
    """What VpcSecurityGroupRulesExclusive asks EC2: the group's rules, then a revoke of every
    rule it does not list. Each listed id must be a rule of this group in that direction."""
    group = replay.group_ids[inputs["securityGroupId"]]
    name = replay.group_names[group]
    listed = (
        {replay.rule_ids[i] for i in inputs.get("ingressRuleIds", [])},
        {replay.rule_ids[i] for i in inputs.get("egressRuleIds", [])},
    )
    present: tuple[set[str], set[str]] = (set(), set())
    for rule in _rules(ec2, [group]):
        present[rule["IsEgress"]].add(rule["SecurityGroupRuleId"])
    assert listed[0] <= present[0] and listed[1] <= present[1], (name, listed, present)
    replay.owned[name] = listed
    replay.revoked[name] = set()
    for egress, revoke in (
        (False, ec2.revoke_security_group_ingress),
        (True, ec2.revoke_security_group_egress),
    ):
        stray = sorted(present[egress] - listed[egress])
        if stray:
            revoke(GroupId=group, SecurityGroupRuleIds=stray)
            replay.revoked[name].update(stray)


def close_default_group(
    ec2: Any, replay: Replay, inputs: dict[str, Any], vpcs: dict[str, str]
) -> None:
    """DefaultSecurityGroup with no rules: adopt the VPC's default group, revoke all it has."""
    assert (inputs["ingress"], inputs["egress"]) == ([], []), inputs
    vpc = vpcs[inputs["vpcId"]]
    (group,) = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    group_id = group["GroupId"]
    _as_aws_makes_it(ec2, group_id)
    rules = _rules(ec2, [group_id])
    assert {r["IsEgress"] for r in rules} == {False, True}  # something to close
    for egress, revoke in (
        (False, ec2.revoke_security_group_ingress),
        (True, ec2.revoke_security_group_egress),
    ):
        ids = [r["SecurityGroupRuleId"] for r in rules if r["IsEgress"] is egress]
        revoke(GroupId=group_id, SecurityGroupRuleIds=ids)
    if inputs.get("tags"):
        ec2.create_tags(
            Resources=[group_id], Tags=[{"Key": k, "Value": v} for k, v in inputs["tags"].items()]
        )
    replay.closed_defaults.append(group_id)


def _as_aws_makes_it(ec2: Any, group_id: str) -> None:
    """AWS's default group also accepts all traffic from itself; moto's lacks that rule. Added
    with an uncounted client: it is AWS's doing, not the provider's."""
    setup = boto3.client("ec2", region_name=ec2.meta.region_name)
    rules = _rules(setup, [group_id])
    if not any(not r["IsEgress"] for r in rules):
        setup.authorize_security_group_ingress(
            GroupId=group_id,
            IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id}]}],
        )


def _rules(ec2: Any, group_ids: list[str]) -> list[dict[str, Any]]:
    pages = ec2.get_paginator("describe_security_group_rules").paginate(
        Filters=[{"Name": "group-id", "Values": group_ids}]
    )
    return [rule for page in pages for rule in page["SecurityGroupRules"]]


def planned_rules(planned: list[PlannedResource]) -> Counter[RuleKey]:
    names = {r.id: r.name for r in planned if r.type == SG}
    keys: Counter[RuleKey] = Counter()
    for rule in (r for r in planned if r.type in (INGRESS, EGRESS)):
        inputs = rule.inputs
        peer_key = next(key for key in PEER_KEYS if key in inputs)
        peer = inputs[peer_key]
        kind = {"cidrIpv4": "ipv4", "cidrIpv6": "ipv6", "prefixListId": "prefix-list"}.get(
            peer_key, "group"
        )
        keys[
            (
                names[inputs["securityGroupId"]],
                rule.type == EGRESS,
                inputs["ipProtocol"],
                int(inputs.get("fromPort", -1)),
                int(inputs.get("toPort", -1)),
                (kind, names[peer] if kind == "group" else peer),
                inputs["description"],
                frozenset(inputs.get("tags", {}).items()),
            )
        ] += 1
    return keys


def read_back(ec2: Any, replay: Replay) -> Counter[RuleKey]:
    """Every rule of the created groups, as DescribeSecurityGroupRules reports it."""
    ids = list(replay.group_names)
    # moto leaves the description of a group-reference rule out of DescribeSecurityGroupRules;
    # DescribeSecurityGroups has it on the UserIdGroupPair.
    pair_descriptions: dict[tuple[str, bool, str, int, int, str], str] = {}
    for group in ec2.describe_security_groups(GroupIds=ids)["SecurityGroups"]:
        for egress, perms in (
            (False, group["IpPermissions"]),
            (True, group["IpPermissionsEgress"]),
        ):
            for perm in perms:
                for pair in perm.get("UserIdGroupPairs", []):
                    where = (
                        group["GroupId"],
                        egress,
                        perm["IpProtocol"],
                        perm.get("FromPort", -1),
                        perm.get("ToPort", -1),
                        pair["GroupId"],
                    )
                    pair_descriptions[where] = pair.get("Description", "")
    keys: Counter[RuleKey] = Counter()
    for rule in _rules(ec2, ids):
        ports = (rule["IpProtocol"], rule.get("FromPort", -1), rule.get("ToPort", -1))
        if "CidrIpv4" in rule:
            peer = ("ipv4", rule["CidrIpv4"])
        elif "CidrIpv6" in rule:
            peer = ("ipv6", rule["CidrIpv6"])
        elif "PrefixListId" in rule:
            peer = ("prefix-list", rule["PrefixListId"])
        else:
            other = rule["ReferencedGroupInfo"]["GroupId"]
            peer = ("group", replay.group_names[other])
        description = rule.get("Description")
        if description is None and peer[0] == "group":
            description = pair_descriptions[(rule["GroupId"], rule["IsEgress"], *ports, other)]
        keys[
            (
                replay.group_names[rule["GroupId"]],
                rule["IsEgress"],
                *ports,
                peer,
                description or "",
                frozenset((t["Key"], t["Value"]) for t in rule.get("Tags", [])),
            )
        ] += 1
    return keys


def per_group(keys: Counter[RuleKey]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for key, n in keys.items():
        counts[key[0]] += n
    return counts


# -- the stacks --------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stack", "groups", "rules", "defaults"), [("dev", 4, 13, 0), ("prod", 3, 8, 1)]
)
def test_stack_replays_on_the_emulator_and_reads_back_exactly(
    stack: str, groups: int, rules: int, defaults: int
) -> None:
    config = load_stack_config(ROOT, stack)
    planned = record_program(PROGRAM, config, preview=False)
    expected = planned_rules(planned)
    # Independent of moto (which accepts a duplicate group-reference rule that differs only in
    # its description, where AWS refuses it): no permission is planned twice on a group.
    assert all(n == 1 for n in expected.values())
    assert len({key[:6] for key in expected}) == len(expected)

    with emulator(config.config["aws:region"]) as (ec2, replay):
        replay_plan(ec2, replay, planned)  # raises ClientError on any refused call
        found = read_back(ec2, replay)
        described = ec2.describe_security_groups(GroupIds=list(replay.group_names))
        after_closing = _rules(ec2, replay.closed_defaults) if replay.closed_defaults else []
        owned_now = {
            replay.group_names[g]: _rule_ids_by_direction(ec2, g) for g in replay.group_names
        }

    assert found == expected
    assert per_group(found) == per_group(expected)
    assert sum(found.values()) == rules
    # Every group is owned exclusively, by a list of exactly its own rules: nothing revoked.
    assert replay.owned == owned_now
    assert set(replay.owned) == set(replay.group_names.values())
    assert replay.revoked == {name: set() for name in replay.owned}
    assert len(replay.closed_defaults) == defaults
    assert after_closing == []
    assert replay.calls["CreateSecurityGroup"] == groups
    assert replay.calls["RevokeSecurityGroupEgress"] == groups + defaults
    assert replay.calls["RevokeSecurityGroupIngress"] == defaults
    ingress = sum(1 for r in planned if r.type == INGRESS)
    assert replay.calls["AuthorizeSecurityGroupIngress"] == ingress
    assert replay.calls["AuthorizeSecurityGroupEgress"] == rules - ingress
    # Closing a default group: revoke in, revoke out, tag it.
    assert replay.mutating_calls == 2 * groups + rules + 3 * defaults  # dev 21, prod 17
    planned_groups = {r.name: r.inputs for r in planned if r.type == SG}
    for group in described["SecurityGroups"]:
        inputs = planned_groups[replay.group_names[group["GroupId"]]]
        assert group["GroupName"].startswith(replay.group_names[group["GroupId"]] + "-")
        assert group["Description"] == inputs["description"]
        assert {t["Key"]: t["Value"] for t in group.get("Tags", [])} == inputs["tags"]


def _rule_ids_by_direction(ec2: Any, group_id: str) -> tuple[set[str], set[str]]:
    found: tuple[set[str], set[str]] = (set(), set())
    for rule in _rules(ec2, [group_id]):
        found[rule["IsEgress"]].add(rule["SecurityGroupRuleId"])
    return found


def test_exclusive_ownership_revokes_a_rule_written_behind_the_programs_back() -> None:
    config = load_stack_config(ROOT, "dev")
    planned = record_program(PROGRAM, config, preview=False)
    intruders: dict[str, str] = {}

    def console_user(ec2: Any, replay: Replay) -> None:
        web = next(g for g, name in replay.group_names.items() if name == "tiered-web")
        response = ec2.authorize_security_group_ingress(
            GroupId=web,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )
        intruders["tiered-web"] = response["SecurityGroupRules"][0]["SecurityGroupRuleId"]

    with emulator(config.config["aws:region"]) as (ec2, replay):
        replay_plan(ec2, replay, planned, intruder=console_user)
        found = read_back(ec2, replay)

    assert replay.revoked["tiered-web"] == {intruders["tiered-web"]}
    assert all(not ids for name, ids in replay.revoked.items() if name != "tiered-web")
    assert found == planned_rules(planned)


# -- the quota: our check refuses first; moto agrees at the boundary ---------------------------


def _one_tier(cidr_count: int) -> StackConfig:
    base = load_stack_config(ROOT, "prod")
    config = {k: v for k, v in base.config.items() if not k.startswith("tiered-sg:")}
    config["tiered-sg:tiers"] = '[{"name": "web", "ports": ["https"]}]'
    config["tiered-sg:publicIpv4Cidrs"] = json.dumps([f"10.0.{i}.0/24" for i in range(cidr_count)])
    return StackConfig(base.project, "quota", config, [])


QUOTA_MESSAGE = (
    "security group 'tiered-web': 61 inbound IPv4 rules exceed the AWS quota of 60 per direction "
    "and IP family (group and prefix-list rules count in both families); merge CIDRs or ports "
    "into wider ranges or a prefix list, split the group, or raise the quota with AWS"
)


def test_one_rule_over_the_quota_is_refused_before_any_registration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stack = _one_tier(61)
    with pytest.raises(TieredSgError) as caught:
        plan_chain("tiered", parse_config(stack.config).spec).validate()
    assert str(caught.value) == QUOTA_MESSAGE

    started: list[RecordingMonitor] = []
    start = recorder.start_deployment

    def start_and_keep(**kwargs: Any) -> RecordingMonitor:
        started.append(start(**kwargs))
        return started[-1]

    monkeypatch.setattr(recorder, "start_deployment", start_and_keep)
    with pytest.raises(pulumi.RunError) as run_error:
        record_program(PROGRAM, stack, preview=False)
    assert str(run_error.value) == QUOTA_MESSAGE
    assert [m.registrations for m in started] == [[]]


def test_moto_enforces_the_same_quota_at_the_boundary() -> None:
    stack = _one_tier(60)
    planned = record_program(PROGRAM, stack, preview=False)
    assert sum(1 for r in planned if r.type == INGRESS) == 60
    with emulator(stack.config["aws:region"]) as (ec2, replay):
        replay_plan(ec2, replay, planned)
        assert sum(read_back(ec2, replay).values()) == 60
        (group_id,) = replay.group_names
        with pytest.raises(ClientError) as refused:  # the 61st rule, as the plan would add it
            ec2.authorize_security_group_ingress(
                GroupId=group_id,
                IpPermissions=[
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 443,
                        "ToPort": 443,
                        "IpRanges": [{"CidrIp": "10.0.60.0/24"}],
                    }
                ],
            )
    assert refused.value.response["Error"]["Code"] == "RulesPerSecurityGroupLimitExceeded"
    assert replay.revoked == {"tiered-web": set()}
    assert replay.mutating_calls == 1 + 1 + 60 + 1  # create, revoke, 60 rules, the refused one
