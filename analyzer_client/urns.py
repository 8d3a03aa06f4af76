"""The URNs the engine computes: the one builder that the client, the mock runtime and the
reports share (the SDK's ``create_urn`` returns an Output and keeps the root stack's type)."""

from __future__ import annotations

from typing import Final

ROOT_STACK_TYPE: Final = "pulumi:pulumi:Stack"


def make_urn(stack: str, project: str, type_: str, name: str, parent: str = "") -> str:
    """The URN the engine gives a resource: the parent's type chain joined by ``$``."""
    qualified = type_
    if parent:
        parent_type = parent.split("::", 3)[2]
        if parent_type != ROOT_STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def root_stack_urn(stack: str, project: str) -> str:
    """The root stack resource's URN; stack diagnostics with no URN of the stack are filed here."""
    return make_urn(stack, project, ROOT_STACK_TYPE, f"{project}-{stack}")
