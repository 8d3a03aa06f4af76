"""Values on the wire (sdk/go/common/resource/plugin/rpc.go).

Numbers are doubles, unknowns are sentinel strings, secrets are signature objects, and keys
starting with ``__`` are dropped, as in the engine's MarshalProperties. The sentinels and
signatures are the policy SDK's own, so the client and the pack cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from google.protobuf import json_format, struct_pb2
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG as SECRET_SIG
from pulumi_policy.deserialize import SPECIAL_SIG_KEY as SIG_KEY
from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE as UNKNOWN_ARRAY
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UNKNOWN_NUMBER
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE as UNKNOWN_STRING

__all__ = [
    "SECRET_SIG",
    "SIG_KEY",
    "UNKNOWN",
    "UNKNOWN_ARRAY",
    "UNKNOWN_NUMBER",
    "UNKNOWN_STRING",
    "Secret",
    "decode_struct",
    "encode_properties",
]

# What a real preview usually sends: the Python SDK registers every unknown Output without a
# type, and the engine marshals an untyped unknown as the *string* sentinel, even for a port.
UNKNOWN: Final = UNKNOWN_STRING


@dataclass(frozen=True)
class Secret:
    """A secret value; the engine keeps secrets (KeepSecrets) when it calls an analyzer."""

    value: Any


def _encode(value: Any, path: str) -> Any:
    if isinstance(value, Secret):
        return {SIG_KEY: SECRET_SIG, "value": _encode(value.value, path)}
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
            if not key.startswith("__"):
                out[key] = _encode(item, f"{path}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_encode(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise TypeError(f"{path}: cannot send a {type(value).__name__}; use JSON-like values or Secret")


def encode_properties(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """Marshal a property map as the engine does for Analyze/AnalyzeStack."""
    struct = struct_pb2.Struct()
    struct.update(_encode(props, "props"))
    return struct


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return Secret(_decode(value.get("value")))
        return {key: _decode(item) for key, item in value.items()}
    return value


def decode_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Inverse of encode_properties: secret envelopes become Secret; sentinels stay strings."""
    decoded: dict[str, Any] = _decode(json_format.MessageToDict(struct))
    return decoded
