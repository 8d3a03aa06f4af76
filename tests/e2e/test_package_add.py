"""Other languages use tiered-sg through `pulumi package add`, with the real CLI (issue 19).

Every consumer starts from its project as the repository holds it (`examples/consumer-yaml`,
`examples/consumer-ts`, `examples/consumer-go`, and a Python project on the generated SDK) in a
temp workspace laid out like the repository (tests/e2e/consumers.py), runs `pulumi package add
../../components`, and the CLI then builds the chain through the plugin's Construct. YAML and
TypeScript deploy to the EC2 emulator and destroy; the policy pack judges consumers' stacks.
"""

import json
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.consumers import (
    CHAIN,
    EGRESS,
    FOUR_TIERS,
    INGRESS,
    INSTALL_TIMEOUT_S,
    RULE_COUNT,
    STACK,
    VPC,
    Checkout,
    Consumer,
    Node,
    chain_tree,
    copy_components,
    install_aws_plugin_version,
    make_checkout,
    make_consumer,
    planned_tree,
    succeeded,
    under,
)
from tests.e2e.emulator import Emulator
from tests.e2e.workspace import REPO_ROOT, Background

EXAMPLES = REPO_ROOT / "examples"
PROGRAMS = Path(__file__).parent / "programs"
PYPROJECT = tomllib.loads((REPO_ROOT / "components" / "pyproject.toml").read_text())
VERSION: str = PYPROJECT["project"]["version"]
# The first test's fixtures install from PyPI and npm (minutes when those caches are cold); every
# command has its own bound besides (tests/e2e/consumers.py).
pytestmark = pytest.mark.timeout(1500)

TS_TIERS: dict[str, tuple[str, ...]] = {
    # examples/consumer-ts: public over IPv4 only, and an admin group reaching every tier on ssh.
    "lb": ("in-tcp-80-from-0.0.0.0-0", "in-tcp-443-from-0.0.0.0-0", "out-tcp-8080-to-web"),
    "web": ("in-tcp-8080-from-lb", "out-tcp-9000-to-app"),
    "app": ("in-tcp-9000-from-web", "out-tcp-5432-to-db"),
    "db": ("in-tcp-5432-from-app",),
}
TS_RULES = {
    **{tier: (*rules, "in-tcp-22-from-admin") for tier, rules in TS_TIERS.items()},
    "admin": ("in-tcp-22-from-203.0.113.10-32", *(f"out-tcp-22-to-{t}" for t in TS_TIERS)),
}
REFUSALS = {
    # stack: (its config, the one line the consumer must see)
    "world-admin": (
        {"adminCidr": "0.0.0.0/0"},
        "adminCidrs['office'] '0.0.0.0/0': opens admin access to the whole internet; list the "
        "office or VPN ranges admins connect from, e.g. '203.0.113.10/32'",
    ),
    "unknown-port": (
        {"webPort": "htps"},
        "tiers[0].ports[0] 'htps': is not a known service or protocol; did you mean 'https'?",
    ),
}


@dataclass(frozen=True)
class HeadStart:
    ts: Consumer
    npm_install: Background
    python: Consumer
    python_install: Background


def stack_node(consumer: Consumer, stack: str) -> tuple[str, str]:
    project = yaml.safe_load((consumer.program / "Pulumi.yaml").read_text())["name"]
    return STACK, f"{project}-{stack}"


def sdk_file(consumer: Consumer, *parts: str) -> Path:
    return consumer.program.joinpath("sdks", "tiered-sg", *parts)


def default_vpc(emulator: Emulator) -> str:
    vpcs = emulator.ec2().describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])
    vpc_id: str = vpcs["Vpcs"][0]["VpcId"]
    return vpc_id


def existing_groups(emulator: Emulator, group_ids: list[str]) -> set[str]:
    found = emulator.ec2().describe_security_groups(
        Filters=[{"Name": "group-id", "Values": group_ids}]
    )
    return {g["GroupId"] for g in found["SecurityGroups"]}


def assert_sg_ids(ids: Any, names: set[str]) -> None:
    assert isinstance(ids, dict) and set(ids) == names, ids
    assert all(isinstance(v, str) and v.startswith("sg-") for v in ids.values()), ids


# --- fixtures: one emulator, one components/ copy, one workspace per consumer ---------------------


