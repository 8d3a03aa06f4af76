"""Values on the wire (sdk/go/common/resource/plugin/rpc.go), and the URNs the engine computes.

Numbers are doubles, unknowns are sentinel strings, secrets are signature objects, and keys
starting with ``__`` are dropped, as in the engine's MarshalProperties.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from google.protobuf import json_format, struct_pb2

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
