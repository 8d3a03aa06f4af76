"""GetAnalyzerInfo and Configure, as the engine sees the pack when it loads it."""

from analyzer_client import EnforcementLevel
from sg_guardrails.catalog import no_public_high_risk_ports

M, A = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY

DEFAULT_LEVELS = {
    "sg-no-public-admin-ports": M,
    "sg-no-public-high-risk-ports": M,
    "sg-no-public-all-traffic": M,
    "sg-public-ports-allowlist": M,
    "sg-default-group-closed": M,
    "sg-no-unrestricted-egress": A,
    "sg-rules-described": A,
    "sg-no-mixed-rule-styles": M,
    "sg-rule-quota": M,
    "sg-tier-isolation": M,
    "sg-rules-owned": A,
    "sg-default-group-adopted": A,
    "sg-rules-one-owner": M,
}
# The EC2.19 list itself is pinned in tests/policies/unit/test_policy_settings_unit.py;
# here: the engine is told exactly that list.
EC2_19 = list(no_public_high_risk_ports.HIGH_RISK_PORTS.default)


def test_the_pack_lists_exactly_its_thirteen_policies_with_their_default_levels(pack):
    info = pack.info
    assert info.name == "sg-guardrails"
    assert info.version == "0.1.0"  # PulumiPolicy.yaml's, which the engine prefers
    assert info.supports_config
    assert {p.name: p.enforcement_level for p in info.policies} == DEFAULT_LEVELS


def test_stack_policies_are_stack_policies(pack):
    kinds = {p.name: p.policy_type for p in pack.info.policies}
    assert {n for n, k in kinds.items() if k == "stack"} == {
        "sg-no-mixed-rule-styles",
        "sg-rule-quota",
        "sg-tier-isolation",
        "sg-rules-owned",
        "sg-default-group-adopted",
        "sg-rules-one-owner",
    }
    # sg-default-group-closed checks each resource AND the stack; the SDK reports it as a
    # resource policy but also runs it in AnalyzeStack (see test_protocol_default_group).
    assert kinds["sg-default-group-closed"] == "resource"


def test_config_schemas_and_the_defaults_the_engine_fills_in(pack):
    defaults = {name: dict(cfg.properties) for name, cfg in pack.policy_config.items()}
    assert defaults["sg-public-ports-allowlist"] == {"authorizedPorts": [80, 443]}
    assert defaults["sg-no-public-admin-ports"] == {
        "adminPorts": [22, 3389],
        "minPrefixIpv4": 0,
        "minPrefixIpv6": 0,
    }
    assert defaults["sg-no-public-high-risk-ports"] == {"highRiskPorts": EC2_19}
    assert defaults["sg-rule-quota"] == {"maxRulesPerDirection": 60}
    assert defaults["sg-tier-isolation"] == {
        "adminPorts": [22],
        "tagKeys": {
            "chain": "tiered-sg:chain",
            "tier": "tiered-sg:tier",
            "position": "tiered-sg:position",
            "role": "tiered-sg:role",
        },
    }
    for name in ("sg-no-unrestricted-egress", "sg-rules-described", "sg-no-public-all-traffic"):
        assert defaults[name] == {}
    assert {
        name: cfg.enforcement_level for name, cfg in pack.policy_config.items()
    } == DEFAULT_LEVELS


def test_every_policy_has_a_description_and_severity(pack):
    for policy in pack.info.policies:
        assert policy.description.endswith(".")
        assert policy.severity in {"low", "medium", "high", "critical"}
