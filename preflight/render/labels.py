"""Words shared by every renderer: how a flow's endpoints, traffic and resources are named."""

from sg_guardrails.flows import Endpoint, Flow
from sg_guardrails.model import describe_traffic


def endpoint_label(endpoint: Endpoint) -> str:
    # An "external" group's label already says so: "sg-0123456789abcdef0 (outside this stack)".
    if endpoint.kind == "internet":
        return f"internet ({endpoint.label})"
    return str(endpoint.label)


def traffic_label(flow: Flow) -> str:
    return str(describe_traffic(flow.protocol, flow.ports))


def flow_key(flow: Flow) -> tuple[str, str, str, str, int, int]:
    """Stable order: direction, source, destination, protocol, then ports numerically."""
    ports = (flow.ports.start, flow.ports.end) if flow.ports is not None else (-1, -1)
    return (
        flow.direction or "",
        endpoint_label(flow.source),
        endpoint_label(flow.destination),
        flow.protocol or "",
        *ports,
    )
