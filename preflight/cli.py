"""`python -m preflight [STACK] [--format text|json|mermaid] [--policy-pack-config FILE] [--up]`.

Exit codes: 0 clean or advisory only, 1 a mandatory violation, 2 a config or program error.
"""

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from analyzer_client import AnalyzerError, PolicyConfigError
from preflight.analysis import PreflightResult, run_preflight
from preflight.errors import PreflightError
from preflight.render.machine import render_json
from preflight.render.mermaid import render_mermaid
from preflight.render.text import render_text
from preflight.stack_files import load_stack_config

EXIT_ERROR = 2
RENDERERS: dict[str, Callable[[PreflightResult], str]] = {
    "text": render_text,
    "json": render_json,
    "mermaid": render_mermaid,
}
PROJECT_DIR = Path(__file__).resolve().parent.parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m preflight",
        description="Offline `pulumi preview --policy-pack policies`: the plan, the traffic flows "
        "and the policy verdicts for a stack, with no CLI and no cloud account.",
    )
    parser.add_argument("stack", nargs="?", default="dev", help="stack name (default: dev)")
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
    parser.add_argument(
        "--policy-pack-config",
        type=Path,
        metavar="FILE",
        help="policy config JSON, as for `pulumi preview --policy-pack-config`",
    )
    parser.add_argument(
        "--up", action="store_true", help="plan as `pulumi up` does: ids known, not unknown"
    )
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--pack-dir", type=Path, default=None, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    project_dir: Path = args.project_dir.resolve()
    pack_dir: Path = args.pack_dir or PROJECT_DIR / "policies"
    try:
        if args.policy_pack_config is not None and not args.policy_pack_config.is_file():
            raise PreflightError(
                f"--policy-pack-config {str(args.policy_pack_config)!r}: no such file; "
                "pass the path of a policy config JSON file"
            )
        stack = load_stack_config(project_dir, args.stack)
        result = run_preflight(
            project_dir,
            stack,
            pack_dir,
            mode="up" if args.up else "preview",
            policy_config=args.policy_pack_config,
        )
    except (PreflightError, PolicyConfigError, AnalyzerError) as err:
        return _fail(str(err))
    except Exception as err:  # a program error is reported in a sentence, not dumped
        return _fail(_program_error(err))
    sys.stdout.write(RENDERERS[args.format](result))
    for note in result.config_notes:
        # Kept apart from the verdict: `pulumi preview` accepts these without a word.
        print(f"preflight: note (pulumi preview accepts this silently): {note}", file=sys.stderr)
    return result.exit_code


def _program_error(err: Exception) -> str:
    # The program raises pulumi.RunError with a complete sentence; anything else is a bug
    # worth its type name. PREFLIGHT_DEBUG=1 shows the traceback for those.
    if os.environ.get("PREFLIGHT_DEBUG"):
        traceback.print_exception(err)
    message = str(err).strip() or type(err).__name__
    if type(err).__name__ == "RunError":
        return message
    return f"the program failed: {type(err).__name__}: {message}"


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_ERROR
