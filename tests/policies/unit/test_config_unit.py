"""Policy config: schemas for the CLI, and the pack's own validation with clear messages."""

from __future__ import annotations

from typing import Any

import pytest

from sg_guardrails import GuardrailsError
from sg_guardrails.config import (
    DEFAULT_TAG_KEYS,
    EC2_19_HIGH_RISK_PORTS,
    SCHEMAS,
    TagKeys,
    read_max_rules,
    read_ports,
    read_tier_settings,
    schema_for,
)
from tests.policies.unit.chainkit import three_tiers
from tests.policies.unit.sgkit import VPC_IN, check, check_stack, vpc_rule

P = "sg-public-ports-allowlist"


def test_schemas_cover_the_contract_properties_with_defaults() -> None:
    assert {policy: sorted(props) for policy, props in SCHEMAS.items()} == {
        "sg-public-ports-allowlist": ["authorizedPorts"],
        "sg-no-public-admin-ports": ["adminPorts"],
        "sg-no-public-high-risk-ports": ["highRiskPorts"],
        "sg-rule-quota": ["maxRulesPerDirection"],
        "sg-tier-isolation": ["adminPorts", "tagKeys"],
    }
    assert SCHEMAS[P]["authorizedPorts"]["default"] == [80, 443]
    assert SCHEMAS["sg-no-public-admin-ports"]["adminPorts"]["default"] == [22, 3389]
    assert SCHEMAS["sg-no-public-high-risk-ports"]["highRiskPorts"]["default"] == list(
        EC2_19_HIGH_RISK_PORTS
    )
    assert SCHEMAS["sg-rule-quota"]["maxRulesPerDirection"]["default"] == 60
    assert SCHEMAS["sg-tier-isolation"]["adminPorts"]["default"] == [22]
    assert SCHEMAS["sg-tier-isolation"]["tagKeys"]["default"] == {
        "chain": "tiered-sg:chain",
        "tier": "tiered-sg:tier",
        "position": "tiered-sg:position",
        "role": "tiered-sg:role",
    }


def test_port_schema_constrains_items_and_uniqueness() -> None:
    schema = SCHEMAS[P]["authorizedPorts"]
    assert schema["type"] == "array" and schema["uniqueItems"] is True
    assert schema["items"] == {"type": "integer", "minimum": 0, "maximum": 65535}


def test_ec2_19_list_is_exact() -> None:
    assert EC2_19_HIGH_RISK_PORTS == (
        20,
        21,
        22,
        23,
        25,
        110,
        135,
        143,
        445,
        1433,
        1434,
        3000,
        3306,
        3389,
        4333,
        5000,
        5432,
        5500,
        5601,
        8080,
        8088,
        8888,
        9200,
        9300,
    )


def test_schema_defaults_pass_the_readers() -> None:
    for policy, props in SCHEMAS.items():
        defaults = {key: schema["default"] for key, schema in props.items()}
        if policy == "sg-rule-quota":
            assert read_max_rules(policy, defaults) == 60
        elif policy == "sg-tier-isolation":
            assert read_tier_settings(policy, defaults).tag_keys == DEFAULT_TAG_KEYS
        else:
            (key,) = defaults
            assert list(read_ports(policy, defaults, key, ())) == defaults[key]


def test_policies_without_properties_have_no_schema() -> None:
    assert schema_for("sg-rules-described") is None
    schema = schema_for(P)
    assert schema is not None and "enforcementLevel" not in schema.properties


def test_ports_from_protobuf_floats_and_absent_or_null_keys() -> None:
    assert read_ports(P, {"authorizedPorts": [80.0, 8443.0]}, "authorizedPorts", ()) == (80, 8443)
    assert read_ports(P, {}, "authorizedPorts", (80, 443)) == (80, 443)
    assert read_ports(P, {"authorizedPorts": None}, "authorizedPorts", (1,)) == (1,)
    assert read_ports(P, {"authorizedPorts": []}, "authorizedPorts", (80,)) == ()
    assert read_ports(P, {"enforcementLevel": "advisory"}, "authorizedPorts", (80,)) == (80,)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([80, 70000], "port 70000 is outside 0..65535"),
        ([-1], "port -1 is outside 0..65535"),
        ([80, 80.0], "port 80 is listed twice"),
        (["80"], "'80' is not an integer"),
        ([80.5], "80.5 is not an integer"),
        ([True], "True is not an integer"),
        ("80,443", "not a list"),
        (443, "not a list"),
    ],
)
def test_bad_ports_are_rejected_with_what_and_hint(value: Any, problem: str) -> None:
    with pytest.raises(GuardrailsError) as error:
        read_ports(P, {"authorizedPorts": value}, "authorizedPorts", ())
    message = str(error.value)
    assert message.startswith(f"{P} config authorizedPorts {value!r}: ")
    assert problem in message and ";" in message


def test_misspelt_keys_suggest_the_right_one() -> None:
    with pytest.raises(GuardrailsError, match="did you mean 'authorizedPorts'"):
        read_ports(P, {"authorisedPorts": [80]}, "authorizedPorts", ())


@pytest.mark.parametrize(
    ("value", "problem"),
    [(0, "outside 1..1000"), (1001, "outside"), ("60", "not an integer"), (6.5, "not an integer")],
)
def test_max_rules_is_validated(value: Any, problem: str) -> None:
    with pytest.raises(GuardrailsError, match=problem):
        read_max_rules("sg-rule-quota", {"maxRulesPerDirection": value})
    assert read_max_rules("sg-rule-quota", {"maxRulesPerDirection": 120.0}) == 120


def test_tag_keys_partial_override_and_errors() -> None:
    settings = read_tier_settings("sg-tier-isolation", {"tagKeys": {"chain": "acme/chain"}})
    assert settings.tag_keys == TagKeys(chain="acme/chain")
    assert settings.admin_ports == (22,)
    for bad, problem in [
        ({"flavour": "x"}, "'flavour' is not one of"),
        ({"tier": ""}, "must be a non-empty string"),
        ({"tier": "tiered-sg:chain"}, "two roles share one tag key"),
        (["chain"], "not an object"),
    ]:
        with pytest.raises(GuardrailsError, match=problem):
            read_tier_settings("sg-tier-isolation", {"tagKeys": bad})


def test_a_bad_config_is_reported_as_a_violation_not_a_crash() -> None:
    outcome = check(P, VPC_IN, vpc_rule(cidrIpv4="0.0.0.0/0"), config={"authorizedPorts": [99999]})
    assert len(outcome.violations) == 1
    assert outcome.violations[0].startswith("Invalid policy config: sg-public-ports-allowlist")
    assert "was not checked" in outcome.violations[0]


def test_a_bad_stack_config_is_reported_too() -> None:
    outcome = check_stack(
        "sg-rule-quota", three_tiers().resources, config={"maxRulesPerDirection": -5}
    )
    assert outcome.violations[0].startswith("Invalid policy config: sg-rule-quota")


def test_policies_without_properties_reject_unexpected_ones() -> None:
    outcome = check("sg-no-unrestricted-egress", VPC_IN, vpc_rule(), config={"ports": [1]})
    assert "not a property of this policy" in outcome.violations[0]
