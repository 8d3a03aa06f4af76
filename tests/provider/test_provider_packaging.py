"""components/ as a distribution: the wheel, and the plugin installed the way the CLI installs it.

`pulumi package add ./components` (pip toolchain, PulumiPlugin.yaml) creates `components/venv`
with `python -m venv`, runs `pip install -r requirements.txt` with cwd = the plugin directory
(sdk/python/toolchain/pip.go InstallDependencies) and then runs `venv/bin/python <plugin dir>
<engine address>`. The second test does exactly that in a copy of components/, in a brand-new
virtualenv: it proves requirements.txt + pyproject.toml bring everything the plugin imports.
It needs PyPI (or pip's cache) and takes about 30 s.
"""

import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = REPO_ROOT / "components"
PYPROJECT = tomllib.loads((COMPONENTS / "pyproject.toml").read_text(encoding="utf-8"))
BUILD_LEFTOVERS = shutil.ignore_patterns(
    "venv", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc"
)
# pip fetches the build backend for the wheel, and the plugin's dependencies for the venv.
pytestmark = pytest.mark.network


def run(argv: list[str], cwd: Path, timeout: float = 300) -> str:
    result = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """components/ as a fresh clone would have it (building in place leaves build/ behind)."""
    copy = tmp_path_factory.mktemp("src") / "components"
    shutil.copytree(COMPONENTS, copy, ignore=BUILD_LEFTOVERS)
    return copy


@pytest.fixture(scope="module")
def wheel(source_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out)]
    run([*pip, str(source_copy)], cwd=out)
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_ships_the_typed_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tiered_sg/py.typed" in names
    assert "tiered_sg/__init__.py" in names
    sources = {p.relative_to(COMPONENTS).as_posix() for p in COMPONENTS.glob("tiered_sg/*.py")}
    assert sources <= names, f"missing from the wheel: {sorted(sources - names)}"
    # The wheel is the library; the plugin entry point stays in the source tree.
    assert not any(n.startswith(("tests/", "venv/")) or n == "__main__.py" for n in names)


def test_wheel_metadata_matches_pyproject(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    metadata_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    metadata = Parser().parsestr(archive.read(metadata_name).decode())
    assert metadata["Name"] == PYPROJECT["project"]["name"] == "tiered-sg"
    assert metadata["Version"] == PYPROJECT["project"]["version"]
    requires = {
        r.split(">")[0].split("<")[0].split("=")[0] for r in metadata.get_all("Requires-Dist") or []
    }
    assert {"pulumi", "pulumi-aws"} <= requires


@pytest.mark.slow
def test_plugin_installs_and_serves_from_a_fresh_virtualenv(
    source_copy: Path, plugin_launcher: Any
) -> None:
    venv = source_copy / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=source_copy)
    python = str(venv / "bin" / "python")
    run([python, "-m", "pip", "install", "--quiet", "-r", "requirements.txt"], cwd=source_copy)

    installed = run(
        [
            python,
            "-c",
            "import json, pathlib, tiered_sg; p = pathlib.Path(tiered_sg.__file__);"
            " print(json.dumps([str(p), (p.parent / 'py.typed').is_file()]))",
        ],
        cwd=venv,  # not the plugin directory: this is the installed copy
    )
    module_path, typed = json.loads(installed)
    assert Path(module_path).is_relative_to(venv), module_path
    assert typed is True

    # With the flags the engine adds under `pulumi --logtostderr -v=9`: they come before the
    # engine address, which stays the last argument.
    session = plugin_launcher.start(source_copy, venv=venv, flags=("--logtostderr", "-v=9"))
    assert session.plugin.argv[-3:] == ["--logtostderr", "-v=9", plugin_launcher.engine.address]
    schema = json.loads(session.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema)
    assert schema["name"] == "tiered-sg"
    assert schema["version"] == PYPROJECT["project"]["version"]
    assert set(schema["resources"]) == {
        "tiered-sg:index:TieredSecurityGroups",
        "tiered-sg:index:ManagedSecurityGroup",
        "tiered-sg:index:SecurityGroupRules",
    }
