"""What a check returns: violations to report, and notes for the parts it could not judge yet."""

from __future__ import annotations

from dataclasses import dataclass

from .normalize import DEFAULT_SECURITY_GROUP, GROUP_TYPES


@dataclass(frozen=True)
class Finding:
    """A sentence naming the resource, the offending rule and the fix.

    ``note`` findings are not violations: a value unknown in preview kept part of the check from
    running; the message says which part, and that ``pulumi up`` checks it again.
    """

    message: str
    urn: str | None = None
    note: bool = False


@dataclass(frozen=True)
class Subject:
    """The resource a resource policy is looking at."""

    resource_type: str
    name: str
    urn: str = ""

    def label(self) -> str:
        if self.resource_type == DEFAULT_SECURITY_GROUP:
            return f"Default security group '{self.name}'"
        if self.resource_type in GROUP_TYPES:
            return f"Security group '{self.name}'"
        return f"Security group rule '{self.name}'"
