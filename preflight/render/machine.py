"""The JSON report: the same facts as the text report, for machines."""

import json
from typing import Any

from preflight.analysis import PreflightResult
from preflight.render.labels import flow_key, traffic_label


def render_json(result: PreflightResult) -> str:
    document: dict[str, Any] = {
        "stack": result.stack.stack,
        "project": result.stack.project,
        "mode": result.mode,
        "resources": [
            {
                "type": r.type,
                "name": r.name,
                "urn": r.urn,
                "parent": r.parent,
                "inputs": r.inputs,
                "dependencies": r.dependencies,
                "propertyDependencies": r.property_dependencies,
            }
            for r in result.resources
        ],
        "flows": [
            {
                "direction": f.direction,
                "from": {"kind": f.source.kind, "label": f.source.label},
                "to": {"kind": f.destination.kind, "label": f.destination.label},
                "protocol": f.protocol,
                "ports": None if f.ports is None else [f.ports.start, f.ports.end],
                "traffic": traffic_label(f),
                "rule": f.rule_urn,
            }
            for f in sorted(result.flows, key=flow_key)
        ],
        "diagnostics": [
            {
                "policy": d.policy_name,
                "pack": d.policy_pack_name,
                "level": d.enforcement_level.value,
                "urn": d.urn,
                "message": d.detail,
            }
            for d in result.verdicts.diagnostics
        ],
        "summary": {
            "resources": len(result.resources),
            "flows": len(result.flows),
            "mandatory": result.mandatory_count,
            "advisory": len(result.verdicts.diagnostics) - result.mandatory_count,
            "exitCode": result.exit_code,
        },
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
