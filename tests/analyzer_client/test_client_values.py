"""The client's pure parts: wire encoding, URNs, policy config parsing, reconciling, schemas."""

import json
import math

import pytest
from google.protobuf import json_format

from analyzer_client import (
    UNKNOWN,
    UNKNOWN_ARRAY,
    UNKNOWN_NUMBER,
    UNKNOWN_STRING,
    AnalyzerInfo,
    EnforcementLevel,
    PolicyConfig,
    PolicyConfigError,
    PolicyInfo,
    Secret,
    decode_struct,
    encode_properties,
    make_urn,
    parse_policy_config,
    reconcile_policy_config,
    root_stack_urn,
    stricter_than_cli,
    validate_json_schema,
)

A, M, D = EnforcementLevel.ADVISORY, EnforcementLevel.MANDATORY, EnforcementLevel.DISABLED


# ------------------------------------------------------------------ wire values


def test_unknowns_and_secrets_use_the_engines_sentinels():
    wire = json_format.MessageToDict(
        encode_properties(
            {
                "s": UNKNOWN_STRING,
                "n": UNKNOWN_NUMBER,
                "a": UNKNOWN_ARRAY,
                "secret": Secret("hunter2"),
                "nested": [{"cidr": Secret(UNKNOWN)}],
            }
        )
    )
    assert wire == {
        "s": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "n": "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "a": "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "secret": {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            "value": "hunter2",
        },
        "nested": [
            {
                "cidr": {
                    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                    "value": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
                }
            }
        ],
    }


def test_numbers_become_doubles_and_nulls_stay():
    wire = json_format.MessageToDict(
        encode_properties({"port": 22, "ratio": 0.5, "none": None, "ok": True})
    )
    assert wire == {"port": 22.0, "ratio": 0.5, "none": None, "ok": True}
    assert isinstance(wire["port"], float)


def test_internal_keys_are_dropped_at_every_level_like_skip_internal_keys():
    props = {
        "__defaults": ["x"],
        "tags": {"__meta": 1, "Name": "web"},
        "list": [{"__x": 1, "y": 2}],
    }
    assert json_format.MessageToDict(encode_properties(props)) == {
        "tags": {"Name": "web"},
        "list": [{"y": 2.0}],
    }


@pytest.mark.parametrize(
    ("props", "fragment"),
    [
        ({"x": object()}, "props.x: cannot send a object"),
        ({"x": [1, {"y": math.nan}]}, "props.x[1].y: nan is not a finite number"),
        ({"x": {1: "a"}}, "props.x: key 1 is not a string"),
    ],
)
def test_values_json_cannot_carry_are_refused_with_their_path(props, fragment):
    with pytest.raises(TypeError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        encode_properties(props)


def test_decode_is_the_inverse_of_encode():
    props = {"a": UNKNOWN_NUMBER, "b": [Secret({"k": UNKNOWN})], "c": "plain", "d": 1.5}
    assert decode_struct(encode_properties(props)) == props


# ------------------------------------------------------------------ URNs


def test_urns_follow_the_parent_type_chain_but_skip_the_root_stack():
    root = root_stack_urn("dev", "proj")
    assert root == "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev"
    chain = make_urn("dev", "proj", "tiered-sg:index:TieredSecurityGroups", "tiers", root)
    assert chain == "urn:pulumi:dev::proj::tiered-sg:index:TieredSecurityGroups::tiers"
    group = make_urn("dev", "proj", "aws:ec2/securityGroup:SecurityGroup", "web", chain)
    assert group == (
        "urn:pulumi:dev::proj::tiered-sg:index:TieredSecurityGroups$aws:ec2/securityGroup:SecurityGroup::web"
    )
    rule = make_urn("dev", "proj", "x:y:Rule", "r", group)
    assert "TieredSecurityGroups$aws:ec2/securityGroup:SecurityGroup$x:y:Rule::r" in rule


# ------------------------------------------------------------------ --policy-pack-config files


def test_parse_accepts_levels_objects_json_text_and_files(tmp_path):
    doc = {
        "p1": "mandatory",
        "p2": {"enforcementLevel": "disabled", "x": 1},
        "p3": {"y": [1]},
        "p4": {},
    }
    expected = {
        "p1": PolicyConfig(M),
        "p2": PolicyConfig(D, {"x": 1}),
        "p3": PolicyConfig(None, {"y": [1]}),
    }
    assert parse_policy_config(doc) == expected
    assert parse_policy_config(json.dumps(doc)) == expected
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(doc))
    assert parse_policy_config(path) == expected
    assert parse_policy_config("  ") == {}
    assert parse_policy_config(None) == {}


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"p": "blocking"}, "'blocking' is not a valid enforcement level; use one of advisory"),
        ({"p": {"enforcementLevel": 1}}, "must be a string"),
        ({"p": 3}, "must be a string or object"),
        ("[1]", "must be a JSON object"),
        ("{nope", "not valid JSON"),
    ],
)
def test_parse_refuses_what_the_cli_refuses(doc, fragment):
    with pytest.raises(PolicyConfigError, match=fragment):
        parse_policy_config(doc)


