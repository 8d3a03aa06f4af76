"""Plain Python values <-> the experimental SDK's ``PropertyValue``.

The handlers work on JSON-like values (None, bool, int, float, str, list, dict); this module is
the only place that knows the SDK's value type. The stand-in tells the engine (Configure) that
it accepts no secrets, resource references or output values, so the engine sends plain values;
an unknown value arrives as the engine's unknown-string marker and is sent back the same way.
"""

from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.rpc import UNKNOWN

__all__ = ["UNKNOWN", "contains_unknown", "from_plain", "plain_map", "property_map", "to_plain"]

Props = dict[str, Any]


def to_plain(value: PropertyValue) -> Any:
    """A PropertyValue as a JSON-like value; integral numbers become ints (ports, counts)."""
    inner = value.value
    if inner is None or isinstance(inner, bool | str):
        return inner
    if isinstance(inner, float):
        return int(inner) if inner.is_integer() else inner
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {key: to_plain(item) for key, item in inner.items()}
    if isinstance(inner, tuple | list):
        return [to_plain(item) for item in inner]
    raise TypeError(f"the aws stand-in does not take {type(inner).__name__} values")


def from_plain(value: Any) -> PropertyValue:
    """A JSON-like value as a PropertyValue (the SDK only takes floats for numbers)."""
    if value is None or isinstance(value, bool | str):
        return PropertyValue(value)
    if isinstance(value, int | float):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue({str(key): from_plain(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([from_plain(item) for item in value])
    raise TypeError(f"cannot send a {type(value).__name__} to the engine")


def plain_map(values: Mapping[str, PropertyValue]) -> Props:
    return {key: to_plain(item) for key, item in values.items()}


def property_map(values: Mapping[str, Any]) -> dict[str, PropertyValue]:
    return {key: from_plain(item) for key, item in values.items()}


def contains_unknown(value: Any) -> bool:
    """Whether a plain value is, or holds, an unknown (a preview's not-yet-computed input)."""
    if value == UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_unknown(item) for item in value)
    return False
