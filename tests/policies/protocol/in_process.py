"""The protocol client with the pack's servicer called in this process instead of over gRPC.

Same requests and the same result decoding as ``PolicyPackSession``, minus the child process and
the wire: the case tables run both ways, so a difference means the transport is at fault.
"""

from __future__ import annotations

from typing import Any

import grpc
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from analyzer_client import PolicyPackSession
from analyzer_client.process import read_policy_project
from sg_guardrails import PACK_NAME, build_policies


class _Unimplemented(grpc.RpcError):
    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNIMPLEMENTED


class _DirectStub:
    """``AnalyzerStub``'s calls, answered by the servicer itself."""

    def __init__(self, servicer: Any) -> None:
        self._servicer = servicer

    def __getattr__(self, method: str) -> Any:
        handler = getattr(self._servicer, method, None)

        def call(request: Any, timeout: float | None = None) -> Any:
            if handler is None:
                raise _Unimplemented()
            return handler(request, None)

        return call


class InProcessPackSession(PolicyPackSession):
    def _start(self) -> None:
        _, self._pack_version = read_policy_project(self.pack_dir)
        servicer = _PolicyAnalyzerServicer(
            PACK_NAME, self._pack_version, build_policies(), EnforcementLevel.ADVISORY
        )
        self._stub = _DirectStub(servicer)
        self._stub.ConfigureStack(
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=self.stack, project=self.project, organization=self.organization
            )
        )
        self._info = self._get_info()
        self.configure(self._initial_policy_config)

    def close(self) -> None:
        self._closed = True
