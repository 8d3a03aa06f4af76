"""The engine's side of the conversation: the Engine service a pack may call back."""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
from typing import Any, Final

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from .results import LogMessage

# The engine and the SDK both raise gRPC's 4 MB default to 400 MB (rpcutil.GrpcChannelOptions).
_MAX_MESSAGE: Final = 400 * 1024 * 1024
GRPC_OPTIONS: Final = [
    ("grpc.max_receive_message_length", _MAX_MESSAGE),
    ("grpc.max_send_message_length", _MAX_MESSAGE),
]
_LOG_SEVERITIES: Final = ("debug", "info", "warning", "error")


class EngineServicer(engine_pb2_grpc.EngineServicer):
    """The few Engine calls a plugin may make back; everything else stays UNIMPLEMENTED."""

    def __init__(self, record: Callable[[LogMessage], None]) -> None:
        self._record = record
        self._root = ""

    def Log(self, request: engine_pb2.LogRequest, context: Any) -> empty_pb2.Empty:  # noqa: N802
        severity = _LOG_SEVERITIES[request.severity] if request.severity < 4 else "info"
        self._record(LogMessage("engine", request.message, severity, request.urn))
        return empty_pb2.Empty()

    def GetRootResource(  # noqa: N802
        self, request: engine_pb2.GetRootResourceRequest, context: Any
    ) -> engine_pb2.GetRootResourceResponse:
        return engine_pb2.GetRootResourceResponse(urn=self._root)

    def SetRootResource(  # noqa: N802
        self, request: engine_pb2.SetRootResourceRequest, context: Any
    ) -> engine_pb2.SetRootResourceResponse:
        self._root = request.urn
        return engine_pb2.SetRootResourceResponse()


def engine_server(record: Callable[[LogMessage], None]) -> Any:
    """A gRPC server offering EngineServicer(record); the caller binds a port and starts it."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), options=GRPC_OPTIONS)
    engine_pb2_grpc.add_EngineServicer_to_server(EngineServicer(record), server)
    return server
