"""The text report, laid out like `pulumi preview`: tree, flows, policy verdicts, summary."""

import re
from collections import defaultdict

from analyzer_client import ROOT_STACK_TYPE, Diagnostic, EnforcementLevel, root_stack_urn
from preflight.analysis import PreflightResult
from preflight.recorder import PlannedResource
from preflight.render.labels import endpoint_label, flow_key, traffic_label


def render_text(result: PreflightResult) -> str:
    lines: list[str] = []
    verb = "Previewing update" if result.mode == "preview" else "Planning update (--up: known ids)"
    lines.append(f"{verb} ({result.stack.stack}) — offline: program under mocks, no cloud calls")
    lines.append("")
    lines.extend(_tree(result))
    lines.append("")
    lines.extend(_flows(result))
    lines.append("")
    lines.extend(_policies(result))
    lines.append("")
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


def _tree(result: PreflightResult) -> list[str]:
    stack_urn = root_stack_urn(result.stack.stack, result.stack.project)
    children: dict[str, list[PlannedResource]] = defaultdict(list)
    for resource in result.resources:
        children[resource.parent or stack_urn].append(resource)
    rows: list[tuple[str, str]] = [
        (ROOT_STACK_TYPE, f"{result.stack.project}-{result.stack.stack}")
    ]

    def walk(urn: str, prefix: str) -> None:
        # Registration order varies between runs (outputs resolve concurrently): sort siblings.
        kids = sorted(children.get(urn, []), key=lambda r: (r.type, _natural(r.name)))
        for i, kid in enumerate(kids):
            last = i == len(kids) - 1
            rows.append((prefix + ("└─ " if last else "├─ ") + kid.type, kid.name))
            walk(kid.urn, prefix + ("   " if last else "│  "))

    walk(stack_urn, "")
    type_width = max(len(t) for t, _ in rows) + 3
    name_width = max(len(n) for _, n in rows) + 3
    lines = [f"     {'Type':<{type_width}}{'Name':<{name_width}}Plan"]
    lines += [f" +   {t:<{type_width}}{n:<{name_width}}create" for t, n in rows]
    lines += ["", "Resources:", f"    + {len(rows)} to create"]
    return lines


def _flows(result: PreflightResult) -> list[str]:
    lines = ["Traffic flows (read from the planned rule resources):"]
    if not result.flows:
        return [*lines, "    none: nothing can reach anything"]
    header = ("Direction", "From", "To", "Traffic", "Rule")
    rows = [
        (
            f.direction or "?",
            endpoint_label(f.source),
            endpoint_label(f.destination),
            traffic_label(f),
            f.rule_urn.rsplit("::", 1)[-1],
        )
        for f in sorted(result.flows, key=flow_key)
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append(
            "    " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        )
    return lines


def _policies(result: PreflightResult) -> list[str]:
    diagnostics = result.verdicts.diagnostics
    mark = "❌" if result.mandatory_count else ("⚠️" if diagnostics else "✅")
    lines = ["Policies:", f"    {mark} {result.pack_name}"]
    if not diagnostics:
        lines.append("        no violations")
    order = {EnforcementLevel.MANDATORY: 0, EnforcementLevel.ADVISORY: 1}
    for diagnostic in sorted(
        diagnostics, key=lambda d: (order.get(d.enforcement_level, 2), d.policy_name, d.urn)
    ):
        lines.extend(_diagnostic(diagnostic))
    return lines


def _diagnostic(diagnostic: Diagnostic) -> list[str]:
    where = diagnostic.urn.rsplit("::", 1)[-1]
    head = f"        - [{diagnostic.enforcement_level.value}]  {diagnostic.policy_name}  ({where})"
    body = [f"          {line}" for line in diagnostic.detail.strip().splitlines()]
    return [head, *body]


def _summary(result: PreflightResult) -> str:
    advisory = len(result.verdicts.diagnostics) - result.mandatory_count
    verdict = "BLOCKED" if result.mandatory_count else "OK"
    return (
        f"Summary: {verdict}: {len(result.resources) + 1} resources, {len(result.flows)} flows; "
        f"{result.mandatory_count} mandatory, {advisory} advisory violation(s)."
    )


def _natural(name: str) -> list[tuple[int, int | str]]:
    """Sort key that orders embedded numbers by value: ...-tcp-80-... before ...-tcp-443-..."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name)]
