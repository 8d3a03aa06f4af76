"""The whole program (__main__.py) under mocks, with each stack's real config files.

The config is what the CLI would hand the program: Pulumi.yaml's declared defaults merged with
Pulumi.<stack>.yaml (preflight.stack_files implements that merge for preflight too).
"""

import runpy
from pathlib import Path

import pulumi
import pytest
from pulumi.runtime import settings

from preflight.stack_files import load_stack_config

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "__main__.py"
CHAIN = "tiered-sg:index:TieredSecurityGroups"
COMPONENT = "tiered-sg:index:ManagedSecurityGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
ALB = "sg-0fedcba9876543210"


def run_stack(runtime, stack, **overrides):
    config = {**load_stack_config(ROOT, stack).config, **overrides}
    runtime.configure(stack=stack, config=config)
    runtime.run(lambda: runpy.run_path(str(PROGRAM), run_name="__main__"))
    return {name: runtime.resolve(value) for name, value in _exports().items()}


def _exports():
    root = settings.get_root_resource()
    assert root is not None
    return root.outputs  # type: ignore[attr-defined]


def rules(runtime):
    """Every rule as name -> (protocol, from, to, peer), group peers named by group."""
    group_of = {r.id: r.name for r in runtime.of_type(SG)}
    found = {}
    for rule in runtime.registrations:
        if rule.type in (INGRESS, EGRESS):
            inputs = rule.inputs
            peer = (
                group_of.get(
                    inputs["referencedSecurityGroupId"], inputs["referencedSecurityGroupId"]
                )
                if "referencedSecurityGroupId" in inputs
                else inputs.get("cidrIpv4") or inputs.get("cidrIpv6")
            )
            owner = group_of[inputs["securityGroupId"]]
            found[rule.name] = (
                owner,
                inputs["ipProtocol"],
                inputs["fromPort"],
                inputs["toPort"],
                peer,
            )
    return found


def resources(runtime):
    return sorted((r.type, r.name) for r in runtime.registrations)


DEV_RULES = {
    "tiered-web-in-tcp-80-from-0.0.0.0-0": ("tiered-web", "tcp", 80, 80, "0.0.0.0/0"),
    "tiered-web-in-tcp-443-from-0.0.0.0-0": ("tiered-web", "tcp", 443, 443, "0.0.0.0/0"),
    "tiered-web-in-tcp-22-from-admin": ("tiered-web", "tcp", 22, 22, "tiered-admin"),
    "tiered-web-out-tcp-8080-to-app": ("tiered-web", "tcp", 8080, 8080, "tiered-app"),
    "tiered-app-in-tcp-8080-from-web": ("tiered-app", "tcp", 8080, 8080, "tiered-web"),
    "tiered-app-in-tcp-22-from-admin": ("tiered-app", "tcp", 22, 22, "tiered-admin"),
    "tiered-app-out-tcp-5432-to-db": ("tiered-app", "tcp", 5432, 5432, "tiered-db"),
    "tiered-db-in-tcp-5432-from-app": ("tiered-db", "tcp", 5432, 5432, "tiered-app"),
    "tiered-db-in-tcp-22-from-admin": ("tiered-db", "tcp", 22, 22, "tiered-admin"),
    "tiered-admin-in-tcp-22-from-203.0.113.10-32": (
        "tiered-admin",
        "tcp",
        22,
        22,
        "203.0.113.10/32",
    ),
    "tiered-admin-out-tcp-22-to-web": ("tiered-admin", "tcp", 22, 22, "tiered-web"),
    "tiered-admin-out-tcp-22-to-app": ("tiered-admin", "tcp", 22, 22, "tiered-app"),
    "tiered-admin-out-tcp-22-to-db": ("tiered-admin", "tcp", 22, 22, "tiered-db"),
}

PROD_RULES = {
    "tiered-web-in-tcp-80-from-0.0.0.0-0": ("tiered-web", "tcp", 80, 80, "0.0.0.0/0"),
    "tiered-web-in-tcp-443-from-0.0.0.0-0": ("tiered-web", "tcp", 443, 443, "0.0.0.0/0"),
    "tiered-web-in-tcp-80-from-0.0.0.0.0.0.0.0-0": ("tiered-web", "tcp", 80, 80, "::/0"),
    "tiered-web-in-tcp-443-from-0.0.0.0.0.0.0.0-0": ("tiered-web", "tcp", 443, 443, "::/0"),
    "tiered-web-out-tcp-8080-to-app": ("tiered-web", "tcp", 8080, 8080, "tiered-app"),
    "tiered-app-in-tcp-8080-from-web": ("tiered-app", "tcp", 8080, 8080, "tiered-web"),
    "tiered-app-out-tcp-5432-to-db": ("tiered-app", "tcp", 5432, 5432, "tiered-db"),
    "tiered-db-in-tcp-5432-from-app": ("tiered-db", "tcp", 5432, 5432, "tiered-app"),
}


def _expected_resources(groups, rule_names, default_group=False):
    expected = [(CHAIN, "tiered")]
    expected += [(COMPONENT, f"tiered-{g}") for g in groups]
    expected += [(SG, f"tiered-{g}") for g in groups]
    expected += [(EXCLUSIVE, f"tiered-{g}-rules-exclusive") for g in groups]
    expected += [(INGRESS if "-in-" in n else EGRESS, n) for n in rule_names]
    if default_group:
        expected.append((DEFAULT_GROUP, "tiered-default-group"))
    return sorted(expected)


