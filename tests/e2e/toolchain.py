"""Where the real Pulumi CLI and its language hosts are: one directory, found or built once.

`scripts/pulumi-toolchain` decides (a user's own `pulumi` >= 3.274 on PATH, else the cache, else a
build from source) and prints the directory last on stdout; `make test` runs it before pytest, so
here it only answers from the cache. TIERED_SG_PULUMI_BIN overrides the lookup.
"""

import os
import subprocess
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "pulumi-toolchain"
# A cold build is 10-20 minutes on 2 cores; a warm lookup is a second.
BUILD_TIMEOUT_S = 45 * 60


class ToolchainMissingError(RuntimeError):
    """No real Pulumi CLI could be found or built: the e2e tests fail, they never skip."""


@cache
def pulumi_bin_dir() -> Path:
    """The directory holding `pulumi` and the python, nodejs, go and yaml language hosts."""
    override = os.environ.get("TIERED_SG_PULUMI_BIN")
    if override:
        directory = Path(override)
    else:
        done = subprocess.run(
            [str(SCRIPT)],
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            raise ToolchainMissingError(
                f"scripts/pulumi-toolchain failed (exit {done.returncode}): "
                f"{done.stderr.strip().splitlines()[-1:]}; run `make toolchain` for its message"
            )
        directory = Path(done.stdout.strip().splitlines()[-1])
    if not (directory / "pulumi").is_file():
        raise ToolchainMissingError(f"TIERED_SG_PULUMI_BIN {str(directory)!r}: no `pulumi` in it")
    return directory
