"""A catalogue of bad stack configs: each is refused with its exact message, before anything exists.

Every row is a ``Pulumi.<stack>.yaml`` ``config:`` block (written as YAML, loaded the way the CLI
merges it with Pulumi.yaml's declared defaults), run through the real program under Pulumi mocks
(``preflight.recorder.record_program``). Each row asserts

* the exact message, as the Pulumi CLI (or preflight) shows it:
  ``<where> <value>: <problem>; <fix>``;
* that nothing was registered: the recording monitor saw no resource but the root stack (no
  component, no custom resource), so a bad config never half-creates a stack;
* through ``python -m preflight <stack>`` (``preflight.cli.main`` on a copy of the project): exit
  code 2, ``error: <message>`` on stderr, no traceback, nothing on stdout.

A bad input found not to be refused clearly gets its row here once the components refuse it.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from preflight import cli, recorder
from preflight.mock_runtime import RecordingMonitor
from preflight.stack_files import load_stack_config

ROOT = Path(__file__).resolve().parents[2]
STACK = "bad"
NS = "tiered-sg"
REGION = {"aws:region": "us-east-1"}
QUOTA_HINT = (
    "merge CIDRs or ports into wider ranges or a prefix list, split the group, or raise the "
    "quota with AWS"
)
QUOTA_RULE = "per direction and IP family (group and prefix-list rules count in both families)"
LIST_HINT = (
    "write a YAML list under tiered-sg:{key} in Pulumi.<stack>.yaml, or set items with "
    "`pulumi config set --path '{key}[0]' <value>`"
)
MAP_HINT = (
    "write a YAML mapping under tiered-sg:{key} in Pulumi.<stack>.yaml, or set entries with "
    "`pulumi config set --path '{key}.<name>' <value>`"
)
LABEL_RULE = (
    "must start with a letter and hold only letters, digits, '.', '_' or '-' "
    "(at most 63 characters); pick a short name such as 'web' or 'office-vpn'"
)
TIER_NAME_RULE = (
    "must start with a letter and hold only letters, digits, '_' or '-' "
    "(at most 63 characters); pick a short name such as 'web' or 'shop-app'"
)
TIERS_EXAMPLE = "write a list such as [{'name': 'web', 'ports': ['https']}]"
GROUP_ID_HINT = "use the id AWS shows, like 'sg-0123456789abcdef0'"
DURATION_HINT = "write it like '45m', '1h30m' or '90s'"
ADMIN_WIDTH_HINT = (
    "list the office or VPN ranges admins connect from, e.g. '203.0.113.10/32' "
    "(or lower tiered-sg:adminMinPrefix{key} if the whole range is yours)"
)
PORTS_EXAMPLE = "write a list such as ['https', 'tcp:8080']"


def tiers(*items: Any) -> dict[str, Any]:
    return {f"{NS}:tiers": list(items)}


def web(*ports: str, **extra: Any) -> dict[str, Any]:
    return {"name": "web", "ports": list(ports), **extra}


def public(*cidrs: str, ipv6: tuple[str, ...] = ()) -> dict[str, Any]:
    return {f"{NS}:publicIpv4Cidrs": list(cidrs), f"{NS}:publicIpv6Cidrs": list(ipv6)}


def quota(group: str, count: int, direction: str, family: str) -> str:
    return (
        f"security group {group!r}: {count} {direction} {family} rules exceed the AWS quota of "
        f"60 {QUOTA_RULE}; {QUOTA_HINT}"
    )


# Tier names whose groups would register rules of one name (so one URN): group tiered-a's ingress
# from tier y-in-tcp-80-from-z and group tiered-a-in-tcp-8080-from-y's ingress from tier z are
# both 'tiered-a-in-tcp-8080-from-y-in-tcp-80-from-z'.
_COLLIDING_TIERS = tiers(
    {"name": "y-in-tcp-80-from-z", "ports": ["https"]},
    {"name": "a", "ports": ["tcp:8080"]},
    {"name": "z", "ports": ["tcp:9000"]},
    {"name": "a-in-tcp-8080-from-y", "ports": ["tcp:80"]},
)

# id, the stack's config block, the exact message.
CATALOGUE: list[tuple[str, dict[str, Any], str]] = [
    # -- CIDRs ---------------------------------------------------------------------------------
    (
        "invalid-cidr",
        public("10.0.0.256/24"),
        "tiered-sg:publicIpv4Cidrs[0] '10.0.0.256/24': is not a valid CIDR; "
        "write a network like '10.0.0.0/16' or '2001:db8::/32'",
    ),
    (
        "cidr-prefix-too-long",
        public("10.0.0.0/33"),
        "tiered-sg:publicIpv4Cidrs[0] '10.0.0.0/33': is not a valid CIDR; "
        "write a network like '10.0.0.0/16' or '2001:db8::/32'",
    ),
    (
        "cidr-leading-zeros",
        public("010.0.0.0/8"),
        "tiered-sg:publicIpv4Cidrs[0] '010.0.0.0/8': is not a valid CIDR; "
        "write a network like '10.0.0.0/16' or '2001:db8::/32'",
    ),
    (
        "host-bits-set-suggests-network",
        public("10.0.0.5/24"),
        "tiered-sg:publicIpv4Cidrs[0] '10.0.0.5/24': has host bits set; "
        "use the network '10.0.0.0/24', or '10.0.0.5/32' for that one address",
    ),
    (
        "host-bits-set-ipv6",
        public("10.0.0.0/8", ipv6=("2001:db8::1/32",)),
        "tiered-sg:publicIpv6Cidrs[0] '2001:db8::1/32': has host bits set; "
        "use the network '2001:db8::/32', or '2001:db8::1/128' for that one address",
    ),
    (
        "address-without-prefix",
        {f"{NS}:adminCidrs": {"office": "203.0.113.10"}},
        "tiered-sg:adminCidrs.office '203.0.113.10': is an address without a prefix length; "
        "write '203.0.113.10/32' for this one address",
    ),
    (
        "ipv6-cidr-where-ipv4-expected",
        public("2001:db8::/32"),
        "tiered-sg:publicIpv4Cidrs[0] '2001:db8::/32': is an IPv6 CIDR where an IPv4 CIDR is "
        "expected; list it with the IPv6 CIDRs instead",
    ),
    (
        "ipv6-world-where-ipv4-expected",
        public("::/0"),
        "tiered-sg:publicIpv4Cidrs[0] '::/0': is an IPv6 CIDR where an IPv4 CIDR is expected; "
        "list it with the IPv6 CIDRs instead",
    ),
    (
        "ipv4-cidr-where-ipv6-expected",
        public("0.0.0.0/0", ipv6=("10.0.0.0/8",)),
        "tiered-sg:publicIpv6Cidrs[0] '10.0.0.0/8': is an IPv4 CIDR where an IPv6 CIDR is "
        "expected; list it with the IPv4 CIDRs instead",
    ),
    (
        "ipv6-cidr-with-zone-id",
        public("0.0.0.0/0", ipv6=("fe80::%eth0/64",)),
        "tiered-sg:publicIpv6Cidrs[0] 'fe80::%eth0/64': has a zone id ('%eth0'), which security "
        "group rules do not take; write 'fe80::/64'",
    ),
    (
        "admin-cidr-with-zone-id-and-host-bits",
        {f"{NS}:adminCidrs": {"office": "fe80::1%eth0/64"}},
        "tiered-sg:adminCidrs.office 'fe80::1%eth0/64': has a zone id ('%eth0'), which security "
        "group rules do not take; write 'fe80::/64'",
    ),
    (
        "no-public-cidrs-at-all",
        public(),
        "tiered-sg:publicIpv4Cidrs []: is empty and so is tiered-sg:publicIpv6Cidrs, so the "
        "entry tier 'web' would accept no traffic; list the addresses allowed in, "
        "e.g. ['0.0.0.0/0'] or ['10.0.0.0/8'], or existing security groups in "
        "tiered-sg:entrySecurityGroups",
    ),
    # -- entry from existing groups -------------------------------------------------------------
    (
        "no-cidrs-and-no-entry-groups",
        {**public(), f"{NS}:entrySecurityGroups": {}},
        "tiered-sg:publicIpv4Cidrs []: is empty and so is tiered-sg:publicIpv6Cidrs, so the "
        "entry tier 'web' would accept no traffic; list the addresses allowed in, "
        "e.g. ['0.0.0.0/0'] or ['10.0.0.0/8'], or existing security groups in "
        "tiered-sg:entrySecurityGroups",
    ),
    (
        "entry-group-id-too-short",
        {f"{NS}:entrySecurityGroups": {"alb": "sg-0123456"}},
        "tiered-sg:entrySecurityGroups.alb 'sg-0123456': is not a security group id ('sg-' and "
        f"8 or 17 lowercase hex digits); {GROUP_ID_HINT}",
    ),
    (
        "entry-group-id-12-digits",
        {f"{NS}:entrySecurityGroups": {"alb": "sg-0123456789ab"}},
        "tiered-sg:entrySecurityGroups.alb 'sg-0123456789ab': is not a security group id ('sg-' "
        f"and 8 or 17 lowercase hex digits); {GROUP_ID_HINT}",
    ),
    (
        "entry-group-id-uppercase",
        {f"{NS}:entrySecurityGroups": {"alb": "sg-0123ABCD"}},
        "tiered-sg:entrySecurityGroups.alb 'sg-0123ABCD': is not a security group id ('sg-' and "
        f"8 or 17 lowercase hex digits); {GROUP_ID_HINT}",
    ),
    (
        "entry-group-id-is-a-vpc-id",
        {f"{NS}:entrySecurityGroups": {"alb": "vpc-0123456789abcdef0"}},
        "tiered-sg:entrySecurityGroups.alb 'vpc-0123456789abcdef0': is not a security group id "
        f"('sg-' and 8 or 17 lowercase hex digits); {GROUP_ID_HINT}",
    ),
    (
        "entry-group-id-number",
        {f"{NS}:entrySecurityGroups": {"alb": 12345678}},
        "tiered-sg:entrySecurityGroups.alb 12345678: is a number where a security group id is "
        f"expected; {GROUP_ID_HINT}",
    ),
    (
        "entry-group-named-like-a-tier",
        {f"{NS}:entrySecurityGroups": {"app": "sg-0123456789abcdef0"}},
        "tiered-sg:entrySecurityGroups key 'app': is the name of one of the chain's own groups, "
        "which rules name their peers by; rename the entry group, e.g. 'app-ext'",
    ),
    (
        "entry-group-named-admin",
        {f"{NS}:entrySecurityGroups": {"admin": "sg-0123456789abcdef0"}},
        "tiered-sg:entrySecurityGroups key 'admin': is the name of one of the chain's own groups, "
        "which rules name their peers by; rename the entry group, e.g. 'admin-ext'",
    ),
    (
        "entry-group-name-with-space",
        {f"{NS}:entrySecurityGroups": {"my alb": "sg-0123456789abcdef0"}},
        f"tiered-sg:entrySecurityGroups key 'my alb': {LABEL_RULE}",
    ),
    (
        "entry-groups-as-list",
        {f"{NS}:entrySecurityGroups": ["sg-0123456789abcdef0"]},
        """tiered-sg:entrySecurityGroups '["sg-0123456789abcdef0"]': is a single value where a """
        "mapping is expected; " + MAP_HINT.format(key="entrySecurityGroups"),
    ),
    # -- ownership and deletion ----------------------------------------------------------------
    (
        "exclusive-rules-not-a-boolean",
        {f"{NS}:exclusiveRules": "yes"},
        "tiered-sg:exclusiveRules 'yes': is a string where a boolean is expected; "
        "write true or false",
    ),
    (
        "close-default-group-number",
        {f"{NS}:closeDefaultGroup": 1},
        "tiered-sg:closeDefaultGroup 1: is a number where a boolean is expected; "
        "write true or false",
    ),
    (
        "delete-timeout-without-unit",
        {f"{NS}:deleteTimeout": "45"},
        "tiered-sg:deleteTimeout '45': is not a duration of whole hours (h), minutes (m) and "
        f"seconds (s), in that order; {DURATION_HINT}",
    ),
    (
        "delete-timeout-fraction",
        {f"{NS}:deleteTimeout": "1.5h"},
        "tiered-sg:deleteTimeout '1.5h': is not a duration of whole hours (h), minutes (m) and "
        f"seconds (s), in that order; {DURATION_HINT}",
    ),
    (
        "delete-timeout-in-words",
        {f"{NS}:deleteTimeout": "45 minutes"},
        "tiered-sg:deleteTimeout '45 minutes': is not a duration of whole hours (h), minutes (m) "
        f"and seconds (s), in that order; {DURATION_HINT}",
    ),
    (
        "delete-timeout-zero",
        {f"{NS}:deleteTimeout": "0h0m"},
        "tiered-sg:deleteTimeout '0h0m': is zero, so a group still in use by a network interface "
        "could not be deleted; allow the interfaces time to go, e.g. '45m'",
    ),
    # -- ports ---------------------------------------------------------------------------------
    (
        "port-65536",
        tiers(web("tcp:65536")),
        "tiered-sg:tiers[0].ports[0] 'tcp:65536': port 65536 is out of range 0-65535; "
        "use a port from 0 to 65535",
    ),
    (
        "port-range-end-65536",
        tiers(web("udp:1024-65536")),
        "tiered-sg:tiers[0].ports[0] 'udp:1024-65536': port 65536 is out of range 0-65535; "
        "use a port from 0 to 65535",
    ),
    (
        "reversed-range",
        tiers(web("tcp:2048-1024")),
        "tiered-sg:tiers[0].ports[0] 'tcp:2048-1024': the range is reversed (2048 > 1024); "
        "write tcp:1024-2048",
    ),
    (
        "negative-port",
        tiers(web("tcp:-1")),
        "tiered-sg:tiers[0].ports[0] 'tcp:-1': '-1' is not a port or range; "
        "write tcp:443 or tcp:1024-2048",
    ),
    (
        "unknown-service-with-suggestion",
        tiers(web("htps")),
        "tiered-sg:tiers[0].ports[0] 'htps': is not a known service or protocol; "
        "did you mean 'https'?",
    ),
    (
        "unknown-service-postgres-typo",
        tiers(web("https"), {"name": "db", "ports": ["postgress"]}),
        "tiered-sg:tiers[1].ports[0] 'postgress': is not a known service or protocol; "
        "did you mean 'postgres'?",
    ),
    (
        "unknown-protocol",
        tiers(web("sctp:80")),
        "tiered-sg:tiers[0].ports[0] 'sctp:80': is not a known service or protocol; use a "
        "service (ftp, ssh, smtp, dns, dns-tcp, http, ntp, ldap, https, smtps, ldaps, mssql, "
        "nfs, mysql, rdp, postgres, redis, mongodb) or tcp:<port>, tcp:<from>-<to>, "
        "udp:<port>, icmp, icmpv6 or all",
    ),
    (
        "bare-number-port",
        tiers(web("443")),
        "tiered-sg:tiers[0].ports[0] '443': a bare number does not say which protocol; "
        "write 'tcp:443' or 'udp:443'",
    ),
    (
        "ports-given-with-all-traffic",
        tiers(web("all:80")),
        "tiered-sg:tiers[0].ports[0] 'all:80': all traffic covers every protocol and port, so "
        "it takes no port; write 'all', or 'tcp:80' for TCP only",
    ),
    (
        "protocol-without-port",
        tiers(web("udp:")),
        "tiered-sg:tiers[0].ports[0] 'udp:': has no port; write udp:443 or udp:1024-2048",
    ),
    (
        "empty-port-string",
        tiers(web("")),
        "tiered-sg:tiers[0].ports[0] '': is empty; "
        "write a service name such as 'https' or 'tcp:8080'",
    ),
    (
        "icmp-type-out-of-range",
        tiers(web("icmp:256")),
        "tiered-sg:tiers[0].ports[0] 'icmp:256': ICMP type 256 is out of range 0-255; "
        "use an ICMP type from 0 to 255, or leave it out for all",
    ),
    (
        "admin-ports-all-traffic",
        {f"{NS}:adminCidrs": {"office": "203.0.113.10/32"}, f"{NS}:adminPorts": ["all"]},
        "tiered-sg:adminPorts[0] 'all': would let the admin group reach every port of every "
        "tier; name the admin ports, e.g. ['ssh'] or ['rdp']",
    ),
    (
        "admin-ports-empty",
        {f"{NS}:adminPorts": []},
        f"tiered-sg:adminPorts []: lists no port; {PORTS_EXAMPLE}",
    ),
    (
        "icmpv6-with-ipv4-public-cidrs",
        tiers(web("https", "icmpv6")),
        "tiered-sg:tiers[0].ports[1] 'icmpv6': ICMPv6 only matches IPv6 traffic and "
        "tiered-sg:publicIpv6Cidrs is empty; use icmp for IPv4, or list IPv6 CIDRs in "
        "tiered-sg:publicIpv6Cidrs",
    ),
    (
        "icmp-with-ipv6-public-cidrs",
        {**tiers(web("https", "icmp:8")), **public(ipv6=("::/0",))},
        "tiered-sg:tiers[0].ports[1] 'icmp:8': ICMP only matches IPv4 traffic and "
        "tiered-sg:publicIpv4Cidrs is empty; use icmpv6 for IPv6, or list IPv4 CIDRs in "
        "tiered-sg:publicIpv4Cidrs",
    ),
    (
        "icmp-egress-to-ipv6-cidrs",
        tiers(web("https", egress=[{"ports": ["https", "icmp"], "cidrs": ["::/0"]}])),
        "tiered-sg:tiers[0].egress[0].ports[1] 'icmp': ICMP only matches IPv4 traffic and "
        "tiered-sg:tiers[0].egress[0].cidrs holds no IPv4 CIDR; use icmpv6 for IPv6, or add an "
        "IPv4 CIDR to tiered-sg:tiers[0].egress[0].cidrs",
    ),
    (
        "icmpv6-admin-port-with-ipv4-admin-cidrs",
        {f"{NS}:adminCidrs": {"office": "203.0.113.10/32"}, f"{NS}:adminPorts": ["ssh", "icmpv6"]},
        "tiered-sg:adminPorts[1] 'icmpv6': ICMPv6 only matches IPv6 traffic and "
        "tiered-sg:adminCidrs holds no IPv6 CIDR; use icmp for IPv4, or add an IPv6 CIDR to "
        "tiered-sg:adminCidrs",
    ),
    # -- tiers ---------------------------------------------------------------------------------
    (
        "duplicate-tier-names",
        tiers(web("https"), {"name": "app", "ports": ["tcp:8080"]}, web("https")),
        "tiered-sg:tiers[2].name 'web': is already the name of tier 0; give each tier its own name",
    ),
    ("no-tiers", tiers(), f"tiered-sg:tiers []: a chain needs at least one tier; {TIERS_EXAMPLE}"),
    (
        "tier-without-ports",
        tiers(web()),
        f"tiered-sg:tiers[0].ports []: lists no port; {PORTS_EXAMPLE}",
    ),
    (
        "tier-ports-missing",
        tiers({"name": "web"}),
        "tiered-sg:tiers[0].ports None: is null where a list of ports is expected; "
        f"{PORTS_EXAMPLE}",
    ),
    (
        "tier-name-missing",
        tiers({"ports": ["https"]}),
        "tiered-sg:tiers[0].name None: is null where a tier name is expected; "
        "write a name such as 'web'",
    ),
    (
        "tier-named-admin",
        tiers({"name": "admin", "ports": ["https"]}),
        "tiered-sg:tiers[0].name 'admin': is reserved for the admin group; rename the tier",
    ),
    (
        "tier-name-with-space",
        tiers({"name": "web tier", "ports": ["https"]}),
        f"tiered-sg:tiers[0].name 'web tier': {TIER_NAME_RULE}",
    ),
    (
        "tier-name-non-ascii",
        tiers({"name": "wéb", "ports": ["https"]}),
        f"tiered-sg:tiers[0].name 'wéb': {TIER_NAME_RULE}",
    ),
    (
        "tier-name-sg-prefix",
        tiers({"name": "sg-web", "ports": ["https"]}),
        "tiered-sg:tiers[0].name 'sg-web': AWS refuses group names that start with 'sg-'; "
        "drop the prefix, e.g. 'web'",
    ),
    (
        "tier-given-as-string",
        tiers("web"),
        f"tiered-sg:tiers[0] 'web': is a string where a tier is expected; {TIERS_EXAMPLE}",
    ),
    (
        "tier-names-that-collide-in-rule-urns",
        _COLLIDING_TIERS,
        "tiered-sg:tiers[3].name 'a-in-tcp-8080-from-y': starts with tier 1's name 'a' and "
        "'-in-', as tier 1's rule names do (<group>-in-<port>-from-<peer>), so rules of tier 1 "
        "and this tier can get the same name and URN; rename the tier, e.g. 'a-tcp-8080-from-y'",
    ),
    (
        "tier-name-extends-the-admin-group-egress",
        tiers(web("https"), {"name": "admin-out-tcp-22-to-web", "ports": ["ssh"]}),
        "tiered-sg:tiers[1].name 'admin-out-tcp-22-to-web': starts with the admin group's name "
        "'admin' and '-out-', as the admin group's rule names do (<group>-out-<port>-to-<peer>), "
        "so rules of the admin group and this tier can get the same name and URN; rename the "
        "tier, e.g. 'admin-tcp-22-to-web'",
    ),
    (
        "tier-name-64-to-93-chars-in-a-chain",
        tiers({"name": "w" * 70, "ports": ["https"]}, {"name": "app", "ports": ["tcp:8080"]}),
        f"tiered-sg:tiers[0].name {'w' * 70!r}: is 70 characters long, at most 63 are allowed; "
        "shorten it",
    ),
    (
        "tier-name-94-to-100-chars",
        tiers({"name": "w" * 95, "ports": ["https"]}),
        f"tiered-sg:tiers[0].name {'w' * 95!r}: is 95 characters long, at most 63 are allowed; "
        "shorten it",
    ),
    (
        "egress-without-cidrs",
        tiers(web("https", egress=[{"ports": ["https"], "cidrs": []}])),
        "tiered-sg:tiers[0].egress[0].cidrs []: lists no destination; "
        "write ['0.0.0.0/0'] or a range",
    ),
    (
        "egress-description-non-ascii",
        tiers(
            web(
                "https",
                egress=[{"ports": ["https"], "cidrs": ["0.0.0.0/0"], "description": "café"}],
            )
        ),
        "tiered-sg:tiers[0].egress[0].description 'café': contains characters AWS refuses: "
        "'é'; use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
    ),
    (
        "egress-description-too-long",
        tiers(
            web(
                "https",
                egress=[{"ports": ["https"], "cidrs": ["10.0.0.0/8"], "description": "x" * 256}],
            )
        ),
        f"tiered-sg:tiers[0].egress[0].description {'x' * 256!r}: is 256 characters long, "
        "AWS allows 255; shorten it",
    ),
    # -- admin access --------------------------------------------------------------------------
    (
        "world-open-admin-ipv4",
        {f"{NS}:adminCidrs": {"office": "0.0.0.0/0"}},
        "tiered-sg:adminCidrs.office '0.0.0.0/0': opens admin access to the whole internet; "
        "list the office or VPN ranges admins connect from, e.g. '203.0.113.10/32'",
    ),
    (
        "world-open-admin-ipv6",
        {f"{NS}:adminCidrs": {"vpn": "::/0"}},
        "tiered-sg:adminCidrs.vpn '::/0': opens admin access to the whole internet; "
        "list the office or VPN ranges admins connect from, e.g. '203.0.113.10/32'",
    ),
    (
        "world-open-admin-ipv6-long-form",
        {f"{NS}:adminCidrs": {"vpn": "0:0:0:0:0:0:0:0/0"}},
        "tiered-sg:adminCidrs.vpn '0:0:0:0:0:0:0:0/0': opens admin access to the whole "
        "internet; list the office or VPN ranges admins connect from, e.g. '203.0.113.10/32'",
    ),
    (
        "world-admin-with-host-bits",
        {f"{NS}:adminCidrs": {"office": "1.2.3.4/0"}},
        "tiered-sg:adminCidrs.office '1.2.3.4/0': has host bits set; "
        "use the network '0.0.0.0/0', or '1.2.3.4/32' for that one address",
    ),
    (
        "admin-cidr-half-the-internet",
        {f"{NS}:adminCidrs": {"office": "0.0.0.0/1"}},
        "tiered-sg:adminCidrs.office '0.0.0.0/1': opens admin access to a /1, wider than the /8 "
        f"tiered-sg:adminMinPrefixIpv4 allows; {ADMIN_WIDTH_HINT.format(key='Ipv4')}",
    ),
    (
        "admin-cidr-wider-than-a-slash-8",
        {f"{NS}:adminCidrs": {"office": "10.0.0.0/7"}},
        "tiered-sg:adminCidrs.office '10.0.0.0/7': opens admin access to a /7, wider than the /8 "
        f"tiered-sg:adminMinPrefixIpv4 allows; {ADMIN_WIDTH_HINT.format(key='Ipv4')}",
    ),
    (
        "admin-cidr-wider-than-a-configured-limit",
        {f"{NS}:adminCidrs": {"office": "10.0.0.0/8"}, f"{NS}:adminMinPrefixIpv4": 24},
        "tiered-sg:adminCidrs.office '10.0.0.0/8': opens admin access to a /8, wider than the "
        f"/24 tiered-sg:adminMinPrefixIpv4 allows; {ADMIN_WIDTH_HINT.format(key='Ipv4')}",
    ),
    (
        "admin-cidr-ipv6-wider-than-a-slash-32",
        {f"{NS}:adminCidrs": {"vpn": "2000::/3"}},
        "tiered-sg:adminCidrs.vpn '2000::/3': opens admin access to a /3, wider than the /32 "
        f"tiered-sg:adminMinPrefixIpv6 allows; {ADMIN_WIDTH_HINT.format(key='Ipv6')}",
    ),
    (
        "admin-min-prefix-zero",
        {f"{NS}:adminMinPrefixIpv4": 0},
        "tiered-sg:adminMinPrefixIpv4 0: is out of range 1-32; write 1 to 32",
    ),
    (
        "admin-min-prefix-ipv6-too-long",
        {f"{NS}:adminMinPrefixIpv6": 129},
        "tiered-sg:adminMinPrefixIpv6 129: is out of range 1-128; write 1 to 128",
    ),
    (
        "admin-min-prefix-as-cidr",
        {f"{NS}:adminMinPrefixIpv4": "/8"},
        "tiered-sg:adminMinPrefixIpv4 '/8': is a string where a whole number is expected; "
        "write 1 to 32",
    ),
    (
        "empty-admin-cidr-name",
        {f"{NS}:adminCidrs": {"": "203.0.113.10/32"}},
        f"tiered-sg:adminCidrs key '': {LABEL_RULE}",
    ),
    (
        "admin-cidr-name-starts-with-digit",
        {f"{NS}:adminCidrs": {"1office": "203.0.113.10/32"}},
        f"tiered-sg:adminCidrs key '1office': {LABEL_RULE}",
    ),
    # -- the rule quota ------------------------------------------------------------------------
    (
        "over-quota-inbound-ipv4",
        {**tiers(web("https")), **public(*(f"10.0.{i}.0/24" for i in range(61)))},
        quota("tiered-web", 61, "inbound", "IPv4"),
    ),
    (
        "over-quota-counting-the-admin-group",
        {
            **tiers(web("https")),
            **public(*(f"10.0.{i}.0/24" for i in range(60))),
            f"{NS}:adminCidrs": {"office": "203.0.113.10/32"},
        },
        quota("tiered-web", 61, "inbound", "IPv4"),
    ),
    (
        "over-quota-inbound-ipv6",
        {**tiers(web("https")), **public(ipv6=tuple(f"2001:db8:{i:x}::/48" for i in range(61)))},
        quota("tiered-web", 61, "inbound", "IPv6"),
    ),
    (
        "over-quota-outbound",
        tiers(
            web(
                "https",
                egress=[
                    {"ports": [f"tcp:{p}" for p in range(2000, 2061)], "cidrs": ["10.0.0.0/8"]}
                ],
            )
        ),
        quota("tiered-web", 61, "outbound", "IPv4"),
    ),
    (
        "over-quota-admin-outbound",
        {
            f"{NS}:adminCidrs": {"office": "203.0.113.10/32"},
            f"{NS}:adminPorts": [f"tcp:{3000 + i}" for i in range(21)],
        },
        quota("tiered-admin", 63, "outbound", "IPv4"),
    ),
    # -- wrong types ---------------------------------------------------------------------------
    (
        "string-where-list-expected",
        {f"{NS}:publicIpv4Cidrs": "0.0.0.0/0"},
        "tiered-sg:publicIpv4Cidrs '0.0.0.0/0': is a single value where a list is expected; "
        + LIST_HINT.format(key="publicIpv4Cidrs"),
    ),
    (
        "string-where-port-list-expected",
        {f"{NS}:adminPorts": "ssh"},
        "tiered-sg:adminPorts 'ssh': is a single value where a list is expected; "
        + LIST_HINT.format(key="adminPorts"),
    ),
    (
        "mapping-where-list-expected",
        {f"{NS}:tiers": {"web": ["https"]}},
        """tiered-sg:tiers '{"web": ["https"]}': is a single value where a list is expected; """
        + LIST_HINT.format(key="tiers"),
    ),
    (
        "null-where-list-expected",
        {f"{NS}:tiers": None},
        "tiered-sg:tiers 'null': is a single value where a list is expected; "
        + LIST_HINT.format(key="tiers"),
    ),
    (
        "list-where-mapping-expected",
        {f"{NS}:adminCidrs": ["203.0.113.10/32"]},
        """tiered-sg:adminCidrs '["203.0.113.10/32"]': is a single value where a mapping is """
        "expected; " + MAP_HINT.format(key="adminCidrs"),
    ),
    (
        "string-where-mapping-expected",
        {f"{NS}:tags": "team=platform"},
        "tiered-sg:tags 'team=platform': is a single value where a mapping is expected; "
        + MAP_HINT.format(key="tags"),
    ),
    (
        "number-where-tier-name-expected",
        tiers({"name": 5, "ports": ["https"]}),
        "tiered-sg:tiers[0].name 5: is a number where a tier name is expected; "
        "write a name such as 'web'",
    ),
    (
        "number-where-port-string-expected",
        tiers(web(443)),
        "tiered-sg:tiers[0].ports[0] 443: is a number where a port string is expected; "
        "write a string such as 'https' or 'tcp:8080'",
    ),
    (
        "number-where-cidr-expected",
        {f"{NS}:adminCidrs": {"office": 203}},
        "tiered-sg:adminCidrs.office 203: is a number where a CIDR string is expected; "
        "write a CIDR such as '203.0.113.10/32'",
    ),
    (
        "boolean-where-cidr-expected",
        {f"{NS}:publicIpv4Cidrs": [True]},
        "tiered-sg:publicIpv4Cidrs[0] True: is a boolean where a CIDR string is expected; "
        "write a string such as '10.0.0.0/16'",
    ),
    (
        "number-where-tag-value-expected",
        {f"{NS}:tags": {"team": 5}},
        "tiered-sg:tags.team 5: is a number where a tag value (a string) is expected; "
        "quote the value",
    ),
    (
        "ports-as-mapping",
        tiers({"name": "web", "ports": {"a": "https"}}),
        "tiered-sg:tiers[0].ports {'a': 'https'}: is a mapping where a list of ports is "
        f"expected; {PORTS_EXAMPLE}",
    ),
    # -- keys ----------------------------------------------------------------------------------
    (
        "misspelled-config-key",
        {f"{NS}:publicIpv4Cidr": ["0.0.0.0/0"]},
        "config key 'tiered-sg:publicIpv4Cidr': is not a setting of tiered-sg; "
        "did you mean 'tiered-sg:publicIpv4Cidrs'?",
    ),
    (
        "config-key-wrong-case",
        {f"{NS}:AdminCidrs": {"office": "203.0.113.10/32"}},
        "config key 'tiered-sg:AdminCidrs': is not a setting of tiered-sg; "
        "did you mean 'tiered-sg:adminCidrs'?",
    ),
    (
        "misspelled-tier-key",
        tiers({"name": "web", "port": ["https"]}),
        "tiered-sg:tiers[0] key 'port': is not a known setting; did you mean 'ports'?",
    ),
    (
        "misspelled-egress-key",
        tiers(web("https", egress=[{"ports": ["https"], "cidr": ["0.0.0.0/0"]}])),
        "tiered-sg:tiers[0].egress[0] key 'cidr': is not a known setting; did you mean 'cidrs'?",
    ),
    # -- VPC -----------------------------------------------------------------------------------
    (
        "bad-vpc-id",
        {f"{NS}:vpcId": "vpc-xyz"},
        "tiered-sg:vpcId 'vpc-xyz': is not a VPC id; "
        "use the id AWS shows, like 'vpc-0123456789abcdef0'",
    ),
    (
        "vpc-id-uppercase",
        {f"{NS}:vpcId": "vpc-0ABCDEF12"},
        "tiered-sg:vpcId 'vpc-0ABCDEF12': is not a VPC id; "
        "use the id AWS shows, like 'vpc-0123456789abcdef0'",
    ),
    (
        "vpc-id-number",
        {f"{NS}:vpcId": 5},
        "tiered-sg:vpcId '5': is not a VPC id; use the id AWS shows, like 'vpc-0123456789abcdef0'",
    ),
    # -- tags ----------------------------------------------------------------------------------
    (
        "reserved-tag-prefix",
        {f"{NS}:tags": {"tiered-sg:tier": "x"}},
        "tiered-sg:tags key 'tiered-sg:tier': keys starting with 'tiered-sg:' are reserved; "
        "rename the tag",
    ),
    (
        "aws-tag-prefix",
        {f"{NS}:tags": {"aws:team": "x"}},
        "tiered-sg:tags key 'aws:team': keys starting with 'aws:' are reserved; rename the tag",
    ),
    (
        "too-many-tags",
        {f"{NS}:tags": {f"t{i}": "x" for i in range(47)}},
        "tiered-sg:tags 47: is more than the 46 tags allowed here; drop some tags",
    ),
    (
        "tag-value-too-long",
        {f"{NS}:tags": {"team": "x" * 257}},
        f"tiered-sg:tags.team {'x' * 257!r}: is 257 characters long, AWS allows 256; shorten it",
    ),
    (
        "empty-tag-key",
        {f"{NS}:tags": {"": "platform"}},
        "tiered-sg:tags key '': is empty; name the tag, e.g. 'team'",
    ),
    (
        "tag-key-over-128-chars",
        {f"{NS}:tags": {"k" * 129: "platform"}},
        f"tiered-sg:tags key {'k' * 129!r}: is 129 characters long, AWS allows 128; shorten it",
    ),
    # -- namespaces ----------------------------------------------------------------------------
    (
        "misspelled-namespace-underscore",
        {"tiered_sg:publicIpv4Cidrs": ["10.0.0.0/8"]},
        "config key 'tiered_sg:publicIpv4Cidrs': is in the namespace 'tiered_sg', not "
        "'tiered-sg', so the program would ignore it; did you mean 'tiered-sg:publicIpv4Cidrs'?",
    ),
    (
        "misspelled-namespace-no-dash",
        {"tieredsg:adminCidrs": {"office": "203.0.113.10/32"}},
        "config key 'tieredsg:adminCidrs': is in the namespace 'tieredsg', not 'tiered-sg', so "
        "the program would ignore it; did you mean 'tiered-sg:adminCidrs'?",
    ),
    (
        "misspelled-namespace-and-key",
        {"tiered_sg:adminCidr": {"office": "203.0.113.10/32"}},
        "config key 'tiered_sg:adminCidr': is in the namespace 'tiered_sg', not 'tiered-sg', so "
        "the program would ignore it; did you mean 'tiered-sg:adminCidrs'?",
    ),
]

# -- harness -----------------------------------------------------------------------------------


@pytest.fixture
def monitors(monkeypatch: pytest.MonkeyPatch) -> list[RecordingMonitor]:
    """Every recording monitor preflight's recorder starts during the test."""
    started: list[RecordingMonitor] = []
    start = recorder.start_deployment

    def start_and_keep(**kwargs: Any) -> RecordingMonitor:
        monitor = start(**kwargs)
        started.append(monitor)
        return monitor

    monkeypatch.setattr(recorder, "start_deployment", start_and_keep)
    return started


