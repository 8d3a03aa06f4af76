"""Diff = checked new inputs against the old state, property by property, as the bridge does.

Only input properties count. An optional-and-computed property left out of the inputs keeps
its state value (pulumi-aws shows no diff for it); one with a default compares as its default.
Empty and absent are the same; a set-like list (rule ids, CIDR lists, inline rules) compares
without order; an unknown new value is a change (and a replacement where the property
replaces).
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi.provider.experimental.provider import DiffResponse, PropertyDiff, PropertyDiffKind

from .spec import Prop, ResourceSpec
from .values import contains_unknown


def canonical(value: Any, prop: Prop | None = None, nested: bool = False) -> Any:
    """A comparable form: None for absent/empty, sorted sets, no empty or false object fields."""
    if prop is not None and prop.normalize is not None and value is not None:
        value = prop.normalize(value)
    set_like = prop is None or prop.set_like
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        fields = {k: canonical(v, nested=True) for k, v in value.items() if not k.startswith("__")}
        kept = {k: v for k, v in fields.items() if v is not None and v is not False}
        return kept or None
    if isinstance(value, list):
        items = [canonical(item, nested=True) for item in value]
        if set_like:
            items = sorted({json.dumps(item, sort_keys=True) for item in items})
            items = [json.loads(item) for item in items]
        return items or None
    if nested and value == "":
        return None
    return value


def diff(
    spec: ResourceSpec, olds: Mapping[str, Any], news: Mapping[str, Any], ignore: Sequence[str]
) -> DiffResponse:
    changed: list[str] = []
    replaces: list[str] = []
    detailed: dict[str, PropertyDiff] = {}
    for name, prop in spec.inputs.items():
        if name in ignore:
            continue
        new, old = news.get(name, prop.default), olds.get(name, prop.default)
        if new is None and prop.computed:
            continue
        if not contains_unknown(new) and canonical(new, prop) == canonical(old, prop):
            continue
        changed.append(name)
        if prop.replaces:
            replaces.append(name)
        detailed[name] = PropertyDiff(_kind(old, new, prop.replaces), input_diff=True)
    return DiffResponse(
        changes=bool(changed), replaces=replaces, diffs=changed, detailed_diff=detailed
    )


def _kind(old: Any, new: Any, replaces: bool) -> PropertyDiffKind:
    if canonical(old) is None:
        return PropertyDiffKind.ADD_REPLACE if replaces else PropertyDiffKind.ADD
    if canonical(new) is None:
        return PropertyDiffKind.DELETE_REPLACE if replaces else PropertyDiffKind.DELETE
    return PropertyDiffKind.UPDATE_REPLACE if replaces else PropertyDiffKind.UPDATE
