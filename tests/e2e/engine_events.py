"""What the real engine reports, read from its streaming JSON events (one EngineEvent a line).

`pulumi preview --json` alone prints one digest and drops policy events; with
PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true (and for `up --json`) it streams apitype.EngineEvent
records instead, policy events included (sdk/go/common/apitype/events.go).

`up`, `refresh` and `destroy --json` stream two phases, the preview and then the operation, each
ending with a summary event: :attr:`EngineOutcome.previewed` and :attr:`EngineOutcome.applied`
split them. A refresh announces every resource as op "refresh"; what it found is the op of the
resource's outputs event (:meth:`EngineOutcome.results`: same, update, delete).
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

    @property
    def previewed(self) -> "EngineOutcome":
        """The preview phase: the events up to the preview's summary (all of a `preview`)."""
        return self._split()[0]

    @property
    def applied(self) -> "EngineOutcome":
        """The operation after its preview (`up`, `refresh`, `destroy`; all of it with
        --skip-preview); empty for a `preview`, or when the preview failed."""
        return self._split()[1]

    def _split(self) -> tuple["EngineOutcome", "EngineOutcome"]:
        # No preview summary: an operation run with --skip-preview (all of it is applied).
        head: tuple[dict[str, Any], ...] = ()
        tail = self.events
        for index, event in enumerate(self.events):
            if event.get("summaryEvent", {}).get("isPreview"):
                head, tail = self.events[: index + 1], self.events[index + 1 :]
                break
        return (
            EngineOutcome(self.exit_code, head, self.stdout, self.stderr),
            EngineOutcome(self.exit_code, tail, self.stdout, self.stderr),
        )

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

    def results(self) -> dict[str, str]:
        """URN -> op of each finished step (outputs events), e.g. a refresh's "update"."""
        return {m["urn"]: m["op"] for m in (e["metadata"] for e in self._of("resOutputsEvent"))}

    def finished(self) -> list[Step]:
        """The finished steps in the order they finished."""
        return [
            Step(m["op"], m["urn"], m["type"])
            for m in (e["metadata"] for e in self._of("resOutputsEvent"))
        ]

    def outputs_of(self, urn: str) -> dict[str, Any]:
        """The outputs a finished step reported for ``urn`` (the last one)."""
        found = [m for m in (e["metadata"] for e in self._of("resOutputsEvent")) if m["urn"] == urn]
        assert found, f"no outputs event for {urn}"
        return dict((found[-1].get("new") or {}).get("outputs") or {})

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
