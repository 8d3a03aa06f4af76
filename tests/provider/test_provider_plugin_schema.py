"""components/ served as a provider plugin: GetPluginInfo and GetSchema over gRPC, like the engine.

`pulumi package add ./components` does exactly this (launch the plugin, GetSchema) before it
generates an SDK, so these tests pin down what every consumer language sees: tokens, property
names (camelCase), types, descriptions, required inputs, nested types, dependencies.
"""

import json
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2

REPO_ROOT = Path(__file__).resolve().parents[2]
CONSUMER_YAML = REPO_ROOT / "examples" / "consumer-yaml" / "Pulumi.yaml"

PACKAGE = "tiered-sg"
CHAIN = "tiered-sg:index:TieredSecurityGroups"
GROUP = "tiered-sg:index:ManagedSecurityGroup"
RULES = "tiered-sg:index:SecurityGroupRules"
# The Python TypedDicts TierArgs, EgressArgs, RuleArgs: the schema drops the `Args` suffix, which
# every SDK adds itself (TypeScript `inputs.TierArgs`, Go `TierArgs`, Python `TierArgs`).
TIER_ARGS = "tiered-sg:index:Tier"
EGRESS_ARGS = "tiered-sg:index:Egress"
RULE_ARGS = "tiered-sg:index:Rule"

STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
STRING_LIST: dict[str, Any] = {"type": "array", "items": STRING}
STRING_MAP: dict[str, Any] = {"type": "object", "additionalProperties": STRING}


def ref(token: str) -> dict[str, Any]:
    return {"$ref": f"#/types/{token}"}


def list_of(token: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(token)}


# The public cross-language interface of the chain component (DESIGN.md, contract): a change here
# is a change for every TypeScript/Go/C#/Java/YAML consumer, so it must be deliberate.
CHAIN_INPUTS: dict[str, dict[str, Any]] = {
    "vpcId": STRING,
    "tiers": list_of(TIER_ARGS),
    "publicIpv4Cidrs": STRING_LIST,
    "publicIpv6Cidrs": STRING_LIST,
    "adminCidrs": STRING_MAP,
    "adminPorts": STRING_LIST,
    "tags": STRING_MAP,
    "entrySecurityGroups": STRING_MAP,
    "exclusiveRules": BOOLEAN,
    "closeDefaultGroup": BOOLEAN,
    "deleteTimeout": STRING,
    "adminMinPrefixIpv4": INTEGER,
    "adminMinPrefixIpv6": INTEGER,
    "adopt": STRING_MAP,
    "retainOnDelete": BOOLEAN,
}
CHAIN_OUTPUTS: dict[str, dict[str, Any]] = {
    "groupIds": STRING_MAP,
    "adminGroupId": STRING,
    "ruleCount": INTEGER,
}
TIER_PROPERTIES: dict[str, dict[str, Any]] = {
    "name": STRING,
    "ports": STRING_LIST,
    "egress": list_of(EGRESS_ARGS),
}
EGRESS_PROPERTIES: dict[str, dict[str, Any]] = {
    "ports": STRING_LIST,
    "cidrs": STRING_LIST,
    "description": STRING,
}
GROUP_INPUTS: dict[str, dict[str, Any]] = {
    "vpcId": STRING,
    "description": STRING,
    "ingress": list_of(RULE_ARGS),
    "egress": list_of(RULE_ARGS),
    "tags": STRING_MAP,
    "exclusiveRules": BOOLEAN,
    "deleteTimeout": STRING,
}
GROUP_OUTPUTS: dict[str, dict[str, Any]] = {
    "groupId": STRING,
    "ruleCount": INTEGER,
}
RULES_INPUTS: dict[str, dict[str, Any]] = {
    "groupId": STRING,
    "exclusiveRules": BOOLEAN,
    "ingress": list_of(RULE_ARGS),
    "egress": list_of(RULE_ARGS),
    "tags": STRING_MAP,
}
RULE_PROPERTIES: dict[str, dict[str, Any]] = {
    "ports": STRING_LIST,
    "cidrs": STRING_LIST,
    "prefixListIds": STRING_LIST,
    "securityGroups": STRING_MAP,
    "description": STRING,
}


