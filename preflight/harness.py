"""Run a Python CrossGuard policy pack the way the Pulumi engine does, without the Pulumi CLI.

The pulumi-policy SDK has no test harness of its own (pulumi/pulumi-policy#445), and calling a
policy's ``validate`` directly skips everything the engine does around it. This module plays the
engine's part instead, following ``sdk/go/common/resource/plugin/analyzer_plugin.go``,
``plugin.go`` and ``rpc.go``, ``pkg/resource/analyzer/config.go`` and ``pkg/engine/plugins.go``:

* it launches ``python -u -m pulumi.policy <engine-address> .`` with the pack directory as the
  working directory and ``PULUMI_PROJECT/STACK/ORGANIZATION/DRY_RUN/CONFIG`` in the environment,
  exactly what the ``pulumi-analyzer-policy-python`` shim ends up running;
* it reads the port from the first stdout line, then calls Handshake (UNIMPLEMENTED is fine),
  ConfigureStack, GetAnalyzerInfo and Configure with the reconciled policy config (schema
  defaults, the pack's initial config, then the user's ``--policy-pack-config``, validated
  against each policy's JSON schema);
* per resource it calls Remediate then Analyze with the inputs, and AnalyzeStack with the outputs,
  parents, dependencies and property dependencies;
* it marshals values as the engine does: numbers are doubles, unknowns are sentinel strings,
  secrets are signature objects, and keys starting with ``__`` are dropped.

Only the standard library, grpc, protobuf and Pulumi's generated protos are used, so any pack
author can copy this file.
"""

from __future__ import annotations

import collections
import json
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from concurrent import futures
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Final

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, engine_pb2, engine_pb2_grpc

__all__ = [
    "ROOT_STACK_TYPE",
    "UNKNOWN",
    "UNKNOWN_ARCHIVE",
    "UNKNOWN_ARRAY",
    "UNKNOWN_ASSET",
    "UNKNOWN_BOOL",
    "UNKNOWN_NUMBER",
    "UNKNOWN_OBJECT",
    "UNKNOWN_STRING",
    "AnalyzeResult",
    "AnalyzerInfo",
    "Diagnostic",
    "EnforcementLevel",
    "HarnessError",
    "LogMessage",
    "NotApplicable",
    "PolicyConfig",
    "PolicyConfigError",
    "PolicyInfo",
    "PolicyPackSession",
    "Provider",
    "Remediation",
    "Resource",
    "ResourceOptions",
    "Secret",
    "Unknown",
    "decode_struct",
    "encode_properties",
    "make_urn",
    "parse_policy_config",
    "reconcile_policy_config",
    "root_stack_urn",
    "validate_json_schema",
]

# --------------------------------------------------------------------------------------------
# Values on the wire (sdk/go/common/resource/plugin/rpc.go)
# --------------------------------------------------------------------------------------------

SIG_KEY: Final = "4dabf18193072939515e22adb298388d"
SECRET_SIG: Final = "1b47061264138c4ac30d75fd1eb44270"


@dataclass(frozen=True)
class Unknown:
    """A value the engine does not know yet during preview; travels as a sentinel string."""

    kind: str
    sentinel: str

    def __repr__(self) -> str:
        return f"UNKNOWN_{self.kind.upper()}"


