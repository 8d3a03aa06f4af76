"""The contract between the components and the pack, which import nothing of each other.

The pack reads the tags the components write and shares domain facts with them. Each side is
asked through its public face only: the components by building a real chain, the pack through
what it tells the engine (GetAnalyzerInfo) and the verdicts it returns. Renaming a tag or
changing a fact on one side fails here, where every other suite would stay green.
"""

import ipaddress
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from analyzer_client import PolicyPackSession, Resource
from preflight.analysis import PreflightResult, run_preflight
from preflight.stack_files import StackConfig, load_stack_config
from tiered_sg import RULES_PER_DIRECTION, ChainSpec, Peer, PeerKind, Port, TieredSgError
from tiered_sg.admin_access import DEFAULT_ADMIN_MIN_PREFIX
from tiered_sg.chain_spec import DEFAULT_ADMIN_PORTS

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "policies"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
STACK = StackConfig(project="contract", stack="test", config={}, secret_keys=[])

CHAIN = """\
import pulumi_aws as aws
from tiered_sg import TieredSecurityGroups

chain = TieredSecurityGroups(
    "shop",
    {"vpc_id": "vpc-0123456789abcdef0", "admin_cidrs": {"office": "203.0.113.10/32"}},
)
"""
# A rule someone adds beside the chain: the app tier accepting a CIDR, not only the web tier.
FOREIGN_RULE = """\
aws.vpc.SecurityGroupIngressRule(
    "app-from-the-office-lan",
    security_group_id=chain.groups["app"].group_id,
    ip_protocol="tcp",
    from_port=8080,
    to_port=8080,
    cidr_ipv4="10.0.0.0/8",
    description="A shortcut around the web tier",
)
"""


# A second owner of the web group that the components cannot see: apply makes a new Output.
SECOND_OWNER = """\
from tiered_sg import SecurityGroupRules

SecurityGroupRules(
    "extra",
    {
        "group_id": chain.groups["web"].group_id.apply(lambda group_id: group_id),
        "exclusive_rules": True,
        "ingress": [{"ports": ["ssh"], "cidrs": ["10.0.0.0/8"]}],
    },
)
"""


def preflight(tmp_path: Path, program: str, mode: str) -> PreflightResult:
    (tmp_path / "__main__.py").write_text(dedent(program), encoding="utf-8")
    return run_preflight(tmp_path, STACK, PACK_DIR, mode=mode)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pack() -> Iterator[PolicyPackSession]:
    with PolicyPackSession(PACK_DIR, project="contract", stack="test") as session:
        yield session


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_tier_isolation_sees_the_real_chain_and_only_the_foreign_rule(tmp_path, mode):
    clean = preflight(tmp_path, CHAIN, mode)
    assert not clean.verdicts.for_policy("sg-tier-isolation")

    breached = preflight(tmp_path, CHAIN + FOREIGN_RULE, mode)
    findings = breached.verdicts.for_policy("sg-tier-isolation")
    foreign = next(r.urn for r in breached.resources if r.name == "app-from-the-office-lan")
    assert [(d.urn, d.enforcement_level) for d in findings] == [(foreign, "mandatory")]
    assert "10.0.0.0/8" in findings[0].message


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_a_rule_beside_the_chain_on_a_group_it_owns_is_reported_where_it_is_written(tmp_path, mode):
    result = preflight(tmp_path, CHAIN + FOREIGN_RULE, mode)
    findings = result.verdicts.for_policy("sg-rules-one-owner")
    foreign = next(r.urn for r in result.resources if r.name == "app-from-the-office-lan")
    assert [(d.urn, d.enforcement_level) for d in findings] == [(foreign, "mandatory")]
    assert "'shop-app-rules-exclusive' owns without listing this rule" in findings[0].message


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_a_second_owner_the_components_cannot_see_is_reported_on_the_group(tmp_path, mode):
    result = preflight(tmp_path, CHAIN + SECOND_OWNER, mode)
    findings = result.verdicts.for_policy("sg-rules-one-owner")
    web = next(r.urn for r in result.resources if r.type == SG and r.name == "shop-web")
    assert [(d.urn, d.enforcement_level) for d in findings] == [(web, "mandatory")]
    assert "('extra-rules-exclusive', 'shop-web-rules-exclusive')" in findings[0].message


def test_the_tags_the_pack_reads_are_the_tags_the_chain_writes(tmp_path, pack):
    planned = preflight(tmp_path, CHAIN, "up").resources
    written = {
        key
        for r in planned
        if r.type == SG
        for key in r.inputs.get("tags", {})
        if key.startswith("tiered-sg:")
    }
    read = set(pack.info.policy("sg-tier-isolation").defaults["tagKeys"].values())
    assert written == read


def test_the_quota_is_the_same_on_both_sides(pack):
    quota = pack.info.policy("sg-rule-quota").defaults["maxRulesPerDirection"]
    assert quota == RULES_PER_DIRECTION


def test_the_default_admin_ports_are_the_ones_the_pack_allows_from_the_admin_group(pack):
    ours = {Port.parse(port).from_port for port in DEFAULT_ADMIN_PORTS}
    isolation = set(pack.info.policy("sg-tier-isolation").defaults["adminPorts"])
    public_admin = set(pack.info.policy("sg-no-public-admin-ports").defaults["adminPorts"])
    assert ours == isolation
    assert ours <= public_admin  # what the admin group may reach is never open to the world


