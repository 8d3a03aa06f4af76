"""The docs are part of the product: their examples run and their sample output is the real output.

Covers README.md and every page under docs/. A Python example that builds resources (it imports
``tiered_sg``) runs under mocks; any other Python example runs as is and must print exactly the
``text`` block that follows it under a line ending in "prints:".
"""

import re
import runpy
from pathlib import Path

import pytest

from preflight.cli import main

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
}
README = PAGES["README.md"]
_FENCE = r"^```{language}\n(.*?)^```$"


def fenced(language: str) -> list[tuple[str, str]]:
    """(page, block) for every fenced block of ``language`` on every page."""
    pattern = re.compile(_FENCE.format(language=language), flags=re.S | re.M)
    return [(page, block) for page, text in PAGES.items() for block in pattern.findall(text)]


def block_after(marker: str, language: str = "", text: str = README) -> str:
    start = text.index(marker)
    match = re.compile(_FENCE.format(language=language), re.S | re.M).search(text, start)
    assert match is not None, f"no ``` block after {marker!r}"
    return match.group(1)


def printed_output(page: str, code: str) -> str:
    """The ``text`` block documented as what ``code`` prints."""
    text = PAGES[page]
    after = text[text.index(code) + len(code) :]
    match = re.match(r"```\n\n[^\n]*prints:\n\n```text\n(.*?)^```$", after, flags=re.S | re.M)
    assert match is not None, f"{page}: the example is not followed by '... prints:' and its output"
    return match.group(1)


PYTHON_BLOCKS = fenced("python")
PROGRAM_BLOCKS = [(p, b) for p, b in PYTHON_BLOCKS if "from tiered_sg import" in b]
PLAIN_BLOCKS = [(p, b) for p, b in PYTHON_BLOCKS if "from tiered_sg import" not in b]


def _id(block: tuple[str, str]) -> str:
    page, code = block
    return f"{page}:{code.splitlines()[0][:40]}"


def test_every_kind_of_example_is_exercised():
    assert len(PROGRAM_BLOCKS) >= 3
    assert any("PolicyPackSession" in b for _, b in PLAIN_BLOCKS)
    assert any("sg_guardrails" in b for _, b in PLAIN_BLOCKS)


def test_every_relative_link_resolves():
    for page, text in PAGES.items():
        base = (ROOT / page).parent
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (base / target).exists(), f"{page} links to missing {target}"


@pytest.mark.parametrize("block", PROGRAM_BLOCKS, ids=_id)
def test_program_example_runs_under_mocks(block, pulumi_runtime, tmp_path):
    program = tmp_path / "example.py"
    program.write_text(block[1], encoding="utf-8")
    pulumi_runtime.run(lambda: runpy.run_path(str(program), run_name="__main__"))
    types = {r.type for r in pulumi_runtime.registrations}
    assert "aws:ec2/securityGroup:SecurityGroup" in types
    assert "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" in types


@pytest.mark.parametrize("block", PLAIN_BLOCKS, ids=_id)
def test_library_example_prints_what_the_docs_show(block, monkeypatch, capsys):
    page, code = block
    monkeypatch.chdir(ROOT)  # the analyzer-client example names the pack directory relatively
    exec(compile(code, page, "exec"), {"__name__": "docs_example"})
    assert capsys.readouterr().out == printed_output(page, code)


def test_quick_start_output_is_the_real_dev_preflight(capsys):
    code = main(["dev"])
    out = capsys.readouterr().out
    assert code == 0
    assert block_after("and prints:") == out, "regenerate with: python -m preflight dev"


def test_mermaid_diagram_is_the_real_dev_flows(capsys):
    main(["dev", "--format", "mermaid"])
    out = capsys.readouterr().out
    assert block_after("The same flows as a diagram", "mermaid") == out