UNKNOWN_STRING: Final = Unknown("string", "04da6b54-80e4-46f7-96ec-b56ff0331ba9")
UNKNOWN_NUMBER: Final = Unknown("number", "3eeb2bf0-c639-47a8-9e75-3b44932eb421")
UNKNOWN_BOOL: Final = Unknown("bool", "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7")
UNKNOWN_ARRAY: Final = Unknown("array", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2")
UNKNOWN_OBJECT: Final = Unknown("object", "dd056dcd-154b-4c76-9bd3-c8f88648b5ff")
UNKNOWN_ASSET: Final = Unknown("asset", "030794c1-ac77-496b-92df-f27374a8bd58")
UNKNOWN_ARCHIVE: Final = Unknown("archive", "e48ece36-62e2-4504-bad9-02848725956a")
# What a real preview usually sends: the Python SDK registers every unknown Output without a
# type, and the engine marshals an untyped unknown as the *string* sentinel, even for a port.
UNKNOWN: Final = UNKNOWN_STRING

_UNKNOWNS: Final = {
    u.sentinel: u
    for u in (
        UNKNOWN_STRING,
        UNKNOWN_NUMBER,
        UNKNOWN_BOOL,
        UNKNOWN_ARRAY,
        UNKNOWN_OBJECT,
        UNKNOWN_ASSET,
        UNKNOWN_ARCHIVE,
    )
}


@dataclass(frozen=True)
class Secret:
    """A secret value; the engine keeps secrets (KeepSecrets) when it calls an analyzer."""

    value: Any


def _encode(value: Any, path: str, skip_internal: bool) -> Any:
    if isinstance(value, Unknown):
        return value.sentinel
    if isinstance(value, Secret):
        return {SIG_KEY: SECRET_SIG, "value": _encode(value.value, path, skip_internal)}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise TypeError(f"{path}: {value!r} is not a finite number; JSON cannot carry it")
        # google.protobuf.Value holds doubles only: an int 22 reaches the pack as 22.0.
        return float(value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: key {key!r} is not a string")
            # MarshalOptions.SkipInternalKeys: "__defaults", "__meta"... never reach a pack.
            if skip_internal and key.startswith("__"):
                continue
            out[key] = _encode(item, f"{path}.{key}", skip_internal)
        return out
    if isinstance(value, list | tuple):
        return [_encode(item, f"{path}[{i}]", skip_internal) for i, item in enumerate(value)]
    raise TypeError(
        f"{path}: cannot send a {type(value).__name__}; use JSON-like values, Unknown or Secret"
    )


def encode_properties(
    props: Mapping[str, Any], *, skip_internal_keys: bool = True
) -> struct_pb2.Struct:
    """Marshal a property map as the engine does for Analyze/AnalyzeStack."""
    struct = struct_pb2.Struct()
    struct.update(_encode(props, "props", skip_internal_keys))
    return struct


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        return _UNKNOWNS.get(value, value)
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return Secret(_decode(value.get("value")))
        return {key: _decode(item) for key, item in value.items()}
    return value


def decode_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Inverse of encode_properties: sentinels become Unknown markers, secrets Secret."""
    decoded: dict[str, Any] = _decode(json_format.MessageToDict(struct))
    return decoded


# --------------------------------------------------------------------------------------------
# URNs
# --------------------------------------------------------------------------------------------

ROOT_STACK_TYPE: Final = "pulumi:pulumi:Stack"


def make_urn(stack: str, project: str, type_: str, name: str, parent: str = "") -> str:
    """The URN the engine gives a resource: the parent's type chain joined by ``$``."""
    qualified = type_
    if parent:
        parent_type = parent.split("::", 3)[2]
        if parent_type != ROOT_STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def root_stack_urn(stack: str, project: str) -> str:
    """Where the engine files stack diagnostics whose URN is empty or not in the stack."""
    return make_urn(stack, project, ROOT_STACK_TYPE, f"{project}-{stack}")


# --------------------------------------------------------------------------------------------
# Requests: resources and their options
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceOptions:
    """AnalyzerResourceOptions; the engine always sends customTimeouts, zero when unset."""

    protect: bool = False
    ignore_changes: Sequence[str] = ()
    delete_before_replace: bool | None = None
    aliases: Sequence[str] = ()
    custom_timeouts: tuple[float, float, float] = (0.0, 0.0, 0.0)
    additional_secret_outputs: Sequence[str] = ()


@dataclass(frozen=True)
class Provider:
    """The provider resource the engine attaches to each request (its inputs, not outputs)."""

    type: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    urn: str = ""


@dataclass(frozen=True)
class Resource:
    """One resource as the engine knows it.

    ``inputs`` go to Analyze; ``outputs`` (default: the inputs after remediation) go to
    AnalyzeStack. ``urn`` defaults to the URN the engine would compute from the session's stack
    and project, the type, the name and the parent's URN.
    """

    type: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] | None = None
    urn: str = ""
    parent: str = ""
    dependencies: Sequence[str] = ()
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    options: ResourceOptions = ResourceOptions()
    provider: Provider | None = None


# --------------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------------


class EnforcementLevel(StrEnum):
    """The levels of apitype.EnforcementLevel, spelled as in a policy config file."""

    ADVISORY = "advisory"
    MANDATORY = "mandatory"
    REMEDIATE = "remediate"
    DISABLED = "disabled"


_LEVEL_TO_PROTO: Final = {
    EnforcementLevel.ADVISORY: analyzer_pb2.ADVISORY,
    EnforcementLevel.MANDATORY: analyzer_pb2.MANDATORY,
    EnforcementLevel.REMEDIATE: analyzer_pb2.REMEDIATE,
    EnforcementLevel.DISABLED: analyzer_pb2.DISABLED,
}
_PROTO_TO_LEVEL: Final = {proto: level for level, proto in _LEVEL_TO_PROTO.items()}
_SEVERITIES: Final = ("", "low", "medium", "high", "critical")
_POLICY_TYPES: Final = ("unknown", "resource", "stack")
_LOG_SEVERITIES: Final = ("debug", "info", "warning", "error")


def _level(proto_level: int) -> EnforcementLevel:
    try:
        return _PROTO_TO_LEVEL[proto_level]  # type: ignore[index]
    except KeyError:
        raise HarnessError(f"the pack sent an invalid enforcement level {proto_level}") from None


@dataclass(frozen=True)
class Diagnostic:
    """A policy violation as the engine reports it.

    ``enforcement_level`` is the level the engine acts on (remediate is downgraded to mandatory).
    ``urn`` is where the engine files it: the analysed resource for Analyze; for AnalyzeStack the
    reported URN if it names a resource of the stack, else the root stack. ``reported_urn`` is
    what the pack sent.
    """

    policy_name: str
    policy_pack_name: str
    policy_pack_version: str
    description: str
    message: str
    enforcement_level: EnforcementLevel
    urn: str
    reported_urn: str = ""
    severity: str = ""

    @property
    def detail(self) -> str:
        """The message without the policy description the Python SDK puts on its first line."""
        prefix = self.description + "\n"
        return self.message[len(prefix) :] if self.message.startswith(prefix) else self.message


@dataclass(frozen=True)
class NotApplicable:
    """A policy that declared itself not applicable (``args.not_applicable(reason)``)."""

    policy_name: str
    reason: str


@dataclass(frozen=True)
class Remediation:
    """New inputs a remediation wrote; Analyze then sees these, as in the engine."""

    policy_name: str
    urn: str
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class AnalyzeResult:
    """Diagnostics of one or more calls, with helpers for assertions."""

    diagnostics: tuple[Diagnostic, ...] = ()
    not_applicable: tuple[NotApplicable, ...] = ()
    remediations: tuple[Remediation, ...] = ()

    def __add__(self, other: AnalyzeResult) -> AnalyzeResult:
        return AnalyzeResult(
            self.diagnostics + other.diagnostics,
            self.not_applicable + other.not_applicable,
            self.remediations + other.remediations,
        )

    def for_policy(self, name: str) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.policy_name == name]

    @property
    def policy_names(self) -> set[str]:
        return {d.policy_name for d in self.diagnostics}

    @property
    def mandatory(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.enforcement_level is EnforcementLevel.MANDATORY]

    @property
    def passed(self) -> bool:
        """True when the engine would let the preview/update through (no mandatory violation)."""
        return not self.mandatory


