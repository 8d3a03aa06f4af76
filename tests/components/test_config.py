"""Stack config -> chain inputs: defaults, decoding, and every error naming key, value and fix."""

import json
from pathlib import Path

import pulumi
import pytest
import yaml

from tiered_sg import (
    ChainSpec,
    GroupOptions,
    Peer,
    PeerKind,
    Port,
    TieredSgError,
    parse_config,
    read_config,
)
from tiered_sg.stack_config import CONFIG_KEYS

ROOT = Path(__file__).resolve().parents[2]


def test_no_config_means_the_documented_defaults():
    config = parse_config({"aws:region": "us-east-1"})
    spec = config.spec
    assert config.vpc_id is None
    assert [(t.name, t.ports) for t in spec.tiers] == [
        ("web", (Port.tcp(80), Port.tcp(443))),
        ("app", (Port.tcp(8080),)),
        ("db", (Port.tcp(5432),)),
    ]
    assert all(t.egress == () for t in spec.tiers)
    assert spec.public_peers == (Peer.any_ipv4(),)
    assert spec.admin_peers == ()
    assert spec.admin_ports == (Port.tcp(22),)
    assert spec.tags == {}
    assert spec.entry_groups == ()
    assert spec.options == GroupOptions(exclusive_rules=True, delete_timeout="45m")
    assert spec.close_default_group is False
    assert spec.admin_min_prefix == {PeerKind.IPV4: 8, PeerKind.IPV6: 32}


def test_project_file_declares_every_key_with_the_programs_defaults():
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    declared = project["config"]
    assert set(declared) == set(CONFIG_KEYS)
    for key, declaration in declared.items():
        assert declaration["description"], key
        assert "default" in declaration, f"{key} has no default: every stack would have to set it"
    # As the CLI passes them: strings as they are, everything else as JSON.
    defaults = {
        f"tiered-sg:{k}": d["default"]
        if isinstance(d["default"], str)
        else json.dumps(d["default"])
        for k, d in declared.items()
    }
    assert parse_config(defaults) == parse_config({})
    typed = {k: d["type"] for k, d in declared.items() if "type" in d}
    assert typed == {
        "vpcId": "string",
        "publicIpv4Cidrs": "array",
        "publicIpv6Cidrs": "array",
        "adminPorts": "array",
        "adminMinPrefixIpv4": "integer",
        "adminMinPrefixIpv6": "integer",
        "exclusiveRules": "boolean",
        "closeDefaultGroup": "boolean",
        "deleteTimeout": "string",
        "retainOnDelete": "boolean",
    }


def test_structured_values_may_arrive_encoded_or_decoded():
    encoded = parse_config(
        {
            "tiered-sg:vpcId": "vpc-0123456789abcdef0",
            "tiered-sg:tiers": '[{"name": "web", "ports": ["https"]}]',
            "tiered-sg:adminCidrs": '{"office": "203.0.113.10/32"}',
            "tiered-sg:adminPorts": '["ssh", "rdp"]',
            "tiered-sg:publicIpv6Cidrs": '["::/0"]',
            "tiered-sg:tags": '{"team": "platform"}',
        }
    )
    decoded = parse_config(
        {
            "tiered-sg:vpcId": "vpc-0123456789abcdef0",
            "tiered-sg:tiers": [{"name": "web", "ports": ["https"]}],
            "tiered-sg:adminCidrs": {"office": "203.0.113.10/32"},
            "tiered-sg:adminPorts": ["ssh", "rdp"],
            "tiered-sg:publicIpv6Cidrs": ["::/0"],
            "tiered-sg:tags": {"team": "platform"},
        }
    )
    assert encoded == decoded
    assert encoded.vpc_id == "vpc-0123456789abcdef0"
    assert encoded.spec.admin_peers[0].description == "office (203.0.113.10/32)"
    assert encoded.spec.public_peers == (Peer.any_ipv4(), Peer.any_ipv6())


