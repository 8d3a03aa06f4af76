"""``python -m bench --profile``: profiles as text files in bench/out.

pyinstrument profiles of our in-process code (``profile-inprocess.txt``, ``profile-stack.txt``),
and a py-spy profile of the pack's own process answering a 5,000-rule preview over the protocol
(``profile-pack.txt``, see ``bench.pack_profile``); bench.attribution splits the pack's time
between gRPC transport, the SDK and our policies.
"""

from __future__ import annotations

from pathlib import Path


def write_profiles(out: Path) -> None:
    """Where our in-process time goes, at 5,000 rules: resource policies and stack analysis."""
    from pyinstrument import Profiler

    from bench import pack_profile, scaling, throughput
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
    raw = out / "profile-pack.raw"
    try:
        seconds = pack_profile.record(raw)
    except (OSError, RuntimeError) as error:  # py-spy may be missing or not allowed to attach
        print(f"profile: no pack profile: {error}")
        return
    path = out / "profile-pack.txt"
    path.write_text(f"pack process, 5,000 rules, {seconds:.1f} s\n" + pack_profile.summary(raw))
    print(f"profile: {path}")
