"""The pack's world-exposure verdicts agree with a brute-force reference, rule by random rule.

For random, fully known rules on any of the 8 resource types (every protocol spelling AWS and
the providers accept, ports as ints/floats/strings, CIDRs of both families including every
spelling of "the world", group/prefix-list/self peers added on top) and a random policy config,
the verdicts of

* ``sg-no-public-admin-ports``, ``sg-no-public-high-risk-ports``,
  ``sg-no-public-all-traffic`` and ``sg-public-ports-allowlist``

must equal an independent reference written here: world-ness by ``ipaddress`` (prefix length 0),
the protocol by a spelling table, port coverage by enumerating all 65,536 ports. The pack is
called in-process through its real ``Policy`` objects (the SDK's Struct round trip and proxies,
as tests/policies/unit drive them) and, for fewer examples, over the real Analyzer protocol with
``analyzer_client.PolicyPackSession`` (one pack process for the module).
"""

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format, struct_pb2
from hypothesis import HealthCheck, event, given
from hypothesis import strategies as st
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResourceOptions,
    ResourceValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from analyzer_client import PolicyPackSession, Resource
from sg_guardrails import build_policies
from tests.fuzz.fuzzkit import fuzz

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
ADMIN = "sg-no-public-admin-ports"
HIGH_RISK = "sg-no-public-high-risk-ports"
ALL_TRAFFIC = "sg-no-public-all-traffic"
ALLOWLIST = "sg-public-ports-allowlist"
CHECKED = (ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST)
POLICIES = {p.name: p for p in build_policies() if p.name in CHECKED}

EVERY_PORT = frozenset(range(65536))
DEFAULT_ADMIN = frozenset({22, 3389})
DEFAULT_AUTHORIZED = frozenset({80, 443})
EC2_19 = frozenset(
    {20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389,
     4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}
)  # fmt: skip
INTERESTING = sorted(EC2_19 | DEFAULT_AUTHORIZED | {0, 1, 19, 24, 79, 81, 442, 444, 8443, 65535})

# Every spelling the providers pass through, and what it means (IANA numbers, AWS's -1). A list,
# not a dict: 6 and 6.0 are equal keys in Python but different values on the wire.
PROTOCOLS: list[tuple[Any, str]] = [
    ("tcp", "tcp"), ("TCP", "tcp"), (" Tcp ", "tcp"), ("6", "tcp"), (6, "tcp"), (6.0, "tcp"),
    ("udp", "udp"), ("UDP", "udp"), ("17", "udp"), (17, "udp"), (17.0, "udp"),
    ("icmp", "icmp"), ("ICMP", "icmp"), ("1", "icmp"), (1, "icmp"),
    ("icmpv6", "icmpv6"), ("ICMPv6", "icmpv6"), ("58", "icmpv6"), (58, "icmpv6"),
    ("-1", "all"), (-1, "all"), (-1.0, "all"), ("all", "all"), ("ALL", "all"), (" -1 ", "all"),
    ("50", "other"), (50, "other"), ("47", "other"), ("132", "other"), (132.0, "other"),
    ("0", "other"),
]  # fmt: skip
WORLD = ["0.0.0.0/0", "::/0", "0::/0", "0:0:0:0:0:0:0:0/0", "1.2.3.4/0", " 0.0.0.0/0 "]
NOT_WORLD = [
    "10.0.0.0/8",
    "203.0.113.10/32",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "2001:db8::/32",
    "::/1",
    "8000::/1",
]
TYPES = {
    "SG": "aws:ec2/securityGroup:SecurityGroup",
    "DEFAULT_SG": "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "SG_RULE": "aws:ec2/securityGroupRule:SecurityGroupRule",
    "VPC_IN": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "VPC_OUT": "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "NATIVE_SG": "aws-native:ec2:SecurityGroup",
    "NATIVE_IN": "aws-native:ec2:SecurityGroupIngress",
    "NATIVE_OUT": "aws-native:ec2:SecurityGroupEgress",
}


# -- the model of a rule and the reference -----------------------------------------------------


@dataclass(frozen=True)
class Rule:
    direction: str
    protocol: Any  # as spelled
    meaning: str  # what PROTOCOLS says the spelling means
    from_port: Any  # as spelled; None when absent
    to_port: Any
    cidrs: tuple[str, ...]
    groups: tuple[str, ...] = ()
    prefix_lists: tuple[str, ...] = ()
    self_peer: bool = False


