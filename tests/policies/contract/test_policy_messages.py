"""One whole message per policy, exactly as users read it in `pulumi preview`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sg_guardrails.catalog import POLICIES
from tests.policies.unit.chainkit import three_tiers
from tests.policies.unit.sgkit import (
    DEFAULT_SG,
    SG,
    VPC,
    VPC_IN,
    VPC_OUT,
    Outcome,
    Res,
    check,
    check_stack,
    inline,
    sg,
    vpc_rule,
)

pytestmark = pytest.mark.usefixtures("each_transport")


def _tier_breach() -> Outcome:
    stack = three_tiers()
    stack.rule("db-in-from-world", "db", port=5432, cidr="0.0.0.0/0")
    return check_stack("sg-tier-isolation", stack.resources)


def _mixed_styles() -> Outcome:
    group = Res(SG, "web", sg(ingress=[inline("tcp", 443, cidrBlocks=["10.0.0.0/8"])], id="sg-1"))
    rule = Res(VPC_IN, "web-in-80", vpc_rule("tcp", 80, cidrIpv4="10.0.0.0/8"))
    return check_stack("sg-no-mixed-rule-styles", [group, rule])


def _over_quota() -> Outcome:
    group = Res(SG, "web", sg(id="sg-1"))
    rules = [Res(VPC_IN, f"r{p}", vpc_rule("tcp", p, cidrIpv4="10.0.0.0/8")) for p in (80, 443)]
    return check_stack("sg-rule-quota", [group, *rules], config={"maxRulesPerDirection": 1})


def _unowned_rules() -> Outcome:
    stack = three_tiers(admin=False)
    stack.exclusive("web")
    stack.exclusive("app")
    return check_stack("sg-rules-owned", stack.resources)


def _two_owners() -> Outcome:
    stack = three_tiers(admin=False).owned()
    stack.exclusive("web").name = "web-taken-over"
    return check_stack("sg-rules-one-owner", stack.resources)


def _unadopted_vpc() -> Outcome:
    vpc = Res(VPC, "main", {"cidrBlock": "10.0.0.0/16", "id": "vpc-0123456789abcdef0"})
    return check_stack("sg-default-group-adopted", [vpc])


def _resource(policy: str, type_: str, props: dict[str, Any], name: str) -> Callable[[], Outcome]:
    return lambda: check(policy, type_, props, name=name)


DEFAULT_GROUP = {"vpcId": "vpc-1", "ingress": [inline("tcp", 443, cidrBlocks=["10.0.0.0/8"])]}
CASES: dict[str, tuple[Callable[[], Outcome], str]] = {
    "sg-no-public-admin-ports": (
        _resource("sg-no-public-admin-ports", VPC_IN, vpc_rule(cidrIpv4="0.0.0.0/0"), "ssh"),
        "Security group rule 'ssh' allows ingress tcp 22 from 0.0.0.0/0, which opens admin port 22 "
        "to the whole internet. Fix: Allow SSH/RDP only from an admin CIDR (e.g. 203.0.113.10/32) "
        "or an admin security group, or use AWS Systems Manager Session Manager instead of an open "
        "port.",
    ),
    "sg-no-public-high-risk-ports": (
        _resource(
            "sg-no-public-high-risk-ports",
            VPC_IN,
            vpc_rule("tcp", 3306, cidrIpv4="0.0.0.0/0"),
            "db",
        ),
        "Security group rule 'db' allows ingress tcp 3306 from 0.0.0.0/0, which opens high-risk "
        "port 3306 to the whole internet. Fix: Allow these services only from the CIDRs or "
        "security groups that need them (e.g. the app tier's group for a database port), never "
        "from 0.0.0.0/0 or ::/0.",
    ),
    "sg-no-public-all-traffic": (
        _resource(
            "sg-no-public-all-traffic",
            SG,
            sg(ingress=[inline("-1", 0, 0, cidrBlocks=["::/0"])]),
            "web",
        ),
        "Security group 'web' rule ingress[0] allows ingress all traffic from ::/0, which allows "
        "every protocol on every port to the whole internet. Fix: Replace it with rules for the "
        "protocols and ports the service needs (e.g. tcp 443 from 0.0.0.0/0).",
    ),
    "sg-public-ports-allowlist": (
        _resource("sg-public-ports-allowlist", VPC_IN, vpc_rule("udp", 53, cidrIpv6="::/0"), "dns"),
        "Security group rule 'dns' allows ingress udp 53 from ::/0, which opens port 53, not "
        "allowlisted, to the whole internet. Fix: Open only the allowlisted ports (80, 443) to the "
        "internet and restrict every other port to known CIDRs or security groups; to allow "
        "another public port, add it to authorizedPorts in the policy config.",
    ),
    "sg-default-group-closed": (
        _resource("sg-default-group-closed", DEFAULT_SG, DEFAULT_GROUP, "default"),
        "Default security group 'default' declares 1 rule(s) (ingress[0]: ingress tcp 443 from "
        "10.0.0.0/8). The default group must allow no traffic (AWS Security Hub EC2.2): anything "
        "launched without a group lands in it. Fix: remove its ingress and egress rules and put "
        "the traffic on a dedicated security group.",
    ),
    "sg-no-unrestricted-egress": (
        _resource(
            "sg-no-unrestricted-egress", VPC_OUT, vpc_rule("-1", None, cidrIpv4="0.0.0.0/0"), "out"
        ),
        "Security group rule 'out' allows egress all traffic to 0.0.0.0/0, which allows every "
        "protocol on every port towards the whole internet. Fix: Allow only the destinations and "
        "ports the workload needs (e.g. tcp 443 to 0.0.0.0/0 for updates, the database port to "
        "the db tier's group).",
    ),
    "sg-rules-described": (
        _resource("sg-rules-described", SG, sg(description="Managed by Pulumi"), "web"),
        "Security group 'web' has only the provider's default description 'Managed by Pulumi'. "
        "Fix: say what the group is for (e.g. 'web tier: HTTPS from the internet'); a group's "
        "description cannot change without replacing the group, so set it from the start.",
    ),
    "sg-no-mixed-rule-styles": (
        _mixed_styles,
        "Security group 'web' declares inline rules (ingress[0] (ingress tcp 443 from 10.0.0.0/8)) "
        "and also has rule resources attached ('web-in-80'). The provider then rewrites the "
        "group's rule list on every update and deletes one style's rules. Fix: move every inline "
        "rule to aws.vpc.SecurityGroupIngressRule/SecurityGroupEgressRule resources and remove "
        "ingress/egress from the group.",
    ),
    "sg-rule-quota": (
        _over_quota,
        "Security group 'web' has 2 ingress IPv4 rules, over the quota of 1 per direction and IP "
        "family; AWS rejects the rules past the quota. Fix: merge adjacent port ranges or CIDRs, "
        "reference a managed prefix list, or split the rules across several groups (if your "
        "account's quota is higher, set maxRulesPerDirection).",
    ),
    "sg-tier-isolation": (
        _tier_breach,
        "Security group 'db' (chain 'main', position 2) accepts ingress tcp 5432 from 0.0.0.0/0 "
        "through rule 'db-in-from-world'; not allowed: CIDR 0.0.0.0/0. A tier past the first may "
        "accept only its predecessor 'app' and the admin group 'admin' on admin port(s) 22. Fix: "
        "make the predecessor tier's group the only source of this rule (tiered-sg does this for "
        "you).",
    ),
    "sg-rules-owned": (
        _unowned_rules,
        "Security group 'db' has 1 separate rule resource(s) ('db-in-5432-from-app') but no "
        "aws.ec2.VpcSecurityGroupRulesExclusive owns its rules, so a rule added outside this "
        "program (in the console, by another tool) stays on the group and no update removes it. "
        "Fix: register aws.ec2.VpcSecurityGroupRulesExclusive with this group's id as "
        "securityGroupId and the ids of all its rules in ingressRuleIds and egressRuleIds (with "
        "the tiered-sg components: leave exclusive_rules on).",
    ),
    "sg-default-group-adopted": (
        _unadopted_vpc,
        "VPC 'main' gets a default security group from AWS that allows all traffic between its "
        "members and all outbound traffic, and nothing in this stack adopts it, so AWS Security "
        "Hub EC2.2 fails once the VPC exists. Fix: adopt it with "
        "aws.ec2.DefaultSecurityGroup(vpc_id=<this VPC's id>) and no ingress or egress (with the "
        "tiered-sg components: closeDefaultGroup / close_default_group).",
    ),
    "sg-rules-one-owner": (
        _two_owners,
        "Security group 'web' has its rules owned by 2 aws.ec2.VpcSecurityGroupRulesExclusive "
        "resources ('web-rules-exclusive', 'web-taken-over'). Each revokes every rule of the "
        "group whose id is not in its ingressRuleIds or egressRuleIds, so every update of one "
        "revokes the rules only another lists. Fix: keep one of them and list every rule of the "
        "group in it (with the tiered-sg components: declare all the group's rules on the "
        "component that owns it, or turn exclusive_rules off on every component writing rules to "
        "the group).",
    ),
}


def test_every_policy_has_a_pinned_message() -> None:
    assert set(CASES) == {policy.name for policy in POLICIES}


@pytest.mark.parametrize("policy", list(CASES))
def test_message(policy: str) -> None:
    run, expected = CASES[policy]
    outcome = run()
    assert outcome.violations == [expected]
