"""Names the mapping makes up: tier names from group names, admin CIDR names from the rules'
descriptions. A derived name that would not be a valid label (or repeats one) falls back to a
positional name, so mapping never fails over a name alone.
"""

import re
from collections.abc import Mapping, Sequence
from typing import Optional

from tiered_sg.adopt.inventory import AwsGroup
from tiered_sg.adopt.refusals import UnmappableError
from tiered_sg.chain_spec import ADMIN
from tiered_sg.peers import MAX_LABEL, is_label

MAX_DERIVED_TIER_NAME = 20
"""Longest tier name taken from a group name: it recurs in every child name of the tier."""
_GROUP_NAME_NOISE = re.compile(r"(^sg-|^ec2-|-sg$|_sg$|-security-group$)")
"""Affixes hand-made group names carry that say nothing about the tier."""


def name_tiers(
    tiers: Sequence[str], groups: Mapping[str, AwsGroup], given: Optional[Sequence[str]]
) -> list[str]:
    """The names of ``tiers`` (group ids in traffic order): ``given`` (``--tiers``) when it names
    each tier, else each group's name without its noise, else ``tier<position>``."""
    if given is not None:
        if len(given) != len(tiers):
            raise UnmappableError.of(
                "--tiers", ",".join(given), f"name all {len(tiers)} tiers, in traffic order"
            )
        return list(given)
    names: list[str] = []
    for position, group_id in enumerate(tiers):
        slug = re.sub(r"[^a-z0-9_-]+", "-", groups[group_id].name.lower())
        slug = _GROUP_NAME_NOISE.sub("", slug).strip("-_")
        ok = is_label(slug) and len(slug) <= MAX_DERIVED_TIER_NAME and slug not in [*names, ADMIN]
        names.append(slug if ok else f"tier{position}")
    return names


def admin_cidr_names(descriptions: Mapping[str, str]) -> dict[str, str]:
    """Name -> CIDR for the admin CIDRs (``descriptions``: CIDR -> its first rule's
    description): the description as a label, else ``admin<n>``."""
    names: dict[str, str] = {}
    for position, cidr in enumerate(sorted(descriptions)):
        label = re.sub(r"[^a-z0-9_.-]+", "-", descriptions[cidr].lower()).strip("-.")[:MAX_LABEL]
        if not is_label(label) or label in names:
            label = f"admin{position + 1}"
        names[label] = cidr
    return names
