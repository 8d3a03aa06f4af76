"""Policy config as `pulumi preview --policy-pack-config file.json` hands it to the pack."""

import pytest
from protocol_shapes import PUBLIC_PORT_POLICIES, SG, VPC_IN, analyze_all, ingress, violations
from protocol_stacks import busy_group, many_rules, tiered

from analyzer_client import EnforcementLevel, PolicyConfigError

ADMIN, HIGH_RISK, ALL_TRAFFIC, ALLOWLIST = PUBLIC_PORT_POLICIES


def _ssh(pack):
    return analyze_all(pack, ingress(SG, "tcp", 22, 22, v4=["0.0.0.0/0"], name="ssh"))


def test_a_policy_can_be_made_advisory_or_disabled(configured):
    pack = configured({"sg-no-public-admin-ports": "advisory"})
    result = _ssh(pack)
    assert [d.enforcement_level for d in result.for_policy(ADMIN)] == [EnforcementLevel.ADVISORY]
    assert {d.policy_name for d in result.mandatory} == {HIGH_RISK, ALLOWLIST}

    configured({"sg-no-public-admin-ports": {"enforcementLevel": "disabled"}})
    assert not _ssh(pack).for_policy(ADMIN)


def test_all_makes_every_policy_advisory(configured):
    pack = configured({"all": "advisory"})
    result = _ssh(pack)
    assert result.passed
    assert {d.policy_name for d in result.diagnostics} >= {ADMIN, HIGH_RISK, ALLOWLIST}


def test_authorized_ports_can_be_extended(configured):
    open_8443 = ingress(VPC_IN, "tcp", 8443, 8443, v4="0.0.0.0/0")
    pack = configured(None)
    assert violations(analyze_all(pack, open_8443), ALLOWLIST)
    configured({"sg-public-ports-allowlist": {"authorizedPorts": [80, 443, 8443]}})
    assert not violations(analyze_all(pack, open_8443), ALLOWLIST)
    # The level is kept when only properties are given.
    assert pack.policy_config[ALLOWLIST].enforcement_level is EnforcementLevel.MANDATORY


def test_admin_and_high_risk_lists_can_change(configured):
    pack = configured(
        {
            "sg-no-public-admin-ports": {"adminPorts": [2222]},
            "sg-no-public-high-risk-ports": {"highRiskPorts": [2222]},
        }
    )
    result = analyze_all(pack, ingress(VPC_IN, "tcp", 2222, 2222, v4="0.0.0.0/0"))
    assert violations(result, ADMIN) and violations(result, HIGH_RISK)
    assert not violations(_ssh(pack), ADMIN)


def test_the_quota_can_be_raised(configured):
    pack = configured({"sg-rule-quota": {"maxRulesPerDirection": 100}})
    assert not pack.analyze_stack([busy_group(), *many_rules(pack, 61)]).for_policy("sg-rule-quota")


def test_tier_isolation_admin_ports_can_change(configured):
    pack = configured({"sg-tier-isolation": {"adminPorts": [22, 5432]}})
    stack = tiered(pack)
    stack.rule("db", "ingress", 5432, peer_tier="admin", name="db-admin-5432")
    assert not pack.analyze_stack(stack.resources).mandatory


@pytest.mark.parametrize(
    ("config", "error"),
    [
        (
            {"sg-public-ports-allowlist": {"authorizedPorts": ["https"]}},
            "sg-public-ports-allowlist: authorizedPorts.0: Invalid type. "
            "Expected: integer, given: string",
        ),
        (
            {"sg-public-ports-allowlist": {"authorizedPorts": [80, 80]}},
            "sg-public-ports-allowlist: authorizedPorts: Array items must be unique",
        ),
        (
            {"sg-rule-quota": {"maxRulesPerDirection": 0}},
            "sg-rule-quota: maxRulesPerDirection: Must be greater than or equal to 1",
        ),
        (
            {"sg-no-public-admin-ports": {"adminPorts": [70000]}},
            "sg-no-public-admin-ports: adminPorts.0: Must be less than or equal to 65535",
        ),
        (
            {"sg-tier-isolation": {"tagKeys": {"chian": "x"}}},
            "sg-tier-isolation: tagKeys: Additional property chian is not allowed",
        ),
    ],
)
def test_a_bad_config_is_rejected_like_the_cli_rejects_it(configured, config, error):
    with pytest.raises(PolicyConfigError) as caught:
        configured(config)
    assert error in caught.value.errors
    assert "validating policy config: sg-guardrails 0.1.0" in str(caught.value)


def test_a_bad_level_is_rejected(configured):
    with pytest.raises(PolicyConfigError, match="'blocking' is not a valid enforcement level"):
        configured({"sg-rule-quota": "blocking"})


def test_an_unknown_policy_name_passes_as_in_the_cli_and_changes_nothing(configured):
    # The engine adds unknown names to the config it sends; the pack ignores them.
    pack = configured({"sg-no-public-ssh": "disabled"})
    assert pack.policy_config["sg-no-public-ssh"].enforcement_level.value == "disabled"
    result = analyze_all(pack, ingress(VPC_IN, "tcp", 443, 443, v4="0.0.0.0/0", name="web"))
    assert result.passed
    result = analyze_all(pack, ingress(VPC_IN, "tcp", 3389, 3389, v4="0.0.0.0/0", name="rdp"))
    assert not result.passed


def test_a_misspelt_property_the_cli_lets_through_is_caught_by_the_pack(configured):
    # The CLI's schema check ignores unknown properties; the pack re-validates and refuses to
    # check with a config it does not understand, at the policy's own level.
    pack = configured({"sg-public-ports-allowlist": {"authorisedPorts": [8443]}})
    result = analyze_all(pack, ingress(VPC_IN, "tcp", 443, 443, v4="0.0.0.0/0", name="web"))
    [problem] = violations(result, ALLOWLIST)
    assert "Invalid policy config" in problem
    assert "'authorisedPorts'" in problem and "did you mean 'authorizedPorts'?" in problem
    assert not result.passed
