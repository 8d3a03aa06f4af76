"""The ResourceProvider: dispatches each RPC to the handler of its type, EC2 work in threads.

Configure answers that the stand-in takes no secrets, resource references or output values
(the engine then sends plain values) and supports preview: a preview's Create and Update make
no API call and return the inputs with unknown computed outputs. Check and Diff never call EC2.
Errors for the user are ``StandinError``s whose text names the operation, the resource and, for
an EC2 refusal, EC2's own code and message.
"""

import asyncio
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pulumi.provider.experimental.provider import (
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from .ec2api import Ec2Api, RegionalEc2
from .endpoint import settings_from
from .errors import StandinError
from .registry import FUNCTIONS, HANDLERS
from .resources.base import ResourceHandler
from .schema import schema_json
from .values import plain_map, property_map

LOG = logging.getLogger(__name__)
T = TypeVar("T")


class StandinProvider(Provider):
    def __init__(self, version: str, environ: Mapping[str, str] | None = None) -> None:
        self._version = version
        self._environ = os.environ if environ is None else environ
        self._api: Ec2Api | None = None

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema=schema_json(self._version))

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        config = plain_map(request.args)
        for key, value in request.variables.items():  # "aws:config:region" style
            config.setdefault(key.rsplit(":", 1)[-1], value)
        settings = settings_from(config, self._environ)
        self._api = Ec2Api(settings)
        LOG.info("configured: %s", settings)
        return ConfigureResponse(
            accept_secrets=False,
            supports_preview=True,
            accept_resources=False,
            accept_outputs=False,
        )

    async def check(self, request: CheckRequest) -> CheckResponse:
        handler = _handler(request.urn)
        checked = handler.check(
            request.name,
            plain_map(request.old_inputs),
            plain_map(request.new_inputs),
            request.random_seed,
        )
        return CheckResponse(inputs=property_map(checked.inputs), failures=checked.failures)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        handler = _handler(request.urn)
        result = handler.diff(
            plain_map(request.old_state), plain_map(request.new_inputs), request.ignore_changes
        )
        LOG.info("diff %s: %s replaces=%s", request.urn, result.diffs, result.replaces)
        return result

    async def create(self, request: CreateRequest) -> CreateResponse:
        handler = _handler(request.urn)
        inputs = plain_map(request.properties)
        if request.preview:
            return CreateResponse(resource_id="", properties=property_map(handler.preview(inputs)))
        action = f"creating {resource_type(request.urn)} ({request.name})"
        resource_id, outputs = await self._run(
            action, handler.create, self._ec2(inputs), request.name, inputs, request.timeout
        )
        LOG.info("%s: %s", action, resource_id)
        return CreateResponse(resource_id=resource_id, properties=property_map(outputs))

    async def read(self, request: ReadRequest) -> ReadResponse:
        handler = _handler(request.urn)
        state, old_inputs = plain_map(request.properties), plain_map(request.inputs)
        action = f"reading {resource_type(request.urn)} ({request.name}, {request.resource_id})"
        outputs = await self._run(
            action, handler.read, self._ec2(state or old_inputs), request.resource_id, state
        )
        if outputs is None:
            LOG.info("%s: gone", action)
            return ReadResponse(resource_id="", properties={}, inputs={})
        inputs = handler.refreshed_inputs(old_inputs, outputs)
        return ReadResponse(
            resource_id=request.resource_id,
            properties=property_map(outputs),
            inputs=property_map(inputs),
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        handler = _handler(request.urn)
        olds, news = plain_map(request.olds), plain_map(request.news)
        if request.preview:
            return UpdateResponse(properties=property_map(handler.preview(news, olds)))
        action = f"updating {resource_type(request.urn)} ({request.name}, {request.resource_id})"
        outputs = await self._run(
            action,
            handler.update,
            self._ec2(news),
            request.resource_id,
            olds,
            news,
            request.timeout,
        )
        return UpdateResponse(properties=property_map(outputs))

    async def delete(self, request: DeleteRequest) -> None:
        handler = _handler(request.urn)
        state = plain_map(request.properties)
        action = f"deleting {resource_type(request.urn)} ({request.name}, {request.resource_id})"
        await self._run(
            action, handler.delete, self._ec2(state), request.resource_id, state, request.timeout
        )
        LOG.info("%s: done", action)

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        if request.tok not in FUNCTIONS:
            raise StandinError(f"the aws stand-in does not implement the function {request.tok}")
        _, function = FUNCTIONS[request.tok]
        args = plain_map(request.args)
        result = await self._run(f"invoking {request.tok}", function, self._ec2(args), args)
        return InvokeResponse(return_value=property_map(result))

    async def cancel(self) -> None:
        LOG.info("cancel")
        if self._api is not None:
            self._api.cancelled.set()

    def _ec2(self, props: Mapping[str, Any]) -> RegionalEc2:
        if self._api is None:
            raise StandinError("the aws stand-in was used before Configure")
        region = props.get("region")
        return self._api.regional(region if isinstance(region, str) and region else None)

    async def _run(self, action: str, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker thread; a user-facing error is prefixed with ``action``."""
        try:
            return await asyncio.to_thread(fn, *args)
        except StandinError as err:
            LOG.error("%s: %s", action, err)
            raise StandinError(f"{action}: {err}") from None


def resource_type(urn: str) -> str:
    """The resource's own type token from its URN. The SDK's ``request.type`` keeps the parent
    chain (``tiered-sg:index:ManagedSecurityGroup$aws:ec2/securityGroup:SecurityGroup``)."""
    return urn.split("::")[-2].rsplit("$", 1)[-1] if "::" in urn else ""


def _handler(urn: str) -> ResourceHandler:
    token = resource_type(urn)
    handler = HANDLERS.get(token)
    if handler is None:
        raise StandinError(f"the aws stand-in does not implement the resource type {token}")
    return handler
