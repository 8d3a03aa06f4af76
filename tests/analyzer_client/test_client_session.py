"""The client against real packs in child processes: what arrives inside a pack, and lifecycle.

The echo pack (tests/fixtures/echo_pack) reports back what it received as JSON, so these tests
check the protocol from the pack's side: what the Python policy SDK hands a policy.
"""

import json
import os
import signal
import sys
import textwrap
import time
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from analyzer_client import (
    UNKNOWN,
    UNKNOWN_NUMBER,
    AnalyzerError,
    EnforcementLevel,
    PolicyConfigError,
    PolicyPackSession,
    Resource,
    Secret,
    root_stack_urn,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ECHO = FIXTURES / "echo_pack"
NOOP = FIXTURES / "noop_pack"


@pytest.fixture(scope="module")
def echo():
    with PolicyPackSession(
        ECHO,
        project="proj",
        stack="dev",
        organization="acme",
        config={"echo:greeting": "hi", "echo:list": [1, 2]},
        config_secret_keys=["echo:greeting"],
    ) as session:
        yield session


@pytest.fixture
def fresh_config(echo):
    """Tests that reconfigure the shared session put the default config back afterwards."""
    yield echo
    echo.configure(None)


def _echoed(result, policy="echo"):
    [diag] = result.for_policy(policy)
    return json.loads(diag.detail)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); /proc says whether it is really running.
    state = Path(f"/proc/{pid}/stat")
    return not (state.exists() and state.read_text().split(")")[-1].split()[0] == "Z")


# ------------------------------------------------------------------ start-up, as the engine does it


def test_the_pack_is_launched_like_the_cli_launches_it(echo):
    seen = _echoed(echo.analyze(Resource("echo:index:Thing", "a")))
    assert seen["argv"] == [echo.engine_address, "."]
    assert seen["cwd"] == str(ECHO)
    assert seen["pid"] == echo.pid
    assert seen["env"] == {
        "PULUMI_PROJECT": "proj",
        "PULUMI_STACK": "dev",
        "PULUMI_ORGANIZATION": "acme",
        "PULUMI_DRY_RUN": "true",
        "PULUMI_CONFIG": json.dumps({"echo:greeting": "hi", "echo:list": "[1, 2]"}),
    }
    assert seen["settings"] == {
        "project": "proj",
        "stack": "dev",
        "organization": "acme",
        "dry_run": True,
        "greeting": "hi",
    }


def test_analyzer_info_is_sorted_by_name_and_carries_levels_types_and_schemas(echo):
    info = echo.info
    assert info.name == "echo"
    assert info.version == "0.3.1"  # from PulumiPolicy.yaml, as the engine prefers it
    assert info.supports_config
    assert info.policy_names == tuple(sorted(info.policy_names))
    assert info.policy("mandatory-marker").enforcement_level is EnforcementLevel.MANDATORY
    assert info.policy("fix-tags").enforcement_level is EnforcementLevel.DISABLED
    assert info.policy("echo-stack").policy_type == "stack"
    assert info.policy("echo").policy_type == "resource"
    assert info.policy("echo").required == ("greeting",)
    assert info.policy("echo").defaults == {"greeting": "hello", "ports": [80.0, 443.0]}


def test_start_up_configure_sends_schema_defaults(echo):
    assert echo.policy_config["echo"].properties == {"greeting": "hello", "ports": [80.0, 443.0]}
    seen = _echoed(echo.analyze(Resource("echo:index:Thing", "defaults")))
    assert seen["config"] == {"greeting": "hello", "ports": [80.0, 443.0]}


# ------------------------------------------------------------------ Analyze: what a policy sees


def test_inputs_arrive_as_the_sdk_deserialises_them(echo):
    result = echo.analyze(
        Resource(
            "echo:index:Thing",
            "props",
            {
                "fromPort": 22,
                "cidr": UNKNOWN,
                "count": UNKNOWN_NUMBER,
                "password": Secret("hunter2"),
                "nested": {"list": [Secret(1), None]},
                "__defaults": ["dropped"],
            },
        )
    )
    props = _echoed(result)["props"]
    assert props == {
        "fromPort": 22.0,  # numbers are doubles on the wire
        "cidr": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "count": "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "password": "hunter2",  # Analyze unwraps secrets: the policy sees the plain value
        "nested": {"list": [1.0, None]},
    }


def test_reading_an_unknown_gives_the_sdks_advisory_preview_note(echo):
    result = echo.analyze(Resource("echo:index:Thing", "u", {"value": UNKNOWN}))
    [note] = result.for_policy("touch-unknown")
    assert note.enforcement_level is EnforcementLevel.ADVISORY
    assert "can't run policy 'touch-unknown'" in note.message
    assert "string value at .value can't be known during preview" in note.message
    assert note.reported_urn == ""
    assert note.urn == echo.urn("echo:index:Thing", "u")  # the engine files it under the resource


