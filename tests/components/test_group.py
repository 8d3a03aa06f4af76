"""ManagedSecurityGroup: the group's shape, its rule resources, and argument validation."""

import pulumi_aws as aws
import pytest

from tiered_sg import ManagedSecurityGroup, TieredSgError

VPC = "vpc-0a1b2c3d4e5f60718"
COMPONENT = "tiered-sg:index:ManagedSecurityGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
PEER_FIELDS = {"cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"}


def _build(runtime, name="bastion", **args):
    return runtime.run(lambda: ManagedSecurityGroup(name, {"vpc_id": VPC, **args}))


def test_group_has_no_inline_rules_no_fixed_name_and_a_generated_description(pulumi_runtime):
    _build(pulumi_runtime, tags={"team": "ops"})
    group = pulumi_runtime.named("bastion", SG)
    assert group.inputs == {
        "vpcId": VPC,
        "description": "bastion security group, managed by tiered-sg",
        "tags": {"team": "ops"},
    }


def test_every_peer_kind_becomes_one_rule_resource_with_one_peer_field(pulumi_runtime):
    _build(
        pulumi_runtime,
        description="Bastion hosts",
        ingress=[
            {
                "ports": ["ssh"],
                "cidrs": ["203.0.113.10/32", "2001:db8::/48"],
                "prefix_list_ids": ["pl-0123456789abcdef0"],
                "security_groups": {"vpn": "sg-0123456789abcdef0"},
            }
        ],
        egress=[{"ports": ["all"], "cidrs": ["10.0.0.0/8"], "description": "Anything internal"}],
        tags={"team": "ops"},
    )
    component = pulumi_runtime.named("bastion", COMPONENT)
    group = pulumi_runtime.named("bastion", SG)
    rules = {r.name: r for r in pulumi_runtime.registrations if r.type in (INGRESS, EGRESS)}
    assert set(rules) == {
        "bastion-in-tcp-22-from-203.0.113.10-32",
        "bastion-in-tcp-22-from-2001.db8.0.0.0.0.0.0-48",
        "bastion-in-tcp-22-from-pl-0123456789abcdef0",
        "bastion-in-tcp-22-from-vpn",
        "bastion-out-all-to-10.0.0.0-8",
    }
    peers = {
        name: {k: v for k, v in r.inputs.items() if k in PEER_FIELDS} for name, r in rules.items()
    }
    assert peers == {
        "bastion-in-tcp-22-from-203.0.113.10-32": {"cidrIpv4": "203.0.113.10/32"},
        "bastion-in-tcp-22-from-2001.db8.0.0.0.0.0.0-48": {"cidrIpv6": "2001:db8::/48"},
        "bastion-in-tcp-22-from-pl-0123456789abcdef0": {"prefixListId": "pl-0123456789abcdef0"},
        "bastion-in-tcp-22-from-vpn": {"referencedSecurityGroupId": "sg-0123456789abcdef0"},
        "bastion-out-all-to-10.0.0.0-8": {"cidrIpv4": "10.0.0.0/8"},
    }
    everything = rules["bastion-out-all-to-10.0.0.0-8"]
    assert everything.inputs["ipProtocol"] == "-1"
    assert "fromPort" not in everything.inputs and "toPort" not in everything.inputs
    assert everything.inputs["description"] == "Anything internal"
    ssh = rules["bastion-in-tcp-22-from-vpn"]
    assert (ssh.inputs["ipProtocol"], ssh.inputs["fromPort"], ssh.inputs["toPort"]) == (
        "tcp",
        22,
        22,
    )
    assert ssh.inputs["description"] == "Allow ssh (tcp:22) from vpn"
    for rule in rules.values():
        assert rule.parent == component.urn
        assert rule.inputs["securityGroupId"] == group.id
        assert rule.inputs["tags"] == {"team": "ops"}
        assert rule.property_dependencies["securityGroupId"] == [group.urn]
    assert group.parent == component.urn
    assert group.inputs["description"] == "Bastion hosts"
    assert pulumi_runtime.monitor.component_outputs[component.urn] == {
        "groupId": group.id,
        "ruleCount": 5,
    }


def test_identical_rules_are_written_once(pulumi_runtime):
    group = _build(
        pulumi_runtime,
        ingress=[
            {"ports": ["https", "tcp:443"], "cidrs": ["0.0.0.0/0"]},
            {"ports": ["tcp:443-443"], "cidrs": ["0.0.0.0/0"], "description": "Again"},
        ],
    )
    rules = pulumi_runtime.of_type(INGRESS)
    assert [r.name for r in rules] == ["bastion-in-tcp-443-from-0.0.0.0-0"]
    assert rules[0].inputs["description"] == "Allow https (tcp:443) from 0.0.0.0/0"
    assert pulumi_runtime.resolve(group.rule_count) == 1


