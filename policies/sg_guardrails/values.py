"""Turn property values as the engine or the SDK hands them over into plain Python values.

Props reach a policy in one of three forms:
- raw engine JSON (a harness, preflight): unknowns are sentinel strings, secrets are
  ``{"4dabf…": "1b47…", "value": v}`` envelopes;
- SDK-deserialised (``pulumi preview``): secrets already unwrapped, but the dicts/lists are
  ``unknown_checking_proxy`` objects whose item access RAISES ``UnknownValueError`` for an unknown;
- ``Secret`` objects (only in the SDK's remediation path).
``plain`` accepts all three and never raises, so a single unknown never aborts a whole policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import Secret
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG, SPECIAL_SIG_KEY
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

# The engine's sentinels (the SDK's own constants), by the kind of value they stand for. Assets
# and archives never occur in security-group props, but the SDK treats them as unknowns too.
_SENTINEL_KINDS: Final[Mapping[str, str]] = {
    UNKNOWN_STRING_VALUE: "string",
    UNKNOWN_NUMBER_VALUE: "number",
    UNKNOWN_BOOLEAN_VALUE: "boolean",
    UNKNOWN_ARRAY_VALUE: "array",
    UNKNOWN_OBJECT_VALUE: "object",
    UNKNOWN_ASSET_VALUE: "asset",
    UNKNOWN_ARCHIVE_VALUE: "archive",
}


@dataclass(frozen=True)
class UnknownValue:
    """A value the engine cannot know yet (``pulumi preview``); ``kind`` is the sentinel's type.

    The engine encodes every computed value with the string sentinel whatever its schema type,
    so ``kind`` is informative only: never infer the field's type from it.
    """

    kind: str = "string"

    def __str__(self) -> str:
        return "(unknown in preview)"


# Returned as they are (bool is its own exact type, so it is listed too).
_SCALARS: Final = frozenset({int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """Return ``value`` as plain dicts, lists and scalars, with unknowns as ``UnknownValue``.

    Secrets are unwrapped (a policy judges the value; it never prints a whole props dump).
    """
    # Exact-type fast paths first: nearly every value is one of these, and ``isinstance`` against
    # the Mapping/Sequence ABCs below is comparatively slow. Same results as the general path.
    exact = type(value)
    if exact is str:
        sentinel = _SENTINEL_KINDS.get(value)
        return UnknownValue(sentinel) if sentinel is not None else value
    if exact is dict:
        return _plain_mapping(value)
    if exact is list:
        return [_guarded(item) for item in value]
    if exact in _SCALARS:
        return value
    if isinstance(value, UnknownValue):
        return value
    if isinstance(value, str):
        kind = _SENTINEL_KINDS.get(value)
        return UnknownValue(kind) if kind is not None else value
    if isinstance(value, Secret):
        return plain(value.value)
    if isinstance(value, Mapping):
        return _plain_mapping(value)
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [_item(value, i) for i in range(len(value))]
    return value


def plain_field(props: Any, key: str) -> Any:
    """``plain(props[key])``, read alone (cheaper than ``plain(props)``); None when ``props`` is
    not a mapping or has no ``key``."""
    if not isinstance(props, Mapping):
        return None
    try:  # not ``key in props``: on the SDK's proxy that reads the value, and raises if unknown
        return _item(props, key)
    except KeyError:
        return None


def _plain_mapping(mapping: Mapping[Any, Any]) -> Any:
    keys = list(mapping)
    if SPECIAL_SIG_KEY in keys and _item(mapping, SPECIAL_SIG_KEY) == SPECIAL_SECRET_SIG:
        return plain(_item(mapping, "value")) if "value" in keys else UnknownValue("secret")
    # Any other envelope (asset, archive) stays a dict: no security-group field holds one.
    if type(mapping) is dict:  # a dict's items need no lookup by key (the fast path)
        result: dict[str, Any] = {}
        for key, item in mapping.items():
            name = str(key)
            exact = type(item)
            # ``plain``'s own fast paths for strings and scalars, inlined: most values are these.
            if exact is str:
                sentinel = _SENTINEL_KINDS.get(item)
                result[name] = UnknownValue(sentinel) if sentinel is not None else item
            elif exact in _SCALARS:
                result[name] = item
            else:
                result[name] = _guarded(item)
        return result
    return {str(key): _item(mapping, key) for key in keys}


def _item(container: Any, key: Any) -> Any:
    # The SDK's proxies raise on access to an unknown; the exception carries the sentinel.
    try:
        return plain(container[key])
    except UnknownValueError as error:
        return _unknown(error)


def _guarded(value: Any) -> Any:
    """``plain(value)`` for an element already in hand, with ``_item``'s guard."""
    try:
        return plain(value)
    except UnknownValueError as error:
        return _unknown(error)


def _unknown(error: UnknownValueError) -> UnknownValue:
    return UnknownValue(_SENTINEL_KINDS.get(error.unknown_type_sentinel, "string"))
