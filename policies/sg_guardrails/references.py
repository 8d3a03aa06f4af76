"""How a resource that names a group or a VPC by an id property is matched to it.

Ids of resources the stack creates are unknown in preview, so ``resolve`` looks, in order: at a
known id; at ``propertyDependencies`` of the id property (the engine records which resource an
input came from); while the id is unknown and those name no target, at ``dependencies`` when that
leaves a single target. A known id that matches nothing is a resource outside the stack
(``external_id``): never ours.
Rules' groups and peers are found this way, and so are the two kinds of ``Reference``: owners
(``aws.ec2.VpcSecurityGroupRulesExclusive``, by ``securityGroupId``) and adopters
(``aws.ec2.DefaultSecurityGroup``, by ``vpcId``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, NamedTuple

from .rule_lists import EMPTY_RULE_LIST, RuleList, rule_list
from .stack_resources import ResourceRecord, resource_name
from .values import plain

# Owns a group's whole rule set: revokes every rule whose id it does not list. Not a rule.
RULES_EXCLUSIVE: Final = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
OWNED_GROUP_FIELD: Final = "securityGroupId"
ADOPTED_VPC_FIELD: Final = "vpcId"

TargetKind = Literal["group", "vpc"]


class Resolution(NamedTuple):
    """What an id property names: a resource of the stack (``target_urn``), else a known id
    outside it (``external_id``), else nothing known yet. ``via`` says how it was found, or why
    not; policies quote it."""

    target_urn: str | None
    via: str
    external_id: str | None = None


@dataclass(frozen=True)
class Reference:
    """A resource that names a group or a VPC by an id property, and what that resolved to.

    An owner (``target`` "group": an ``aws.ec2.VpcSecurityGroupRulesExclusive``) owns its group's
    whole rule set and revokes every rule it does not list in ``rules``. An adopter (``target``
    "vpc": an ``aws.ec2.DefaultSecurityGroup``) adopts its VPC's default group. ``via`` and
    ``external_id`` are as for a rule's group."""

    urn: str
    target: TargetKind
    target_urn: str | None
    via: str
    external_id: str | None = None
    rules: RuleList = EMPTY_RULE_LIST

    @property
    def name(self) -> str:
        return resource_name(self.urn)

    @property
    def pending(self) -> bool:
        """Its target is not known yet: neither a resource of the stack nor one outside it."""
        return self.target_urn is None and self.external_id is None

    @property
    def group_urn(self) -> str | None:
        """An owner's group (``target_urn``, read as a group)."""
        return self.target_urn if self.target == "group" else None

    @property
    def vpc_urn(self) -> str | None:
        """An adopter's VPC (``target_urn``, read as a VPC)."""
        return self.target_urn if self.target == "vpc" else None


class Targets:
    """What an id property may name (the stack's groups, or its VPCs): URNs by known id, and the
    URNs that stand for each target (a VPC stands for its default group)."""

    def __init__(self, noun: str) -> None:
        self.noun = noun  # "group" or "VPC", as ``via`` names it
        self.by_id: dict[str, str] = {}
        self.stands_for: dict[str, str] = {}
        self._secondary: set[str] = set()

    def add(
        self,
        urn: str,
        alias_urn: str | None = None,
        ids: Iterable[Any] = (),
        *,
        secondary: bool = False,
    ) -> None:
        """``secondary`` targets lose to any other candidate (a VPC's default group, seen only
        through the VPC, loses to a real group the same resource depends on)."""
        self.stands_for[alias_urn or urn] = urn
        if secondary:
            self._secondary.add(urn)
        for value in ids:
            if isinstance(value, str) and value:
                self.by_id.setdefault(value, urn)

    def candidates(self, urns: Iterable[str], exclude: frozenset[str] = frozenset()) -> list[str]:
        """Targets among ``urns``, in order, without ``exclude``; secondary ones only if alone."""
        found = list(dict.fromkeys(self.stands_for[u] for u in urns if u in self.stands_for))
        found = [u for u in found if u not in exclude]
        primary = [u for u in found if u not in self._secondary]
        return primary or found


def resolve(
    value: str | None,
    field: str,
    record: ResourceRecord,
    targets: Targets,
    *,
    by_dependencies: bool = True,
    claimed: frozenset[str] = frozenset(),
) -> Resolution:
    """What the id property ``field`` of ``record`` (``value``, None while unknown) names among
    ``targets``. ``dependencies`` is read only when ``by_dependencies``, skipping ``claimed``
    targets (a rule's peers, which its dependencies name too)."""
    key = field.split(".")[0].split("[")[0]  # an inline peer's field: "ingress[0].groups[1]"
    if value is not None and value in targets.by_id:
        return Resolution(targets.by_id[value], "id")
    found = targets.candidates(record.property_dependencies.get(key, ()))
    if len(found) == 1:
        return Resolution(found[0], "propertyDependencies")
    if len(found) > 1:
        # The engine recorded where the value came from, and it is several targets:
        # ``dependencies``, which lists every input's origin, cannot tell which one is meant.
        return Resolution(None, f"{key} depends on several {targets.noun}s", value)
    if value is not None:
        return Resolution(None, f"{value} is not a {targets.noun} of this stack", value)
    if by_dependencies:
        found = targets.candidates(record.dependencies, exclude=claimed)
        if len(found) == 1:
            return Resolution(found[0], "dependencies")
    return Resolution(None, f"{key} is unknown in preview and has no recorded dependency")


def owner(record: ResourceRecord, groups: Targets) -> Reference:
    """An ``aws.ec2.VpcSecurityGroupRulesExclusive``: its group and the rules it lists."""
    props = plain(record.props)
    found = resolve(_known_id(props, OWNED_GROUP_FIELD), OWNED_GROUP_FIELD, record, groups)
    listed = rule_list(props, record.property_dependencies)
    return Reference(record.urn, "group", *found, rules=listed)


def adopter(record: ResourceRecord, vpcs: Targets) -> Reference:
    """An ``aws.ec2.DefaultSecurityGroup``: the VPC whose default group it adopts."""
    props = plain(record.props)
    found = resolve(_known_id(props, ADOPTED_VPC_FIELD), ADOPTED_VPC_FIELD, record, vpcs)
    return Reference(record.urn, "vpc", *found)


def _known_id(props: Any, field: str) -> str | None:
    value = props.get(field) if isinstance(props, Mapping) else None
    return value if isinstance(value, str) and value else None