@dataclass(frozen=True)
class Case:
    type_key: str
    rules: tuple[Rule, ...]
    config: dict[str, Any] = field(default_factory=dict)
    direction_spelling: str = ""

    @property
    def type(self) -> str:
        return TYPES[self.type_key]


def _number(value: Any) -> int:
    return int(float(value))


def reference(case: Case) -> dict[str, bool]:
    """Brute force: enumerate every port; the world by ipaddress; protocols by table."""
    admin = _ports(case.config, ADMIN, "adminPorts", DEFAULT_ADMIN)
    risky = _ports(case.config, HIGH_RISK, "highRiskPorts", EC2_19)
    authorized = _ports(case.config, ALLOWLIST, "authorizedPorts", DEFAULT_AUTHORIZED)
    verdict = dict.fromkeys(CHECKED, False)
    for rule in case.rules:
        if rule.direction != "ingress":
            continue
        world = any(
            ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0 for cidr in rule.cidrs
        )
        if not world:
            continue
        protocol = rule.meaning
        if protocol == "all":
            covered = EVERY_PORT
        elif protocol in ("tcp", "udp"):
            low, high = _number(rule.from_port), _number(rule.to_port)
            covered = frozenset(port for port in range(65536) if low <= port <= high)
        else:
            covered = frozenset()
        verdict[ADMIN] |= bool(covered & admin)
        verdict[HIGH_RISK] |= bool(covered & risky)
        verdict[ALL_TRAFFIC] |= protocol == "all" or (
            protocol in ("tcp", "udp") and covered == EVERY_PORT
        )
        verdict[ALLOWLIST] |= bool(covered - authorized)
    return verdict


def _ports(
    config: dict[str, Any], policy: str, key: str, default: frozenset[int]
) -> frozenset[int]:
    value = config.get(policy, {}).get(key)
    return default if value is None else frozenset(value)


# -- generators --------------------------------------------------------------------------------


def _spelled(port: int) -> st.SearchStrategy[Any]:
    return st.sampled_from([port, float(port), str(port), f" {port} "])


@st.composite
def port_ranges(draw: st.DrawFn) -> tuple[int, int]:
    edge = st.sampled_from(INTERESTING) | st.integers(0, 65535)
    kind = draw(st.sampled_from(["one", "range", "everything", "near"]))
    if kind == "one":
        port = draw(edge)
        return port, port
    if kind == "everything":
        return draw(st.sampled_from([(0, 65535), (0, 65534), (1, 65535), (0, 0)]))
    if kind == "near":  # a range ending right before/after an interesting port
        port = draw(st.sampled_from(INTERESTING))
        low = max(0, port - draw(st.integers(0, 3)))
        return low, max(low, min(65535, port + draw(st.integers(-1, 3))))
    low, high = sorted((draw(edge), draw(edge)))
    return low, high


@st.composite
def rules(draw: st.DrawFn, direction: str, single_cidrs: bool) -> Rule:
    protocol, meaning = draw(st.sampled_from(PROTOCOLS))
    if meaning in ("tcp", "udp"):
        low, high = draw(port_ranges())
        from_port, to_port = draw(_spelled(low)), draw(_spelled(high))
    elif meaning in ("icmp", "icmpv6"):
        from_port, to_port = draw(st.sampled_from([(-1, -1), (8, 0), (3, 4), (-1.0, -1.0)]))
    else:  # all / other protocols: AWS ignores or forbids ports; send anything plausible
        from_port, to_port = draw(st.sampled_from([(None, None), (-1, -1), (22, 22), (0, 65535)]))
    cidr = st.sampled_from(WORLD) | st.sampled_from(NOT_WORLD)
    some = st.lists(cidr, min_size=1, max_size=1 if single_cidrs else 3)
    cidrs = tuple(draw(st.one_of(some, some, st.just([]))))  # peers only, a third of the time
    return Rule(
        direction=direction,
        protocol=protocol,
        meaning=meaning,
        from_port=from_port,
        to_port=to_port,
        cidrs=cidrs,
        groups=tuple(draw(st.lists(st.just("sg-0123456789abcdef0"), max_size=1))),
        prefix_lists=tuple(draw(st.lists(st.just("pl-0123456789abcdef0"), max_size=1))),
        self_peer=draw(st.booleans()),
    )


