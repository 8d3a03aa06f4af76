"""``python -m bench``: run the benchmarks, print the table, write results.json and bench.png.

Options: ``--quick`` (fewer rounds, smaller sizes: a smoke run, not for the numbers),
``--only NAME`` (repeatable; ``real_preview``, the real CLI's previews, runs only when named),
``--profile`` (pyinstrument profiles of our in-process code, and a
py-spy profile of the pack's process over the protocol, into bench/out/profile-*.txt),
``--no-checkov`` (skip installing and running Checkov), ``--rounds N`` (every contender N
times, Checkov included: more samples on a busy machine), ``--baseline DIR`` (an older tree of this
repository: its pack and checks run beside ours in the throughput benchmark, see
``bench.baseline``).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from bench import profiling, report

OUT: Final = Path(__file__).resolve().parent / "out"
# The 10,000-resource load and memory check runs in `make test` (tests/reliability): under a
# minute, and a pass/fail property rather than a ratio.
BENCHMARKS: Final = ("program", "scaling", "preflight", "throughput", "attribution", "real_preview")
# The real CLI's previews take most of an hour at 5,000 rules: run them on purpose, with
# `--only real_preview`, not on every `make bench`.
DEFAULT: Final = tuple(name for name in BENCHMARKS if name != "real_preview")


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def machine(checkov_version: str | None) -> dict[str, Any]:
    info = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "pulumi": _version("pulumi"),
        "pulumi_aws": _version("pulumi_aws"),
        "pulumi_policy": _version("pulumi_policy"),
        "checkov": checkov_version or "not run",
        # Other work on the machine skews absolute times (ratios less so): note how busy it was.
        "load_average_1m": os.getloadavg()[0],
    }
    info["summary"] = (
        f"{info['cores']} cores, Python {info['python']}, pulumi {info['pulumi']}, "
        f"pulumi-aws {info['pulumi_aws']}, pulumi-policy {info['pulumi_policy']}, "
        f"checkov {info['checkov']}"
    )
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer rounds")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only these")
    parser.add_argument("--profile", action="store_true", help="write pyinstrument profiles")
    parser.add_argument("--no-checkov", action="store_true", help="skip Checkov")
    parser.add_argument("--rounds", type=int, help="rounds of every benchmark (default: its own)")
    parser.add_argument(
        "--baseline", type=Path, help="an older tree of this repository to run beside ours"
    )
    args = parser.parse_args(argv)
    selected = set(args.only or DEFAULT)
    quick: bool = args.quick
    rounds: int | None = args.rounds
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)

    from bench import (
        attribution,
        checkov,
        preflight_e2e,
        program_cost,
        real_preview,
        scaling,
        throughput,
    )

    results: dict[str, Any] = {"errors": {}}
    checkov_version: str | None = None
    use_checkov = "throughput" in selected and not args.no_checkov
    if use_checkov:
        print("checkov: ensuring bench/out/checkov-venv ...", flush=True)
        try:
            checkov_version, install_s = checkov.ensure()
            results["checkov"] = {"version": checkov_version, "install_s": install_s}
        except (OSError, RuntimeError) as err:
            results["errors"]["checkov"] = str(err)
            use_checkov = False
    results["machine"] = machine(checkov_version)

    steps: list[tuple[str, str, Callable[[], Any]]] = [
        ("program", "program_cost", lambda: program_cost.run(rounds=rounds or (2 if quick else 5))),
        (
            "scaling",
            "scaling",
            lambda: scaling.run(
                sizes=(500, 1000, 2000) if quick else (1000, 5000, 20000),
                rounds=rounds or (1 if quick else 3),
            ),
        ),
        ("preflight", "preflight", lambda: preflight_e2e.run(rounds=rounds or (2 if quick else 5))),
        (
            "throughput",
            "throughput",
            lambda: throughput.run(
                sizes=(200, 1000) if quick else (1000, 5000),
                rounds=rounds or (1 if quick else 3),
                checkov_rounds=(rounds or (1 if quick else 2)) if use_checkov else 0,
                baseline=args.baseline.resolve() if args.baseline else None,
            ),
        ),
        ("attribution", "attribution", lambda: attribution.run(1000 if quick else 5000)),
        ("real_preview", "real_preview", lambda: real_preview.run(real_preview.plan(quick, False))),
    ]
    for name, key, step in steps:
        if name not in selected:
            continue
        print(f"{name}: running ...", flush=True)
        t = time.perf_counter()
        try:
            value = step()
        except Exception as err:  # one broken benchmark must not lose the others' numbers
            results["errors"][name] = f"{type(err).__name__}: {err}"
            traceback.print_exc()
            continue
        results[key] = value
        print(f"{name}: {time.perf_counter() - t:.1f} s", flush=True)

    if args.profile:
        profiling.write_profiles(OUT)
    results["total_s"] = time.perf_counter() - started
    results["machine"]["load_average_1m_at_end"] = os.getloadavg()[0]
    text = report.table(results)
    if "real_preview" in results:  # the real CLI (bench/real_preview.py)
        text += "\n" + real_preview.table(results["real_preview"])
    if results["errors"]:
        text += "\nNot measured:\n" + "".join(
            f"   {k}: {v}\n" for k, v in results["errors"].items()
        )
    text += f"\nTotal: {results['total_s']:.0f} s\n"
    sys.stdout.write("\n" + text)
    (OUT / "results.txt").write_text(text)
    report.write_json(results, OUT / "results.json")
    report.plot(results, OUT / "bench.png")
    print(f"wrote {OUT / 'results.json'}, {OUT / 'bench.png'}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
