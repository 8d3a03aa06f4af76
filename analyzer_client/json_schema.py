"""Policy config validation with ``jsonschema``, worded like the CLI's gojsonschema.

The errors read ``<field>: <problem>`` as the CLI prints them, so a config the client refuses
reads like the CLI's refusal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import Draft7Validator, ValidationError
from jsonschema.validators import extend

# Draft 7 counts 80.0 as an integer, which matters: config crosses the wire as doubles. Python
# callers may also hand over tuples and read-only mappings.
_TYPES = Draft7Validator.TYPE_CHECKER.redefine_many(
    {
        "array": lambda _checker, value: isinstance(value, list | tuple),
        "object": lambda _checker, value: isinstance(value, Mapping),
    }
)
_Validator = extend(Draft7Validator, type_checker=_TYPES)  # type: ignore[no-untyped-call]  # stubs


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


def _num(value: Any) -> str:
    # Schemas cross the wire as Structs, so 1 comes back as 1.0; print it as the author wrote it.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unexpected(schema: Mapping[str, Any], instance: Mapping[str, Any]) -> list[str]:
    props = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [k for k in instance if k not in props and not any(re.search(p, k) for p in patterns)]


def _problems(error: ValidationError, path: str) -> list[str]:
    """gojsonschema's wording for one jsonschema error (several for additionalProperties)."""
    # Typed Any: the stubs allow "unset", which only errors built by hand carry.
    kind: Any = error.validator
    bound: Any = error.validator_value
    value: Any = error.instance
    schema: Any = error.schema
    if kind == "type":
        kinds = [bound] if isinstance(bound, str) else list(bound)
        return [f"Invalid type. Expected: {', '.join(kinds)}, given: {_json_type(value)}"]
    if kind == "required":
        return [f"{name} is required" for name in bound if name not in value]
    if kind == "additionalProperties":
        return [f"Additional property {k} is not allowed" for k in _unexpected(schema, value)]
    if kind == "enum":
        return [f"{path} must be one of the following: " + ", ".join(map(json.dumps, bound))]
    if kind == "const":
        return [f"{path} does not match: {json.dumps(bound)}"]
    worded = {
        "minimum": f"Must be greater than or equal to {_num(bound)}",
        "maximum": f"Must be less than or equal to {_num(bound)}",
        "exclusiveMinimum": f"Must be greater than {_num(bound)}",
        "exclusiveMaximum": f"Must be less than {_num(bound)}",
        "multipleOf": f"Must be a multiple of {_num(bound)}",
        "minLength": f"String length must be greater than or equal to {_num(bound)}",
        "maxLength": f"String length must be less than or equal to {_num(bound)}",
        "pattern": f"Does not match pattern '{bound}'",
        "minItems": f"Array must have at least {_num(bound)} items",
        "maxItems": f"Array must have at most {_num(bound)} items",
        "uniqueItems": "Array items must be unique",
        "contains": "At least one of the items must match",
        "minProperties": f"Must have at least {_num(bound)} properties",
        "maxProperties": f"Must have at most {_num(bound)} properties",
        "anyOf": "Must validate at least one schema (anyOf)",
        "oneOf": "Must validate one and only one schema (oneOf)",
        "not": "Must not validate the schema (not)",
    }
    return [worded.get(str(kind), error.message)]


def _reported(errors: Iterable[ValidationError]) -> list[ValidationError]:
    """Drop what gojsonschema never reaches: after a type mismatch it skips the rest of that
    schema, and it reports the missing names of one ``required`` once."""
    kept: list[ValidationError] = []
    mismatches: list[tuple[list[Any], list[Any]]] = []
    required_seen: set[tuple[tuple[Any, ...], int]] = set()
    for error in errors:
        where, rule = list(error.absolute_path), list(error.absolute_schema_path)
        if any(where[: len(p)] == p and rule[: len(s)] == s for p, s in mismatches):
            continue
        if error.validator == "type":
            mismatches.append((where, rule[:-1]))
        if error.validator == "required":
            key = (tuple(where), id(error.schema))
            if key in required_seen:
                continue
            required_seen.add(key)
        kept.append(error)
    return kept


def validate_json_schema(schema: Mapping[str, Any], value: Any) -> list[str]:
    """Validate ``value`` and return gojsonschema-style errors ("<field>: <problem>").

    The field is ``(root)`` or a dotted path such as ``ports.0``; ``format`` is not checked.
    """
    messages: list[str] = []
    for error in _reported(_Validator(schema).iter_errors(value)):
        path = ".".join(str(part) for part in error.absolute_path) or "(root)"
        messages += [f"{path}: {problem}" for problem in _problems(error, path)]
    return messages
