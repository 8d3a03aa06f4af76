"""Property tests for the value objects and config parsing of ``tiered_sg``.

tests/components/test_ports.py already checks ``Port.parse(str(p)) == p`` for ports built with
the named constructors. Here: every *spelling* of a port parses to the same port, arbitrary text
never escapes as anything but ``TieredSgError``, ``Peer`` round-trips through its CIDR string
for every network of both families, host-bit CIDRs suggest exactly the network ``ipaddress``
computes, a ``Peer`` built directly from any text is a valid network or refused, and
``parse_config`` on arbitrary stack config either accepts it or refuses it with a
``TieredSgError`` (never a ``TypeError``/``KeyError`` traceback).

Every test pins ``max_examples`` and runs derandomized without the example database, so CI
runs the same examples every time.
"""

import ipaddress
import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.fuzzkit import fuzz
from tiered_sg import SERVICES, Peer, PeerKind, Port, Protocol, TieredSgError, parse_config
from tiered_sg.chain import plan_chain

MESSAGE = re.compile(r".+ .+: .+; .+", re.DOTALL)
"""``<what> <value!r>: <problem>; <hint>``."""

# -- ports -------------------------------------------------------------------------------------

port_numbers = st.integers(0, 65535)
icmp_numbers = st.integers(0, 255)


@st.composite
def ports(draw: st.DrawFn) -> Port:
    kind = draw(st.sampled_from(["tcp", "udp", "icmp", "icmpv6", "all", "service"]))
    if kind in ("tcp", "udp"):
        start, end = sorted((draw(port_numbers), draw(port_numbers)))
        return Port(Protocol(kind), start, end)
    if kind in ("icmp", "icmpv6"):
        icmp_type = draw(st.none() | icmp_numbers)
        code = None if icmp_type is None else draw(st.none() | icmp_numbers)
        return Port.icmp(icmp_type, code) if kind == "icmp" else Port.icmpv6(icmp_type, code)
    if kind == "all":
        return Port.all_traffic()
    return draw(st.sampled_from(sorted(SERVICES.values(), key=str)))


def respell(text: str, draw: st.DrawFn) -> str:
    """The same port written differently: case, padding, spaces inside the number part."""
    if draw(st.booleans()):
        text = text.upper()
    name, colon, rest = text.partition(":")
    if colon and draw(st.booleans()):
        rest = rest.replace("-", " - ").replace("/", " / ")
    pad = draw(st.sampled_from(["", " ", "\t", "  "]))
    return f"{pad}{name}{colon}{rest}{pad}"


@fuzz(400)
@given(st.data())
def test_every_spelling_of_a_port_parses_to_the_same_port(data: st.DataObject) -> None:
    port = data.draw(ports())
    text = respell(str(port), data.draw)
    assert Port.parse(text) == port
    assert Port.parse(str(Port.parse(text))) == port
    if port.service_name is not None:
        assert Port.parse(respell(port.service_name, data.draw)) == port


_port_words = st.sampled_from(
    ["tcp", "udp", "icmp", "icmpv6", "all", "TCP", "Udp", "ssh", "https", "ftp", "-", "/", ":"]
)
port_texts = st.one_of(
    st.text(max_size=12),
    st.lists(
        st.one_of(_port_words, st.integers(-99, 10**7).map(str), st.text(max_size=3)),
        max_size=5,
    ).map("".join),
)


@fuzz(600)
@given(port_texts)
def test_port_parse_accepts_or_refuses_cleanly(text: str) -> None:
    try:
        port = Port.parse(text)
    except TieredSgError as err:
        assert str(err).startswith(f"port {text!r}: ")
        assert MESSAGE.fullmatch(str(err))
        return
    assert Port.parse(str(port)) == port
    if port.protocol in (Protocol.TCP, Protocol.UDP):
        assert 0 <= port.from_port <= port.to_port <= 65535


