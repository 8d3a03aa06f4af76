"""Benchmarks measured in a child process, which reports its numbers as one line of JSON."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def json_from_child(
    argv: Sequence[str], *, cwd: Path, what: str, env: Mapping[str, str] | None = None
) -> Any:
    """Run ``argv`` to the end; the JSON on its last stdout line. A failed child raises with
    the tail of its stderr, named ``what``."""
    done = subprocess.run(
        list(argv),
        cwd=cwd,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