@pytest.fixture(scope="module")
def consumers_emulator() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_components(tmp_path_factory.mktemp("checkout"))


@pytest.fixture(scope="module")
def consumer_factory(
    tmp_path_factory: pytest.TempPathFactory,
    pulumi_bin: Path,
    standin_launcher: Path,
    consumers_emulator: Emulator,
    components: Path,
    pack_venv: Path,
) -> Callable[[Path], Consumer]:
    def build(source: Path) -> Consumer:
        root = tmp_path_factory.mktemp(source.name)
        return make_consumer(
            root, pulumi_bin, standin_launcher, consumers_emulator.endpoint, components, source,
            pack_venv=pack_venv,
        )  # fmt: skip

    return build


@pytest.fixture(scope="module")
def head_start(consumer_factory: Callable[[Path], Consumer]) -> Iterator[HeadStart]:
    """The TypeScript and Python projects' own dependencies, installed while pip builds the
    plugin's venv (`checkout`): none of them needs the plugin."""
    ts = consumer_factory(EXAMPLES / "consumer-ts")
    # `tsc --noEmit` type-checks the program once (test_ts_..._type_check); each pulumi run would
    # repeat that against @pulumi/aws's types, some 15 s of CPU every time.
    ts.workspace.env["PULUMI_NODEJS_TRANSPILE_ONLY"] = "true"
    python = consumer_factory(PROGRAMS / "consumer-python-sdk")
    pulumi = str(python.workspace.bin_dir / "pulumi")
    with (
        ts.start("npm", "install") as npm,
        python.start(pulumi, "install", "--non-interactive") as venv,
    ):
        yield HeadStart(ts, npm, python, venv)


@pytest.fixture(scope="module")
def checkout(
    tmp_path_factory: pytest.TempPathFactory,
    pulumi_bin: Path,
    standin_launcher: Path,
    components: Path,
    head_start: HeadStart,
) -> Checkout:
    root = tmp_path_factory.mktemp("get-schema")
    return make_checkout(root, components, pulumi_bin, standin_launcher)


@pytest.fixture(scope="module")
def yaml_consumer(consumer_factory: Callable[[Path], Consumer], checkout: Checkout) -> Consumer:
    consumer = consumer_factory(EXAMPLES / "consumer-yaml")
    consumer.package_add()
    consumer.new_stack("dev")
    return consumer


@pytest.fixture(scope="module")
def refused_consumer(consumer_factory: Callable[[Path], Consumer], checkout: Checkout) -> Consumer:
    # Only a `packages:` entry, as a teammate's clone has it: components/venv is checkout's.
    return consumer_factory(PROGRAMS / "consumer-yaml-refused")


@pytest.fixture(scope="module")
def ts_consumer(head_start: HeadStart, checkout: Checkout, standin_launcher: Path) -> Consumer:
    consumer = head_start.ts
    succeeded(head_start.npm_install.wait(INSTALL_TIMEOUT_S))
    aws = json.loads((consumer.program / "node_modules/@pulumi/aws/package.json").read_text())
    install_aws_plugin_version(consumer, standin_launcher, aws["version"])
    consumer.package_add()
    consumer.new_stack("dev")
    return consumer


@pytest.fixture(scope="module")
def go_consumer(
    consumer_factory: Callable[[Path], Consumer], checkout: Checkout, consumers_emulator: Emulator
) -> Consumer:
    consumer = consumer_factory(EXAMPLES / "consumer-go")
    consumer.package_add()
    consumer.new_stack("dev", {"vpcId": default_vpc(consumers_emulator)})
    return consumer


@pytest.fixture(scope="module")
def python_consumer(
    head_start: HeadStart, checkout: Checkout, consumers_emulator: Emulator
) -> Consumer:
    consumer = head_start.python
    succeeded(head_start.python_install.wait(INSTALL_TIMEOUT_S))
    consumer.package_add()
    consumer.new_stack("dev", {"vpcId": default_vpc(consumers_emulator)})
    return consumer


# --- YAML ----------------------------------------------------------------------------------------


def yaml_plan(consumer: Consumer, stack_name: str) -> set[Node]:
    """examples/consumer-yaml: the stack, a new VPC, the chain (closing the VPC's default group)."""
    stack = stack_node(consumer, stack_name)
    plan = {(*stack, "", ""), (VPC, "vpc", *stack)}
    return plan | chain_tree("chain", FOUR_TIERS, stack, default_group=True)


