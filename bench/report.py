"""The results table, ``bench/out/results.json`` and the plot ``bench/out/bench.png``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from bench.timing import Target

CONTENDERS = (
    ("pack", "(a) our pack, Analyzer gRPC, end to end"),
    ("pack_run", "    of which Analyze + AnalyzeStack"),
    ("noop", "(b) no-op pack, one policy (floor)"),
    ("noop_run", "    of which Analyze + AnalyzeStack"),
    ("noop_sized", "(b') no-op pack, our shape (SDK floor)"),
    ("noop_sized_run", "    of which Analyze + AnalyzeStack"),
    ("inprocess", "(c) our resource policies in-process"),
    ("checkov_rules", "(d) Checkov, rule resources"),
    ("checkov_inline", "(d) Checkov, inline ingress blocks"),
)
# Rows only a run with --baseline measures.
BASELINE_CONTENDERS = (
    ("base_pack", "(a0) baseline pack, end to end"),
    ("base_pack_run", "    of which Analyze + AnalyzeStack"),
    ("inprocess_child", "(c) in-process, in a child"),
    ("base_inprocess", "(c0) baseline in-process, in a child"),
)
RATIOS = (
    ("pack_vs_noop_e2e", "a / b end to end (time)"),
    ("pack_vs_noop_run", "a / b Analyze + AnalyzeStack only (time)"),
    ("pack_vs_noop_sized_e2e", "a / b' end to end (time)"),
    ("noop_sized_vs_noop_e2e", "b' / b end to end (time)"),
    ("checkov_vs_pack_e2e", "d / a end to end (times faster)"),
    ("checkov_vs_inprocess_per_resource", "d / c per resource (times faster)"),
)
CPU_RATIOS = (
    ("pack_vs_noop_cpu", "a / b CPU seconds"),
    ("pack_vs_noop_sized_cpu", "a / b' CPU seconds"),
    ("checkov_vs_pack_cpu", "d / a CPU seconds (times less)"),
    ("checkov_vs_inprocess_cpu_per_resource", "d / c CPU seconds per resource"),
)
BASELINE_CPU_RATIOS = (
    ("base_pack_vs_pack_cpu", "a0 / a CPU seconds"),
    ("checkov_vs_base_pack_cpu", "d / a0 CPU seconds (times less)"),
    ("base_inprocess_vs_inprocess_child_cpu", "c0 / c CPU seconds, in a child"),
)
BASELINE_RATIOS = (
    ("base_pack_vs_pack_e2e", "a0 / a end to end (speed-up)"),
    ("base_pack_vs_noop_e2e", "a0 / b end to end (time)"),
    ("checkov_vs_base_pack_e2e", "d / a0 end to end (times faster)"),
    ("checkov_vs_inprocess_child_per_resource", "d / c per resource, child"),
    ("checkov_vs_base_inprocess_per_resource", "d / c0 per resource, child"),
    ("base_inprocess_vs_inprocess_child", "c0 / c in a child (speed-up)"),
)


def targets(results: dict[str, Any]) -> list[Target]:
    found: list[Target] = []
    if "program_cost" in results:
        found.append(
            Target(
                "1 chain component / bare SDK program",
                results["program_cost"]["ratio"],
                1.15,
                meaning="time to register the chain's 1,000 rules vs registering them bare",
            )
        )
    if "throughput" in results:
        size = results["throughput"]["sizes"][str(results["throughput"]["headline_size"])]
        ratios = size["ratios"]
        found += [
            Target(
                "2a pack / no-op pack (end to end)",
                ratios["pack_vs_noop_e2e"],
                1.10,
                meaning="our policies' cost on top of the protocol and SDK floor",
            ),
            Target(
                "2b Checkov / pack (end to end)",
                ratios["checkov_vs_pack_e2e"],
                2.0,
                at_least=True,
                meaning="how many times faster our pack is than Checkov, whole process",
            ),
            Target(
                "2c Checkov / in-process (per resource)",
                ratios["checkov_vs_inprocess_per_resource"],
                50.0,
                at_least=True,
                meaning="per-resource: Checkov's whole process vs our checks without gRPC",
            ),
        ]
    if "scaling" in results:
        found.append(
            Target(
                "3 stack policies + flows, log-log exponent",
                results["scaling"]["exponent"],
                1.1,
                meaning="1.0 is linear in the number of rules",
            )
        )
    if "preflight" in results:
        found.append(
            Target(
                "4 preflight dev / floor (no goal; reported)",
                results["preflight"]["ratio"],
                math.inf,
                meaning="python -m preflight dev vs Python + SDK imports + one pack start",
            )
        )
    if "total_s" in results:
        found.append(
            Target(
                "5 whole bench, seconds",
                results["total_s"],
                600.0,
                meaning="python -m bench, Checkov install included when it ran",
            )
        )
    return found


def _fmt(value: float, digits: int = 2) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:,.{digits}f}"


def table(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [f"tiered-sg benchmarks - {m['summary']}"]
    lines += [
        f"load average (1 min) at start {m['load_average_1m']:.2f}, at end "
        f"{m.get('load_average_1m_at_end', math.nan):.2f} (> cores: other work shared the CPU)",
        "",
    ]
    if "program_cost" in results:
        p = results["program_cost"]
        lines += [
            f"1. Program cost under mocks: chain of 10 tiers x 50 ports = {p['rules']:,} rules, "
            f"{p['resources']:,} resources",
            f"   chain component {_fmt(p['chain']['median_s'])} s | bare SDK floor "
            f"{_fmt(p['floor']['median_s'])} s | ratio {_fmt(p['ratio'])}",
            "",
        ]
    if "throughput" in results:
        t = results["throughput"]
        sizes = list(t["sizes"])
        lines.append("2. Policy throughput, rules per second (medians; same rules for all)")
        lines.append(f"   {'':44}" + "".join(f"{int(s):>12,}" for s in sizes))
        with_baseline = bool(t.get("baseline"))
        contenders = CONTENDERS + (BASELINE_CONTENDERS if with_baseline else ())
        for key, label in contenders:
            row = [t["sizes"][s]["rules_per_s"].get(key, math.nan) for s in sizes]
            lines.append(f"   {label:44}" + "".join(f"{_fmt(v, 0):>12}" for v in row))
        ratios = RATIOS + (BASELINE_RATIOS if with_baseline else ()) + CPU_RATIOS
        for key, label in ratios + (BASELINE_CPU_RATIOS if with_baseline else ()):
            row = [t["sizes"][s]["ratios"].get(key, math.nan) for s in sizes]
            lines.append(f"   {label:44}" + "".join(f"{_fmt(v):>12}" for v in row))
        added = [t["sizes"][s].get("pack_process_cpu_ms_per_resource_over_noop", {}) for s in sizes]
        for key, label in (("pack", "a"), ("noop_sized", "b'"), ("base_pack", "a0")):
            if with_baseline or key != "base_pack":
                row = [a.get(key, math.nan) for a in added]
                lines.append(
                    f"   {label + ': pack process CPU ms/resource over b':44}"
                    + "".join(f"{_fmt(v, 3):>12}" for v in row)
                )
        if with_baseline:
            lines.append(f"   baseline: {t['baseline']}")
        lines.append(
            f"   Checkov's marginal cost per resource / ours in-process: "
            f"{_fmt(t['checkov_marginal_vs_inprocess_per_resource'], 1)}x"
        )
        for s in sizes:
            a = t["sizes"][s]["agreement"]
            if "baseline_findings_equal" in a:
                lines.append(
                    f"   at {int(s):,} rules the baseline pack's findings equal ours: "
                    f"{a['baseline_findings_equal']}"
                )
            if "checkov" not in a:
                lines.append(
                    f"   ssh check at {int(s):,} rules: world-open ssh rules {a['truth']}, ours "
                    f"{a['ours']} (= truth: {a['ours_equals_truth']}); Checkov not run"
                )
                continue
            lines.append(
                f"   ssh check at {int(s):,} rules: world-open ssh rules {a['truth']}, "
                f"ours {a['ours']} (= truth: {a['ours_equals_truth']}), Checkov CKV_AWS_24 "
                f"{a['checkov']} (= ours: {a['ours_equals_checkov']}; equal on IPv4 port "
                f"rules: {a['equal_on_ipv4_port_rules']})"
            )
            for side in ("only_ours", "only_checkov"):
                for category, n in a[side].items():
                    who = "only ours  " if side == "only_ours" else "only Checkov"
                    lines.append(f"     {who} {n:>5}  {category}")
        lines.append("")
    if "attribution" in results:
        lines += _attribution(results)
    if "scaling" in results:
        sc = results["scaling"]
        lines.append("3. Stack policies + flow analysis in-process, seconds (median)")
        parts = list(sc["part_exponents"])
        lines.append(f"   {'':28}" + "".join(f"{n:>10,}" for n in sc["sizes"]) + "  exponent")
        for part in parts:
            row = [sc["median_s"][str(n)][part] for n in sc["sizes"]]
            lines.append(
                f"   {part:28}"
                + "".join(f"{_fmt(v, 3):>10}" for v in row)
                + f"  {_fmt(sc['part_exponents'][part])}"
            )
        lines.append("")
    if "preflight" in results:
        pf = results["preflight"]
        lines += [
            "4. python -m preflight dev vs floor (python + pulumi/pulumi_aws imports + one pack "
            "start)",
            f"   preflight {_fmt(pf['preflight']['median_s'])} s | floor "
            f"{_fmt(pf['floor']['median_s'])} s | ratio {_fmt(pf['ratio'])}",
            "",
        ]
        lines.append("")
    if "checkov" in results:
        ck = results["checkov"]
        lines.append(
            f"Checkov {ck['version']}: venv install {_fmt(ck['install_s'], 1)} s "
            f"({'this run' if ck['install_s'] else 'reused'})"
        )
    lines.append("")
    lines.append("Targets")
    for target in targets(results):
        goal = "" if math.isinf(target.limit) else target.goal
        verdict = "" if math.isinf(target.limit) else ("MET" if target.met else "MISSED")
        lines.append(f"   {target.name:46} {_fmt(target.value):>9} {goal:>8}  {verdict}")
    return "\n".join(lines) + "\n"


def _attribution(results: dict[str, Any]) -> list[str]:
    """Per resource: transport (gRPC), the SDK's dispatch, our policies."""
    at = results["attribution"]
    us = at["us_per_resource"]
    lines = [
        f"   Where a pack's time goes, us per resource at {at['resources']:,} resources "
        "(servicer in-process, same requests):",
        f"     no-op pack, one policy:  SDK dispatch {us['noop_servicer']:,.0f}",
        f"     no-op pack, our shape:   SDK dispatch {us['noop_sized_servicer']:,.0f}",
        f"     our pack, as served:     dispatch {us['sdk_for_our_pack']:,.0f} + our policies "
        f"{us['our_policies']:,.0f} = {us['our_servicer']:,.0f}",
        f"     our policies on the SDK's own servicer: {us['our_policies_on_sdk_servicer']:,.0f}",
    ]
    size = results.get("throughput", {}).get("sizes", {}).get(str(at["rules"]))
    if size:
        run = size["us_per_resource"]
        lines.append(
            f"     gRPC transport (over gRPC minus in-process): no-op "
            f"{run['noop_run'] - us['noop_servicer']:,.0f}, ours "
            f"{run['pack_run'] - us['our_servicer']:,.0f}"
        )
    return [*lines, ""]