def test_config_and_component_args_give_the_same_spec():
    tiers = [
        {"name": "web", "ports": ["https"]},
        {
            "name": "app",
            "ports": ["tcp:8080"],
            "egress": [{"ports": ["https"], "cidrs": ["0.0.0.0/0"], "description": "Updates"}],
        },
    ]
    config = parse_config(
        {
            "tiered-sg:vpcId": "vpc-0123456789abcdef0",
            "tiered-sg:tiers": tiers,
            "tiered-sg:adminCidrs": {"office": "203.0.113.10/32"},
            "tiered-sg:publicIpv6Cidrs": ["::/0"],
            "tiered-sg:tags": {"team": "platform"},
        }
    )
    args = {
        "tiers": tiers,
        "admin_cidrs": {"office": "203.0.113.10/32"},
        "public_ipv6_cidrs": ["::/0"],
        "tags": {"team": "platform"},
    }
    assert config.vpc_id == "vpc-0123456789abcdef0"
    assert ChainSpec.from_args(args) == config.spec
    assert [(peer.label, peer.value) for peer in config.spec.admin_peers] == [
        ("office", "203.0.113.10/32")
    ]
    assert config.spec.tiers[1].egress[0].description == "Updates"


def test_empty_vpc_id_means_the_default_vpc():
    assert parse_config({"tiered-sg:vpcId": ""}).vpc_id is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"tiered-sg:adminCidr": "{}"},
            "config key 'tiered-sg:adminCidr': is not a setting of tiered-sg; "
            "did you mean 'tiered-sg:adminCidrs'?",
        ),
        (
            {"tiered-sg:admin_ports": '["ssh"]'},
            "config key 'tiered-sg:admin_ports': is not a setting of tiered-sg; "
            "did you mean 'tiered-sg:adminPorts'?",
        ),
        (
            {
                "tiered-sg:tiers": '[{"name": "web", "ports": ["https"]}, '
                '{"name": "app", "ports": ["tcp:99999"]}]'
            },
            "tiered-sg:tiers[1].ports[0] 'tcp:99999': port 99999 is out of range 0-65535; "
            "use a port from 0 to 65535",
        ),
        (
            {"tiered-sg:tiers": '[{"name": "web", "ports": ["htps"]}]'},
            "tiered-sg:tiers[0].ports[0] 'htps': is not a known service or protocol; "
            "did you mean 'https'?",
        ),
        (
            {"tiered-sg:adminPorts": "ssh"},
            "tiered-sg:adminPorts 'ssh': is a single value where a list is expected; write a YAML "
            "list under tiered-sg:adminPorts in Pulumi.<stack>.yaml, or set items with "
            "`pulumi config set --path 'adminPorts[0]' <value>`",
        ),
        (
            {"tiered-sg:publicIpv4Cidrs": "0.0.0.0/0"},
            "tiered-sg:publicIpv4Cidrs '0.0.0.0/0': is a single value where a list is expected; "
            "write a YAML list under tiered-sg:publicIpv4Cidrs in Pulumi.<stack>.yaml, or set "
            "items with `pulumi config set --path 'publicIpv4Cidrs[0]' <value>`",
        ),
        (
            {"tiered-sg:adminCidrs": "203.0.113.10/32"},
            "tiered-sg:adminCidrs '203.0.113.10/32': is a single value where a mapping is "
            "expected; write a YAML mapping under tiered-sg:adminCidrs in Pulumi.<stack>.yaml, or "
            "set entries with `pulumi config set --path 'adminCidrs.<name>' <value>`",
        ),
        (
            {"tiered-sg:adminCidrs": '{"office": "0.0.0.0/0"}'},
            "tiered-sg:adminCidrs.office '0.0.0.0/0': opens admin access to the whole internet; "
            "list the office or VPN ranges admins connect from, e.g. '203.0.113.10/32'",
        ),
        (
            {"tiered-sg:adminCidrs": '{"office": "203.0.113.10/24"}'},
            "tiered-sg:adminCidrs.office '203.0.113.10/24': has host bits set; use the network "
            "'203.0.113.0/24', or '203.0.113.10/32' for that one address",
        ),
        (
            {"tiered-sg:adminCidrs": '{"my office": "203.0.113.10/32"}'},
            "tiered-sg:adminCidrs key 'my office': must start with a letter and hold only letters, "
            "digits, '.', '_' or '-' (at most 63 characters); pick a short name such as 'web' or "
            "'office-vpn'",
        ),
        (
            {"tiered-sg:publicIpv4Cidrs": '["::/0"]'},
            "tiered-sg:publicIpv4Cidrs[0] '::/0': is an IPv6 CIDR where an IPv4 CIDR is expected; "
            "list it with the IPv6 CIDRs instead",
        ),
        (
            {"tiered-sg:publicIpv6Cidrs": '["10.0.0.0/8"]'},
            "tiered-sg:publicIpv6Cidrs[0] '10.0.0.0/8': is an IPv4 CIDR where an IPv6 CIDR is "
            "expected; list it with the IPv4 CIDRs instead",
        ),
        (
            {"tiered-sg:publicIpv4Cidrs": "[]"},
            "tiered-sg:publicIpv4Cidrs []: is empty and so is tiered-sg:publicIpv6Cidrs, so the "
            "entry tier 'web' would accept no traffic; list the addresses allowed in, e.g. "
            "['0.0.0.0/0'] or ['10.0.0.0/8'], or existing security groups in "
            "tiered-sg:entrySecurityGroups",
        ),
        (
            {"tiered-sg:tiers": "[]"},
            "tiered-sg:tiers []: a chain needs at least one tier; "
            "write a list such as [{'name': 'web', 'ports': ['https']}]",
        ),
        (
            {"tiered-sg:tiers": '[{"name": "web"}]'},
            "tiered-sg:tiers[0].ports None: is null where a list of ports is expected; "
            "write a list such as ['https', 'tcp:8080']",
        ),
        (
            {
                "tiered-sg:tiers": '[{"name": "web", "ports": ["https"]}, '
                '{"name": "web", "ports": ["ssh"]}]'
            },
            "tiered-sg:tiers[1].name 'web': is already the name of tier 0; "
            "give each tier its own name",
        ),
        (
            {"tiered-sg:tiers": '[{"name": "web", "port": ["https"]}]'},
            "tiered-sg:tiers[0] key 'port': is not a known setting; did you mean 'ports'?",
        ),
        (
            {"tiered-sg:tiers": '[{"name": 7, "ports": ["https"]}]'},
            "tiered-sg:tiers[0].name 7: is a number where a tier name is expected; "
            "write a name such as 'web'",
        ),
        (
            {
                "tiered-sg:tiers": '[{"name": "web", "ports": ["https"], "egress": '
                '[{"ports": ["https"], "cidrs": ["0.0.0.0/0"], "description": "updates <3"}]}]'
            },
            "tiered-sg:tiers[0].egress[0].description 'updates <3': contains characters AWS "
            "refuses: '<'; use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        ),
        (
            {"tiered-sg:adminPorts": '["all"]'},
            "tiered-sg:adminPorts[0] 'all': would let the admin group reach every port of every "
            "tier; name the admin ports, e.g. ['ssh'] or ['rdp']",
        ),
        (
            {"tiered-sg:tags": '{"tiered-sg:tier": "x"}'},
            "tiered-sg:tags key 'tiered-sg:tier': keys starting with 'tiered-sg:' are reserved; "
            "rename the tag",
        ),
        (
            {"tiered-sg:tags": '{"team:name": 3}'},
            'tiered-sg:tags["team:name"] 3: is a number where a tag value (a string) is '
            "expected; quote the value",
        ),
        (
            {"tiered-sg:vpcId": "vpc-123"},
            "tiered-sg:vpcId 'vpc-123': is not a VPC id; "
            "use the id AWS shows, like 'vpc-0123456789abcdef0'",
        ),
    ],
)
def test_config_errors_name_the_key_the_value_and_the_fix(values, message):
    with pytest.raises(TieredSgError) as caught:
        parse_config(values)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("tiered_sg:publicIpv4Cidrs", "tiered-sg:publicIpv4Cidrs"),
        ("tieredsg:adminCidrs", "tiered-sg:adminCidrs"),
        ("tired-sg:tiers", "tiered-sg:tiers"),
        ("Tiered-SG:tags", "tiered-sg:tags"),
        ("tiered:vpcId", "tiered-sg:vpcId"),
        ("tiered_sg:adminCidr", "tiered-sg:adminCidrs"),
    ],
)
def test_a_misspelled_namespace_is_refused_not_ignored(key, suggestion):
    space = key.partition(":")[0]
    with pytest.raises(TieredSgError) as caught:
        parse_config({key: "[]", "aws:region": "us-east-1"})
    assert str(caught.value) == (
        f"config key {key!r}: is in the namespace {space!r}, not 'tiered-sg', so the program "
        f"would ignore it; did you mean {suggestion!r}?"
    )