def test_the_port_range_is_the_same_on_both_sides(pack):
    schema = pack.info.policy("sg-public-ports-allowlist").config_schema["authorizedPorts"]
    low, high = schema["items"]["minimum"], schema["items"]["maximum"]
    assert Port.tcp(int(low)).from_port == low
    assert Port.tcp(int(high)).to_port == high
    for outside in (int(low) - 1, int(high) + 1):
        with pytest.raises(TieredSgError):
            Port.tcp(outside)


MIN_PREFIX_KEYS = {PeerKind.IPV4: "minPrefixIpv4", PeerKind.IPV6: "minPrefixIpv6"}


def test_the_admin_cidr_limit_is_the_one_the_pack_suggests(pack):
    schema = pack.info.policy("sg-no-public-admin-ports").config_schema
    suggested = {kind: schema[key]["examples"] for kind, key in MIN_PREFIX_KEYS.items()}
    assert suggested == {kind: [limit] for kind, limit in DEFAULT_ADMIN_MIN_PREFIX.items()}


def _components_refuse_admin_cidr(cidr: str) -> bool:
    try:
        ChainSpec.from_args({"admin_cidrs": {"office": cidr}})
    except TieredSgError:
        return True
    return False


@pytest.mark.parametrize("kind", list(MIN_PREFIX_KEYS))
def test_with_that_limit_both_sides_draw_the_line_at_the_same_prefix(pack, kind):
    limit = DEFAULT_ADMIN_MIN_PREFIX[kind]
    base, field = ("10.0.0.0", "cidrIpv4") if kind is PeerKind.IPV4 else ("2001:db8::", "cidrIpv6")
    ssh = {"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22}
    limits = {MIN_PREFIX_KEYS[k]: DEFAULT_ADMIN_MIN_PREFIX[k] for k in MIN_PREFIX_KEYS}
    pack.configure({"sg-no-public-admin-ports": limits})
    try:
        for prefix in (limit - 1, limit):
            cidr = str(ipaddress.ip_network(f"{base}/{prefix}", strict=False))
            verdict = pack.analyze(
                Resource(INGRESS, "ssh", {**ssh, field: cidr, "description": "x"})
            )
            reported = bool(verdict.for_policy("sg-no-public-admin-ports"))
            assert _components_refuse_admin_cidr(cidr) == reported == (prefix < limit), cidr
    finally:
        pack.configure(None)


WORLD_OR_NOT = [
    "0.0.0.0/0",
    "::/0",
    "0::/0",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "10.0.0.0/8",
    "2001:db8::/32",
    "203.0.113.10/32",
]


@pytest.mark.parametrize("cidr", WORLD_OR_NOT)
def test_the_whole_internet_means_the_same_on_both_sides(pack, cidr):
    peer = Peer.cidr(cidr)
    field = "cidrIpv4" if ":" not in cidr else "cidrIpv6"
    rule = {"securityGroupId": "sg-1", "ipProtocol": "-1", field: cidr, "description": "all"}
    verdict = pack.analyze(Resource(INGRESS, "all-traffic", rule))
    assert bool(verdict.for_policy("sg-no-public-all-traffic")) == peer.is_world


# The chain's groups own their rule sets unless exclusive_rules is turned off.
UNOWNED_CHAIN = CHAIN.replace(
    '"admin_cidrs": {"office": "203.0.113.10/32"}}',
    '"admin_cidrs": {"office": "203.0.113.10/32"}, "exclusive_rules": False}',
)


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_rules_owned_is_silent_on_the_chain_and_fires_without_exclusive_rules(tmp_path, mode):
    assert UNOWNED_CHAIN != CHAIN
    owned = preflight(tmp_path, CHAIN, mode)
    assert not owned.verdicts.for_policy("sg-rules-owned")

    unowned = preflight(tmp_path, UNOWNED_CHAIN, mode)
    findings = unowned.verdicts.for_policy("sg-rules-owned")
    groups = {r.urn for r in unowned.resources if r.type == SG}
    assert {d.urn for d in findings} == groups
    assert {d.enforcement_level for d in findings} == {"advisory"}
    assert all("leave exclusive_rules on" in d.message for d in findings)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_our_own_stacks_are_silent_under_rules_owned(stack):
    config = load_stack_config(ROOT, stack)
    for mode in ("preview", "up"):
        result = run_preflight(ROOT, config, PACK_DIR, mode=mode)  # type: ignore[arg-type]
        assert not result.verdicts.diagnostics, (stack, mode)


# A program that creates its VPC: AWS gives it a default group, which the chain adopts and closes
# only with close_default_group.
VPC = "aws:ec2/vpc:Vpc"
CHAIN_IN_NEW_VPC = """\
import pulumi_aws as aws
from tiered_sg import TieredSecurityGroups

vpc = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16")
chain = TieredSecurityGroups(
    "shop",
    {{"vpc_id": vpc.id, "close_default_group": {close}}},
)
"""


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_default_group_adopted_fires_on_a_new_vpc_unless_the_chain_closes_its_group(tmp_path, mode):
    open_default = preflight(tmp_path, CHAIN_IN_NEW_VPC.format(close=False), mode)
    findings = open_default.verdicts.for_policy("sg-default-group-adopted")
    vpc = next(r.urn for r in open_default.resources if r.type == VPC)
    assert [(d.urn, d.enforcement_level) for d in findings] == [(vpc, "advisory")]
    assert "VPC 'main'" in findings[0].message
    assert "close_default_group" in findings[0].message

    closed = preflight(tmp_path, CHAIN_IN_NEW_VPC.format(close=True), mode)
    assert not closed.verdicts.for_policy("sg-default-group-adopted")
    assert not closed.verdicts.for_policy("sg-default-group-closed")
