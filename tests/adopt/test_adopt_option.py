"""The ``adopt`` argument: each listed child is registered with ``import`` and keeps AWS's
name, description and tags (``ignoreChanges``); bad entries fail before anything registers."""

from typing import Any

import pytest

from preflight.mock_runtime import RecordingMonitor
from tiered_sg import TieredSecurityGroups, TieredSgError, parse_config
from tiered_sg.adoption import check_adopt
from tiered_sg.inputs import ArgPath

WEB, RULE = "sg-0123456789abcdef0", "sgr-0123456789abcdef0"


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Child name -> (importId, ignoreChanges, retainOnDelete) as sent to the engine."""
    seen: dict[str, Any] = {}
    original = RecordingMonitor.RegisterResource

    def spy(self: RecordingMonitor, request: Any) -> Any:
        seen[request.name] = (request.importId, list(request.ignoreChanges), request.retainOnDelete)
        return original(self, request)

    monkeypatch.setattr(RecordingMonitor, "RegisterResource", spy)
    return seen


def chain(**args: Any) -> TieredSecurityGroups:
    return TieredSecurityGroups(
        "tiered",
        {"vpc_id": "vpc-0123456789abcdef0", "tiers": [{"name": "web", "ports": ["http"]}], **args},
    )


def test_adopted_children_import_and_keep_aws_properties(pulumi_runtime, wire):
    adopt = {"tiered-web": WEB, "tiered-web-in-tcp-80-from-0.0.0.0-0": RULE}
    pulumi_runtime.run(lambda: chain(adopt=adopt))
    assert wire["tiered-web"] == (WEB, ["name", "description", "tags"], False)
    assert wire["tiered-web-in-tcp-80-from-0.0.0.0-0"] == (RULE, ["description", "tags"], False)
    assert wire["tiered-web-rules-exclusive"][0] == "", "the exclusive set is created, not imported"


def test_without_adopt_nothing_is_imported(pulumi_runtime, wire):
    pulumi_runtime.run(chain)
    assert all(import_id == "" and not ignored for import_id, ignored, _ in wire.values())


def test_retain_on_delete_reaches_every_aws_child(pulumi_runtime, wire):
    pulumi_runtime.run(lambda: chain(retain_on_delete=True))
    assert wire["tiered-web"][2] and wire["tiered-web-in-tcp-80-from-0.0.0.0-0"][2]


def test_an_adopted_name_the_plan_lacks_imports_nothing_and_warns(pulumi_runtime, wire):
    # Stale after a port change (the port is in the rule's name), or a typo.
    stale = {"tiered-web-in-tcp-81-from-0.0.0.0-0": RULE}
    warnings = check_adopt(
        stale,
        ["tiered-web"],
        ["tiered-web-in-tcp-80-from-0.0.0.0-0"],
        ArgPath(prefix="tiered-sg:", camel=True).field("adopt"),
    )
    assert warnings == [
        'tiered-sg:adopt["tiered-web-in-tcp-81-from-0.0.0.0-0"] '
        "'tiered-web-in-tcp-81-from-0.0.0.0-0': is no child of this plan, so "
        f"{RULE} is not imported under it; remove the entry once adopted "
        "(did you mean 'tiered-web-in-tcp-80-from-0.0.0.0-0'?)"
    ]
    pulumi_runtime.run(lambda: chain(adopt=stale))
    assert all(import_id == "" for import_id, _, _ in wire.values())


def test_a_rule_id_under_a_group_name_is_refused(pulumi_runtime):
    def program() -> str:
        with pytest.raises(TieredSgError) as caught:
            chain(adopt={"tiered-web": RULE})
        return str(caught.value)

    assert "is a group of the chain; give its sg- id" in pulumi_runtime.run(program)


def test_config_errors_name_the_config_key():
    with pytest.raises(TieredSgError, match=r"^tiered-sg:adopt.tiered-web 'vpc-1': is not a"):
        parse_config({"tiered-sg:adopt": '{"tiered-web": "vpc-1"}'})


def test_an_ipv6_rule_listed_under_its_0_1_0_name_is_still_adopted(pulumi_runtime, wire):
    """``python -m tiered_sg.adopt`` of 0.1.0 wrote ``::/0`` as ``---0`` in rule names."""
    former, current = (
        "tiered-web-in-tcp-80-from----0",
        "tiered-web-in-tcp-80-from-0.0.0.0.0.0.0.0-0",
    )
    pulumi_runtime.run(lambda: chain(public_ipv6_cidrs=["::/0"], adopt={former: RULE}))
    assert wire[current] == (RULE, ["description", "tags"], False)
    assert former not in wire
