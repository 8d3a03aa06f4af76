"""Benchmark 4: ``python -m preflight dev`` end to end, against the floor of what it must do anyway.

preflight: a fresh ``python -m preflight dev`` process (record the program under mocks, run the
pack over the Analyzer protocol, compute flows, print the report), launch to exit.
floor: a fresh Python process that imports ``pulumi`` and ``pulumi_aws`` with the two submodules
the program registers resources from (``pulumi_aws.ec2``, ``pulumi_aws.vpc``: ``pulumi_aws``
loads submodules lazily, on first attribute access, so a bare ``import pulumi_aws`` costs next
to nothing and the first ``aws.ec2.X`` pays ~0.7 s), then starts the no-op pack with
``analyzer_client.PolicyPackSession`` (launch, handshake, configure) and stops it: the
interpreter, the SDK imports and one pack start-up, which no preflight can avoid.
The two alternate; the ratio of medians is what the program, our pack and the report add.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Final

from bench.timing import interleave, ratio

ROOT: Final = Path(__file__).resolve().parent.parent
NOOP_DIR: Final = ROOT / "tests" / "fixtures" / "noop_pack"
FLOOR_CODE: Final = (
    "import pulumi, pulumi_aws\n"
    "pulumi_aws.ec2.SecurityGroup, pulumi_aws.vpc.SecurityGroupIngressRule  # load them\n"
    "from analyzer_client import PolicyPackSession\n"
    f"PolicyPackSession({str(NOOP_DIR)!r}).start().close()\n"
)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # preflight exits 1 on a mandatory violation
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")


def preflight() -> None:
    _run([sys.executable, "-m", "preflight", "dev"])


def floor() -> None:
    _run([sys.executable, "-c", FLOOR_CODE])


def run(rounds: int = 5) -> dict[str, Any]:
    samples = interleave([("preflight", preflight), ("floor", floor)], rounds=rounds)
    return {
        "stack": "dev",
        "preflight": samples["preflight"].as_dict(),
        "floor": samples["floor"].as_dict(),
        "ratio": ratio(samples["preflight"].median, samples["floor"].median),
    }
