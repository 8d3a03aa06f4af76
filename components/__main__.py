"""Entry point of the tiered-sg component provider plugin (the cross-language route).

The Pulumi Python language host runs a source-based plugin as `python <plugin dir> [flags]
<engine address>`: Python executes this file with the plugin directory first on `sys.path`, so
`tiered_sg` and `provider_host` are imported from the source next to it. The provider infers
the package schema from the components' type annotations and docstrings (provider_host.py
adapts it for other languages), and `pulumi.provider.main` starts the gRPC server and prints its
port on stdout, which is how the engine finds it.

Dependencies: the schema has no `dependencies` entry for aws because no input or output of the
components is typed with a pulumi-aws class; consumers only ever exchange strings, lists and maps
with the package. pulumi-aws is a run-time dependency of this process (pyproject.toml), which
registers the aws child resources itself.
"""

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from provider_host import TieredSgProvider
from pulumi.provider import main

from tiered_sg import ManagedSecurityGroup, SecurityGroupRules, TieredSecurityGroups

PACKAGE_NAME = "tiered-sg"
"""The schema package name: the first segment of every type token (tiered-sg:index:<Class>)."""


def package_version() -> str:
    """The version in pyproject.toml beside this file, else the installed distribution's."""
    pyproject = Path(__file__).resolve().parent / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        version = project.get("version")
        if isinstance(version, str) and version:
            return version
    return metadata.version(PACKAGE_NAME)


if __name__ == "__main__":
    provider = TieredSgProvider(
        [TieredSecurityGroups, ManagedSecurityGroup, SecurityGroupRules],
        PACKAGE_NAME,
        package_version(),
    )
    main(provider, sys.argv[1:])
