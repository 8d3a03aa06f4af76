"""`pulumi up` for real on the `local` stack, step by step, each result read back from EC2.

One deployment goes through its life in file order (each test is the next step and relies on
the ones before): a policy violation blocks the first `up`; the chain is created as planned; the
second and the reordered `up` change nothing; one changed port replaces exactly its rule pair,
never touching a kept rule; a tier added at the end adds only its own resources; an admin CIDR
comes and goes; `destroy` leaves only the VPC's default group and an empty state. Every step
list is asserted exactly (URN -> op): each change is previewed with `pulumi preview`, then
applied with `pulumi up --skip-preview`, and both must show the same steps.

The stand-in's own default endpoint is a dead port: only the stack's `aws:endpoints`, set as a
user sets it, can aim the provider at the emulator.
"""

from pathlib import Path

import pytest

from tests.e2e.aws_standin.ec2api import DELAY_ENV
from tests.e2e.chain_urns import ChainUrns, steps
from tests.e2e.conftest import WorkspaceFactory
from tests.e2e.deployment import DEAD_ENDPOINT, Deployment, sample_while, tiers
from tests.e2e.emulator import Emulator

pytestmark = pytest.mark.timeout(300)

STACK = "local"
URNS = ChainUrns(STACK)
PACK = ("--policy-pack", "policies")


@pytest.fixture(scope="module")
def chain(
    new_workspace: WorkspaceFactory, module_emulator: Emulator, pack_venv: Path
) -> Deployment:
    workspace = new_workspace(DEAD_ENDPOINT, pack_venv=pack_venv)
    workspace.pulumi("stack", "init", STACK)
    workspace.aim_at(STACK, module_emulator.endpoint)
    return Deployment(workspace, module_emulator)


def test_a_mandatory_violation_blocks_up_before_any_resource_exists(chain: Deployment) -> None:
    workspace = chain.workspace
    # A realistic slip: MySQL added to the public web tier's ports.
    workspace.set_config(
        STACK,
        tiers(("web", ("http", "https", "mysql")), ("app", ("tcp:8080",)), ("db", ("postgres",))),
    )
    outcome = workspace.up(STACK, *PACK, check=False)
    breach = URNS.rule("tiered-web-in-tcp-3306-from-0.0.0.0-0")
    assert outcome.exit_code != 0
    assert ("sg-no-public-high-risk-ports", breach, "mandatory") in {
        (f.policy, f.urn, f.level) for f in outcome.policy_findings
    }
    assert outcome.applied.steps == [], "the update must not start"
    assert chain.ec2.group_names() == ["default"]
    assert workspace.state_resources(STACK) == []
    workspace.pulumi("config", "rm", "--stack", STACK, "tiered-sg:tiers")


def test_up_creates_the_chain_as_planned(chain: Deployment) -> None:
    workspace = chain.workspace
    outcome = chain.up(steps("create", chain.urns()), *PACK)
    assert outcome.policy_findings == []
    assert outcome.applied.changes() == {"create": 27}

    groups = chain.assert_ec2_is_the_plan()
    for group in groups.values():  # AWS's default allow-all egress is gone
        assert all(not (r.egress and r.protocol == "-1") for r in chain.ec2.rules(group["GroupId"]))
    tier_ids = {name.removeprefix("tiered-"): g["GroupId"] for name, g in groups.items()}
    assert workspace.stack_outputs(STACK) == {
        "vpcId": chain.ec2.default_vpc(),
        "groupIds": {tier: tier_ids[tier] for tier in ("web", "app", "db")},
        "adminGroupId": tier_ids["admin"],
        "ruleCount": 13,
    }


def test_a_second_preview_and_up_change_nothing(chain: Deployment) -> None:
    before = chain.rule_ids()
    chain.preview_then_up(steps("same", chain.urns()))
    assert chain.rule_ids() == before


def test_reordered_ports_change_nothing(chain: Deployment) -> None:
    before = chain.rule_ids()
    chain.workspace.set_config(
        STACK, tiers(("web", ("https", "http")), ("app", ("tcp:8080",)), ("db", ("postgres",)))
    )
    chain.preview_then_up(steps("same", chain.urns()))
    assert chain.rule_ids() == before
    chain.assert_ec2_is_the_plan()


