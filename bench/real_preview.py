"""Benchmark 6: the real ``pulumi preview`` of our program, as users run it.

The real CLI (tests/e2e/toolchain.py) previews our program in an isolated workspace
(tests/e2e/workspace.py: a project copy, its own PULUMI_HOME and file backend), with the test
``aws`` stand-in (tests/e2e/aws_standin, timed by :mod:`bench.real_cli_standin`) and moto's EC2
on loopback (tests/e2e/emulator.py; a preview only calls it for the ``getVpc`` invoke).

The stack: ``T`` tiers of 50 ``tcp`` ports each, entry from one private IPv4 CIDR (the pack
finds nothing): ``50 x (2T - 1)`` rule resources, ``T`` groups, ``T`` exclusive-rules resources,
``T + 1`` components and the stack; ``T = 10, 20, 50`` gives 950, 1,950 and 4,950 rules (982,
2,012 and 5,102 resources). Contenders, interleaved round by round:

- ``ours``: ``pulumi preview`` without a policy pack;
- ``pack``: with ``--policy-pack policies`` (the pack's venv as users make it, ``pulumi install``);
- ``noop_sized`` / ``noop1``: with a no-op pack of our pack's shape / of one policy
  (tests/fixtures/noop_pack_sized and noop_pack, pulumi-policy's own ``PolicyPack``, in the
  same venv);
- ``bare``: bench/programs/bare, the same AWS resources registered directly (no components);
  ``bare_parents``, ``bare_grouped``, ``bare_both``: the bare program with our components as
  parents, with our registration order, or both (``--shape``: what our program's shape costs).

Two engine modes: ``default``, the CLI as users run it, and ``skip``, with
``PULUMI_SKIP_CHECKPOINTS=true``. Since v3.26x (3.260.0 has not, 3.274.1 has) the CLI gives a
preview a snapshot manager with a discarding persister, which still serialises and verifies the
whole snapshot after every step: quadratic in the stack's size. ``skip`` turns that off (safe
for a preview: nothing is persisted either way) and leaves the per-resource costs.

Each preview's wall time, exit code and steps are kept, and the CPU seconds of every process of
the run (engine, language host, program, pack, stand-in), sampled from /proc, with the
stand-in's own count of its RPCs and the time in its handlers. Ratios are of medians.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from bench import real_cli_standin
from bench.timing import loglog_exponent, ratio

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
BENCH_DIR: Final = REPO_ROOT / "bench"
OUT: Final = BENCH_DIR / "out"
PORTS_PER_TIER: Final = 50
FIRST_PORT: Final = 10000
ENTRY_CIDR: Final = "10.0.0.0/16"  # private: no public-port finding, the pack passes clean
PREVIEW_TIMEOUT_S: Final = 3600.0
INSTALL_TIMEOUT_S: Final = 900.0
SAMPLE_INTERVAL_S: Final = 0.5
MODES: Final[Mapping[str, Mapping[str, str]]] = {
    "skip": {"PULUMI_SKIP_CHECKPOINTS": "true"},
    "default": {},
}
# contender -> the no-op pack it runs (the throughput benchmark's, tests/fixtures)
PACKS: Final = {"noop_sized": "noop_pack_sized", "noop1": "noop_pack"}
FIXTURES: Final = REPO_ROOT / "tests" / "fixtures"
# Bare-program contenders -> their config switches (bench/programs/bare).
BARE_SHAPES: Final[Mapping[str, Mapping[str, bool]]] = {
    "bare": {},
    "bare_parents": {"parents": True},
    "bare_grouped": {"grouped": True},
    "bare_both": {"parents": True, "grouped": True},
}
CONTENDERS: Final = ("ours", "pack", "noop_sized", "noop1", "bare")
SHAPE_CONTENDERS: Final = ("ours", "bare", "bare_parents", "bare_grouped", "bare_both")
SHAPE_LABEL: Final = "skip, shape A/B"
LABELS: Final = {
    "ours": "our program, no pack",
    "pack": "our program, --policy-pack policies",
    "noop_sized": "our program, no-op pack of our shape",
    "noop1": "our program, no-op pack of one policy",
    "bare": "bare program (no components)",
    "bare_parents": "bare program + our components as parents",
    "bare_grouped": "bare program + our registration order (deferred ids)",
    "bare_both": "bare program + both",
}
NOT_COPIED: Final = ("venv", ".venv", "__pycache__", "*.egg-info", "build", ".mypy_cache")


def rules_for(tiers: int) -> int:
    return PORTS_PER_TIER * (2 * tiers - 1)


def tiers_config(tiers: int) -> list[dict[str, Any]]:
    ports = [f"tcp:{FIRST_PORT + p}" for p in range(PORTS_PER_TIER)]
    return [{"name": f"t{i}", "ports": ports} for i in range(tiers)]


# --- processes ---------------------------------------------------------------------------------

_TICK: Final = os.sysconf("SC_CLK_TCK")


def _role(cmdline: str) -> str:
    """What a process of a preview is, from its command line."""
    argv0 = cmdline.split("\0", 1)[0]
    name = Path(argv0).name
    if name == "pulumi":
        return "engine"
    if name.startswith("pulumi-language-"):
        return "language host"
    if "real_cli_standin" in cmdline:
        return "aws stand-in"
    if "policies" in cmdline or "packs" in cmdline or "pulumi_policy" in cmdline:
        return "policy pack"
    if "python" in name:
        return "program"
    return name or "?"


class ProcessCpu:
    """CPU seconds of every process in one session (a preview and all it starts), from /proc,
    sampled every ``interval`` until :meth:`stop`. A process's last sample before it exits is
    kept: each may be under-counted by up to one interval of its CPU use."""

    def __init__(self, session: int, interval: float = SAMPLE_INTERVAL_S) -> None:
        self._session = str(session)
        self._interval = interval
        self._ticks: dict[int, int] = {}
        self._roles: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._scan()
            self._stop.wait(self._interval)

    def _scan(self) -> None:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                if fields[3] != self._session:
                    continue
                if self._roles.get(pid) in (None, "sh"):  # a launcher script execs its plugin
                    self._roles[pid] = _role(Path(f"/proc/{pid}/cmdline").read_text())
            except (OSError, ValueError, IndexError):
                continue
            self._ticks[pid] = int(fields[11]) + int(fields[12])

    def stop(self) -> dict[str, float]:
        """Stop sampling; CPU seconds by role."""
        self._stop.set()
        self._thread.join()
        by_role: dict[str, float] = {}
        for pid, ticks in self._ticks.items():
            role = self._roles.get(pid, "?")
            by_role[role] = by_role.get(role, 0.0) + ticks / _TICK
        return by_role


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


@dataclass
class Preview:
    """One timed ``pulumi preview``."""

    contender: str
    tiers: int
    seconds: float
    exit_code: int
    steps: dict[str, int]
    findings: int
    cpu_s: dict[str, float]
    standin: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    output_tail: str = ""

    @property
    def resources(self) -> int:
        return sum(self.steps.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "contender": self.contender,
            "tiers": self.tiers,
            "rules": rules_for(self.tiers),
            "seconds": self.seconds,
            "exit_code": self.exit_code,
            "resources": self.resources,
            "steps": self.steps,
            "findings": self.findings,
            "cpu_s": self.cpu_s,
            "standin": self.standin,
            "errors": self.errors,
        }


def _step_kind(type_: str) -> str:
    if type_.startswith("pulumi:providers:"):
        return "provider"
    if type_.startswith("pulumi:pulumi:Stack"):
        return "stack"
    if type_.startswith("tiered-sg:"):
        return "component"
    return "custom"


def _standin_totals(directory: Path) -> dict[str, Any]:
    """The stand-in processes' own reports of one preview, summed."""
    calls: dict[str, dict[str, float]] = {}
    cpu = 0.0
    processes = 0
    for path in directory.glob("standin-*.json"):
        with contextlib.suppress(OSError, ValueError):
            report = json.loads(path.read_text())
            processes += 1
            cpu += float(report["cpu_s"])
            for rpc, entry in report["calls"].items():
                total = calls.setdefault(rpc, {"calls": 0, "handler_s": 0.0})
                total["calls"] += entry["calls"]
                total["handler_s"] += entry["handler_s"]
        path.unlink(missing_ok=True)
    return {"processes": processes, "cpu_s": cpu, "calls": calls}


