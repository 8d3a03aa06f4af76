"""The ids AWS holds, keyed by the child names the program registers for the mapped config.

The names come from the program's own plan (``plan_chain`` over the parsed config), never from a
copy of the naming rules, so an adopted id always sits under the very name the program
registers. Planned rules AWS lacks are what the first ``pulumi up`` adds; AWS rules the plan
lacks are refused, never dropped silently.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from tiered_sg.adopt.chain_shape import ChainShape
from tiered_sg.adopt.inventory import AwsRule, canonical_cidr
from tiered_sg.adopt.refusals import Refusals, UnmappableError
from tiered_sg.adopt.screening import known_port
from tiered_sg.adopt.stack_file import namespaced
from tiered_sg.chain import plan_chain
from tiered_sg.chain_spec import ADMIN
from tiered_sg.errors import TieredSgError
from tiered_sg.group_spec import GroupSpec
from tiered_sg.naming import rule_name
from tiered_sg.peers import PeerKind
from tiered_sg.ports import Port
from tiered_sg.rules import Direction, Rule
from tiered_sg.stack_config import parse_config

RuleKey = tuple[str, bool, Port, str]
"""A rule as AWS and the plan both can say it: group id, egress, port, peer (id or CIDR)."""


@dataclass(frozen=True)
class MatchedIds:
    """``adopted``: child name -> ``sg-``/``sgr-`` id; ``additions``: children AWS lacks."""

    adopted: dict[str, str]
    additions: list[str]


def match_ids(
    config: dict[str, object],
    chain: str,
    shape: ChainShape,
    names: Sequence[str],
    rules: Sequence[AwsRule],
    refusals: Refusals,
) -> MatchedIds:
    """Each planned child's id in AWS; refuses each AWS rule no child stands for."""
    plans = _plan(config, chain)
    group_of = dict(zip(names, shape.tiers, strict=True))
    if shape.admin is not None:
        group_of[ADMIN] = shape.admin
    index = {_aws_key(rule): rule for rule in rules}
    adopted: dict[str, str] = {}
    additions: list[str] = []
    for planned, plan in plans.items():
        adopted[plan.name] = group_of[planned]
        for rule in plan.rules:
            found = index.pop(_planned_key(group_of, planned, rule), None)
            child = rule_name(plan.name, rule)
            if found is None:
                additions.append(child)
            else:
                adopted[child] = found.id
    for left in index.values():
        refusals.rule(left, "has no place in the mapped chain", "revoke it")
    return MatchedIds(adopted, additions)


def _plan(config: dict[str, object], chain: str) -> dict[str, GroupSpec]:
    """The plan the program makes of ``config``, parsed as the program parses it."""
    try:
        spec = parse_config(namespaced(config)).spec
        return plan_chain(chain, spec).validate()
    except TieredSgError as err:
        raise UnmappableError.of(
            "the mapped config", str(err), "adjust the groups or --tiers and map again"
        ) from None


def _aws_key(rule: AwsRule) -> RuleKey:
    peer = canonical_cidr(rule.peer) if rule.peer_kind == "cidr" else rule.peer
    return (rule.group_id, rule.egress, known_port(rule), peer)


def _planned_key(group_of: dict[str, str], planned: str, rule: Rule) -> RuleKey:
    """A planned rule's key: group peers by the id of the group the plan names."""
    peer = group_of[rule.peer.value] if rule.peer.kind is PeerKind.GROUP else rule.peer.value
    return (group_of[planned], rule.direction is Direction.EGRESS, rule.port, peer)
