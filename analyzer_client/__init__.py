"""Run a Python CrossGuard policy pack the way the Pulumi engine does, without the Pulumi CLI.

The pulumi-policy SDK has no test harness of its own (pulumi/pulumi-policy#445), and calling a
policy's ``validate`` directly skips everything the engine does around it. This package plays the
engine's part instead, following ``sdk/go/common/resource/plugin/analyzer_plugin.go``,
``plugin.go`` and ``rpc.go``, ``pkg/resource/analyzer/config.go`` and ``pkg/engine/plugins.go``:

* it launches ``python -u -m pulumi.policy <engine-address> .`` with the pack directory as the
  working directory and ``PULUMI_PROJECT/STACK/ORGANIZATION/DRY_RUN/CONFIG`` in the environment,
  exactly what the ``pulumi-analyzer-policy-python`` shim ends up running;
* it reads the port from the first stdout line, then calls Handshake (UNIMPLEMENTED is fine),
  ConfigureStack, GetAnalyzerInfo and Configure with the reconciled policy config (schema
  defaults, the pack's initial config, then the user's ``--policy-pack-config``, validated
  against each policy's JSON schema);
* per resource it calls Remediate then Analyze with the inputs, and AnalyzeStack with the outputs,
  parents, dependencies and property dependencies;
* it marshals values as the engine does: numbers are doubles, unknowns are sentinel strings,
  secrets are signature objects, and keys starting with ``__`` are dropped.

The modules, each importing only the ones listed before it:

* ``errors``: AnalyzerError and PolicyConfigError;
* ``wire``: values on the wire (the SDK's unknown sentinels, Secret, encode/decode);
* ``urns``: the URNs the engine computes;
* ``resources``: the requests' Resource;
* ``results``: EnforcementLevel, Diagnostic, AnalyzeResult and the pack's self-description;
* ``json_schema``: policy config validation (jsonschema, in gojsonschema's wording);
* ``policy_config``: parsing and reconciling policy config like the CLI;
* ``messages``: translation between the Analyzer protos and the dataclasses above;
* ``engine``: the in-process Engine gRPC service the pack calls back;
* ``process``: launching, draining and stopping the pack's child process;
* ``session``: PolicyPackSession, which drives the conversation.
"""

from __future__ import annotations

from .errors import AnalyzerError, PolicyConfigError
from .json_schema import validate_json_schema
from .policy_config import (
    PolicyConfigSource,
    parse_policy_config,
    reconcile_policy_config,
    stricter_than_cli,
)
from .resources import Resource
from .results import (
    AnalyzeResult,
    AnalyzerInfo,
    Diagnostic,
    EnforcementLevel,
    PolicyConfig,
    PolicyInfo,
    combine_results,
)
from .session import PolicyPackSession
from .urns import ROOT_STACK_TYPE, make_urn, root_stack_urn
from .wire import (
    UNKNOWN,
    UNKNOWN_ARRAY,
    UNKNOWN_NUMBER,
    UNKNOWN_STRING,
    Secret,
    decode_struct,
    encode_properties,
)

__all__ = [
    "ROOT_STACK_TYPE",
    "UNKNOWN",
    "UNKNOWN_ARRAY",
    "UNKNOWN_NUMBER",
    "UNKNOWN_STRING",
    "AnalyzeResult",
    "AnalyzerError",
    "AnalyzerInfo",
    "Diagnostic",
    "EnforcementLevel",
    "PolicyConfig",
    "PolicyConfigError",
    "PolicyConfigSource",
    "PolicyInfo",
    "PolicyPackSession",
    "Resource",
    "Secret",
    "combine_results",
    "decode_struct",
    "encode_properties",
    "make_urn",
    "parse_policy_config",
    "reconcile_policy_config",
    "root_stack_urn",
    "stricter_than_cli",
    "validate_json_schema",
]