# --- the workspace -----------------------------------------------------------------------------


def _copy(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(*NOT_COPIED))
    return destination


def ensure_pack_venv(bin_dir: Path) -> tuple[Path, float]:
    """The pack's venv as users make it (``cd policies && pulumi install``), built once per
    requirements under bench/out and reused; (path, seconds spent building it now)."""
    policies = REPO_ROOT / "policies"
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml", "PulumiPolicy.yaml"):
        digest.update((policies / name).read_bytes())
    home = OUT / "real-cli" / f"pack-{digest.hexdigest()[:12]}"
    venv = home / "policies" / "venv"
    if (venv / "bin" / "python").exists():
        return venv, 0.0
    from tests.e2e.workspace import isolated_env, run_bounded

    shutil.rmtree(home, ignore_errors=True)
    _copy(policies, home / "policies")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tiered-sg-bench-install-") as scratch:
        done = run_bounded(
            [str(bin_dir / "pulumi"), "install", "--non-interactive"],
            cwd=home / "policies",
            env=isolated_env(Path(scratch), bin_dir),
            timeout=INSTALL_TIMEOUT_S,
        )
    if done.exit_code != 0 or not (venv / "bin" / "python").exists():
        shutil.rmtree(home, ignore_errors=True)
        raise RuntimeError(f"pulumi install in policies/ failed:\n{done.output[-3000:]}")
    return venv, time.perf_counter() - started