def test_other_packages_namespaces_pass():
    config = parse_config(
        {
            "aws:region": "us-east-1",
            "aws-native:region": "us-east-1",
            "awsx:x": "1",
            "pulumi:template": "python",
            "tiered-app:name": "another project's key",
            "random:x": "1",
        }
    )
    assert config.vpc_id is None


def test_read_config_merges_the_engine_environment_and_the_runtime_config(monkeypatch):
    monkeypatch.setenv(
        "PULUMI_CONFIG",
        json.dumps(
            {
                "tiered-sg:adminCidrs": '{"office": "203.0.113.10/32"}',
                "tiered-sg:vpcId": "vpc-00000000",
            }
        ),
    )
    pulumi.runtime.set_all_config({"tiered-sg:vpcId": "vpc-0123456789abcdef0"}, [])
    try:
        config = read_config()
    finally:
        pulumi.runtime.set_all_config({}, [])
    assert config.vpc_id == "vpc-0123456789abcdef0"
    assert [p.label for p in config.spec.admin_peers] == ["office"]


def test_read_config_reports_misspelled_keys_from_the_runtime(monkeypatch):
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    pulumi.runtime.set_all_config({"tiered-sg:tier": "[]", "aws:region": "us-east-1"}, [])
    try:
        with pytest.raises(TieredSgError) as caught:
            read_config()
    finally:
        pulumi.runtime.set_all_config({}, [])
    assert str(caught.value) == (
        "config key 'tiered-sg:tier': is not a setting of tiered-sg; "
        "did you mean 'tiered-sg:tiers'?"
    )