@fuzz(300)
@given(
    st.sampled_from([Protocol.TCP, Protocol.UDP]),
    st.integers(-70000, 140000),
    st.integers(-70000, 140000),
)
def test_port_ranges_are_valid_exactly_inside_0_65535(
    protocol: Protocol, start: int, end: int
) -> None:
    valid = 0 <= start <= end <= 65535
    try:
        port = Port(protocol, start, end)
    except TieredSgError as err:
        assert not valid, err
        if 0 <= start <= 65535 and 0 <= end <= 65535:
            assert f"write {protocol}:{end}-{start}" in str(err)  # the reversed range, fixed
        return
    assert valid and Port.parse(str(port)) == port


# -- peers -------------------------------------------------------------------------------------


@st.composite
def networks(draw: st.DrawFn, version: int | None = None) -> Any:
    version = version or draw(st.sampled_from([4, 6]))
    address = draw(st.ip_addresses(v=version))
    prefix = draw(st.integers(0, address.max_prefixlen))
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


@fuzz(400)
@given(networks())
def test_peer_round_trips_through_its_cidr_string(network: Any) -> None:
    peer = Peer.cidr(str(network))
    assert peer.value == str(network)
    assert Peer.cidr(peer.value) == peer
    named = Peer.ipv4 if network.version == 4 else Peer.ipv6
    assert named(peer.value) == peer
    assert peer.kind is (PeerKind.IPV4 if network.version == 4 else PeerKind.IPV6)
    assert peer.is_world == (network.prefixlen == 0)
    # Other spellings of the same network (exploded, upper-case hex) mean the same peer.
    exploded = f"{network.network_address.exploded}/{network.prefixlen}"
    assert Peer.cidr(exploded.upper()) == peer
    assert Peer.cidr(exploded.upper()).value == str(network)


@fuzz(300)
@given(networks())
def test_a_cidr_of_the_other_family_is_refused(network: Any) -> None:
    wrong = Peer.ipv6 if network.version == 4 else Peer.ipv4
    try:
        wrong(str(network))
    except TieredSgError as err:
        other = f"IPv{network.version}"
        assert f"is an {other} CIDR where an IPv{10 - network.version} CIDR is expected" in (
            str(err)
        )
    else:
        raise AssertionError(f"{network} accepted as the other family")


@fuzz(400)
@given(st.data())
def test_host_bits_suggest_exactly_the_network(data: st.DataObject) -> None:
    address = data.draw(st.ip_addresses())
    prefix = data.draw(st.integers(0, address.max_prefixlen - 1))
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    text = f"{address}/{prefix}"
    if network.network_address == address:
        assert Peer.cidr(text).value == str(network)
        return
    try:
        Peer.cidr(text)
    except TieredSgError as err:
        single = f"{address}/{address.max_prefixlen}"
        assert str(err) == (
            f"CIDR {text!r}: has host bits set; use the network '{network}', "
            f"or '{single}' for that one address"
        )
        assert Peer.cidr(str(network)).value == str(network)  # the suggestion works
        assert Peer.cidr(single).value == single
    else:
        raise AssertionError(f"{text} accepted with host bits set")


cidr_texts = st.one_of(
    st.text(max_size=20),
    st.builds(
        "{}/{}".format,
        st.ip_addresses().map(str) | st.text(max_size=8),
        st.integers(-3, 200).map(str) | st.text(max_size=3),
    ),
)


@fuzz(600)
@given(cidr_texts)
def test_cidr_parse_accepts_or_refuses_cleanly(text: str) -> None:
    try:
        peer = Peer.cidr(text)
    except TieredSgError as err:
        assert str(err).startswith(f"CIDR {text!r}: ") and MESSAGE.fullmatch(str(err))
        return
    assert Peer.cidr(peer.value) == peer
    assert str(ipaddress.ip_network(peer.value)) == peer.value


