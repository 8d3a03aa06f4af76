"""Fixtures for driving the real `pulumi` binary: the toolchain, the EC2 emulator, workspaces.

Every e2e test runs the CLI on a copy of a project in a temp dir with its own PULUMI_HOME and
state (tests/e2e/workspace.py); the `aws` provider is the moto-backed stand-in of
tests/e2e/aws_standin, installed into that PULUMI_HOME at pulumi-aws's version.

Virtualenvs are built the way users build them, once per session: the pack's by
`cd policies && pulumi install`; the program's is the checkout's `.venv` (same requirements), so
that each test does not spend a minute in pip. test_first_preview.py lets the CLI create a
program venv itself, as a user's first preview does.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.aws_standin.launcher import write_launcher
from tests.e2e.emulator import Emulator
from tests.e2e.toolchain import pulumi_bin_dir
from tests.e2e.workspace import REPO_ROOT, Workspace, copy_project, isolated_env, run_bounded

PROGRAM_VENV = REPO_ROOT / ".venv"
PACK_INSTALL_TIMEOUT_S = 900.0

WorkspaceFactory = Callable[..., Workspace]


@pytest.fixture(scope="session")
def pulumi_bin() -> Path:
    return pulumi_bin_dir()


@pytest.fixture(scope="session")
def standin_launcher(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_launcher(tmp_path_factory.mktemp("standin"))


@pytest.fixture(scope="session")
def session_emulator() -> Iterator[Emulator]:
    """One EC2 emulator for tests that only preview (the stand-in calls it for getVpc)."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A fresh EC2 emulator for a test that deploys."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def module_emulator() -> Iterator[Emulator]:
    """One emulator for a module whose tests are the sequential steps of one deployment."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def pack_venv(pulumi_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The policy pack's virtualenv as users get it: `cd policies && pulumi install`."""
    root = tmp_path_factory.mktemp("pack-install")
    project = copy_project(root / "project")
    done = run_bounded(
        [str(pulumi_bin / "pulumi"), "install", "--non-interactive"],
        cwd=project / "policies",
        env=isolated_env(root, pulumi_bin),
        timeout=PACK_INSTALL_TIMEOUT_S,
    )
    venv = project / "policies" / "venv"
    assert done.exit_code == 0, f"pulumi install in policies/ failed:\n{done.output[-4000:]}"
    assert (venv / "bin" / "python").exists(), "pulumi install did not create policies/venv"
    return venv


def make_workspace(
    root: Path,
    bin_dir: Path,
    launcher: Path,
    endpoint: str,
    *,
    source: Path = REPO_ROOT,
    program_venv: Path | None = PROGRAM_VENV,
    pack_venv: Path | None = None,
) -> Workspace:
    """Copy `source` into `root`/project, isolate the CLI there and install the `aws` stand-in
    (aimed at `endpoint` unless the stack's `aws:endpoints` says otherwise; its log in
    `root`/aws.log).

    The pack is always at `root`/project/policies: the project's own, or for other programs
    (breaches, consumers) a copy of ours beside them.
    """
    standin = {
        "TIERED_SG_STANDIN_ENDPOINT": endpoint,
        "TIERED_SG_STANDIN_LOG": str(root / "aws.log"),
    }
    workspace = Workspace(root, bin_dir, isolated_env(root, bin_dir, standin))
    copy_project(workspace.project, source)
    if not (workspace.project / "policies").exists():
        copy_project(workspace.project / "policies", REPO_ROOT / "policies")
    if program_venv is not None:
        workspace.use_venv(program_venv)
    if pack_venv is not None:
        workspace.use_venv(pack_venv, "venv", within=workspace.project / "policies")
    workspace.install_aws_plugin(launcher)
    return workspace


@pytest.fixture(scope="session")
def new_workspace(
    tmp_path_factory: pytest.TempPathFactory,
    pulumi_bin: Path,
    standin_launcher: Path,
) -> WorkspaceFactory:
    """Build a workspace aimed at a given emulator: `new_workspace(emulator.endpoint, ...)`."""

    def build(endpoint: str, **options: object) -> Workspace:
        root = tmp_path_factory.mktemp("ws")
        return make_workspace(root, pulumi_bin, standin_launcher, endpoint, **options)  # type: ignore[arg-type]

    return build
