"""Timers, interleaved repetitions, medians, ratios and a log-log fit: shared by every benchmark."""

from __future__ import annotations

import gc
import math
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Samples:
    """Wall-clock seconds of repeated runs of one thing."""

    label: str
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else math.nan

    @property
    def spread(self) -> float:
        """(max - min) / median: how noisy the samples were."""
        if len(self.seconds) < 2 or not self.median:
            return 0.0
        return (max(self.seconds) - min(self.seconds)) / self.median

    def as_dict(self) -> dict[str, Any]:
        return {
            "median_s": self.median,
            "samples_s": list(self.seconds),
            "spread": self.spread,
        }


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Run ``fn`` once with the garbage collector settled; return (seconds, result)."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def interleave(
    runs: Sequence[tuple[str, Callable[[], object]]], rounds: int, warmup: int = 1
) -> dict[str, Samples]:
    """Run each callable once per round, in turn (A, B, A, B, ...), after ``warmup`` rounds
    whose timings are thrown away; slow drift of the machine then hits every contender alike."""
    samples = {label: Samples(label) for label, _ in runs}
    for round_ in range(warmup + rounds):
        for label, fn in runs:
            seconds, _ = timed(fn)
            if round_ >= warmup:
                samples[label].seconds.append(seconds)
    return samples


def cpu_seconds() -> float:
    """CPU seconds of this process (every thread) and of its children that have exited and been
    waited for: a contender's cost that other work on a shared machine does not inflate the way
    it inflates wall time."""
    return time.process_time() + children_cpu_seconds()


def children_cpu_seconds() -> float:
    """CPU seconds of this process's children that have exited and been waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator; NaN when the denominator is not a positive number."""
    if not denominator or denominator <= 0 or math.isnan(denominator):
        return math.nan
    return numerator / denominator


def loglog_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """The slope of log(seconds) against log(size), least squares: 1.0 is linear scaling."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in seconds]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    num = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    den = sum((x - mean_x) ** 2 for x in xs)
    return num / den if den else math.nan


@dataclass(frozen=True)
class Target:
    """A goal on one measured ratio: ``value <= limit`` (or ``>=`` when ``at_least``)."""

    name: str
    value: float
    limit: float
    at_least: bool = False
    meaning: str = ""

    @property
    def met(self) -> bool:
        if math.isnan(self.value):
            return False
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    @property
    def goal(self) -> str:
        return f"{'>=' if self.at_least else '<='} {self.limit:g}"

    def as_dict(self) -> dict[str, Any]:
        reported_only = math.isinf(self.limit)
        return {
            "value": self.value,
            "goal": None if reported_only else self.goal,
            "met": None if reported_only else self.met,
            "meaning": self.meaning,
        }
