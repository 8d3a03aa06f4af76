"""boto3 against the configured emulator: one call at a time, EC2's errors kept as they are.

Calls are serialised (one lock per process): moto's EC2 backend mutates plain dicts and lists
without locks, and the engine runs many resource operations at once. Handlers still run in
threads, so a delete waiting out a ``DependencyViolation`` does not hold up the others.
Credentials are dummies; the endpoint was checked to be loopback (endpoint.py).
"""

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from .endpoint import Settings
from .errors import Ec2Error, StandinError

LOG = logging.getLogger(__name__)
T = TypeVar("T")
# Fail fast on a dead emulator (a fault test stops it mid-`up`): two attempts, short timeouts.
CLIENT_CONFIG = Config(
    connect_timeout=5, read_timeout=60, retries={"max_attempts": 2, "mode": "standard"}
)
DUMMY_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
RETRY_PAUSE_S = 2.0
DELAY_ENV = "TIERED_SG_STANDIN_CALL_DELAY_S"
"""Seconds to wait before each EC2 call (serialised), so a fault test can stop the emulator or
interrupt the CLI while an `up` is surely half-way; unset or 0 in every other test."""


class Ec2Api:
    """The process's EC2 access: a client per region, serialised calls, a cancel switch.

    Cancel (the engine's Ctrl-C) only ends waits between retries: a call under way, and the
    calls that finish the operation it belongs to, still run, so that the engine records what
    was made instead of losing a half-made resource (this SDK cannot report partial creates).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._account_id: str | None = None
        self.cancelled = threading.Event()

    def regional(self, region: str | None) -> "RegionalEc2":
        return RegionalEc2(self, region or self.settings.region)

    def call(self, region: str, operation: str, **params: Any) -> dict[str, Any]:
        """``ec2.<operation>(**params)``; a refusal becomes an ``Ec2Error`` with EC2's text."""
        return self._call("ec2", self.settings.require_ec2(), region, operation, params)

    def account_id(self, region: str) -> str:
        """The emulator's account (for ARNs), asked of STS once."""
        if self._account_id is None:
            endpoint = self.settings.sts_endpoint or self.settings.require_ec2()
            reply = self._call("sts", endpoint, region, "get_caller_identity", {})
            self._account_id = str(reply["Account"])
        return self._account_id

    def _call(
        self, service: str, endpoint: str, region: str, operation: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        client = self._client(service, endpoint, region)
        name = "".join(part.title() for part in operation.split("_"))
        with self._lock:
            _pause()
            LOG.debug("%s %s %s", service, name, params)
            try:
                reply: dict[str, Any] = getattr(client, operation)(**params)
            except ClientError as err:
                error = err.response.get("Error", {})
                raise Ec2Error(
                    name, str(error.get("Code", "Unknown")), str(error.get("Message", err))
                ) from None
            except BotoCoreError as err:  # the emulator is down or unreachable
                raise StandinError(f"{name}: {err}") from None
        return reply

    def _client(self, service: str, endpoint: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = boto3.session.Session().client(
                    service,
                    region_name=region,
                    endpoint_url=endpoint,
                    config=CLIENT_CONFIG,
                    **DUMMY_CREDENTIALS,
                )
            return self._clients[key]

    def retry(self, deadline: float, codes: frozenset[str], attempt: Callable[[], T]) -> T:
        """``attempt()`` again while it fails with one of ``codes`` and time is left."""
        while True:
            try:
                return attempt()
            except Ec2Error as err:
                if err.code not in codes or time.monotonic() + RETRY_PAUSE_S > deadline:
                    raise
                LOG.info("retrying after %s", err)
                if self.cancelled.wait(RETRY_PAUSE_S):
                    raise


def _pause() -> None:
    raw = os.environ.get(DELAY_ENV, "").strip()
    try:
        delay = float(raw) if raw else 0.0
    except ValueError:
        raise StandinError(f"{DELAY_ENV} must be a number of seconds, not {raw!r}") from None
    if delay > 0:
        time.sleep(delay)


class RegionalEc2:
    """EC2 in one region, as a handler sees it."""

    def __init__(self, api: Ec2Api, region: str) -> None:
        self.api = api
        self.region = region

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.api.call(self.region, operation, **params)

    def account_id(self) -> str:
        return self.api.account_id(self.region)

    def arn(self, resource: str) -> str:
        return f"arn:aws:ec2:{self.region}:{self.account_id()}:{resource}"

    def retry(self, deadline: float, codes: frozenset[str], attempt: Callable[[], T]) -> T:
        return self.api.retry(deadline, codes, attempt)
