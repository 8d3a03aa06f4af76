"""The README is part of the product: its examples run and its sample output is the real output."""

import re
import runpy
from pathlib import Path

import pytest

from preflight.cli import main

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def fenced(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", README, flags=re.S | re.M)


def block_after(marker: str, language: str = "") -> str:
    start = README.index(marker)
    match = re.compile(rf"^```{language}\n(.*?)^```$", re.S | re.M).search(README, start)
    assert match is not None, f"no ``` block after {marker!r}"
    return match.group(1)


PYTHON_BLOCKS = fenced("python")
PROGRAM_BLOCKS = [b for b in PYTHON_BLOCKS if "from tiered_sg import" in b]
PLAIN_BLOCKS = [b for b in PYTHON_BLOCKS if b not in PROGRAM_BLOCKS]


def test_every_python_block_is_exercised():
    assert len(PROGRAM_BLOCKS) >= 3
    assert any("PolicyPackSession" in b for b in PLAIN_BLOCKS)
    assert any("sg_guardrails" in b for b in PLAIN_BLOCKS)


@pytest.mark.parametrize("code", PROGRAM_BLOCKS, ids=lambda c: c.splitlines()[2][:40])
def test_program_example_runs_under_mocks(code, pulumi_runtime, tmp_path):
    program = tmp_path / "example.py"
    program.write_text(code, encoding="utf-8")
    pulumi_runtime.run(lambda: runpy.run_path(str(program), run_name="__main__"))
    types = {r.type for r in pulumi_runtime.registrations}
    assert "aws:ec2/securityGroup:SecurityGroup" in types
    assert "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" in types


@pytest.mark.parametrize("code", PLAIN_BLOCKS, ids=lambda c: c.splitlines()[0][:40])
def test_library_example_runs(code, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # the harness example names the pack directory relatively
    exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
    assert capsys.readouterr().out  # each example prints what it shows


def test_quick_start_output_is_the_real_dev_preflight(capsys):
    code = main(["dev"])
    out = capsys.readouterr().out
    assert code == 0
    assert block_after("and prints:") == out, "regenerate with: python -m preflight dev"


def test_mermaid_diagram_is_the_real_dev_flows(capsys):
    main(["dev", "--format", "mermaid"])
    out = capsys.readouterr().out
    assert block_after("The same flows as a diagram", "mermaid") == out
