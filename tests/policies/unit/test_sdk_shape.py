"""The pulumi-policy internals ``sg_guardrails.servicer`` leans on are still there, unchanged.

The servicer mirrors two private loops of the SDK's servicer and reads its private state, so it
is served only with the SDK source it was checked against. When pulumi-policy changes, these
tests fail (rather than the pack silently falling back to the SDK's slower servicer): compare
``_PolicyAnalyzerServicer.Analyze`` and ``AnalyzeStack`` of the new version with
``SharedArgsServicer``, carry over what changed, then record the new version and its
``sdk_fingerprint()`` in ``servicer.CHECKED`` and the pins.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pulumi_policy.policy as sdk_policy
import pytest
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.version import VERSION

from analyzer_client import PolicyPackSession
from sg_guardrails import PACK_NAME, build_policies
from sg_guardrails import servicer as servicer_module
from sg_guardrails.servicer import CHECKED, SharedArgsServicer, sdk_fingerprint, sdk_problems

ROOT = Path(__file__).resolve().parents[3]
PINS = {
    "policies/requirements.txt": r"^pulumi-policy==(\S+)$",
    "policies/pyproject.toml": r'"pulumi-policy==([^"]+)"',
    "requirements-dev.txt": r"^pulumi-policy==(\S+)$",
}


def test_the_installed_sdk_is_the_one_the_servicer_was_checked_against() -> None:
    assert VERSION in CHECKED, (
        f"pulumi-policy {VERSION} is installed; sg_guardrails.servicer was checked against "
        f"{sorted(CHECKED)}. Compare the new Analyze/AnalyzeStack with SharedArgsServicer, then "
        f"add {VERSION!r}: {sdk_fingerprint()!r} to CHECKED and update the pins."
    )
    assert sdk_fingerprint() == CHECKED[VERSION], (
        f"pulumi-policy {VERSION}'s servicer source is not the one SharedArgsServicer mirrors: "
        "compare it with SharedArgsServicer, then record its new sdk_fingerprint()."
    )
    assert sdk_problems() == []


@pytest.mark.parametrize("path", sorted(PINS))
def test_every_pin_names_exactly_the_checked_versions(path: str) -> None:
    pinned = re.findall(PINS[path], (ROOT / path).read_text(), re.MULTILINE)
    assert pinned and set(pinned) <= set(CHECKED), f"{path} pins {pinned}, checked: {CHECKED}"


def test_an_unchecked_or_changed_sdk_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(servicer_module, "CHECKED", {})
    assert "is not a version it was checked against" in sdk_problems()[0]
    monkeypatch.setattr(servicer_module, "CHECKED", {VERSION: "0" * 64})
    assert "is not the source it was checked against" in sdk_problems()[0]

    def unreadable(_: Any) -> str:
        raise OSError("no source")

    monkeypatch.setattr(servicer_module.inspect, "getsource", unreadable)
    assert "unreadable" in sdk_problems()[0]


def test_the_sdk_state_the_servicer_reads_is_where_it_reads_it() -> None:
    policies = build_policies()
    service = SharedArgsServicer(PACK_NAME, "9.9.9", policies, EnforcementLevel.ADVISORY)
    service.ConfigureStack(proto.AnalyzerStackConfigureRequest(tags={"team": "net"}), None)
    assert service._sdk("policies") is policies
    assert service._sdk("policy_pack_name") == PACK_NAME
    assert service._sdk("policy_pack_version") == "9.9.9"
    assert dict(service._sdk("stack_tags")) == {"team": "net"}


def _serve(monkeypatch: pytest.MonkeyPatch) -> type:
    """Run ``serve`` with PolicyPack's server faked; returns the class of what it served."""
    served: list[Any] = []

    class Server:
        def add_insecure_port(self, address: str) -> int:
            return 1234

        def start(self) -> None:
            return None

        def stop(self, grace: float | None) -> None:
            return None

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt  # how PolicyPack stops serving

    monkeypatch.setattr(sdk_policy, "grpc", SimpleNamespace(server=lambda *a, **k: Server()))
    monkeypatch.setattr(
        sdk_policy,
        "analyzer_pb2_grpc",
        SimpleNamespace(add_AnalyzerServicer_to_server=lambda s, _: served.append(s)),
    )
    monkeypatch.setattr(sdk_policy, "time", SimpleNamespace(sleep=interrupt))
    noop = ResourceValidationPolicy("noop", "Checks nothing.", lambda args, report: None)
    servicer_module.serve("probe", [noop], description="probe")
    assert sdk_policy._PolicyAnalyzerServicer is _PolicyAnalyzerServicer  # restored
    [service] = served
    return type(service)


def test_serve_answers_with_the_shared_servicer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _serve(monkeypatch) is SharedArgsServicer
    out = capsys.readouterr()
    assert out.out == "1234\n" and out.err == ""


def test_serve_falls_back_to_the_sdk_servicer_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(servicer_module, "CHECKED", {})
    assert _serve(monkeypatch) is _PolicyAnalyzerServicer
    assert "serving with pulumi-policy's own analyzer" in capsys.readouterr().err


def test_the_pack_process_serves_the_shared_servicer() -> None:
    # As the CLI starts it: a fallback would say so on the pack's stderr.
    with PolicyPackSession(ROOT / "policies") as session:
        assert session.info.name == PACK_NAME
    assert not [log for log in session.logs if "own analyzer" in log.message]
