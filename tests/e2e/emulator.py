"""moto's AWS emulator (EC2, STS, S3, ...) on 127.0.0.1, in a child process the tests control.

A child process rather than moto's in-process server: its state is its own (tests that use
``mock_aws`` in the pytest process cannot touch it, nor it them), ``stop()`` kills it mid-test
for a fault test, and ``restart()`` brings a fresh, empty one back on the same port, so the
endpoint a stack or stand-in was given stays valid. Every wait is bounded.

    with Emulator() as emulator:
        emulator.endpoint            # "http://127.0.0.1:PORT"
        emulator.ec2().describe_vpcs()
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]

HOST = "127.0.0.1"
REGION = "us-east-1"
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
PORT_ATTEMPTS = 3
CLIENT_CONFIG = Config(
    connect_timeout=5, read_timeout=30, retries={"max_attempts": 2, "mode": "standard"}
)


class EmulatorError(RuntimeError):
    """moto did not come up (its log is in the message)."""


class Emulator:
    """One moto server process on loopback; a context manager that always stops it."""

    def __init__(self, port: int | None = None, log_dir: Path | None = None) -> None:
        self._fixed_port = port
        self.port = port or 0
        self._log_dir = log_dir
        self._process: subprocess.Popen[bytes] | None = None
        self._log_path: Path | None = None

    @property
    def endpoint(self) -> str:
        if not self.port:
            raise EmulatorError("the emulator has not been started")
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> "Emulator":
        """Start moto (a free port unless one was given or already used); wait until it serves."""
        if self.running:
            return self
        for attempt in range(PORT_ATTEMPTS):
            if not self.port:
                self.port = _free_port()
            try:
                self._launch()
                return self
            except EmulatorError:
                self.stop()
                if self._fixed_port or attempt == PORT_ATTEMPTS - 1:
                    raise
                self.port = 0  # another process took the port between probe and bind
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Kill moto now (terminate, then kill); its state is gone. Safe to call twice."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT_S)

    def restart(self) -> "Emulator":
        """A fresh, empty emulator on the same port."""
        self.stop()
        return self.start()

    def reset(self) -> None:
        """Empty every service's state without restarting (moto's own reset endpoint)."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def client(self, service: str, region: str = REGION) -> Any:
        """A boto3 client for ``service`` against this emulator, with dummy credentials."""
        return boto3.session.Session().client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=CLIENT_CONFIG,
        )

    def ec2(self, region: str = REGION) -> Any:
        return self.client("ec2", region)

    def log(self) -> str:
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _launch(self) -> None:
        if self._log_dir is None:
            self._log_dir = Path(tempfile.mkdtemp(prefix="tiered-sg-moto-"))
        log_dir = self._log_dir
        self._log_path = log_dir / f"moto-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(PYTHONDONTWRITEBYTECODE="1", AWS_ACCESS_KEY_ID="test")
        env.update(AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION=REGION)
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)],
                cwd=log_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if not self.running:
                raise EmulatorError(f"moto exited at start:\n{self.log()[-3000:]}")
            if _serves(f"{self.endpoint}/moto-api/data.json"):
                return
            time.sleep(0.1)
        raise EmulatorError(
            f"moto did not serve within {STARTUP_TIMEOUT_S}s:\n{self.log()[-3000:]}"
        )


def _serves(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except (OSError, urllib.error.URLError):
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])