def test_one_changed_port_replaces_its_rule_pair_and_no_kept_rule_ever_goes_missing(
    chain: Deployment,
) -> None:
    replaced = chain.rule_ids_on_port(8080)
    kept = chain.all_rule_ids() - replaced
    assert len(replaced) == 2 and len(kept) == 11
    others = chain.ec2.all_rule_ids() - kept - replaced  # the VPC default group's own rules
    old = ("tiered-web-out-tcp-8080-to-app", "tiered-app-in-tcp-8080-from-web")
    new = ("tiered-web-out-tcp-8081-to-app", "tiered-app-in-tcp-8081-from-web")
    unchanged = chain.urns() - {URNS.rule(name) for name in old}
    changes = {URNS.rule(name): "create" for name in new}
    changes |= {URNS.rule(name): "delete" for name in old}
    changes |= {URNS.exclusive(g): "update" for g in ("tiered-web", "tiered-app")}
    expected = steps("same", unchanged | set(changes), changes)
    chain.workspace.set_config(STACK, {"tiered-sg:tiers[1].ports[0]": "tcp:8081"})
    chain.preview(expected)

    # The up, watched from EC2 while it runs (its calls slowed so that every step is seen).
    up = ("up", "--stack", STACK, "--yes", "--skip-preview", "--json")
    with chain.workspace.spawn(*up, env={DELAY_ENV: "0.2"}) as running:
        seen = sample_while(running, chain.ec2.all_rule_ids)
        done = running.wait()
    assert done.exit_code == 0, done.output[-3000:]
    outcome = done.events()
    assert outcome.applied.ops() == expected
    chain.rules = (chain.rules - set(old)) | set(new)
    assert len(seen) >= 5, "EC2 was not watched during the up"
    assert all(kept <= ids for ids in seen), "a kept rule went missing during the up"
    assert any(replaced & ids and ids - kept - replaced - others for ids in seen), (
        "the new rules are made while the old ones still exist"
    )

    # Order: the new rule exists before its group's exclusive list names it (the list then
    # holds every kept rule's known id), and the old rule goes last.
    order = [(s.op, s.urn) for s in outcome.applied.finished()]
    for group, created, deleted in zip(("tiered-web", "tiered-app"), new, old, strict=True):
        assert (
            order.index(("create", URNS.rule(created)))
            < order.index(("update", URNS.exclusive(group)))
            < order.index(("delete", URNS.rule(deleted)))
        )
    chain.assert_ec2_is_the_plan()
    now = chain.all_rule_ids()
    assert kept <= now and not replaced & now and len(now - kept) == 2


def test_a_tier_added_at_the_end_adds_only_its_own_resources(chain: Deployment) -> None:
    before = chain.rule_ids()
    added = {
        "tiered-cache-in-tcp-6379-from-db",
        "tiered-cache-in-tcp-22-from-admin",
        "tiered-db-out-tcp-6379-to-cache",
        "tiered-admin-out-tcp-22-to-cache",
    }
    cache = URNS.deployment(["tiered-cache"], added) - URNS.deployment([], [])
    changes = dict.fromkeys(cache, "create")
    # db now sends to cache, admin reaches it: their exclusive lists grow by that rule.
    changes |= {URNS.exclusive(g): "update" for g in ("tiered-db", "tiered-admin")}
    chain.workspace.set_config(
        STACK, {"tiered-sg:tiers[3].name": "cache", "tiered-sg:tiers[3].ports[0]": "redis"}
    )
    chain.preview_then_up(steps("same", chain.urns() | cache, changes))
    chain.groups.add("tiered-cache")
    chain.rules |= added
    chain.assert_ec2_is_the_plan()
    after = chain.rule_ids()
    for group, ids in before.items():
        assert ids <= after[group], f"{group} lost a rule"


def test_an_admin_cidr_added_then_removed(chain: Deployment) -> None:
    workspace = chain.workspace
    before = chain.rule_ids()
    vpn = "tiered-admin-in-tcp-22-from-198.51.100.0-24"
    changes = {URNS.rule(vpn): "create", URNS.exclusive("tiered-admin"): "update"}
    workspace.set_config(STACK, {"tiered-sg:adminCidrs.vpn": "198.51.100.0/24"})
    chain.preview_then_up(steps("same", chain.urns() | {URNS.rule(vpn)}, changes))
    chain.rules.add(vpn)
    chain.assert_ec2_is_the_plan()
    assert chain.rule_ids()["tiered-admin"] - before["tiered-admin"] != set()

    workspace.pulumi("config", "rm", "--stack", STACK, "--path", "tiered-sg:adminCidrs.vpn")
    changes = {URNS.rule(vpn): "delete", URNS.exclusive("tiered-admin"): "update"}
    chain.preview_then_up(steps("same", chain.urns(), changes))
    chain.rules.remove(vpn)
    chain.assert_ec2_is_the_plan()
    assert chain.rule_ids() == before


def test_destroy_leaves_only_the_default_group_and_an_empty_state(chain: Deployment) -> None:
    workspace = chain.workspace
    default = chain.ec2.default_group(chain.ec2.default_vpc())
    default_rules = chain.ec2.rule_ids(default["GroupId"])
    outcome = workspace.destroy(STACK)
    expected = steps("delete", chain.urns())
    assert outcome.previewed.ops() == outcome.applied.ops() == expected
    assert chain.ec2.group_names() == ["default"]
    assert chain.ec2.all_rule_ids() == default_rules
    assert workspace.state_resources(STACK) == []
    workspace.pulumi("stack", "rm", "--stack", STACK, "--yes")
    assert workspace.pulumi("stack", "ls", "--json").stdout.strip() == "[]"