def shape(prop: dict[str, Any]) -> dict[str, Any]:
    """A property reduced to its type structure (no descriptions, no `plain` flags)."""
    out: dict[str, Any] = {}
    if "$ref" in prop:
        out["$ref"] = prop["$ref"]
    if "type" in prop:
        out["type"] = prop["type"]
    if "items" in prop:
        out["items"] = shape(prop["items"])
    if "additionalProperties" in prop:
        out["additionalProperties"] = shape(prop["additionalProperties"])
    return out


def components_version() -> str:
    pyproject = REPO_ROOT / "components" / "pyproject.toml"
    version = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    assert isinstance(version, str)
    return version


@pytest.fixture(scope="module")
def schema(provider_session: Any) -> dict[str, Any]:
    response = provider_session.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0))
    parsed = json.loads(response.schema)
    assert isinstance(parsed, dict)
    return parsed


# --- the plugin process and the protocol -------------------------------------------------------


def test_plugin_is_launched_like_the_language_host_does(provider_session: Any) -> None:
    argv = provider_session.plugin.argv
    assert Path(argv[1]) == REPO_ROOT / "components"
    assert argv[-1] == provider_session.engine.address
    assert (REPO_ROOT / "components" / "PulumiPlugin.yaml").is_file()
    assert (REPO_ROOT / "components" / "__main__.py").is_file()
    assert provider_session.plugin.process.poll() is None, provider_session.plugin.stderr()


def test_plugin_manifest_declares_python_runtime() -> None:
    manifest = yaml.safe_load((REPO_ROOT / "components" / "PulumiPlugin.yaml").read_text())
    runtime = manifest["runtime"]
    assert runtime["name"] == "python"
    assert runtime["options"]["toolchain"] == "pip"
    # The pip toolchain installs requirements.txt (and only that) into the plugin's venv.
    requirements = (REPO_ROOT / "components" / "requirements.txt").read_text()
    assert any(line.strip() == "." for line in requirements.splitlines()), requirements


def test_get_plugin_info_reports_the_package_version(provider_session: Any) -> None:
    info = provider_session.stub.GetPluginInfo(empty_pb2.Empty())
    assert info.version == components_version()


def test_the_reported_version_is_read_from_pyproject_at_start(
    plugin_launcher: Any, tmp_path: Path
) -> None:
    """A release bumps pyproject.toml only: the plugin reports that version, not a copy of it."""
    copy = tmp_path / "components"
    shutil.copytree(
        REPO_ROOT / "components", copy, ignore=shutil.ignore_patterns("venv", "*.egg-info")
    )
    pyproject = copy / "pyproject.toml"
    current = f'version = "{components_version()}"'
    assert current in pyproject.read_text()
    pyproject.write_text(pyproject.read_text().replace(current, 'version = "9.8.7"', 1))
    session = plugin_launcher.start(copy)
    assert session.stub.GetPluginInfo(empty_pb2.Empty()).version == "9.8.7"
    response = session.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0))
    assert json.loads(response.schema)["version"] == "9.8.7"


def test_schema_version_other_than_zero_is_refused(provider_session: Any) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        provider_session.stub.GetSchema(provider_pb2.GetSchemaRequest(version=1))
    assert caught.value.code() == grpc.StatusCode.UNKNOWN
    assert "unsupported schema version" in (caught.value.details() or "")


def test_get_schema_needs_no_engine_call_back(provider_session: Any, schema: Any) -> None:
    assert schema  # the fixture already fetched it
    assert provider_session.engine.servicer.logs == []
    assert "Traceback" not in provider_session.plugin.stderr()


# --- package level ------------------------------------------------------------------------------


def test_package_name_version_and_tokens(schema: Any) -> None:
    assert schema["name"] == PACKAGE
    assert schema["version"] == components_version()
    assert set(schema["resources"]) == {CHAIN, GROUP, RULES}
    for token in (CHAIN, GROUP, RULES):
        resource = schema["resources"][token]
        assert resource["isComponent"] is True, token
        assert resource["type"] == "object"
        assert resource.get("description", "").strip(), f"{token} has no description"


