"""The pack's child process: launched like the CLI launches it, drained, and stopped like a plugin.

The comments name the engine functions each step follows (the sources are listed in the
package docstring).
"""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Final

import yaml

from .errors import AnalyzerError
from .results import LogMessage

_STDERR_LINES: Final = 50
"""How many of the pack's last stderr lines an error message carries."""


def read_policy_project(pack_dir: Path) -> tuple[str, str]:
    """(runtime, version) from PulumiPolicy.yaml; ``runtime`` may be a name or {name, options}."""
    path = pack_dir / "PulumiPolicy.yaml"
    where = f"failed to load Pulumi policy project located at {str(pack_dir)!r}"
    if not path.is_file():
        raise AnalyzerError(f"{where}: no {path.name}")
    try:
        # BaseLoader keeps every scalar a string, as the CLI's Go struct fields do: 1.10 != 1.1.
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as exc:
        raise AnalyzerError(f"{where}: {exc}") from None
    if not isinstance(doc, dict):
        raise AnalyzerError(f"{where}: {path.name} is not a mapping")
    runtime = doc.get("runtime", "")
    if isinstance(runtime, dict):
        runtime = runtime.get("name", "")
    version = doc.get("version", "")
    return str(runtime), str(version)


def pack_environment(
    *,
    config: Mapping[str, str],
    organization: str,
    project: str,
    stack: str,
    dry_run: bool,
) -> dict[str, str]:
    """The pack's environment."""
    # constructEnv: the CLI's own environment plus these, each only when non-empty.
    variables = {
        "PULUMI_CONFIG": json.dumps(config) if config else "",
        "PULUMI_ORGANIZATION": organization,
        "PULUMI_PROJECT": project,
        "PULUMI_STACK": stack,
        "PULUMI_DRY_RUN": "true" if dry_run else "false",
    }
    return {**os.environ, **{k: v for k, v in variables.items() if v}}


def launch(
    python: str, engine_address: str, pack_dir: Path, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """Start the pack with its stdout and stderr piped, in a process group of its own."""
    # What pulumi-analyzer-policy-python runs: `python -u -m pulumi.policy "$1" "$2"`, where
    # the engine passes its address and "." with the pack directory as working directory.
    return subprocess.Popen(
        [python, "-u", "-m", "pulumi.policy", engine_address, "."],
        cwd=pack_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # cmdutil.RegisterProcessGroup: kill the whole group at the end
    )


def terminate(proc: subprocess.Popen[bytes], grace: float) -> None:
    """Interrupt, then kill the process group: the engine's plugin Kill (SIGINT, 5 s, SIGKILL)."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=grace)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    if proc.poll() is None:
        try:
            if hasattr(os, "killpg"):
                os.killpg(proc.pid, signal.SIGKILL)
            else:  # pragma: no cover - Windows
                proc.kill()
        except ProcessLookupError:
            pass
        proc.wait()


class PackOutput:
    """Reader threads for the pack's stdout and stderr: the port line, then log lines.

    Every line after the port is passed to ``record``; the last stderr lines are kept for the
    excerpt that error messages carry.
    """

    def __init__(self, record: Callable[[LogMessage], None]) -> None:
        self._record = record
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES)
        self._port_line: list[str] = []
        self._port_ready = threading.Event()
        self._readers: list[threading.Thread] = []

    def start(self, stdout: IO[bytes], stderr: IO[bytes]) -> None:
        self._readers = [
            threading.Thread(target=self._pump_stdout, args=(stdout,), daemon=True),
            threading.Thread(target=self._pump_stderr, args=(stderr,), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def join(self, timeout: float) -> None:
        for reader in self._readers:
            reader.join(timeout=timeout)

    def _pump_stdout(self, stream: IO[bytes]) -> None:
        # Like newPlugin: the first line is the port; later lines are shown to the user. Draining
        # matters: a pack that prints would otherwise block once the pipe buffer is full.
        first = True
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if first:
                self._port_line.append(line)
                self._port_ready.set()
                first = False
            elif line.strip():
                self._record(LogMessage("stdout", line))
        self._port_ready.set()

    def _pump_stderr(self, stream: IO[bytes]) -> None:
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self._stderr_tail.append(line)
            if line.strip():
                self._record(LogMessage("stderr", line, "infoerr"))

    def stderr_excerpt(self) -> str:
        tail = "\n".join(self._stderr_tail).strip()
        return f"\n--- pack stderr (last lines) ---\n{tail}" if tail else ""

    def read_port(self, proc: subprocess.Popen[bytes], timeout: float, pack_dir: Path) -> int:
        """The port from the first stdout line; AnalyzerError if the pack dies or stays silent."""
        # The stdout reader sets port_ready on the first line or at EOF (the pack died first).
        if not self._port_ready.wait(timeout) or not self._port_line:
            why = f"did not print its port within {timeout:g} s"
            if self._port_ready.is_set():  # stdout closed: the pack is exiting
                try:
                    why = f"exited with status {proc.wait(timeout=5)} before printing its port"
                except subprocess.TimeoutExpired:
                    why = "closed its stdout without printing its port"
                self.join(timeout=1)  # let stderr drain into the excerpt
            raise AnalyzerError(f"policy pack {pack_dir} {why}{self.stderr_excerpt()}")
        return self._parse_port(self._port_line[0])

    def _parse_port(self, line: str) -> int:
        text = line.strip()
        if not text.isdigit() or not 0 < int(text) <= 65535:
            raise AnalyzerError(
                f"policy pack wrote an invalid port to stdout: {line!r}{self.stderr_excerpt()}"
            )
        return int(text)
