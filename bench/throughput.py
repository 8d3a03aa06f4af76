"""Benchmark 2: policy throughput on the same rules, several ways, at 1,000 and 5,000 rules.

(a) pack: our pack as the CLI runs it (``python -m pulumi.policy`` in a child process, driven over
    the Analyzer gRPC protocol by ``analyzer_client``): start, Remediate + Analyze per resource,
    AnalyzeStack, stop.
(b) noop: the same for ``tests/fixtures/noop_pack`` (one policy that does nothing): the cost of
    the protocol and the SDK alone, the floor for (a).
(b') noop_sized: the same for ``tests/fixtures/noop_pack_sized`` (no-op policies in our pack's
    shape, as many resource and stack validations per request as ours, on pulumi-policy's own
    servicer): the SDK's floor for a pack our size.
(c) in-process: the functions the pack's resource policies call (``sdk.run_resource_check`` with
    each resource policy of ``catalog.POLICIES``) on every resource, in one request scope per
    resource as the pack's servicer runs them, with the SDK's args objects and the props as the
    SDK deserialises them, no gRPC.
(d) Checkov: a whole ``checkov`` process over the same rules rendered as Terraform, once as
    ``aws_vpc_security_group_ingress_rule`` resources and once as inline ``ingress`` blocks.
With ``baseline`` (an older tree of this repository, see ``bench.baseline``): (a') its pack, and
(c) of both trees each in a child process, for before/after ratios from the same run.
Contenders run interleaved, round by round. Afterwards the ssh findings are compared: the rules
our ``sg-no-public-admin-ports`` flags for port 22 against Checkov's CKV_AWS_24.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs

from analyzer_client import AnalyzeResult, PolicyPackSession, Resource
from bench import baseline as before
from bench import checkov
from bench.timing import Samples, children_cpu_seconds, cpu_seconds, ratio
from bench.workload import PROJECT, STACK, Rule, Stack, engine_resources, make_stack, terraform
from bench.workload import wire_value as wire
from sg_guardrails.catalog import POLICIES
from sg_guardrails.request_scope import one_request
from sg_guardrails.sdk import run_resource_check

ROOT: Final = Path(__file__).resolve().parent.parent
PACK_DIR: Final = ROOT / "policies"
NOOP_DIR: Final = ROOT / "tests" / "fixtures" / "noop_pack"
NOOP_SIZED_DIR: Final = ROOT / "tests" / "fixtures" / "noop_pack_sized"
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
    """Every resource policy's check on every resource, one request scope per resource as in
    the pack's ``Analyze``; returns the names ``ADMIN_POLICY`` flags."""
    flagged: set[str] = set()
    for resource, props in prepared:
        with one_request():
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


