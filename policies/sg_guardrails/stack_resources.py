"""The stack's resources as the stack graph sees them: the records the engine sends, the groups
and VPCs among them, and each rule with the group it was resolved to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Literal, NamedTuple

from .model import EMPTY_TAGS, NormalizedRule, PeerRef

_NO_DEPENDENCIES: Final[Mapping[str, Sequence[str]]] = MappingProxyType({})

# VPC resources whose outputs name the VPC's default security group.
VPC_DEFAULT_GROUP_OUTPUT: Final[Mapping[str, str]] = {
    "aws:ec2/vpc:Vpc": "defaultSecurityGroupId",
    "aws:ec2/defaultVpc:DefaultVpc": "defaultSecurityGroupId",
    "aws-native:ec2:Vpc": "defaultSecurityGroup",
}
DEFAULT_GROUP_SUFFIX: Final = "#defaultSecurityGroup"
# VPCs the stack creates: AWS gives each a default security group of its own (DefaultVpc adopts
# the region's existing default VPC, which the stack does not create).
CREATED_VPC_TYPES: Final = frozenset({"aws:ec2/vpc:Vpc", "aws-native:ec2:Vpc"})


class ResourceRecord(NamedTuple):
    """One stack resource as the engine describes it to ``AnalyzeStack``."""

    type: str
    urn: str
    props: Any
    property_dependencies: Mapping[str, Sequence[str]] = _NO_DEPENDENCIES
    dependencies: Sequence[str] = ()


def resource_name(urn: str) -> str:
    """The logical name: the URN's last ``::`` segment."""
    return urn.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class Group:
    """A security group. ``synthetic`` groups are VPC default groups seen only via a VPC output."""

    urn: str
    name: str
    resource_type: str
    group_id: str | None
    is_default: bool
    tags: Mapping[str, str] = field(default_factory=lambda: EMPTY_TAGS)
    description: str | None = None
    inline_rules: tuple[NormalizedRule, ...] = ()
    synthetic: bool = False


@dataclass(frozen=True)
class Vpc:
    """A VPC of the stack: any type of ``VPC_DEFAULT_GROUP_OUTPUT``; ``vpc_id`` once known."""

    urn: str
    resource_type: str
    vpc_id: str | None

    @property
    def name(self) -> str:
        return resource_name(self.urn)

    @property
    def created(self) -> bool:
        """The stack creates it, so AWS creates its default group too."""
        return self.resource_type in CREATED_VPC_TYPES


@dataclass(frozen=True)
class ResolvedPeer:
    """A group named by a rule (``self`` included), and the group it resolved to.

    ``external_id`` is set when the peer is a known id of a group outside the stack."""

    peer: PeerRef
    group_urn: str | None
    via: str
    external_id: str | None = None


RuleStyle = Literal["inline", "resource"]


@dataclass(frozen=True)
class ResolvedRule:
    """A rule and the group it is written on. ``via`` says how the group was found, or why not;
    ``external_id`` is set when the rule is written on a known group outside the stack;
    ``rule_id`` is a rule resource's AWS rule id, once known."""

    rule: NormalizedRule
    resource_urn: str
    resource_type: str
    style: RuleStyle
    group_urn: str | None
    via: str
    peers: tuple[ResolvedPeer, ...] = ()
    tags: Mapping[str, str] = field(default_factory=lambda: EMPTY_TAGS)
    external_id: str | None = None
    rule_id: str | None = None

    @property
    def resource_name(self) -> str:
        return resource_name(self.resource_urn)

    def describe(self) -> str:
        """The rule as a phrase, naming resolved groups: ``ingress tcp 8080 from group 'web'``."""
        names = {
            p.peer: f"group '{resource_name(p.group_urn)}'"
            for p in self.peers
            if p.group_urn is not None and p.peer.kind == "group"
        }
        return self.rule.describe(names)
