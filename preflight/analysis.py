"""One offline preview: record the program, run the policy pack over the Analyzer protocol, and
compute the traffic flows from the planned rule resources (not from the component's own model)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from analyzer_client import (
    AnalyzeResult,
    PolicyConfigSource,
    PolicyPackSession,
    Resource,
    stricter_than_cli,
)
from preflight.recorder import PlannedResource, record_program
from preflight.stack_files import StackConfig
from sg_guardrails.flows import Flow, flows
from sg_guardrails.stack_graph import analyze
from sg_guardrails.stack_resources import ResourceRecord

Mode = Literal["preview", "up"]


@dataclass(frozen=True)
class PreflightResult:
    """Everything a report shows: the plan, who can reach whom, and the pack's verdicts."""

    stack: StackConfig
    mode: Mode
    resources: list[PlannedResource]
    flows: tuple[Flow, ...]
    verdicts: AnalyzeResult
    pack_name: str
    config_notes: tuple[str, ...] = ()
    """Preflight's own, stricter reading of the policy config: never part of the verdict."""

    @property
    def mandatory_count(self) -> int:
        return len(self.verdicts.mandatory)

    @property
    def exit_code(self) -> int:
        """0 clean or advisory only, 1 a mandatory violation."""
        return 1 if self.verdicts.mandatory else 0


def run_preflight(
    project_dir: Path,
    stack: StackConfig,
    pack_dir: Path,
    *,
    mode: Mode = "preview",
    policy_config: PolicyConfigSource = None,
) -> PreflightResult:
    """Plan the stack under mocks, then judge the plan with the pack exactly as the CLI would."""
    preview = mode == "preview"
    planned = record_program(project_dir / "__main__.py", stack, preview=preview)
    with PolicyPackSession(
        pack_dir,
        project=stack.project,
        stack=stack.stack,
        dry_run=preview,
        config=stack.config,
        config_secret_keys=stack.secret_keys,
        policy_config=policy_config,
    ) as session:
        verdicts = session.run([_as_engine_resource(r) for r in planned])
        pack_name = session.info.name
        notes = stricter_than_cli(session.info, policy_config)
    records = [
        ResourceRecord(r.type, r.urn, r.outputs, r.property_dependencies, r.dependencies)
        for r in planned
    ]
    return PreflightResult(
        stack=stack,
        mode=mode,
        resources=planned,
        flows=flows(analyze(records)),
        verdicts=verdicts,
        pack_name=pack_name,
        config_notes=tuple(notes),
    )


def _as_engine_resource(planned: PlannedResource) -> Resource:
    # In a preview the engine's view of a new resource's state is its checked inputs.
    outputs: dict[str, Any] = dict(planned.outputs)
    return Resource(
        type=planned.type,
        name=planned.name,
        inputs=planned.inputs,
        outputs=outputs,
        urn=planned.urn,
        parent=planned.parent,
        dependencies=planned.dependencies,
        property_dependencies=planned.property_dependencies,
    )
