"""One pack process analyzes 10,000 resources without an error, and its memory stays bounded.

The pack runs as the CLI runs it (``analyzer_client.PolicyPackSession`` over policies/). The
load is five previews of 2,000 resources each in the same process (every resource through
Remediate + Analyze, then AnalyzeStack over the preview), then one AnalyzeStack over all 10,000:

* a realistic mix: chains of 20 resources as tiered-sg plans them (4 groups with tier tags,
  16 ``aws.vpc`` ingress/egress rules with unknown group ids resolved through
  ``propertyDependencies``, public IPv4 + IPv6 entry, admin SSH, an HTTPS egress);
* seeded violations: every 10th chain opens SSH to the world (admin, high-risk and allowlist
  policies), every 25th lets the db tier accept the web tier (tier isolation), every 20th has an
  all-traffic egress to the world (advisory); the pack must report exactly those, batch after
  batch, so the load also checks that verdicts do not drift;
* the pack's resident memory (``session.rss_bytes()``) is read after a 500-resource warm-up and
  after each 2,000 resources; the last 4,000 must add less than ``LAST_4000_TOLERANCE``.

On this 2-core machine the whole test takes about 45 s, under the ~60 s budget for unit tests,
so it is not in bench/. The numbers are printed (``pytest -s``) for the closing note.
"""

import time
from collections import Counter
from pathlib import Path

import pytest

from analyzer_client import UNKNOWN, PolicyPackSession, Resource, make_urn

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
PROJECT, STACK = "tiered-sg", "load"
SG = "aws:ec2/securityGroup:SecurityGroup"
IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
CHAIN_SIZE = 20
BATCH = 2_000
BATCHES = 5
WARM_UP_CHAINS = 25
MIB = 1024 * 1024
LAST_4000_TOLERANCE = 10 * MIB
TOTAL_TOLERANCE = 40 * MIB


def _urn(type_: str, name: str) -> str:
    return make_urn(STACK, PROJECT, type_, name)


def chain(k: int) -> tuple[list[Resource], Counter[str]]:
    """One chain of 20 resources, and the violations the pack must report on it."""
    name = f"chain{k}"
    expected: Counter[str] = Counter()
    groups: dict[str, str] = {}
    resources: list[Resource] = []
    for position, tier in enumerate(["web", "app", "db", "admin"]):
        tags = {"tiered-sg:chain": name, "tiered-sg:tier": tier}
        if tier == "admin":
            tags["tiered-sg:role"] = "admin"
        else:
            tags["tiered-sg:role"] = "entry" if position == 0 else "internal"
            tags["tiered-sg:position"] = str(position)
        groups[tier] = _urn(SG, f"{name}-{tier}")
        inputs = {"vpcId": "vpc-0123456789abcdef0", "description": f"{tier} tier", "tags": tags}
        resources.append(Resource(SG, f"{name}-{tier}", inputs, urn=groups[tier]))

    def rule(
        kind: str, group: str, protocol: str, port: int | None, peer: str, desc: str = ""
    ) -> None:
        word = "in" if kind == IN else "out"
        rule_name = f"{name}-{group}-{word}-{protocol}-{port}-{peer}".replace("/", "_")
        inputs: dict[str, object] = {
            "securityGroupId": UNKNOWN,
            "ipProtocol": protocol,
            "description": desc or f"{protocol} {port} {peer}",
            "tags": {"tiered-sg:chain": name, "tiered-sg:tier": group},
        }
        if port is not None:
            inputs["fromPort"] = inputs["toPort"] = port
        deps = {"securityGroupId": [groups[group]]}
        if peer in groups:
            inputs["referencedSecurityGroupId"] = UNKNOWN
            deps["referencedSecurityGroupId"] = [groups[peer]]
        else:
            inputs["cidrIpv6" if ":" in peer else "cidrIpv4"] = peer
        resources.append(
            Resource(
                kind,
                rule_name,
                inputs,
                urn=_urn(kind, rule_name),
                property_dependencies=deps,
                dependencies=[urn for urns in deps.values() for urn in urns],
            )
        )

    world_ssh = k % 10 == 3
    web_into_db = k % 25 == 7
    open_egress = k % 20 == 11
    rule(IN, "web", "tcp", 22 if world_ssh else 80, "0.0.0.0/0")
    rule(IN, "web", "tcp", 443, "0.0.0.0/0")
    rule(IN, "web", "tcp", 80, "::/0")
    rule(IN, "web", "tcp", 443, "::/0")
    rule(OUT, "web", "tcp", 8080, "app")
    rule(IN, "app", "tcp", 8080, "web")
    rule(OUT, "app", "tcp", 5432, "db")
    rule(IN, "db", "tcp", 5432, "web" if web_into_db else "app")
    rule(IN, "admin", "tcp", 22, "203.0.113.10/32")
    for tier in ("web", "app", "db"):
        rule(OUT, "admin", "tcp", 22, tier)
        rule(IN, tier, "tcp", 22, "admin")
    if open_egress:
        rule(OUT, "app", "-1", None, "0.0.0.0/0")
    else:
        rule(OUT, "app", "tcp", 443, "0.0.0.0/0")
    if world_ssh:
        for policy in (
            "sg-no-public-admin-ports",
            "sg-no-public-high-risk-ports",
            "sg-public-ports-allowlist",
        ):
            expected[policy] += 1
    # No aws.ec2.VpcSecurityGroupRulesExclusive here: each of the 4 groups is reported (advisory).
    expected["sg-rules-owned"] += 4
    if web_into_db:
        expected["sg-tier-isolation"] += 1
    if open_egress:
        expected["sg-no-unrestricted-egress"] += 1
    assert len(resources) == CHAIN_SIZE
    return resources, expected


