"""The flows as a Mermaid flowchart (GitHub renders it): ingress solid, egress dotted."""

import re

from preflight.analysis import PreflightResult
from preflight.render.labels import endpoint_label, flow_key, traffic_label
from sg_guardrails.flows import Endpoint


def render_mermaid(result: PreflightResult) -> str:
    lines = ["flowchart LR"]
    nodes: dict[str, str] = {}
    for flow in sorted(result.flows, key=flow_key):
        for endpoint in (flow.source, flow.destination):
            node_id = _node_id(endpoint)
            if node_id not in nodes:
                nodes[node_id] = _node(node_id, endpoint)
    lines += [f"    {node}" for node in nodes.values()]
    for flow in sorted(result.flows, key=flow_key):
        arrow = "-.->" if flow.direction == "egress" else "-->"
        label = f"{flow.direction} {traffic_label(flow)}".replace('"', "'")
        lines.append(f'    {_node_id(flow.source)} {arrow}|"{label}"| {_node_id(flow.destination)}')
    return "\n".join(lines) + "\n"


def _node_id(endpoint: Endpoint) -> str:
    return f"{endpoint.kind}_{re.sub(r'[^A-Za-z0-9]', '_', endpoint.label)}".replace("-", "_")


def _node(node_id: str, endpoint: Endpoint) -> str:
    text = endpoint_label(endpoint).replace('"', "'")
    if endpoint.kind == "group":
        return f'{node_id}["{text}"]'
    if endpoint.kind == "external":  # a group, but not one of this stack: a framed box
        return f'{node_id}[["{text}"]]'
    return f'{node_id}(("{text}"))'
