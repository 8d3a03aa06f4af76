"""Requests: resources as the engine knows them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Resource:
    """One resource as the engine knows it.

    ``inputs`` go to Analyze; ``outputs`` (default: the inputs after remediation) go to
    AnalyzeStack. ``urn`` defaults to the URN the engine would compute from the session's stack
    and project, the type, the name and the parent's URN.
    """

    type: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] | None = None
    urn: str = ""
    parent: str = ""
    dependencies: Sequence[str] = ()
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
