"""components/provider_host.py without a plugin process: the schema and messages consumers get.

(`provider_host` is importable here because the editable install puts components/ on sys.path.)
"""

from typing import Any

from provider_host import consumer_schema, in_schema_names, schema_names

NAMES = schema_names()


def test_schema_names_cover_every_python_argument_name_that_differs() -> None:
    assert NAMES["vpc_id"] == "vpcId"
    assert NAMES["public_ipv4_cidrs"] == "publicIpv4Cidrs"
    assert NAMES["admin_min_prefix_ipv6"] == "adminMinPrefixIpv6"
    assert NAMES["prefix_list_ids"] == "prefixListIds"
    assert "tiers" not in NAMES  # the same in both


def test_messages_name_properties_in_schema_form_and_keep_values_as_given() -> None:
    assert in_schema_names("admin_cidrs['office'] '0.0.0.0/0': opens admin access", NAMES) == (
        "adminCidrs['office'] '0.0.0.0/0': opens admin access"
    )
    # A value that happens to spell an argument name is the user's: never rewritten.
    assert in_schema_names("tags['vpc_id'] 'x': reserved", NAMES) == "tags['vpc_id'] 'x': reserved"
    # An apostrophe inside a word opens no quote: what follows is still translated.
    assert in_schema_names("the group's rules; with group_id", NAMES) == (
        "the group's rules; with groupId"
    )
    assert in_schema_names("security_group_rule_id stays", NAMES) == "security_group_rule_id stays"


def schema() -> dict[str, Any]:
    tier = {"$ref": "#/types/tiered-sg:index:TierArgs"}
    return {
        "name": "tiered-sg",
        "language": {"go": {"respectSchemaVersion": True}},
        "resources": {
            "tiered-sg:index:Chain": {
                "description": "needs vpc_id",
                "inputProperties": {"tiers": {"type": "array", "items": tier}},
            }
        },
        "types": {
            "tiered-sg:index:TierArgs": {"description": "a tier", "properties": {}},
            "tiered-sg:index:ChainArgs": {"description": "would clash", "properties": {}},
        },
    }


def test_object_types_lose_the_python_args_suffix_and_references_follow() -> None:
    result = consumer_schema(schema(), NAMES)
    assert set(result["types"]) == {"tiered-sg:index:Tier", "tiered-sg:index:ChainArgs"}
    items = result["resources"]["tiered-sg:index:Chain"]["inputProperties"]["tiers"]["items"]
    assert items == {"$ref": "#/types/tiered-sg:index:Tier"}
    assert result["resources"]["tiered-sg:index:Chain"]["description"] == "needs vpcId"


def test_go_gets_its_input_types_and_other_language_options_stay() -> None:
    go = consumer_schema(schema(), NAMES)["language"]["go"]
    assert go == {"respectSchemaVersion": True, "generateExtraInputTypes": True}