@dataclass
class Bench:
    """One workspace: our project and the bare one side by side, one PULUMI_HOME and backend."""

    root: Path
    bin_dir: Path
    env: dict[str, str]
    standin_dir: Path

    @property
    def ours(self) -> Path:
        return self.root / "project"

    @property
    def bare(self) -> Path:
        return self.root / "bare"

    def pulumi(self, *args: str, cwd: Path, timeout: float = PREVIEW_TIMEOUT_S) -> str:
        from tests.e2e.workspace import run_bounded

        argv = (str(self.bin_dir / "pulumi"), *args, "--non-interactive")
        done = run_bounded(argv, cwd=cwd, env=self.env, timeout=timeout)
        if done.exit_code != 0:
            raise RuntimeError(f"pulumi {' '.join(args)}: exit {done.exit_code}\n{done.output}")
        return done.stdout

    def add_stacks(self, tiers: int) -> None:
        """Stack ``t<tiers>`` of our project, and of the bare one in each of its shapes."""
        stacks: list[tuple[Path, str, str, Mapping[str, bool]]] = [
            (self.ours, "tiered-sg", f"t{tiers}", {})
        ]
        stacks += [
            (self.bare, "tiered-sg-bare", _stack(contender, tiers), switches)
            for contender, switches in BARE_SHAPES.items()
        ]
        for project, namespace, stack, switches in stacks:
            config: dict[str, Any] = {
                "aws:region": "us-east-1",
                f"{namespace}:tiers": tiers_config(tiers),
                f"{namespace}:publicIpv4Cidrs": [ENTRY_CIDR],
            }
            config |= {f"{namespace}:{k}": v for k, v in switches.items()}
            (project / f"Pulumi.{stack}.yaml").write_text(json.dumps({"config": config}))
            self.pulumi("stack", "init", stack, cwd=project)

    def preview(
        self,
        contender: str,
        tiers: int,
        extra_env: Mapping[str, str] | None = None,
        extra_args: Sequence[str] = (),
    ) -> Preview:
        """One ``pulumi preview --json`` (streamed engine events), its processes' CPU sampled."""
        project = self.bare if contender in BARE_SHAPES else self.ours
        stack = _stack(contender, tiers)
        argv = [str(self.bin_dir / "pulumi"), "preview", "--stack", stack, "--json", *extra_args]
        if contender == "pack":
            argv += ["--policy-pack", "policies"]
        elif contender in PACKS:
            argv += ["--policy-pack", f"bench-packs/{PACKS[contender]}"]
        env = {**self.env, **(extra_env or {})}
        if contender == "noop_sized":
            # It imports sg_guardrails.catalog, which the pack venv's installed sg_guardrails
            # lacks (policies/pyproject.toml packages only the top package): use the source.
            env["PYTHONPATH"] = str(self.ours / "policies")
        argv.append("--non-interactive")
        _standin_totals(self.standin_dir)  # clear what a previous run left
        started = time.perf_counter()
        process = subprocess.Popen(
            argv,
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        sampler = ProcessCpu(process.pid)
        try:
            stdout, stderr = process.communicate(timeout=PREVIEW_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.communicate()
            raise RuntimeError(f"{contender} {stack}: preview timed out") from None
        finally:
            seconds = time.perf_counter() - started
            cpu = sampler.stop()
            _kill_group(process.pid)
        time.sleep(0.2)  # the stand-in's last report (on Cancel or signal) lands
        from tests.e2e.engine_events import EngineOutcome

        outcome = EngineOutcome.parse(process.returncode, stdout, stderr)
        steps: dict[str, int] = {}
        for step in outcome.steps:
            kind = _step_kind(step.type)
            steps[kind] = steps.get(kind, 0) + 1
        return Preview(
            contender=contender,
            tiers=tiers,
            seconds=seconds,
            exit_code=process.returncode,
            steps=steps,
            findings=len(outcome.policy_findings),
            cpu_s=cpu,
            standin=_standin_totals(self.standin_dir),
            errors=outcome.errors()[:3],
            output_tail=(stdout[-1500:] + stderr[-1500:]) if process.returncode else "",
        )


def _stack(contender: str, tiers: int) -> str:
    """The stack a contender previews: ``t<tiers>``, or ``t<tiers>-<shape>`` for a bare shape."""
    if contender in BARE_SHAPES and contender != "bare":
        return f"t{tiers}-{contender.removeprefix('bare_')}"
    return f"t{tiers}"


@contextlib.contextmanager
def bench_workspace(root: Path) -> Iterator[Bench]:
    """The toolchain, moto on loopback, the timed stand-in, both projects and the packs."""
    from tests.e2e.emulator import Emulator
    from tests.e2e.toolchain import pulumi_bin_dir
    from tests.e2e.workspace import AWS_PLUGIN_VERSION, copy_project, isolated_env

    bin_dir = pulumi_bin_dir()
    pack_venv, _ = ensure_pack_venv(bin_dir)
    standin_dir = root / "standin-reports"
    standin_dir.mkdir(parents=True)
    launcher = real_cli_standin.write_launcher(root / "launcher")
    with Emulator(log_dir=root) as emulator:
        env = isolated_env(
            root,
            bin_dir,
            {
                "TIERED_SG_STANDIN_ENDPOINT": emulator.endpoint,
                "TIERED_SG_STANDIN_LOG": str(root / "standin.log"),
                real_cli_standin.DIR_ENV: str(standin_dir),
            },
        )
        bench = Bench(root, bin_dir, env, standin_dir)
        copy_project(bench.ours)
        (bench.ours / ".venv").symlink_to(REPO_ROOT / ".venv", target_is_directory=True)
        (bench.ours / "policies" / "venv").symlink_to(pack_venv, target_is_directory=True)
        for directory in PACKS.values():
            pack = _copy(FIXTURES / directory, bench.ours / "bench-packs" / directory)
            (pack / "venv").symlink_to(pack_venv, target_is_directory=True)
        _copy(BENCH_DIR / "programs" / "bare", bench.bare)
        (bench.bare / ".venv").symlink_to(REPO_ROOT / ".venv", target_is_directory=True)
        plugin = ("plugin", "install", "resource", "aws", AWS_PLUGIN_VERSION)
        bench.pulumi(*plugin, "--file", str(launcher), cwd=root)
        yield bench


# --- the run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """Contenders previewed in turn, ``rounds`` times, at one size in one engine mode."""

    mode: str
    tiers: int
    contenders: tuple[str, ...]
    rounds: int = 1
    label: str = ""  # results of batches with a label are kept apart from their mode's

    @property
    def key(self) -> str:
        return self.label or self.mode


def plan(quick: bool, shape: bool) -> list[Batch]:
    """What a run previews. Full: ~1.5 h on a busy 2-core machine, most of it the default
    mode's 5,000-rule previews (the engine's quadratic); quick: a smoke run of every path."""
    if quick:
        batches = [
            Batch("skip", 2, CONTENDERS),
            Batch("skip", 3, ("ours", "bare")),
            Batch("skip", 4, CONTENDERS),
            Batch("default", 2, CONTENDERS),
            Batch("default", 3, ("ours", "bare")),
            Batch("default", 4, ("ours", "pack", "bare")),
        ]
    else:
        batches = [
            Batch("skip", 10, CONTENDERS, rounds=2),
            Batch("skip", 20, ("ours", "bare")),
            Batch("skip", 50, CONTENDERS),
            Batch("default", 10, CONTENDERS, rounds=2),
            Batch("default", 20, ("ours", "bare")),
            # Not the packs: each 5,000-rule preview takes ~25 min here, nearly all of it the
            # engine's snapshot work; the packs' cost at this size is the skip mode's.
            Batch("default", 50, ("ours", "bare")),
        ]
    if shape:
        batches.append(
            Batch("skip", 3 if quick else 20, SHAPE_CONTENDERS, 1 if quick else 2, SHAPE_LABEL)
        )
    return batches


def _median(previews: Sequence[Preview]) -> float:
    return statistics.median(p.seconds for p in previews) if previews else math.nan


def _check(preview: Preview) -> None:
    if preview.exit_code != 0 or preview.findings:
        raise RuntimeError(
            f"{preview.contender} at {preview.tiers} tiers: exit {preview.exit_code}, "
            f"{preview.findings} policy findings, errors {preview.errors}\n{preview.output_tail}"
        )


Samples = dict[tuple[str, int], dict[str, list[Preview]]]


PARTIAL: Final = OUT / "real_preview.partial.jsonl"


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # unwinds: temp dirs, moto, plugins go


def run(batches: Sequence[Batch], log: bool = True) -> dict[str, Any]:
    """Every batch in turn, each interleaving its contenders round by round. Every timed
    preview is also appended to bench/out/real_preview.partial.jsonl as it ends, so a run
    stopped part way keeps what it measured; a preview that fails is retried once, then left
    out (and named in the result's ``failed``)."""
    samples: Samples = {}
    failed: list[str] = []
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    PARTIAL.write_text("")
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="tiered-sg-bench-real-") as scratch,
            bench_workspace(Path(scratch)) as bench,
        ):
            warm = 1
            for tiers in sorted({warm} | {b.tiers for b in batches}):
                bench.add_stacks(tiers)
            # Untimed: a first preview of each project, shape and pack (caches), all clean.
            for contender in dict.fromkeys(c for b in batches for c in b.contenders):
                _check(bench.preview(contender, warm))
            for batch in batches:
                for round_ in range(batch.rounds):
                    for contender in batch.contenders:
                        preview = _timed(bench, batch, contender, failed)
                        if preview is None:
                            continue
                        key = (batch.key, batch.tiers)
                        samples.setdefault(key, {}).setdefault(contender, []).append(preview)
                        if log:
                            print(
                                f"   real preview, {batch.mode:7} mode, "
                                f"{rules_for(batch.tiers):>5} rules, {contender:12} round "
                                f"{round_ + 1}: {preview.seconds:7.1f} s "
                                f"({preview.resources} resources)",
                                flush=True,
                            )
    finally:
        signal.signal(signal.SIGTERM, previous)
    return {**summarise(samples, time.perf_counter() - started), "failed": failed}


