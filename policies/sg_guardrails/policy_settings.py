"""Policy settings: the JSON schema each property shows the CLI, and a reader that re-validates.

The CLI validates a ``--policy-pack-config`` file against these schemas and fills in the
``default``s before ``Configure``; the SDK does neither, and other callers (harnesses, preflight)
may skip the CLI. So every reader re-validates and raises ``GuardrailsError`` with a clear message.
Numbers arrive as floats (protobuf ``Struct``), so ``80.0`` is accepted as port 80.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from .errors import GuardrailsError
from .fields import as_integer
from .model import MAX_PORT, MIN_PORT

# The SDK's own key for a policy's level: always allowed in a policy's config.
ENFORCEMENT_LEVEL_KEY: Final = "enforcementLevel"


class Setting(Protocol):
    """One property of a policy's config."""

    @property
    def key(self) -> str: ...

    def schema(self) -> dict[str, Any]: ...

    def read(self, config: PolicyConfig) -> object: ...


@dataclass(frozen=True)
class PolicyConfig:
    """One policy's config as the engine sent it, its property names already checked."""

    policy: str
    values: Mapping[str, Any]

    @classmethod
    def checked(
        cls, policy: str, settings: Sequence[Setting], values: Mapping[str, Any]
    ) -> PolicyConfig:
        """Reject misspelt properties: the CLI's schema does not forbid extra keys."""
        if not values:
            return cls(policy, values)  # the usual case, once per policy and resource
        known = {s.key for s in settings} | {ENFORCEMENT_LEVEL_KEY}
        for key in values:
            if key not in known:
                close = difflib.get_close_matches(str(key), sorted(known), n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"known: {sorted(known - {ENFORCEMENT_LEVEL_KEY})}"
                )
                raise GuardrailsError(
                    f"{policy} config key {key!r}: not a property of this policy; {hint}"
                )
        return cls(policy, values)


@dataclass(frozen=True)
class PortsSetting:
    """A list of unique integer ports 0..65535."""

    key: str
    description: str
    default: tuple[int, ...]

    def schema(self) -> dict[str, Any]:
        return {
            "type": "array",
            "items": {"type": "integer", "minimum": MIN_PORT, "maximum": MAX_PORT},
            "uniqueItems": True,
            "default": list(self.default),
            "description": self.description,
        }

    def read(self, config: PolicyConfig) -> tuple[int, ...]:
        raw = config.values.get(self.key)
        if raw is None:
            return self.default
        what = f"{config.policy} config {self.key} {raw!r}"
        if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
            raise GuardrailsError(f"{what}: not a list; write a JSON list of ports, e.g. [80, 443]")
        ports: list[int] = []
        seen: set[int] = set()  # a list may hold all 65,536 ports: no quadratic look-up
        for item in raw:
            port = as_integer(item)
            if port is None or isinstance(item, str):
                raise GuardrailsError(f"{what}: {item!r} is not an integer; write ports as numbers")
            if not MIN_PORT <= port <= MAX_PORT:
                raise GuardrailsError(
                    f"{what}: port {port} is outside {MIN_PORT}..{MAX_PORT}; "
                    "use a valid TCP/UDP port"
                )
            if port in seen:
                raise GuardrailsError(f"{what}: port {port} is listed twice; list each port once")
            seen.add(port)
            ports.append(port)
        return tuple(ports)


@dataclass(frozen=True)
class IntegerSetting:
    """An integer within ``minimum..maximum``; ``advice`` ends the out-of-range message;
    ``example``, a value worth choosing, is published in the schema's ``examples``."""

    key: str
    description: str
    default: int
    minimum: int
    maximum: int
    advice: str
    example: int | None = None

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "integer",
            "minimum": self.minimum,
            "maximum": self.maximum,
            "default": self.default,
            "description": self.description,
        }
        if self.example is not None:
            schema["examples"] = [self.example]
        return schema

    def read(self, config: PolicyConfig) -> int:
        raw = config.values.get(self.key)
        if raw is None:
            return self.default
        what = f"{config.policy} config {self.key} {raw!r}"
        value = as_integer(raw)
        if value is None or isinstance(raw, str):
            raise GuardrailsError(f"{what}: not an integer; write e.g. {self.default}")
        if not self.minimum <= value <= self.maximum:
            raise GuardrailsError(f"{what}: outside {self.minimum}..{self.maximum}; {self.advice}")
        return value


@dataclass(frozen=True)
class TagKeys:
    """The tag keys the tiered-sg components write on every group and rule."""

    chain: str = "tiered-sg:chain"
    tier: str = "tiered-sg:tier"
    position: str = "tiered-sg:position"
    role: str = "tiered-sg:role"


DEFAULT_TAG_KEYS: Final = TagKeys()


@dataclass(frozen=True)
class TagKeysSetting:
    """An object naming the tag key of each role in ``TagKeys``; omitted roles keep defaults."""

    key: str
    description: str

    def schema(self) -> dict[str, Any]:
        defaults = vars(DEFAULT_TAG_KEYS)
        return {
            "type": "object",
            "properties": {
                role: {"type": "string", "minLength": 1, "default": tag}
                for role, tag in defaults.items()
            },
            "additionalProperties": False,
            "default": dict(defaults),
            "description": self.description,
        }

    def read(self, config: PolicyConfig) -> TagKeys:
        raw = config.values.get(self.key)
        if raw is None:
            return DEFAULT_TAG_KEYS
        what = f"{config.policy} config {self.key} {raw!r}"
        if not isinstance(raw, Mapping):
            raise GuardrailsError(
                f'{what}: not an object; write e.g. {{"chain": "tiered-sg:chain"}}'
            )
        defaults = vars(DEFAULT_TAG_KEYS)
        keys = dict(defaults)
        for role, tag in raw.items():
            if role not in defaults:
                raise GuardrailsError(
                    f"{what}: {role!r} is not one of {sorted(defaults)}; remove it"
                )
            if not isinstance(tag, str) or not tag.strip():
                raise GuardrailsError(
                    f"{what}: {role} must be a non-empty string; write the tag key"
                )
            keys[role] = tag
        if len(set(keys.values())) != len(keys):
            raise GuardrailsError(f"{what}: two roles share one tag key; give each a distinct key")
        return TagKeys(**keys)