# ------------------------------------------------------------------ reconciling


def _info(initial=None):
    return AnalyzerInfo(
        name="pack",
        version="1.2.3",
        supports_config=True,
        policies=(
            PolicyInfo(
                "ports",
                "Ports.",
                M,
                config_schema={
                    "authorizedPorts": {
                        "type": "array",
                        "items": {"type": "integer", "minimum": 0, "maximum": 65535},
                        "default": [80, 443],
                    },
                    "label": {"type": "string", "default": "x"},
                },
            ),
            PolicyInfo(
                "quota",
                "Quota.",
                M,
                config_schema={"max": {"type": "integer", "minimum": 1}},
                required=("max",),
            ),
            PolicyInfo("described", "Descriptions.", A),
        ),
        initial_config=initial or {},
    )


def test_defaults_come_from_the_schema_and_levels_from_the_policies():
    result = reconcile_policy_config(_info(), {"quota": {"max": 60}})
    assert result == {
        "ports": PolicyConfig(M, {"authorizedPorts": [80, 443], "label": "x"}),
        "quota": PolicyConfig(M, {"max": 60}),
        "described": PolicyConfig(A, {}),
    }


def test_user_config_overrides_initial_config_which_overrides_defaults():
    info = _info(
        {"ports": PolicyConfig(A, {"label": "initial"}), "quota": PolicyConfig(A, {"max": 5})}
    )
    result = reconcile_policy_config(
        info, {"ports": {"authorizedPorts": [80, 443, 8443]}, "described": "disabled"}
    )
    assert result["ports"] == PolicyConfig(
        A, {"authorizedPorts": [80, 443, 8443], "label": "initial"}
    )
    assert result["quota"] == PolicyConfig(A, {"max": 5})
    assert result["described"].enforcement_level is D


def test_all_sets_every_level_then_named_entries_win_and_all_is_passed_on_like_the_engine():
    result = reconcile_policy_config(
        _info(), {"all": "advisory", "quota": {"enforcementLevel": "mandatory", "max": 2}}
    )
    assert result["ports"].enforcement_level is A
    assert result["described"].enforcement_level is A
    assert result["quota"] == PolicyConfig(M, {"max": 2})
    assert result["all"] == PolicyConfig(A, {})


def test_schema_violations_are_all_reported_in_the_engines_wording():
    with pytest.raises(PolicyConfigError) as caught:
        reconcile_policy_config(_info(), {"ports": {"authorizedPorts": ["80", 70000]}})
    errors = caught.value.errors
    assert errors == [
        "ports: authorizedPorts.0: Invalid type. Expected: integer, given: string",
        "ports: authorizedPorts.1: Must be less than or equal to 65535",
        "quota: max is required",
    ]
    assert "validating policy config: pack 1.2.3  ports: authorizedPorts.0: Invalid type" in str(
        caught.value
    )


