"""An isolated place to run the real `pulumi` on a copy of the project.

Each workspace is a temp dir holding the project copy, its own PULUMI_HOME (plugins,
credentials), a file state backend and a passphrase: nothing touches a user's ~/.pulumi, a
backend or a cloud account, and nothing is written into the checkout. Commands run in a process
group of their own, bounded in time, and the group is killed afterwards, so a plugin the engine
left behind never outlives its test.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from analyzer_client import PolicyPackSession
from tests.e2e.engine_events import EngineOutcome

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "tiered-sg-e2e"
# What the project copy leaves out: caches, virtualenvs, tests and bench (not part of the program).
NOT_COPIED = (
    ".git", ".venv", "venv", "tests", "bench", "node_modules", "sdks", "__pycache__",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "build", "dist", "*.egg-info",
)  # fmt: skip
# Variables that would point the CLI at a user's account or backend.
SCRUBBED = ("PULUMI_ACCESS_TOKEN", "PULUMI_API", "PULUMI_BACKEND_URL", "PULUMI_HOME")
AWS_PLUGIN_VERSION = version("pulumi_aws")
COMMAND_TIMEOUT_S = 600.0


class CommandFailedError(AssertionError):
    """A `pulumi` command that was expected to succeed did not; carries what it printed."""


@dataclass(frozen=True)
class Run:
    """A finished command."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def events(self) -> EngineOutcome:
        return EngineOutcome.parse(self.exit_code, self.stdout, self.stderr)


