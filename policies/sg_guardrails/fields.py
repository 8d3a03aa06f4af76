"""Parsers for single rule fields. Each returns a value or an ``UnknownField``; none raises."""

from __future__ import annotations

import math
from typing import Any, Final

from .model import (
    ALL,
    ICMP,
    ICMPV6,
    MAX_PORT,
    MIN_PORT,
    TCP,
    UDP,
    Aspect,
    Cidr,
    Network,
    UnknownField,
    network,
)
from .values import UnknownValue

UNKNOWN_REASON: Final = "is unknown in preview"

_PROTOCOL_NAMES: Final = {TCP: TCP, UDP: UDP, ICMP: ICMP, ICMPV6: ICMPV6, ALL: ALL}
# IANA numbers AWS accepts in place of the names; -1 is AWS's "every protocol".
_PROTOCOL_NUMBERS: Final = {-1: ALL, 6: TCP, 17: UDP, 1: ICMP, 58: ICMPV6}
_MAX_PROTOCOL_NUMBER: Final = 255


def unknown(field: str, aspect: Aspect) -> UnknownField:
    return UnknownField(field, aspect, "unknown", UNKNOWN_REASON)


def malformed(field: str, aspect: Aspect, problem: str) -> UnknownField:
    return UnknownField(field, aspect, "malformed", problem)


def as_integer(value: Any) -> int | None:
    """An int from ``22``, ``22.0``, ``"22"``, ``" 22.0 "``; None for anything else (bools too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return None
            return as_integer(number)
    return None


def parse_protocol(value: Any, field: str) -> str | UnknownField:
    """Canonical protocol: tcp/udp/icmp/icmpv6/all or another IANA number as a string."""
    if isinstance(value, UnknownValue):
        return unknown(field, "protocol")
    if value is None:
        return malformed(field, "protocol", "is missing")
    if isinstance(value, str) and value.strip().lower() in _PROTOCOL_NAMES:
        return _PROTOCOL_NAMES[value.strip().lower()]
    number = as_integer(value)
    if number is None:
        return malformed(field, "protocol", f"{value!r} is not a protocol name or number")
    if number in _PROTOCOL_NUMBERS:
        return _PROTOCOL_NUMBERS[number]
    if 0 <= number <= _MAX_PROTOCOL_NUMBER:
        return str(number)
    return malformed(field, "protocol", f"{value!r} is not a protocol number (0..255 or -1)")


def parse_port(value: Any, field: str) -> int | UnknownField:
    if isinstance(value, UnknownValue):
        return unknown(field, "ports")
    if value is None:
        return malformed(field, "ports", "is missing")
    number = as_integer(value)
    if number is None:
        return malformed(field, "ports", f"{value!r} is not an integer")
    if not MIN_PORT <= number <= MAX_PORT:
        return malformed(field, "ports", f"{number} is outside {MIN_PORT}..{MAX_PORT}")
    return number


def parse_cidr(value: Any, field: str) -> tuple[str, Network] | UnknownField:
    """The CIDR as written (trimmed) and its network; host bits are allowed (AWS masks them)."""
    if isinstance(value, UnknownValue):
        return unknown(field, "sources")
    if not isinstance(value, str):
        return malformed(field, "sources", f"{value!r} is not a CIDR string")
    text = value.strip()
    parsed = network(text)
    if parsed is None:
        return malformed(field, "sources", f"{value!r} is not a valid CIDR")
    return text, parsed


def is_world(network: Network | Cidr) -> bool:
    """Prefix length 0 means every address of the family: 0.0.0.0/0, ::/0, 0::/0, 1.2.3.4/0…"""
    return network.prefixlen == 0


def parse_text(value: Any, field: str, aspect: Aspect) -> str | UnknownField | None:
    """A free-text field: None when absent, an ``UnknownField`` when unknown or not text."""
    if value is None:
        return None
    if isinstance(value, UnknownValue):
        return unknown(field, aspect)
    if isinstance(value, str):
        return value
    return malformed(field, aspect, f"{value!r} is not a string")


def items(value: Any) -> list[Any]:
    """Elements of a list field, leniently: a lone scalar counts as a one-element list.

    Lenient on purpose: a world CIDR written as a bare string must still be judged.
    """
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]
