"""Benchmarks of tiered-sg, each measured side by side with its floor in one run.

Run ``python -m bench`` (or ``make bench``): it prints a table of ratios and writes
``bench/out/results.json`` and ``bench/out/bench.png``. Every goal is a ratio between two things
measured in the same process run, interleaved, so the machine's speed cancels out; nothing here
asserts a wall-clock time.

One module per benchmark:

- :mod:`bench.program_cost`: the chain component vs the same resources registered bare.
- :mod:`bench.throughput`: the pack over the Analyzer protocol vs the no-op pack, our checks
  in-process, and Checkov (:mod:`bench.checkov`) on the same rules rendered as Terraform.
- :mod:`bench.scaling`: stack policies and flow analysis at 1k, 5k and 20k rules.
- :mod:`bench.preflight_e2e`: ``python -m preflight dev`` vs starting Python and a pack.
- :mod:`bench.attribution`: a pack's time per resource split into gRPC transport, the policy
  SDK's dispatch and our policies.
- ``bench/load.py`` (the reliability helper's, optional): ``run_load(count=10_000)``.

Shared pieces: :mod:`bench.timing` (timers, medians, ratios), :mod:`bench.workload` (the
synthetic stack and its Terraform rendering), :mod:`bench.runtime` (a program under mocks,
isolated), :mod:`bench.report` (table, JSON and plot), :mod:`bench.profiling` (``--profile``).
"""
