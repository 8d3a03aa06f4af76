"""Where the pack's own process spends its time while it answers a preview over the protocol.

py-spy samples every thread of the pack (the SDK answers gRPC calls from a thread pool, which
in-process profilers of the main thread miss), counting only samples that hold the GIL: Python
CPU time, without the waits for the engine. The text report splits the samples between our
checks (``sg_guardrails`` beyond the servicer), the SDK's conversion and dispatch (pulumi-policy,
protobuf's JSON conversion, ``sg_guardrails/servicer.py`` itself) and the gRPC server with its
threads, then lists functions by their own samples and by samples anywhere in their stack.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Final

from analyzer_client import PolicyPackSession
from bench.workload import PROJECT, STACK, engine_resources, make_stack

PACK_DIR: Final = Path(__file__).resolve().parent.parent / "policies"
OURS: Final = "sg_guardrails/"
SERVICER: Final = "sg_guardrails/servicer.py"
SDK: Final = ("pulumi_policy/", "protobuf/", SERVICER)


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise RuntimeError("py-spy is not installed (bench/requirements.txt)")
    return found


def record(raw: Path, n_rules: int = 5000) -> float:
    """Run one preview of ``n_rules`` rules through the pack under py-spy; returns the seconds
    the calls took. ``raw`` receives py-spy's collapsed stacks."""
    resources = engine_resources(make_stack(n_rules))
    with PolicyPackSession(PACK_DIR, project=PROJECT, stack=STACK, dry_run=True) as session:
        options = ["--format", "raw", "--gil", "--function", "--rate", "250", "--nonblocking"]
        spy = subprocess.Popen(
            [py_spy(), "record", "--pid", str(session.pid), *options, "--output", str(raw)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(1.0)  # py-spy attaches
        start = time.perf_counter()
        session.run(resources)
        seconds = time.perf_counter() - start
        spy.send_signal(signal.SIGINT)
        _, errors = spy.communicate(timeout=60)
    if not raw.exists():
        raise RuntimeError(f"py-spy wrote no profile: {errors.decode(errors='replace')[-500:]}")
    return seconds


def owner(frames: list[str]) -> str:
    """Whose work a sample is: the innermost owner along its stack decides."""
    if any(OURS in frame and SERVICER not in frame for frame in frames):
        return "our checks"
    if any(part in frame for frame in frames for part in SDK):
        return "pulumi-policy: conversion and dispatch"
    return "gRPC server and its threads"


def summary(raw: Path, top: int = 25) -> str:
    """Samples by owner, then the top functions by own samples and anywhere in their stack."""
    own: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    owners: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples, frames = int(count), stack.split(";")
        total += samples
        owners[owner(frames)] += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            anywhere[frame] += samples
    if not total:
        return "no samples\n"
    lines = [f"{total} samples holding the GIL:"]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in owners.most_common()]
    lines += ["", "own:"]
    lines += [f"  {n / total:6.1%}  {frame}" for frame, n in own.most_common(top)]
    lines += ["", "anywhere in the stack:"]
    lines += [f"  {n / total:6.1%}  {frame}" for frame, n in anywhere.most_common(top)]
    return "\n".join(lines) + "\n"
