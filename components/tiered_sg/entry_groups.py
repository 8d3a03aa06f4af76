"""Security groups made elsewhere (an ALB's, another stack's) that the entry tier accepts.

Each is ``name -> group id``. The name labels tier 0's rules
(``<chain>-<tier0>-in-tcp-443-from-<name>``), so it follows the label rules and may not be a
tier's name or ``admin``: a plan's group peers are named by label, and those names already stand
for the chain's own groups. Only tier 0 gets rules: nothing is ever written on these groups.
"""

from collections.abc import Collection

from tiered_sg.errors import TieredSgError
from tiered_sg.inputs import ArgPath, as_mapping, check_group_id
from tiered_sg.peers import Peer, check_label

_EXAMPLE = "write {'alb': 'sg-0123456789abcdef0'}"


def parse_entry_groups(value: object, at: ArgPath, taken: Collection[str]) -> tuple[Peer, ...]:
    """Group peers, one per entry; ``taken`` are the names of the chain's own groups."""
    groups = as_mapping(value, at, "a mapping of names to security group ids", _EXAMPLE)
    peers: list[Peer] = []
    for name, group_id in groups.items():
        try:
            check_label(name, "entry security group name")
        except TieredSgError as err:
            raise TieredSgError(f"{at} key", name, err.problem, err.hint) from None
        if name in taken:
            raise TieredSgError(
                f"{at} key",
                name,
                "is the name of one of the chain's own groups, which rules name their peers by",
                f"rename the entry group, e.g. {name + '-ext'!r}",
            )
        peers.append(Peer.group(check_group_id(group_id, at.key(name)), label=name))
    return tuple(peers)
