"""Security groups made elsewhere (an ALB's, another stack's) that the entry tier accepts.

Each is ``name -> group id``. The name labels tier 0's rules
(``<chain>-<tier0>-in-tcp-443-from-<name>``), so it follows the label rules and may not be a
tier's name or ``admin``: a plan's group peers are named by label, and those names already stand
for the chain's own groups. Only tier 0 gets rules: nothing is ever written on these groups.
"""

from collections.abc import Collection, Iterable

from tiered_sg.errors import TieredSgError
from tiered_sg.inputs import ArgPath, as_mapping, check_group_id
from tiered_sg.peers import Peer, PeerKind, check_label

_EXAMPLE = "write {'alb': 'sg-0123456789abcdef0'}"


def parse_entry_groups(value: object, at: ArgPath) -> tuple[Peer, ...]:
    """Group peers, one per entry, labelled by their names (see :func:`check_entry_groups`)."""
    groups = as_mapping(value, at, "a mapping of names to security group ids", _EXAMPLE)
    peers: list[Peer] = []
    for name, group_id in groups.items():
        try:
            check_label(name, "entry security group name")
        except TieredSgError as err:
            raise TieredSgError(f"{at} key", name, err.problem, err.hint) from None
        peers.append(Peer.group(check_group_id(group_id, at.key(name)), label=name))
    return tuple(peers)


def check_entry_groups(peers: Iterable[Peer], at: ArgPath, taken: Collection[str]) -> None:
    """Groups made elsewhere, named apart from ``taken``, the names of the chain's own groups."""
    for peer in peers:
        if peer.kind is not PeerKind.GROUP or peer.group_id is None:
            raise TieredSgError(
                f"{at} key",
                peer.value,
                "is not a group made elsewhere",
                "use Peer.group(id, label)",
            )
        if peer.value in taken:
            raise TieredSgError(
                f"{at} key",
                peer.value,
                "is the name of one of the chain's own groups, which rules name their peers by",
                f"rename the entry group, e.g. {peer.value + '-ext'!r}",
            )
