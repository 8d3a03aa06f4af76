"""Before and after in one run: throughput contenders run on an older tree of this repository.

``python -m bench --baseline DIR``: DIR is a copy of the repository at the "before" state (for
instance ``git worktree add DIR <commit>``), holding its own ``policies/`` and ``bench/``. Its
pack is started with ``DIR/policies`` first on ``PYTHONPATH``, so it runs that tree's
``sg_guardrails``; its in-process checks run in a child process with that tree's own bench
harness. Both trees' in-process checks run the same way, each in a child (see
``inprocess_seconds``), so a difference is the code's, not the heap's of the parent.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from bench.child import json_from_child

# Prepared outside the timer (the protocol's work), then every resource policy on every resource.
_INPROCESS_CHILD: Final = """
import json, sys, time
sys.path[:0] = [{root!r}, {policies!r}]
from bench.throughput import prepare_inprocess, run_inprocess
from bench.workload import engine_resources, make_stack
prepared = prepare_inprocess(engine_resources(make_stack({rules})))
run_inprocess(prepared[:100])
start, cpu = time.perf_counter(), time.process_time()
flagged = run_inprocess(prepared)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({{"seconds": seconds, "cpu": cpu, "flagged": len(flagged)}}))
"""


@contextmanager
def pack_environment(root: Path) -> Iterator[None]:
    """Packs started inside the block import ``root``'s ``sg_guardrails``."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(root / "policies"), before) if p)
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


def inprocess_seconds(root: Path, n_rules: int) -> tuple[float, float, int]:
    """(seconds, CPU seconds, rules flagged) of ``root``'s own in-process bench harness, run in
    a child (its preparation not counted)."""
    script = _INPROCESS_CHILD.format(root=str(root), policies=str(root / "policies"), rules=n_rules)
    found = json_from_child(
        [sys.executable, "-c", script], cwd=root, what=f"in-process run of {root}"
    )
    return float(found["seconds"]), float(found["cpu"]), int(found["flagged"])
