"""sg-guardrails: CrossGuard policies for AWS security groups, importable and testable.

Public API:
- ``build_policies()``, ``PACK_NAME``, ``DEFAULT_LEVELS``: the pack (served by ``__main__.py``);
  each policy is a ``PolicyRecord`` in ``sg_guardrails.catalog``.
- ``normalize_resource(type, props)``: any security-group resource -> ``NormalizedResource``.
- ``analyze(records)`` / ``flows(graph)``: a ``StackGraph`` of groups, rule -> group resolution
  (ids, ``propertyDependencies``, ``dependencies``) and traffic flows.
"""

from .errors import GuardrailsError
from .findings import Finding, Subject
from .flows import Endpoint, Flow, flows
from .model import NormalizedResource, NormalizedRule, PeerRef, PortRange, UnknownField
from .normalize import GROUP_TYPES, RULE_TYPES, normalize_resource
from .pack import DEFAULT_LEVELS, PACK_DESCRIPTION, PACK_NAME, build_policies
from .policy_record import PolicyRecord
from .stack_graph import StackGraph, analyze
from .stack_resources import Group, ResolvedRule, ResourceRecord
from .values import UnknownValue, plain

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
    "PeerRef",
    "PolicyRecord",
    "PortRange",
    "ResolvedRule",
    "ResourceRecord",
    "StackGraph",
    "Subject",
    "UnknownField",
    "UnknownValue",
    "analyze",
    "build_policies",
    "flows",
    "normalize_resource",
    "plain",
]
