"""Where the stand-in sends its EC2 calls: a loopback emulator endpoint, never AWS.

The endpoint comes from the provider config ``endpoints`` (the ``aws:endpoints`` stack config,
which the engine hands a default provider as its JSON text; an explicit provider sends a list
of maps), else from ``TIERED_SG_STANDIN_ENDPOINT``. Anything but 127.0.0.0/8, ``localhost`` and
``::1`` is refused before a single request is made: the stand-in is for tests on this machine.
"""

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .errors import StandinError

ENDPOINT_ENV = "TIERED_SG_STANDIN_ENDPOINT"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Settings:
    """What Configure decided: the EC2 and STS endpoints (None until one is given) and region."""

    ec2_endpoint: str | None
    sts_endpoint: str | None
    region: str

    def require_ec2(self) -> str:
        if self.ec2_endpoint is None:
            raise StandinError(
                "the aws stand-in has no EC2 endpoint: set aws:endpoints (ec2) or "
                f"{ENDPOINT_ENV} to a loopback emulator such as http://127.0.0.1:5000"
            )
        return self.ec2_endpoint


def require_loopback(url: str, source: str) -> str:
    """``url`` if its host is a loopback address; a clear refusal otherwise."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as err:
        raise StandinError(f"{source}: {url!r} is not a URL ({err})") from None
    if parts.scheme not in {"http", "https"} or not host:
        raise StandinError(f"{source}: {url!r} is not an http(s) URL with a host")
    if host != "localhost":
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise StandinError(
                f"{source}: refusing endpoint {url!r}: the aws stand-in only talks to a loopback "
                "emulator (127.0.0.0/8, localhost or ::1), never to AWS or another host"
            )
    return url


def parse_endpoints(value: Any) -> dict[str, str]:
    """The service -> URL map of the ``endpoints`` config (a JSON string or a list of maps)."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as err:
            raise StandinError(f"aws:endpoints is not valid JSON: {err}") from None
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise StandinError("aws:endpoints must be a list of maps such as [{ec2: http://...}]")
    merged: dict[str, str] = {}
    for item in value:
        merged.update({str(k): str(v) for k, v in item.items() if isinstance(v, str) and v})
    return merged


def settings_from(config: Mapping[str, Any], environ: Mapping[str, str]) -> Settings:
    """The settings for a Configure request's (plain) args and the process environment."""
    endpoints = parse_endpoints(config.get("endpoints"))
    ec2: str | None = None
    if "ec2" in endpoints:
        ec2 = require_loopback(endpoints["ec2"], "aws:endpoints ec2")
    elif environ.get(ENDPOINT_ENV):
        ec2 = require_loopback(environ[ENDPOINT_ENV], ENDPOINT_ENV)
    sts = require_loopback(endpoints["sts"], "aws:endpoints sts") if "sts" in endpoints else ec2
    region = config.get("region")
    return Settings(
        ec2_endpoint=ec2,
        sts_endpoint=sts,
        region=region if isinstance(region, str) and region else DEFAULT_REGION,
    )