def run_size(
    n_rules: int,
    rounds: int,
    checkov_rounds: int,
    workdir: Path,
    baseline: Path | None = None,
) -> dict[str, Any]:
    """Every contender on ``n_rules`` rules; Checkov in the first ``checkov_rounds`` rounds (0:
    not at all, its ratios then are NaN); ``baseline``'s contenders when one is given."""
    stack = make_stack(n_rules)
    resources = engine_resources(stack)
    prepared = prepare_inprocess(resources)
    dirs = {}
    for style in ("rules", "inline"):
        target = workdir / f"{n_rules}-{style}"
        target.mkdir(parents=True, exist_ok=True)
        (target / "main.tf").write_text(terraform(stack, inline=style == "inline"))
        dirs[style] = target

    # Checkov's samples exist even when it does not run: its ratios are then NaN.
    keys = [f"checkov_{style}{cpu}" for style in ("rules", "inline") for cpu in ("", "_cpu")]
    s: dict[str, Samples] = {k: Samples(k) for k in keys}
    last: dict[str, Any] = {}

    def add(key: str, seconds: float) -> None:
        s.setdefault(key, Samples(key)).seconds.append(seconds)

    def pack(key: str, pack_dir: Path, tree: Path | None = None) -> Callable[[], None]:
        def go() -> None:
            cpu, pack_cpu = cpu_seconds(), children_cpu_seconds()
            with before.pack_environment(tree) if tree else contextlib.nullcontext():
                r = run_pack(pack_dir, resources)
            add(f"{key}_cpu", cpu_seconds() - cpu)  # the pack's process and our client side
            add(f"{key}_pack_cpu", children_cpu_seconds() - pack_cpu)  # the pack's process only
            add(key, r.total)
            add(f"{key}_run", r.run)
            add(f"{key}_start", r.start)
            last[key] = r.result

        return go

    def inprocess() -> None:
        t, cpu = time.perf_counter(), cpu_seconds()
        last["inprocess"] = run_inprocess(prepared)
        add("inprocess_cpu", cpu_seconds() - cpu)
        add("inprocess", time.perf_counter() - t)

    def inprocess_child(key: str, tree: Path) -> Callable[[], None]:
        def go() -> None:
            seconds, cpu, last[f"{key}_flagged"] = before.inprocess_seconds(tree, n_rules)
            add(key, seconds)
            add(f"{key}_cpu", cpu)

        return go

    def scan(style: str) -> Callable[[], None]:
        def go() -> None:
            cpu = cpu_seconds()
            result = checkov.scan(dirs[style])
            add(f"checkov_{style}_cpu", cpu_seconds() - cpu)
            add(f"checkov_{style}", result.seconds)
            last[f"checkov_{style}"] = result

        return go

    contenders = [pack("pack", PACK_DIR), pack("noop", NOOP_DIR)]
    contenders += [pack("noop_sized", NOOP_SIZED_DIR), inprocess]
    if baseline is not None:
        contenders += [pack("base_pack", baseline / "policies", baseline)]
        contenders += [inprocess_child("inprocess_child", ROOT)]
        contenders += [inprocess_child("base_inprocess", baseline)]
    for round_ in range(rounds):
        steps = list(contenders)
        if round_ < checkov_rounds:
            steps += [scan("rules"), scan("inline")]
        for step in steps:
            step()

    count = len(resources)
    median = {k: v.median for k, v in s.items()}

    def over(a: str, b: str) -> float:
        return ratio(median.get(a, math.nan), median.get(b, math.nan))

    def added_ms(key: str) -> float:
        """The pack process's CPU milliseconds per resource over the one-policy floor's."""
        return (median.get(f"{key}_pack_cpu", math.nan) - median["noop_pack_cpu"]) / count * 1e3

    found = agreement(
        stack, flagged_by_pack(last["pack"]), last["inprocess"], last.get("checkov_rules")
    )
    if baseline is not None:
        found["baseline_findings_equal"] = last["base_pack"] == last["pack"]
    return {
        "rules": n_rules,
        "resources": count,
        "samples": {k: v.as_dict() for k, v in s.items()},
        "rules_per_s": {k: ratio(n_rules, v) for k, v in median.items()},
        "us_per_resource": {k: v / count * 1e6 for k, v in median.items()},
        "ratios": {
            "pack_vs_noop_e2e": over("pack", "noop"),
            "pack_vs_noop_run": over("pack_run", "noop_run"),
            "pack_vs_noop_sized_e2e": over("pack", "noop_sized"),
            "pack_vs_noop_sized_run": over("pack_run", "noop_sized_run"),
            "noop_sized_vs_noop_e2e": over("noop_sized", "noop"),
            "checkov_vs_pack_e2e": over("checkov_rules", "pack"),
            "checkov_vs_inprocess_per_resource": over("checkov_rules", "inprocess"),
            # Before/after (NaN without a baseline).
            "base_pack_vs_noop_e2e": over("base_pack", "noop"),
            "checkov_vs_base_pack_e2e": over("checkov_rules", "base_pack"),
            "checkov_vs_inprocess_child_per_resource": over("checkov_rules", "inprocess_child"),
            "checkov_vs_base_inprocess_per_resource": over("checkov_rules", "base_inprocess"),
            "base_pack_vs_pack_e2e": over("base_pack", "pack"),
            "base_inprocess_vs_inprocess_child": over("base_inprocess", "inprocess_child"),
            # The same in CPU seconds (whole process trees; steadier on a shared machine).
            "pack_vs_noop_cpu": over("pack_cpu", "noop_cpu"),
            "pack_vs_noop_sized_cpu": over("pack_cpu", "noop_sized_cpu"),
            "checkov_vs_pack_cpu": over("checkov_rules_cpu", "pack_cpu"),
            "checkov_vs_inprocess_cpu_per_resource": over("checkov_rules_cpu", "inprocess_cpu"),
            "base_pack_vs_pack_cpu": over("base_pack_cpu", "pack_cpu"),
            "checkov_vs_base_pack_cpu": over("checkov_rules_cpu", "base_pack_cpu"),
            "base_inprocess_vs_inprocess_child_cpu": over(
                "base_inprocess_cpu", "inprocess_child_cpu"
            ),
        },
        "pack_process_cpu_ms_per_resource_over_noop": {
            "pack": added_ms("pack"),
            "noop_sized": added_ms("noop_sized"),
            "base_pack": added_ms("base_pack"),
        },
        "agreement": found,
    }


def warm_up(resources: list[Resource]) -> None:
    """Start and stop each pack once so neither pays for first-time imports in a timed round."""
    for pack_dir in (PACK_DIR, NOOP_DIR, NOOP_SIZED_DIR):
        run_pack(pack_dir, resources[:10])


def run(
    sizes: tuple[int, ...] = (1000, 5000),
    rounds: int = 3,
    checkov_rounds: int = 2,
    baseline: Path | None = None,
) -> dict[str, Any]:
    warm_up(engine_resources(make_stack(20)))
    if baseline is not None:
        with before.pack_environment(baseline):
            run_pack(baseline / "policies", engine_resources(make_stack(20)))
    with tempfile.TemporaryDirectory(prefix="bench-tf-") as tmp:
        by_size = {str(n): run_size(n, rounds, checkov_rounds, Path(tmp), baseline) for n in sizes}
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
        "baseline": str(baseline) if baseline else None,
        "checkov_marginal_vs_inprocess_per_resource": marginal,
    }
