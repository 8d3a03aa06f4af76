"""Property tables: one per type, read by the diff (what replaces, what is a set) and GetSchema.

Names, types and replace behaviour follow pulumi-aws 7.x (the Python SDK in the venv for names
and types; the Terraform AWS provider underneath for ``RequiresReplace``/``ForceNew``).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

JsonSchema = dict[str, Any]

STRING: JsonSchema = {"type": "string"}
INTEGER: JsonSchema = {"type": "integer"}
BOOLEAN: JsonSchema = {"type": "boolean"}
STRING_LIST: JsonSchema = {"type": "array", "items": {"type": "string"}}
STRING_MAP: JsonSchema = {"type": "object", "additionalProperties": {"type": "string"}}


def array_of(token: str) -> JsonSchema:
    return {"type": "array", "items": {"$ref": f"#/types/{token}"}}


@dataclass(frozen=True)
class Prop:
    """One property of a resource.

    ``computed``: an output the provider fills in. With ``input`` too, it is optional-and-computed:
    left out of the inputs, the state's value stands (no diff). ``default``: what an omitted
    input means (Terraform's schema default). ``set_like``: a list whose order does not matter.
    ``normalize`` maps equivalent spellings together before comparing.
    """

    schema: JsonSchema
    description: str
    input: bool = True
    required: bool = False
    replaces: bool = False
    computed: bool = False
    set_like: bool = False
    default: Any = None
    normalize: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class ResourceSpec:
    token: str
    description: str
    properties: Mapping[str, Prop]
    always_present: tuple[str, ...] = ()
    """Outputs every state has (the schema's ``required`` outputs)."""

    @property
    def inputs(self) -> dict[str, Prop]:
        return {name: prop for name, prop in self.properties.items() if prop.input}

    @property
    def computed_outputs(self) -> list[str]:
        return [name for name, prop in self.properties.items() if prop.computed]


@dataclass(frozen=True)
class ObjectType:
    token: str
    description: str
    properties: Mapping[str, JsonSchema]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunctionSpec:
    token: str
    description: str
    inputs: Mapping[str, JsonSchema]
    outputs: Mapping[str, JsonSchema]
    required_outputs: tuple[str, ...] = field(default_factory=tuple)
