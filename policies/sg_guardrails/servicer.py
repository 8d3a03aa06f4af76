"""pulumi-policy's analyzer servicer, converting each request once for all of the pack's policies.

pulumi-policy 1.21.0's ``_PolicyAnalyzerServicer`` deserialises a resource's properties, options
and provider once per resource policy in ``Analyze``, and rebuilds the stack's resources once per
stack policy in ``AnalyzeStack``: its work grows with policies times resources.
``SharedArgsServicer`` keeps the SDK's loops as they are (which policies run, their levels, the
violation, preview-gap and not-applicable answers) and takes that conversion out of them: done
once per request, on first need, and every policy of the request gets the same objects, which
our policies only read. Everything else (Configure, ConfigureStack, Remediate, GetAnalyzerInfo,
the gRPC server) stays the SDK's.

The two loops mirror private SDK code, so ``serve`` uses this servicer only with a pulumi-policy
whose mirrored source is the one it was checked against (``CHECKED``); with any other it serves
the SDK's own servicer (same findings, slower) and says so on stderr, and
tests/policies/unit/test_sdk_shape.py fails until this module is checked against the new SDK.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import sys
from collections.abc import Callable, Coroutine, Mapping
from functools import partial
from inspect import isawaitable
from typing import Any, Final, NamedTuple, cast

import pulumi_policy.policy as sdk_policy
from google.protobuf import json_format
from pulumi.runtime import proto
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyPack,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import _NotApplicableError, _PolicyAnalyzerServicer
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy
from pulumi_policy.version import VERSION as SDK_VERSION

from .request_scope import one_request

# pulumi-policy version -> sha256 of the SDK source this module mirrors or relies on (MIRRORED).
CHECKED: Final[Mapping[str, str]] = {
    "1.21.0": "522697ac73a3268018f339dd1b1622c41d99828443c544deb2f1e453cde42e7d",
}
# What the fingerprint covers: the two loops mirrored here, the constructor whose private state
# they read, and PolicyPack.__init__, which builds its servicer through the module's class name.
MIRRORED: Final = (
    _PolicyAnalyzerServicer.Analyze,
    _PolicyAnalyzerServicer.AnalyzeStack,
    _PolicyAnalyzerServicer.__init__,
    PolicyPack.__init__,
)
_SDK_STATE: Final = "_PolicyAnalyzerServicer__"  # prefix of the SDK servicer's private attributes


def sdk_fingerprint() -> str:
    """sha256 of the installed SDK's source of ``MIRRORED``; raises OSError without source."""
    digest = hashlib.sha256()
    for function in MIRRORED:
        digest.update(inspect.getsource(function).encode())
    return digest.hexdigest()


def sdk_problems() -> list[str]:
    """Why ``SharedArgsServicer`` must not serve with the installed pulumi-policy; [] if it may."""
    expected = CHECKED.get(SDK_VERSION)
    if expected is None:
        checked = ", ".join(CHECKED)
        return [f"pulumi-policy {SDK_VERSION} is not a version it was checked against ({checked})"]
    try:
        found = sdk_fingerprint()
    except (OSError, TypeError) as error:
        return [f"the source of pulumi-policy {SDK_VERSION}'s servicer is unreadable: {error}"]
    if found != expected:
        return [f"pulumi-policy {SDK_VERSION}'s servicer is not the source it was checked against"]
    return []


class _ResourceParts(NamedTuple):
    props: Any
    opts: PolicyResourceOptions
    provider: PolicyProviderResource | None


