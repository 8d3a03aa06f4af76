"""Benchmark 2: policy throughput on the same rules, four ways, at 1,000 and 5,000 rules.

(a) pack: our pack as the CLI runs it (``python -m pulumi.policy`` in a child process, driven over
    the Analyzer gRPC protocol by ``analyzer_client``): start, Remediate + Analyze per resource,
    AnalyzeStack, stop.
(b) noop: the same for ``tests/fixtures/noop_pack`` (one policy that does nothing): the cost of
    the protocol and the SDK alone, the floor for (a).
(c) in-process: the functions the pack's resource policies call (``sdk.run_resource_check`` with
    each resource policy of ``catalog.POLICIES``) on every resource, with the SDK's args objects
    and the props as the SDK deserialises them, no gRPC.
(d) Checkov: a whole ``checkov`` process over the same rules rendered as Terraform, once as
    ``aws_vpc_security_group_ingress_rule`` resources and once as inline ``ingress`` blocks.
Contenders run interleaved, round by round. Afterwards the ssh findings are compared: the rules
our ``sg-no-public-admin-ports`` flags for port 22 against Checkov's CKV_AWS_24.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs

from analyzer_client import AnalyzeResult, PolicyPackSession, Resource
from bench import checkov
from bench.timing import Samples, ratio
from bench.workload import PROJECT, STACK, Rule, Stack, engine_resources, make_stack, terraform
from bench.workload import wire_value as wire
from sg_guardrails.catalog import POLICIES
from sg_guardrails.sdk import run_resource_check

ROOT: Final = Path(__file__).resolve().parent.parent
PACK_DIR: Final = ROOT / "policies"
NOOP_DIR: Final = ROOT / "tests" / "fixtures" / "noop_pack"
ADMIN_POLICY: Final = "sg-no-public-admin-ports"
RULE_TF_TYPE: Final = "aws_vpc_security_group_ingress_rule"
RESOURCE_POLICIES: Final = tuple(p for p in POLICIES if p.on_resource is not None)


@dataclass
class PackRun:
    start: float
    run: float
    close: float
    result: AnalyzeResult

    @property
    def total(self) -> float:
        return self.start + self.run + self.close


def run_pack(pack_dir: Path, resources: list[Resource]) -> PackRun:
    """One preview's worth of pack work, end to end, each phase timed."""
    t0 = time.perf_counter()
    session = PolicyPackSession(pack_dir, project=PROJECT, stack=STACK, dry_run=True).start()
    try:
        t1 = time.perf_counter()
        result = session.run(resources)
        t2 = time.perf_counter()
    finally:
        session.close()
    t3 = time.perf_counter()
    return PackRun(t1 - t0, t2 - t1, t3 - t2, result)


_OPTIONS: Final = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def prepare_inprocess(resources: list[Resource]) -> list[tuple[Resource, dict[str, Any]]]:
    """Props as the SDK hands them to a policy after deserialisation (numbers as floats,
    unknowns as sentinel strings); building them is the protocol's work, so it is not timed."""
    return [(r, wire(dict(r.inputs))) for r in resources]


def run_inprocess(prepared: list[tuple[Resource, dict[str, Any]]]) -> set[str]:
    """Every resource policy's check on every resource; returns the names ``ADMIN_POLICY``
    flags."""
    flagged: set[str] = set()
    for resource, props in prepared:
        for policy in RESOURCE_POLICIES:
            args = ResourceValidationArgs(
                resource.type, props, resource.urn, resource.name, _OPTIONS, None, {}
            )
            findings = run_resource_check(policy, args)
            if policy.name == ADMIN_POLICY and any(not f.note for f in findings):
                flagged.add(resource.name)
    return flagged


def flagged_by_pack(result: AnalyzeResult) -> set[str]:
    return {
        d.urn.rsplit("::", 1)[-1]
        for d in result.diagnostics
        if d.policy_name == ADMIN_POLICY and d.enforcement_level == "mandatory"
    }


def _category(rule: Rule) -> str:
    if rule.peer is not None:
        return "ssh from a security group (not the internet)"
    if rule.protocol == "-1":
        return "all traffic (-1) from the internet"
    if rule.ipv6:
        return "IPv6 ::/0"
    if rule.from_port != rule.to_port:
        return "IPv4 0.0.0.0/0, port range covering 22"
    return "IPv4 0.0.0.0/0, port 22"


def _by_category(stack: Stack, names: set[str]) -> dict[str, int]:
    rules = {r.name: r for r in stack.rules}
    counts: dict[str, int] = {}
    for name in names:
        key = _category(rules[name])
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def agreement(
    stack: Stack, pack: set[str], inprocess: set[str], scan: checkov.Scan | None
) -> dict[str, Any]:
    """Which world-open ssh rules each side flags, against the workload's ground truth."""
    rules = {r.name: r for r in stack.rules}
    covers_22 = {name for name, rule in rules.items() if rule.covers(22)}
    truth = stack.world_open(22)
    ours = pack & covers_22
    found: dict[str, Any] = {
        "truth": len(truth),
        "ours": len(ours),
        "ours_equals_truth": ours == truth,
        "inprocess_equals_pack": (inprocess & covers_22) == ours,
    }
    if scan is None:
        return found
    theirs = scan.names(checkov.SSH_CHECK, RULE_TF_TYPE)
    # The rules Checkov's check can express: an IPv4 CIDR and explicit tcp ports.
    both_express = {n for n in covers_22 if _category(rules[n]).startswith("IPv4")}
    return found | {
        "checkov": len(theirs),
        "ours_equals_checkov": ours == theirs,
        "equal_on_ipv4_port_rules": (ours & both_express) == (theirs & both_express),
        "only_ours": _by_category(stack, ours - theirs),
        "only_checkov": _by_category(stack, theirs - ours),
    }


