"""The test ``aws`` stand-in (tests/e2e/aws_standin), timed: the plugin :mod:`bench.real_preview`
installs in place of pulumi-resource-aws.

Each provider RPC the stand-in serves is counted and its time inside the handler summed; the
process's own CPU time (gRPC server, protobuf conversion and handlers, every thread) is taken
too. The totals go to ``$TIERED_SG_BENCH_STANDIN_DIR/standin-<pid>.json``, rewritten every
second and on Cancel, SIGINT, SIGTERM and exit, since the engine ends its plugins by signal.
Run as ``python -P -m bench.real_cli_standin <engine address>`` with ``tests/e2e`` and the
repository on ``PYTHONPATH`` (:func:`write_launcher`).
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import shlex
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import FrameType
from typing import Any, Final

DIR_ENV: Final = "TIERED_SG_BENCH_STANDIN_DIR"
REPO_ROOT: Final = Path(__file__).resolve().parents[1]
E2E_DIR: Final = REPO_ROOT / "tests" / "e2e"
# The provider methods (the RPCs) whose calls are counted and timed.
TIMED: Final = ("get_schema", "configure", "check", "diff", "create", "read", "update")
TIMED_MORE: Final = ("delete", "invoke", "cancel")

_lock = threading.Lock()
_calls: dict[str, list[float]] = {}  # rpc -> [calls, seconds in the handler]
_span: list[float] = []  # perf_counter of the first and the last call


def write_launcher(directory: Path, python: str | None = None) -> Path:
    """Write ``directory/pulumi-resource-aws``, which execs this module with ``python``."""
    lines = [
        "#!/bin/sh",
        "# tiered-sg bench: the test aws stand-in, timed (bench/real_cli_standin.py)",
        "export PYTHONDONTWRITEBYTECODE=1",
        f"export PYTHONPATH={shlex.quote(f'{E2E_DIR}{os.pathsep}{REPO_ROOT}')}",
        f'exec {shlex.quote(python or sys.executable)} -P -m bench.real_cli_standin "$@"',
    ]
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "pulumi-resource-aws"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def _record(rpc: str, seconds: float) -> None:
    now = time.perf_counter()
    with _lock:
        entry = _calls.setdefault(rpc, [0, 0.0])
        entry[0] += 1
        entry[1] += seconds
        if not _span:
            _span.extend((now - seconds, now))
        _span[1] = now


def _timed(rpc: str, method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def wrapper(self: Any, *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return await method(self, *args)
        finally:
            _record(rpc, time.perf_counter() - start)
            if rpc == "cancel":
                _dump()

    return wrapper


def _dump() -> None:
    directory = os.environ.get(DIR_ENV)
    if not directory:
        return
    with _lock:
        payload = {
            "pid": os.getpid(),
            "cpu_s": time.process_time(),
            "calls": {rpc: {"calls": int(n), "handler_s": s} for rpc, (n, s) in _calls.items()},
            "span_s": (_span[1] - _span[0]) if _span else 0.0,
        }
    path = Path(directory) / f"standin-{os.getpid()}.json"
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(payload), encoding="utf-8")
    partial.replace(path)


def _dump_every_second() -> None:
    while True:
        time.sleep(1.0)
        _dump()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _dump()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def main() -> None:
    # Imported by name: tests/e2e is on the plugin's PYTHONPATH, not on mypy's.
    standin = importlib.import_module("aws_standin.__main__")
    provider = importlib.import_module("aws_standin.provider").StandinProvider
    for rpc in TIMED + TIMED_MORE:
        setattr(provider, rpc, _timed(rpc, getattr(provider, rpc)))
    atexit.register(_dump)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)
    threading.Thread(target=_dump_every_second, daemon=True).start()
    standin.main()


if __name__ == "__main__":
    main()
