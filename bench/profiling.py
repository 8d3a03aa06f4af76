"""``python -m bench --profile``: pyinstrument profiles of our in-process code, as text files.

For the pack's own process, attach py-spy (in bench/requirements.txt) to a running session:
``py-spy record --pid <PolicyPackSession.pid> --format raw -o pack.raw``; bench.attribution
already splits the pack's time between gRPC transport, the SDK and our policies.
"""

from __future__ import annotations

from pathlib import Path


def write_profiles(out: Path) -> None:
    """Where our in-process time goes, at 5,000 rules: resource policies and stack analysis."""
    from pyinstrument import Profiler

    from bench import scaling, throughput
    from bench.workload import engine_resources, make_stack, records

    stack = make_stack(5000)
    prepared = throughput.prepare_inprocess(engine_resources(stack))
    rows = records(stack)
    for name, work in (
        ("inprocess", lambda: throughput.run_inprocess(prepared)),
        ("stack", lambda: scaling.once(rows)),
    ):
        profiler = Profiler(interval=0.001)
        profiler.start()
        work()
        profiler.stop()
        path = out / f"profile-{name}.txt"
        path.write_text(profiler.output_text(unicode=False, color=False))
        print(f"profile: {path}")
