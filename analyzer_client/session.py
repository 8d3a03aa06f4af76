"""PolicyPackSession: one pack in a child process, driven over gRPC the way the engine drives it."""

from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from . import messages
from .engine import GRPC_OPTIONS, engine_server
from .errors import AnalyzerError, PolicyConfigError
from .policy_config import PolicyConfigSource, reconcile_policy_config
from .process import PackOutput, launch, pack_environment, read_policy_project, terminate
from .resources import Resource
from .results import (
    AnalyzeResult,
    AnalyzerInfo,
    Diagnostic,
    LogMessage,
    PolicyConfig,
    Remediation,
    combine_results,
)
from .urns import make_urn, root_stack_urn
from .wire import decode_struct, encode_properties

# A hung pack fails the call instead of stalling the caller; the log keeps the newest lines only.
_CALL_TIMEOUT: Final = 300.0
_MAX_LOG_LINES: Final = 10_000


class PolicyPackSession:
    """A policy pack running in a child process, driven over gRPC the way the engine drives it.

    Use it as a context manager; the child is always stopped on exit (and, as a last resort,
    when the session is garbage-collected). One session serves any number of calls, and
    ``configure`` may be called again to switch policy config without restarting the pack.
    """

    def __init__(
        self,
        pack_dir: str | os.PathLike[str],
        *,
        project: str = "project",
        stack: str = "dev",
        organization: str = "organization",
        dry_run: bool = True,
        config: Mapping[str, Any] | None = None,
        config_secret_keys: Sequence[str] = (),
        policy_config: PolicyConfigSource = None,
        startup_timeout: float = 60.0,
        shutdown_timeout: float = 5.0,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.project, self.stack, self.organization = project, stack, organization
        self.dry_run = dry_run
        # Engine config is "namespace:key" -> string; objects and lists arrive JSON-encoded.
        self.config = {
            k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()
        }
        self.config_secret_keys = list(config_secret_keys)
        self._initial_policy_config = policy_config
        self._startup_timeout = startup_timeout
        self._shutdown_timeout = shutdown_timeout

        self._logs: collections.deque[LogMessage] = collections.deque(maxlen=_MAX_LOG_LINES)
        self._logs_lock = threading.Lock()
        self._output = PackOutput(self._record)
        self._proc: subprocess.Popen[bytes] | None = None
        self._engine: Any = None
        self._channel: Any = None
        self._stub: Any = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._info: AnalyzerInfo | None = None
        self._policy_config: dict[str, PolicyConfig] = {}
        self._pack_version = ""
        self._closed = False
        self.engine_address = ""
        self.port = 0

    # ---------------------------------------------------------------- lifecycle

    def __enter__(self) -> PolicyPackSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> PolicyPackSession:
        """Launch the pack and run the engine's start-up calls; raises AnalyzerError on failure."""
        if self._proc is not None:
            raise AnalyzerError("this session was already started")
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self) -> None:
        runtime, self._pack_version = read_policy_project(self.pack_dir)
        if runtime != "python":
            raise AnalyzerError(
                f"{self.pack_dir}/PulumiPolicy.yaml has runtime {runtime!r}; "
                "this client runs Python packs"
            )

        self._engine = engine_server(self._record)
        self.engine_address = f"127.0.0.1:{self._engine.add_insecure_port('127.0.0.1:0')}"
        self._engine.start()

        env = pack_environment(
            config=self.config,
            organization=self.organization,
            project=self.project,
            stack=self.stack,
            dry_run=self.dry_run,
        )
        self._proc = launch(sys.executable, self.engine_address, self.pack_dir, env)
        self._finalizer = weakref.finalize(self, terminate, self._proc, 0.0)
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._output.start(self._proc.stdout, self._proc.stderr)

        deadline = time.monotonic() + self._startup_timeout
        self.port = self._output.read_port(self._proc, self._startup_timeout, self.pack_dir)

        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=GRPC_OPTIONS)
        try:
            grpc.channel_ready_future(self._channel).result(
                timeout=max(deadline - time.monotonic(), 1.0)
            )
        except grpc.FutureTimeoutError:
            raise AnalyzerError(
                f"policy pack did not begin responding on port {self.port}"
                + self._output.stderr_excerpt()
            ) from None
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        self._handshake(deadline)
        self._call(
            "ConfigureStack",
            self._stub.ConfigureStack,
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=self.stack,
                project=self.project,
                organization=self.organization,
                dry_run=self.dry_run,
                config=self.config,
                config_secret_keys=self.config_secret_keys,
            ),
            unimplemented_ok=True,
        )
        self._info = self._get_info()
        if self._info.supports_config:
            self.configure(self._initial_policy_config)
        elif self._initial_policy_config is not None:
            raise PolicyConfigError(
                f"policy pack {self._info.name!r} at {str(self.pack_dir)!r} does not support config"
            )

    def _handshake(self, deadline: float) -> None:
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address=self.engine_address,
            root_directory=str(self.pack_dir),
            program_directory=str(self.pack_dir),
        )
        while True:
            try:
                self._stub.Handshake(request, timeout=_CALL_TIMEOUT)
                return
            except grpc.RpcError as exc:
                if exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                    return
                # dialPlugin retries UNAVAILABLE every 10 ms: the port may open before serving.
                if exc.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                    raise AnalyzerError(
                        f"failed to handshake with the policy pack: {exc.details()}"
                        + self._output.stderr_excerpt()
                    ) from exc
                time.sleep(0.01)

    def close(self) -> None:
        """Close the channel, stop the pack like the engine does, and stop the engine server."""
        if self._closed:
            return
        self._closed = True
        if self._channel is not None:
            self._channel.close()
        if self._proc is not None:
            terminate(self._proc, self._shutdown_timeout)
            if self._finalizer is not None:
                self._finalizer.detach()
        self._output.join(timeout=5)
        if self._proc is not None:
            for stream in (self._proc.stdout, self._proc.stderr):
                if stream is not None:
                    stream.close()
        if self._engine is not None:
            self._engine.stop(0)

    def _record(self, message: LogMessage) -> None:
        with self._logs_lock:
            self._logs.append(message)

    # ---------------------------------------------------------------- accessors

    @property
    def pid(self) -> int:
        """The pack's process id (the Python interpreter itself, not a shell)."""
        if self._proc is None:
            raise AnalyzerError("the session is not started")
        return self._proc.pid

    def rss_bytes(self) -> int | None:
        """The pack's resident memory from /proc, or None where /proc is not available."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        except OSError:
            return None
        match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
        return int(match.group(1)) * 1024 if match else None

    @property
    def info(self) -> AnalyzerInfo:
        if self._info is None:
            raise AnalyzerError("the session is not started")
        return self._info

    @property
    def policy_config(self) -> dict[str, PolicyConfig]:
        """The reconciled config last sent with Configure."""
        return dict(self._policy_config)

    @property
    def logs(self) -> list[LogMessage]:
        with self._logs_lock:
            return list(self._logs)

    def urn(self, type_: str, name: str, parent: str = "") -> str:
        return make_urn(self.stack, self.project, type_, name, parent)

    # ---------------------------------------------------------------- calls

    def _call(self, name: str, method: Any, request: Any, *, unimplemented_ok: bool = False) -> Any:
        if self._stub is None or self._closed:
            raise AnalyzerError(f"cannot call {name}: the session is not running")
        try:
            return method(request, timeout=_CALL_TIMEOUT)
        except grpc.RpcError as exc:
            if unimplemented_ok and exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                return None
            state = ""
            if self._proc is not None and self._proc.poll() is not None:
                state = f" (the pack exited with status {self._proc.returncode})"
            raise AnalyzerError(
                f"{name} failed{state}: {exc.code().name}: {exc.details()}"
                + self._output.stderr_excerpt()
            ) from exc

    def _get_info(self) -> AnalyzerInfo:
        resp = self._call("GetAnalyzerInfo", self._stub.GetAnalyzerInfo, empty_pb2.Empty())
        return messages.analyzer_info(resp, self._pack_version)

    def configure(
        self, policy_config: PolicyConfigSource | Mapping[str, PolicyConfig] = None
    ) -> dict[str, PolicyConfig]:
        """Reconcile ``policy_config`` (as ``--policy-pack-config``) and send it with Configure.

        Each call replaces the whole config, as a fresh ``pulumi preview`` would. Raises
        PolicyConfigError, leaving the previous config in force, when the config is invalid.
        """
        reconciled = reconcile_policy_config(self.info, policy_config)
        self._call("Configure", self._stub.Configure, messages.configure_request(reconciled))
        self._policy_config = reconciled
        return self.policy_config

    def _resolve_urn(self, resource: Resource) -> str:
        return resource.urn or self.urn(resource.type, resource.name, resource.parent)

    def _analyze(self, resource: Resource) -> tuple[AnalyzeResult, struct_pb2.Struct]:
        urn = self._resolve_urn(resource)
        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            properties=encode_properties(resource.inputs),
            urn=urn,
            name=resource.name,
            options=messages.resource_options(resource),
        )
        diagnostics: list[Diagnostic] = []
        remediations: list[Remediation] = []
        # The step generator makes two passes over the analyzers: Remediate, then Analyze on the
        # remediated inputs.
        resp = self._call(f"Remediate({urn})", self._stub.Remediate, request, unimplemented_ok=True)
        for r in resp.remediations if resp is not None else ():
            if r.diagnostic:
                diagnostics.append(messages.remediation_diagnostic(r, urn))
            elif r.HasField("properties"):
                request.properties.CopyFrom(r.properties)
                remediations.append(Remediation(r.policyName, urn, decode_struct(r.properties)))
        resp = self._call(f"Analyze({urn})", self._stub.Analyze, request)
        diagnostics += [messages.diagnostic(d, urn) for d in resp.diagnostics]
        result = AnalyzeResult(
            tuple(diagnostics), messages.not_applicable(resp), tuple(remediations)
        )
        return result, request.properties

    def analyze(self, resource: Resource) -> AnalyzeResult:
        """What the engine does on each registration: Remediate, then Analyze the inputs."""
        return self._analyze(resource)[0]

    def analyze_stack(self, resources: Iterable[Resource]) -> AnalyzeResult:
        """AnalyzeStack with every resource's outputs, parent, dependencies and property deps.

        A resource without ``outputs`` is sent with its inputs.
        """
        return self._analyze_stack(resources, {})

    def _analyze_stack(
        self, resources: Iterable[Resource], remediated: Mapping[str, struct_pb2.Struct]
    ) -> AnalyzeResult:
        request = analyzer_pb2.AnalyzeStackRequest()
        urns: set[str] = set()
        for resource in resources:
            urn = self._resolve_urn(resource)
            urns.add(urn)
            entry = request.resources.add(
                type=resource.type,
                urn=urn,
                name=resource.name,
                options=messages.resource_options(resource),
                parent=resource.parent,
                dependencies=list(resource.dependencies),
            )
            if resource.outputs is not None:
                entry.properties.CopyFrom(encode_properties(resource.outputs))
            elif urn in remediated:
                entry.properties.CopyFrom(remediated[urn])
            else:
                entry.properties.CopyFrom(encode_properties(resource.inputs))
            for key, deps in resource.property_dependencies.items():
                if deps:  # "Skip properties that have no dependencies."
                    entry.propertyDependencies[key].urns.extend(deps)
        resp = self._call("AnalyzeStack", self._stub.AnalyzeStack, request, unimplemented_ok=True)
        if resp is None:
            return AnalyzeResult()
        root = root_stack_urn(self.stack, self.project)
        return AnalyzeResult(
            tuple(
                messages.diagnostic(d, d.urn if d.urn in urns else root) for d in resp.diagnostics
            ),
            messages.not_applicable(resp),
        )

    def run(self, resources: Sequence[Resource]) -> AnalyzeResult:
        """A whole preview/update: every resource in registration order, then the stack.

        Resources without explicit outputs reach AnalyzeStack with their (remediated) inputs.
        """
        results: list[AnalyzeResult] = []
        outputs: dict[str, struct_pb2.Struct] = {}
        for resource in resources:
            result, final_inputs = self._analyze(resource)
            outputs[self._resolve_urn(resource)] = final_inputs
            results.append(result)
        results.append(self._analyze_stack(resources, outputs))
        return combine_results(results)
