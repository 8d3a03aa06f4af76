"""Every type and function the stand-in serves, by token."""

from collections.abc import Callable, Mapping
from typing import Any

from . import get_vpc
from .ec2api import RegionalEc2
from .resources import default_group, security_group
from .resources.base import ResourceHandler
from .resources.default_group import DefaultSecurityGroupHandler
from .resources.group_rules import SecurityGroupRuleHandler
from .resources.inline_rules import inline_rule_type
from .resources.rules_exclusive import RulesExclusiveHandler
from .resources.security_group import SecurityGroupHandler
from .resources.vpc import VpcHandler
from .spec import FunctionSpec, ObjectType

Function = Callable[[RegionalEc2, dict[str, Any]], dict[str, Any]]


def _by_token(handlers: list[ResourceHandler]) -> dict[str, ResourceHandler]:
    return {handler.spec.token: handler for handler in handlers}


HANDLERS: Mapping[str, ResourceHandler] = _by_token(
    [
        SecurityGroupHandler(),
        SecurityGroupRuleHandler(egress=False),
        SecurityGroupRuleHandler(egress=True),
        RulesExclusiveHandler(),
        DefaultSecurityGroupHandler(),
        VpcHandler(),
    ]
)
FUNCTIONS: Mapping[str, tuple[FunctionSpec, Function]] = {
    get_vpc.TOKEN: (get_vpc.SPEC, get_vpc.get_vpc),
}
OBJECT_TYPES: tuple[ObjectType, ...] = (
    inline_rule_type(security_group.INGRESS_TYPE, "ingress"),
    inline_rule_type(security_group.EGRESS_TYPE, "egress"),
    inline_rule_type(default_group.INGRESS_TYPE, "ingress"),
    inline_rule_type(default_group.EGRESS_TYPE, "egress"),
    *get_vpc.OBJECT_TYPES,
)
