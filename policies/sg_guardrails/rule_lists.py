"""What an ``aws.ec2.VpcSecurityGroupRulesExclusive`` lists, and whether a rule resource is in it.

That resource, its group's owner, revokes every rule of the group whose id is not in
``ingressRuleIds`` or ``egressRuleIds``. A rule is listed when its URN is among the resources
those lists' values come from (``propertyDependencies``, recorded in preview too), or when its
known rule id is in them. Otherwise it is provably not listed, unless a list holds a value unknown
in preview whose origin the engine did not record: a rule's id unknown in preview can reach a list
only through a dependency on that rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from .values import UnknownValue, plain_field

RULE_LIST_FIELDS: Final = {"ingress": "ingressRuleIds", "egress": "egressRuleIds"}
# Where a rule resource holds the id AWS gives the rule (``sgr-...``), the one the lists name:
# ``securityGroupRuleId`` for the aws provider's rule resources, ``id`` for AWS Native's.
_RULE_ID_FIELDS: Final = ("securityGroupRuleId", "id")

Listing = Literal["listed", "unlisted", "unknown"]


@dataclass(frozen=True)
class RuleList:
    """The rules an owner lists: known ids, and the resources (URNs) its lists'
    values come from. ``traced``: every value unknown in preview has a recorded origin."""

    ids: frozenset[str] = frozenset()
    urns: frozenset[str] = frozenset()
    traced: bool = True

    def listing(self, rule_urn: str, rule_id: str | None) -> Listing:
        """Whether the rule ``rule_urn`` (its AWS id ``rule_id`` when known) is listed."""
        if rule_urn in self.urns or (rule_id is not None and rule_id in self.ids):
            return "listed"
        return "unlisted" if self.traced else "unknown"


EMPTY_RULE_LIST: Final = RuleList()


def rule_list(props: Any, property_dependencies: Mapping[str, Sequence[str]]) -> RuleList:
    """The lists of an owner whose props (any form ``plain`` reads) are ``props``."""
    ids: set[str] = set()
    urns: set[str] = set()
    traced = True
    for key in RULE_LIST_FIELDS.values():
        value = plain_field(props, key)
        deps = property_dependencies.get(key, ())
        urns.update(deps)
        items = value if isinstance(value, list) else [value]
        ids.update(item for item in items if isinstance(item, str) and item)
        if not deps and any(isinstance(item, UnknownValue) for item in items):
            traced = False
    return RuleList(frozenset(ids), frozenset(urns), traced)


def rule_id(props: Any) -> str | None:
    """A rule resource's AWS rule id, when known."""
    for key in _RULE_ID_FIELDS:
        value = plain_field(props, key)
        if isinstance(value, str) and value:
            return value
    return None