A_ID = "sg-0123456789abcdef0"
B_ID = "sg-0fedcba987654321f"


def test_one_label_bound_to_two_groups_is_refused_not_silently_merged(pulumi_runtime):
    # Rules are named by label: before this was refused, the second group's rule compared equal
    # to the first one's and was dropped, so group B lost its access without an error.
    def program():
        with pytest.raises(TieredSgError) as caught:
            ManagedSecurityGroup(
                "db",
                {
                    "vpc_id": VPC,
                    "ingress": [
                        {"ports": ["postgres"], "security_groups": {"x": A_ID}},
                        {"ports": ["postgres"], "security_groups": {"x": B_ID}},
                    ],
                },
            )
        return str(caught.value)

    assert pulumi_runtime.run(program) == (
        f"ingress[1].security_groups['x'] {B_ID!r}: is a second group under the label 'x', which "
        f"ingress[0].security_groups['x'] binds to {A_ID!r}; give each security group its own "
        "label"
    )
    assert pulumi_runtime.registrations == []


def test_one_label_bound_to_one_group_twice_is_one_rule(pulumi_runtime):
    group = _build(
        pulumi_runtime,
        ingress=[
            {"ports": ["postgres"], "security_groups": {"x": A_ID}},
            {"ports": ["postgres"], "security_groups": {"x": A_ID}, "description": "Again"},
        ],
        egress=[{"ports": ["https"], "security_groups": {"x": A_ID}}],
    )
    assert [r.name for r in pulumi_runtime.of_type(INGRESS)] == ["bastion-in-tcp-5432-from-x"]
    assert pulumi_runtime.resolve(group.rule_count) == 2
    assert {rule.peer.group_id for rule in group.rules} == {A_ID}


def _two_groups() -> tuple[aws.ec2.SecurityGroup, aws.ec2.SecurityGroup]:
    return (
        aws.ec2.SecurityGroup("a", vpc_id=VPC, description="a"),
        aws.ec2.SecurityGroup("b", vpc_id=VPC, description="b"),
    )


def test_one_label_bound_to_two_output_ids_is_refused_like_two_string_ids(pulumi_runtime):
    # Issue 20, bug 1: Outputs are how programs pass ids, and two Outputs under one label used
    # to compare equal, so the second rule was deduplicated away and group b lost its access.
    def program():
        a, b = _two_groups()
        with pytest.raises(TieredSgError) as caught:
            ManagedSecurityGroup(
                "bastion",
                {
                    "vpc_id": VPC,
                    "ingress": [
                        {"ports": ["ssh"], "security_groups": {"x": a.id}},
                        {"ports": ["ssh"], "security_groups": {"x": b.id}},
                    ],
                },
            )
        return str(caught.value)

    assert pulumi_runtime.run(program) == (
        "ingress[1].security_groups['x'] <Output>: is a second group under the label 'x', which "
        "ingress[0].security_groups['x'] binds to <Output>; give each security group its own "
        "label"
    )
    # Registrations run on threads: their order is not the program's.
    assert sorted(r.name for r in pulumi_runtime.registrations) == ["a", "b"]


def test_one_output_id_under_one_label_twice_is_one_rule(pulumi_runtime):
    def program():
        a, _ = _two_groups()
        return ManagedSecurityGroup(
            "bastion",
            {
                "vpc_id": VPC,
                "ingress": [
                    {"ports": ["ssh"], "security_groups": {"x": a.id}},
                    {"ports": ["ssh"], "security_groups": {"x": a.id}, "description": "Again"},
                ],
            },
        )

    group = pulumi_runtime.run(program)
    (rule,) = pulumi_runtime.of_type(INGRESS)
    assert rule.name == "bastion-in-tcp-22-from-x"
    assert rule.inputs["referencedSecurityGroupId"] == pulumi_runtime.named("a", SG).id
    assert pulumi_runtime.resolve(group.rule_count) == 1


def test_no_rules_means_no_egress_at_all(pulumi_runtime):
    _build(pulumi_runtime)
    assert [r.type for r in pulumi_runtime.registrations] == [COMPONENT, SG, EXCLUSIVE]
    # Exclusive ownership of no rules is what keeps a closed group closed.
    exclusive = pulumi_runtime.named("bastion-rules-exclusive", EXCLUSIVE)
    assert exclusive.inputs == {
        "securityGroupId": pulumi_runtime.named("bastion", SG).id,
        "ingressRuleIds": [],
        "egressRuleIds": [],
    }