def _external_refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("/"):
                found.add(value)
            else:
                found |= _external_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _external_refs(value)
    return found


def test_dependencies_match_the_external_type_references(schema: Any) -> None:
    """The analyzer lists a package under `dependencies` exactly when a component input or output
    is typed with one of its classes (e.g. `aws.ec2.SecurityGroup`), referenced as
    `/aws/v<version>/schema.json#/resources/...`. Ours exchange only strings, lists and maps, so
    no consumer SDK has to depend on the aws SDK; aws is the plugin's own run-time dependency."""
    external = _external_refs(schema)
    referenced = {r.split("/")[1] + "@" + r.split("/")[2].removeprefix("v") for r in external}
    declared = {f"{d['name']}@{d.get('version', '')}" for d in schema.get("dependencies", [])}
    assert referenced == declared
    assert declared == set()


def _local_refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/types/"):
                found.add(value.removeprefix("#/types/"))
            else:
                found |= _local_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _local_refs(value)
    return found


def test_every_local_type_reference_resolves(schema: Any) -> None:
    assert _local_refs(schema) <= set(schema.get("types", {}))
    for token in schema.get("types", {}):
        assert token.startswith(f"{PACKAGE}:index:"), token


# --- properties: types and descriptions everywhere ---------------------------------------------


def _assert_typed_and_described(path: str, prop: dict[str, Any]) -> None:
    assert prop.get("description", "").strip(), f"{path} has no description"
    assert ("type" in prop) != ("$ref" in prop), f"{path} needs exactly one of type/$ref: {prop}"
    if prop.get("type") == "array":
        assert "items" in prop, f"{path} is an array without items"
        _assert_typed_and_described(f"{path}[]", prop["items"])
    if prop.get("type") == "object":
        assert "additionalProperties" in prop, f"{path} is a free-form object"
        _assert_typed_and_described(f"{path}{{}}", prop["additionalProperties"])


def test_every_input_and_output_has_a_type_and_a_description(schema: Any) -> None:
    for token, resource in schema["resources"].items():
        assert resource["inputProperties"], f"{token} has no inputs"
        assert resource["properties"], f"{token} has no outputs"
        for name, prop in resource["inputProperties"].items():
            _assert_typed_and_described(f"{token}.inputs.{name}", prop)
        for name, prop in resource["properties"].items():
            _assert_typed_and_described(f"{token}.outputs.{name}", prop)
            assert not prop.get("plain"), f"output {token}.{name} cannot be plain"


def test_every_nested_type_and_its_properties_are_described(schema: Any) -> None:
    for token, typ in schema["types"].items():
        assert typ.get("description", "").strip(), f"type {token} has no description"
        assert typ["type"] == "object", token
        for name, prop in typ["properties"].items():
            _assert_typed_and_described(f"{token}.{name}", prop)


