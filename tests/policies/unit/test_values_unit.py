"""values.plain: every form props can arrive in, unknowns and secrets included; never raises."""

from __future__ import annotations

from pulumi_policy import Secret

from sg_guardrails.values import (
    UNKNOWN_ARRAY,
    UNKNOWN_BOOL,
    UNKNOWN_NUMBER,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    Unknown,
    is_unknown,
    plain,
)
from tests.policies.unit.sgkit import engine_props, secret


def test_every_sentinel_becomes_unknown_with_its_kind() -> None:
    raw = {
        "s": UNKNOWN_STRING,
        "n": UNKNOWN_NUMBER,
        "b": UNKNOWN_BOOL,
        "a": UNKNOWN_ARRAY,
        "o": UNKNOWN_OBJECT,
    }
    assert plain(raw) == {
        "s": Unknown("string"),
        "n": Unknown("number"),
        "b": Unknown("boolean"),
        "a": Unknown("array"),
        "o": Unknown("object"),
    }
    assert all(is_unknown(v) for v in raw.values())
    assert not is_unknown("sg-123")


def test_sdk_proxies_that_raise_on_unknowns_are_read_without_raising() -> None:
    # engine_props wraps like the SDK: reading ingress[0].fromPort directly would raise.
    props = engine_props(
        {"ingress": [{"fromPort": UNKNOWN_STRING, "cidrBlocks": [UNKNOWN_STRING]}]}
    )
    assert plain(props) == {"ingress": [{"fromPort": Unknown(), "cidrBlocks": [Unknown()]}]}


def test_raw_secret_envelopes_are_unwrapped_recursively() -> None:
    raw = {"cidrIpv4": secret("0.0.0.0/0"), "tags": secret({"a": secret("b")})}
    assert plain(raw) == {"cidrIpv4": "0.0.0.0/0", "tags": {"a": "b"}}


def test_secret_whose_value_is_unknown_stays_unknown() -> None:
    assert plain(secret(UNKNOWN_STRING)) == Unknown()
    assert plain({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}) == (
        Unknown("secret")
    )


def test_sdk_secret_objects_are_unwrapped() -> None:
    assert plain({"x": Secret([Secret(1)])}) == {"x": [1]}


def test_deserialised_secret_from_the_sdk_path_is_the_plain_value() -> None:
    assert plain(engine_props({"cidrIpv4": secret("::/0")})) == {"cidrIpv4": "::/0"}


def test_odd_scalars_pass_through() -> None:
    assert plain(None) is None
    assert plain(3.5) == 3.5
    assert plain(b"x") == b"x"
    assert plain(("a", UNKNOWN_STRING)) == ["a", Unknown()]
