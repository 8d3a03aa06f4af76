"""Rules the chain model cannot hold at all, whatever the chain's shape: screened out first.

A kept rule names a port the chain can write and a CIDR or a non-default group of this VPC as
its peer, so the later steps never meet a rule without a port or with a peer they cannot name.
"""

from collections.abc import Iterable
from typing import Optional

from tiered_sg.adopt.inventory import AwsGroup, AwsRule
from tiered_sg.adopt.refusals import Refusals
from tiered_sg.ports import Port


def usable_rules(
    rules: Iterable[AwsRule], groups: dict[str, AwsGroup], refusals: Refusals
) -> list[AwsRule]:
    """The rules of ``groups`` the chain can hold; each other one is refused, except the
    default group's AWS-made rules, which stay as they are without a word."""
    kept: list[AwsRule] = []
    for rule in rules:
        owner = groups.get(rule.group_id)
        if owner is None:  # not a group of this VPC: nothing the mapping may judge
            continue
        if owner.is_default:
            if not _aws_default_rule(rule):
                refusals.rule(
                    rule,
                    "is on the VPC's default group, which the chain does not manage",
                    "move it to a tier group, or revoke it (closeDefaultGroup does that)",
                )
            continue
        refusal = _unholdable(rule, groups)
        if refusal is None:
            kept.append(rule)
        else:
            refusals.rule(rule, *refusal)
    return kept


def known_port(rule: AwsRule) -> Port:
    """The port of a screened rule: :func:`usable_rules` keeps no rule without one."""
    assert rule.port is not None
    return rule.port


def _unholdable(rule: AwsRule, groups: dict[str, AwsGroup]) -> Optional[tuple[str, str]]:
    """Why the chain cannot hold ``rule`` and what to do (reason, fix); None when it can."""
    if rule.port is None:
        return (
            "uses a protocol the chain's ports cannot name",
            "revoke it, or manage it outside the chain",
        )
    if rule.peer_kind == "prefix-list":
        return "names a prefix list, which chain tiers do not take", "replace it with the CIDRs"
    if rule.peer_kind != "group":
        return None
    if rule.peer not in groups:
        return "references a group outside this VPC", "reference a group of this VPC instead"
    if groups[rule.peer].is_default:
        return "references the VPC's default group", "reference a tier's group instead"
    if rule.peer == rule.group_id:
        return "references its own group: a cycle the chain cannot hold", "revoke it"
    return None


def _aws_default_rule(rule: AwsRule) -> bool:
    """The default group's own rules: ingress from itself, egress to the world, all traffic."""
    if rule.port is None or not rule.port.is_all_traffic:
        return False
    if rule.egress:
        return rule.peer in ("0.0.0.0/0", "::/0")
    return rule.peer == rule.group_id