def copy_project(destination: Path, source: Path = REPO_ROOT) -> Path:
    """Copy the project (program, components, pack, stacks) without caches or virtualenvs."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(*NOT_COPIED))
    return destination


def isolated_env(
    root: Path, bin_dir: Path, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of every CLI call: own home and state, no network lookups, no prompts."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED and not k.startswith("AWS_")}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        PULUMI_HOME=str(root / "home"),
        PULUMI_BACKEND_URL=f"file://{root / 'state'}",
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        PULUMI_DISABLE_REGISTRY_RESOLVE="true",
        PULUMI_IGNORE_AMBIENT_PLUGINS="true",
        PULUMI_CREDENTIAL_STORE="plaintext",
        PULUMI_SKIP_CONFIRMATIONS="true",
        PULUMI_ENABLE_STREAMING_JSON_PREVIEW="true",
        NO_COLOR="1",
        PYTHONDONTWRITEBYTECODE="1",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_REGION="us-east-1",
    )
    env.update(extra or {})
    (root / "home").mkdir(parents=True, exist_ok=True)
    (root / "state").mkdir(parents=True, exist_ok=True)
    return env


def run_bounded(
    args: Iterable[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float = COMMAND_TIMEOUT_S,
    stdin: str | None = None,
) -> Run:
    """Run a command in its own process group; kill the whole group on time-out and after."""
    argv = tuple(args)
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        stdout, stderr = process.communicate()
        raise CommandFailedError(
            f"{' '.join(argv)} timed out after {timeout:.0f}s\n{_tail(stdout)}\n{_tail(stderr)}"
        ) from None
    finally:
        _kill_group(process.pid)
    return Run(argv, process.returncode, stdout, stderr)


class Background:
    """A command started with :meth:`Workspace.spawn`, running in its own process group.

    Its output goes to files (no pipe to fill up); leaving the ``with`` block kills whatever of
    the group is left, as :func:`run_bounded` does.
    """

    def __init__(self, argv: tuple[str, ...], cwd: Path, env: Mapping[str, str], logs: Path):
        self.args = argv
        logs.mkdir(parents=True, exist_ok=True)
        self._out_path, self._err_path = logs / "stdout", logs / "stderr"
        self._out: TextIO = self._out_path.open("w", encoding="utf-8")
        self._err: TextIO = self._err_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=self._err,
            text=True,
            start_new_session=True,
        )

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def interrupt(self) -> None:
        """Ctrl-C as a terminal delivers it: SIGINT to the command's whole process group."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)

    def wait(self, timeout: float = COMMAND_TIMEOUT_S) -> Run:
        """Wait for the command to end (killing its group on time-out); what it printed."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise CommandFailedError(
                f"{' '.join(self.args)} timed out after {timeout:.0f}s\n{_tail(self._read()[0])}"
            ) from None
        finally:
            _kill_group(self.process.pid)
        stdout, stderr = self._read()
        return Run(self.args, self.process.returncode, stdout, stderr)

    def kill(self) -> None:
        _kill_group(self.process.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def _read(self) -> tuple[str, str]:
        for stream in (self._out, self._err):
            stream.flush()
        return (
            self._out_path.read_text(encoding="utf-8", errors="replace"),
            self._err_path.read_text(encoding="utf-8", errors="replace"),
        )

    def __enter__(self) -> "Background":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.kill()
        self._out.close()
        self._err.close()


@cache
def pack_descriptions(pack_dir: Path) -> dict[str, str]:
    with PolicyPackSession(pack_dir) as session:
        return {p.name: p.description for p in session.info.policies}


def _kill_group(pgid: int) -> None:
    """Kill the command's process group, and every process of its session: the engine starts
    each plugin (the stand-in, the pack, the language host) in a process group of its own."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    for pid in _session_members(pgid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _session_members(sid: int) -> list[int]:
    """Pids whose session is ``sid`` (Linux /proc; none elsewhere)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid:  # state, ppid, pgrp, session, ...
            members.append(int(stat.parent.name))
    return members


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Workspace:
    """One temp dir: the project copy, PULUMI_HOME, the state backend; `pulumi` runs inside it."""

    root: Path
    bin_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def pack_dir(self) -> Path:
        """The policy pack beside the program: `--policy-pack policies` from the project."""
        return self.project / "policies"

    def policy_descriptions(self) -> dict[str, str]:
        """Policy name -> description, which the CLI puts before every finding's message."""
        return pack_descriptions(self.pack_dir)

    def pulumi(
        self,
        *args: str,
        cwd: Path | None = None,
        check: bool = True,
        timeout: float = COMMAND_TIMEOUT_S,
        env: Mapping[str, str] | None = None,
    ) -> Run:
        """Run `pulumi ARGS` (non-interactive) in the project copy, or `cwd`."""
        argv = (str(self.bin_dir / "pulumi"), *args, "--non-interactive")
        done = run_bounded(
            argv, cwd=cwd or self.project, env={**self.env, **(env or {})}, timeout=timeout
        )
        if check and done.exit_code != 0:
            raise CommandFailedError(
                f"pulumi {' '.join(args)} exited {done.exit_code}\n"
                f"--- stdout\n{_tail(done.stdout)}\n--- stderr\n{_tail(done.stderr)}"
            )
        return done

    def install_aws_plugin(self, launcher: Path) -> None:
        """Install the test `aws` provider into this PULUMI_HOME at pulumi-aws's version."""
        self.pulumi(
            "plugin", "install", "resource", "aws", AWS_PLUGIN_VERSION, "--file", str(launcher)
        )

    def use_venv(self, target: Path, link: str = ".venv", within: Path | None = None) -> None:
        """Point the copy's virtualenv at one already built (the program or the pack's)."""
        (within or self.project).joinpath(link).symlink_to(target, target_is_directory=True)

    def spawn(self, *args: str, env: Mapping[str, str] | None = None) -> Background:
        """Start `pulumi ARGS` (non-interactive) in the background; use it in a ``with``."""
        argv = (str(self.bin_dir / "pulumi"), *args, "--non-interactive")
        logs = Path(tempfile.mkdtemp(prefix="spawned-", dir=self.root))
        return Background(argv, self.project, {**self.env, **(env or {})}, logs)

    def preview(self, stack: str, *args: str, check: bool = False) -> EngineOutcome:
        """`pulumi preview --json` with streamed events (policy events included)."""
        return self.pulumi("preview", "--stack", stack, "--json", *args, check=check).events()

    def up(self, stack: str, *args: str, check: bool = True) -> EngineOutcome:
        return self.pulumi("up", "--stack", stack, "--yes", "--json", *args, check=check).events()

    def refresh(self, stack: str, *args: str, check: bool = True) -> EngineOutcome:
        return self.pulumi(
            "refresh", "--stack", stack, "--yes", "--json", *args, check=check
        ).events()

    def destroy(self, stack: str, *args: str, check: bool = True) -> EngineOutcome:
        return self.pulumi(
            "destroy", "--stack", stack, "--yes", "--json", *args, check=check
        ).events()

    def set_config(self, stack: str, values: Mapping[str, str]) -> None:
        """`pulumi config set-all --path --plaintext KEY=VALUE ...`: paths such as
        ``aws:endpoints[0].ec2`` or ``tiered-sg:tiers[1].ports[0]``, in one command."""
        pairs = [arg for key, value in values.items() for arg in ("--plaintext", f"{key}={value}")]
        self.pulumi("config", "set-all", "--stack", stack, "--path", *pairs)

    def aim_at(self, stack: str, endpoint: str) -> None:
        """Point the stack's aws provider (`aws:endpoints`, EC2 and STS) at an emulator."""
        self.set_config(stack, {"aws:endpoints[0].ec2": endpoint, "aws:endpoints[0].sts": endpoint})

    def config(self, stack: str) -> dict[str, object]:
        """The stack's config as the engine hands it to the program (``{"ns:key": value}``)."""
        shown = json.loads(self.pulumi("config", "--stack", stack, "--json").stdout)
        return {key: entry.get("objectValue", entry.get("value")) for key, entry in shown.items()}

    def stack_outputs(self, stack: str, *, cwd: Path | None = None) -> dict[str, Any]:
        """`pulumi stack output --json`."""
        done = self.pulumi("stack", "output", "--stack", stack, "--json", cwd=cwd)
        outputs: dict[str, Any] = json.loads(done.stdout)
        return outputs

    def state_resources(self, stack: str) -> list[dict[str, Any]]:
        """The resources of the stack's checkpoint (`pulumi stack export`)."""
        exported = json.loads(self.pulumi("stack", "export", "--stack", stack).stdout)
        return list(exported.get("deployment", {}).get("resources") or [])
