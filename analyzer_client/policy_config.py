"""Policy config as the CLI reads and reconciles it (pkg/resource/analyzer/config.go).

``--policy-pack-config`` documents are parsed, then layered over each policy's schema defaults and
the pack's initial config, and the result is validated against each policy's JSON schema.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import PolicyConfigError
from .json_schema import validate_json_schema
from .results import AnalyzerInfo, EnforcementLevel, PolicyConfig

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
    info: AnalyzerInfo, user_config: PolicyConfigSource | Mapping[str, PolicyConfig] = None
) -> dict[str, PolicyConfig]:
    """ReconcilePolicyPackConfig: schema defaults, then the pack's initial config, then the user's.

    Raises PolicyConfigError with every schema violation, in the engine's wording. As in the CLI,
    a name that is not a policy of the pack is passed on (the pack ignores it) and properties the
    schema does not declare are accepted; ``stricter_than_cli`` lists both.
    """
    given = _given(user_config)
    unknown = _unknown_policies(info, given)
    if "all" in given and given["all"].enforcement_level is None:
        raise PolicyConfigError('policy config "all" needs an enforcementLevel')

    result = {p.name: PolicyConfig(p.enforcement_level, p.defaults) for p in info.policies}
    result = _apply_config(result, info.initial_config)
    result = _apply_config(result, given)
    # An unknown name travels only with a level, the one thing Configure cannot do without.
    result = {k: v for k, v in result.items() if k not in unknown or v.enforcement_level}

    errors: list[str] = []
    for p in info.policies:
        props = dict(result[p.name].properties)
        schema: dict[str, Any] = {"type": "object", "properties": dict(p.config_schema)}
        if p.required:
            schema["required"] = list(p.required)
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


def stricter_than_cli(
    info: AnalyzerInfo, user_config: PolicyConfigSource | Mapping[str, PolicyConfig]
) -> list[str]:
    """What the CLI accepts without a word but is almost surely a typo: names of policies the pack
    does not have, and properties a policy's schema does not declare (the Analyzer protocol
    carries no ``additionalProperties``, so the engine cannot refuse them). One sentence each."""
    given = _given(user_config)
    notes = [
        f"policy config names {name!r}, which policy pack {info.name!r} does not have; "
        f"its policies are: {', '.join(sorted(info.policy_names))}"
        for name in _unknown_policies(info, given)
    ]
    for policy in info.policies:
        declared = set(policy.config_schema)
        notes += [
            f"policy config of {policy.name!r} sets {prop!r}, which it does not declare; "
            f"its properties are: {', '.join(sorted(declared)) or 'none'}"
            for prop in sorted(set(given.get(policy.name, PolicyConfig(None)).properties))
            if prop not in declared
        ]
    return notes


def _given(user_config: PolicyConfigSource | Mapping[str, PolicyConfig]) -> dict[str, PolicyConfig]:
    if isinstance(user_config, Mapping) and all(
        isinstance(v, PolicyConfig) for v in user_config.values()
    ):
        return dict(user_config)
    return parse_policy_config(user_config)


def _unknown_policies(info: AnalyzerInfo, given: Mapping[str, PolicyConfig]) -> list[str]:
    return sorted(set(given) - set(info.policy_names) - {"all"})