def test_yaml_preview_builds_the_chain_through_the_plugin(yaml_consumer: Consumer) -> None:
    outcome = yaml_consumer.preview("dev")
    assert outcome.exit_code == 0, outcome.stderr[-3000:]
    assert planned_tree(outcome) == yaml_plan(yaml_consumer, "dev")
    assert {step.op for step in outcome.steps} == {"create"}


def test_yaml_consumer_passes_the_policy_pack(yaml_consumer: Consumer) -> None:
    outcome = yaml_consumer.preview("dev", "--policy-pack", "../../policies")
    assert outcome.exit_code == 0, outcome.stderr[-3000:]
    assert outcome.policy_findings == []
    # The pack judged the resources the plugin registered, not only the program's own.
    judged = {
        e["policyAnalyzeSummaryEvent"]["resourceUrn"]
        for e in outcome.events
        if e.get("policyAnalyzeSummaryEvent", {}).get("policyPackName") == "sg-guardrails"
    }
    rules = {s.urn for s in outcome.steps if s.type in (INGRESS, EGRESS)}
    assert len(rules) == RULE_COUNT and rules <= judged


def test_yaml_up_exports_the_outputs_and_destroy_removes_the_groups(
    yaml_consumer: Consumer, consumers_emulator: Emulator
) -> None:
    up = yaml_consumer.up("dev")
    assert up.changes() == {"create": len(yaml_plan(yaml_consumer, "dev"))}
    outputs = yaml_consumer.outputs("dev")
    assert set(outputs) == {"vpcId", "groupIds", "ruleCount"}
    assert isinstance(outputs["vpcId"], str) and outputs["vpcId"].startswith("vpc-")
    assert_sg_ids(outputs["groupIds"], set(FOUR_TIERS))
    assert type(outputs["ruleCount"]) is int and outputs["ruleCount"] == RULE_COUNT
    group_ids = list(outputs["groupIds"].values())
    assert existing_groups(consumers_emulator, group_ids) == set(group_ids)

    destroy = yaml_consumer.destroy("dev")
    assert set(destroy.changes()) == {"delete"}
    assert existing_groups(consumers_emulator, group_ids) == set()


@pytest.mark.parametrize("stack", sorted(REFUSALS))
def test_a_refused_input_reaches_the_consumer_as_one_line(
    refused_consumer: Consumer, stack: str
) -> None:
    config, message = REFUSALS[stack]
    refused_consumer.new_stack(stack, config)
    outcome = refused_consumer.preview(stack)
    assert outcome.exit_code != 0
    problem = f"tiered-sg:index:TieredSecurityGroups resource 'chain' has a problem: {message}"
    assert [e.strip() for e in outcome.errors() if "has a problem" in e] == [problem]
    printed = outcome.stdout + outcome.stderr
    assert "Traceback" not in printed and 'File "' not in printed and "Unexpected <" not in printed


# --- TypeScript ----------------------------------------------------------------------------------


def test_ts_generated_sdk_and_the_example_type_check(ts_consumer: Consumer) -> None:
    ts_consumer.run("node_modules/.bin/tsc", "--noEmit", "-p", "sdks/tiered-sg")
    ts_consumer.run("node_modules/.bin/tsc", "--noEmit")  # index.ts against the generated types
    package = json.loads((ts_consumer.program / "package.json").read_text())
    assert package["dependencies"]["@pulumi/tiered-sg"] == "file:sdks/tiered-sg"
    inputs = sdk_file(ts_consumer, "types", "input.ts").read_text()
    assert "export interface TierArgs " in inputs and "ArgsArgs" not in inputs


def test_ts_preview_builds_the_chain_through_the_plugin(ts_consumer: Consumer) -> None:
    outcome = ts_consumer.preview("dev")
    assert outcome.exit_code == 0, outcome.stderr[-3000:]
    stack = stack_node(ts_consumer, "dev")
    expected = {(*stack, "", ""), (VPC, "vpc", *stack)}
    expected |= chain_tree("shop", TS_RULES, stack, default_group=True)
    assert planned_tree(outcome) == expected


