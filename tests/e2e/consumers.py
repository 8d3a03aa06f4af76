"""Other Pulumi projects using tiered-sg through `pulumi package add`, driven by the real CLI.

Each consumer runs in a workspace (tests/e2e/workspace.py) laid out like this repository, so the
commands are the examples' own (`pulumi package add ../../components`, `--policy-pack
../../policies`):

    <root>/project/components        -> one shared copy of components/ (a symlink)
    <root>/project/policies/         a copy of the pack, its venv the session's `pulumi install`
    <root>/project/examples/<name>/  the consumer project, copied from the repository

`pulumi package add` creates `components/venv` in the components directory it is given and
reinstalls the package there on every call; sharing one copy makes the venv once per module.
"""

import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.engine_events import EngineOutcome
from tests.e2e.workspace import (
    AWS_PLUGIN_VERSION,
    REPO_ROOT,
    Background,
    Run,
    Workspace,
    copy_project,
    isolated_env,
    run_bounded,
)

ENDPOINT_ENV = "TIERED_SG_STANDIN_ENDPOINT"
# package add / get-schema: the first one creates components/venv from PyPI.
INSTALL_TIMEOUT_S = 900.0
TOOL_TIMEOUT_S = 600.0

STACK = "pulumi:pulumi:Stack"
CHAIN = "tiered-sg:index:TieredSecurityGroups"
GROUP = "tiered-sg:index:ManagedSecurityGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
VPC = "aws:ec2/vpc:Vpc"

Node = tuple[str, str, str, str]
"""(type, name, parent type, parent name) of one planned resource."""


@dataclass(frozen=True)
class Checkout:
    """The shared copy of components/ and what `pulumi package get-schema` printed for it."""

    components: Path
    schema: dict[str, Any]


def copy_components(root: Path) -> Path:
    """components/ as a fresh clone has it (no venv, no build leftovers)."""
    return copy_project(root / "tiered-sg" / "components", REPO_ROOT / "components")


def make_checkout(root: Path, components: Path, bin_dir: Path, launcher: Path) -> Checkout:
    """Let the CLI build the plugin's venv in ``components``, as the first `package add` does."""
    workspace = Workspace(root, bin_dir, isolated_env(root, bin_dir))
    workspace.project.mkdir()
    # The CLI resolves the plugin's own aws dependency from the plugin cache only.
    workspace.install_aws_plugin(launcher)
    done = workspace.pulumi("package", "get-schema", str(components), timeout=INSTALL_TIMEOUT_S)
    return Checkout(components, json.loads(done.stdout))


@dataclass(frozen=True)
class Consumer:
    """One consumer project (`program`) in its isolated workspace."""

    workspace: Workspace
    program: Path

    def pulumi(self, *args: str, check: bool = True, timeout: float = TOOL_TIMEOUT_S) -> Run:
        return self.workspace.pulumi(*args, cwd=self.program, check=check, timeout=timeout)

    def run(self, *argv: str, timeout: float = TOOL_TIMEOUT_S) -> Run:
        """Any other tool (npm, go, tsc) in the project, with the workspace's environment."""
        return succeeded(
            run_bounded(argv, cwd=self.program, env=self.workspace.env, timeout=timeout)
        )

    def start(self, *argv: str) -> Background:
        """``argv`` in the project, in the background (use it in a ``with``, then wait())."""
        logs = Path(tempfile.mkdtemp(prefix="started-", dir=self.workspace.root))
        return Background(argv, self.program, self.workspace.env, logs)

    def package_add(self) -> Run:
        return self.pulumi("package", "add", "../../components", timeout=INSTALL_TIMEOUT_S)

    def new_stack(self, stack: str, config: Mapping[str, str] | None = None) -> None:
        self.pulumi("stack", "init", stack)
        for key, value in {"aws:region": "us-east-1", **(config or {})}.items():
            self.pulumi("config", "set", "--stack", stack, key, value)

    def preview(self, stack: str, *args: str) -> EngineOutcome:
        return self.pulumi("preview", "--stack", stack, "--json", *args, check=False).events()

    def up(self, stack: str) -> EngineOutcome:
        # The tests preview first themselves: up need not run the program twice.
        return self.pulumi("up", "--stack", stack, "--yes", "--skip-preview", "--json").events()

    def destroy(self, stack: str) -> EngineOutcome:
        return self.pulumi("destroy", "--stack", stack, "--yes", "--json").events()

    def outputs(self, stack: str) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(
            self.pulumi("stack", "output", "--stack", stack, "--json").stdout
        )
        return found


