"""Start components/ as a Pulumi provider plugin exactly as the Python language host does.

`pulumi-language-python` RunPlugin (sdk/python/cmd/pulumi-language-python/main.go) runs a plugin
directory that has a `__main__.py` as `python <plugin dir> <req.Args...>`, with the plugin's
virtualenv activated (VIRTUAL_ENV, PATH) and cwd = the caller's working directory. The engine
builds req.Args as `[flags...] <engine address>` (buildPluginArguments in
sdk/go/common/resource/plugin/plugin.go: e.g. `--logtostderr -v=9 127.0.0.1:12345`). The plugin
prints its gRPC port as the first line of stdout (pulumi.provider.server.main) and then serves the
ResourceProvider service until it is killed.

A minimal Engine service stands in for the engine address, so the plugin could log if it wanted to;
GetSchema and GetPluginInfo do not call back.
"""

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2_grpc

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPONENTS_DIR = REPO_ROOT / "components"
STARTUP_TIMEOUT_S = 90.0


class RecordingEngine(engine_pb2_grpc.EngineServicer):
    """The Engine service a plugin may call back into: records log lines, owns no root resource."""

    def __init__(self) -> None:
        self.logs: list[tuple[int, str]] = []
        self._lock = threading.Lock()

    def Log(  # noqa: N802 - gRPC method name
        self, request: Any, context: grpc.ServicerContext
    ) -> empty_pb2.Empty:
        with self._lock:
            self.logs.append((request.severity, request.message))
        return empty_pb2.Empty()

    def GetRootResource(  # noqa: N802 - gRPC method name
        self, request: Any, context: grpc.ServicerContext
    ) -> engine_pb2.GetRootResourceResponse:
        return engine_pb2.GetRootResourceResponse(urn="")

    def SetRootResource(  # noqa: N802 - gRPC method name
        self, request: Any, context: grpc.ServicerContext
    ) -> engine_pb2.SetRootResourceResponse:
        return engine_pb2.SetRootResourceResponse()


@dataclass
class EngineServer:
    address: str
    servicer: RecordingEngine
    server: grpc.Server


def start_engine() -> EngineServer:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    servicer = RecordingEngine()
    engine_pb2_grpc.add_EngineServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return EngineServer(address=f"127.0.0.1:{port}", servicer=servicer, server=server)


def plugin_environment(venv: Path) -> dict[str, str]:
    """The environment the pip toolchain gives a plugin: its virtualenv activated, nothing else.

    PYTHONPATH is dropped so that `tiered_sg` can only come from the plugin directory itself
    (sys.path[0] when Python runs a directory) or from the plugin's virtualenv.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class PluginProcess:
    process: subprocess.Popen[bytes]
    port: int
    argv: list[str]
    stderr_path: Path
    stdout_rest: list[bytes] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.reader is not None:
            self.reader.join(timeout=10)  # reads up to EOF, then ends
        if self.process.stdout is not None:
            self.process.stdout.close()


def _drain(stream: IO[bytes], first_line: "queue.Queue[bytes]", rest: list[bytes]) -> None:
    first_line.put(stream.readline())
    for line in iter(stream.readline, b""):
        rest.append(line)


def launch_plugin(
    plugin_dir: Path,
    engine_address: str,
    workdir: Path,
    venv: Path | None = None,
    flags: tuple[str, ...] = (),
) -> PluginProcess:
    """`<venv>/bin/python <plugin dir> [flags] <engine address>`, cwd = workdir; returns once
    the port is printed. The default venv is this test run's own (sys.prefix)."""
    venv = Path(sys.prefix) if venv is None else venv
    argv = [str(venv / "bin" / "python"), str(plugin_dir), *flags, engine_address]
    stderr_path = workdir / "plugin.stderr"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            argv,
            cwd=workdir,
            env=plugin_environment(venv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    assert process.stdout is not None
    first_line: queue.Queue[bytes] = queue.Queue(maxsize=1)
    rest: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(process.stdout, first_line, rest), daemon=True)
    reader.start()
    plugin = PluginProcess(
        process=process,
        port=0,
        argv=argv,
        stderr_path=stderr_path,
        stdout_rest=rest,
        reader=reader,
    )
    try:
        line = first_line.get(timeout=STARTUP_TIMEOUT_S)
    except queue.Empty:
        plugin.stop()
        pytest.fail(f"plugin printed no port within {STARTUP_TIMEOUT_S}s\n{plugin.stderr()}")
    text = line.decode().strip()
    if not text.isdigit():
        plugin.stop()
        pytest.fail(f"plugin's first stdout line is not a port: {text!r}\n{plugin.stderr()}")
    plugin.port = int(text)
    return plugin


@dataclass
class ProviderSession:
    plugin: PluginProcess
    engine: EngineServer
    channel: grpc.Channel
    stub: provider_pb2_grpc.ResourceProviderStub


class PluginLauncher:
    """Starts plugins against one engine and kills every one of them at teardown."""

    def __init__(self, engine: EngineServer, workdir: Path) -> None:
        self.engine = engine
        self.workdir = workdir
        self._sessions: list[ProviderSession] = []

    def start(
        self, plugin_dir: Path, venv: Path | None = None, flags: tuple[str, ...] = ()
    ) -> ProviderSession:
        workdir = self.workdir / f"plugin-{len(self._sessions)}"
        workdir.mkdir()
        plugin = launch_plugin(plugin_dir, self.engine.address, workdir, venv=venv, flags=flags)
        channel = grpc.insecure_channel(plugin.address)
        session = ProviderSession(
            plugin=plugin,
            engine=self.engine,
            channel=channel,
            stub=provider_pb2_grpc.ResourceProviderStub(channel),
        )
        self._sessions.append(session)
        grpc.channel_ready_future(channel).result(timeout=30)
        return session

    def close(self) -> None:
        for session in self._sessions:
            session.channel.close()
            session.plugin.stop()


@pytest.fixture(scope="module")
def plugin_launcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PluginLauncher]:
    engine = start_engine()
    launcher = PluginLauncher(engine, tmp_path_factory.mktemp("plugins"))
    try:
        yield launcher
    finally:
        launcher.close()
        engine.server.stop(grace=None)


@pytest.fixture(scope="module")
def provider_session(plugin_launcher: PluginLauncher) -> ProviderSession:
    """components/ as a plugin, from this test run's venv: one process per test module."""
    return plugin_launcher.start(COMPONENTS_DIR)
