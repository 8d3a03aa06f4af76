"""The components' input types. They double as the cross-language schema.

``component_provider_host`` infers the package schema from these annotations and the string
under each field, so: TypedDicts only, no ``Union``, no ``tuple``, and no
``from __future__ import annotations`` in this module. A field's string is copied verbatim into
every generated SDK, so long ones are written as one implicitly concatenated literal, never as an
indented multi-line docstring.
"""

from typing import NotRequired, TypedDict

import pulumi


class RuleArgs(TypedDict):
    """One allow rule of a group: every listed port for every listed peer."""

    ports: list[str]
    (
        "Ports: a service name ('https', 'ssh', 'postgres'...) or 'tcp:8080', 'tcp:1024-2048', "
        "'udp:53', 'icmp', 'icmp:8', 'icmpv6' or 'all'."
    )
    cidrs: NotRequired[list[str]]
    """IPv4 or IPv6 CIDRs, network addresses only (e.g. '10.0.0.0/16', '2001:db8::/32')."""
    prefix_list_ids: NotRequired[list[str]]
    """Managed prefix list ids ('pl-...')."""
    security_groups: NotRequired[dict[str, pulumi.Input[str]]]
    (
        "Other security groups as label -> group id. The label names the child rule "
        "('<group>-in-tcp-8080-from-<label>'), so keep it stable."
    )
    description: NotRequired[str]
    """Description of every rule this entry writes; generated from port and peer if omitted."""


class ManagedSecurityGroupArgs(TypedDict):
    """Inputs of ManagedSecurityGroup: one new security group and its rules as separate
    resources."""

    # Optional in the schema so that a missing one gets the component's own message.
    vpc_id: NotRequired[pulumi.Input[str]]
    """The VPC the new group belongs to (required)."""
    description: NotRequired[str]
    """Group description (changing it replaces the group); generated from the name if omitted."""
    ingress: NotRequired[list[RuleArgs]]
    """Inbound rules: who may reach members of this group, on which ports."""
    egress: NotRequired[list[RuleArgs]]
    (
        "Outbound rules. Empty or omitted means no outbound traffic at all (AWS's default "
        "allow-all egress rule is removed)."
    )
    tags: NotRequired[dict[str, str]]
    """Tags for the group and every one of its rules."""
    exclusive_rules: NotRequired[bool]
    (
        "Own the group's rules exclusively: every rule not declared here is revoked on each "
        "update (VpcSecurityGroupRulesExclusive). Default true. Turn it off when another tool "
        "also writes rules to the group."
    )
    delete_timeout: NotRequired[str]
    (
        "How long deleting the group may be retried while network interfaces (Lambda, load "
        "balancers) still use it: a duration such as '45m', '1h30m' or '90s'. Default: '45m'."
    )


class SecurityGroupRulesArgs(TypedDict):
    """Inputs of SecurityGroupRules: rules, as separate resources, on a security group made
    elsewhere, which is never created, changed or deleted here."""

    group_id: pulumi.Input[str]
    """The existing security group's id ('sg-...')."""
    exclusive_rules: bool
    (
        "Whether these rules own the group: true revokes, on each update, every rule of the "
        "group not declared here, including rules other tools wrote "
        "(VpcSecurityGroupRulesExclusive); false only adds these rules. No default: choose."
    )
    ingress: NotRequired[list[RuleArgs]]
    """Inbound rules: who may reach members of the group, on which ports."""
    egress: NotRequired[list[RuleArgs]]
    """Outbound rules, added to the group's (or, with exclusive_rules, replacing them)."""
    tags: NotRequired[dict[str, str]]
    """Tags for every rule written here (the group's own tags are left alone)."""


class EgressArgs(TypedDict):
    """Extra outbound access for a tier, e.g. HTTPS to the internet for package updates."""

    ports: list[str]
    """Ports, as in TierArgs.ports."""
    cidrs: list[str]
    """Destination CIDRs, IPv4 or IPv6 (e.g. '0.0.0.0/0', '10.20.0.0/16')."""
    description: NotRequired[str]
    """Why this egress exists; generated from port and destination if omitted."""