def test_over_quota_registers_nothing(pulumi_runtime):
    cidrs = [f"10.0.{i}.0/24" for i in range(61)]

    def program():
        with pytest.raises(TieredSgError) as caught:
            ManagedSecurityGroup(
                "big", {"vpc_id": VPC, "egress": [{"ports": ["https"], "cidrs": cidrs}]}
            )
        return str(caught.value)

    message = pulumi_runtime.run(program)
    assert message.startswith("security group 'big': 61 outbound IPv4 rules exceed the AWS quota")
    assert pulumi_runtime.registrations == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"ingres": []},
            "key 'ingres': is not a known setting; did you mean 'ingress'?",
        ),
        (
            {"ingress": {"ports": ["ssh"]}},
            "ingress {'ports': ['ssh']}: is a mapping where a list of rules is expected; "
            "write a list such as [{'ports': ['https'], 'cidrs': ['10.0.0.0/16']}]",
        ),
        (
            {"ingress": [{"ports": "ssh", "cidrs": ["10.0.0.0/8"]}]},
            "ingress[0].ports 'ssh': is a string where a list of ports is expected; "
            "write a list such as ['https', 'tcp:8080']",
        ),
        (
            {"ingress": [{"ports": ["ssh"]}]},
            "ingress[0] {'ports': ['ssh']}: names no peer; "
            "add cidrs, prefix_list_ids or security_groups",
        ),
        (
            {"egress": [{"ports": ["ssh"], "cidrs": ["10.0.0.0/8", "10.1.2.3/16"]}]},
            "egress[0].cidrs[1] '10.1.2.3/16': has host bits set; "
            "use the network '10.1.0.0/16', or '10.1.2.3/32' for that one address",
        ),
        (
            {"egress": [{"ports": ["icmpv6"], "cidrs": ["10.0.0.0/8"]}]},
            "egress[0] 'icmpv6 10.0.0.0/8': icmpv6 never matches ipv4 traffic; "
            "use icmp for ipv4 peers",
        ),
        (
            {
                "ingress": [
                    {"ports": ["ssh"], "security_groups": {"9lives": "sg-0123456789abcdef0"}}
                ]
            },
            "ingress[0].security_groups['9lives'] '9lives': must start with a letter and hold "
            "only letters, digits, '.', '_' or '-' (at most 63 characters); "
            "pick a short name such as 'web' or 'office-vpn'",
        ),
        (
            {
                "ingress": [
                    {
                        "ports": ["ssh"],
                        "cidrs": ["fd00::/8"],
                        "security_groups": {"fd00.0.0.0.0.0.0.0-8": "sg-0123456789abcdef0"},
                    }
                ]
            },
            "rule name 'bastion-in-tcp-22-from-fd00.0.0.0.0.0.0.0-8': both Peer(ipv6:fd00::/8) and "
            "Peer(group:fd00.0.0.0.0.0.0.0-8) map to it; rename the security group label so it "
            "differs from the CIDR or prefix list",
        ),
        (
            # The same check, and message, as every other argument that takes a group id.
            {"ingress": [{"ports": ["ssh"], "security_groups": {"vpn": "sg-0123456789"}}]},
            "ingress[0].security_groups['vpn'] 'sg-0123456789': is not a security group id "
            "('sg-' and 8 or 17 lowercase hex digits); use the id AWS shows, like "
            "'sg-0123456789abcdef0'",
        ),
        (
            {"ingress": [{"ports": ["ssh"], "security_groups": {"vpn": 42}}]},
            "ingress[0].security_groups['vpn'] 42: is a number where a security group id is "
            "expected; use the id AWS shows, like 'sg-0123456789abcdef0'",
        ),
        (
            {"description": "Bastion <prod>"},
            "description 'Bastion <prod>': contains characters AWS refuses: '<>'; "
            "use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        ),
        (
            {"vpc_id": None},
            "vpc_id None: is required; pass the VPC id, e.g. aws.ec2.get_vpc(default=True).id",
        ),
        (
            {"vpc_id": "vpc-123"},
            "vpc_id 'vpc-123': is not a VPC id; use the id AWS shows, like 'vpc-0123456789abcdef0'",
        ),
    ],
)
def test_argument_refusals_register_nothing(pulumi_runtime, args, message):
    def program():
        with pytest.raises(TieredSgError) as caught:
            ManagedSecurityGroup("bastion", {"vpc_id": VPC, **args})
        return str(caught.value)

    assert pulumi_runtime.run(program) == message
    assert pulumi_runtime.registrations == []
