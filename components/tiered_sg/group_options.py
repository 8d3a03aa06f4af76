"""GroupOptions: how tiered-sg manages each group it creates, as one value.

Parsed once where the user wrote the options (component args, stack config, a Topology), then
carried as is through the chain, the plan and the specs to the resources; nothing on the way
checks them again.
"""

from dataclasses import InitVar, dataclass
from typing import Optional

from tiered_sg.durations import DEFAULT_DELETE_TIMEOUT
from tiered_sg.errors import TieredSgError
from tiered_sg.inputs import ArgPath, parse_bool, parse_delete_timeout


@dataclass(frozen=True)
class GroupOptions:
    """The per-group options, valid by construction.

    ``exclusive_rules``: a ``VpcSecurityGroupRulesExclusive`` revokes every rule of the group
    that is not one of its declared rules. ``delete_timeout``: how long deleting the group may
    be retried while network interfaces still use it (see :mod:`tiered_sg.durations`).
    ``at`` is where the values came from, so that errors name the argument path or config key
    (``tiered-sg:deleteTimeout``); built directly, errors name the fields.
    """

    exclusive_rules: bool = True
    delete_timeout: str = DEFAULT_DELETE_TIMEOUT
    at: InitVar[Optional[ArgPath]] = None

    def __post_init__(self, at: Optional[ArgPath]) -> None:
        at = at or ArgPath()
        parse_bool(self.exclusive_rules, at.field("exclusive_rules"))
        parse_delete_timeout(self.delete_timeout, at.field("delete_timeout"))

    @classmethod
    def parse(cls, exclusive_rules: object, delete_timeout: object, at: ArgPath) -> "GroupOptions":
        """The options as the user wrote them (args, config), errors naming ``at``'s fields."""
        return cls(exclusive_rules, delete_timeout, at)  # type: ignore[arg-type]  # checked there


DEFAULT_GROUP_OPTIONS = GroupOptions()
"""Exclusive rule ownership, and :data:`DEFAULT_DELETE_TIMEOUT`."""


def check_options(value: object, what: str) -> GroupOptions:
    """``value`` if it is a GroupOptions, which checked itself when built."""
    if not isinstance(value, GroupOptions):
        raise TieredSgError(
            what,
            value,
            "is not a GroupOptions",
            "pass GroupOptions(exclusive_rules=..., delete_timeout=...)",
        )
    return value
