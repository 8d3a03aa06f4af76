"""Adoption: existing security groups and rules brought under the chain by Pulumi's ``import``.

``adopt`` maps a child's logical name (``tiered-web``, ``tiered-web-in-tcp-80-from-0.0.0.0-0``,
see :mod:`tiered_sg.naming`) to the id of the AWS object it becomes (``sg-...`` / ``sgr-...``);
``python -m tiered_sg.adopt`` writes it. Each listed child is registered with ``import_`` so the
first ``pulumi up`` reads the object instead of creating one. What AWS holds and the model
cannot express identically (a group's name and description, which replace on change, the
hand-written rule descriptions, the tags) stays AWS's: those properties are ``ignoreChanges``
on adopted children, for as long as ``adopt`` lists them, so no up ever renames or replaces
them. Ports and peers are not ignored: a config change to them reaches the adopted group.
"""

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Optional

import pulumi

from tiered_sg.aws_ids import GROUP_ID, RULE_ID
from tiered_sg.errors import did_you_mean
from tiered_sg.inputs import ArgPath, as_mapping, as_str

GROUP_KEPT = ("name", "description", "tags")
"""Group properties kept as AWS has them: a name or description change would replace it."""
RULE_KEPT = ("description", "tags")
"""Rule properties kept as AWS has them (hand-written descriptions, no chain tags)."""

_EXAMPLE = "write {'tiered-web': 'sg-0123456789abcdef0'}, as python -m tiered_sg.adopt does"


def parse_adopt(value: object, at: ArgPath) -> Mapping[str, str]:
    """Child name -> ``sg-``/``sgr-`` id; the names are checked against the plan later
    (:func:`check_adopt`), once the chain's children are known."""
    raw = as_mapping(value, at, "a mapping of child names to ids", _EXAMPLE)
    ids: dict[str, str] = {}
    for name, resource_id in raw.items():
        where = at.key(name)
        text = as_str(resource_id, where, "an sg- or sgr- id", _EXAMPLE)
        if not (GROUP_ID.fullmatch(text) or RULE_ID.fullmatch(text)):
            raise where.error(
                text,
                "is not a security group (sg-...) or rule (sgr-...) id",
                "copy the id from python -m tiered_sg.adopt or the EC2 console",
            )
        ids[name] = text
    return MappingProxyType(ids)


def check_adopt(
    adopt: Mapping[str, str], groups: Iterable[str], rules: Iterable[str], at: ArgPath
) -> list[str]:
    """Refuse a group's name with a rule's id or the reverse; return a warning for each name
    the plan has no child of. Those are stale after a config change (the port is in a rule's
    name) or a typo: either way nothing is imported under them, which the warning says."""
    group_names, rule_names = set(groups), set(rules)
    warnings: list[str] = []
    for name, resource_id in adopt.items():
        where = at.key(name)
        if name in group_names:
            if not GROUP_ID.fullmatch(resource_id):
                raise where.error(resource_id, "is a group of the chain", "give its sg- id")
        elif name in rule_names:
            if not RULE_ID.fullmatch(resource_id):
                raise where.error(resource_id, "is a rule of the chain", "give its sgr- id")
        else:
            hint = did_you_mean(name, group_names | rule_names, "")
            warnings.append(
                f"{where} {name!r}: is no child of this plan, so {resource_id} is not imported "
                f"under it; remove the entry once adopted{f' ({hint})' if hint else ''}"
            )
    return warnings


def adopted(resource_id: Optional[str], kept: tuple[str, ...]) -> pulumi.ResourceOptions:
    """Options of a child: ``import_`` and ``ignore_changes`` when it is adopted, else none."""
    if resource_id is None:
        return pulumi.ResourceOptions()
    return pulumi.ResourceOptions(import_=resource_id, ignore_changes=list(kept))
