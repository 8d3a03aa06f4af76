"""sg-guardrails: CrossGuard policies for AWS security groups, importable and testable.

Public API:
- ``build_policies()``, ``PACK_NAME``, ``DEFAULT_LEVELS``: the pack (served by ``__main__.py``).
- ``normalize_resource(type, props)``: any security-group resource -> ``NormalizedResource``.
- ``topology.analyze(records)`` / ``topology.flows(topology)``: groups, rule -> group
  resolution (ids, ``propertyDependencies``, ``dependencies``) and traffic flows.
"""

from .errors import GuardrailsError
from .findings import Finding, Subject
from .model import NormalizedResource, NormalizedRule, Peer, PortRange, UnknownField
from .normalize import GROUP_TYPES, RULE_TYPES, normalize_resource
from .pack import DEFAULT_LEVELS, PACK_DESCRIPTION, PACK_NAME, build_policies
from .topology import Endpoint, Flow, Group, ResolvedRule, ResourceRecord, Topology, analyze, flows
from .values import Unknown, plain

__all__ = [
    "DEFAULT_LEVELS",
    "GROUP_TYPES",
    "PACK_DESCRIPTION",
    "PACK_NAME",
    "RULE_TYPES",
    "Endpoint",
    "Finding",
    "Flow",
    "Group",
    "GuardrailsError",
    "NormalizedResource",
    "NormalizedRule",
    "Peer",
    "PortRange",
    "ResolvedRule",
    "ResourceRecord",
    "Subject",
    "Topology",
    "Unknown",
    "UnknownField",
    "analyze",
    "build_policies",
    "flows",
    "normalize_resource",
    "plain",
]