class TierArgs(TypedDict):
    """One tier of the chain: a security group accepting the previous tier on its ports."""

    name: str
    (
        "Tier name ('web', 'app', 'db'; at most 63 characters): names the group, its rules and "
        "its tiered-sg:tier tag."
    )
    ports: list[str]
    (
        "Ports this tier serves: a service name ('https', 'ssh', 'postgres'...) or 'tcp:8080', "
        "'tcp:1024-2048', 'udp:53', 'icmp', 'icmpv6' or 'all'. Against CIDRs, 'icmp' applies to "
        "the IPv4 ones only and 'icmpv6' to the IPv6 ones only."
    )
    egress: NotRequired[list[EgressArgs]]
    """Extra outbound access beyond the next tier (none by default)."""


class TieredSecurityGroupsArgs(TypedDict):
    """Inputs of TieredSecurityGroups: internet -> tier 0 -> tier 1 -> ... as security groups."""

    vpc_id: pulumi.Input[str]
    """The VPC every group belongs to."""
    tiers: NotRequired[list[TierArgs]]
    """Tiers in traffic order. Default: web (http, https) -> app (tcp:8080) -> db (postgres)."""
    public_ipv4_cidrs: NotRequired[list[str]]
    """IPv4 CIDRs the first tier accepts on its ports. Default: ['0.0.0.0/0']."""
    public_ipv6_cidrs: NotRequired[list[str]]
    """IPv6 CIDRs the first tier accepts on its ports. Default: none."""
    admin_cidrs: NotRequired[dict[str, str]]
    (
        "Named CIDRs (name -> CIDR) allowed into the admin group; world-open CIDRs are refused. "
        "Empty (the default) means no admin group at all."
    )
    admin_ports: NotRequired[list[str]]
    """Ports the admin group may reach on every tier. Default: ['ssh']."""
    tags: NotRequired[dict[str, str]]
    """Tags added to every group and rule (keys starting with 'tiered-sg:' are reserved)."""
    entry_security_groups: NotRequired[dict[str, pulumi.Input[str]]]
    (
        "Existing security groups (name -> group id) the first tier accepts on its ports, "
        "besides or instead of the public CIDRs; no rule is written on those groups. The name "
        "labels the rules ('<group>-in-tcp-443-from-<name>'), so keep it stable."
    )
    exclusive_rules: NotRequired[bool]
    (
        "Own every group's rules exclusively: rules not declared by the chain are revoked on "
        "each update. Default: true. Turn it off when another tool also writes rules to these "
        "groups."
    )
    close_default_group: NotRequired[bool]
    (
        "Adopt the VPC's default security group and remove all its rules (Security Hub EC2.2). "
        "Default: false, because whatever still relies on the default group loses its traffic; "
        "only one resource per VPC may adopt it."
    )
    delete_timeout: NotRequired[str]
    (
        "How long deleting a group may be retried while network interfaces still use it: a "
        "duration such as '45m', '1h30m' or '90s'. Default: '45m'."
    )
    admin_min_prefix_ipv4: NotRequired[int]
    """Widest IPv4 admin CIDR allowed, as a prefix length (1-32). Default: 8."""
    admin_min_prefix_ipv6: NotRequired[int]
    """Widest IPv6 admin CIDR allowed, as a prefix length (1-128). Default: 32."""
    adopt: NotRequired[dict[str, str]]
    (
        "Existing groups and rules to adopt: child name ('tiered-web', "
        "'tiered-web-in-tcp-80-from-0.0.0.0-0') -> its sg- or sgr- id, as python -m "
        "tiered_sg.adopt writes it. Adopted children are imported, never created, and keep "
        "AWS's name, description and tags (ignoreChanges)."
    )
    retain_on_delete: NotRequired[bool]
    (
        "Leave every group and rule in AWS when it leaves the stack (pulumi destroy included): "
        "stop managing without deleting. Default: false."
    )
