"""The component provider the Pulumi CLI runs from this directory (started by __main__.py).

pulumi's ``ComponentProvider`` infers the schema from the components' annotations and serves
``Construct``. What the real CLI showed it gets wrong for other languages is fixed here, at the
edge, so the Python API (``tiered_sg``) keeps its Python names:

- Object types lose the Python ``Args`` suffix (``tiered-sg:index:Tier``): every SDK adds its own,
  so TypeScript read ``inputs.TierArgsArgs`` and Go ``TierArgsArgs``.
- Go codegen (v3.274) refers to ``<Type>Args`` for a plain list of objects in a resource's inputs
  but only emits that struct with ``generateExtraInputTypes``: without it the Go SDK did not
  compile (``undefined: RuleArgsArgs``).
- Descriptions and refusals name properties as consumers write them (``groupId``, not
  ``group_id``).
- A refused input (``TieredSgError``) reaches the consumer as our one-line message instead of
  ``Unexpected <class 'Exception'>`` followed by a Python traceback.
"""

import json
import re
import typing
from collections.abc import Mapping
from typing import Any, Optional

from pulumi import ComponentResource, Inputs, ResourceOptions
from pulumi.errors import InputPropertiesError
from pulumi.provider import ConstructResult
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ComponentInitError

from tiered_sg import args as component_args
from tiered_sg.errors import TieredSgError

PYTHON_SUFFIX = "Args"
# A quoted value in a message (a repr: 'x' or "x"); an apostrophe inside a word ("group's") is not.
QUOTED = re.compile(r"""((?<![A-Za-z])(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))""")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def camel_case(name: str) -> str:
    """The schema name of a Python field, as pulumi's analyzer derives it."""
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def schema_names() -> dict[str, str]:
    """Python field name -> schema name, for every args field whose names differ."""
    names: dict[str, str] = {}
    for value in vars(component_args).values():
        if isinstance(value, type) and typing.is_typeddict(value):
            names.update({key: camel_case(key) for key in value.__annotations__ if "_" in key})
    return names


def in_schema_names(text: str, names: Mapping[str, str]) -> str:
    """``text`` with each Python field name in schema form; quoted values are left as they are."""
    parts = QUOTED.split(text)
    return "".join(
        part if index % 2 else SNAKE.sub(lambda m: names.get(m[0], m[0]), part)
        for index, part in enumerate(parts)
    )


def consumer_schema(schema: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The inferred schema as other languages should see it (see the module docstring)."""
    taken = set(schema.get("types", {})) | set(schema.get("resources", {}))
    renames: dict[str, str] = {}
    for token in schema.get("types", {}):
        prefix, _, type_name = token.rpartition(":")
        short = f"{prefix}:{type_name.removesuffix(PYTHON_SUFFIX)}"
        if type_name != PYTHON_SUFFIX and short != token and short not in taken:
            renames[token] = short
            taken.add(short)

    def rewrite(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {
                (renames.get(k, k) if key == "types" else k): rewrite(v, k) for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        if isinstance(node, str) and key == "$ref" and node.startswith("#/types/"):
            token = node.removeprefix("#/types/")
            return f"#/types/{renames.get(token, token)}"
        if isinstance(node, str) and key == "description":
            return in_schema_names(node, names)
        return node

    result: dict[str, Any] = rewrite(schema)
    go = result.setdefault("language", {}).setdefault("go", {})
    go["generateExtraInputTypes"] = True
    return result


class TieredSgProvider(ComponentProvider):
    """``ComponentProvider`` with the consumer-facing schema and one-line refusals."""

    def __init__(self, components: list[type[ComponentResource]], name: str, version: str) -> None:
        super().__init__(components, name, version=version)
        self._names = schema_names()
        inferred = json.loads(self.schema or "{}")
        self.schema = json.dumps(consumer_schema(inferred, self._names))

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: Inputs,
        options: Optional[ResourceOptions] = None,
    ) -> ConstructResult:
        try:
            return super().construct(name, resource_type, inputs, options)
        except ComponentInitError as err:
            if isinstance(err.inner, TieredSgError):
                # The server turns InputPropertiesError into a gRPC status carrying this message
                # alone (any other exception is reported with its traceback). `errors` must be a
                # list, even empty: with None the SDK's server fails building the status.
                message = in_schema_names(str(err.inner), self._names)
                raise InputPropertiesError(message, errors=[]) from None
            raise
