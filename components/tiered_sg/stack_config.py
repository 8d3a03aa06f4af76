"""Stack config (``tiered-sg:*`` keys) -> validated chain inputs.

:func:`parse_config` is a pure function over a plain ``{"tiered-sg:key": value}`` mapping, values
as the engine passes them (strings, lists and mappings JSON-encoded) or already decoded, so
preflight and tests call it directly. :func:`read_config` feeds it the running program's config.
Errors name the config key, the value and the fix, e.g.
``tiered-sg:tiers[1].ports[0] 'tcp:99999': port 99999 is out of range 0-65535; ...``; a key
of the namespace that is not a setting is refused with the closest real key, and so is a key
of a namespace that looks like a misspelling of ours (``tiered_sg:adminCidrs``).
"""

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

import pulumi.runtime.config as runtime_config

from tiered_sg.chain_spec import CHAIN_FIELDS, ChainSpec
from tiered_sg.errors import TieredSgError, did_you_mean
from tiered_sg.inputs import ArgPath, as_str, camel, check_vpc_id

NAMESPACE = "tiered-sg"
"""The project name, hence the config namespace: keys read ``tiered-sg:<key>``."""

CONFIG_KEYS: dict[str, str] = {camel(field): field for field in CHAIN_FIELDS}
"""Config key (camelCase) -> TieredSecurityGroupsArgs field."""

OTHER_NAMESPACES = frozenset({"aws", "aws-native", "awsx", "pulumi"})
"""Namespaces of other packages a stack of this project may configure; never refused."""
_NEAR_MISS = 0.75
"""difflib ratio from which another namespace is taken for a misspelling of ours."""

_LISTS = {"tiers", "public_ipv4_cidrs", "public_ipv6_cidrs", "admin_ports"}
_MAPPINGS = {"admin_cidrs", "tags", "entry_security_groups", "adopt"}
_SCALARS = {
    "exclusive_rules",
    "close_default_group",
    "admin_min_prefix_ipv4",
    "admin_min_prefix_ipv6",
    "retain_on_delete",
}
"""Booleans and integers: the engine passes them as their JSON text ('true', '8')."""


@dataclass(frozen=True)
class ChainConfig:
    """A stack's validated chain settings; ``vpc_id`` is None when the default VPC is meant."""

    vpc_id: Optional[str]
    spec: ChainSpec


def parse_config(values: Mapping[str, object], namespace: str = NAMESPACE) -> ChainConfig:
    """Validate the ``<namespace>:*`` entries of ``values``; other namespaces are ignored."""
    at = ArgPath(prefix=f"{namespace}:", camel=True)
    raw: dict[str, object] = {}
    for full_key, value in values.items():
        space, _, key = full_key.partition(":")
        if space != namespace:
            _check_namespace(full_key, namespace)
            continue
        if key not in CONFIG_KEYS:
            raise TieredSgError(
                "config key",
                full_key,
                f"is not a setting of {namespace}",
                did_you_mean(full_key, [f"{namespace}:{name}" for name in CONFIG_KEYS]),
            )
        field = CONFIG_KEYS[key]
        raw[key] = _decode(value, field, at.field(field))
    vpc_id = _vpc_id(raw.pop(at.shown("vpc_id"), None), at.field("vpc_id"))
    return ChainConfig(vpc_id, ChainSpec.from_args(raw, at))


def _check_namespace(full_key: str, namespace: str) -> None:
    """Refuse a key whose namespace is a near miss of ours (``tiered_sg:``, ``tieredsg:``): the
    program would silently ignore it and apply the default instead (a world-open entry tier, no
    admin group). Other namespaces (``aws:``, ``pulumi:``) belong to others and pass."""
    space, _, key = full_key.partition(":")
    if space.lower() in OTHER_NAMESPACES:
        return
    if not difflib.get_close_matches(space.lower(), [namespace], n=1, cutoff=_NEAR_MISS):
        return
    raise TieredSgError(
        "config key",
        full_key,
        f"is in the namespace {space!r}, not {namespace!r}, so the program would ignore it",
        did_you_mean(f"{namespace}:{key}", [f"{namespace}:{name}" for name in CONFIG_KEYS]),
    )


def read_config(namespace: str = NAMESPACE) -> ChainConfig:
    """:func:`parse_config` over the running program's config (engine-provided or mocked)."""
    values: dict[str, object] = dict(runtime_config.get_config_env())
    values.update(runtime_config.CONFIG.get())
    return parse_config(values, namespace)


def _decode(value: object, field: str, at: ArgPath) -> object:
    """Structured values arrive JSON-encoded; a plain string where a list or mapping belongs is
    the classic `pulumi config set key value` slip."""
    if field in _SCALARS and isinstance(value, str):
        try:
            scalar: object = json.loads(value)
        except json.JSONDecodeError:
            return value  # the spec refuses it, naming the type it expected
        return scalar if isinstance(scalar, bool | int) else value
    if field not in _LISTS | _MAPPINGS or not isinstance(value, str):
        return value
    try:
        decoded: object = json.loads(value)
    except json.JSONDecodeError:
        decoded = value
    if field in _LISTS and not isinstance(decoded, list):
        raise at.error(
            value,
            "is a single value where a list is expected",
            f"write a YAML list under {at} in Pulumi.<stack>.yaml, or set items with "
            f"`pulumi config set --path '{at.text}[0]' <value>`",
        )
    if field in _MAPPINGS and not isinstance(decoded, dict):
        raise at.error(
            value,
            "is a single value where a mapping is expected",
            f"write a YAML mapping under {at} in Pulumi.<stack>.yaml, or set entries with "
            f"`pulumi config set --path '{at.text}.<name>' <value>`",
        )
    return decoded


def _vpc_id(value: object, at: ArgPath) -> Optional[str]:
    """An empty or absent vpcId means the default VPC."""
    if value is None:
        return None
    text = as_str(value, at, "a VPC id", "write an id like 'vpc-0123456789abcdef0'")
    if not text:
        return None
    check_vpc_id(text, at)
    return text
