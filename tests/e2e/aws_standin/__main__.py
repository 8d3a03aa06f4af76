"""Entry point: ``python -m aws_standin [flags] <engine address>``, as the engine runs a plugin.

Prints the gRPC port as the first stdout line (the SDK's server does) and nothing else there:
the log goes to ``TIERED_SG_STANDIN_LOG`` or a file in the temp dir.
"""

import logging
import os
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from pulumi.provider.experimental.server import main as serve

from .provider import StandinProvider

LOG_ENV = "TIERED_SG_STANDIN_LOG"


def log_path() -> Path:
    configured = os.environ.get(LOG_ENV)
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"tiered-sg-aws-standin-{os.getuid()}.log"


class _ExpectedGrpcNoise(logging.Filter):
    """grpc logs an error for RPCs the engine probes and may cut short: Handshake is not
    implemented by the SDK's server (the engine then uses Configure), and the engine closes
    the plugin right after Cancel. Neither is a fault of the stand-in."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (
            "ResourceProvider/Handshake]" in message or "ResourceProvider/Cancel]" in message
        )


def main() -> None:
    handler = logging.FileHandler(log_path(), encoding="utf-8")
    handler.addFilter(_ExpectedGrpcNoise())
    handler.setFormatter(
        logging.Formatter(f"%(asctime)s {os.getpid()} %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # The plugin reports pulumi-aws's version: the engine asks for exactly that one.
    plugin_version = version("pulumi_aws")
    logging.getLogger(__name__).info("starting %s %s", plugin_version, sys.argv[1:])
    serve(sys.argv[1:], plugin_version, StandinProvider(plugin_version))


if __name__ == "__main__":
    main()
