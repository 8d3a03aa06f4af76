"""Every policy of the pack, one module each, in the order the pack lists them.

A policy's module holds its whole record: name, level, severity, description, remediation,
config settings and check(s). Adding a policy is a new module and one line here.
"""

from __future__ import annotations

from typing import Final

from ..policy_record import PolicyRecord
from . import (
    default_group_adopted,
    default_group_closed,
    no_mixed_rule_styles,
    no_public_admin_ports,
    no_public_all_traffic,
    no_public_high_risk_ports,
    no_unrestricted_egress,
    public_ports_allowlist,
    rule_quota,
    rules_described,
    rules_one_owner,
    rules_owned,
    tier_isolation,
)

POLICIES: Final[tuple[PolicyRecord, ...]] = (
    no_public_admin_ports.POLICY,
    no_public_high_risk_ports.POLICY,
    no_public_all_traffic.POLICY,
    public_ports_allowlist.POLICY,
    default_group_closed.POLICY,
    no_unrestricted_egress.POLICY,
    rules_described.POLICY,
    no_mixed_rule_styles.POLICY,
    rule_quota.POLICY,
    tier_isolation.POLICY,
    rules_owned.POLICY,
    default_group_adopted.POLICY,
    rules_one_owner.POLICY,
)