def _timed(bench: Bench, batch: Batch, contender: str, failed: list[str]) -> Preview | None:
    for _ in range(2):
        try:
            preview = bench.preview(contender, batch.tiers, MODES[batch.mode])
            _check(preview)
        except RuntimeError as err:
            failed.append(f"{batch.mode} {batch.tiers} tiers {contender}: {str(err)[:300]}")
            continue
        with PARTIAL.open("a") as partial:
            record = {"mode": batch.mode, "batch": batch.key, **preview.as_dict()}
            partial.write(json.dumps(record) + "\n")
        return preview
    return None


def _cpu_median(previews: Sequence[Preview]) -> dict[str, float]:
    roles = sorted({r for p in previews for r in p.cpu_s})
    return {r: statistics.median(p.cpu_s.get(r, 0.0) for p in previews) for r in roles}


def _standin_share(previews: Sequence[Preview]) -> dict[str, Any]:
    """The stand-in's calls, handler time and CPU per resource in some previews of one size."""
    resources = previews[0].resources
    calls = previews[0].standin["calls"]
    cpu = statistics.median(p.standin["cpu_s"] for p in previews)
    total_cpu = statistics.median(sum(p.cpu_s.values()) for p in previews)
    return {
        "resources": resources,
        "calls_per_resource": {rpc: c["calls"] / resources for rpc, c in calls.items()},
        "handler_ms_per_call": {
            rpc: 1000 * c["handler_s"] / c["calls"] for rpc, c in calls.items() if c["calls"]
        },
        "cpu_s": cpu,
        "cpu_ms_per_resource": 1000 * cpu / resources,
        "share_of_cpu": ratio(cpu, total_cpu),
        "share_of_wall": ratio(cpu, _median(previews)),
        "processes": previews[0].standin["processes"],
    }


