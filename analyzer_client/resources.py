"""Requests: resources as the engine knows them, with their options and provider."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ResourceOptions:
    """AnalyzerResourceOptions; the engine always sends customTimeouts, zero when unset."""

    protect: bool = False
    ignore_changes: Sequence[str] = ()
    delete_before_replace: bool | None = None
    aliases: Sequence[str] = ()
    custom_timeouts: tuple[float, float, float] = (0.0, 0.0, 0.0)
    additional_secret_outputs: Sequence[str] = ()


@dataclass(frozen=True)
class Provider:
    """The provider resource the engine attaches to each request (its inputs, not outputs)."""

    type: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    urn: str = ""


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
    options: ResourceOptions = ResourceOptions()
    provider: Provider | None = None
