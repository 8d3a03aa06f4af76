"""The synthetic stack every throughput and scaling benchmark reads, in three renderings.

``make_stack(n)`` plans ``n`` ingress rule resources on ``n / 50`` security groups laid out like
tiered-sg chains of 10 tiers (tags chain/tier/position/role, as the components write them). Entry
tiers take a mix of public and private CIDRs; later tiers accept the previous tier's group, and
every tier accepts ssh from a CIDR (some world-open) and from the previous group, the way the
chain admits its admin group. The mix deliberately holds the cases scanners disagree on:
world-open ssh over IPv4 and IPv6, a port range covering 22, all-traffic rules, and ssh from a
group reference.

Renderings: :func:`engine_resources` (what ``pulumi preview`` sends the pack: ids unknown,
``propertyDependencies`` naming the groups), :func:`records` (the same, for the in-process stack
graph) and :func:`terraform` (HCL for Checkov, rule resources or inline blocks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from analyzer_client import UNKNOWN, Resource, make_urn, root_stack_urn
from sg_guardrails.stack_resources import ResourceRecord

PROJECT: Final = "bench"
STACK: Final = "bench"
RULES_PER_GROUP: Final = 50
TIERS_PER_CHAIN: Final = 10
VPC_ID: Final = "vpc-0123456789abcdef0"
GROUP_TYPE: Final = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_TYPE: Final = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SOURCES: Final = ("0.0.0.0/0", "10.0.0.0/16", "::/0", "203.0.113.0/24", "172.16.0.0/12")
WORLD: Final = frozenset({"0.0.0.0/0", "::/0"})


@dataclass(frozen=True)
class Group:
    index: int
    name: str
    chain: str
    position: int

    @property
    def tags(self) -> dict[str, str]:
        return {
            "tiered-sg:chain": self.chain,
            "tiered-sg:tier": f"t{self.position}",
            "tiered-sg:position": str(self.position),
            "tiered-sg:role": "entry" if self.position == 0 else "internal",
            "environment": "bench",
        }


@dataclass(frozen=True)
class Rule:
    """One ingress rule resource: exactly one of ``cidr`` / ``peer`` (a group index)."""

    name: str
    group: int
    protocol: str  # "tcp", "udp" or "-1"
    from_port: int | None
    to_port: int | None
    cidr: str | None = None
    peer: int | None = None

    @property
    def ipv6(self) -> bool:
        return self.cidr is not None and ":" in self.cidr

    def covers(self, port: int) -> bool:
        if self.protocol == "-1":
            return True
        assert self.from_port is not None and self.to_port is not None
        return self.protocol in ("tcp", "udp") and self.from_port <= port <= self.to_port

    @property
    def world(self) -> bool:
        return self.cidr in WORLD


@dataclass(frozen=True)
class Stack:
    groups: tuple[Group, ...]
    rules: tuple[Rule, ...]

    def world_open(self, port: int) -> set[str]:
        """Ground truth: names of the rules that open ``port`` to the internet."""
        return {r.name for r in self.rules if r.world and r.covers(port)}


def make_stack(n_rules: int) -> Stack:
    """``n_rules`` ingress rules, 50 per group, groups chained 10 tiers deep."""
    n_groups = max(1, -(-n_rules // RULES_PER_GROUP))
    groups = tuple(
        Group(i, f"c{chain:03d}-t{position}", f"chain{chain:03d}", position)
        for i in range(n_groups)
        for chain, position in [divmod(i, TIERS_PER_CHAIN)]
    )
    rules: list[Rule] = []
    for index in range(n_rules):
        group = groups[index // RULES_PER_GROUP]
        rules.append(_rule(group, index % RULES_PER_GROUP))
    return Stack(groups, tuple(rules))


def _rule(group: Group, j: int) -> Rule:
    kind, m = j % 10, j // 10
    name = f"{group.name}-r{j:02d}"
    source = SOURCES[m]
    predecessor = group.index - 1 if group.position > 0 else None
    if kind == 0:  # ssh from a CIDR: world-open over IPv4 (m=0) and IPv6 (m=2)
        return Rule(name, group.index, "tcp", 22, 22, cidr=source)
    if kind == 1:  # rdp
        return Rule(name, group.index, "tcp", 3389, 3389, cidr=source)
    if kind == 2 and predecessor is not None and m == 0:  # ssh from the previous group
        return Rule(name, group.index, "tcp", 22, 22, peer=predecessor)
    if kind == 2:
        return Rule(name, group.index, "tcp", 443, 443, cidr=source)
    if kind == 3:
        return Rule(name, group.index, "tcp", 80, 80, cidr=source)
    if kind == 4:  # a range covering 22
        return Rule(name, group.index, "tcp", 20, 25, cidr=SOURCES[(m + 1) % 5])
    if kind == 7:
        return Rule(name, group.index, "udp", 53, 53, cidr=source)
    if kind == 8 and m in (1, 4):  # all traffic from a private range
        return Rule(name, group.index, "-1", None, None, cidr=source)
    if kind == 8 and m == 0:  # all traffic from the world
        return Rule(name, group.index, "-1", None, None, cidr="0.0.0.0/0")
    port = 3000 + j
    if predecessor is not None:
        return Rule(name, group.index, "tcp", port, port, peer=predecessor)
    return Rule(name, group.index, "tcp", port, port, cidr="10.0.0.0/16")


# ------------------------------------------------------------------ Pulumi engine's view


def _group_urn(group: Group) -> str:
    return make_urn(STACK, PROJECT, GROUP_TYPE, group.name, root_stack_urn(STACK, PROJECT))


def _rule_urn(rule: Rule) -> str:
    return make_urn(STACK, PROJECT, INGRESS_TYPE, rule.name, root_stack_urn(STACK, PROJECT))


def _group_inputs(group: Group) -> dict[str, Any]:
    return {
        "vpcId": VPC_ID,
        "description": f"Tier {group.position} of {group.chain}, managed by tiered-sg",
        "tags": group.tags,
        "revokeRulesOnDelete": False,
    }


def _rule_inputs(stack: Stack, rule: Rule) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "securityGroupId": UNKNOWN,
        "ipProtocol": rule.protocol,
        "description": f"bench rule {rule.name}",
        "tags": stack.groups[rule.group].tags,
    }
    if rule.from_port is not None:
        inputs["fromPort"] = rule.from_port
        inputs["toPort"] = rule.to_port
    if rule.peer is not None:
        inputs["referencedSecurityGroupId"] = UNKNOWN
    elif rule.ipv6:
        inputs["cidrIpv6"] = rule.cidr
    else:
        inputs["cidrIpv4"] = rule.cidr
    return inputs


def _rule_dependencies(stack: Stack, rule: Rule) -> dict[str, list[str]]:
    deps = {"securityGroupId": [_group_urn(stack.groups[rule.group])]}
    if rule.peer is not None:
        deps["referencedSecurityGroupId"] = [_group_urn(stack.groups[rule.peer])]
    return deps


def engine_resources(stack: Stack) -> list[Resource]:
    """Groups then rules, as a preview of a new stack registers them (ids unknown)."""
    root = root_stack_urn(STACK, PROJECT)
    resources = [
        Resource(
            type=GROUP_TYPE,
            name=g.name,
            inputs=_group_inputs(g),
            urn=_group_urn(g),
            parent=root,
        )
        for g in stack.groups
    ]
    for rule in stack.rules:
        deps = _rule_dependencies(stack, rule)
        resources.append(
            Resource(
                type=INGRESS_TYPE,
                name=rule.name,
                inputs=_rule_inputs(stack, rule),
                urn=_rule_urn(rule),
                parent=root,
                dependencies=sorted({u for urns in deps.values() for u in urns}),
                property_dependencies=deps,
            )
        )
    return resources


def wire_value(value: Any) -> Any:
    """A value as the pack's SDK sees it after deserialisation: unknowns as sentinel strings,
    numbers as floats (protobuf Values are doubles)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        return {k: wire_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [wire_value(v) for v in value]
    raise TypeError(f"unexpected value {value!r}")


def records(stack: Stack) -> list[ResourceRecord]:
    """The AnalyzeStack view of the stack, for the in-process stack graph."""
    return [
        ResourceRecord(
            r.type,
            r.urn,
            wire_value(dict(r.inputs)),
            {k: list(v) for k, v in r.property_dependencies.items()},
            list(r.dependencies),
        )
        for r in engine_resources(stack)
    ]


# ------------------------------------------------------------------ Terraform


def _hcl(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_hcl(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_hcl(k)} = {_hcl(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot render {value!r} as HCL")


def _block(header: str, body: dict[str, Any], raw: dict[str, str] | None = None) -> str:
    lines = [f"{header} {{"]
    lines += [f"  {key} = {_hcl(value)}" for key, value in body.items() if value is not None]
    lines += [f"  {key} = {expr}" for key, expr in (raw or {}).items()]
    return "\n".join(lines) + "\n}\n"


def terraform(stack: Stack, *, inline: bool) -> str:
    """The stack as Terraform: ``aws_security_group`` + ``aws_vpc_security_group_ingress_rule``
    resources, or (``inline``) groups carrying the same rules as ``ingress`` blocks."""
    out: list[str] = []
    by_group: dict[int, list[Rule]] = {g.index: [] for g in stack.groups}
    for rule in stack.rules:
        by_group[rule.group].append(rule)
    for group in stack.groups:
        body = {
            "name": group.name,
            "description": _group_inputs(group)["description"],
            "vpc_id": VPC_ID,
            "tags": group.tags,
        }
        header = f'resource "aws_security_group" "{group.name}"'
        if not inline:
            out.append(_block(header, body))
            continue
        blocks = "".join(_inline(stack, rule) for rule in by_group[group.index])
        out.append(_block(header, body).removesuffix("}\n") + blocks + "}\n")
    if not inline:
        out += [_rule_block(stack, rule) for rule in stack.rules]
    return "\n".join(out)


def _rule_block(stack: Stack, rule: Rule) -> str:
    body: dict[str, Any] = {
        "ip_protocol": rule.protocol,
        "from_port": rule.from_port,
        "to_port": rule.to_port,
        "cidr_ipv6" if rule.ipv6 else "cidr_ipv4": rule.cidr,
        "description": f"bench rule {rule.name}",
    }
    raw = {"security_group_id": f"aws_security_group.{stack.groups[rule.group].name}.id"}
    if rule.peer is not None:
        peer = stack.groups[rule.peer].name
        raw["referenced_security_group_id"] = f"aws_security_group.{peer}.id"
    header = f'resource "aws_vpc_security_group_ingress_rule" "{rule.name}"'
    return _block(header, body, raw)


def _inline(stack: Stack, rule: Rule) -> str:
    body: dict[str, Any] = {
        "protocol": rule.protocol,
        "from_port": rule.from_port if rule.from_port is not None else 0,
        "to_port": rule.to_port if rule.to_port is not None else 0,
        "description": f"bench rule {rule.name}",
    }
    raw: dict[str, str] = {}
    if rule.peer is not None:
        raw["security_groups"] = f"[aws_security_group.{stack.groups[rule.peer].name}.id]"
    elif rule.ipv6:
        body["ipv6_cidr_blocks"] = [rule.cidr]
    else:
        body["cidr_blocks"] = [rule.cidr]
    lines = _block("  ingress", body, raw).splitlines()
    return "\n".join([lines[0]] + ["  " + line for line in lines[1:-1]] + ["  }"]) + "\n"
