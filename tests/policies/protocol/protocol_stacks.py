"""Stacks as the tiered-sg components register them, for the stack-policy protocol tests.

The chain: a chain component, one ManagedSecurityGroup component per tier, an aws.ec2
SecurityGroup without inline rules, and aws.vpc rule resources, all tagged as the interface
contract says. With ``known_ids=False`` (a preview) every group id is unknown and rules find
their groups only through propertyDependencies.
"""

from dataclasses import dataclass, field
from typing import Any

from protocol_shapes import RULES_EXCLUSIVE, SG, VPC_IN, VPC_OUT

from analyzer_client import UNKNOWN, PolicyPackSession, Resource

CHAIN_TYPE = "tiered-sg:index:TieredSecurityGroups"
GROUP_TYPE = "tiered-sg:index:ManagedSecurityGroup"


@dataclass
class Stack:
    """Resources in registration order, and the URN of each group by tier name."""

    pack: PolicyPackSession
    resources: list[Resource] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    known_ids: bool = False

    def add(self, resource: Resource) -> str:
        self.resources.append(resource)
        return resource.urn or self.pack.urn(resource.type, resource.name, resource.parent)

    def group(self, chain_urn: str, chain: str, tier: str, position: int | None) -> str:
        tags = {"tiered-sg:chain": chain, "tiered-sg:tier": tier}
        if position is None:
            tags["tiered-sg:role"] = "admin"
        else:
            tags["tiered-sg:position"] = str(position)
            tags["tiered-sg:role"] = "entry" if position == 0 else "internal"
        component = self.add(Resource(GROUP_TYPE, f"{chain}-{tier}", parent=chain_urn))
        inputs = {"vpcId": "vpc-0123", "description": f"{chain} {tier} tier", "tags": tags}
        outputs = {**inputs, "tagsAll": tags, "ingress": UNKNOWN, "egress": UNKNOWN, "arn": UNKNOWN}
        outputs["id"] = f"sg-{chain}-{tier}" if self.known_ids else UNKNOWN
        urn = self.add(Resource(SG, f"{chain}-{tier}", inputs, outputs=outputs, parent=component))
        self.groups[tier] = urn
        self.tags[tier] = tags
        return urn

    def _id(self, tier: str) -> Any:
        return f"sg-{self.tags[tier]['tiered-sg:chain']}-{tier}" if self.known_ids else UNKNOWN

    def rule(
        self,
        tier: str,
        direction: str,
        port: int | str,
        *,
        peer_tier: str | None = None,
        cidr: str | None = None,
        protocol: str = "tcp",
        name: str | None = None,
    ) -> str:
        group_urn = self.groups[tier]
        props: dict[str, Any] = {
            "securityGroupId": self._id(tier),
            "ipProtocol": protocol,
            "description": f"{direction} {port} for {tier}",
            "tags": self.tags[tier],
        }
        if protocol != "-1":
            props.update(fromPort=port, toPort=port)
        deps = {"securityGroupId": [group_urn]}
        if peer_tier is not None:
            props["referencedSecurityGroupId"] = self._id(peer_tier)
            deps["referencedSecurityGroupId"] = [self.groups[peer_tier]]
        elif cidr is not None:
            props["cidrIpv6" if ":" in cidr else "cidrIpv4"] = cidr
        peer = peer_tier or (cidr or "").replace("/", "_")
        name = (
            name or f"{tier}-{'in' if direction == 'ingress' else 'out'}-{protocol}-{port}-{peer}"
        )
        type_ = VPC_IN if direction == "ingress" else VPC_OUT
        # Rules are children of the tier's ManagedSecurityGroup component, like the group.
        parent = self.pack.urn(GROUP_TYPE, group_urn.rsplit("::", 1)[-1], self._chain_of(tier))
        outputs = {**props, "securityGroupRuleId": f"sgr-{name}" if self.known_ids else UNKNOWN}
        return self.add(
            Resource(
                type_,
                name,
                props,
                outputs=outputs,
                parent=parent,
                dependencies=sorted({u for urns in deps.values() for u in urns}),
                property_dependencies=deps,
            )
        )

    def owner(self, tier: str, name: str | None = None) -> str:
        """The tier's aws.ec2.VpcSecurityGroupRulesExclusive as the component registers it,
        listing the tier's rules so far (``name``: another owner of the same group)."""
        group_urn = self.groups[tier]
        group = group_urn.rsplit("::", 1)[-1]
        rules = [
            r
            for r in self.resources
            if r.type in (VPC_IN, VPC_OUT)
            and r.property_dependencies.get("securityGroupId") == [group_urn]
        ]
        props: dict[str, Any] = {"securityGroupId": self._id(tier)}
        deps = {"securityGroupId": [group_urn]}
        for key, type_ in (("ingressRuleIds", VPC_IN), ("egressRuleIds", VPC_OUT)):
            mine = [r for r in rules if r.type == type_]
            props[key] = [f"sgr-{r.name}" if self.known_ids else UNKNOWN for r in mine]
            deps[key] = [self.pack.urn(r.type, r.name, r.parent) for r in mine]
        parent = self.pack.urn(GROUP_TYPE, group, self._chain_of(tier))
        return self.add(
            Resource(
                RULES_EXCLUSIVE,
                name or f"{group}-rules-exclusive",
                props,
                parent=parent,
                dependencies=sorted({u for urns in deps.values() for u in urns}),
                property_dependencies=deps,
            )
        )

    def owned(self) -> "Stack":
        """Every group so far with its owner, as the components register them by default."""
        for tier in list(self.groups):
            self.owner(tier)
        return self

    def _chain_of(self, tier: str) -> str:
        return self.pack.urn(CHAIN_TYPE, self.tags[tier]["tiered-sg:chain"])

    def allow(self, tier: str, port: int, frm: str) -> None:
        """What the components write for "tier accepts frm on port": ingress + matching egress."""
        self.rule(tier, "ingress", port, peer_tier=frm)
        self.rule(frm, "egress", port, peer_tier=tier)


