"""TieredSecurityGroups: internet -> tier 0 -> tier 1 -> ... as chained security groups.

Tier 0 accepts the public CIDRs and the entry security groups (made elsewhere: no rule is ever
written on them) on its ports; tier i accepts only tier i-1's group on tier i's ports, and tier
i-1 gets the matching egress; the last tier sends nothing unless configured.
Ports meet CIDRs family by family: ``icmp`` goes to IPv4 CIDRs only, ``icmpv6`` to IPv6 ones.
An optional admin group accepts the admin CIDRs on the admin ports and may reach every tier on
those ports. Groups carry the tags the policy pack reads (tiered-sg:chain/tier/position/role).
Every group owns its rules exclusively unless ``exclusive_rules`` is off; with
``close_default_group`` the chain also adopts the VPC's default group and removes its rules.

Inputs are parsed once: args (or stack config) -> :class:`ChainSpec` -> a plan -> one
:class:`GroupSpec` per group -> resources; nothing past the edge reads a string again.
"""

from collections.abc import Iterable, Sequence
from typing import Optional

import pulumi

from tiered_sg.adoption import check_adopt
from tiered_sg.args import TieredSecurityGroupsArgs
from tiered_sg.chain_spec import ADMIN, TAG_PREFIX, ChainSpec
from tiered_sg.default_group import register_closed_default_group
from tiered_sg.group import ManagedSecurityGroup
from tiered_sg.inputs import ArgPath, check_vpc_id
from tiered_sg.naming import (
    MAX_CHAIN_NAME,
    check_group_name,
    default_group_name,
    former_rule_name,
    rule_name,
)
from tiered_sg.peers import Peer
from tiered_sg.plan import GroupPlan, Topology, build_groups
from tiered_sg.ports import Port
from tiered_sg.rules import reaches

TYPE_TOKEN = "tiered-sg:index:TieredSecurityGroups"


def plan_chain(name: str, spec: ChainSpec) -> Topology:
    """The chain as a plan: groups, tags and every rule, nothing registered."""
    topology = Topology.from_options(
        check_group_name(name, "chain name", MAX_CHAIN_NAME), spec.options, spec.tags
    )
    tier_groups = [
        topology.group(
            tier.name,
            description=f"Tier {tier.name} of chain {name}, managed by tiered-sg",
            tags=_tags(name, tier.name, position, "entry" if position == 0 else "internal"),
        )
        for position, tier in enumerate(spec.tiers)
    ]
    _allow_from_each(tier_groups[0], spec.public_peers + spec.entry_groups, spec.tiers[0].ports)
    for previous, group, tier in zip(tier_groups, tier_groups[1:], spec.tiers[1:], strict=False):
        group.allow_from(previous, *tier.ports)
    if spec.admin_peers:
        admin = topology.group(
            ADMIN,
            description=f"Admin access to chain {name}, managed by tiered-sg",
            tags=_tags(name, ADMIN, None, "admin"),
        )
        _allow_from_each(admin, spec.admin_peers, spec.admin_ports)
        for group in tier_groups:
            group.allow_from(admin, *spec.admin_ports)
    for group, tier in zip(tier_groups, spec.tiers, strict=True):
        for egress in tier.egress:
            for peer in egress.peers:
                ports = [port for port in egress.ports if reaches(port, peer)]
                if ports:
                    group.allow_to(peer, *ports, description=egress.description)
    return topology


def _allow_from_each(group: GroupPlan, peers: Iterable[Peer], ports: Sequence[Port]) -> None:
    """``group`` accepts every peer on each of ``ports`` that can match its traffic: a list of
    CIDRs of both families takes ``icmp`` for its IPv4 CIDRs and ``icmpv6`` for its IPv6 ones
    (ChainSpec refuses a port that reaches none of them)."""
    for peer in peers:
        reachable = [port for port in ports if reaches(port, peer)]
        if reachable:
            group.allow_from(peer, *reachable)


def _tags(chain: str, tier: str, position: Optional[int], role: str) -> dict[str, str]:
    tags = {f"{TAG_PREFIX}chain": chain, f"{TAG_PREFIX}tier": tier, f"{TAG_PREFIX}role": role}
    if position is not None:
        tags[f"{TAG_PREFIX}position"] = str(position)
    return tags


class TieredSecurityGroups(pulumi.ComponentResource):
    """Security groups for a tiered topology: each tier accepts only the tier before it."""

    group_ids: pulumi.Output[dict[str, str]]
    """Security group id of each tier, by tier name."""
    admin_group_id: pulumi.Output[Optional[str]]
    """Security group id of the admin group; null when no admin CIDRs are configured."""
    rule_count: pulumi.Output[int]
    """How many rule resources the chain registered, over all its groups."""

    def __init__(
        self,
        name: str,
        args: TieredSecurityGroupsArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        check_vpc_id(args.get("vpc_id"), ArgPath().field("vpc_id"))
        self._register(name, ChainSpec.from_args(args), args["vpc_id"], opts)

    @classmethod
    def from_spec(
        cls,
        name: str,
        spec: ChainSpec,
        vpc_id: pulumi.Input[str],
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "TieredSecurityGroups":
        """The chain of an already validated ``spec`` (e.g. ``read_config().spec``), in the VPC
        ``vpc_id``, parsing nothing again."""
        check_vpc_id(vpc_id, ArgPath().field("vpc_id"))
        chain = cls.__new__(cls)  # skips __init__, the args edge: the spec is parsed already
        chain._register(name, spec, vpc_id, opts)
        return chain

    def _register(
        self,
        name: str,
        spec: ChainSpec,
        vpc_id: pulumi.Input[str],
        opts: Optional[pulumi.ResourceOptions],
    ) -> None:
        specs = plan_chain(name, spec).validate()  # before the component itself registers
        stale = check_adopt(
            spec.adopt,
            (group.name for group in specs.values()),
            (
                name
                for group in specs.values()
                for rule in group.rules
                for name in (rule_name(group.name, rule), former_rule_name(group.name, rule))
                if name is not None
            ),
            spec.adopt_at,
        )
        super().__init__(TYPE_TOKEN, name, None, opts)
        for warning in stale:
            pulumi.log.warn(warning, self)
        child = pulumi.ResourceOptions(parent=self, retain_on_delete=spec.retain_on_delete or None)
        groups = build_groups(specs, vpc_id, child, spec.adopt)
        if spec.close_default_group:
            register_closed_default_group(default_group_name(name), vpc_id, spec.tags, child)
        self._spec = spec
        self._groups = groups
        self.group_ids = pulumi.Output.all(
            **{tier.name: groups[tier.name].group_id for tier in spec.tiers}
        )
        self.admin_group_id = (
            groups[ADMIN].group_id if ADMIN in groups else pulumi.Output.from_input(None)
        )
        self.rule_count = pulumi.Output.from_input(
            sum(len(group.rules) for group in groups.values())
        )
        self.register_outputs(
            {
                "groupIds": self.group_ids,
                "adminGroupId": self.admin_group_id,
                "ruleCount": self.rule_count,
            }
        )

    @property
    def spec(self) -> ChainSpec:
        """The validated inputs this chain was built from."""
        return self._spec

    @property
    def groups(self) -> dict[str, ManagedSecurityGroup]:
        """The groups by tier name (plus ``admin`` when present)."""
        return dict(self._groups)