def load_partial(path: Path) -> Samples:
    """The previews a run appended to its partial JSONL, as :func:`summarise` takes them."""
    samples: Samples = {}
    for line in path.read_text().splitlines():
        r = json.loads(line)
        preview = Preview(
            r["contender"], r["tiers"], r["seconds"], r["exit_code"], r["steps"],
            r["findings"], r["cpu_s"], r["standin"], r["errors"],
        )  # fmt: skip
        key = (r.get("batch", r["mode"]), r["tiers"])
        samples.setdefault(key, {}).setdefault(r["contender"], []).append(preview)
    return samples


def summarise(samples: Samples, total_s: float) -> dict[str, Any]:
    sizes: dict[str, dict[str, Any]] = {}
    for (mode, tiers), by_contender in sorted(samples.items()):
        base_previews = by_contender.get("ours") or by_contender.get("bare") or []
        resources = base_previews[0].resources
        medians = {c: _median(p) for c, p in by_contender.items()}
        base = medians.get("ours", math.nan)
        standin_cpu = {
            c: statistics.median(x.standin["cpu_s"] for x in p) for c, p in by_contender.items()
        }
        sizes.setdefault(mode, {})[str(tiers)] = {
            "tiers": tiers,
            "rules": rules_for(tiers),
            "resources": {c: p[0].resources for c, p in by_contender.items()},
            "steps": {c: p[0].steps for c, p in by_contender.items()},
            "median_s": medians,
            "samples_s": {c: [x.seconds for x in p] for c, p in by_contender.items()},
            "cpu_s": {c: _cpu_median(p) for c, p in by_contender.items()},
            "standin": {c: _standin_share(p) for c, p in by_contender.items()},
            "ratio": {c: ratio(s, base) for c, s in medians.items()},
            "added_ms_per_resource": {c: 1000 * (s - base) / resources for c, s in medians.items()},
            # Rough: as if the provider cost nothing (the stand-in's CPU taken off each side).
            "ratio_without_standin": {
                c: ratio(s - standin_cpu[c], base - standin_cpu.get("ours", math.nan))
                for c, s in medians.items()
            },
            "ratio_to_bare": {
                c: ratio(s, medians.get("bare", math.nan)) for c, s in medians.items()
            },
        }
    growth: dict[str, Any] = {}
    for mode, by_tiers in sizes.items():
        both = sorted(int(t) for t, e in by_tiers.items() if {"ours", "bare"} <= set(e["median_s"]))
        if len(both) < 2:
            continue
        rules = [rules_for(t) for t in both]
        growth[mode] = {
            "rules": rules,
            "exponent": {
                c: loglog_exponent(rules, [by_tiers[str(t)]["median_s"][c] for t in both])
                for c in ("ours", "bare")
            },
        }
    previews = [
        {"mode": mode, **p.as_dict()}
        for (mode, _), by_contender in samples.items()
        for runs in by_contender.values()
        for p in runs
    ]
    return {
        "modes": MODES,
        "sizes": sizes,
        "growth": growth,
        "previews": previews,
        "total_s": total_s,
    }


