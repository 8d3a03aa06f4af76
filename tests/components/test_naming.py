"""Child names users read in every preview: an IPv6 peer reads in full and never collides, and a
rule renamed since 0.1.0 carries its former name as an alias."""

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from tiered_sg import ManagedSecurityGroup, Peer, Port, Rule
from tiered_sg.naming import former_rule_name, peer_name, rule_name
from tiered_sg.rules import Direction

VPC = "vpc-0a1b2c3d4e5f60718"


def rule(peer: Peer) -> Rule:
    return Rule.create(Direction.INGRESS, Port.tcp(443), peer)


def test_ipv6_peers_read_in_full_and_other_peers_as_before():
    assert peer_name(Peer.any_ipv6()) == "0.0.0.0.0.0.0.0-0"
    assert peer_name(Peer.ipv6("2001:db8::/32")) == "2001.db8.0.0.0.0.0.0-32"
    assert peer_name(Peer.ipv6("2600:1f18:abcd:1200::/56")) == "2600.1f18.abcd.1200.0.0.0.0-56"
    assert peer_name(Peer.any_ipv4()) == "0.0.0.0-0"
    assert peer_name(Peer.prefix_list("pl-0123456789abcdef0")) == "pl-0123456789abcdef0"
    assert peer_name(Peer.group("sg-0123456789abcdef0", label="alb")) == "alb"


def test_only_ipv6_rules_have_a_former_name():
    assert rule_name("web", rule(Peer.any_ipv6())) == "web-in-tcp-443-from-0.0.0.0.0.0.0.0-0"
    assert former_rule_name("web", rule(Peer.any_ipv6())) == "web-in-tcp-443-from----0"
    assert former_rule_name("web", rule(Peer.ipv6("2001:db8::/32"))) == (
        "web-in-tcp-443-from-2001-db8---32"
    )
    assert former_rule_name("web", rule(Peer.any_ipv4())) is None
    assert former_rule_name("web", rule(Peer.group("sg-0123456789abcdef0", label="a"))) is None


ipv6_networks = st.builds(
    lambda address, prefix: ipaddress.IPv6Network((address, prefix), strict=False),
    st.integers(min_value=0, max_value=2**128 - 1),
    st.integers(min_value=0, max_value=128),
)
ipv4_networks = st.builds(
    lambda address, prefix: ipaddress.IPv4Network((address, prefix), strict=False),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=0, max_value=32),
)


@given(ipv6_networks, ipv6_networks, ipv4_networks)
def test_distinct_networks_never_share_a_name(a, b, v4):
    name_a, name_b = peer_name(Peer.ipv6(str(a))), peer_name(Peer.ipv6(str(b)))
    assert (name_a == name_b) == (a == b)
    assert name_a != peer_name(Peer.ipv4(str(v4)))
    assert "::" not in name_a  # it would cut the URN short


def test_an_ipv6_rule_is_registered_with_its_former_name_as_alias(pulumi_runtime):
    sent = pulumi_runtime.record_requests()
    ingress = [{"ports": ["https"], "cidrs": ["::/0", "0.0.0.0/0"]}]
    pulumi_runtime.run(lambda: ManagedSecurityGroup("web", {"vpc_id": VPC, "ingress": ingress}))
    (alias,) = sent["web-in-tcp-443-from-0.0.0.0.0.0.0.0-0"].aliases
    assert alias.spec.name == "web-in-tcp-443-from----0"
    assert alias.spec.type == ""  # the same type and parent: only the name moved
    assert not sent["web-in-tcp-443-from-0.0.0.0-0"].aliases
