"""tiered-sg: AWS security groups as code for a tiered topology (internet -> web -> app -> db).

Value objects (:class:`Port`, :class:`Peer`, :class:`Rule`), a planning API that reads as
sentences (:class:`Topology`, ``app.allow_from(web, Port.tcp(8080))``), the components
(:class:`ManagedSecurityGroup`, :class:`SecurityGroupRules`, :class:`TieredSecurityGroups`)
and stack-config parsing.
Every bad input raises :class:`TieredSgError` before any resource is registered.
"""

from tiered_sg.args import (
    EgressArgs,
    ManagedSecurityGroupArgs,
    RuleArgs,
    SecurityGroupRulesArgs,
    TierArgs,
    TieredSecurityGroupsArgs,
)
from tiered_sg.chain import TieredSecurityGroups
from tiered_sg.chain_spec import ChainSpec
from tiered_sg.errors import TieredSgError
from tiered_sg.group import ManagedSecurityGroup
from tiered_sg.group_options import GroupOptions
from tiered_sg.group_spec import GroupSpec
from tiered_sg.peers import Family, Peer, PeerKind
from tiered_sg.plan import GroupPlan, Topology
from tiered_sg.ports import SERVICES, Port, Protocol
from tiered_sg.quota import RULES_PER_DIRECTION
from tiered_sg.rules import Direction, Rule
from tiered_sg.security_group_rules import SecurityGroupRules
from tiered_sg.stack_config import NAMESPACE, ChainConfig, parse_config, read_config

__all__ = [
    "NAMESPACE",
    "RULES_PER_DIRECTION",
    "SERVICES",
    "ChainConfig",
    "ChainSpec",
    "Direction",
    "EgressArgs",
    "Family",
    "GroupOptions",
    "GroupPlan",
    "GroupSpec",
    "ManagedSecurityGroup",
    "ManagedSecurityGroupArgs",
    "Peer",
    "PeerKind",
    "Port",
    "Protocol",
    "Rule",
    "RuleArgs",
    "SecurityGroupRules",
    "SecurityGroupRulesArgs",
    "TierArgs",
    "TieredSecurityGroups",
    "TieredSecurityGroupsArgs",
    "TieredSgError",
    "Topology",
    "parse_config",
    "read_config",
]
