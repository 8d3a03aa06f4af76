"""Stacks deployed with 0.1.0 update in place to today's child names. 0.1.0 wrote an IPv6 peer
into a rule's name with every ':' and '/' as '-' (``tiered-web-in-tcp-443-from----0``); the name
now reads the network in full (``...-from-0.0.0.0.0.0.0.0-0``), and each such rule carries its
former name as an alias. The state 0.1.0 left is made here with ``pulumi state rename``."""

import pytest

from tests.e2e.chain_urns import steps
from tests.e2e.conftest import WorkspaceFactory
from tests.e2e.deployment import DEAD_ENDPOINT, Deployment
from tests.e2e.emulator import Emulator
from tests.e2e.test_up_foreign_groups import PROD_GROUPS, PROD_RULES

pytestmark = pytest.mark.timeout(300)

NEW, OLD = "0.0.0.0.0.0.0.0-0", "---0"  # ::/0 in full; 0.1.0: each of ":", "/" as "-"


def test_rules_named_as_0_1_0_named_them_are_renamed_in_place(
    new_workspace: WorkspaceFactory, emulator: Emulator
) -> None:
    workspace = new_workspace(DEAD_ENDPOINT)
    workspace.pulumi("stack", "init", "prod")
    workspace.aim_at("prod", emulator.endpoint)
    prod = Deployment(workspace, emulator, "prod", PROD_GROUPS, PROD_RULES, default_group=True)
    prod.up(steps("create", prod.urns()))
    ids = prod.all_rule_ids()

    renamed = sorted(urn for urn in prod.urns() if urn.endswith(NEW))
    assert len(renamed) == 2  # web's ports 80 and 443 from ::/0
    for urn in renamed:
        former = urn.rsplit("::", 1)[1].removesuffix(NEW) + OLD
        workspace.pulumi("state", "rename", "--stack", "prod", "--yes", urn, former)
    exported = workspace.pulumi("stack", "export", "--stack", "prod").stdout
    assert NEW not in exported and exported.count(f"-from-{OLD}") >= 2

    # Found under their former names: no create, no delete, the same rules on EC2.
    prod.up(steps("same", prod.urns()))
    assert prod.all_rule_ids() == ids
    assert NEW in workspace.pulumi("stack", "export", "--stack", "prod").stdout
    prod.preview(steps("same", prod.urns()))