def tiered(
    pack: PolicyPackSession, *, admin: bool = True, known_ids: bool = False, chain: str = "tiers"
) -> Stack:
    """web (443 from the internet) -> app (8080 from web) -> db (5432 from app) [+ admin on 22]."""
    stack = Stack(pack, known_ids=known_ids)
    chain_urn = stack.add(Resource(CHAIN_TYPE, chain))
    for position, tier in enumerate(("web", "app", "db")):
        stack.group(chain_urn, chain, tier, position)
    stack.rule("web", "ingress", 443, cidr="0.0.0.0/0")
    stack.rule("web", "ingress", 443, cidr="::/0")
    stack.allow("app", 8080, "web")
    stack.allow("db", 5432, "app")
    if admin:
        stack.group(chain_urn, chain, "admin", None)
        stack.rule("admin", "ingress", 22, cidr="203.0.113.10/32")
        for tier in ("web", "app", "db"):
            stack.allow(tier, 22, "admin")
    return stack


def many_rules(pack, count, *, family=4, start=0):
    urn = pack.urn(SG, "busy")
    rules = []
    for i in range(start, start + count):
        cidr = f"10.{i // 256}.{i % 256}.0/24" if family == 4 else f"fd00:{i:x}::/64"
        props = {
            "securityGroupId": UNKNOWN,
            "ipProtocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "description": "x",
        }
        props["cidrIpv4" if family == 4 else "cidrIpv6"] = cidr
        rules.append(
            Resource(
                VPC_IN,
                f"busy-{family}-{i}",
                props,
                property_dependencies={"securityGroupId": [urn]},
            )
        )
    return rules


def busy_group():
    return Resource(
        SG,
        "busy",
        {"description": "busy"},
        outputs={"description": "busy", "id": UNKNOWN, "ingress": UNKNOWN},
    )
