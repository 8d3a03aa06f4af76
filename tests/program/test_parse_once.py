"""One run of the program (what `make preflight` records) parses the chain's inputs once.

Config -> ChainSpec at the edge, then the spec is the only currency: the plan yields one GroupSpec
per group and the components register those, so no input string is read a second time.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from preflight.stack_files import load_stack_config
from tests.program.test_main import ROOT, run_stack
from tiered_sg import ChainSpec, Peer, Port, parse_config
from tiered_sg.group_spec import GroupSpec


@dataclass
class Spy:
    """Counts of what was built or parsed while it was installed."""

    chain_specs: int = 0
    group_specs: Counter[str] = field(default_factory=Counter)
    port_parses: int = 0
    cidr_peers: int = 0
    admin_peers: list[Peer] = field(default_factory=list)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Spy]:
    found = Spy()

    def counting(init: Callable[..., None], count: Callable[..., None]) -> Callable[..., None]:
        def wrapped(self: Any, *args: Any, **kwargs: Any) -> None:
            init(self, *args, **kwargs)
            count(self)

        return wrapped

    def on_chain(_: ChainSpec) -> None:
        found.chain_specs += 1

    def on_group(spec: GroupSpec) -> None:
        found.group_specs[spec.name] += 1
        if spec.name.endswith("-admin"):
            found.admin_peers.extend(rule.peer for rule in spec.rules)

    def on_peer(peer: Peer) -> None:
        found.cidr_peers += peer.is_cidr

    parse = Port.parse.__func__  # type: ignore[attr-defined]

    def counting_parse(cls: type[Port], text: str) -> Port:
        found.port_parses += 1
        result: Port = parse(cls, text)
        return result

    monkeypatch.setattr(ChainSpec, "__init__", counting(ChainSpec.__init__, on_chain))
    monkeypatch.setattr(GroupSpec, "__init__", counting(GroupSpec.__init__, on_group))
    monkeypatch.setattr(Peer, "__init__", counting(Peer.__init__, on_peer))
    monkeypatch.setattr(Port, "parse", classmethod(counting_parse))
    yield found


def test_one_program_run_builds_one_chain_spec_and_one_spec_per_group(pulumi_runtime, spy):
    config = load_stack_config(ROOT, "dev").config
    parse_config(config)  # the config edge alone: the baseline of string parsing
    edge_ports, edge_cidrs = spy.port_parses, spy.cidr_peers
    assert spy.chain_specs == 1 and edge_ports > 0 and edge_cidrs > 0
    spy.chain_specs, spy.port_parses, spy.cidr_peers = 0, 0, 0

    run_stack(pulumi_runtime, "dev")

    assert spy.chain_specs == 1
    groups = ["tiered-web", "tiered-app", "tiered-db", "tiered-admin"]
    assert spy.group_specs == Counter({name: 1 for name in groups})
    # Nothing past the config edge reads a port string or a CIDR again.
    assert spy.port_parses == edge_ports
    assert spy.cidr_peers == edge_cidrs


def test_admin_cidr_labels_survive_into_the_admin_groups_rules(pulumi_runtime, spy):
    run_stack(pulumi_runtime, "dev")
    cidrs = [peer for peer in spy.admin_peers if peer.is_cidr]
    assert [(peer.label, peer.value) for peer in cidrs] == [("office", "203.0.113.10/32")]
