"""Reading raw inputs (component args, decoded stack config) into value objects.

Every check knows where its value came from (:class:`ArgPath`), so the same validation serves
component args (``tiers[1].ports[0]``) and stack config (``tiered-sg:tiers[1].ports[0]``, with
camelCase keys) and each error names the place the user edits.
"""

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Optional

import pulumi

from tiered_sg.aws_ids import VPC_ID
from tiered_sg.durations import check_delete_timeout
from tiered_sg.errors import TieredSgError, did_you_mean
from tiered_sg.peers import Family, Peer
from tiered_sg.peers import check_group_id as check_group_id_form
from tiered_sg.ports import Port
from tiered_sg.rules import check_description

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*", re.ASCII)


def camel(name: str) -> str:
    """``public_ipv4_cidrs`` -> ``publicIpv4Cidrs`` (config and schema spelling)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True)
class ArgPath:
    """A path such as ``tiers[1].ports[0]``; with ``camel`` (config) field names are camelCase
    and the path is prefixed, e.g. ``tiered-sg:adminCidrs.office``."""

    prefix: str = ""
    camel: bool = False
    text: str = ""

    def field(self, name: str) -> "ArgPath":
        shown = self.shown(name)
        return replace(self, text=f"{self.text}.{shown}" if self.text else shown)

    def index(self, position: int) -> "ArgPath":
        return replace(self, text=f"{self.text}[{position}]")

    def key(self, key: str) -> "ArgPath":
        if self.camel:
            shown = f".{key}" if _PLAIN_KEY.fullmatch(key) else f"[{json.dumps(key)}]"
        else:
            shown = f"[{key!r}]"
        return replace(self, text=f"{self.text}{shown}")

    def shown(self, name: str) -> str:
        """A field name as this path's style spells it."""
        return camel(name) if self.camel else name

    def __str__(self) -> str:
        return f"{self.prefix}{self.text}"

    def error(self, value: object, problem: str, hint: str) -> TieredSgError:
        """An error about ``value`` found at this path."""
        return TieredSgError(str(self), value, problem, hint)

    def anchor(self, err: TieredSgError) -> TieredSgError:
        """``err`` (from a value object) re-anchored on this path."""
        return err.at(str(self))


def as_list(value: object, at: ArgPath, items: str, example: str) -> list[object]:
    """``value`` as a list of ``items``; a string is refused (iterating it gives characters)."""
    if isinstance(value, list | tuple):
        return list(value)
    raise at.error(value, f"is {_kind(value)} where a list of {items} is expected", example)


def as_str(value: object, at: ArgPath, what: str, example: str) -> str:
    """``value`` as a string."""
    if isinstance(value, str):
        return value
    raise at.error(value, f"is {_kind(value)} where {what} is expected", example)


def as_mapping(value: object, at: ArgPath, what: str, example: str) -> Mapping[str, object]:
    """``value`` as a mapping with string keys."""
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return value
    raise at.error(value, f"is {_kind(value)} where {what} is expected", example)


def check_keys(mapping: Mapping[str, object], allowed: Collection[str], at: ArgPath) -> None:
    """Refuse keys outside ``allowed`` (Python spelling), suggesting the closest one."""
    known = {at.shown(name): name for name in allowed}
    for key in mapping:
        if key not in known:
            raise TieredSgError(
                f"{at} key" if at.text else "key",
                key,
                "is not a known setting",
                did_you_mean(key, known),
            )