def succeeded(done: Run) -> Run:
    assert done.exit_code == 0, f"{' '.join(done.args)} exited {done.exit_code}:\n{done.output}"
    return done


def make_consumer(
    root: Path,
    bin_dir: Path,
    launcher: Path,
    endpoint: str,
    components: Path,
    source: Path,
    *,
    pack_venv: Path | None = None,
) -> Consumer:
    env = isolated_env(root, bin_dir, {ENDPOINT_ENV: endpoint})
    workspace = Workspace(root, bin_dir, env)
    workspace.project.mkdir()
    (workspace.project / "components").symlink_to(components, target_is_directory=True)
    program = copy_project(workspace.project / "examples" / source.name, source)
    if pack_venv is not None:
        copy_project(workspace.pack_dir, REPO_ROOT / "policies")
        workspace.use_venv(pack_venv, "venv", within=workspace.pack_dir)
    workspace.install_aws_plugin(launcher)
    return Consumer(workspace, program)


def install_aws_plugin_version(consumer: Consumer, launcher: Path, version: str) -> None:
    """The stand-in at another version too: @pulumi/aws asks for its own, the plugin for ours."""
    if version != AWS_PLUGIN_VERSION:
        consumer.pulumi("plugin", "install", "resource", "aws", version, "--file", str(launcher))


# --- what the engine planned --------------------------------------------------------------------


def _type_and_name(urn: str) -> tuple[str, str]:
    # urn:pulumi:<stack>::<project>::<parent types $ type>::<name>
    _, _, type_chain, name = urn.split("::", 3)
    return type_chain.rsplit("$", 1)[-1], name


def planned_tree(outcome: EngineOutcome) -> set[Node]:
    """Every planned resource with its parent, providers left out."""
    nodes = set()
    for event in outcome.events:
        metadata = event.get("resourcePreEvent", {}).get("metadata")
        if metadata is None or metadata["type"].startswith("pulumi:providers:"):
            continue
        state = metadata.get("new") or metadata.get("old") or {}
        parent = _type_and_name(state["parent"]) if state.get("parent") else ("", "")
        nodes.add((*_type_and_name(metadata["urn"]), *parent))
    return nodes


def under(tree: set[Node], root: tuple[str, str]) -> set[Node]:
    """The nodes of ``tree`` below ``root`` (type, name), at any depth, and ``root`` itself."""
    found = {node for node in tree if node[:2] == root}
    frontier = {root}
    while frontier:
        children = {node for node in tree if node[2:] in frontier}
        found |= children
        frontier = {node[:2] for node in children}
    return found


def chain_tree(
    chain: str, rules: Mapping[str, Iterable[str]], parent: tuple[str, str], *, default_group: bool
) -> set[Node]:
    """The resources of a chain named ``chain``: per group (tier or admin) its component, its
    security group, its exclusive rule set and its rules (``in-...`` / ``out-...`` suffixes)."""
    nodes: set[Node] = {(CHAIN, chain, *parent)}
    if default_group:
        nodes.add((DEFAULT_SG, f"{chain}-default-group", CHAIN, chain))
    for tier, suffixes in rules.items():
        group = f"{chain}-{tier}"
        nodes |= {
            (GROUP, group, CHAIN, chain),
            (SG, group, GROUP, group),
            (EXCLUSIVE, f"{group}-rules-exclusive", GROUP, group),
        }
        for suffix in suffixes:
            kind = INGRESS if suffix.startswith("in-") else EGRESS
            nodes.add((kind, f"{group}-{suffix}", GROUP, group))
    return nodes


FOUR_TIERS: dict[str, tuple[str, ...]] = {
    # examples/consumer-yaml's tiers, public over IPv4 and IPv6 (::/0 reads 0.0.0.0.0.0.0.0-0).
    "lb": (
        "in-tcp-80-from-0.0.0.0-0",
        "in-tcp-443-from-0.0.0.0-0",
        "in-tcp-80-from-0.0.0.0.0.0.0.0-0",
        "in-tcp-443-from-0.0.0.0.0.0.0.0-0",
        "out-tcp-8080-to-web",
    ),
    "web": ("in-tcp-8080-from-lb", "out-tcp-9000-to-app"),
    "app": ("in-tcp-9000-from-web", "out-tcp-5432-to-db"),
    "db": ("in-tcp-5432-from-app",),
}
RULE_COUNT = sum(len(rules) for rules in FOUR_TIERS.values())
