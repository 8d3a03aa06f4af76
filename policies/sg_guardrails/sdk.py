"""Glue between the pure checks and pulumi-policy's validation callbacks.

Unknowns: the SDK turns an ``UnknownValueError`` escaping a validation into ONE advisory
diagnostic under the policy's name ("can't run policy … during preview: <message>") and keeps
the violations already reported. We use exactly that channel for the notes: a check reports
every definite violation first, then raises ``PreviewGapsError`` naming the parts it had to skip.
So a mandatory policy never blocks on a guess, and never goes silent either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final

from pulumi_policy import (
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from .errors import GuardrailsError
from .findings import Finding, Subject
from .model import NormalizedResource
from .normalize import GROUP_TYPES, RULE_TYPES, normalize_resource
from .policy_record import PolicyRecord
from .request_scope import shared
from .stack_graph import StackGraph, analyze
from .stack_resources import ResourceRecord
from .values import plain

Validation = Callable[[Any, ReportViolation], None]

_NORMALIZED_TYPES: Final = GROUP_TYPES | RULE_TYPES


class PreviewGapsError(UnknownValueError):
    """The parts of a check that wait for ``pulumi up``; the SDK reports them as advisory."""

    def __init__(self, notes: Sequence[str]) -> None:
        super().__init__(UNKNOWN_STRING_VALUE, [])
        self.notes = tuple(notes)
        self.message = "everything known was checked; not yet: " + " ".join(self.notes)


def emit(findings: Sequence[Finding], report_violation: ReportViolation) -> None:
    """Report the violations, then raise ``PreviewGapsError`` if some parts could not be judged."""
    for finding in findings:
        if not finding.note:
            report_violation(finding.message, finding.urn)
    notes = [finding.message for finding in findings if finding.note]
    if notes:
        raise PreviewGapsError(notes)


def _config(args: ResourceValidationArgs | StackValidationArgs) -> Mapping[str, Any]:
    raw = args.get_config()
    if type(raw) is dict and not raw:
        return {}  # what ``plain`` makes of it; the usual case, asked for by every policy call
    config = plain(raw)
    return config if isinstance(config, Mapping) else {"(config)": config}


def run_resource_check(record: PolicyRecord, args: ResourceValidationArgs) -> list[Finding]:
    """Findings of the record's resource check on one resource; ``[]`` for resources without
    security-group rules."""
    assert record.on_resource is not None, record.name
    resource = normalized(args.resource_type, args.props)
    if resource is None:
        return []
    subject = Subject(args.resource_type, args.name, args.urn)
    try:
        return record.on_resource(subject, resource, record.config(_config(args)))
    except GuardrailsError as error:
        return [Finding(f"Invalid policy config: {error}. {subject.label()} was not checked.")]


def normalized(resource_type: str, props: Any) -> NormalizedResource | None:
    """``normalize_resource(resource_type, props)``, once per request rather than per policy:
    the servicer hands every resource policy of one Analyze the same props object."""
    if resource_type not in _NORMALIZED_TYPES:
        return None  # what normalize_resource returns, without the call
    return shared(resource_type, props, lambda: normalize_resource(resource_type, props))


def stack_graph(resources: Sequence[PolicyResource]) -> StackGraph:
    """``analyze`` of the stack, once per ``AnalyzeStack`` rather than per stack policy: the
    servicer hands every stack policy the same resource list."""
    return shared(StackGraph, resources, lambda: analyze(records_from_policy_resources(resources)))


def records_from_policy_resources(resources: Sequence[PolicyResource]) -> list[ResourceRecord]:
    """``StackValidationArgs.resources`` as ``analyze`` input (dependencies become URNs)."""
    return [
        ResourceRecord(
            type=resource.resource_type,
            urn=resource.urn,
            props=resource.props,
            property_dependencies={
                key: [dep.urn for dep in deps]
                for key, deps in (resource.property_dependencies or {}).items()
            },
            dependencies=[dep.urn for dep in resource.dependencies or []],
        )
        for resource in resources
    ]


def run_stack_check(record: PolicyRecord, args: StackValidationArgs) -> list[Finding]:
    assert record.on_stack is not None, record.name
    try:
        config = record.config(_config(args))
        return record.on_stack(stack_graph(args.resources), config)
    except GuardrailsError as error:
        return [Finding(f"Invalid policy config: {error}. The stack was not checked.")]


def resource_validation(record: PolicyRecord) -> Validation:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        emit(run_resource_check(record, args), report_violation)

    return validate


def stack_validation(record: PolicyRecord) -> Validation:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        emit(run_stack_check(record, args), report_violation)

    return validate


class ResourceAndStackPolicy(ResourceValidationPolicy, StackValidationPolicy):
    """One policy name that checks each resource before it is created AND the whole stack.

    ``sg-default-group-closed`` needs both: a ``DefaultSecurityGroup``'s inline rules are visible
    on the resource itself (and blocked before ``up`` changes it), while a rule resource attached
    to the default group can only be recognised stack-wide. The SDK runs resource policies in
    ``Analyze`` and stack policies in ``AnalyzeStack`` by ``isinstance``, so this class is both.
    Only public SDK methods are overridden; the base initialisers are bypassed because each
    passes positional arguments meant for ``Policy`` to the other through ``super()``.
    """

    def __init__(self, record: PolicyRecord, **options: Any) -> None:
        Policy.__init__(self, record.name, record.description, **options)
        self._on_resource = resource_validation(record)
        self._on_stack = stack_validation(record)

    def validate(
        self,
        args: ResourceValidationArgs | StackValidationArgs,
        report_violation: ReportViolation,
    ) -> Awaitable[None] | None:
        if isinstance(args, StackValidationArgs):
            self._on_stack(args, report_violation)
        else:
            self._on_resource(args, report_violation)
        return None

    def has_validation(self) -> bool:
        return True

    def remediate(self, args: ResourceValidationArgs) -> None:
        return None

    def has_remediation(self) -> bool:
        return False
