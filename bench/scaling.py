"""Benchmark 3: how the stack policies and the flow analysis scale with the number of rules.

In-process, on the workload's AnalyzeStack view (ids unknown, groups found through
``propertyDependencies``): ``stack_graph.analyze`` + ``flows.flows`` + each stack check of
``catalog.POLICIES`` on that graph, at 1k, 5k and 20k rules. The exponent of a log-log fit of
time against size is the result: 1.0 is linear. Parts are timed too, to point at what grows.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from bench.timing import Samples, loglog_exponent
from bench.workload import make_stack, records
from sg_guardrails.catalog import POLICIES
from sg_guardrails.flows import flows
from sg_guardrails.stack_graph import analyze
from sg_guardrails.stack_resources import ResourceRecord


def once(rows: list[ResourceRecord]) -> dict[str, float]:
    """Seconds of each part, and the total."""
    parts: dict[str, float] = {}
    t = time.perf_counter()
    graph = analyze(rows)
    parts["analyze"] = time.perf_counter() - t
    t = time.perf_counter()
    flows(graph)
    parts["flows"] = time.perf_counter() - t
    for policy in POLICIES:
        if policy.on_stack is None:
            continue
        t = time.perf_counter()
        policy.on_stack(graph, policy.config({}))
        parts[policy.name] = time.perf_counter() - t
    parts["total"] = sum(parts.values())
    return parts


def run(sizes: tuple[int, ...] = (1000, 5000, 20000), rounds: int = 3) -> dict[str, Any]:
    inputs = {n: records(make_stack(n)) for n in sizes}
    # The inputs of all sizes stay alive side by side here (a pack holds one stack at a time):
    # freeze them so the collector's passes over them do not bend the curve.
    gc.collect()
    gc.freeze()
    try:
        return _measure(inputs, sizes, rounds)
    finally:
        gc.unfreeze()


def _measure(
    inputs: dict[int, list[ResourceRecord]], sizes: tuple[int, ...], rounds: int
) -> dict[str, Any]:
    once(inputs[min(sizes)])  # warm-up
    samples: dict[int, dict[str, Samples]] = {n: {} for n in sizes}
    for _ in range(rounds):
        for n in sizes:  # sizes interleaved, so drift does not bend the curve
            for part, seconds in once(inputs[n]).items():
                samples[n].setdefault(part, Samples(part)).seconds.append(seconds)
    parts = list(samples[min(sizes)])
    exponents = {
        part: loglog_exponent(list(sizes), [samples[n][part].median for n in sizes])
        for part in parts
    }
    return {
        "sizes": list(sizes),
        "median_s": {str(n): {p: s.median for p, s in samples[n].items()} for n in sizes},
        "exponent": exponents["total"],
        "part_exponents": exponents,
    }
