"""A user's very first `pulumi preview` on a fresh copy: the CLI creates `.venv` from
requirements.txt itself, and the output shows no `error:` line when nothing is wrong.

(pip's setuptools "BuildBackendWarning: Editable installation." used to reach the display as an
`error:` line; components/pyproject.toml's `package-dir` keeps setuptools from printing it.)
"""

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import WorkspaceFactory
from tests.e2e.emulator import Emulator

VENV_CREATION_TIMEOUT_S = 900.0
ERROR_LINE = re.compile(r"^\s*error:", re.MULTILINE)


@pytest.mark.timeout(VENV_CREATION_TIMEOUT_S + 60)
def test_first_preview_creates_the_venv_and_prints_no_false_error(
    new_workspace: WorkspaceFactory, session_emulator: Emulator, pack_venv: Path
) -> None:
    workspace = new_workspace(session_emulator.endpoint, program_venv=None, pack_venv=pack_venv)
    workspace.pulumi("stack", "init", "dev")
    done = workspace.pulumi(
        "preview", "--stack", "dev", "--policy-pack", "policies",
        timeout=VENV_CREATION_TIMEOUT_S, check=False,
    )  # fmt: skip
    assert done.exit_code == 0, done.output[-4000:]
    assert (workspace.project / ".venv" / "bin" / "python").exists()
    assert ERROR_LINE.findall(done.output) == [], done.output[-4000:]
    assert "sg-guardrails@v0.1.0" in done.stdout and "+ 27 to create" in done.stdout