_port_lists = st.none() | st.lists(st.sampled_from(INTERESTING), unique=True, max_size=5)


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for policy, key in (
        (ADMIN, "adminPorts"),
        (HIGH_RISK, "highRiskPorts"),
        (ALLOWLIST, "authorizedPorts"),
    ):
        ports = draw(_port_lists)
        if ports is not None:
            config[policy] = {key: ports}
    return config


@st.composite
def cases(draw: st.DrawFn) -> Case:
    type_key = draw(st.sampled_from(sorted(TYPES)))
    config = draw(configs())
    if type_key in ("SG", "DEFAULT_SG", "NATIVE_SG"):
        found = [
            draw(rules("ingress", single_cidrs=type_key == "NATIVE_SG"))
            for _ in range(draw(st.integers(0, 3)))
        ]
        found += [
            draw(rules("egress", single_cidrs=type_key == "NATIVE_SG"))
            for _ in range(draw(st.integers(0, 2)))
        ]
        return Case(type_key, tuple(found), config)
    if type_key == "SG_RULE":
        direction = draw(st.sampled_from(["ingress", "egress"]))
        spelling = draw(st.sampled_from([direction, direction.upper(), f" {direction.title()} "]))
        return Case(type_key, (draw(rules(direction, single_cidrs=False)),), config, spelling)
    direction = "egress" if type_key.endswith("OUT") else "ingress"
    return Case(type_key, (draw(rules(direction, single_cidrs=True)),), config)


# -- props as each provider writes them --------------------------------------------------------


def _split(cidrs: tuple[str, ...]) -> tuple[list[str], list[str]]:
    v4 = [c for c in cidrs if ipaddress.ip_network(c.strip(), strict=False).version == 4]
    return v4, [c for c in cidrs if c not in v4]


def _ports_of(rule: Rule) -> dict[str, Any]:
    if rule.from_port is None:
        return {}
    return {"fromPort": rule.from_port, "toPort": rule.to_port}


def classic(rule: Rule, group_key: str) -> dict[str, Any]:
    v4, v6 = _split(rule.cidrs)
    props: dict[str, Any] = {"protocol": rule.protocol, **_ports_of(rule), "description": "d"}
    props.update(cidrBlocks=v4, ipv6CidrBlocks=v6, prefixListIds=list(rule.prefix_lists))
    if group_key == "securityGroups":
        props["securityGroups"] = list(rule.groups)
    elif rule.groups:
        props[group_key] = rule.groups[0]
    if rule.self_peer:
        props["self"] = True
    return props


def single(rule: Rule, v4_key: str, group_key: str, list_key: str) -> dict[str, Any]:
    v4, v6 = _split(rule.cidrs)
    props: dict[str, Any] = {"ipProtocol": rule.protocol, **_ports_of(rule), "description": "d"}
    if v4:
        props[v4_key] = v4[0]
    if v6:
        props["cidrIpv6"] = v6[0]
    if rule.groups:
        props[group_key] = rule.groups[0]
    if rule.prefix_lists:
        props[list_key] = rule.prefix_lists[0]
    return props


def props_of(case: Case) -> dict[str, Any]:
    ingress = [r for r in case.rules if r.direction == "ingress"]
    egress = [r for r in case.rules if r.direction == "egress"]
    key = case.type_key
    if key in ("SG", "DEFAULT_SG"):
        return {
            "description": "web",
            "ingress": [classic(r, "securityGroups") for r in ingress],
            "egress": [classic(r, "securityGroups") for r in egress],
        }
    if key == "NATIVE_SG":
        return {
            "groupDescription": "web",
            "securityGroupIngress": [
                single(r, "cidrIp", "sourceSecurityGroupId", "sourcePrefixListId") for r in ingress
            ],
            "securityGroupEgress": [
                single(r, "cidrIp", "destinationSecurityGroupId", "destinationPrefixListId")
                for r in egress
            ],
        }
    rule = case.rules[0]
    if key == "SG_RULE":
        props = classic(rule, "sourceSecurityGroupId")
        return {"type": case.direction_spelling, "securityGroupId": "sg-1", **props}
    if key in ("VPC_IN", "VPC_OUT"):
        props = single(rule, "cidrIpv4", "referencedSecurityGroupId", "prefixListId")
        return {"securityGroupId": "sg-1", **props}
    if key == "NATIVE_IN":
        props = single(rule, "cidrIp", "sourceSecurityGroupId", "sourcePrefixListId")
        return {"groupId": "sg-1", **props}
    props = single(rule, "cidrIp", "destinationSecurityGroupId", "destinationPrefixListId")
    return {"groupId": "sg-1", **props}


