"""One no-op resource policy served by pulumi-policy's own ``PolicyPack``: the SDK's floor."""

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)


def _nothing(args: ResourceValidationArgs, report: ReportViolation) -> None:
    return None


PolicyPack(
    name="noop-one",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[ResourceValidationPolicy("noop-resource", "Checks nothing.", validate=_nothing)],
)