def _kind(value: object) -> str:
    """How config/JSON users would name the type they wrote."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return f"a {type(value).__name__}"


# -- value lists ------------------------------------------------------------------------------

PORTS_EXAMPLE = "write a list such as ['https', 'tcp:8080']"
CIDRS_EXAMPLE = "write a list such as ['10.0.0.0/16']"
MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256


def parse_ports(value: object, at: ArgPath) -> tuple[Port, ...]:
    """A non-empty list of port strings, each parsed with :meth:`Port.parse`."""
    items = as_list(value, at, "ports", PORTS_EXAMPLE)
    if not items:
        raise at.error(items, "lists no port", PORTS_EXAMPLE)
    ports: list[Port] = []
    for position, item in enumerate(items):
        where = at.index(position)
        text = as_str(item, where, "a port string", "write a string such as 'https' or 'tcp:8080'")
        try:
            ports.append(Port.parse(text))
        except TieredSgError as err:
            raise where.anchor(err) from None
    return tuple(ports)


def parse_cidrs(value: object, at: ArgPath, family: Optional[Family] = None) -> tuple[Peer, ...]:
    """A list of CIDRs of ``family`` (either when None), strictly parsed."""
    items = as_list(value, at, "CIDRs", CIDRS_EXAMPLE)
    parse = {Family.IPV4: Peer.ipv4, Family.IPV6: Peer.ipv6, None: Peer.cidr}[family]
    peers: list[Peer] = []
    for position, item in enumerate(items):
        where = at.index(position)
        text = as_str(item, where, "a CIDR string", "write a string such as '10.0.0.0/16'")
        try:
            peers.append(parse(text))
        except TieredSgError as err:
            raise where.anchor(err) from None
    return tuple(peers)


def parse_tags(
    value: object, at: ArgPath, reserved: tuple[str, ...] = ("aws:",), limit: int = MAX_TAGS
) -> dict[str, str]:
    """Tag names to values within AWS's limits (at most ``limit`` tags); keys starting with a
    ``reserved`` prefix are refused."""
    tags = as_mapping(value, at, "a mapping of tag names to values", "write {'team': 'platform'}")
    result: dict[str, str] = {}
    for key, raw in tags.items():
        _check_tag_key(key, at, reserved)
        where = at.key(key)
        text = as_str(raw, where, "a tag value (a string)", "quote the value")
        if len(text) > MAX_TAG_VALUE:
            raise where.error(
                text, f"is {len(text)} characters long, AWS allows {MAX_TAG_VALUE}", "shorten it"
            )
        result[key] = text
    if len(result) > limit:
        raise at.error(len(result), f"is more than the {limit} tags allowed here", "drop some tags")
    return result


def _check_tag_key(key: str, at: ArgPath, reserved: tuple[str, ...]) -> None:
    """A tag key's own problems are reported about the key (``tags key '...'``), not its value."""
    what = f"{at} key"
    if not key:
        raise TieredSgError(what, key, "is empty", "name the tag, e.g. 'team'")
    if len(key) > MAX_TAG_KEY:
        raise TieredSgError(
            what, key, f"is {len(key)} characters long, AWS allows {MAX_TAG_KEY}", "shorten it"
        )
    for prefix in reserved:
        if key.lower().startswith(prefix):
            raise TieredSgError(
                what, key, f"keys starting with {prefix!r} are reserved", "rename the tag"
            )


def parse_description(value: object, at: ArgPath) -> str:
    """A description AWS accepts (see :func:`check_description`)."""
    text = as_str(value, at, "a description", "write a short sentence")
    try:
        return check_description(text, "description")
    except TieredSgError as err:
        raise at.anchor(err) from None


def check_vpc_id(value: object, at: ArgPath) -> None:
    """A VPC id must be given; a plain string must look like one (an Output is checked by AWS)."""
    if value is None:
        raise at.error(
            value, "is required", "pass the VPC id, e.g. aws.ec2.get_vpc(default=True).id"
        )
    if isinstance(value, str) and not VPC_ID.fullmatch(value):
        raise at.error(
            value, "is not a VPC id", "use the id AWS shows, like 'vpc-0123456789abcdef0'"
        )


def check_group_id(value: object, at: ArgPath) -> "pulumi.Input[str]":
    """An existing group's id, as :func:`tiered_sg.peers.check_group_id` checks it."""
    if not isinstance(value, str | pulumi.Output):
        raise at.error(
            value,
            f"is {_kind(value)} where a security group id is expected",
            "use the id AWS shows, like 'sg-0123456789abcdef0'",
        )
    try:
        return check_group_id_form(value)
    except TieredSgError as err:
        raise at.anchor(err) from None


def parse_bool(value: object, at: ArgPath) -> bool:
    """A boolean (config strings ``true``/``false`` arrive decoded)."""
    if isinstance(value, bool):
        return value
    raise at.error(value, f"is {_kind(value)} where a boolean is expected", "write true or false")


def parse_int(value: object, at: ArgPath, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise at.error(
            value, f"is {_kind(value)} where a whole number is expected", f"write {low} to {high}"
        )
    if not low <= value <= high:
        raise at.error(value, f"is out of range {low}-{high}", f"write {low} to {high}")
    return value


def parse_delete_timeout(value: object, at: ArgPath) -> str:
    """A delete timeout such as ``45m`` (see :mod:`tiered_sg.durations`)."""
    try:
        return check_delete_timeout(value)
    except TieredSgError as err:
        raise at.anchor(err) from None
