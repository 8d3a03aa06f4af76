"""Checkov, installed into its own venv on first use and run as a whole process.

Checkov pins protobuf/grpc versions that clash with pulumi's, so it lives in
``bench/out/checkov-venv`` (created on demand, timed) and never in the project's venv.
Only the checks comparable to our pack run: CKV_AWS_24 (ssh 22 from 0.0.0.0/0), CKV_AWS_25
(rdp 3389), CKV_AWS_260 (http 80) and CKV_AWS_277 (all ports).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

BENCH_DIR: Final = Path(__file__).resolve().parent
VENV: Final = BENCH_DIR / "out" / "checkov-venv"
REQUIREMENTS: Final = BENCH_DIR / "checkov-requirements.txt"
CHECKS: Final = ("CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277")
SSH_CHECK: Final = "CKV_AWS_24"


def executable() -> Path:
    return VENV / "bin" / "checkov"


def version() -> str | None:
    """Checkov's version, or None when the venv is missing or broken."""
    if not executable().exists():
        return None
    done = subprocess.run(
        [str(executable()), "--version"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def ensure() -> tuple[str, float]:
    """Create the venv and install Checkov unless it works already: (version, install seconds)."""
    found = version()
    if found is not None:
        return found, 0.0
    start = time.perf_counter()
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--clear", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    done = subprocess.run(
        [*pip, "-r", str(REQUIREMENTS)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"installing Checkov failed:\n{done.stderr[-2000:]}")
    seconds = time.perf_counter() - start
    found = version()
    if found is None:
        raise RuntimeError(f"Checkov was installed into {VENV} but does not run")
    return found, seconds


@dataclass(frozen=True)
class Scan:
    seconds: float
    resources: int
    failed: dict[str, set[str]]  # check id -> "type.name" of each failing resource

    def names(self, check: str, resource_type: str) -> set[str]:
        prefix = resource_type + "."
        return {r[len(prefix) :] for r in self.failed.get(check, set()) if r.startswith(prefix)}


def scan(directory: Path) -> Scan:
    """One whole Checkov process over ``directory``, timed from launch to exit."""
    command = [
        str(executable()),
        "-d",
        str(directory),
        "--framework",
        "terraform",
        "--check",
        ",".join(CHECKS),
        "-o",
        "json",
        "--compact",
        "--quiet",
        "--skip-download",
    ]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_CREATE_GRAPH": "True"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"checkov exited {done.returncode}:\n{done.stderr[-2000:]}")
    report: Any = json.loads(done.stdout)
    reports = report if isinstance(report, list) else [report]
    failed: dict[str, set[str]] = {}
    resources = 0
    for part in reports:
        resources += int(part.get("summary", {}).get("resource_count", 0))
        for check in part.get("results", {}).get("failed_checks", []):
            failed.setdefault(check["check_id"], set()).add(check["resource"])
    return Scan(seconds, resources, failed)
