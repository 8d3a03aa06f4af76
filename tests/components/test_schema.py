"""The components' annotations must yield a cross-language schema (component_provider_host)."""

from pulumi.provider.experimental.analyzer import Analyzer, PropertyType

from tiered_sg import ManagedSecurityGroup, TieredSecurityGroups


def test_the_provider_analyzer_infers_both_components_with_documented_properties():
    result = Analyzer("tiered-sg").analyze([TieredSecurityGroups, ManagedSecurityGroup])
    components = result["component_definitions"]
    assert set(components) == {"TieredSecurityGroups", "ManagedSecurityGroup"}

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
        "groupId",
        "description",
        "ingress",
        "egress",
        "tags",
        "exclusiveRules",
        "deleteTimeout",
    }
    # vpcId is optional since groupId (rules on an existing group) needs none; the component
    # refuses the absence of both.
    assert [k for k, p in group.inputs.items() if not p.optional] == []
    assert set(group.outputs) == {"groupId", "ruleCount"}

    types = result["type_definitions"]
    assert set(types) == {"TierArgs", "EgressArgs", "RuleArgs"}
    for definition in [chain, group]:
        for prop in [*definition.inputs.values(), *definition.outputs.values()]:
            assert prop.description
    for type_def in types.values():
        for name, prop in type_def.properties.items():
            assert prop.description, f"{type_def.name}.{name}"
