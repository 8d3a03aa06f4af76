"""What the real engine reports, read from its streaming JSON events (one EngineEvent a line).

`pulumi preview --json` alone prints one digest and drops policy events; with
PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true (and for `up --json`) it streams apitype.EngineEvent
records instead, policy events included (sdk/go/common/apitype/events.go).
"""

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Step:
    """One resource step: `op` is create, same, update, delete, replace, create-replacement, ..."""

    op: str
    urn: str
    type: str


@dataclass(frozen=True)
class PolicyFinding:
    """One policy violation as the CLI shows it (`message` = description, newline, detail)."""

    policy: str
    urn: str
    level: str
    message: str

    @property
    def detail(self) -> str:
        """The violation's own message, without the policy description the CLI puts first."""
        body = self.message.split("\n", 1)[1] if "\n" in self.message else self.message
        return body.removesuffix("\n")


@dataclass(frozen=True)
class EngineOutcome:
    """One CLI command: its exit code, its events and what it wrote to stderr."""

    exit_code: int
    events: tuple[dict[str, Any], ...]
    stdout: str
    stderr: str

    @classmethod
    def parse(cls, exit_code: int, stdout: str, stderr: str) -> "EngineOutcome":
        events = []
        for line in stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                events.append(json.loads(line))
        return cls(exit_code, tuple(events), stdout, stderr)

    def _of(self, kind: str) -> list[dict[str, Any]]:
        return [e[kind] for e in self.events if kind in e]

    @property
    def steps(self) -> list[Step]:
        """Every resource step the engine announced (pre-events), in order."""
        return [
            Step(m["op"], m["urn"], m["type"])
            for m in (e["metadata"] for e in self._of("resourcePreEvent"))
        ]

    def urns(self, *, ops: frozenset[str] | None = None) -> list[tuple[str, str]]:
        """(URN, type) of the steps, optionally only those with one of `ops`."""
        return [(s.urn, s.type) for s in self.steps if ops is None or s.op in ops]

    def ops(self) -> dict[str, str]:
        """URN -> op, for asserting an exact step list."""
        return {s.urn: s.op for s in self.steps}

    @property
    def policy_findings(self) -> list[PolicyFinding]:
        return [
            PolicyFinding(
                e["policyName"], e.get("resourceUrn", ""), e["enforcementLevel"], e["message"]
            )
            for e in self._of("policyEvent")
        ]

    @property
    def diagnostics(self) -> list[dict[str, Any]]:
        return self._of("diagnosticEvent")

    def errors(self) -> list[str]:
        """Messages the CLI prints as `error:`: error diagnostics and the final error event."""
        found = [d["message"] for d in self.diagnostics if d.get("severity") == "error"]
        return found + [e["error"] for e in self._of("errorEvent")]

    @property
    def summary(self) -> dict[str, Any]:
        summaries = self._of("summaryEvent")
        return summaries[-1] if summaries else {}

    def changes(self) -> dict[str, int]:
        """The summary's resource changes, e.g. {"same": 27} or {"create": 2, "delete": 2}."""
        return dict(self.summary.get("resourceChanges") or {})
