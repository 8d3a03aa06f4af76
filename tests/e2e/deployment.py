"""One stack of the chain deployed for real, as the `up` tests drive it and read it back.

The workspace's stand-in default endpoint is a dead port (:data:`DEAD_ENDPOINT`): only the
stack's `aws:endpoints`, set as a user sets it, aims the provider at the emulator.
"""

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from tests.e2e.chain_urns import LOCAL_GROUPS, LOCAL_RULES, ChainUrns
from tests.e2e.ec2_readback import Ec2View, planned_chain, tags_of
from tests.e2e.emulator import Emulator
from tests.e2e.engine_events import EngineOutcome
from tests.e2e.workspace import Background, Workspace

DEAD_ENDPOINT = "http://127.0.0.1:9"
POLL_S = 0.05
T = TypeVar("T")


def tiers(*entries: tuple[str, tuple[str, ...]]) -> dict[str, str]:
    """`tiered-sg:tiers` as `config set-all --path` pairs: (name, ports) per tier."""
    values: dict[str, str] = {}
    for position, (name, ports) in enumerate(entries):
        values[f"tiered-sg:tiers[{position}].name"] = name
        for index, port in enumerate(ports):
            values[f"tiered-sg:tiers[{position}].ports[{index}]"] = port
    return values


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f}s waiting for {what}"
        time.sleep(POLL_S)


def sample_while(running: Background, sample: Callable[[], T]) -> list[T]:
    """``sample()`` again and again while ``running`` runs; a failed read (moto answering
    mid-write) is skipped."""
    samples: list[T] = []
    while running.running:
        try:
            samples.append(sample())
        except Exception:  # a sample lost is not a finding
            continue
        time.sleep(POLL_S)
    return samples


class Deployment:
    """A stack of the chain in a workspace, its emulator, and the groups and rules it should
    have now (updated by the tests as they change the config)."""

    def __init__(
        self,
        workspace: Workspace,
        emulator: Emulator,
        stack: str = "local",
        groups: Iterable[str] = LOCAL_GROUPS,
        rules: Iterable[str] = LOCAL_RULES,
        *,
        default_group: bool = False,
    ) -> None:
        self.workspace = workspace
        self.stack = stack
        self.urn = ChainUrns(stack)
        self.ec2 = Ec2View(emulator.ec2())
        self.groups = set(groups)
        self.rules = set(rules)
        self.exclusive = True
        self.default_group = default_group

    def urns(self) -> set[str]:
        return self.urn.deployment(
            self.groups, self.rules, exclusive=self.exclusive, default_group=self.default_group
        )

    def preview(self, expected: dict[str, str]) -> None:
        """`pulumi preview` shows exactly ``expected`` (URN -> op)."""
        assert self.workspace.preview(self.stack, check=True).ops() == expected

    def up(self, expected: dict[str, str], *args: str) -> EngineOutcome:
        """`pulumi up --yes`: its preview and its update are both exactly ``expected``."""
        outcome = self.workspace.up(self.stack, *args)
        assert outcome.previewed.ops() == expected
        assert outcome.applied.ops() == expected
        return outcome

    def preview_then_up(self, expected: dict[str, str]) -> EngineOutcome:
        """`pulumi preview`, then `pulumi up --skip-preview` (the change just previewed): both
        exactly ``expected``."""
        self.preview(expected)
        outcome = self.workspace.up(self.stack, "--skip-preview")
        assert outcome.previewed.steps == []
        assert outcome.applied.ops() == expected
        return outcome

    def assert_ec2_is_the_plan(self) -> dict[str, Any]:
        """Every group and rule on EC2 equals the program's plan for the current config (VPC,
        description, tags, and each rule's ports, peer and description); returns the groups."""
        planned = planned_chain(self.workspace.config(self.stack))
        groups = self.ec2.chain_groups()
        assert set(groups) == set(planned) == self.groups
        vpc = self.ec2.default_vpc()
        for name, group in groups.items():
            plan = planned[name]
            assert (group["VpcId"], group["Description"]) == (vpc, plan.description), name
            assert tags_of(group) == plan.tags, name
            assert all(tags == plan.tags for tags in self.ec2.rule_tags(group["GroupId"]))
        seen = self.ec2.chain_rules()
        for name, plan in planned.items():
            assert len(seen[name]) == len(plan.rules), f"{name}: {seen[name]}"
            assert set(seen[name]) == plan.rules, name
        return groups

    def rule_ids(self) -> dict[str, set[str]]:
        """Logical group name -> the ids of its rules on EC2."""
        return {n: self.ec2.rule_ids(g["GroupId"]) for n, g in self.ec2.chain_groups().items()}

    def all_rule_ids(self) -> set[str]:
        """The ids of every rule of the chain's groups on EC2."""
        return set().union(*self.rule_ids().values())

    def rule_ids_on_port(self, port: int) -> set[str]:
        """The ids of the chain's rules on EC2 that start at ``port``."""
        return {
            rule_id
            for group in self.ec2.chain_groups().values()
            for rule_id, rule in self.ec2.rules_by_id(group["GroupId"]).items()
            if rule.from_port == port
        }
