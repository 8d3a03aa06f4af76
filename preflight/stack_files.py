"""Reads a project's Pulumi.yaml and Pulumi.<stack>.yaml the way the CLI hands config to a program.

The engine passes config as a flat map of "namespace:key" to strings, with objects and lists
JSON-encoded; `pulumi.Config.get_object` decodes them again. Project-level `config:` entries
supply declared defaults; keys without a namespace belong to the project.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from preflight.errors import PreflightError


@dataclass(frozen=True)
class StackConfig:
    """Everything the program and the policy pack need to know about one stack."""

    project: str
    stack: str
    config: dict[str, str]
    secret_keys: list[str]


def load_stack_config(project_dir: Path, stack: str) -> StackConfig:
    """Merge the project's declared defaults with the stack file, as `pulumi preview` would."""
    project_doc = _read_yaml(project_dir / "Pulumi.yaml", "the project file")
    project = project_doc.get("name")
    if not isinstance(project, str) or not project:
        raise PreflightError(
            f"Pulumi.yaml name {project!r}: the project has no name; add `name: <project>`"
        )
    stack_path = project_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.is_file():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in _stack_files(project_dir))
        raise PreflightError(
            f"stack {stack!r}: no file {stack_path.name} in {project_dir}; "
            f"known stacks: {', '.join(known) or 'none'}"
        )
    stack_doc = _read_yaml(stack_path, f"the stack file {stack_path.name}")

    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, declaration in _mapping(project_doc.get("config"), "Pulumi.yaml config").items():
        if isinstance(declaration, dict):
            # A declaration: {type, description, default} or the shorthand {value: ...}.
            if "default" in declaration:
                config[_full_key(project, key)] = _encode(declaration["default"])
            elif "value" in declaration:
                config[_full_key(project, key)] = _encode(declaration["value"])
        elif declaration is not None:
            config[_full_key(project, key)] = _encode(declaration)
    for key, value in _mapping(stack_doc.get("config"), f"{stack_path.name} config").items():
        full_key = _full_key(project, key)
        if isinstance(value, dict) and "secure" in value:
            raise PreflightError(
                f"{stack_path.name} {full_key!r}: encrypted values cannot be read offline; "
                "preflight needs plain config (keep secrets out of security-group config)"
            )
        config[full_key] = _encode(value)
    return StackConfig(project=project, stack=stack, config=config, secret_keys=secret_keys)


def _stack_files(project_dir: Path) -> list[Path]:
    return [p for p in project_dir.glob("Pulumi.*.yaml") if p.name.count(".") == 2]


def _read_yaml(path: Path, what: str) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PreflightError(
            f"{what} {str(path)!r}: not found; run from the project folder"
        ) from None
    except yaml.YAMLError as exc:
        raise PreflightError(
            f"{what} {str(path)!r}: not valid YAML ({exc}); fix the syntax"
        ) from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise PreflightError(f"{what} {str(path)!r}: expected a mapping at the top level")
    return doc


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PreflightError(f"{what} {value!r}: expected a mapping of keys to values")
    return value


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _encode(value: Any) -> str:
    # Strings travel as-is; everything else as JSON, which is what the CLI does.
    if isinstance(value, str):
        return value
    return json.dumps(value)