def test_urn_parent_and_the_engines_default_options_travel_with_the_request(echo):
    parent = echo.urn("tiered-sg:index:TieredSecurityGroups", "tiers")
    seen = _echoed(echo.analyze(Resource("echo:index:Thing", "child", parent=parent)))
    assert (
        seen["urn"]
        == "urn:pulumi:dev::proj::tiered-sg:index:TieredSecurityGroups$echo:index:Thing::child"
    )
    assert seen["name"] == "child"
    assert seen["opts"] == {
        "protect": False,
        "ignore_changes": [],
        "delete_before_replace": None,  # unset, as the engine sends it
        "aliases": [],
        "custom_timeouts": [0.0, 0.0, 0.0],
        "additional_secret_outputs": [],
        "parent": parent,
    }
    assert seen["provider"] is None


def test_not_applicable_is_reported(echo):
    result = echo.analyze(Resource("echo:index:Thing", "n"))
    assert [(n.policy_name, n.reason) for n in result.not_applicable] == [
        ("only-special", "only echo:index:Special resources")
    ]
    special = echo.analyze(Resource("echo:index:Special", "s"))
    assert not special.not_applicable
    assert [d.detail for d in special.for_policy("only-special")] == ["special resource seen"]


def test_mandatory_diagnostics_fail_the_run_and_carry_the_policy_metadata(echo):
    result = echo.analyze(Resource("echo:index:Thing", "bad", {"violate": True}))
    [diag] = result.for_policy("mandatory-marker")
    assert diag.enforcement_level is EnforcementLevel.MANDATORY
    assert diag.policy_pack_name == "echo"
    assert diag.description == "Fails resources with violate=true."
    assert diag.message == "Fails resources with violate=true.\nviolate is true"
    assert diag.detail == "violate is true"
    assert not result.passed
    assert result.mandatory == [diag]
    assert echo.analyze(Resource("echo:index:Thing", "good")).passed


# ------------------------------------------------------------------ Configure


def test_user_config_changes_levels_and_properties(fresh_config):
    session = fresh_config
    session.configure(
        {"echo": {"greeting": "bonjour", "ports": [22]}, "mandatory-marker": "advisory"}
    )
    result = session.analyze(Resource("echo:index:Thing", "c", {"violate": True}))
    assert _echoed(result)["config"] == {"greeting": "bonjour", "ports": [22.0]}
    assert result.for_policy("mandatory-marker")[0].enforcement_level is EnforcementLevel.ADVISORY
    assert result.passed

    session.configure({"mandatory-marker": "disabled", "echo": "disabled"})
    quiet = session.analyze(Resource("echo:index:Thing", "c", {"violate": True}))
    assert not quiet.for_policy("mandatory-marker")
    assert not quiet.for_policy("echo")


def test_all_changes_every_level(fresh_config):
    fresh_config.configure({"all": "disabled", "only-special": "advisory"})
    result = fresh_config.analyze(
        Resource("echo:index:Special", "s", {"violate": True, "value": UNKNOWN})
    )
    assert result.policy_names == {"only-special"}


def test_a_bad_config_is_refused_before_it_reaches_the_pack(fresh_config):
    fresh_config.configure({"echo": {"greeting": "bonjour"}})
    with pytest.raises(PolicyConfigError) as caught:
        fresh_config.configure({"echo": {"ports": [0, "ssh"], "greeting": 5}})
    assert caught.value.errors == [
        "echo: greeting: Invalid type. Expected: string, given: integer",
        "echo: ports.0: Must be greater than or equal to 1",
        "echo: ports.1: Invalid type. Expected: integer, given: string",
    ]
    # The previous config is still in force, in the client and in the pack.
    assert fresh_config.policy_config["echo"].properties["greeting"] == "bonjour"
    assert (
        _echoed(fresh_config.analyze(Resource("echo:index:Thing", "x")))["config"]["greeting"]
        == "bonjour"
    )


def test_remediation_runs_first_and_analyze_sees_the_remediated_inputs(fresh_config):
    fresh_config.configure({"fix-tags": "remediate"})
    result = fresh_config.analyze(Resource("echo:index:Thing", "r", {"tags": {"Name": "web"}}))
    assert [(r.policy_name, dict(r.properties)) for r in result.remediations] == [
        ("fix-tags", {"tags": {"fixed": "yes"}})
    ]
    assert _echoed(result)["props"] == {"tags": {"fixed": "yes"}}


