"""One rule for every AWS id tiered-sg accepts (issue 20, item 7): a prefix and 8 or 17
lowercase hex digits, wherever the id is written."""

from collections.abc import Callable

import pytest

from tiered_sg import Peer, TieredSgError
from tiered_sg.adoption import parse_adopt
from tiered_sg.inputs import ArgPath, check_vpc_id
from tiered_sg.peers import check_group_id

ACCEPTS: dict[str, Callable[[str], object]] = {
    "sg": check_group_id,
    "sgr": lambda rule_id: parse_adopt({"tiered-web-in-tcp-80-from-web": rule_id}, ArgPath()),
    "vpc": lambda vpc_id: check_vpc_id(vpc_id, ArgPath().field("vpc_id")),
    "pl": Peer.prefix_list,
}


@pytest.mark.parametrize("prefix", sorted(ACCEPTS))
@pytest.mark.parametrize("digits", [8, 17])
def test_eight_or_seventeen_hex_digits_are_an_id(prefix, digits):
    ACCEPTS[prefix](f"{prefix}-{'0123456789abcdef0'[:digits]}")
    # An adopted group takes the same ids as a peer.
    parse_adopt({"tiered-web": f"sg-{'0123456789abcdef0'[:digits]}"}, ArgPath())


@pytest.mark.parametrize("prefix", sorted(ACCEPTS))
@pytest.mark.parametrize("hex_digits", ["0123456", "0123456789", "0123456789abcdef01", "0123456A"])
def test_any_other_length_or_case_is_refused(prefix, hex_digits):
    with pytest.raises(TieredSgError):
        ACCEPTS[prefix](f"{prefix}-{hex_digits}")
