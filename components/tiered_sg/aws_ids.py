"""The shape of every AWS id tiered-sg accepts, stated once: a prefix, ``-``, and 8 (resources
made before AWS lengthened its ids) or 17 lowercase hex digits."""

import re
from typing import Final


def _ec2_id(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"{prefix}-(?:[0-9a-f]{{8}}|[0-9a-f]{{17}})", re.ASCII)


GROUP_ID: Final = _ec2_id("sg")
"""A security group id, ``sg-0123456789abcdef0``."""
RULE_ID: Final = _ec2_id("sgr")
"""A security group rule id, ``sgr-0123456789abcdef0``."""
VPC_ID: Final = _ec2_id("vpc")
"""A VPC id, ``vpc-0123456789abcdef0``."""
PREFIX_LIST_ID: Final = _ec2_id("pl")
"""A managed prefix list id, ``pl-63a5400a`` (AWS's own) or ``pl-0123456789abcdef0``."""
