"""values.plain: every form props can arrive in, unknowns and secrets included; never raises."""

from __future__ import annotations

from pulumi_policy import Secret
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)

from sg_guardrails.values import UnknownValue, plain, plain_field
from tests.policies.unit.sgkit import engine_props, secret


def test_every_sentinel_becomes_unknown_with_its_kind() -> None:
    raw = {
        "s": UNKNOWN_STRING_VALUE,
        "n": UNKNOWN_NUMBER_VALUE,
        "b": UNKNOWN_BOOLEAN_VALUE,
        "a": UNKNOWN_ARRAY_VALUE,
        "o": UNKNOWN_OBJECT_VALUE,
    }
    assert plain(raw) == {
        "s": UnknownValue("string"),
        "n": UnknownValue("number"),
        "b": UnknownValue("boolean"),
        "a": UnknownValue("array"),
        "o": UnknownValue("object"),
    }
    assert plain("sg-123") == "sg-123"


def test_sdk_proxies_that_raise_on_unknowns_are_read_without_raising() -> None:
    # engine_props wraps like the SDK: reading ingress[0].fromPort directly would raise.
    props = engine_props(
        {"ingress": [{"fromPort": UNKNOWN_STRING_VALUE, "cidrBlocks": [UNKNOWN_STRING_VALUE]}]}
    )
    assert plain(props) == {
        "ingress": [{"fromPort": UnknownValue(), "cidrBlocks": [UnknownValue()]}]
    }


def test_one_field_of_an_sdk_proxy_is_read_without_raising() -> None:
    # ``key in proxy`` reads the value, and raises for an unknown: the first version did that.
    props = engine_props({"securityGroupRuleId": UNKNOWN_STRING_VALUE, "id": "sgr-1"})
    assert plain_field(props, "securityGroupRuleId") == UnknownValue()
    assert plain_field(props, "id") == "sgr-1"
    assert plain_field(props, "absent") is None
    assert plain_field(UNKNOWN_STRING_VALUE, "id") is None


def test_raw_secret_envelopes_are_unwrapped_recursively() -> None:
    raw = {"cidrIpv4": secret("0.0.0.0/0"), "tags": secret({"a": secret("b")})}
    assert plain(raw) == {"cidrIpv4": "0.0.0.0/0", "tags": {"a": "b"}}


def test_secret_whose_value_is_unknown_stays_unknown() -> None:
    assert plain(secret(UNKNOWN_STRING_VALUE)) == UnknownValue()
    assert plain({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}) == (
        UnknownValue("secret")
    )


def test_sdk_secret_objects_are_unwrapped() -> None:
    assert plain({"x": Secret([Secret(1)])}) == {"x": [1]}


def test_deserialised_secret_from_the_sdk_path_is_the_plain_value() -> None:
    assert plain(engine_props({"cidrIpv4": secret("::/0")})) == {"cidrIpv4": "::/0"}


def test_odd_scalars_pass_through() -> None:
    assert plain(None) is None
    assert plain(3.5) == 3.5
    assert plain(b"x") == b"x"
    assert plain(("a", UNKNOWN_STRING_VALUE)) == ["a", UnknownValue()]
