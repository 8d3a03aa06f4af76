"""The policy pack's entry point: build the pack and serve it to the Pulumi engine."""

from pulumi_policy import PolicyPack

from sg_guardrails import PACK_DESCRIPTION, PACK_NAME, build_policies

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(),
    description=PACK_DESCRIPTION,
    display_name="Security group guardrails",
    provider="aws",
)