def test_new_scalar_and_mapping_keys_arrive_as_the_cli_passes_them():
    config = parse_config(
        {
            "tiered-sg:exclusiveRules": "false",
            "tiered-sg:closeDefaultGroup": "true",
            "tiered-sg:deleteTimeout": "1h30m",
            "tiered-sg:adminMinPrefixIpv4": "16",
            "tiered-sg:adminMinPrefixIpv6": "48",
            "tiered-sg:entrySecurityGroups": '{"alb": "sg-0123456789abcdef0"}',
        }
    )
    spec = config.spec
    assert (spec.options, spec.close_default_group) == (GroupOptions(False, "1h30m"), True)
    assert spec.admin_min_prefix == {PeerKind.IPV4: 16, PeerKind.IPV6: 48}
    assert spec.entry_groups == (Peer.group("sg-0123456789abcdef0", label="alb"),)
    assert (
        ChainSpec.from_args(
            {
                "exclusive_rules": False,
                "close_default_group": True,
                "delete_timeout": "1h30m",
                "admin_min_prefix_ipv4": 16,
                "admin_min_prefix_ipv6": 48,
                "entry_security_groups": {"alb": "sg-0123456789abcdef0"},
            }
        )
        == spec
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"tiered-sg:exclusiveRules": "yes"},
            "tiered-sg:exclusiveRules 'yes': is a string where a boolean is expected; "
            "write true or false",
        ),
        (
            {"tiered-sg:adminMinPrefixIpv4": "8.5"},
            "tiered-sg:adminMinPrefixIpv4 '8.5': is a string where a whole number is expected; "
            "write 1 to 32",
        ),
        (
            {"tiered-sg:entrySecurityGroups": "sg-0123456789abcdef0"},
            "tiered-sg:entrySecurityGroups 'sg-0123456789abcdef0': is a single value where a "
            "mapping is expected; write a YAML mapping under tiered-sg:entrySecurityGroups in "
            "Pulumi.<stack>.yaml, or set entries with "
            "`pulumi config set --path 'entrySecurityGroups.<name>' <value>`",
        ),
    ],
)
def test_new_keys_are_refused_with_their_key(values, message):
    with pytest.raises(TieredSgError) as caught:
        parse_config(values)
    assert str(caught.value) == message
