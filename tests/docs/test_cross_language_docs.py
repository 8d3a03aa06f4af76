"""docs/components.md shows the cross-language examples as they are in examples/, which
tests/e2e/test_package_add.py runs with the real CLI: the page cannot drift from what was run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "components.md").read_text(encoding="utf-8")


def block_after(marker: str, language: str) -> str:
    start = PAGE.index(marker)
    match = re.compile(rf"^```{language}\n(.*?)^```$", re.S | re.M).search(PAGE, start)
    assert match is not None, f"no ```{language} block after {marker!r}"
    return match.group(1)


def test_the_typescript_example_is_the_one_tested() -> None:
    example = (ROOT / "examples" / "consumer-ts" / "index.ts").read_text(encoding="utf-8")
    assert block_after("`examples/consumer-ts/index.ts`:", "typescript") == example


def test_the_yaml_example_is_the_one_tested_without_its_comments() -> None:
    example = (ROOT / "examples" / "consumer-yaml" / "Pulumi.yaml").read_text(encoding="utf-8")
    uncommented = [line for line in example.splitlines() if not line.strip().startswith("#")]
    shown = block_after("`examples/consumer-yaml/Pulumi.yaml` (without its comments):", "yaml")
    assert shown == "\n".join(uncommented) + "\n"


def test_the_commands_name_the_examples_paths() -> None:
    commands = block_after("## Any other language: `pulumi package add`", "bash")
    for example in ("consumer-yaml", "consumer-ts", "consumer-go"):
        assert (ROOT / "examples" / example / "Pulumi.yaml").is_file()
        assert example in commands
    assert commands.count("pulumi package add ../../components") == 3
    assert (ROOT / "components" / "PulumiPlugin.yaml").is_file()
    assert (ROOT / "policies" / "PulumiPolicy.yaml").is_file()