def write_project(directory: Path, config: dict[str, Any], stack: str = STACK) -> Path:
    """A copy of the project (Pulumi.yaml, __main__.py) with ``Pulumi.<stack>.yaml``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, directory / name)
    text = yaml.safe_dump({"config": {**REGION, **config}}, allow_unicode=True, sort_keys=False)
    (directory / f"Pulumi.{stack}.yaml").write_text(text, encoding="utf-8")
    return directory


def refusal(project: Path, monitors: list[RecordingMonitor]) -> str:
    """Run the program on the stack; return the one-line error, asserting nothing was created."""
    stack = load_stack_config(project, STACK)
    with pytest.raises(pulumi.RunError) as caught:
        recorder.record_program(project / "__main__.py", stack, preview=True)
    assert len(monitors) == 1
    # The monitor records every RegisterResource but the root stack's: components included.
    assert monitors[0].registrations == [], [r.urn for r in monitors[0].registrations]
    # Reads are fine (the default-VPC lookup runs before the chain is validated); writes are not.
    assert {token for token, _ in monitors[0].cloud.calls} <= {"aws:ec2/getVpc:getVpc"}
    return str(caught.value)


def run_cli(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main([STACK, "--project-dir", str(project)])
    out, err = capsys.readouterr()
    return code, out, err


# -- the catalogue -----------------------------------------------------------------------------


def test_the_catalogue_is_large_and_ids_are_unique() -> None:
    ids = [row[0] for row in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert len(CATALOGUE) >= 25


@pytest.mark.parametrize(
    ("config", "message"),
    [pytest.param(config, message, id=case) for case, config, message in CATALOGUE],
)
def test_bad_config_is_refused_before_anything_is_registered(
    tmp_path: Path, monitors: list[RecordingMonitor], config: dict[str, Any], message: str
) -> None:
    assert refusal(write_project(tmp_path, config), monitors) == message


@pytest.mark.parametrize(
    ("config", "message"),
    [pytest.param(config, message, id=case) for case, config, message in CATALOGUE],
)
def test_preflight_exits_2_with_the_message_and_no_traceback(
    tmp_path: Path,
    monitors: list[RecordingMonitor],
    capsys: pytest.CaptureFixture[str],
    config: dict[str, Any],
    message: str,
) -> None:
    code, out, err = run_cli(write_project(tmp_path, config), capsys)
    assert (code, out, err) == (2, "", f"error: {message}\n")
    assert "Traceback" not in err
    assert [r for m in monitors for r in m.registrations] == []


# -- preflight's own input errors (before the program runs) -------------------------------------


def _raw_stack(directory: Path, text: str) -> Path:
    write_project(directory, {})
    (directory / f"Pulumi.{STACK}.yaml").write_text(text, encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("stack_text", "message"),
    [
        pytest.param(
            "config:\n  tiered-sg:tags:\n    secure: AAABAJ==\n",
            "Pulumi.bad.yaml 'tiered-sg:tags': encrypted values cannot be read offline; preflight "
            "needs plain config (keep secrets out of security-group config)",
            id="secure-value",
        ),
        pytest.param(
            "config: [a, b]\n",
            "Pulumi.bad.yaml config ['a', 'b']: expected a mapping of keys to values",
            id="config-not-a-mapping",
        ),
        pytest.param(
            "- just\n- a list\n",
            "the stack file Pulumi.bad.yaml '{path}': expected a mapping at the top level",
            id="stack-file-not-a-mapping",
        ),
    ],
)
def test_unreadable_stack_files_exit_2(
    tmp_path: Path,
    monitors: list[RecordingMonitor],
    capsys: pytest.CaptureFixture[str],
    stack_text: str,
    message: str,
) -> None:
    project = _raw_stack(tmp_path, stack_text)
    code, out, err = run_cli(project, capsys)
    expected = message.format(path=project.resolve() / f"Pulumi.{STACK}.yaml")
    assert (code, out, err) == (2, "", f"error: {expected}\n")
    assert monitors == []  # the program never ran


def test_invalid_yaml_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _raw_stack(tmp_path, "config:\n  tiered-sg:tiers: [\n")
    code, out, err = run_cli(project, capsys)
    path = project.resolve() / f"Pulumi.{STACK}.yaml"
    assert (code, out) == (2, "")
    assert err.startswith(f"error: the stack file Pulumi.{STACK}.yaml '{path}': not valid YAML (")
    assert err.endswith("); fix the syntax\n") and "Traceback" not in err


def test_unknown_stack_exits_2_listing_the_known_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path, {})
    code, out, err = cli.main(["prdo", "--project-dir", str(project)]), *capsys.readouterr()
    assert (code, out) == (2, "")
    where = project.resolve()
    assert err == f"error: stack 'prdo': no file Pulumi.prdo.yaml in {where}; known stacks: bad\n"


# -- the real command in a real process --------------------------------------------------------


@pytest.mark.parametrize(
    "case", ["host-bits-set-suggests-network", "over-quota-inbound-ipv4"], ids=str
)
def test_python_m_preflight_in_a_subprocess(tmp_path: Path, case: str) -> None:
    config, message = next((c, m) for i, c, m in CATALOGUE if i == case)
    project = write_project(tmp_path / "project", config)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PREFLIGHT_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "preflight", STACK, "--project-dir", str(project)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {message}\n")
