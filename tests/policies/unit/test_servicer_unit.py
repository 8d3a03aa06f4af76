"""``SharedArgsServicer`` answers every request exactly as pulumi-policy's own servicer does, while
converting each request once for all of its policies.

Equality is byte for byte on the serialised responses, for the pack's contract workloads and for
probe policies that report everything they were handed (props, options, provider, config, stack
tags, the stack's links) and exercise each of the SDK's answers: disabled and remediate levels,
a remediation-only policy, ``not_applicable``, unknown values, async validations.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE as U

from bench.workload import make_stack
from sg_guardrails import build_policies
from sg_guardrails import servicer as servicer_module
from sg_guardrails.servicer import SharedArgsServicer
from sg_guardrails.values import plain
from tests.policies.contract import contract_snapshot
from tests.policies.unit.sgkit import DEFAULT_SG, SG, inline, sg

KINDS = (_PolicyAnalyzerServicer, SharedArgsServicer)
PROBES = {"probe", "probe-stack"}
T = "test:index:Thing"


def _urn(name: str) -> str:
    return f"urn:pulumi:dev::proj::{T}::{name}"


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    result = struct_pb2.Struct()
    result.update(value)
    return result


def _seen(value: Any) -> str:
    return json.dumps(plain(value), sort_keys=True, default=repr)


# --- probe policies ----------------------------------------------------------------------------


def _probe_resource(args: ResourceValidationArgs, report: ReportViolation) -> None:
    opts = args.opts
    provider = args.provider
    report(
        _seen(
            {
                "resource": [args.resource_type, args.urn, args.name, args.props],
                "opts": [
                    opts.protect,
                    list(opts.ignore_changes),
                    opts.delete_before_replace,
                    list(opts.aliases),
                    vars(opts.custom_timeouts),
                    list(opts.additional_secret_outputs),
                    opts.parent,
                ],
                "provider": provider
                and [provider.resource_type, provider.urn, provider.name, provider.props],
                "config": dict(args.get_config()),
                "tags": dict(args.stack_tags),
            }
        ),
        "urn:ignored",
    )


def _probe_stack(args: StackValidationArgs, report: ReportViolation) -> None:
    for r in args.resources:
        report(
            _seen(
                {
                    "resource": [r.resource_type, r.urn, r.name, r.props],
                    "parent": r.parent and r.parent.urn,
                    "dependencies": [d.urn for d in r.dependencies],
                    "property_dependencies": {
                        k: [d.urn for d in v] for k, v in r.property_dependencies.items()
                    },
                    "opts_parent": r.opts.parent,
                    "config": dict(args.get_config()),
                    "tags": dict(args.stack_tags),
                }
            ),
            r.urn,
        )


def _flag(args: Any, report: ReportViolation) -> None:
    report("flagged")


def _not_applicable(args: Any, report: ReportViolation) -> None:
    args.not_applicable("not for this one")


def _unknown(args: Any, report: ReportViolation) -> None:
    report("before the unknown")
    resources = [args] if isinstance(args, ResourceValidationArgs) else args.resources
    for resource in resources:
        resource.props.get("later")  # raises UnknownValueError when it is unknown


async def _flag_async(args: Any, report: ReportViolation) -> None:
    report("flagged asynchronously")


def _policies() -> list[Policy]:
    r, s = ResourceValidationPolicy, StackValidationPolicy
    mandatory, remediate = EnforcementLevel.MANDATORY, EnforcementLevel.REMEDIATE
    return [
        r("probe", "Reports what it was handed.", _probe_resource, mandatory),
        r("disabled", "Never runs.", _flag, EnforcementLevel.DISABLED),
        r("remediate-level", "Reported as mandatory.", _flag, remediate),
        r("remediation-only", "Only remediates.", remediate=lambda args: None),
        r("not-applicable", "Says it does not apply.", _not_applicable),
        r("unknown", "Meets an unknown value.", _unknown),
        r("async", "Validates asynchronously.", _flag_async),
        s("probe-stack", "Reports the stack it was handed.", _probe_stack),
        s("stack-remediate-level", "Reported as mandatory.", _flag, remediate),
        s("stack-disabled", "Never runs.", _flag, EnforcementLevel.DISABLED),
        s("stack-not-applicable", "Says it does not apply.", _not_applicable),
        s("stack-unknown", "Meets an unknown value.", _unknown),
        s("stack-async", "Validates asynchronously.", _flag_async),
    ]


def _configured(kind: type[_PolicyAnalyzerServicer], policies: list[Policy]) -> Any:
    service = kind("probes", "1.2.3", policies, EnforcementLevel.ADVISORY)
    service.Configure(
        proto.ConfigureAnalyzerRequest(
            policyConfig={
                "probe": proto.PolicyConfig(
                    enforcementLevel=proto.ADVISORY, properties=_struct({"ports": [22, 3389]})
                ),
                "probe-stack": proto.PolicyConfig(
                    enforcementLevel=proto.MANDATORY, properties=_struct({"max": 60})
                ),
                "disabled": proto.PolicyConfig(enforcementLevel=proto.DISABLED),
            }
        ),
        None,
    )
    service.ConfigureStack(proto.AnalyzerStackConfigureRequest(tags={"team": "net"}), None)
    return service


def _analyze_request() -> Any:
    timeouts = proto.AnalyzerResourceOptions.CustomTimeouts(create=1.5, update=0, delete=3)
    return proto.AnalyzeRequest(
        type=T,
        urn=_urn("one"),
        name="one",
        properties=_struct(
            {
                "port": 22,
                "ratio": 0.5,
                "list": [1, "two", {"three": [3]}, None, True],
                "secret": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
                | {"value": "hush"},
                "later": U,
            }
        ),
        options=proto.AnalyzerResourceOptions(
            protect=True,
            ignoreChanges=["tags"],
            deleteBeforeReplaceDefined=True,
            deleteBeforeReplace=False,
            aliases=["urn:old"],
            customTimeouts=timeouts,
            additionalSecretOutputs=["password"],
            parent=_urn("parent"),
        ),
        provider=proto.AnalyzerProviderResource(
            type="pulumi:providers:test",
            urn="urn:pulumi:dev::proj::pulumi:providers:test::default",
            name="default",
            properties=_struct({"region": "eu-west-1", "token": U}),
        ),
    )


def _stack_request() -> Any:
    def resource(name: str, parent: str = "", **links: Any) -> Any:
        return proto.AnalyzerResource(
            type=T,
            urn=_urn(name),
            name=name,
            parent=parent,
            properties=_struct({"name": name, "later": U, "n": len(name)}),
            options=proto.AnalyzerResourceOptions(parent=parent),
            **links,
        )

    deps = proto.AnalyzerPropertyDependencies
    return proto.AnalyzeStackRequest(
        resources=[
            resource("root"),
            resource("a", _urn("root")),
            resource(
                "b",
                _urn("a"),
                dependencies=[_urn("a"), _urn("gone"), _urn("root")],
                propertyDependencies={
                    "x": deps(urns=[_urn("a"), _urn("gone")]),
                    "y": deps(urns=[_urn("gone")]),
                },
            ),
            resource("orphan", _urn("gone")),
        ]
    )


def _answers(kind: type[_PolicyAnalyzerServicer], policies: list[Policy]) -> list[bytes]:
    service = _configured(kind, policies)
    analyze = _analyze_request()
    plain_request = proto.AnalyzeRequest(type=T, urn=_urn("bare"), name="bare")
    responses = [
        service.Analyze(analyze, None),
        service.Analyze(plain_request, None),
        service.AnalyzeStack(_stack_request(), None),
        service.AnalyzeStack(proto.AnalyzeStackRequest(), None),
    ]
    return [response.SerializeToString(deterministic=True) for response in responses]


# --- the same answers --------------------------------------------------------------------------


def test_probe_policies_get_the_same_answers_from_both_servicers() -> None:
    stock, shared = (_answers(kind, _policies()) for kind in KINDS)
    assert shared == stock
    analyze = proto.AnalyzeResponse.FromString(stock[0])
    names = {d.policyName for d in analyze.diagnostics} | {
        n.policy_name for n in analyze.not_applicable
    }
    # Every probe took part: each answer of the SDK is covered.
    assert names == {"probe", "remediate-level", "remediation-only", "not-applicable"} | {
        "unknown",
        "async",
    }
    [probe] = [d for d in analyze.diagnostics if d.policyName == "probe"]
    assert '"provider": ["pulumi:providers:test"' in probe.message
    links = [
        d.message
        for d in proto.AnalyzeResponse.FromString(stock[2]).diagnostics
        if d.policyName == "probe-stack"
    ]
    assert len(links) == 4 and any(f'"parent": "{_urn("a")}"' in m for m in links)


@pytest.mark.parametrize("kind", KINDS)
def test_an_error_escaping_a_policy_fails_the_call_on_both(kind: Any) -> None:
    def broken(args: Any, report: ReportViolation) -> None:
        raise ValueError("a bug in a policy")

    policies = [ResourceValidationPolicy("b", "Broken.", broken)]
    service = kind("p", "1", policies, EnforcementLevel.ADVISORY)
    with pytest.raises(ValueError, match="a bug in a policy"):
        service.Analyze(_analyze_request(), None)


def test_the_pack_contract_holds_on_the_shared_servicer(monkeypatch: pytest.MonkeyPatch) -> None:
    pinned = json.loads(contract_snapshot.SNAPSHOT.read_text())
    monkeypatch.setattr(contract_snapshot, "_PolicyAnalyzerServicer", SharedArgsServicer)
    assert contract_snapshot.current() == pinned


# --- converted once ----------------------------------------------------------------------------


def _recording(kind: str, seen: list[Any]) -> Policy:
    def remember(args: Any, report: ReportViolation) -> None:
        seen.append(args.props if kind == "resource" else args.resources)

    if kind == "resource":
        return ResourceValidationPolicy(f"r{len(seen)}-{id(seen)}", "Remembers.", remember)
    return StackValidationPolicy(f"s{len(seen)}-{id(seen)}", "Remembers.", remember)


def _counting_conversions(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    real: Callable[..., Any] = servicer_module.deserialize_properties

    def counted(*args: Any) -> Any:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(servicer_module, "deserialize_properties", counted)
    return calls


def test_analyze_converts_once_and_hands_every_policy_the_same_props(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting_conversions(monkeypatch)
    seen: list[Any] = []
    policies = [_recording("resource", seen) for _ in range(7)]
    service = SharedArgsServicer("p", "1", policies, EnforcementLevel.ADVISORY)
    service.Analyze(_analyze_request(), None)
    assert len(calls) == 1
    assert len(seen) == 7 and all(props is seen[0] for props in seen)


def test_analyze_converts_nothing_when_no_policy_validates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting_conversions(monkeypatch)
    policies = [ResourceValidationPolicy("off", "Off.", _flag, EnforcementLevel.DISABLED)]
    service = SharedArgsServicer("p", "1", policies, EnforcementLevel.ADVISORY)
    assert not service.Analyze(_analyze_request(), None).diagnostics
    assert not service.AnalyzeStack(_stack_request(), None).diagnostics
    assert calls == []


def test_analyze_stack_builds_the_resources_once_for_every_stack_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting_conversions(monkeypatch)
    seen: list[Any] = []
    policies = [_recording("stack", seen) for _ in range(6)]
    service = SharedArgsServicer("p", "1", policies, EnforcementLevel.ADVISORY)
    request = _stack_request()
    service.AnalyzeStack(request, None)
    assert len(calls) == len(request.resources)
    assert len(seen) == 6 and all(resources is seen[0] for resources in seen)


def test_each_request_gets_its_own_conversion() -> None:
    seen: list[Any] = []
    service = SharedArgsServicer(
        "p", "1", [_recording("resource", seen)], EnforcementLevel.ADVISORY
    )
    service.Analyze(_analyze_request(), None)
    service.Analyze(_analyze_request(), None)
    assert seen[0] is not seen[1]


# --- shared objects stay as the engine sent them -----------------------------------------------


def _engine_requests() -> tuple[list[Any], Any]:
    """Analyze requests and the AnalyzeStack request for the contract's stack, plus groups with
    world-open inline rules and a default group."""
    world = [inline(cidrBlocks=["0.0.0.0/0"]), inline("-1", 0, 0, ipv6CidrBlocks=["::/0"])]
    rows = contract_snapshot._rows(make_stack(100), preview=True)
    shapes = [(r.type, r.urn, r.name, r.props, r.property_dependencies) for r in rows]
    shapes += [(SG, _urn("inline"), "inline", sg(world, world), {})]
    shapes += [(DEFAULT_SG, _urn("default"), "default", sg(world, [], None), {})]
    analyze = [
        proto.AnalyzeRequest(type=t, urn=u, name=n, properties=_struct(p))
        for t, u, n, p, _ in shapes
    ]
    links = proto.AnalyzerPropertyDependencies
    stack = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(
                type=t,
                urn=u,
                name=n,
                properties=_struct(p),
                dependencies=sorted({d for urns in deps.values() for d in urns}),
                propertyDependencies={k: links(urns=v) for k, v in deps.items()},
            )
            for t, u, n, p, deps in shapes
        ]
    )
    return analyze, stack


def test_our_policies_leave_what_they_share_as_they_found_it() -> None:
    # A probe after every policy of the pack sees the props and the stack the engine sent: no
    # policy of ours changed what the next one is handed.
    probes: list[Policy] = [
        ResourceValidationPolicy("probe", "Reports what it was handed.", _probe_resource),
        StackValidationPolicy("probe-stack", "Reports the stack it was handed.", _probe_stack),
    ]
    analyze, stack = _engine_requests()

    def probed(policies: list[Policy]) -> list[list[str]]:
        service = SharedArgsServicer("p", "1", policies, EnforcementLevel.ADVISORY)
        responses = [
            *(service.Analyze(q, None) for q in analyze),
            service.AnalyzeStack(stack, None),
        ]
        return [[d.message for d in r.diagnostics if d.policyName in PROBES] for r in responses]

    assert probed([*build_policies(), *probes]) == probed(probes)
