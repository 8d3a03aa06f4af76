"""A tiered-sg style stack (groups + vpc rule resources) as AnalyzeStack would see it."""

from __future__ import annotations

from typing import Any

from tests.policies.unit.sgkit import RULES_EXCLUSIVE, SG, VPC_IN, VPC_OUT, Res, U, urn

KEYS = ("tiered-sg:chain", "tiered-sg:tier", "tiered-sg:position", "tiered-sg:role")


def tier_tags(chain: str, tier: str, position: int | None, role: str) -> dict[str, str]:
    tags = {KEYS[0]: chain, KEYS[1]: tier, KEYS[3]: role}
    if position is not None:
        tags[KEYS[2]] = str(position)
    return tags


class Stack:
    """Build groups and rules; ``preview=True`` makes every id unknown, as in a first preview."""

    def __init__(self, *, preview: bool = True, chain: str = "main") -> None:
        self.preview = preview
        self.chain = chain
        self.resources: list[Res] = []
        self.ids: dict[str, str] = {}

    def group(
        self,
        name: str,
        tier: str | None = None,
        position: int | None = None,
        role: str | None = None,
        **props: Any,
    ) -> Res:
        self.ids[name] = f"sg-{name}"
        tags = tier_tags(self.chain, tier, position, role or "internal") if tier else {}
        body = {
            "description": f"{name} tier",
            "vpcId": "vpc-1",
            "tags": tags,
            "id": U if self.preview else self.ids[name],
            **props,
        }
        res = Res(SG, name, body)
        self.resources.append(res)
        return res

    def rule(
        self,
        name: str,
        group: str,
        *,
        direction: str = "ingress",
        protocol: str = "tcp",
        port: int | None = 443,
        to_port: int | None = None,
        cidr: str | None = None,
        peer: str | None = None,
        tags: dict[str, str] | None = None,
        property_dependencies: bool = True,
        dependencies: bool = True,
    ) -> Res:
        props: dict[str, Any] = {
            "securityGroupId": U if self.preview else self.ids[group],
            "ipProtocol": protocol,
            "description": name,
        }
        if port is not None:
            props.update(fromPort=port, toPort=port if to_port is None else to_port)
        deps: dict[str, list[str]] = {"securityGroupId": [urn(SG, group)]}
        if cidr is not None:
            props["cidrIpv6" if ":" in cidr else "cidrIpv4"] = cidr
        if peer is not None:
            props["referencedSecurityGroupId"] = U if self.preview else self.ids.get(peer, peer)
            deps["referencedSecurityGroupId"] = [urn(SG, peer)]
        if tags is not None:
            props["tags"] = tags
        res = Res(
            VPC_IN if direction == "ingress" else VPC_OUT,
            name,
            props,
            property_dependencies=deps if property_dependencies else {},
            dependencies=sorted({d for v in deps.values() for d in v}) if dependencies else [],
        )
        self.resources.append(res)
        return res

    def exclusive(
        self, group: str, *, property_dependencies: bool = True, dependencies: bool = True
    ) -> Res:
        """``aws.ec2.VpcSecurityGroupRulesExclusive`` owning ``group`` and its rules so far."""
        rules = [
            r
            for r in self.resources
            if r.type in (VPC_IN, VPC_OUT)
            and r.property_dependencies.get("securityGroupId") == [urn(SG, group)]
        ]
        ids = {
            d: [r.urn for r in rules if r.type == t] for d, t in (("in", VPC_IN), ("out", VPC_OUT))
        }
        props = {
            "securityGroupId": U if self.preview else self.ids[group],
            "ingressRuleIds": [
                U if self.preview else f"sgr-{r.name}" for r in rules if r.type == VPC_IN
            ],
            "egressRuleIds": [
                U if self.preview else f"sgr-{r.name}" for r in rules if r.type == VPC_OUT
            ],
        }
        deps = {"ingressRuleIds": ids["in"], "egressRuleIds": ids["out"]}
        if property_dependencies:
            deps["securityGroupId"] = [urn(SG, group)]
        res = Res(
            RULES_EXCLUSIVE,
            f"{group}-rules-exclusive",
            props,
            property_dependencies=deps,
            dependencies=sorted(
                {*ids["in"], *ids["out"], *([urn(SG, group)] if dependencies else [])}
            ),
        )
        self.resources.append(res)
        return res

    def foreign_rule(self, name: str, group: str, foreign_id: str, *, port: int = 443) -> Res:
        """Ingress to ``group`` from an existing group outside the stack, by its literal id."""
        props = {
            "securityGroupId": U if self.preview else self.ids[group],
            "ipProtocol": "tcp",
            "fromPort": port,
            "toPort": port,
            "referencedSecurityGroupId": foreign_id,
            "description": name,
        }
        deps = {"securityGroupId": [urn(SG, group)]}
        res = Res(VPC_IN, name, props, property_dependencies=deps, dependencies=[urn(SG, group)])
        self.resources.append(res)
        return res

    def rule_on_foreign_group(self, name: str, foreign_id: str, *, port: int = 8080) -> Res:
        """Egress written on an existing group outside the stack (rules-only mode)."""
        props = {
            "securityGroupId": foreign_id,
            "ipProtocol": "tcp",
            "fromPort": port,
            "toPort": port,
            "cidrIpv4": "10.0.0.0/16",
            "description": name,
        }
        res = Res(VPC_OUT, name, props)
        self.resources.append(res)
        return res

    def owned(self) -> Stack:
        """Give every group created so far its exclusive-ownership resource."""
        for res in [r for r in self.resources if r.type == SG]:
            self.exclusive(res.name)
        return self


def three_tiers(preview: bool = True, admin: bool = True) -> Stack:
    """internet -> web -> app -> db, plus an admin group reaching every tier on ssh."""
    stack = Stack(preview=preview)
    stack.group("web", "web", 0, "entry")
    stack.group("app", "app", 1)
    stack.group("db", "db", 2)
    stack.rule("web-in-https", "web", cidr="0.0.0.0/0")
    stack.rule("web-in-https-v6", "web", cidr="::/0")
    stack.rule("app-in-8080-from-web", "app", port=8080, peer="web")
    stack.rule("web-out-8080-to-app", "web", direction="egress", port=8080, peer="app")
    stack.rule("db-in-5432-from-app", "db", port=5432, peer="app")
    stack.rule("app-out-5432-to-db", "app", direction="egress", port=5432, peer="db")
    if admin:
        stack.group("admin", "admin", None, "admin")
        stack.rule("admin-in-ssh", "admin", port=22, cidr="203.0.113.10/32")
        for tier in ("web", "app", "db"):
            stack.rule(f"{tier}-in-ssh-from-admin", tier, port=22, peer="admin")
    return stack