# -- in-process --------------------------------------------------------------------------------


def _sdk_props(props: dict[str, Any]) -> Any:
    struct = struct_pb2.Struct()
    struct.update(props)
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def in_process(case: Case) -> dict[str, bool]:
    opts = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)
    verdict = {}
    for name, policy in POLICIES.items():
        args = ResourceValidationArgs(
            case.type,
            _sdk_props(props_of(case)),
            f"urn:pulumi:dev::tiered-sg::{case.type}::subject",
            "subject",
            opts,
            None,
            case.config.get(name, {}),
        )
        found: list[str] = []
        try:
            policy.validate(args, lambda message, urn=None, found=found: found.append(message))
        except UnknownValueError as error:  # every value is known: no note may appear
            raise AssertionError(f"{name} left a part unchecked: {error.message}") from None
        verdict[name] = bool(found)
    return verdict


@pytest.mark.slow
@fuzz(700, HealthCheck.function_scoped_fixture)
@given(cases())
def test_in_process_verdicts_match_the_reference(case: Case) -> None:
    expected = reference(case)
    for name, violated in expected.items():
        event(f"{name} {'violated' if violated else 'clean'}")
    assert in_process(case) == expected, props_of(case)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        pytest.param(
            Case("VPC_IN", (Rule("ingress", "6", "tcp", "0", "65535", ("0:0:0:0:0:0:0:0/0",)),)),
            dict.fromkeys(CHECKED, True),
            id="every-tcp-port-to-the-long-ipv6-world",
        ),
        pytest.param(
            Case("SG", (Rule("ingress", -1.0, "all", 443, 443, ("10.0.0.0/8", "1.2.3.4/0")),)),
            dict.fromkeys(CHECKED, True),
            id="all-protocols-whatever-the-ports",
        ),
        pytest.param(
            Case(
                "SG_RULE",
                (Rule("ingress", "tcp", "tcp", 0, 0, ("0.0.0.0/0",), self_peer=True),),
                {},
                " Ingress ",
            ),
            {ADMIN: False, HIGH_RISK: False, ALL_TRAFFIC: False, ALLOWLIST: True},
            id="port-0-is-port-0-and-self-does-not-cancel-the-world",
        ),
        pytest.param(
            Case("NATIVE_IN", (Rule("ingress", "50", "other", None, None, ("::/0",)),)),
            dict.fromkeys(CHECKED, False),
            id="another-protocol-has-no-tcp-ports",
        ),
        pytest.param(
            Case(
                "VPC_IN",
                (Rule("ingress", "tcp", "tcp", 443, 443, ("0.0.0.0/0",)),),
                {ALLOWLIST: {"authorizedPorts": []}},
            ),
            {ADMIN: False, HIGH_RISK: False, ALL_TRAFFIC: False, ALLOWLIST: True},
            id="empty-allowlist",
        ),
    ],
)
def test_reference_and_pack_on_known_cases(case: Case, expected: dict[str, bool]) -> None:
    assert reference(case) == expected
    assert in_process(case) == expected


# -- over the real protocol --------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> Iterator[PolicyPackSession]:
    with PolicyPackSession(PACK_DIR, project="tiered-sg", stack="dev") as session:
        yield session


@fuzz(120, HealthCheck.function_scoped_fixture)
@given(case=cases())
def test_protocol_verdicts_match_the_reference(pack: PolicyPackSession, case: Case) -> None:
    pack.configure(case.config or None)
    result = pack.analyze(Resource(case.type, "subject", props_of(case)))
    names = {d.policy_name for d in result.diagnostics}
    assert not [n for n in result.not_applicable if n.policy_name in CHECKED]
    verdict = {name: name in names for name in CHECKED}
    assert verdict == reference(case), props_of(case)
