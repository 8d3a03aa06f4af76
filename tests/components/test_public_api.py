"""The names ``tiered_sg`` exports are its Python interface: a change here is a CHANGELOG entry."""

import tiered_sg


def test_exported_names_are_exactly_the_documented_interface():
    assert tiered_sg.__all__ == [
        "NAMESPACE",
        "RULES_PER_DIRECTION",
        "SERVICES",
        "ChainConfig",
        "ChainSpec",
        "Direction",
        "EgressArgs",
        "Family",
        "GroupOptions",
        "GroupPlan",
        "GroupSpec",
        "ManagedSecurityGroup",
        "ManagedSecurityGroupArgs",
        "Peer",
        "PeerKind",
        "Port",
        "Protocol",
        "Rule",
        "RuleArgs",
        "SecurityGroupRules",
        "SecurityGroupRulesArgs",
        "TierArgs",
        "TieredSecurityGroups",
        "TieredSecurityGroupsArgs",
        "TieredSgError",
        "Topology",
        "parse_config",
        "read_config",
    ]


def test_every_exported_name_exists():
    missing = [name for name in tiered_sg.__all__ if not hasattr(tiered_sg, name)]
    assert missing == []


def test_internals_stay_in_their_modules():
    internals = ["check_quota", "count_rules", "plan_chain", "rule_name"]
    assert [name for name in internals if hasattr(tiered_sg, name)] == []
