"""Work out the chain a VPC's groups form, or say precisely what does not fit it.

The chain model: the entry group accepts public CIDRs on its ports; each next group accepts
only the group before it; an optional admin group accepts named CIDRs on admin ports and every
tier accepts it on those ports; tiers may send to CIDRs (extra egress). The result is stack
config for the program plus ``adopt`` (child name -> id), matched against the program's own
plan, so every adopted id sits under the very name the program registers. Planned rules AWS
lacks (the egress twin of an ingress from a group) are listed as what the first up adds.

The steps, each in its own module: :mod:`.screening` drops what the model cannot hold at all,
:mod:`.chain_shape` finds the admin group and the tiers, :mod:`.labels` names them,
:mod:`.config_builder` writes the config, :mod:`.id_matching` keys the ids by child name.
Every step reports to one :class:`~.refusals.Refusals`, raised between steps, so a run lists all
misfits a step can see rather than the first.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Optional

from tiered_sg.adopt.chain_shape import check_stray_rules, find_shape
from tiered_sg.adopt.config_builder import admin_access, build_config, entry_access
from tiered_sg.adopt.id_matching import match_ids
from tiered_sg.adopt.inventory import Inventory
from tiered_sg.adopt.labels import name_tiers
from tiered_sg.adopt.refusals import Misfit, Refusals, UnmappableError
from tiered_sg.adopt.screening import usable_rules
from tiered_sg.group_options import GroupOptions

__all__ = ["ChainMap", "Misfit", "UnmappableError", "map_chain"]


@dataclass
class ChainMap:
    """The mapping: stack config (``tiered-sg:*`` keys), what the first up adds, notes."""

    config: dict[str, object]
    adopted: dict[str, str]
    additions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def map_chain(
    inventory: Inventory,
    chain: str = "tiered",
    *,
    leave_out: Iterable[str] = (),
    tier_names: Optional[Sequence[str]] = None,
) -> ChainMap:
    """The chain of ``inventory``; rules in ``leave_out`` stay unmanaged (exclusive rules off)."""
    left_out = set(leave_out)
    groups = {g.id: g for g in inventory.groups}
    refusals = Refusals(groups)
    for rule_id in sorted(left_out - {r.id for r in inventory.rules}):
        refusals.add(f"--leave-out {rule_id}", "is no rule of this VPC", "check the id")
    kept = (r for r in inventory.rules if r.id not in left_out)
    rules = usable_rules(kept, groups, refusals)
    shape, notes = find_shape(inventory.groups, rules, refusals)
    refusals.raise_any()
    if not shape.tiers:
        raise UnmappableError.of(
            f"VPC {inventory.vpc_id}",
            "holds no group accepting traffic from CIDRs",
            "map a VPC holding the chain",
        )
    names = name_tiers(shape.tiers, groups, tier_names)
    entry = entry_access(shape.entry, rules, refusals)
    check_stray_rules(shape, rules, refusals)
    admin = admin_access(shape, rules, groups, refusals) if shape.admin is not None else None
    refusals.raise_any()
    options = GroupOptions(exclusive_rules=not left_out)
    config = build_config(inventory.vpc_id, shape, names, entry, admin, rules, options=options)
    matched = match_ids(config, chain, shape, names, rules, refusals)
    refusals.raise_any()
    config["adopt"] = matched.adopted
    notes += [f"rule {r} is left out of management (exclusiveRules off)" for r in sorted(left_out)]
    return ChainMap(config, matched.adopted, matched.additions, notes)
