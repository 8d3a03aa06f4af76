"""AWS's per-group rule quota, checked on the plan before anything is registered.

AWS allows 60 inbound and 60 outbound rules per security group (adjustable), counted separately
for IPv4 and IPv6. Per the Amazon VPC quotas page, a rule that references a security group or a
prefix list counts once for IPv4 AND once for IPv6, so such rules are counted in both families
here. A customer-managed prefix list really weighs its *max entries*, which the plan cannot know:
it counts as 1, so for prefix lists this check is a lower bound.
"""

from collections import Counter
from collections.abc import Iterable

from tiered_sg.errors import TieredSgError
from tiered_sg.peers import Family
from tiered_sg.rules import Direction, Rule

RULES_PER_DIRECTION = 60
"""AWS's default quota: inbound (or outbound) rules per security group, per IP family."""

_WORDS = {Direction.INGRESS: "inbound", Direction.EGRESS: "outbound"}


def count_rules(rules: Iterable[Rule]) -> Counter[tuple[Direction, Family]]:
    """How many rules each (direction, family) bucket holds, as AWS counts them."""
    counts: Counter[tuple[Direction, Family]] = Counter()
    for rule in rules:
        for family in rule.peer.families:
            counts[(rule.direction, family)] += 1
    return counts


def check_quota(group: str, rules: Iterable[Rule], limit: int = RULES_PER_DIRECTION) -> None:
    """Raise if any (direction, family) bucket of ``group`` holds more than ``limit`` rules."""
    counts = count_rules(rules)
    for direction in Direction:
        for family in Family:
            count = counts[(direction, family)]
            if count > limit:
                raise TieredSgError(
                    "security group",
                    group,
                    f"{count} {_WORDS[direction]} {family} rules exceed the AWS quota of {limit} "
                    "per direction and IP family (group and prefix-list rules count in both "
                    "families)",
                    "merge CIDRs or ports into wider ranges or a prefix list, split the group, "
                    "or raise the quota with AWS",
                )
