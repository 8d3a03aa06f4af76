"""Where a pack's time goes per resource: gRPC transport, the policy SDK, or our policies.

The servicers are built in-process (our pack's ``SharedArgsServicer`` as ``policies/__main__.py``
serves it; our policies on pulumi-policy's own ``_PolicyAnalyzerServicer``; a one-policy no-op
pack and a no-op pack in our pack's shape on the SDK's servicer) and handed the very requests
the engine would send (Remediate + Analyze per resource, then AnalyzeStack), with no gRPC in
between. Subtracting gives:

- transport: pack over gRPC (benchmark 2) minus the same servicer in-process;
- ours: the time spent inside our entry points (``sdk.run_resource_check``,
  ``sdk.run_stack_check``, ``sdk.emit``: everything they call, stdlib included), timed by
  wrapping them (a profiler would inflate our many small calls more than the SDK's C code);
- SDK: the rest of the servicer's time (deserialising, args objects, responses).

Runs in a child process (``python -m bench.attribution N``) because the SDK reconfigures the
Pulumi runtime's globals on every call, as it does inside a real pack.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from bench.child import json_from_child

ROOT: Final = Path(__file__).resolve().parent.parent
OUR_ENTRY_POINTS: Final = ("run_resource_check", "run_stack_check", "emit")


def _requests(n_rules: int) -> tuple[list[Any], Any]:
    from pulumi.runtime.proto import analyzer_pb2

    from analyzer_client import encode_properties
    from bench.workload import engine_resources, make_stack

    resources = engine_resources(make_stack(n_rules))
    options = analyzer_pb2.AnalyzerResourceOptions(
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts()
    )
    analyze = [
        analyzer_pb2.AnalyzeRequest(
            type=r.type,
            properties=encode_properties(r.inputs),
            urn=r.urn,
            name=r.name,
            options=options,
        )
        for r in resources
    ]
    stack = analyzer_pb2.AnalyzeStackRequest()
    for r in resources:
        entry = stack.resources.add(
            type=r.type, urn=r.urn, name=r.name, parent=r.parent, options=options
        )
        entry.dependencies.extend(r.dependencies)
        entry.properties.CopyFrom(encode_properties(r.inputs))
        for key, urns in r.property_dependencies.items():
            entry.propertyDependencies[key].urns.extend(urns)
    return analyze, stack


def _servicer(policies: Sequence[Any], *, shared: bool = False) -> Any:
    from pulumi_policy import EnforcementLevel
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    from sg_guardrails.servicer import SharedArgsServicer

    kind = SharedArgsServicer if shared else _PolicyAnalyzerServicer
    return kind("bench", "0.0.1", list(policies), EnforcementLevel.ADVISORY)


def _noop_policies(*, our_shape: bool = False) -> list[Any]:
    """One no-op resource policy, or as many no-op resource and stack policies as our pack
    runs per request (as ``tests/fixtures/noop_pack_sized``)."""
    from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

    from sg_guardrails.catalog import POLICIES

    def nothing(args: Any, report_violation: Any) -> None:
        return None

    if not our_shape:
        return [ResourceValidationPolicy("noop", "Checks nothing.", validate=nothing)]
    resource = sum(1 for record in POLICIES if record.on_resource)
    stack = sum(1 for record in POLICIES if record.on_stack)
    return [
        *(
            ResourceValidationPolicy(f"noop-r{i}", "Checks nothing.", nothing)
            for i in range(resource)
        ),
        *(StackValidationPolicy(f"noop-s{i}", "Checks nothing.", nothing) for i in range(stack)),
    ]


def _dispatch(servicer: Any, analyze: list[Any], stack: Any) -> Callable[[], None]:
    def go() -> None:
        for request in analyze:
            servicer.Remediate(request, None)
            servicer.Analyze(request, None)
        servicer.AnalyzeStack(stack, None)

    return go


def _timing_ours() -> tuple[list[float], Callable[[], None]]:
    """Wrap our entry points in ``sg_guardrails.sdk`` with timers; returns (sink, undo). The
    SDK-facing closures look these names up in the module at each call, so wrapping works."""
    from sg_guardrails import sdk

    spent: list[float] = []
    originals = {name: getattr(sdk, name) for name in OUR_ENTRY_POINTS}

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent.append(time.perf_counter() - start)

        return timed

    for name, fn in originals.items():
        setattr(sdk, name, wrap(fn))

    def undo() -> None:
        for name, fn in originals.items():
            setattr(sdk, name, fn)

    return spent, undo


def measure(n_rules: int) -> dict[str, Any]:
    """In this process: in-process dispatch times and the profile split of ours."""
    from sg_guardrails.pack import build_policies

    analyze, stack = _requests(n_rules)
    count = len(analyze)
    servicers = {
        "noop_servicer": _servicer(_noop_policies()),
        "noop_sized_servicer": _servicer(_noop_policies(our_shape=True)),
        "our_policies_on_sdk_servicer": _servicer(build_policies()),
        "our_servicer": _servicer(build_policies(), shared=True),
    }
    ours = servicers["our_servicer"]
    _dispatch(ours, analyze[:20], stack)  # warm-up
    seconds: dict[str, float] = {}
    for label, servicer in servicers.items():
        start = time.perf_counter()
        _dispatch(servicer, analyze, stack)()
        seconds[label] = time.perf_counter() - start
    spent, undo = _timing_ours()
    try:
        start = time.perf_counter()
        _dispatch(ours, analyze, stack)()
        total = time.perf_counter() - start
    finally:
        undo()
    share = sum(spent) / total
    per = {k: v / count * 1e6 for k, v in seconds.items()}
    return {
        "rules": n_rules,
        "resources": count,
        "us_per_resource": {
            **per,
            "our_policies": per["our_servicer"] * share,
            "sdk_for_our_pack": per["our_servicer"] * (1 - share),
        },
        "our_share": share,
    }


def run(n_rules: int = 5000) -> dict[str, Any]:
    """Measure in a child process with the environment a pack process has."""
    env = {**os.environ, "PULUMI_PROJECT": "bench", "PULUMI_STACK": "bench"}
    env["PULUMI_DRY_RUN"] = "true"
    result: dict[str, Any] = json_from_child(
        [sys.executable, "-m", "bench.attribution", str(n_rules)],
        cwd=ROOT,
        env=env,
        what="bench.attribution",
    )
    return result


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)))