# ------------------------------------------------------------------ AnalyzeStack


def test_analyze_stack_resolves_parents_dependencies_and_property_dependencies(echo):
    chain = Resource("tiered-sg:index:TieredSecurityGroups", "tiers")
    chain_urn = echo.urn(chain.type, chain.name)
    web = Resource(
        "aws:ec2/securityGroup:SecurityGroup", "web", {"description": "web"}, parent=chain_urn
    )
    web_urn = echo.urn(web.type, web.name, chain_urn)
    app = Resource(
        "aws:ec2/securityGroup:SecurityGroup", "app", {"description": "app"}, parent=chain_urn
    )
    app_urn = echo.urn(app.type, app.name, chain_urn)
    rule = Resource(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "app-in-from-web",
        {"securityGroupId": UNKNOWN, "referencedSecurityGroupId": UNKNOWN, "fromPort": 8080},
        outputs={
            "securityGroupId": UNKNOWN,
            "referencedSecurityGroupId": UNKNOWN,
            "fromPort": 8080,
            "arn": UNKNOWN,
        },
        parent=app_urn,
        dependencies=[app_urn, web_urn],
        property_dependencies={
            "securityGroupId": [app_urn],
            "referencedSecurityGroupId": [web_urn, "urn:pulumi:dev::proj::not:in:Stack::x"],
            "description": [],
        },
    )
    result = echo.analyze_stack([chain, web, app, rule])
    [echoed] = [d for d in result.for_policy("echo-stack") if d.detail.startswith("{")]
    views = {r["name"]: r for r in json.loads(echoed.detail)["resources"]}
    assert views["tiers"]["parent"] is None
    assert views["web"]["parent"] == chain_urn
    assert views["web"]["opts_parent"] == chain_urn
    rule_view = views["app-in-from-web"]
    assert (
        rule_view["props"]["arn"] == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    )  # outputs, not inputs
    assert rule_view["dependencies"] == [app_urn, web_urn]
    # URNs outside the request are dropped by the SDK; empty lists are not sent at all.
    assert rule_view["property_dependencies"] == {
        "securityGroupId": [app_urn],
        "referencedSecurityGroupId": [web_urn],
    }
    assert echoed.urn == root_stack_urn("dev", "proj")


def test_stack_diagnostics_are_filed_like_the_engine_files_them(echo):
    thing = Resource("echo:index:Thing", "flagged", {"flag": 1})
    result = echo.analyze_stack([thing])
    by_detail = {d.detail: d for d in result.for_policy("echo-stack")}
    assert by_detail["flagged flagged"].urn == echo.urn(thing.type, thing.name)
    elsewhere = by_detail["flagged elsewhere flagged"]
    assert elsewhere.reported_urn.startswith("urn:pulumi:nowhere")
    assert elsewhere.urn == root_stack_urn("dev", "proj")


def test_run_is_analyze_for_each_resource_then_the_stack_with_remediated_inputs(fresh_config):
    fresh_config.configure({"fix-tags": "remediate"})
    result = fresh_config.run(
        [Resource("echo:index:Thing", "a", {"tags": {}}), Resource("quiet:index:Q", "b")]
    )
    assert len(result.for_policy("echo")) == 1  # quiet:* resources are not echoed
    [stack] = result.for_policy("echo-stack")
    views = {r["name"]: r for r in json.loads(stack.detail)["resources"]}
    assert views["a"]["props"] == {"tags": {"fixed": "yes"}}


# ------------------------------------------------------------------ logs, errors, lifecycle


def test_pack_output_and_engine_logs_are_recorded(echo):
    expected = {
        ("stderr", "info: pulumi.log from the pack: loud", "infoerr"),
        ("stdout", "print from the pack: loud", "info"),
        ("engine", "via Engine.Log", "warning"),
    }
    echo.analyze(Resource("echo:index:Thing", "loud", {"log": True}))
    # The Python runner never gives pulumi.log an engine, so pulumi.log goes to stderr.
    channel = grpc.insecure_channel(echo.engine_address)
    engine_pb2_grpc.EngineStub(channel).Log(
        engine_pb2.LogRequest(severity=engine_pb2.WARNING, message="via Engine.Log", urn="urn:x")
    )
    channel.close()
    deadline = time.monotonic() + 5

    def logs():
        return {(m.source, m.message, m.severity) for m in echo.logs}

    while not expected <= logs() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert expected <= logs()


