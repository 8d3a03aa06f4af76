"""The real-CLI bench's floor: what ``TieredSecurityGroups`` registers, without components.

Reads the same ``tiers`` (``{name, ports: ["tcp:N", ...]}``) and ``publicIpv4Cidrs`` config as
tiered-sg (under this project's namespace) and registers, with the same names, inputs and tags:
one ``aws.ec2.SecurityGroup`` per tier in the default VPC (the ``getVpc`` invoke), public
ingress on tier 0, on each later tier ingress from the previous group plus the matching egress
on that group, and one ``VpcSecurityGroupRulesExclusive`` per group listing its rule ids. No
component resources, no parents, no deferred outputs, no validation.

Two switches put back one feature of our program's shape each, for an A/B of what it costs
(``python -m bench.real_preview --shape``):

- ``parents: true``: the chain's components, as ours has them: a ``TieredSecurityGroups``
  parent of one ``ManagedSecurityGroup`` per tier, parent of that tier's group and rules, each
  component registering its outputs.
- ``grouped: true``: our registration order: group by group, each with its own rules and its
  exclusive-rules resource, the egress to the next tier's group waiting on a deferred output.
"""

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws

CHAIN = "tiered"


def _tags(tier: str, position: int) -> dict[str, str]:
    role = "entry" if position == 0 else "internal"
    return {
        "tiered-sg:chain": CHAIN,
        "tiered-sg:tier": tier,
        "tiered-sg:role": role,
        "tiered-sg:position": str(position),
    }


def _port(text: str) -> int:
    protocol, _, number = text.partition(":")
    if protocol != "tcp" or not number.isdigit():
        raise pulumi.RunError(f"the bare bench program takes tcp:N ports only, not {text!r}")
    return int(number)


def _label(value: str) -> str:
    return value.replace("/", "-").replace(":", "-")