@dataclass(frozen=True)
class PolicyConfig:
    """One policy's config: its level (None only when a user entry gives none) and properties."""

    enforcement_level: EnforcementLevel | None
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyInfo:
    """A policy as GetAnalyzerInfo describes it; ``config_schema`` is its JSON-schema properties."""

    name: str
    description: str
    enforcement_level: EnforcementLevel
    policy_type: str = "unknown"
    display_name: str = ""
    severity: str = ""
    config_schema: Mapping[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    @property
    def defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.config_schema.items() if "default" in v}


@dataclass(frozen=True)
class AnalyzerInfo:
    """GetAnalyzerInfo, with the version taken from PulumiPolicy.yaml when it has one."""

    name: str
    version: str
    supports_config: bool
    policies: tuple[PolicyInfo, ...]
    initial_config: Mapping[str, PolicyConfig] = field(default_factory=dict)
    display_name: str = ""
    description: str = ""

    def policy(self, name: str) -> PolicyInfo:
        for p in self.policies:
            if p.name == name:
                return p
        raise KeyError(f"policy pack {self.name!r} has no policy {name!r}")

    @property
    def policy_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.policies)


@dataclass(frozen=True)
class LogMessage:
    """Engine.Log calls, and the lines the pack writes after the port (the engine shows both)."""

    source: str  # "engine", "stdout" or "stderr" (shown by the engine as info / infoerr)
    message: str
    severity: str = "info"
    urn: str = ""


class HarnessError(RuntimeError):
    """The pack could not be started or a call to it failed; the message carries its stderr."""