def _descriptions(node: Any, path: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                found.append((path, value))
            else:
                found.extend(_descriptions(value, f"{path}.{key}" if path else key))
    return found


def test_descriptions_carry_no_source_indentation(schema: Any) -> None:
    """The analyzer copies field docstrings verbatim: an indented continuation line would show
    up as '\\n    ' in every generated SDK's doc comments."""
    indented = [
        path
        for path, text in _descriptions(schema["resources"]) + _descriptions(schema["types"])
        if any(line[:1].isspace() for line in text.splitlines()[1:])
    ]
    assert not indented, f"descriptions with indented continuation lines: {sorted(set(indented))}"


def test_required_inputs_exist_and_outputs_required_exist(schema: Any) -> None:
    for token, resource in schema["resources"].items():
        assert set(resource["requiredInputs"]) <= set(resource["inputProperties"]), token
        assert set(resource.get("required", [])) <= set(resource["properties"]), token
    for token, typ in schema["types"].items():
        assert set(typ.get("required", [])) <= set(typ["properties"]), token


# --- the chain's interface, property by property -------------------------------------------------


def test_chain_inputs(schema: Any) -> None:
    inputs = schema["resources"][CHAIN]["inputProperties"]
    assert {name: shape(prop) for name, prop in inputs.items()} == CHAIN_INPUTS


def test_chain_required_inputs(schema: Any) -> None:
    """Everything but the VPC has a default (tiers: web -> app -> db)."""
    assert schema["resources"][CHAIN]["requiredInputs"] == ["vpcId"]


def test_chain_vpc_id_accepts_an_output(schema: Any) -> None:
    """vpcId must be an Input (not plain) so TypeScript can pass `vpc.id` and YAML `${vpc.id}`;
    so must entry group ids (another stack's or an ALB's group id is an Output)."""
    inputs = schema["resources"][CHAIN]["inputProperties"]
    assert not inputs["vpcId"].get("plain")
    assert not inputs["entrySecurityGroups"]["additionalProperties"].get("plain")


def test_chain_outputs(schema: Any) -> None:
    outputs = schema["resources"][CHAIN]["properties"]
    assert {name: shape(prop) for name, prop in outputs.items()} == CHAIN_OUTPUTS
    assert set(schema["resources"][CHAIN]["required"]) == {"groupIds", "ruleCount"}


def test_nested_tier_and_egress_types(schema: Any) -> None:
    tier = schema["types"][TIER_ARGS]
    assert {name: shape(prop) for name, prop in tier["properties"].items()} == TIER_PROPERTIES
    assert set(tier["required"]) == {"name", "ports"}
    egress = schema["types"][EGRESS_ARGS]
    assert {name: shape(prop) for name, prop in egress["properties"].items()} == EGRESS_PROPERTIES
    assert set(egress["required"]) == {"ports", "cidrs"}


def test_managed_group_interface(schema: Any) -> None:
    group = schema["resources"][GROUP]
    assert {name: shape(prop) for name, prop in group["inputProperties"].items()} == GROUP_INPUTS
    # vpcId is optional in the schema so that its absence gets the component's own message.
    assert group.get("requiredInputs", []) == []
    assert not group["inputProperties"]["vpcId"].get("plain")
    assert {name: shape(prop) for name, prop in group["properties"].items()} == GROUP_OUTPUTS
    assert set(group["required"]) == set(GROUP_OUTPUTS)


def test_rules_on_an_existing_group_interface(schema: Any) -> None:
    rules = schema["resources"][RULES]
    assert {name: shape(prop) for name, prop in rules["inputProperties"].items()} == RULES_INPUTS
    # Taking over someone else's group is never a default: consumers must choose.
    assert set(rules["requiredInputs"]) == {"groupId", "exclusiveRules"}
    assert not rules["inputProperties"]["groupId"].get("plain")
    assert {name: shape(prop) for name, prop in rules["properties"].items()} == GROUP_OUTPUTS
    assert set(rules["required"]) == set(GROUP_OUTPUTS)


def test_rule_type(schema: Any) -> None:
    rule = schema["types"][RULE_ARGS]
    assert {name: shape(prop) for name, prop in rule["properties"].items()} == RULE_PROPERTIES
    assert rule["required"] == ["ports"]
    # Group ids are usually Outputs of other groups: the map values must accept them.
    assert not rule["properties"]["securityGroups"]["additionalProperties"].get("plain")


def test_types_are_exactly_the_nested_args(schema: Any) -> None:
    assert set(schema["types"]) == {TIER_ARGS, EGRESS_ARGS, RULE_ARGS}


def test_go_sdk_gets_the_input_types_its_args_structs_refer_to(schema: Any) -> None:
    """Go codegen refers to `TierArgs` for a plain list of Tier in the chain's args, but emits it
    only with generateExtraInputTypes: without it the Go SDK does not compile."""
    assert schema["language"]["go"]["generateExtraInputTypes"] is True


def test_descriptions_name_properties_as_consumers_write_them(schema: Any) -> None:
    described = _descriptions(schema["resources"]) + _descriptions(schema["types"])
    names = {
        name
        for node in [*schema["resources"].values(), *schema["types"].values()]
        for name in [*node.get("inputProperties", {}), *node.get("properties", {})]
    }
    snake = {
        word
        for _, text in described
        for word in re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", text)
        if re.sub(r"_([a-z0-9])", lambda m: m[1].upper(), word) in names
    }
    assert not snake, f"Python argument names in schema descriptions: {sorted(snake)}"
    rules = schema["resources"][RULES]["inputProperties"]
    assert "No default: choose." in rules["exclusiveRules"]["description"]


# --- the YAML consumer example only uses names the schema defines ------------------------------


def _check_value(path: str, value: Any, prop: dict[str, Any], schema: dict[str, Any]) -> int:
    """Check a YAML value against a schema property; returns how many keys were checked."""
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return 0  # an interpolation: its type is known only at run time
    if "$ref" in prop:
        target = schema["types"][prop["$ref"].removeprefix("#/types/")]
        assert isinstance(value, dict), f"{path}: expected an object, got {value!r}"
        return _check_object(path, value, target["properties"], target.get("required", []), schema)
    kind = prop["type"]
    if kind == "array":
        assert isinstance(value, list), f"{path}: expected a list, got {value!r}"
        return sum(
            _check_value(f"{path}[{i}]", item, prop["items"], schema)
            for i, item in enumerate(value)
        )
    if kind == "object":
        assert isinstance(value, dict), f"{path}: expected a map, got {value!r}"
        return sum(
            _check_value(f"{path}.{key}", item, prop["additionalProperties"], schema)
            for key, item in value.items()
        )
    expected: dict[str, type | tuple[type, ...]] = {
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
    }
    assert isinstance(value, expected[kind]), f"{path}: expected {kind}, got {value!r}"
    return 0


def _check_object(
    path: str,
    value: dict[str, Any],
    properties: dict[str, Any],
    required: list[str],
    schema: dict[str, Any],
) -> int:
    unknown = set(value) - set(properties)
    assert not unknown, f"{path}: {sorted(unknown)} not in the schema ({sorted(properties)})"
    missing = set(required) - set(value)
    assert not missing, f"{path}: required {sorted(missing)} missing"
    return len(value) + sum(
        _check_value(f"{path}.{key}", item, properties[key], schema) for key, item in value.items()
    )


def test_yaml_example_uses_only_schema_property_names(schema: Any) -> None:
    program = yaml.safe_load(CONSUMER_YAML.read_text(encoding="utf-8"))
    assert program["runtime"] == "yaml"
    package_source = program["packages"][PACKAGE]
    assert (CONSUMER_YAML.parent / package_source / "PulumiPlugin.yaml").is_file()

    ours = {
        name: res
        for name, res in program["resources"].items()
        if res["type"].startswith(f"{PACKAGE}:")
    }
    assert ours, "the YAML example uses no tiered-sg resource"
    checked = 0
    for name, res in ours.items():
        resource = schema["resources"].get(res["type"])
        assert resource is not None, f"{name}: unknown type {res['type']}"
        checked += _check_object(
            f"resources.{name}.properties",
            res.get("properties", {}),
            resource["inputProperties"],
            resource["requiredInputs"],
            schema,
        )
    assert checked >= 10  # top-level keys plus every tier's keys

    outputs = schema["resources"][CHAIN]["properties"]
    for key, expr in program.get("outputs", {}).items():
        for name in ours:
            prefix = "${" + name + "."
            if isinstance(expr, str) and expr.startswith(prefix):
                attribute = expr.removeprefix(prefix).rstrip("}").split(".")[0].split("[")[0]
                assert attribute in outputs, f"outputs.{key}: {attribute!r} is not an output"


def test_yaml_example_builds_the_four_tier_chain() -> None:
    program = yaml.safe_load(CONSUMER_YAML.read_text(encoding="utf-8"))
    chains = [r for r in program["resources"].values() if r["type"] == CHAIN]
    assert len(chains) == 1
    tiers = chains[0]["properties"]["tiers"]
    assert [(t["name"], t["ports"]) for t in tiers] == [
        ("lb", ["http", "https"]),
        ("web", ["tcp:8080"]),
        ("app", ["tcp:9000"]),
        ("db", ["postgres"]),
    ]
