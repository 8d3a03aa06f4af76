"""Policy configuration: JSON schemas the CLI validates against, and readers that re-validate.

The CLI validates a ``--policy-pack-config`` file against these schemas and fills in the
``default``s before ``Configure``; the SDK does neither, and other callers (harnesses, preflight)
may skip the CLI. So every reader re-validates and raises ``GuardrailsError`` with a clear message.
Numbers arrive as floats (protobuf ``Struct``), so ``80.0`` is accepted as port 80.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema

from .errors import GuardrailsError
from .fields import as_integer
from .model import MAX_PORT, MIN_PORT

DEFAULT_AUTHORIZED_PORTS: Final = (80, 443)
DEFAULT_ADMIN_PORTS: Final = (22, 3389)
# AWS Security Hub control EC2.19, "Security groups should not allow unrestricted access to
# ports with high risk".
EC2_19_HIGH_RISK_PORTS: Final = (
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389,
    4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300,
)  # fmt: skip
DEFAULT_MAX_RULES: Final = 60
# AWS's adjustable ceiling: rules per group x groups per interface may not exceed 1,000.
MAX_RULES_CEILING: Final = 1000
DEFAULT_TIER_ADMIN_PORTS: Final = (22,)


@dataclass(frozen=True)
class TagKeys:
    """The tag keys the tiered-sg components write on every group and rule."""

    chain: str = "tiered-sg:chain"
    tier: str = "tiered-sg:tier"
    position: str = "tiered-sg:position"
    role: str = "tiered-sg:role"


DEFAULT_TAG_KEYS: Final = TagKeys()


@dataclass(frozen=True)
class TierSettings:
    tag_keys: TagKeys
    admin_ports: tuple[int, ...]


def _ports_schema(description: str, default: Sequence[int]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "integer", "minimum": MIN_PORT, "maximum": MAX_PORT},
        "uniqueItems": True,
        "default": list(default),
        "description": description,
    }


_TAG_KEYS_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "properties": {
        key: {"type": "string", "minLength": 1, "default": value}
        for key, value in vars(DEFAULT_TAG_KEYS).items()
    },
    "additionalProperties": False,
    "default": dict(vars(DEFAULT_TAG_KEYS)),
    "description": "Tag keys naming a group's chain, tier, position and role.",
}

SCHEMAS: Final[Mapping[str, Mapping[str, dict[str, Any]]]] = {
    "sg-public-ports-allowlist": {
        "authorizedPorts": _ports_schema(
            "TCP/UDP ports that may be open to the whole internet.", DEFAULT_AUTHORIZED_PORTS
        ),
    },
    "sg-no-public-admin-ports": {
        "adminPorts": _ports_schema(
            "Remote-administration ports never open to the internet.", DEFAULT_ADMIN_PORTS
        ),
    },
    "sg-no-public-high-risk-ports": {
        "highRiskPorts": _ports_schema(
            "Ports never open to the internet (default: AWS Security Hub EC2.19).",
            EC2_19_HIGH_RISK_PORTS,
        ),
    },
    "sg-rule-quota": {
        "maxRulesPerDirection": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_RULES_CEILING,
            "default": DEFAULT_MAX_RULES,
            "description": "Rules per group, per direction, per IP family (AWS default 60).",
        },
    },
    "sg-tier-isolation": {
        "tagKeys": _TAG_KEYS_SCHEMA,
        "adminPorts": _ports_schema(
            "Ports on which every tier may accept its chain's admin group.",
            DEFAULT_TIER_ADMIN_PORTS,
        ),
    },
}


def schema_for(policy: str) -> PolicyConfigSchema | None:
    properties = SCHEMAS.get(policy)
    # Copies: the SDK serialises these into protobuf and must not share our constants.
    return (
        PolicyConfigSchema(properties={k: dict(v) for k, v in properties.items()})
        if properties
        else None
    )


def check_known_keys(policy: str, config: Mapping[str, Any]) -> None:
    """Reject misspelt properties: the CLI's schema does not forbid extra keys."""
    if not config:
        return
    known = set(SCHEMAS.get(policy, {})) | {"enforcementLevel"}
    for key in config:
        if key not in known:
            close = difflib.get_close_matches(str(key), sorted(known), n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"known: {sorted(known - {'enforcementLevel'})}"
            )
            raise GuardrailsError(
                f"{policy} config key {key!r}: not a property of this policy; {hint}"
            )


def read_ports(
    policy: str, config: Mapping[str, Any], key: str, default: Sequence[int]
) -> tuple[int, ...]:
    """A list of unique integer ports 0..65535 (``default`` when absent)."""
    check_known_keys(policy, config)
    if key not in config or config[key] is None:
        return tuple(default)
    raw = config[key]
    what = f"{policy} config {key} {raw!r}"
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise GuardrailsError(f"{what}: not a list; write a JSON list of ports, e.g. [80, 443]")
    ports: list[int] = []
    seen: set[int] = set()
    for item in raw:
        port = as_integer(item)
        if port is None or isinstance(item, str):
            raise GuardrailsError(f"{what}: {item!r} is not an integer; write ports as numbers")
        if not MIN_PORT <= port <= MAX_PORT:
            raise GuardrailsError(
                f"{what}: port {port} is outside {MIN_PORT}..{MAX_PORT}; use a valid TCP/UDP port"
            )
        if port in seen:
            raise GuardrailsError(f"{what}: port {port} is listed twice; list each port once")
        seen.add(port)
        ports.append(port)
    return tuple(ports)


def read_max_rules(policy: str, config: Mapping[str, Any]) -> int:
    check_known_keys(policy, config)
    raw = config.get("maxRulesPerDirection")
    if raw is None:
        return DEFAULT_MAX_RULES
    value = as_integer(raw)
    if value is None or isinstance(raw, str):
        raise GuardrailsError(
            f"{policy} config maxRulesPerDirection {raw!r}: not an integer; write e.g. 60"
        )
    if not 1 <= value <= MAX_RULES_CEILING:
        raise GuardrailsError(
            f"{policy} config maxRulesPerDirection {raw!r}: outside 1..{MAX_RULES_CEILING}; "
            f"use your account's quota (AWS default {DEFAULT_MAX_RULES})"
        )
    return value


def read_tier_settings(policy: str, config: Mapping[str, Any]) -> TierSettings:
    check_known_keys(policy, config)
    admin = read_ports(policy, config, "adminPorts", DEFAULT_TIER_ADMIN_PORTS)
    raw = config.get("tagKeys")
    if raw is None:
        return TierSettings(DEFAULT_TAG_KEYS, admin)
    what = f"{policy} config tagKeys {raw!r}"
    if not isinstance(raw, Mapping):
        raise GuardrailsError(f'{what}: not an object; write e.g. {{"chain": "tiered-sg:chain"}}')
    defaults = vars(DEFAULT_TAG_KEYS)
    keys = dict(defaults)
    for key, value in raw.items():
        if key not in defaults:
            raise GuardrailsError(f"{what}: {key!r} is not one of {sorted(defaults)}; remove it")
        if not isinstance(value, str) or not value.strip():
            raise GuardrailsError(f"{what}: {key} must be a non-empty string; write the tag key")
        keys[key] = value
    if len(set(keys.values())) != len(keys):
        raise GuardrailsError(f"{what}: two roles share one tag key; give each a distinct key")
    return TierSettings(TagKeys(**keys), admin)