def test_unknown_policy_names_pass_like_the_cli():
    given = {"prots": "advisory", "quota": {"max": 1}, "quot": {"max": 2}}
    loose = reconcile_policy_config(_info(), given)
    # Sent on with its level, as the engine does (the pack ignores it); without a level, dropped.
    assert loose["prots"].enforcement_level is EnforcementLevel.ADVISORY
    assert "quot" not in loose


def test_stricter_than_cli_names_unknown_policies_and_undeclared_properties():
    notes = stricter_than_cli(_info(), {"prots": "advisory", "quota": {"max": 1, "maxx": 2}})
    assert notes == [
        "policy config names 'prots', which policy pack 'pack' does not have; "
        "its policies are: described, ports, quota",
        "policy config of 'quota' sets 'maxx', which it does not declare; its properties are: max",
    ]
    assert stricter_than_cli(_info(), {"quota": {"max": 1}}) == []


def test_all_without_a_level_is_refused():
    with pytest.raises(PolicyConfigError, match='"all" needs an enforcementLevel'):
        reconcile_policy_config(_info(), {"all": {"x": 1}, "quota": {"max": 1}})


def test_undeclared_properties_pass_like_the_cli():
    loose = reconcile_policy_config(_info(), {"quota": {"max": 1, "maxx": 2}})
    assert loose["quota"].properties == {"max": 1, "maxx": 2}


# ------------------------------------------------------------------ JSON schema subset


@pytest.mark.parametrize(
    ("schema", "value", "errors"),
    [
        ({"type": "integer"}, 80.0, []),
        ({"type": "integer"}, 80.5, ["(root): Invalid type. Expected: integer, given: number"]),
        ({"type": "integer"}, True, ["(root): Invalid type. Expected: integer, given: boolean"]),
        ({"type": "number"}, 3, []),
        ({"type": ["string", "null"]}, None, []),
        ({"enum": ["a", "b"]}, "c", ['(root): (root) must be one of the following: "a", "b"']),
        ({"minimum": 1, "maximum": 3}, 0, ["(root): Must be greater than or equal to 1"]),
        ({"exclusiveMinimum": 1}, 1, ["(root): Must be greater than 1"]),
        ({"multipleOf": 2}, 3, ["(root): Must be a multiple of 2"]),
        (
            {"minLength": 2, "pattern": "^a"},
            "b",
            [
                "(root): String length must be greater than or equal to 2",
                "(root): Does not match pattern '^a'",
            ],
        ),
        ({"type": "array", "uniqueItems": True}, [1, 1.0], ["(root): Array items must be unique"]),
        ({"type": "array", "uniqueItems": True}, [1, True], []),
        ({"maxItems": 1}, [1, 2], ["(root): Array must have at most 1 items"]),
        (
            {"type": "object", "properties": {"a": {"properties": {"b": {"type": "string"}}}}},
            {"a": {"b": 1}},
            [
                "a.b: Invalid type. Expected: string, given: integer",
            ],
        ),
        (
            {"patternProperties": {"^x": {"type": "integer"}}, "additionalProperties": False},
            {"x1": 1, "y": 2},
            [
                "(root): Additional property y is not allowed",
            ],
        ),
        (
            {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            [],
            ["(root): Must validate at least one schema (anyOf)"],
        ),
        (
            {"oneOf": [{"type": "number"}, {"type": "integer"}]},
            1,
            ["(root): Must validate one and only one schema (oneOf)"],
        ),
        ({"not": {"type": "string"}}, "s", ["(root): Must not validate the schema (not)"]),
        ({"format": "ipv4", "description": "ignored keywords"}, "nope", []),
    ],
)
def test_json_schema_subset(schema, value, errors):
    assert validate_json_schema(schema, value) == errors
