"""An isolated place to run the real `pulumi` on a copy of the project.

Each workspace is a temp dir holding the project copy, its own PULUMI_HOME (plugins,
credentials), a file state backend and a passphrase: nothing touches a user's ~/.pulumi, a
backend or a cloud account, and nothing is written into the checkout. Commands run in a process
group of their own, bounded in time, and the group is killed afterwards, so a plugin the engine
left behind never outlives its test.
"""

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path

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


@cache
def pack_descriptions(pack_dir: Path) -> dict[str, str]:
    with PolicyPackSession(pack_dir) as session:
        return {p.name: p.description for p in session.info.policies}


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


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

    def preview(self, stack: str, *args: str, check: bool = False) -> EngineOutcome:
        """`pulumi preview --json` with streamed events (policy events included)."""
        return self.pulumi("preview", "--stack", stack, "--json", *args, check=check).events()

    def up(self, stack: str, *args: str, check: bool = True) -> EngineOutcome:
        return self.pulumi("up", "--stack", stack, "--yes", "--json", *args, check=check).events()