def test_a_crashing_policy_raises_with_its_traceback_and_the_session_survives(echo):
    with pytest.raises(
        AnalyzerError,
        match=r"(?s)Analyze\(urn:pulumi:dev::proj::echo:index:Thing::c\) failed.*boom in c",
    ):
        echo.analyze(Resource("echo:index:Thing", "c", {"crash": True}))
    assert echo.analyze(Resource("echo:index:Thing", "after")).for_policy("echo")


def test_many_calls_in_one_session_and_memory_is_readable():
    with PolicyPackSession(NOOP) as session:
        assert session.info.policy_names == ("noop",)
        assert session.info.version == "0.0.1"  # no version in PulumiPolicy.yaml: the SDK's
        started = time.perf_counter()
        for i in range(1000):
            assert not session.analyze(
                Resource(
                    "aws:ec2/securityGroup:SecurityGroup", f"sg-{i}", {"ingress": [{"fromPort": i}]}
                )
            ).diagnostics
        elapsed = time.perf_counter() - started
        rss = session.rss_bytes()
        pid = session.pid
    assert elapsed < 30
    assert rss is None or rss > 10 * 1024 * 1024
    assert not _alive(pid)


def test_the_child_is_stopped_even_when_the_block_raises():
    with pytest.raises(RuntimeError, match="in the block"), PolicyPackSession(NOOP) as session:
        pid = session.pid
        raise RuntimeError("in the block")
    assert not _alive(pid)


def test_a_pack_that_ignores_sigint_is_killed(tmp_path):
    pack = tmp_path / "stubborn"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (pack / "__main__.py").write_text(
        (NOOP / "__main__.py")
        .read_text()
        .replace(
            "PolicyPack(",
            "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nPolicyPack(",
            1,
        )
    )
    session = PolicyPackSession(pack, shutdown_timeout=0.5).start()
    pid = session.pid
    session.close()
    assert not _alive(pid)


def test_update_mode_sets_dry_run_false():
    with PolicyPackSession(ECHO, dry_run=False) as session:
        seen = _echoed(session.analyze(Resource("echo:index:Thing", "u")))
    assert seen["env"]["PULUMI_DRY_RUN"] == "false"
    assert seen["settings"]["dry_run"] is False
    assert seen["env"]["PULUMI_CONFIG"] is None  # no config: the engine does not set the variable


def _write_pack(root, name, main, yaml="runtime: python\n"):
    pack = root / name
    pack.mkdir()
    if yaml is not None:
        (pack / "PulumiPolicy.yaml").write_text(yaml)
    (pack / "__main__.py").write_text(textwrap.dedent(main))
    return pack


def test_a_pack_that_fails_to_start_reports_its_stderr(tmp_path):
    pack = _write_pack(tmp_path, "broken", "raise ImportError('no module named sg_nothing')\n")
    with pytest.raises(
        AnalyzerError, match=r"(?s)before printing its port.*no module named sg_nothing"
    ):
        PolicyPackSession(pack, startup_timeout=30).start()


def test_a_pack_that_never_prints_its_port_times_out(tmp_path):
    pack = _write_pack(tmp_path, "silent", "import time\ntime.sleep(60)\n")
    session = PolicyPackSession(pack, startup_timeout=1)
    with pytest.raises(AnalyzerError, match="did not print its port within 1 s"):
        session.start()
    assert not _alive(session.pid)


def test_a_pack_that_prints_before_its_port_is_refused(tmp_path):
    pack = _write_pack(tmp_path, "chatty", "print('hello')\nimport time\ntime.sleep(30)\n")
    with pytest.raises(AnalyzerError, match="invalid port to stdout: 'hello'"):
        PolicyPackSession(pack).start()


def test_missing_or_foreign_policy_project_files_are_refused(tmp_path):
    missing = _write_pack(tmp_path, "missing", "", yaml=None)
    with pytest.raises(AnalyzerError, match="failed to load Pulumi policy project"):
        PolicyPackSession(missing).start()
    node = _write_pack(tmp_path, "node", "", yaml="runtime:\n  name: nodejs\n")
    with pytest.raises(AnalyzerError, match="runtime 'nodejs'; this client runs Python packs"):
        PolicyPackSession(node).start()


def test_a_bad_initial_config_fails_start_and_stops_the_child():
    session = PolicyPackSession(ECHO, policy_config={"echo": {"ports": "80"}})
    with pytest.raises(
        PolicyConfigError, match=r"echo: ports: Invalid type\. Expected: array, given: string"
    ):
        session.start()
    assert not _alive(session.pid)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_the_pack_exits_cleanly_on_sigint_like_under_the_engine():
    session = PolicyPackSession(NOOP).start()
    proc = session._proc
    session.close()
    assert proc is not None
    assert proc.returncode in (0, -signal.SIGINT)