def chains(first: int, count: int) -> tuple[list[Resource], Counter[str]]:
    resources: list[Resource] = []
    expected: Counter[str] = Counter()
    for k in range(first, first + count):
        more, violations = chain(k)
        resources += more
        expected += violations
    return resources, expected


@pytest.mark.slow
def test_one_pack_process_analyzes_10000_resources_with_bounded_memory() -> None:
    per_batch = BATCH // CHAIN_SIZE
    rss: list[int] = []
    timings: list[float] = []
    with PolicyPackSession(PACK_DIR, project=PROJECT, stack=STACK) as session:
        started = session.rss_bytes()
        assert started is not None, "no /proc: cannot read the pack's memory here"
        warm_up, _ = chains(10_000, WARM_UP_CHAINS)
        session.run(warm_up)
        rss.append(session.rss_bytes() or 0)
        everything: list[Resource] = []
        total_expected: Counter[str] = Counter()
        for batch in range(BATCHES):
            resources, expected = chains(batch * per_batch, per_batch)
            begin = time.perf_counter()
            result = session.run(resources)  # Remediate + Analyze each, then AnalyzeStack
            timings.append(time.perf_counter() - begin)
            found = Counter(d.policy_name for d in result.diagnostics)
            assert found == expected, f"batch {batch}: {found} != {expected}"
            assert not result.not_applicable
            rss.append(session.rss_bytes() or 0)
            everything += resources
            total_expected += expected
        assert len(everything) == BATCH * BATCHES == 10_000

        begin = time.perf_counter()
        whole = session.analyze_stack(everything)  # one stack of all 10,000
        whole_seconds = time.perf_counter() - begin
        stack_policies = {
            "sg-tier-isolation",
            "sg-rule-quota",
            "sg-no-mixed-rule-styles",
            "sg-rules-owned",
        }
        found = Counter(d.policy_name for d in whole.diagnostics)
        assert found == Counter({p: n for p, n in total_expected.items() if p in stack_policies})
        after_whole = session.rss_bytes() or 0
        errors = [log for log in session.logs if log.severity in ("error", "infoerr")]
        assert not errors, errors[:3]

    steps = ", ".join(f"{r / MIB:.1f}" for r in rss)
    print(
        f"\npack RSS MiB: start {started / MIB:.1f}; after warm-up and each 2,000: {steps}; "
        f"after one AnalyzeStack of 10,000: {after_whole / MIB:.1f}\n"
        f"seconds per 2,000: {', '.join(f'{t:.1f}' for t in timings)}; "
        f"AnalyzeStack of 10,000: {whole_seconds:.1f}; violations: {dict(total_expected)}"
    )
    assert rss[-1] - rss[-3] < LAST_4000_TOLERANCE, steps
    assert rss[-1] - rss[0] < TOTAL_TOLERANCE, steps