def write_json(results: dict[str, Any], path: Path) -> None:
    payload = {**results, "targets": {t.name: t.as_dict() for t in targets(results)}}
    path.write_text(json.dumps(payload, indent=2, default=str, allow_nan=True) + "\n")


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    fig.suptitle(f"tiered-sg benchmarks ({results['machine']['summary']})", fontsize=10)
    _plot_program(axes[0][0], results.get("program_cost"))
    _plot_throughput(axes[0][1], results.get("throughput"))
    _plot_scaling(axes[1][0], results.get("scaling"))
    _plot_preflight(axes[1][1], results.get("preflight"))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _empty(ax: Any, title: str) -> None:
    ax.set_title(title)
    ax.text(0.5, 0.5, "not run", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _plot_program(ax: Any, p: dict[str, Any] | None) -> None:
    title = "1. Program cost under mocks (1,000 rules)"
    if not p:
        return _empty(ax, title)
    values = [p["chain"]["median_s"], p["floor"]["median_s"]]
    ax.bar(["chain component", "bare SDK floor"], values, color=["tab:blue", "tab:gray"])
    ax.set_ylabel("seconds (median)")
    ax.set_title(f"{title}: ratio {p['ratio']:.2f} (goal <= 1.15)")
    return None


def _plot_throughput(ax: Any, t: dict[str, Any] | None) -> None:
    title = "2. Policy throughput"
    if not t:
        return _empty(ax, title)
    keys = [k for k, _ in CONTENDERS if not k.endswith("_run")]
    labels = {"pack": "(a) pack", "noop": "(b) no-op", "inprocess": "(c) in-process"}
    labels |= {"noop_sized": "(b') no-op, our shape"}
    labels |= {"checkov_rules": "(d) Checkov rules", "checkov_inline": "(d) Checkov inline"}
    sizes = list(t["sizes"])
    width = 0.8 / len(sizes)
    for i, size in enumerate(sizes):
        values = [t["sizes"][size]["rules_per_s"][k] for k in keys]
        xs = [j + i * width for j in range(len(keys))]
        ax.bar(xs, values, width, label=f"{int(size):,} rules")
    ax.set_xticks([j + width * (len(sizes) - 1) / 2 for j in range(len(keys))])
    ax.set_xticklabels([labels[k] for k in keys], rotation=15, fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("rules per second (log)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return None


def _plot_scaling(ax: Any, sc: dict[str, Any] | None) -> None:
    title = "3. Stack policies + flows"
    if not sc:
        return _empty(ax, title)
    sizes = sc["sizes"]
    for part in ("total", "analyze", "flows", "sg-rule-quota", "sg-tier-isolation"):
        values = [sc["median_s"][str(n)][part] for n in sizes]
        ax.plot(sizes, values, marker="o", label=f"{part} (k={sc['part_exponents'][part]:.2f})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rules")
    ax.set_ylabel("seconds (median)")
    ax.set_title(f"{title}: exponent {sc['exponent']:.2f} (goal <= 1.1)")
    ax.legend(fontsize=7)
    return None


def _plot_preflight(ax: Any, pf: dict[str, Any] | None) -> None:
    title = "4. python -m preflight dev"
    if not pf:
        return _empty(ax, title)
    values = [pf["preflight"]["median_s"], pf["floor"]["median_s"]]
    ax.bar(["preflight dev", "floor"], values, color=["tab:blue", "tab:gray"])
    ax.set_ylabel("seconds (median)")
    ax.set_title(f"{title}: ratio {pf['ratio']:.2f}")
    return None
