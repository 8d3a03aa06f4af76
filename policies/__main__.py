"""The policy pack's entry point: build the pack and serve it to the Pulumi engine."""

from sg_guardrails import PACK_DESCRIPTION, PACK_NAME, build_policies
from sg_guardrails.servicer import serve

serve(
    PACK_NAME,
    build_policies(),
    description=PACK_DESCRIPTION,
    display_name="Security group guardrails",
    provider="aws",
)
