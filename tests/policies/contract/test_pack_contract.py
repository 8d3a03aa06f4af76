"""Pins what users see of the pack: every policy's name, level, severity, description,
remediation, framework and config schema, the pack's name, version and public API, and the
findings for the benchmark's stack (preview and update, default and custom config)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import sg_guardrails
from tests.policies.contract.contract_snapshot import PACK_VERSION, SNAPSHOT, current


@pytest.fixture(scope="module")
def pinned() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SNAPSHOT.read_text())
    return result


@pytest.fixture(scope="module")
def now() -> dict[str, Any]:
    return current()


def test_every_policy_as_the_engine_sees_it_is_unchanged(pinned, now) -> None:
    assert now["analyzer_info"] == pinned["analyzer_info"]


@pytest.mark.parametrize(
    "case", ["preview_default_config", "preview_custom_config", "update_default_config"]
)
def test_findings_for_the_benchmark_stack_are_unchanged(pinned, now, case) -> None:
    assert now[case] == pinned[case]


def test_pack_name_and_version() -> None:
    assert sg_guardrails.PACK_NAME == "sg-guardrails"
    yaml = (SNAPSHOT.parents[3] / "policies" / "PulumiPolicy.yaml").read_text()
    assert f"\nversion: {PACK_VERSION}\n" in yaml


def test_public_api() -> None:
    assert sg_guardrails.__all__ == [
        "DEFAULT_LEVELS",
        "GROUP_TYPES",
        "PACK_DESCRIPTION",
        "PACK_NAME",
        "RULE_TYPES",
        "Endpoint",
        "Finding",
        "Flow",
        "Group",
        "GuardrailsError",
        "NormalizedResource",
        "NormalizedRule",
        "PeerRef",
        "PolicyRecord",
        "PortRange",
        "ResolvedRule",
        "ResourceRecord",
        "StackGraph",
        "Subject",
        "UnknownField",
        "UnknownValue",
        "analyze",
        "build_policies",
        "flows",
        "normalize_resource",
        "plain",
    ]
    assert all(hasattr(sg_guardrails, name) for name in sg_guardrails.__all__)