class PolicyConfigError(ValueError):
    """A policy config the CLI would refuse; ``errors`` lists every problem found."""

    def __init__(self, message: str, errors: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


# --------------------------------------------------------------------------------------------
# Policy config (pkg/resource/analyzer/config.go)
# --------------------------------------------------------------------------------------------

PolicyConfigSource = Mapping[str, Any] | str | os.PathLike[str] | None


def _parse_level(policy: str, value: Any) -> EnforcementLevel:
    if not isinstance(value, str):
        raise PolicyConfigError(
            f"parsing enforcement level for {policy!r}: {value!r} is not a valid enforcement "
            "level; must be a string"
        )
    try:
        return EnforcementLevel(value)
    except ValueError:
        allowed = ", ".join(level.value for level in EnforcementLevel)
        raise PolicyConfigError(
            f"parsing enforcement level for {policy!r}: {value!r} is not a valid enforcement "
            f"level; use one of {allowed}"
        ) from None


def parse_policy_config(source: PolicyConfigSource) -> dict[str, PolicyConfig]:
    """Read a ``--policy-pack-config`` document: a mapping, JSON text, or a path to a JSON file.

    Each entry is a level (``"mandatory"``) or an object with an optional ``enforcementLevel``
    and properties; ``"all"`` sets the level of every policy. Empty entries are dropped.
    """
    if source is None:
        return {}
    if isinstance(source, os.PathLike):
        source = Path(source).read_text(encoding="utf-8")
    if isinstance(source, str):
        if not source.strip():
            return {}
        try:
            source = json.loads(source)
        except json.JSONDecodeError as exc:
            raise PolicyConfigError(f"policy config is not valid JSON: {exc}") from exc
    if not isinstance(source, Mapping):
        raise PolicyConfigError(f"policy config must be a JSON object, got {source!r}")
    result: dict[str, PolicyConfig] = {}
    for name, value in source.items():
        if isinstance(value, str):
            result[name] = PolicyConfig(_parse_level(name, value))
        elif isinstance(value, Mapping):
            props = dict(value)
            level = (
                _parse_level(name, props.pop("enforcementLevel"))
                if "enforcementLevel" in props
                else None
            )
            if level is not None or props:
                result[name] = PolicyConfig(level, props)
        else:
            raise PolicyConfigError(
                f"parsing {name!r}: {value!r} is not a valid value; must be a string or object"
            )
    return result


def _apply_config(
    result: dict[str, PolicyConfig], given: Mapping[str, PolicyConfig]
) -> dict[str, PolicyConfig]:
    # applyConfig: "all" sets every level first, then each entry overrides its own policy and
    # merges its properties over the defaults (one level deep, like the Go map copy).
    all_level = given["all"].enforcement_level if "all" in given else None
    if all_level is not None:
        result = {k: PolicyConfig(all_level, v.properties) for k, v in result.items()}
    for name, cfg in given.items():
        base = result.get(name, PolicyConfig(None))
        level = (
            cfg.enforcement_level if cfg.enforcement_level is not None else base.enforcement_level
        )
        result[name] = PolicyConfig(level, {**base.properties, **cfg.properties})
    return result


def reconcile_policy_config(
    info: AnalyzerInfo,
    user_config: PolicyConfigSource | Mapping[str, PolicyConfig] = None,
    *,
    strict: bool = False,
) -> dict[str, PolicyConfig]:
    """ReconcilePolicyPackConfig: schema defaults, then the pack's initial config, then the user's.

    Raises PolicyConfigError with every schema violation, in the engine's wording. Stricter than
    the CLI in one respect: a name that is neither a policy of the pack nor ``all`` is an error
    (the CLI ignores it, or fails later with "invalid enforcement level"). With ``strict=True``,
    properties the schema does not declare are errors too (the CLI accepts them silently).
    """
    if isinstance(user_config, Mapping) and all(
        isinstance(v, PolicyConfig) for v in user_config.values()
    ):
        given: dict[str, PolicyConfig] = dict(user_config)
    else:
        given = parse_policy_config(user_config)
    unknown = sorted(set(given) - set(info.policy_names) - {"all"})
    if unknown:
        raise PolicyConfigError(
            f"policy config names {', '.join(map(repr, unknown))}, which policy pack "
            f"{info.name!r} does not have; its policies are: "
            + ", ".join(sorted(info.policy_names)),
            [f"{name}: no such policy" for name in unknown],
        )
    if "all" in given and given["all"].enforcement_level is None:
        raise PolicyConfigError('policy config "all" needs an enforcementLevel')

    result = {p.name: PolicyConfig(p.enforcement_level, p.defaults) for p in info.policies}
    result = _apply_config(result, info.initial_config)
    result = _apply_config(result, given)

    errors: list[str] = []
    for p in info.policies:
        props = dict(result[p.name].properties)
        schema: dict[str, Any] = {"type": "object", "properties": dict(p.config_schema)}
        if p.required:
            schema["required"] = list(p.required)
        if strict:
            schema["additionalProperties"] = False
        errors += [
            f"{p.name}: {e.removeprefix('(root): ')}" for e in validate_json_schema(schema, props)
        ]
    if errors:
        errors.sort()
        lines = "\n".join(
            f"  validating policy config: {info.name} {info.version}  {e}" for e in errors
        )
        raise PolicyConfigError(f"invalid policy config for pack {info.name!r}:\n{lines}", errors)
    return result


# --------------------------------------------------------------------------------------------
# A small JSON-schema validator (the keywords policy config schemas use)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# The engine's side of the conversation
# --------------------------------------------------------------------------------------------

# The engine and the SDK both raise gRPC's 4 MB default to 400 MB (rpcutil.GrpcChannelOptions).
_MAX_MESSAGE: Final = 400 * 1024 * 1024
_GRPC_OPTIONS: Final = [
    ("grpc.max_receive_message_length", _MAX_MESSAGE),
    ("grpc.max_send_message_length", _MAX_MESSAGE),
]


class _EngineServicer(engine_pb2_grpc.EngineServicer):
    """The few Engine calls a plugin may make back; everything else stays UNIMPLEMENTED."""

    def __init__(self, record: Any) -> None:
        self._record = record
        self._root = ""

    def Log(self, request: engine_pb2.LogRequest, context: Any) -> empty_pb2.Empty:  # noqa: N802
        severity = _LOG_SEVERITIES[request.severity] if request.severity < 4 else "info"
        self._record(LogMessage("engine", request.message, severity, request.urn))
        return empty_pb2.Empty()

    def GetRootResource(  # noqa: N802
        self, request: engine_pb2.GetRootResourceRequest, context: Any
    ) -> engine_pb2.GetRootResourceResponse:
        return engine_pb2.GetRootResourceResponse(urn=self._root)

    def SetRootResource(  # noqa: N802
        self, request: engine_pb2.SetRootResourceRequest, context: Any
    ) -> engine_pb2.SetRootResourceResponse:
        self._root = request.urn
        return engine_pb2.SetRootResourceResponse()


def _read_policy_project(pack_dir: Path) -> tuple[str, str]:
    """(runtime, version) from PulumiPolicy.yaml; a line reader, since YAML is not stdlib."""
    path = pack_dir / "PulumiPolicy.yaml"
    if not path.is_file():
        raise HarnessError(
            f"failed to load Pulumi policy project located at {str(pack_dir)!r}: no {path.name}"
        )
    runtime = version = ""
    in_runtime = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.strip().partition(":")
        value = value.strip().strip("\"'")
        if not raw[0].isspace():
            in_runtime = key == "runtime" and not value
            if key == "runtime" and value:
                runtime = value
            elif key == "version":
                version = value
        elif in_runtime and key == "name":
            runtime = value
    return runtime, version


def _terminate(proc: subprocess.Popen[bytes], grace: float) -> None:
    """Interrupt, then kill the process group: the engine's plugin Kill (SIGINT, 5 s, SIGKILL)."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=grace)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    if proc.poll() is None:
        try:
            if hasattr(os, "killpg"):
                os.killpg(proc.pid, signal.SIGKILL)
            else:  # pragma: no cover - Windows
                proc.kill()
        except ProcessLookupError:
            pass
        proc.wait()


class PolicyPackSession:
    """A policy pack running in a child process, driven over gRPC the way the engine drives it.

    Use it as a context manager; the child is always stopped on exit (and, as a last resort,
    when the session is garbage-collected). One session serves any number of calls, and
    ``configure`` may be called again to switch policy config without restarting the pack.
    """

    def __init__(
        self,
        pack_dir: str | os.PathLike[str],
        *,
        project: str = "project",
        stack: str = "dev",
        organization: str = "organization",
        dry_run: bool = True,
        config: Mapping[str, Any] | None = None,
        config_secret_keys: Sequence[str] = (),
        stack_tags: Mapping[str, str] | None = None,
        policy_config: PolicyConfigSource = None,
        strict_config: bool = False,
        remediate: bool = True,
        python: str = sys.executable,
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 60.0,
        call_timeout: float = 300.0,
        shutdown_timeout: float = 5.0,
        max_log_lines: int = 10_000,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.project, self.stack, self.organization = project, stack, organization
        self.dry_run = dry_run
        # Engine config is "namespace:key" -> string; objects and lists arrive JSON-encoded.
        self.config = {
            k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()
        }
        self.config_secret_keys = list(config_secret_keys)
        self.stack_tags = dict(stack_tags or {})
        self.strict_config = strict_config
        self.remediate = remediate
        self._initial_policy_config = policy_config
        self._python = python
        self._extra_env = dict(env or {})
        self._startup_timeout = startup_timeout
        self._call_timeout = call_timeout
        self._shutdown_timeout = shutdown_timeout

        self._logs: collections.deque[LogMessage] = collections.deque(maxlen=max_log_lines)
        self._logs_lock = threading.Lock()
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=50)
        self._proc: subprocess.Popen[bytes] | None = None
        self._engine: Any = None
        self._channel: Any = None
        self._stub: Any = None
        self._readers: list[threading.Thread] = []
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._info: AnalyzerInfo | None = None
        self._policy_config: dict[str, PolicyConfig] = {}
        self._pack_version = ""
        self._closed = False
        self.engine_address = ""
        self.port = 0
        self.handshake_implemented = False

    # ---------------------------------------------------------------- lifecycle

    def __enter__(self) -> PolicyPackSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> PolicyPackSession:
        """Launch the pack and run the engine's start-up calls; raises HarnessError on failure."""
        if self._proc is not None:
            raise HarnessError("this session was already started")
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self) -> None:
        runtime, self._pack_version = _read_policy_project(self.pack_dir)
        if runtime != "python":
            raise HarnessError(
                f"{self.pack_dir}/PulumiPolicy.yaml has runtime {runtime!r}; "
                "this harness runs Python packs"
            )

        self._engine = grpc.server(futures.ThreadPoolExecutor(max_workers=2), options=_GRPC_OPTIONS)
        engine_pb2_grpc.add_EngineServicer_to_server(_EngineServicer(self._record), self._engine)
        self.engine_address = f"127.0.0.1:{self._engine.add_insecure_port('127.0.0.1:0')}"
        self._engine.start()

        # constructEnv: the CLI's own environment plus these, each only when non-empty.
        env = dict(os.environ)
        env.update(
            {
                k: v
                for k, v in {
                    "PULUMI_CONFIG": json.dumps(self.config) if self.config else "",
                    "PULUMI_ORGANIZATION": self.organization,
                    "PULUMI_PROJECT": self.project,
                    "PULUMI_STACK": self.stack,
                    "PULUMI_DRY_RUN": "true" if self.dry_run else "false",
                }.items()
                if v
            }
        )
        env.update(self._extra_env)
        # What pulumi-analyzer-policy-python runs: `python -u -m pulumi.policy "$1" "$2"`, where
        # the engine passes its address and "." with the pack directory as working directory.
        self._proc = subprocess.Popen(
            [self._python, "-u", "-m", "pulumi.policy", self.engine_address, "."],
            cwd=self.pack_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # cmdutil.RegisterProcessGroup: kill the whole group at the end
        )
        self._finalizer = weakref.finalize(self, _terminate, self._proc, 0.0)
        assert self._proc.stdout is not None and self._proc.stderr is not None
        port_line: list[str] = []
        port_ready = threading.Event()
        self._readers = [
            threading.Thread(
                target=self._pump_stdout,
                args=(self._proc.stdout, port_line, port_ready),
                daemon=True,
            ),
            threading.Thread(target=self._pump_stderr, args=(self._proc.stderr,), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

        deadline = time.monotonic() + self._startup_timeout
        # The stdout reader sets port_ready on the first line or at EOF (the pack died first).
        if not port_ready.wait(self._startup_timeout) or not port_line:
            why = f"did not print its port within {self._startup_timeout:g} s"
            if port_ready.is_set():  # stdout closed: the pack is exiting
                try:
                    why = (
                        f"exited with status {self._proc.wait(timeout=5)} before printing its port"
                    )
                except subprocess.TimeoutExpired:
                    why = "closed its stdout without printing its port"
                for reader in self._readers:
                    reader.join(timeout=1)  # let stderr drain into the excerpt
            raise HarnessError(f"policy pack {self.pack_dir} {why}{self._stderr_excerpt()}")
        self.port = self._parse_port(port_line[0])

        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=_GRPC_OPTIONS)
        try:
            grpc.channel_ready_future(self._channel).result(
                timeout=max(deadline - time.monotonic(), 1.0)
            )
        except grpc.FutureTimeoutError:
            raise HarnessError(
                f"policy pack did not begin responding on port {self.port}{self._stderr_excerpt()}"
            ) from None
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        self._handshake(deadline)
        self._call(
            "ConfigureStack",
            self._stub.ConfigureStack,
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=self.stack,
                project=self.project,
                organization=self.organization,
                dry_run=self.dry_run,
                config=self.config,
                config_secret_keys=self.config_secret_keys,
                tags=self.stack_tags,
            ),
            unimplemented_ok=True,
        )
        self._info = self._get_info()
        if self._info.supports_config:
            self.configure(self._initial_policy_config)
        elif self._initial_policy_config is not None:
            raise PolicyConfigError(
                f"policy pack {self._info.name!r} at {str(self.pack_dir)!r} does not support config"
            )

    def _handshake(self, deadline: float) -> None:
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address=self.engine_address,
            root_directory=str(self.pack_dir),
            program_directory=str(self.pack_dir),
        )
        while True:
            try:
                self._stub.Handshake(request, timeout=self._call_timeout)
                self.handshake_implemented = True
                return
            except grpc.RpcError as exc:
                if exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                    return
                # dialPlugin retries UNAVAILABLE every 10 ms: the port may open before serving.
                if exc.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                    raise HarnessError(
                        f"failed to handshake with the policy pack: {exc.details()}"
                        + self._stderr_excerpt()
                    ) from exc
                time.sleep(0.01)

    def close(self) -> None:
        """Close the channel, stop the pack like the engine does, and stop the engine server."""
        if self._closed:
            return
        self._closed = True
        if self._channel is not None:
            self._channel.close()
        if self._proc is not None:
            _terminate(self._proc, self._shutdown_timeout)
            if self._finalizer is not None:
                self._finalizer.detach()
        for reader in self._readers:
            reader.join(timeout=5)
        if self._proc is not None:
            for stream in (self._proc.stdout, self._proc.stderr):
                if stream is not None:
                    stream.close()
        if self._engine is not None:
            self._engine.stop(0)

    # ---------------------------------------------------------------- child process output

    def _record(self, message: LogMessage) -> None:
        with self._logs_lock:
            self._logs.append(message)

    def _pump_stdout(self, stream: IO[bytes], port_line: list[str], ready: threading.Event) -> None:
        # Like newPlugin: the first line is the port; later lines are shown to the user. Draining
        # matters: a pack that prints would otherwise block once the pipe buffer is full.
        first = True
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if first:
                port_line.append(line)
                ready.set()
                first = False
            elif line.strip():
                self._record(LogMessage("stdout", line))
        ready.set()

    def _pump_stderr(self, stream: IO[bytes]) -> None:
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self._stderr_tail.append(line)
            if line.strip():
                self._record(LogMessage("stderr", line, "infoerr"))

    def _stderr_excerpt(self) -> str:
        tail = "\n".join(self._stderr_tail).strip()
        return f"\n--- pack stderr (last lines) ---\n{tail}" if tail else ""

    def _parse_port(self, line: str) -> int:
        text = line.strip()
        if not text.isdigit() or not 0 < int(text) <= 65535:
            raise HarnessError(
                f"policy pack wrote an invalid port to stdout: {line!r}{self._stderr_excerpt()}"
            )
        return int(text)

    # ---------------------------------------------------------------- accessors

    @property
    def pid(self) -> int:
        """The pack's process id (the Python interpreter itself, not a shell)."""
        if self._proc is None:
            raise HarnessError("the session is not started")
        return self._proc.pid

    def rss_bytes(self) -> int | None:
        """The pack's resident memory from /proc, or None where /proc is not available."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        except OSError:
            return None
        match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
        return int(match.group(1)) * 1024 if match else None

    @property
    def info(self) -> AnalyzerInfo:
        if self._info is None:
            raise HarnessError("the session is not started")
        return self._info

    @property
    def policy_config(self) -> dict[str, PolicyConfig]:
        """The reconciled config last sent with Configure."""
        return dict(self._policy_config)

    @property
    def logs(self) -> list[LogMessage]:
        with self._logs_lock:
            return list(self._logs)

    def clear_logs(self) -> None:
        with self._logs_lock:
            self._logs.clear()

    def urn(self, type_: str, name: str, parent: str = "") -> str:
        return make_urn(self.stack, self.project, type_, name, parent)

    # ---------------------------------------------------------------- calls

    def _call(self, name: str, method: Any, request: Any, *, unimplemented_ok: bool = False) -> Any:
        if self._stub is None or self._closed:
            raise HarnessError(f"cannot call {name}: the session is not running")
        try:
            return method(request, timeout=self._call_timeout)
        except grpc.RpcError as exc:
            if unimplemented_ok and exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                return None
            state = ""
            if self._proc is not None and self._proc.poll() is not None:
                state = f" (the pack exited with status {self._proc.returncode})"
            raise HarnessError(
                f"{name} failed{state}: {exc.code().name}: {exc.details()}{self._stderr_excerpt()}"
            ) from exc

    def _get_info(self) -> AnalyzerInfo:
        resp = self._call("GetAnalyzerInfo", self._stub.GetAnalyzerInfo, empty_pb2.Empty())
        policies = []
        for p in resp.policies:
            schema = (
                json_format.MessageToDict(p.configSchema.properties) if resp.supportsConfig else {}
            )
            policies.append(
                PolicyInfo(
                    name=p.name,
                    description=p.description,
                    enforcement_level=_level(p.enforcementLevel),
                    policy_type=_POLICY_TYPES[p.policy_type] if p.policy_type < 3 else "unknown",
                    display_name=p.displayName,
                    severity=_SEVERITIES[p.severity] if p.severity < 5 else "",
                    config_schema=schema,
                    required=tuple(p.configSchema.required),
                )
            )
        initial = {
            k: PolicyConfig(_level(v.enforcementLevel), json_format.MessageToDict(v.properties))
            for k, v in resp.initialConfig.items()
        }
        return AnalyzerInfo(
            name=resp.name,
            # The engine prefers the version in PulumiPolicy.yaml over the one the pack reports.
            version=self._pack_version or resp.version,
            supports_config=resp.supportsConfig,
            # The engine sorts policies by name.
            policies=tuple(sorted(policies, key=lambda p: p.name)),
            initial_config=initial,
            display_name=resp.displayName,
            description=resp.description,
        )

    def configure(
        self, policy_config: PolicyConfigSource | Mapping[str, PolicyConfig] = None
    ) -> dict[str, PolicyConfig]:
        """Reconcile ``policy_config`` (as ``--policy-pack-config``) and send it with Configure.

        Each call replaces the whole config, as a fresh ``pulumi preview`` would. Raises
        PolicyConfigError, leaving the previous config in force, when the config is invalid.
        """
        reconciled = reconcile_policy_config(self.info, policy_config, strict=self.strict_config)
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, cfg in reconciled.items():
            assert cfg.enforcement_level is not None
            entry = request.policyConfig[name]
            entry.enforcementLevel = _LEVEL_TO_PROTO[cfg.enforcement_level]
            entry.properties.update(
                dict(cfg.properties)
            )  # marshalMap: plain JSON, numbers as doubles
        self._call("Configure", self._stub.Configure, request)
        self._policy_config = reconciled
        return self.policy_config

    def _resolve_urn(self, resource: Resource) -> str:
        return resource.urn or self.urn(resource.type, resource.name, resource.parent)

    def _options(self, resource: Resource) -> analyzer_pb2.AnalyzerResourceOptions:
        opts = resource.options
        create, update, delete = opts.custom_timeouts
        return analyzer_pb2.AnalyzerResourceOptions(
            protect=opts.protect,
            ignoreChanges=list(opts.ignore_changes),
            deleteBeforeReplace=bool(opts.delete_before_replace),
            deleteBeforeReplaceDefined=opts.delete_before_replace is not None,
            additionalSecretOutputs=list(opts.additional_secret_outputs),
            aliases=list(opts.aliases),
            customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
                create=create, update=update, delete=delete
            ),
            parent=resource.parent,
        )

    def _provider(self, resource: Resource) -> analyzer_pb2.AnalyzerProviderResource | None:
        prov = resource.provider
        if prov is None:
            return None
        return analyzer_pb2.AnalyzerProviderResource(
            type=prov.type,
            name=prov.name,
            urn=prov.urn or self.urn(prov.type, prov.name),
            properties=encode_properties(prov.inputs),
        )

    def _diagnostic(self, d: analyzer_pb2.AnalyzeDiagnostic, urn: str) -> Diagnostic:
        level = _level(d.enforcementLevel)
        return Diagnostic(
            policy_name=d.policyName,
            policy_pack_name=d.policyPackName,
            policy_pack_version=self._pack_version or d.policyPackVersion,
            description=d.description,
            message=d.message,
            # A remediate-level violation still reported after remediation counts as mandatory.
            enforcement_level=EnforcementLevel.MANDATORY
            if level is EnforcementLevel.REMEDIATE
            else level,
            urn=urn,
            reported_urn=d.urn,
            severity=_SEVERITIES[d.severity] if d.severity < 5 else "",
        )

    def _analyze(self, resource: Resource) -> tuple[AnalyzeResult, struct_pb2.Struct]:
        urn = self._resolve_urn(resource)
        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            properties=encode_properties(resource.inputs),
            urn=urn,
            name=resource.name,
            options=self._options(resource),
        )
        provider = self._provider(resource)
        if provider is not None:
            request.provider.CopyFrom(provider)
        diagnostics: list[Diagnostic] = []
        remediations: list[Remediation] = []
        # The step generator makes two passes over the analyzers: Remediate, then Analyze on the
        # remediated inputs.
        if self.remediate:
            resp = self._call(
                f"Remediate({urn})", self._stub.Remediate, request, unimplemented_ok=True
            )
            for r in resp.remediations if resp is not None else ():
                if r.diagnostic:
                    diagnostics.append(
                        Diagnostic(
                            r.policyName,
                            r.policyPackName,
                            self._pack_version or r.policyPackVersion,
                            r.description,
                            r.diagnostic,
                            EnforcementLevel.ADVISORY,
                            urn,
                            urn,
                        )
                    )
                elif r.HasField("properties"):
                    request.properties.CopyFrom(r.properties)
                    remediations.append(Remediation(r.policyName, urn, decode_struct(r.properties)))
        resp = self._call(f"Analyze({urn})", self._stub.Analyze, request)
        diagnostics += [self._diagnostic(d, urn) for d in resp.diagnostics]
        result = AnalyzeResult(
            tuple(diagnostics),
            tuple(NotApplicable(n.policy_name, n.reason) for n in resp.not_applicable),
            tuple(remediations),
        )
        return result, request.properties

    def analyze(self, resource: Resource) -> AnalyzeResult:
        """What the engine does on each registration: Remediate, then Analyze the inputs."""
        return self._analyze(resource)[0]

    def analyze_stack(self, resources: Iterable[Resource]) -> AnalyzeResult:
        """AnalyzeStack with every resource's outputs, parent, dependencies and property deps.

        A resource without ``outputs`` is sent with its inputs.
        """
        return self._analyze_stack(resources, {})

    def _analyze_stack(
        self, resources: Iterable[Resource], remediated: Mapping[str, struct_pb2.Struct]
    ) -> AnalyzeResult:
        request = analyzer_pb2.AnalyzeStackRequest()
        urns: set[str] = set()
        for resource in resources:
            urn = self._resolve_urn(resource)
            urns.add(urn)
            entry = request.resources.add(
                type=resource.type,
                urn=urn,
                name=resource.name,
                options=self._options(resource),
                parent=resource.parent,
                dependencies=list(resource.dependencies),
            )
            if resource.outputs is not None:
                entry.properties.CopyFrom(encode_properties(resource.outputs))
            elif urn in remediated:
                entry.properties.CopyFrom(remediated[urn])
            else:
                entry.properties.CopyFrom(encode_properties(resource.inputs))
            provider = self._provider(resource)
            if provider is not None:
                entry.provider.CopyFrom(provider)
            for key, deps in resource.property_dependencies.items():
                if deps:  # "Skip properties that have no dependencies."
                    entry.propertyDependencies[key].urns.extend(deps)
        resp = self._call("AnalyzeStack", self._stub.AnalyzeStack, request, unimplemented_ok=True)
        if resp is None:
            return AnalyzeResult()
        root = root_stack_urn(self.stack, self.project)
        return AnalyzeResult(
            tuple(self._diagnostic(d, d.urn if d.urn in urns else root) for d in resp.diagnostics),
            tuple(NotApplicable(n.policy_name, n.reason) for n in resp.not_applicable),
        )

    def run(self, resources: Sequence[Resource]) -> AnalyzeResult:
        """A whole preview/update: every resource in registration order, then the stack.

        Resources without explicit outputs reach AnalyzeStack with their (remediated) inputs.
        """
        total = AnalyzeResult()
        outputs: dict[str, struct_pb2.Struct] = {}
        for resource in resources:
            result, final_inputs = self._analyze(resource)
            outputs[self._resolve_urn(resource)] = final_inputs
            total += result
        return total + self._analyze_stack(resources, outputs)
