"""The ``pulumi-resource-aws`` executable that stands in for pulumi-aws's plugin in tests.

``write_launcher(dir)`` writes a shell script that execs this package with the test run's own
Python (its venv has pulumi, boto3 and grpcio), never writing bytecode, with only
``tests/e2e`` added to the import path and the working directory kept off it. Install it with
``pulumi plugin install resource aws <pulumi-aws version> --file <script>``.
"""

import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

from .endpoint import ENDPOINT_ENV

E2E_DIR = Path(__file__).resolve().parent.parent
EXECUTABLE = "pulumi-resource-aws"


def write_launcher(
    directory: Path,
    *,
    python: str | None = None,
    endpoint: str | None = None,
    log_path: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Path:
    """Write ``directory/pulumi-resource-aws`` and return its path.

    ``endpoint`` and ``log_path`` (and any ``env``) become defaults in the script: a value the
    engine's environment already has wins.
    """
    defaults = dict(env or {})
    if endpoint is not None:
        defaults[ENDPOINT_ENV] = endpoint
    if log_path is not None:
        defaults["TIERED_SG_STANDIN_LOG"] = str(log_path)
    lines = [
        "#!/bin/sh",
        "# tiered-sg test stand-in for pulumi-resource-aws (tests/e2e/aws_standin), never shipped",
        "export PYTHONDONTWRITEBYTECODE=1",
        f"export PYTHONPATH={shlex.quote(str(E2E_DIR))}",
        *(
            f'export {name}="${{{name}:-{_double_quoted(value)}}}"'
            for name, value in sorted(defaults.items())
        ),
        f'exec {shlex.quote(python or sys.executable)} -P -m aws_standin "$@"',
    ]
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / EXECUTABLE
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def _double_quoted(value: str) -> str:
    """``value`` safe inside "..." in sh: no expansion, no early end."""
    if not value.isprintable():
        raise ValueError(f"{value!r}: launcher values must be printable")
    return "".join("\\" + c if c in '\\"$`' else c for c in value)


__all__ = ["EXECUTABLE", "write_launcher"]