# --- the report --------------------------------------------------------------------------------


def _cell(value: float, unit: str = "", digits: int = 2, width: int = 11) -> str:
    text = "n/a" if math.isnan(value) else f"{value:,.{digits}f}{unit}"
    return f"{text:>{width}}"


def table(result: Mapping[str, Any]) -> str:
    lines = [
        "6. Real `pulumi preview` (CLI, aws stand-in on moto), medians of interleaved runs",
        "   modes: default = the CLI as users run it; skip = PULUMI_SKIP_CHECKPOINTS=true (the",
        "   engine's per-step snapshot serialisation, quadratic in a preview, switched off)",
    ]
    for mode, by_tiers in result["sizes"].items():
        entries = [by_tiers[t] for t in sorted(by_tiers, key=int)]
        with_packs = [e for e in entries if "pack" in e["median_s"]]
        if with_packs:
            lines.append(f"   [{mode}] with and without a policy pack")
            lines.append(
                f"   {'rules (resources)':44}"
                + "".join(f"{e['rules']:>8,} ({e['resources']['ours']:,})" for e in with_packs)
            )
            for contender in ("ours", "pack", "noop_sized", "noop1"):
                cells = [e["median_s"].get(contender, math.nan) for e in with_packs]
                lines.append(
                    f"   {LABELS[contender]:44}" + "".join(_cell(v, " s", 1, 16) for v in cells)
                )
            for contender in ("pack", "noop_sized", "noop1"):
                ratios = [e["ratio"].get(contender, math.nan) for e in with_packs]
                added = [e["added_ms_per_resource"].get(contender, math.nan) for e in with_packs]
                lines.append(
                    f"   {'  / no pack, ' + contender:44}"
                    + "".join(
                        f"{_cell(r, 'x', 2, 7)} {_cell(a, ' ms/r', 1, 8)}"
                        for r, a in zip(ratios, added, strict=True)
                    )
                )
            cells = [e["ratio_without_standin"].get("pack", math.nan) for e in with_packs]
            lines.append(
                f"   {'  pack / no pack, stand-in CPU off (rough)':44}"
                + "".join(_cell(v, "x", 2, 16) for v in cells)
            )
        lines.append(f"   [{mode}] stand-in share (our program, no pack) and CPU by process")
        for e in entries:
            if "ours" not in e["standin"]:
                continue
            sh = e["standin"]["ours"]
            calls = ", ".join(
                f"{k} {v:.2f}" for k, v in sorted(sh["calls_per_resource"].items()) if v >= 0.01
            )
            lines.append(
                f"     {e['rules']:>6,} rules: calls/resource {calls}; CPU {sh['cpu_s']:.1f} s = "
                f"{sh['cpu_ms_per_resource']:.1f} ms/resource, {100 * sh['share_of_cpu']:.0f}% "
                f"of all CPU, {100 * sh['share_of_wall']:.0f}% of wall"
            )
            for contender in ("ours", "bare"):
                cpu = e["cpu_s"].get(contender, {})
                parts = sorted(cpu.items(), key=lambda x: -x[1])
                text = ", ".join(f"{k} {v:.1f}" for k, v in parts if v >= 0.05)
                lines.append(f"       CPU s, {contender:5}: {text}")
        growth = result["growth"].get(mode)
        if growth:
            lines.append(f"   [{mode}] growth: our program vs the bare program (no components)")
            lines.append(
                f"   {'rules':>14}" + "".join(f"{r:>10,}" for r in growth["rules"]) + "  exponent"
            )
            for contender in ("ours", "bare"):
                cells = [
                    by_tiers[str(t)]["median_s"][contender]
                    for t in sorted(by_tiers, key=int)
                    if rules_for(int(t)) in growth["rules"]
                ]
                lines.append(
                    f"   {contender:>14}"
                    + "".join(_cell(v, " s", 1, 10) for v in cells)
                    + f"  {growth['exponent'][contender]:.2f}"
                )
            cells = [
                by_tiers[str(t)]["ratio_to_bare"]["ours"]
                for t in sorted(by_tiers, key=int)
                if rules_for(int(t)) in growth["rules"]
            ]
            lines.append(f"   {'ours / bare':>14}" + "".join(_cell(v, "", 2, 10) for v in cells))
        for e in entries:
            if "bare_parents" not in e["median_s"]:
                continue
            lines.append(f"   [{mode}] our program's shape, A/B at {e['rules']:,} rules")
            for contender in SHAPE_CONTENDERS:
                lines.append(
                    f"     {LABELS[contender]:52} {e['median_s'][contender]:7.1f} s  "
                    f"/ bare {e['ratio_to_bare'][contender]:.2f}"
                )
    if not math.isnan(result["total_s"]):
        lines.append(f"   real-preview benchmark: {result['total_s']:.0f} s")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.real_preview [--quick] [--shape]``: this benchmark alone."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.real_preview", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 to 4 tiers")
    parser.add_argument("--shape", action="store_true", help="also the program-shape A/B")
    parser.add_argument(
        "--summarise", type=Path, metavar="JSONL", help="only tabulate a run's partial JSONL"
    )
    args = parser.parse_args(argv)
    if args.summarise:
        result = summarise(load_partial(args.summarise), math.nan)
    else:
        result = run(plan(args.quick, args.shape))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "real_preview.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    text = table(result)
    (OUT / "real_preview.txt").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
