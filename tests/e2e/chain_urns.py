"""The URNs the program registers, by name, for asserting exact step lists (URN -> op).

A rule's group is the part of its name before ``-in-`` / ``-out-`` (tiered-sg's rule names,
``tiered-web-in-tcp-443-from-0.0.0.0-0``); every rule sits under its group's component.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PROJECT = "tiered-sg"
CHAIN_TYPE = "tiered-sg:index:TieredSecurityGroups"
GROUP_TYPE = "tiered-sg:index:ManagedSecurityGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
EXCLUSIVE = "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"

LOCAL_RULES = (
    "tiered-web-in-tcp-80-from-0.0.0.0-0",
    "tiered-web-in-tcp-443-from-0.0.0.0-0",
    "tiered-web-in-tcp-22-from-admin",
    "tiered-web-out-tcp-8080-to-app",
    "tiered-app-in-tcp-8080-from-web",
    "tiered-app-in-tcp-22-from-admin",
    "tiered-app-out-tcp-5432-to-db",
    "tiered-db-in-tcp-5432-from-app",
    "tiered-db-in-tcp-22-from-admin",
    "tiered-admin-in-tcp-22-from-203.0.113.10-32",
    "tiered-admin-out-tcp-22-to-web",
    "tiered-admin-out-tcp-22-to-app",
    "tiered-admin-out-tcp-22-to-db",
)
"""The 13 rules of the dev chain (docs/configuration.md), which `local` builds too."""
LOCAL_GROUPS = ("tiered-web", "tiered-app", "tiered-db", "tiered-admin")


@dataclass(frozen=True)
class ChainUrns:
    """URNs of one stack of a project whose program builds the chain ``tiered``."""

    stack: str
    project: str = PROJECT
    chain_name: str = "tiered"

    @property
    def prefix(self) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::"

    def root(self) -> str:
        return f"{self.prefix}pulumi:pulumi:Stack::{self.project}-{self.stack}"

    def chain(self) -> str:
        return f"{self.prefix}{CHAIN_TYPE}::{self.chain_name}"

    def component(self, group: str) -> str:
        return f"{self.prefix}{CHAIN_TYPE}${GROUP_TYPE}::{group}"

    def group(self, group: str) -> str:
        return f"{self.prefix}{CHAIN_TYPE}${GROUP_TYPE}${SG}::{group}"

    def exclusive(self, group: str) -> str:
        return f"{self.prefix}{CHAIN_TYPE}${GROUP_TYPE}${EXCLUSIVE}::{group}-rules-exclusive"

    def rule(self, name: str) -> str:
        kind = INGRESS if "-in-" in name.partition("-out-")[0] else EGRESS
        return f"{self.prefix}{CHAIN_TYPE}${GROUP_TYPE}${kind}::{name}"

    def default_group(self) -> str:
        return f"{self.prefix}{CHAIN_TYPE}${DEFAULT_SG}::{self.chain_name}-default-group"

    def deployment(
        self,
        groups: Iterable[str],
        rules: Iterable[str],
        *,
        exclusive: bool = True,
        default_group: bool = False,
    ) -> set[str]:
        """Every URN of a chain with these groups and rules."""
        urns = {self.root(), self.chain()}
        for group in groups:
            urns |= {self.component(group), self.group(group)}
            if exclusive:
                urns.add(self.exclusive(group))
        urns |= {self.rule(name) for name in rules}
        if default_group:
            urns.add(self.default_group())
        return urns


def steps(op: str, urns: Iterable[str], changed: Mapping[str, str] | None = None) -> dict[str, str]:
    """An expected step list: ``op`` for each of ``urns``, with ``changed`` (URN -> op) over it."""
    expected = dict.fromkeys(urns, op)
    expected.update(changed or {})
    return expected