class SharedArgsServicer(_PolicyAnalyzerServicer):
    """``_PolicyAnalyzerServicer`` with each request's conversion shared by its policies."""

    def Analyze(self, request: Any, _context: Any) -> Any:  # noqa: N802 - the gRPC method name
        self._configure_runtime_settings()  # type: ignore[no-untyped-call]
        response = proto.AnalyzeResponse()
        parts: _ResourceParts | None = None
        with one_request():
            for policy in self._sdk("policies"):
                enforcement_level = self._get_enforcement_level(policy)
                if enforcement_level == EnforcementLevel.DISABLED or not isinstance(
                    policy, ResourceValidationPolicy
                ):
                    continue
                if not policy.has_validation():
                    response.not_applicable.append(
                        proto.PolicyNotApplicable(
                            policy_name=policy.name, reason="Policy does not implement validate"
                        )
                    )
                    continue
                if enforcement_level == EnforcementLevel.REMEDIATE:
                    # A violation left after a remediation ran is reported as mandatory.
                    enforcement_level = EnforcementLevel.MANDATORY
                report_violation = self._create_report_violation(
                    response, policy.name, policy.description, enforcement_level, policy.severity
                )
                if parts is None:
                    parts = self._resource_parts(request)
                args = ResourceValidationArgs(
                    request.type,
                    parts.props,
                    request.urn,
                    request.name,
                    parts.opts,
                    parts.provider,
                    self._get_policy_config(policy.name),
                    self._sdk("stack_tags"),
                )
                self._validate(response, policy, partial(policy.validate, args, report_violation))
        return response

    def AnalyzeStack(self, request: Any, _context: Any) -> Any:  # noqa: N802
        self._configure_runtime_settings()  # type: ignore[no-untyped-call]
        response = proto.AnalyzeResponse()
        resources: list[PolicyResource] | None = None
        with one_request():
            for policy in self._sdk("policies"):
                enforcement_level = self._get_enforcement_level(policy)
                if enforcement_level == EnforcementLevel.DISABLED or not isinstance(
                    policy, StackValidationPolicy
                ):
                    continue
                if enforcement_level == EnforcementLevel.REMEDIATE:
                    enforcement_level = EnforcementLevel.MANDATORY  # stacks cannot be remediated
                report_violation = self._create_report_violation(
                    response, policy.name, policy.description, enforcement_level, policy.severity
                )
                if resources is None:
                    resources = self._stack_resources(request)
                args = StackValidationArgs(
                    resources, self._get_policy_config(policy.name), self._sdk("stack_tags")
                )
                self._validate(response, policy, partial(policy.validate, args, report_violation))
        return response

    def _sdk(self, name: str) -> Any:
        """The SDK servicer's own state (policies, pack name and version, stack tags), read
        where Configure and ConfigureStack keep it rather than copied."""
        return getattr(self, _SDK_STATE + name)

    def _resource_parts(self, request: Any) -> _ResourceParts:
        deserialized = deserialize_properties(json_format.MessageToDict(request.properties))
        return _ResourceParts(
            unknown_checking_proxy(deserialized),
            self._get_resource_options(request),
            self._get_provider_resource(request),
        )

    def _stack_resources(self, request: Any) -> list[PolicyResource]:
        """The stack's resources, each linked to its parent and (property) dependencies."""
        linked: list[tuple[PolicyResource, Any, list[str], dict[str, list[str]]]] = []
        for r in request.resources:
            parts = self._resource_parts(r)
            resource = PolicyResource(
                r.type, parts.props, r.urn, r.name, parts.opts, parts.provider, None, [], {}
            )
            property_dependencies = {k: list(v.urns) for k, v in r.propertyDependencies.items()}
            linked.append((resource, r.parent, list(r.dependencies), property_dependencies))
        by_urn = {resource.urn: resource for resource, *_ in linked}  # a repeated URN: the last
        for resource, parent, dependencies, property_dependencies in linked:
            if parent is not None and parent in by_urn:
                resource.parent = by_urn[parent]
            resource.dependencies.extend(by_urn[d] for d in dependencies if d in by_urn)
            for key, urns in property_dependencies.items():
                resource.property_dependencies[key] = [by_urn[d] for d in urns if d in by_urn]
        return [resource for resource, *_ in linked]

    def _validate(self, response: Any, policy: Policy, validate: Callable[[], object]) -> None:
        """Run one policy's ``validate`` call and file what it raises, as the SDK does."""
        try:
            result = validate()
            if isawaitable(result):
                loop = asyncio.new_event_loop()
                task = asyncio.Task(cast(Coroutine[Any, Any, Any], result), loop=loop)
                loop.run_until_complete(task)
                loop.close()
        except UnknownValueError as e:
            name, version = self._sdk("policy_pack_name"), self._sdk("policy_pack_version")
            response.diagnostics.append(
                proto.AnalyzeDiagnostic(
                    policyName=policy.name,
                    policyPackName=name,
                    policyPackVersion=version,
                    message=(
                        f"can't run policy '{policy.name}' from policy pack "
                        f"'{name}@v{version}' during preview: {e.message}"
                    ),
                    urn="",
                    description=policy.description,
                    enforcementLevel=self._map_enforcement_level(EnforcementLevel.ADVISORY),
                )
            )
        except _NotApplicableError as e:
            response.not_applicable.append(
                proto.PolicyNotApplicable(policy_name=policy.name, reason=e.reason or "")
            )


def serve(name: str, policies: list[Policy], **options: Any) -> None:
    """``PolicyPack(name, policies, **options)``: serve the pack to the engine, answered by
    ``SharedArgsServicer`` when the installed pulumi-policy is one it was checked against."""
    problems = sdk_problems()
    original = sdk_policy._PolicyAnalyzerServicer
    if problems:
        print(
            f"{name}: serving with pulumi-policy's own analyzer (slower, same findings): "
            + "; ".join(problems),
            file=sys.stderr,
        )
    else:
        sdk_policy._PolicyAnalyzerServicer = SharedArgsServicer  # type: ignore[misc]
    try:
        PolicyPack(name, policies, **options)
    finally:
        sdk_policy._PolicyAnalyzerServicer = original  # type: ignore[misc]