def exclusive_lists(runtime):
    """Each exclusive rule set as group name -> (ingress rule names, egress rule names)."""
    group_of = {r.id: r.name for r in runtime.of_type(SG)}
    rule_of = {r.id: r.name for r in runtime.registrations if r.type in (INGRESS, EGRESS)}
    return {
        group_of[r.inputs["securityGroupId"]]: (
            [rule_of[i] for i in r.inputs["ingressRuleIds"]],
            [rule_of[i] for i in r.inputs["egressRuleIds"]],
        )
        for r in runtime.of_type(EXCLUSIVE)
    }


def owned_rules(rule_names):
    """The exclusive lists a stack must have: every group's own rules, in name order."""
    owned = {}
    for name in sorted(rule_names):
        group = name.split("-in-")[0] if "-in-" in name else name.split("-out-")[0]
        ingress, egress = owned.setdefault(group, ([], []))
        (ingress if "-in-" in name else egress).append(name)
    return owned


def test_dev_stack_is_one_group_per_tier_plus_admin_and_the_chain_rules_only(pulumi_runtime):
    exports = run_stack(pulumi_runtime, "dev")
    assert resources(pulumi_runtime) == _expected_resources(
        ["web", "app", "db", "admin"], DEV_RULES
    )
    assert len(pulumi_runtime.registrations) == 1 + 4 + 4 + 4 + 13
    assert exclusive_lists(pulumi_runtime) == owned_rules(DEV_RULES)
    assert rules(pulumi_runtime) == DEV_RULES
    default_vpc = pulumi_runtime.cloud.default_vpc_id
    for group in pulumi_runtime.of_type(SG):
        assert group.inputs["vpcId"] == default_vpc
        assert group.inputs["tags"]["environment"] == "dev"
        assert set(group.inputs) == {"vpcId", "description", "tags"}
    assert pulumi_runtime.cloud.calls == [("aws:ec2/getVpc:getVpc", {"default": True})]
    ids = {r.name: r.id for r in pulumi_runtime.of_type(SG)}
    assert exports == {
        "vpcId": default_vpc,
        "groupIds": {t: ids[f"tiered-{t}"] for t in ("web", "app", "db")},
        "adminGroupId": ids["tiered-admin"],
        "ruleCount": 13,
    }


def test_prod_stack_has_no_admin_access_and_ipv6_entry(pulumi_runtime):
    exports = run_stack(pulumi_runtime, "prod")
    assert resources(pulumi_runtime) == _expected_resources(
        ["web", "app", "db"], PROD_RULES, default_group=True
    )
    assert len(pulumi_runtime.registrations) == 1 + 3 + 3 + 3 + 8 + 1
    assert exclusive_lists(pulumi_runtime) == owned_rules(PROD_RULES)
    closed = pulumi_runtime.named("tiered-default-group", DEFAULT_GROUP)
    assert closed.inputs == {
        "vpcId": pulumi_runtime.cloud.default_vpc_id,
        "ingress": [],
        "egress": [],
        "tags": {"environment": "prod"},
    }
    assert closed.parent == pulumi_runtime.named("tiered", CHAIN).urn
    assert rules(pulumi_runtime) == PROD_RULES
    assert not [r for r in pulumi_runtime.registrations if r.inputs.get("fromPort") == 22]
    assert exports["adminGroupId"] is None
    assert exports["ruleCount"] == 8


def test_local_stack_builds_the_same_chain_as_dev(pulumi_runtime):
    run_stack(pulumi_runtime, "local")
    assert rules(pulumi_runtime) == DEV_RULES
    tags = {r.inputs["tags"]["environment"] for r in pulumi_runtime.of_type(SG)}
    assert tags == {"local"}


def test_an_existing_entry_group_reaches_tier_0_and_changes_nothing_else(pulumi_runtime):
    run_stack(pulumi_runtime, "dev", **{"tiered-sg:entrySecurityGroups": f'{{"alb": "{ALB}"}}'})
    found = rules(pulumi_runtime)
    from_alb = {
        "tiered-web-in-tcp-80-from-alb": ("tiered-web", "tcp", 80, 80, ALB),
        "tiered-web-in-tcp-443-from-alb": ("tiered-web", "tcp", 443, 443, ALB),
    }
    assert {n: found[n] for n in set(found) - set(DEV_RULES)} == from_alb
    assert {n: found[n] for n in DEV_RULES} == DEV_RULES  # app, db and admin exactly as before
    assert not [r for r in pulumi_runtime.registrations if r.inputs.get("securityGroupId") == ALB]
    assert exclusive_lists(pulumi_runtime)["tiered-web"][0] == sorted(
        [n for n in found if n.startswith("tiered-web-in-")]
    )


def test_a_configured_vpc_skips_the_default_vpc_lookup(pulumi_runtime):
    exports = run_stack(pulumi_runtime, "prod", **{"tiered-sg:vpcId": "vpc-0123456789abcdef0"})
    assert pulumi_runtime.cloud.calls == []
    assert {g.inputs["vpcId"] for g in pulumi_runtime.of_type(SG)} == {"vpc-0123456789abcdef0"}
    assert exports["vpcId"] == "vpc-0123456789abcdef0"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"tiered-sg:adminCidrs": '{"office": "0.0.0.0/0"}'},
            "tiered-sg:adminCidrs.office '0.0.0.0/0': opens admin access to the whole internet; "
            "list the office or VPN ranges admins connect from, e.g. '203.0.113.10/32'",
        ),
        (
            {"tiered-sg:adminPort": '["ssh"]'},
            "config key 'tiered-sg:adminPort': is not a setting of tiered-sg; "
            "did you mean 'tiered-sg:adminPorts'?",
        ),
    ],
)
def test_a_config_error_is_one_line_and_registers_nothing(pulumi_runtime, overrides, message):
    with pytest.raises(pulumi.RunError) as caught:
        run_stack(pulumi_runtime, "dev", **overrides)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert pulumi_runtime.registrations == []