def test_ts_up_exports_outputs_of_the_documented_types_and_destroy_works(
    ts_consumer: Consumer, consumers_emulator: Emulator
) -> None:
    ts_consumer.up("dev")
    outputs = ts_consumer.outputs("dev")
    assert set(outputs) == {"groupIds", "adminGroupId", "ruleCount"}
    assert_sg_ids(outputs["groupIds"], set(TS_TIERS))  # tiers only: admin has its own output
    assert isinstance(outputs["adminGroupId"], str) and outputs["adminGroupId"].startswith("sg-")
    assert outputs["adminGroupId"] not in outputs["groupIds"].values()
    rule_count = sum(len(rules) for rules in TS_RULES.values())
    assert type(outputs["ruleCount"]) is int and outputs["ruleCount"] == rule_count
    group_ids = [*outputs["groupIds"].values(), outputs["adminGroupId"]]
    assert existing_groups(consumers_emulator, group_ids) == set(group_ids)

    ts_consumer.destroy("dev")
    assert existing_groups(consumers_emulator, group_ids) == set()


def test_ts_world_open_ssh_beside_the_chain_fails_the_policy_pack(ts_consumer: Consumer) -> None:
    index = ts_consumer.program / "index.ts"
    example = index.read_bytes()
    index.write_bytes((PROGRAMS / "consumer-ts-world-ssh" / "index.ts").read_bytes())
    try:
        ts_consumer.new_stack("world-ssh")
        outcome = ts_consumer.preview("world-ssh", "--policy-pack", "../../policies")
    finally:
        index.write_bytes(example)
    assert outcome.exit_code != 0
    mandatory = {(f.policy, f.urn.rsplit("::", 1)[-1]) for f in outcome.policy_findings}
    assert ("sg-no-public-admin-ports", "web-ssh-from-anywhere") in mandatory
    assert {f.level for f in outcome.policy_findings if f.policy == "sg-no-public-admin-ports"} == {
        "mandatory"
    }


# --- Go and Python (generated SDK): preview only -------------------------------------------------


def test_go_sdk_builds_and_previews_the_same_chain(go_consumer: Consumer) -> None:
    go_consumer.run("go", "build", "./...")
    outcome = go_consumer.preview("dev")
    assert outcome.exit_code == 0, outcome.stderr[-3000:]
    stack = stack_node(go_consumer, "dev")
    expected = {(*stack, "", "")} | chain_tree("chain", FOUR_TIERS, stack, default_group=False)
    assert planned_tree(outcome) == expected


def test_python_generated_sdk_previews_the_same_chain(python_consumer: Consumer) -> None:
    requirements = (python_consumer.program / "requirements.txt").read_text().splitlines()
    assert "sdks/tiered-sg" in requirements  # the generated SDK, not our pip package
    outcome = python_consumer.preview("dev")
    assert outcome.exit_code == 0, outcome.stderr[-3000:]
    stack = stack_node(python_consumer, "dev")
    assert under(planned_tree(outcome), (CHAIN, "chain")) == chain_tree(
        "chain", FOUR_TIERS, stack, default_group=False
    )


# --- versions ------------------------------------------------------------------------------------


def test_the_plugin_reports_the_pyproject_version_and_every_sdk_carries_it(
    checkout: Checkout,
    yaml_consumer: Consumer,
    ts_consumer: Consumer,
    go_consumer: Consumer,
    python_consumer: Consumer,
) -> None:
    assert checkout.schema["version"] == VERSION  # GetSchema through `pulumi package get-schema`
    for consumer in (yaml_consumer, ts_consumer, go_consumer, python_consumer):
        project = yaml.safe_load((consumer.program / "Pulumi.yaml").read_text())
        assert project["packages"] == {"tiered-sg": "../../components"}
    lock = yaml.safe_load(sdk_file(yaml_consumer, f"tiered-sg-{VERSION}.yaml").read_text())
    assert lock["version"] == VERSION
    npm = json.loads(sdk_file(ts_consumer, "package.json").read_text())
    assert (npm["version"], npm["pulumi"]["version"]) == (VERSION, VERSION)
    go = json.loads(sdk_file(go_consumer, "tieredsg", "pulumi-plugin.json").read_text())
    assert go["version"] == VERSION
    python = sdk_file(python_consumer, "pulumi_tiered_sg", "pulumi-plugin.json")
    assert json.loads(python.read_text())["version"] == VERSION
