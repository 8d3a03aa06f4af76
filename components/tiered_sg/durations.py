"""How long the provider may keep retrying a security group's deletion: a Go duration string.

Deleting a group fails with ``DependencyViolation`` while a network interface still uses it, and
Lambda or load balancer interfaces take minutes to go after their users do; the provider retries
until its delete timeout. The value travels to the engine as ``CustomTimeouts(delete=...)``,
which parses it with Go's ``time.ParseDuration``: the strict subset accepted here (whole hours,
minutes, seconds, in that order) always parses there.
"""

import re

from tiered_sg.errors import TieredSgError

DEFAULT_DELETE_TIMEOUT = "45m"
"""Long enough for Lambda and load balancer ENIs to be released after their users are gone."""

_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", re.ASCII)
_EXAMPLES = "write it like '45m', '1h30m' or '90s'"


def check_delete_timeout(value: object) -> str:
    """``value`` if it is a positive duration such as ``45m``, ``1h30m`` or ``90s``."""
    if not isinstance(value, str):
        raise TieredSgError("delete timeout", value, "is not a duration string", _EXAMPLES)
    match = _DURATION.fullmatch(value)
    if not value or match is None:
        raise TieredSgError(
            "delete timeout",
            value,
            "is not a duration of whole hours (h), minutes (m) and seconds (s), in that order",
            _EXAMPLES,
        )
    if not any(int(part or 0) for part in match.groups()):
        raise TieredSgError(
            "delete timeout",
            value,
            "is zero, so a group still in use by a network interface could not be deleted",
            f"allow the interfaces time to go, e.g. {DEFAULT_DELETE_TIMEOUT!r}",
        )
    return value
