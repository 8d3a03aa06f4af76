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

* ``errors``: HarnessError and PolicyConfigError;
* ``wire``: values on the wire (Unknown markers, Secret, encode/decode) and URNs;
* ``resources``: the requests' Resource, ResourceOptions and Provider;
* ``results``: EnforcementLevel, Diagnostic, AnalyzeResult and the pack's self-description;
* ``json_schema``: the small JSON-schema validator for policy config;
* ``policy_config``: parsing and reconciling policy config like the CLI;
* ``messages``: translation between the Analyzer protos and the dataclasses above;
* ``engine``: the in-process Engine gRPC service the pack calls back;
* ``process``: launching, draining and stopping the pack's child process;
* ``session``: PolicyPackSession, which drives the conversation.

Only the standard library, grpc, protobuf and Pulumi's generated protos are used, so any pack
author can copy this package.
"""

from __future__ import annotations

from .errors import HarnessError, PolicyConfigError
from .json_schema import validate_json_schema
from .policy_config import PolicyConfigSource as PolicyConfigSource
from .policy_config import parse_policy_config, reconcile_policy_config
from .resources import Provider, Resource, ResourceOptions
from .results import (
    AnalyzeResult,
    AnalyzerInfo,
    Diagnostic,
    EnforcementLevel,
    LogMessage,
    NotApplicable,
    PolicyConfig,
    PolicyInfo,
    Remediation,
)
from .session import PolicyPackSession
from .wire import (
    ROOT_STACK_TYPE,
    UNKNOWN,
    UNKNOWN_ARCHIVE,
    UNKNOWN_ARRAY,
    UNKNOWN_ASSET,
    UNKNOWN_BOOL,
    UNKNOWN_NUMBER,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    Secret,
    Unknown,
    decode_struct,
    encode_properties,
    make_urn,
    root_stack_urn,
)
from .wire import SECRET_SIG as SECRET_SIG
from .wire import SIG_KEY as SIG_KEY

__all__ = [
    "ROOT_STACK_TYPE",
    "UNKNOWN",
    "UNKNOWN_ARCHIVE",
    "UNKNOWN_ARRAY",
    "UNKNOWN_ASSET",
    "UNKNOWN_BOOL",
    "UNKNOWN_NUMBER",
    "UNKNOWN_OBJECT",
    "UNKNOWN_STRING",
    "AnalyzeResult",
    "AnalyzerInfo",
    "Diagnostic",
    "EnforcementLevel",
    "HarnessError",
    "LogMessage",
    "NotApplicable",
    "PolicyConfig",
    "PolicyConfigError",
    "PolicyInfo",
    "PolicyPackSession",
    "Provider",
    "Remediation",
    "Resource",
    "ResourceOptions",
    "Secret",
    "Unknown",
    "decode_struct",
    "encode_properties",
    "make_urn",
    "parse_policy_config",
    "reconcile_policy_config",
    "root_stack_urn",
    "validate_json_schema",
]