@fuzz(600)
@given(st.sampled_from([PeerKind.IPV4, PeerKind.IPV6]), cidr_texts)
def test_a_peer_built_directly_is_valid_or_refused(kind: PeerKind, text: str) -> None:
    # Construction validates: no Peer in hand holds a CIDR AWS would refuse.
    try:
        peer = Peer(kind, text)
    except TieredSgError as err:
        assert MESSAGE.fullmatch(str(err)), str(err)
        return
    network = ipaddress.ip_network(peer.value)  # strict: no host bits
    assert str(network) == peer.value
    assert network.version == (4 if kind is PeerKind.IPV4 else 6)
    assert peer.is_world == (network.prefixlen == 0)
    assert peer == Peer.cidr(text)


# -- stack config ------------------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**33), 2**33),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            "https",
            "ssh",
            "tcp:8080",
            "udp:53",
            "icmp",
            "all",
            "tcp:0-65535",
            "0.0.0.0/0",
            "::/0",
            "10.0.0.5/24",
            "203.0.113.10/32",
            "2001:db8::/32",
            "web",
            "app",
            "admin",
            "vpc-0123456789abcdef0",
            "null",
            "[]",
            "{}",
        ]
    ),
    st.text(max_size=10),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["name", "ports", "egress", "cidrs", "description", "office", "x"])
            | st.text(max_size=6),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=16,
)
_tier = st.fixed_dictionaries(
    {"name": st.sampled_from(["web", "app", "db", "admin", "w" * 70]) | _scalars},
    optional={
        "ports": st.lists(st.sampled_from(["https", "ssh", "tcp:8080", "icmp", "all"]), max_size=3)
        | _json,
        "egress": st.lists(
            st.fixed_dictionaries(
                {
                    "ports": st.lists(st.sampled_from(["https", "all", "icmpv6"]), max_size=2),
                    "cidrs": st.lists(st.sampled_from(["0.0.0.0/0", "::/0", "10.0.0.0/8"])),
                }
            ),
            max_size=2,
        )
        | _json,
    },
)
_values = {
    "vpcId": _scalars,
    "tiers": st.lists(_tier, max_size=4) | _json,
    "publicIpv4Cidrs": st.lists(st.sampled_from(["0.0.0.0/0", "10.0.0.0/8"]), max_size=3) | _json,
    "publicIpv6Cidrs": st.lists(st.sampled_from(["::/0", "2001:db8::/32"]), max_size=2) | _json,
    "adminCidrs": st.dictionaries(
        st.sampled_from(["office", "vpn", "", "1x"]),
        st.sampled_from(["203.0.113.10/32", "0.0.0.0/0", "2001:db8::/48"]) | _scalars,
        max_size=2,
    )
    | _json,
    "adminPorts": st.lists(st.sampled_from(["ssh", "rdp", "all", "tcp:1-2"]), max_size=2) | _json,
    "tags": st.dictionaries(st.sampled_from(["team", "aws:x", "tiered-sg:tier"]), _scalars) | _json,
    "publicIpv4Cidr": _json,  # misspelled keys must be refused too
}


@st.composite
def stack_configs(draw: st.DrawFn) -> dict[str, object]:
    keys = draw(st.lists(st.sampled_from(sorted(_values)), unique=True, max_size=5))
    config: dict[str, object] = {}
    for key in keys:
        value = draw(_values[key])
        # The CLI hands structured values over JSON-encoded; the SDK may hand them decoded.
        encode = not isinstance(value, str) and draw(st.booleans())
        config[f"tiered-sg:{key}"] = json.dumps(value) if encode else value
    config["aws:region"] = "us-east-1"
    return config


@fuzz(500)
@given(stack_configs())
def test_any_stack_config_is_accepted_or_refused_with_a_sentence(config: dict[str, Any]) -> None:
    try:
        chain = parse_config(config)
    except TieredSgError as err:
        assert MESSAGE.fullmatch(str(err)), str(err)
        return
    try:
        plan_chain("tiered", chain.spec).validate()
    except TieredSgError as err:
        assert MESSAGE.fullmatch(str(err)), str(err)
