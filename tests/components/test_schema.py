"""The components' annotations must yield a cross-language schema (component_provider_host)."""

from pulumi.provider.experimental.analyzer import Analyzer, PropertyType

from tiered_sg import ManagedSecurityGroup, SecurityGroupRules, TieredSecurityGroups


def test_the_provider_analyzer_infers_the_components_with_documented_properties():
    result = Analyzer("tiered-sg").analyze(
        [TieredSecurityGroups, ManagedSecurityGroup, SecurityGroupRules]
    )
    components = result["component_definitions"]
    assert set(components) == {"TieredSecurityGroups", "ManagedSecurityGroup", "SecurityGroupRules"}

    chain = components["TieredSecurityGroups"]
    assert set(chain.inputs) == {
        "vpcId",
        "tiers",
        "publicIpv4Cidrs",
        "publicIpv6Cidrs",
        "adminCidrs",
        "adminPorts",
        "tags",
        "entrySecurityGroups",
        "exclusiveRules",
        "closeDefaultGroup",
        "deleteTimeout",
        "adminMinPrefixIpv4",
        "adminMinPrefixIpv6",
        "adopt",
        "retainOnDelete",
    }
    assert [k for k, p in chain.inputs.items() if not p.optional] == ["vpcId"]
    assert {k: chain.inputs[k].type for k in ("exclusiveRules", "adminMinPrefixIpv4")} == {
        "exclusiveRules": PropertyType.BOOLEAN,
        "adminMinPrefixIpv4": PropertyType.INTEGER,
    }
    assert {k: (p.type, p.optional) for k, p in chain.outputs.items()} == {
        "groupIds": (PropertyType.OBJECT, False),
        "adminGroupId": (PropertyType.STRING, True),
        "ruleCount": (PropertyType.INTEGER, False),
    }

    group = components["ManagedSecurityGroup"]
    assert set(group.inputs) == {
        "vpcId",
        "description",
        "ingress",
        "egress",
        "tags",
        "exclusiveRules",
        "deleteTimeout",
    }
    # vpcId is optional in the schema so that its absence gets the component's own message.
    assert [k for k, p in group.inputs.items() if not p.optional] == []
    assert set(group.outputs) == {"groupId", "ruleCount"}

    rules = components["SecurityGroupRules"]
    assert set(rules.inputs) == {"groupId", "exclusiveRules", "ingress", "egress", "tags"}
    # Ownership of someone else's group is a choice the consumer must make: no default.
    assert sorted(k for k, p in rules.inputs.items() if not p.optional) == [
        "exclusiveRules",
        "groupId",
    ]
    assert set(rules.outputs) == {"groupId", "ruleCount"}

    types = result["type_definitions"]
    assert set(types) == {"TierArgs", "EgressArgs", "RuleArgs"}
    for definition in [chain, group, rules]:
        for prop in [*definition.inputs.values(), *definition.outputs.values()]:
            assert prop.description
    for type_def in types.values():
        for name, prop in type_def.properties.items():
            assert prop.description, f"{type_def.name}.{name}"
