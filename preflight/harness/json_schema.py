"""A small JSON-schema validator (the keywords policy config schemas use).

Errors are worded like gojsonschema's, so a config the harness refuses reads like the CLI's refusal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "integer" if float(value).is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _type_matches(value: Any, wanted: str) -> bool:
    actual = _json_type(value)
    return actual == wanted or (wanted == "number" and actual == "integer")


def _num(value: Any) -> str:
    # Schemas cross the wire as Structs, so 1 comes back as 1.0; print it as the author wrote it.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _canonical(value: Any) -> str:
    # JSON equality: 1 == 1.0, but true != 1.
    def norm(v: Any) -> Any:
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        if isinstance(v, int | float):
            return float(v)
        if isinstance(v, Mapping):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [norm(x) for x in v]
        return repr(v)

    return json.dumps(norm(value), sort_keys=True)


def validate_json_schema(schema: Mapping[str, Any], value: Any, path: str = "(root)") -> list[str]:
    """Validate ``value`` and return gojsonschema-style errors ("<field>: <problem>").

    Supports type, enum, const, numeric bounds, multipleOf, string length and pattern, items,
    array length, uniqueItems, contains, properties, required, additionalProperties,
    patternProperties, min/maxProperties, allOf, anyOf, oneOf and not. Other keywords (format,
    $ref...) are ignored.
    """
    errors: list[str] = []

    def err(problem: str) -> None:
        errors.append(f"{path}: {problem}")

    def child(key: str | int) -> str:
        return f"{key}" if path == "(root)" else f"{path}.{key}"

    wanted = schema.get("type")
    if wanted is not None:
        kinds = [wanted] if isinstance(wanted, str) else list(wanted)
        if not any(_type_matches(value, k) for k in kinds):
            err(f"Invalid type. Expected: {', '.join(kinds)}, given: {_json_type(value)}")
            return errors
    if "enum" in schema and _canonical(value) not in {_canonical(v) for v in schema["enum"]}:
        err(
            f"{path} must be one of the following: "
            + ", ".join(json.dumps(v) for v in schema["enum"])
        )
    if "const" in schema and _canonical(value) != _canonical(schema["const"]):
        err(f"{path} does not match: {json.dumps(schema['const'])}")

    if isinstance(value, int | float) and not isinstance(value, bool):
        exc_min, exc_max = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        if "minimum" in schema:
            bound = schema["minimum"]
            if exc_min is True and value <= bound:
                err(f"Must be greater than {_num(bound)}")
            elif value < bound:
                err(f"Must be greater than or equal to {_num(bound)}")
        if "maximum" in schema:
            bound = schema["maximum"]
            if exc_max is True and value >= bound:
                err(f"Must be less than {_num(bound)}")
            elif value > bound:
                err(f"Must be less than or equal to {_num(bound)}")
        if isinstance(exc_min, int | float) and not isinstance(exc_min, bool) and value <= exc_min:
            err(f"Must be greater than {_num(exc_min)}")
        if isinstance(exc_max, int | float) and not isinstance(exc_max, bool) and value >= exc_max:
            err(f"Must be less than {_num(exc_max)}")
        step = schema.get("multipleOf")
        if step and not float(value / step).is_integer():
            err(f"Must be a multiple of {_num(step)}")

    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            err(f"String length must be greater than or equal to {_num(schema['minLength'])}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            err(f"String length must be less than or equal to {_num(schema['maxLength'])}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            err(f"Does not match pattern '{schema['pattern']}'")

    if isinstance(value, list | tuple):
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, item in enumerate(value):
                errors += validate_json_schema(items, item, child(i))
        elif isinstance(items, list):
            for i, (item, item_schema) in enumerate(zip(value, items, strict=False)):
                errors += validate_json_schema(item_schema, item, child(i))
        if "minItems" in schema and len(value) < schema["minItems"]:
            err(f"Array must have at least {_num(schema['minItems'])} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            err(f"Array must have at most {_num(schema['maxItems'])} items")
        if schema.get("uniqueItems") and len({_canonical(v) for v in value}) != len(value):
            err("Array items must be unique")
        if "contains" in schema and not any(
            not validate_json_schema(schema["contains"], v) for v in value
        ):
            err("At least one of the items must match")

    if isinstance(value, Mapping):
        props: Mapping[str, Any] = schema.get("properties", {})
        patterns: Mapping[str, Any] = schema.get("patternProperties", {})
        for name in schema.get("required", ()):
            if name not in value:
                err(f"{name} is required")
        for key, item in value.items():
            matched = False
            if key in props:
                matched = True
                errors += validate_json_schema(props[key], item, child(key))
            for pattern, pattern_schema in patterns.items():
                if re.search(pattern, key):
                    matched = True
                    errors += validate_json_schema(pattern_schema, item, child(key))
            extra = schema.get("additionalProperties", True)
            if not matched and extra is False:
                err(f"Additional property {key} is not allowed")
            elif not matched and isinstance(extra, Mapping):
                errors += validate_json_schema(extra, item, child(key))
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            err(f"Must have at least {_num(schema['minProperties'])} properties")
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            err(f"Must have at most {_num(schema['maxProperties'])} properties")

    for sub in schema.get("allOf", ()):
        errors += validate_json_schema(sub, value, path)
    if "anyOf" in schema and all(validate_json_schema(s, value, path) for s in schema["anyOf"]):
        err("Must validate at least one schema (anyOf)")
    if "oneOf" in schema:
        matches = sum(not validate_json_schema(s, value, path) for s in schema["oneOf"])
        if matches != 1:
            err("Must validate one and only one schema (oneOf)")
    if "not" in schema and not validate_json_schema(schema["not"], value, path):
        err("Must not validate the schema (not)")
    return errors
