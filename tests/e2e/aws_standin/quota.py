"""A lowered rules-per-group quota, for tests of how an EC2 refusal surfaces.

EC2 refuses the rule past the quota (60 per direction by default, which moto enforces too) with
``RulesPerSecurityGroupLimitExceeded``. Setting ``TIERED_SG_STANDIN_RULES_PER_GROUP`` makes the
stand-in refuse earlier, with EC2's own code and message, so a test needs no 60-rule stack.
"""

import os

from .ec2api import RegionalEc2
from .errors import Ec2Error, StandinError
from .resources.ec2_reads import group_rule_ids

QUOTA_ENV = "TIERED_SG_STANDIN_RULES_PER_GROUP"
QUOTA_CODE = "RulesPerSecurityGroupLimitExceeded"
QUOTA_MESSAGE = "The maximum number of rules per security group has been reached."


def rules_quota() -> int | None:
    raw = os.environ.get(QUOTA_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise StandinError(f"{QUOTA_ENV} must be a whole number, not {raw!r}")
    return int(raw)


def enforce(ec2: RegionalEc2, group_id: str, egress: bool, operation: str) -> None:
    """Refuse as EC2 does when one more rule would pass the lowered quota."""
    quota = rules_quota()
    if quota is None:
        return
    ingress_ids, egress_ids = group_rule_ids(ec2, group_id)
    if len(egress_ids if egress else ingress_ids) + 1 > quota:
        raise Ec2Error(operation, QUOTA_CODE, QUOTA_MESSAGE)
