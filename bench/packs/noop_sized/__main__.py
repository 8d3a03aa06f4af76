"""No-op policies in sg-guardrails' shape, served by pulumi-policy's own ``PolicyPack``.

One no-op resource policy per resource check of the pack's catalog and one no-op stack policy
per stack check (13 policies today, one with both: 7 + 7), so every Analyze and AnalyzeStack
dispatches as many validations as ours: the SDK's own floor for a pack our size.
bench/real_preview.py checks these counts against ``sg_guardrails.catalog`` before it runs.
"""

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

RESOURCE_POLICIES = 7
STACK_POLICIES = 7


def _nothing(args: ResourceValidationArgs | StackValidationArgs, report: ReportViolation) -> None:
    return None


PolicyPack(
    name="noop-sized",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        *(
            ResourceValidationPolicy(f"noop-resource-{i}", "Checks nothing.", validate=_nothing)
            for i in range(RESOURCE_POLICIES)
        ),
        *(
            StackValidationPolicy(f"noop-stack-{i}", "Checks nothing.", validate=_nothing)
            for i in range(STACK_POLICIES)
        ),
    ],
)