def run_size(n_rules: int, rounds: int, checkov_rounds: int, workdir: Path) -> dict[str, Any]:
    """Every contender on ``n_rules`` rules; Checkov in the first ``checkov_rounds`` rounds (0:
    not at all, its ratios then are NaN)."""
    stack = make_stack(n_rules)
    resources = engine_resources(stack)
    prepared = prepare_inprocess(resources)
    dirs = {}
    for style in ("rules", "inline"):
        target = workdir / f"{n_rules}-{style}"
        target.mkdir(parents=True, exist_ok=True)
        (target / "main.tf").write_text(terraform(stack, inline=style == "inline"))
        dirs[style] = target

    s: dict[str, Samples] = {
        k: Samples(k)
        for k in ("pack", "pack_run", "pack_start", "noop", "noop_run", "noop_start", "inprocess")
    }
    s["checkov_rules"], s["checkov_inline"] = Samples("checkov_rules"), Samples("checkov_inline")
    last: dict[str, Any] = {}

    def pack() -> None:
        r = run_pack(PACK_DIR, resources)
        s["pack"].seconds.append(r.total)
        s["pack_run"].seconds.append(r.run)
        s["pack_start"].seconds.append(r.start)
        last["pack"] = r.result

    def noop() -> None:
        r = run_pack(NOOP_DIR, resources)
        s["noop"].seconds.append(r.total)
        s["noop_run"].seconds.append(r.run)
        s["noop_start"].seconds.append(r.start)

    def inprocess() -> None:
        t = time.perf_counter()
        last["inprocess"] = run_inprocess(prepared)
        s["inprocess"].seconds.append(time.perf_counter() - t)

    def scan(style: str) -> Callable[[], None]:
        def go() -> None:
            result = checkov.scan(dirs[style])
            s[f"checkov_{style}"].seconds.append(result.seconds)
            last[f"checkov_{style}"] = result

        return go

    for round_ in range(rounds):
        steps: list[Callable[[], None]] = [pack, noop, inprocess]
        if round_ < checkov_rounds:
            steps += [scan("rules"), scan("inline")]
        for step in steps:
            step()

    count = len(resources)
    per = {k: v.median / count for k, v in s.items()}
    rate = {k: ratio(n_rules, v.median) for k, v in s.items()}
    return {
        "rules": n_rules,
        "resources": count,
        "samples": {k: v.as_dict() for k, v in s.items()},
        "rules_per_s": rate,
        "us_per_resource": {k: v * 1e6 for k, v in per.items()},
        "ratios": {
            "pack_vs_noop_e2e": ratio(s["pack"].median, s["noop"].median),
            "pack_vs_noop_run": ratio(s["pack_run"].median, s["noop_run"].median),
            "checkov_vs_pack_e2e": ratio(s["checkov_rules"].median, s["pack"].median),
            "checkov_vs_inprocess_per_resource": ratio(
                s["checkov_rules"].median, s["inprocess"].median
            ),
        },
        "agreement": agreement(
            stack, flagged_by_pack(last["pack"]), last["inprocess"], last.get("checkov_rules")
        ),
    }


def warm_up(resources: list[Resource]) -> None:
    """Start and stop each pack once so neither pays for first-time imports in a timed round."""
    for pack_dir in (PACK_DIR, NOOP_DIR):
        run_pack(pack_dir, resources[:10])


def run(
    sizes: tuple[int, ...] = (1000, 5000), rounds: int = 3, checkov_rounds: int = 2
) -> dict[str, Any]:
    warm_up(engine_resources(make_stack(20)))
    with tempfile.TemporaryDirectory(prefix="bench-tf-") as tmp:
        by_size = {str(n): run_size(n, rounds, checkov_rounds, Path(tmp)) for n in sizes}
    small, large = by_size[str(min(sizes))], by_size[str(max(sizes))]
    # Checkov's cost per extra resource (its start-up cancels out) against ours per resource.
    checkov_marginal_s = (
        large["samples"]["checkov_rules"]["median_s"]
        - small["samples"]["checkov_rules"]["median_s"]
    ) / (large["resources"] - small["resources"])
    marginal = (
        ratio(checkov_marginal_s, large["us_per_resource"]["inprocess"] / 1e6)
        if len(sizes) > 1
        else math.nan
    )
    return {
        "sizes": by_size,
        "headline_size": max(sizes),
        "checkov_marginal_vs_inprocess_per_resource": marginal,
    }
