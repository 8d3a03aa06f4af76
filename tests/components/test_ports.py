"""Port: named constructors, parsing, the canonical form, and every refusal with its message."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiered_sg import SERVICES, Port, Protocol, TieredSgError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https", Port.tcp(443)),
        ("HTTPS ", Port.tcp(443)),
        ("ssh", Port.tcp(22)),
        ("postgres", Port.tcp(5432)),
        ("dns", Port.udp(53)),
        ("dns-tcp", Port.tcp(53)),
        ("tcp:8080", Port.tcp(8080)),
        ("tcp:1024-2048", Port.tcp_range(1024, 2048)),
        ("tcp:443-443", Port.tcp(443)),
        ("tcp:0-65535", Port.tcp_range(0, 65535)),
        ("udp:53", Port.udp(53)),
        ("udp:1000-2000", Port.udp_range(1000, 2000)),
        ("icmp", Port.icmp()),
        ("icmp:8", Port.icmp(8)),
        ("icmp:3/4", Port.icmp(3, 4)),
        ("icmpv6", Port.icmpv6()),
        ("icmpv6:128", Port.icmpv6(128)),
        ("all", Port.all_traffic()),
    ],
)
def test_parse(text, expected):
    assert Port.parse(text) == expected


@pytest.mark.parametrize(
    ("port", "canonical", "wire"),
    [
        (Port.tcp(443), "tcp:443", ("tcp", 443, 443)),
        (Port.tcp_range(1024, 2048), "tcp:1024-2048", ("tcp", 1024, 2048)),
        (Port.udp(53), "udp:53", ("udp", 53, 53)),
        (Port.icmp(), "icmp", ("icmp", -1, -1)),
        (Port.icmp(8), "icmp:8", ("icmp", 8, -1)),
        (Port.icmp(3, 4), "icmp:3/4", ("icmp", 3, 4)),
        (Port.icmpv6(), "icmpv6", ("icmpv6", -1, -1)),
        (Port.all_traffic(), "all", ("-1", None, None)),
    ],
)
def test_canonical_form_and_aws_wire_values(port, canonical, wire):
    assert str(port) == canonical
    assert Port.parse(canonical) == port
    assert (port.protocol.value, port.aws_from_port, port.aws_to_port) == wire


def test_service_catalogue_holds_the_classic_ports():
    expected = {
        "ftp": 21,
        "ssh": 22,
        "smtp": 25,
        "http": 80,
        "https": 443,
        "mssql": 1433,
        "mysql": 3306,
        "rdp": 3389,
        "postgres": 5432,
        "redis": 6379,
    }
    for name, number in expected.items():
        assert SERVICES[name] == Port.tcp(number)
        assert Port.service(name) == Port.tcp(number)
    assert SERVICES["dns"].protocol is Protocol.UDP


def test_label_names_the_service_when_there_is_one():
    assert Port.tcp(443).label == "https (tcp:443)"
    assert Port.tcp(8080).label == "tcp:8080"
    assert Port.tcp(8080).service_name is None


def test_ports_are_hashable_values():
    assert len({Port.parse("https"), Port.tcp(443), Port.parse("tcp:443-443")}) == 1
    assert repr(Port.tcp(443)) == "Port.parse('tcp:443')"


def test_protocol_given_as_plain_string_is_normalised():
    port = Port("tcp", 22, 22)  # type: ignore[arg-type]
    assert port.protocol is Protocol.TCP
    assert port == Port.tcp(22)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "tcp:65536",
            "port 'tcp:65536': port 65536 is out of range 0-65535; use a port from 0 to 65535",
        ),
        (
            "tcp:2048-1024",
            "port 'tcp:2048-1024': the range is reversed (2048 > 1024); write tcp:1024-2048",
        ),
        ("htps", "port 'htps': is not a known service or protocol; did you mean 'https'?"),
        (
            "postgress",
            "port 'postgress': is not a known service or protocol; did you mean 'postgres'?",
        ),
        (
            "all:22",
            "port 'all:22': all traffic covers every protocol and port, so it takes no port; "
            "write 'all', or 'tcp:22' for TCP only",
        ),
        ("tcp", "port 'tcp': has no port; write tcp:443 or tcp:1024-2048"),
        ("tcp:", "port 'tcp:': has no port; write tcp:443 or tcp:1024-2048"),
        ("tcp:abc", "port 'tcp:abc': 'abc' is not a port or range; write tcp:443 or tcp:1024-2048"),
        (
            "443",
            "port '443': a bare number does not say which protocol; write 'tcp:443' or 'udp:443'",
        ),
        (
            "icmp:300",
            "port 'icmp:300': ICMP type 300 is out of range 0-255; "
            "use an ICMP type from 0 to 255, or leave it out for all",
        ),
        (
            "icmp:x",
            "port 'icmp:x': 'x' is not an ICMP type or type/code; write icmp, icmp:8 or icmp:3/4",
        ),
        ("", "port '': is empty; write a service name such as 'https' or 'tcp:8080'"),
    ],
)
def test_parse_refusals(text, message):
    with pytest.raises(TieredSgError) as caught:
        Port.parse(text)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


def test_unknown_word_with_nothing_close_lists_what_is_accepted():
    with pytest.raises(TieredSgError, match=r"^port 'zzzz': is not a known service or protocol; "):
        Port.parse("zzzz")
    with pytest.raises(TieredSgError, match=r"use a service \(ftp, ssh, .*\) or tcp:<port>"):
        Port.parse("zzzz")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Port.tcp(70000),
            "port 'tcp:70000': port 70000 is out of range 0-65535; use a port from 0 to 65535",
        ),
        (
            lambda: Port.udp(-1),
            "port 'udp:-1': port -1 is out of range 0-65535; use a port from 0 to 65535",
        ),
        (
            lambda: Port.tcp_range(9, 3),
            "port 'tcp:9-3': the range is reversed (9 > 3); write tcp:3-9",
        ),
        (
            lambda: Port.icmp(None, 3),
            "port 'icmp code 3': an ICMP code needs an ICMP type; write icmp:<type>/3",
        ),
        (
            lambda: Port(Protocol.ALL, 22, 22),
            "port 'all:22-22': all traffic covers every protocol and port, so it takes no port; "
            "use Port.all_traffic(), or a tcp/udp port range",
        ),
        (
            lambda: Port("gre", 1, 1),  # type: ignore[arg-type]
            "protocol 'gre': is not a protocol security groups take; "
            "use Port.tcp/udp/icmp/icmpv6/all_traffic or Port.parse",
        ),
        (
            lambda: Port.service("postgresql"),
            "service 'postgresql': is not in the service catalogue; did you mean 'postgres'?",
        ),
    ],
)
def test_constructor_refusals(build, message):
    with pytest.raises(TieredSgError) as caught:
        build()
    assert str(caught.value) == message


_ports = st.one_of(
    st.integers(0, 65535).map(Port.tcp),
    st.integers(0, 65535).map(Port.udp),
    st.tuples(st.integers(0, 65535), st.integers(0, 65535)).map(
        lambda pair: Port.tcp_range(min(pair), max(pair))
    ),
    st.tuples(st.integers(0, 65535), st.integers(0, 65535)).map(
        lambda pair: Port.udp_range(min(pair), max(pair))
    ),
    st.builds(Port.icmp, st.none() | st.integers(0, 255)),
    st.builds(Port.icmpv6, st.integers(0, 255), st.none() | st.integers(0, 255)),
    st.just(Port.all_traffic()),
    st.sampled_from(sorted(SERVICES.values(), key=str)),
)


@given(_ports)
def test_str_round_trips_through_parse(port):
    assert Port.parse(str(port)) == port
    assert str(Port.parse(str(port))) == str(port)
