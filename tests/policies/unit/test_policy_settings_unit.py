"""Policy settings: schemas for the CLI, and the pack's own validation with clear messages."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sg_guardrails import GuardrailsError
from sg_guardrails.catalog import POLICIES, no_public_high_risk_ports, rule_quota, tier_isolation
from sg_guardrails.catalog.public_ports_allowlist import AUTHORIZED_PORTS
from sg_guardrails.policy_settings import DEFAULT_TAG_KEYS, PolicyConfig, TagKeys
from tests.policies.unit.chainkit import three_tiers
from tests.policies.unit.sgkit import VPC_IN, check, check_stack, vpc_rule

P = "sg-public-ports-allowlist"
RECORDS = {record.name: record for record in POLICIES}


def config(policy: str, values: dict[str, Any]) -> PolicyConfig:
    return RECORDS[policy].config(values)


def ports(values: dict[str, Any]) -> tuple[int, ...]:
    return AUTHORIZED_PORTS.read(config(P, values))


def test_settings_cover_the_contract_properties_with_defaults() -> None:
    schemas = {r.name: {s.key: s.schema() for s in r.settings} for r in POLICIES if r.settings}
    assert {policy: sorted(props) for policy, props in schemas.items()} == {
        "sg-public-ports-allowlist": ["authorizedPorts"],
        "sg-no-public-admin-ports": ["adminPorts", "minPrefixIpv4", "minPrefixIpv6"],
        "sg-no-public-high-risk-ports": ["highRiskPorts"],
        "sg-rule-quota": ["maxRulesPerDirection"],
        "sg-tier-isolation": ["adminPorts", "tagKeys"],
    }
    assert schemas[P]["authorizedPorts"]["default"] == [80, 443]
    assert schemas["sg-no-public-admin-ports"]["adminPorts"]["default"] == [22, 3389]
    assert schemas["sg-rule-quota"]["maxRulesPerDirection"]["default"] == 60
    admin = schemas["sg-no-public-admin-ports"]
    assert [admin[k]["default"] for k in ("minPrefixIpv4", "minPrefixIpv6")] == [0, 0]
    assert [admin[k]["maximum"] for k in ("minPrefixIpv4", "minPrefixIpv6")] == [32, 128]
    assert schemas["sg-tier-isolation"]["adminPorts"]["default"] == [22]
    assert schemas["sg-tier-isolation"]["tagKeys"]["default"] == {
        "chain": "tiered-sg:chain",
        "tier": "tiered-sg:tier",
        "position": "tiered-sg:position",
        "role": "tiered-sg:role",
    }


def test_port_schema_constrains_items_and_uniqueness() -> None:
    schema = AUTHORIZED_PORTS.schema()
    assert schema["type"] == "array" and schema["uniqueItems"] is True
    assert schema["items"] == {"type": "integer", "minimum": 0, "maximum": 65535}


def test_ec2_19_list_is_exact() -> None:
    assert no_public_high_risk_ports.HIGH_RISK_PORTS.default == (
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
    for record in POLICIES:
        defaults = {s.key: s.schema()["default"] for s in record.settings}
        read = {s.key: s.read(record.config(defaults)) for s in record.settings}
        assert read == {s.key: s.read(record.config({})) for s in record.settings}
    assert tier_isolation.TAG_KEYS.read(config("sg-tier-isolation", {})) == DEFAULT_TAG_KEYS


def test_policies_without_settings_have_no_schema() -> None:
    assert not RECORDS["sg-rules-described"].settings
    assert "enforcementLevel" not in {s.key for r in POLICIES for s in r.settings}


def test_ports_from_protobuf_floats_and_absent_or_null_keys() -> None:
    assert ports({"authorizedPorts": [80.0, 8443.0]}) == (80, 8443)
    assert ports({}) == (80, 443)
    assert ports({"authorizedPorts": None}) == (80, 443)
    assert ports({"authorizedPorts": []}) == ()
    assert ports({"enforcementLevel": "advisory"}) == (80, 443)


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
        ports({"authorizedPorts": value})
    message = str(error.value)
    assert message.startswith(f"{P} config authorizedPorts {value!r}: ")
    assert problem in message and ";" in message


def test_misspelt_keys_suggest_the_right_one() -> None:
    with pytest.raises(GuardrailsError, match="did you mean 'authorizedPorts'"):
        config(P, {"authorisedPorts": [80]})


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (0, "outside 1..1000; use your account's quota (AWS default 60)"),
        (1001, "outside"),
        ("60", "not an integer; write e.g. 60"),
        (6.5, "not an integer"),
    ],
)
def test_max_rules_is_validated(value: Any, problem: str) -> None:
    quota = "sg-rule-quota"
    with pytest.raises(GuardrailsError, match=re.escape(problem)):
        rule_quota.MAX_RULES.read(config(quota, {"maxRulesPerDirection": value}))
    assert rule_quota.MAX_RULES.read(config(quota, {"maxRulesPerDirection": 120.0})) == 120


def test_tag_keys_partial_override_and_errors() -> None:
    tiers = "sg-tier-isolation"
    keys = tier_isolation.TAG_KEYS.read(config(tiers, {"tagKeys": {"chain": "acme/chain"}}))
    assert keys == TagKeys(chain="acme/chain")
    assert tier_isolation.ADMIN_PORTS.read(config(tiers, {})) == (22,)
    for bad, problem in [
        ({"flavour": "x"}, "'flavour' is not one of"),
        ({"tier": ""}, "must be a non-empty string"),
        ({"tier": "tiered-sg:chain"}, "two roles share one tag key"),
        (["chain"], "not an object"),
    ]:
        with pytest.raises(GuardrailsError, match=problem):
            tier_isolation.TAG_KEYS.read(config(tiers, {"tagKeys": bad}))


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


# In-process: over gRPC the client validates the schema first, as the CLI does.
@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"minPrefixIpv4": 33}, "sg-no-public-admin-ports config minPrefixIpv4 33: outside 0..32"),
        ({"minPrefixIpv6": 129}, "minPrefixIpv6 129: outside 0..128"),
        ({"minPrefixIpv4": "8"}, "minPrefixIpv4 '8': not an integer"),
        ({"minPrefixIPv4": 8}, "did you mean 'minPrefixIpv4'?"),
    ],
)
def test_admin_min_prefix_bad_config_is_a_violation_saying_what_and_how(
    values: dict[str, Any], problem: str
) -> None:
    outcome = check(
        "sg-no-public-admin-ports", VPC_IN, vpc_rule(cidrIpv4="0.0.0.0/0"), config=values
    )
    assert len(outcome.violations) == 1
    assert outcome.violations[0].startswith("Invalid policy config: ")
    assert problem in outcome.violations[0]
