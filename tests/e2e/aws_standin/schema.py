"""GetSchema: a Pulumi package schema for the types and functions the stand-in serves.

Enough for the engine's schema loader (YAML programs, `pulumi package add` consumers): the
package ``aws`` at the plugin's version, pulumi-aws's module format (so ``aws:ec2:Vpc``
resolves to ``aws:ec2/vpc:Vpc``), the provider config the stand-in reads, and each type's
inputs and outputs.
"""

import json
from typing import Any

from .registry import FUNCTIONS, HANDLERS, OBJECT_TYPES
from .spec import BOOLEAN, STRING, STRING_MAP, JsonSchema, ResourceSpec

ENDPOINTS: JsonSchema = {"type": "array", "items": STRING_MAP}
CONFIG: dict[str, JsonSchema] = {
    "accessKey": STRING,
    "endpoints": ENDPOINTS,
    "region": STRING,
    "secretKey": STRING,
    "skipCredentialsValidation": BOOLEAN,
    "skipMetadataApiCheck": BOOLEAN,
    "skipRequestingAccountId": BOOLEAN,
}


def _described(schema: JsonSchema, description: str) -> JsonSchema:
    return {**schema, "description": description} if description else dict(schema)


def _resource(spec: ResourceSpec) -> dict[str, Any]:
    return {
        "description": spec.description,
        "properties": {
            name: _described(prop.schema, prop.description)
            for name, prop in spec.properties.items()
        },
        "required": sorted(spec.always_present),
        "inputProperties": {
            name: _described(prop.schema, prop.description) for name, prop in spec.inputs.items()
        },
        "requiredInputs": sorted(name for name, prop in spec.inputs.items() if prop.required),
    }


def build_schema(version: str) -> dict[str, Any]:
    return {
        "name": "aws",
        "displayName": "AWS (tiered-sg test stand-in)",
        "version": version,
        "description": "Test-only stand-in for pulumi-aws, backed by a loopback EC2 emulator.",
        "meta": {"moduleFormat": "(.*)(?:/[^/]*)"},
        "config": {"variables": CONFIG},
        "provider": {
            "description": "The provider type for the aws package (test stand-in).",
            "properties": {"region": STRING},
            "inputProperties": CONFIG,
        },
        "types": {
            t.token: {
                "type": "object",
                "description": t.description,
                "properties": dict(t.properties),
                "required": list(t.required),
            }
            for t in OBJECT_TYPES
        },
        "resources": {token: _resource(h.spec) for token, h in HANDLERS.items()},
        "functions": {
            token: {
                "description": spec.description,
                "inputs": {"type": "object", "properties": dict(spec.inputs)},
                "outputs": {
                    "type": "object",
                    "properties": dict(spec.outputs),
                    "required": list(spec.required_outputs),
                },
            }
            for token, (spec, _) in FUNCTIONS.items()
        },
    }


def schema_json(version: str) -> str:
    return json.dumps(build_schema(version), sort_keys=True)