class Chain:
    """The chain's resources, registered in either order, with or without components."""

    def __init__(self, tiers: list[dict[str, Any]], public: list[str], parents: bool) -> None:
        self.names = [str(tier["name"]) for tier in tiers]
        self.ports = [[_port(str(p)) for p in tier["ports"]] for tier in tiers]
        self.public = public
        self.vpc_id = aws.ec2.get_vpc_output(default=True).id
        self.chain = (
            pulumi.ComponentResource("tiered-sg:index:TieredSecurityGroups", CHAIN)
            if parents
            else None
        )
        self.parents: list[pulumi.ComponentResource | None] = [None] * len(tiers)
        self.ids: list[pulumi.Output[str]] = []  # each group's id
        self.peer_ids: list[pulumi.Output[str]] = []  # the same, as rules on other groups see it
        self.ingress: list[dict[str, pulumi.Output[str]]] = [{} for _ in tiers]
        self.egress: list[dict[str, pulumi.Output[str]]] = [{} for _ in tiers]

    def opts(self, i: int) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self.parents[i])

    def group(self, i: int) -> pulumi.Output[str]:
        name = self.names[i]
        if self.chain is not None:
            self.parents[i] = pulumi.ComponentResource(
                "tiered-sg:index:ManagedSecurityGroup",
                f"{CHAIN}-{name}",
                None,
                pulumi.ResourceOptions(parent=self.chain),
            )
        timeouts = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(delete="45m"))
        return aws.ec2.SecurityGroup(
            f"{CHAIN}-{name}",
            vpc_id=self.vpc_id,
            description=f"Tier {name} of chain {CHAIN}, managed by tiered-sg",
            tags=_tags(name, i),
            opts=pulumi.ResourceOptions.merge(self.opts(i), timeouts),
        ).id

    def public_ingress(self) -> None:
        for port in self.ports[0]:
            for cidr in self.public:
                rule = f"{CHAIN}-{self.names[0]}-in-tcp-{port}-from-{_label(cidr)}"
                self.ingress[0][rule] = aws.vpc.SecurityGroupIngressRule(
                    rule,
                    security_group_id=self.ids[0],
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    cidr_ipv4=cidr,
                    description=f"Allow tcp {port} from {cidr}",
                    tags=_tags(self.names[0], 0),
                    opts=self.opts(0),
                ).security_group_rule_id

    def ingress_from_previous(self, i: int) -> None:
        names = self.names
        for port in self.ports[i]:
            rule = f"{CHAIN}-{names[i]}-in-tcp-{port}-from-{names[i - 1]}"
            self.ingress[i][rule] = aws.vpc.SecurityGroupIngressRule(
                rule,
                security_group_id=self.ids[i],
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                referenced_security_group_id=self.peer_ids[i - 1],
                description=f"Allow tcp {port} from security group {names[i - 1]}",
                tags=_tags(names[i], i),
                opts=self.opts(i),
            ).security_group_rule_id

    def egress_to_next(self, i: int) -> None:
        names = self.names
        for port in self.ports[i + 1]:
            rule = f"{CHAIN}-{names[i]}-out-tcp-{port}-to-{names[i + 1]}"
            self.egress[i][rule] = aws.vpc.SecurityGroupEgressRule(
                rule,
                security_group_id=self.ids[i],
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                referenced_security_group_id=self.peer_ids[i + 1],
                description=f"Allow tcp {port} to security group {names[i + 1]}",
                tags=_tags(names[i], i),
                opts=self.opts(i),
            ).security_group_rule_id

    def exclusive(self, i: int) -> None:
        aws.ec2.VpcSecurityGroupRulesExclusive(
            f"{CHAIN}-{self.names[i]}-rules-exclusive",
            security_group_id=self.ids[i],
            ingress_rule_ids=[self.ingress[i][k] for k in sorted(self.ingress[i])],
            egress_rule_ids=[self.egress[i][k] for k in sorted(self.egress[i])],
            opts=self.opts(i),
        )
        parent = self.parents[i]
        if parent is not None:
            parent.register_outputs({"groupId": self.ids[i], "ruleCount": 0})

    def flat(self) -> None:
        """All groups, then every rule, then every exclusive-rules resource."""
        tiers = range(len(self.names))
        self.ids = [self.group(i) for i in tiers]
        self.peer_ids = self.ids
        self.public_ingress()
        for i in tiers[1:]:
            self.ingress_from_previous(i)
            self.egress_to_next(i - 1)
        for i in tiers:
            self.exclusive(i)

    def grouped(self) -> None:
        """As our components do: each group with its rules and its exclusive resource in turn,
        the next group's id a deferred output."""
        deferred: list[tuple[pulumi.Output[str], Callable[[pulumi.Output[str]], None]]] = [
            pulumi.deferred_output() for _ in self.names
        ]
        self.peer_ids = [output for output, _ in deferred]
        for i in range(len(self.names)):
            self.ids.append(self.group(i))
            deferred[i][1](self.ids[i])
            if i == 0:
                self.public_ingress()
            else:
                self.ingress_from_previous(i)
            if i + 1 < len(self.names):
                self.egress_to_next(i)
            self.exclusive(i)

    def finish(self) -> None:
        group_ids = pulumi.Output.all(**dict(zip(self.names, self.ids, strict=True)))
        rules = sum(len(x) for x in self.ingress + self.egress)
        if self.chain is not None:
            self.chain.register_outputs({"groupIds": group_ids, "ruleCount": rules})
        pulumi.export("vpcId", self.vpc_id)
        pulumi.export("groupIds", group_ids)
        pulumi.export("ruleCount", rules)


def main() -> None:
    config = pulumi.Config()
    chain = Chain(
        config.require_object("tiers"),
        config.get_object("publicIpv4Cidrs") or [],
        parents=bool(config.get_bool("parents")),
    )
    if config.get_bool("grouped"):
        chain.grouped()
    else:
        chain.flat()
    chain.finish()


main()
