"""Run the aws stand-in exactly as the engine runs a resource plugin, and talk to it over gRPC.

The engine executes the plugin file with its own address as the last argument, reads the gRPC
port from the first line of stdout, and then speaks the ResourceProvider protocol. Here the
executable is the launcher script (aws_standin/launcher.py), and a minimal Engine service
answers at the address given (the stand-in does not call back, but the address must be real).
"""

import queue
import subprocess
import threading
from collections.abc import Mapping
from concurrent import futures
from pathlib import Path
from typing import IO, Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2_grpc

STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


class _Engine(engine_pb2_grpc.EngineServicer):
    def Log(self, request: Any, context: Any) -> empty_pb2.Empty:  # noqa: N802 - gRPC name
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        return engine_pb2.GetRootResourceResponse(urn="")

    def SetRootResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        return engine_pb2.SetRootResourceResponse()


def struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    """A protobuf Struct of plain values (what the engine sends with plain-values protocol)."""
    return json_format.ParseDict(dict(values), struct_pb2.Struct())


def plain(message: struct_pb2.Struct) -> dict[str, Any]:
    """A Struct's plain values, integral numbers as ints."""
    values: dict[str, Any] = _ints(json_format.MessageToDict(message))
    return values


def _ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ints(v) for v in value]
    return value


class StandinProcess:
    """``<launcher> <engine address>`` with ``env``; ``.stub`` is its ResourceProvider."""

    def __init__(self, launcher: Path, env: Mapping[str, str], workdir: Path) -> None:
        self._engine = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        engine_pb2_grpc.add_EngineServicer_to_server(_Engine(), self._engine)
        engine_port = self._engine.add_insecure_port("127.0.0.1:0")
        self._engine.start()
        self.stderr_path = workdir / "standin.stderr"
        with self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                [str(launcher), f"127.0.0.1:{engine_port}"],
                cwd=workdir,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                start_new_session=True,
            )
        assert self.process.stdout is not None
        self._first_line: queue.Queue[bytes] = queue.Queue(maxsize=1)
        self.stdout_rest: list[bytes] = []
        self._reader = threading.Thread(target=self._drain, args=(self.process.stdout,))
        self._reader.start()
        self.channel: grpc.Channel | None = None
        try:
            self.port = self._read_port()
            self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
            grpc.channel_ready_future(self.channel).result(timeout=STARTUP_TIMEOUT_S)
        except BaseException:
            self.stop()
            raise
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def _drain(self, stream: IO[bytes]) -> None:
        self._first_line.put(stream.readline())
        self.stdout_rest.extend(iter(stream.readline, b""))

    def _read_port(self) -> int:
        try:
            line = self._first_line.get(timeout=STARTUP_TIMEOUT_S)
        except queue.Empty:
            raise AssertionError(
                f"the stand-in printed no port within {STARTUP_TIMEOUT_S}s\n{self.stderr()}"
            ) from None
        text = line.decode().strip()
        if not text.isdigit():
            raise AssertionError(f"first stdout line is not a port: {text!r}\n{self.stderr()}")
        return int(text)

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.channel is not None:
            self.channel.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
        self._reader.join(timeout=STOP_TIMEOUT_S)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._engine.stop(grace=None)
