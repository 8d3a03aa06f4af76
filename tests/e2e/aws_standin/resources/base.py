"""What every resource type implements, and the defaults most of them share."""

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi.provider.experimental.provider import CheckFailure, DiffResponse

from ..diffing import diff
from ..ec2api import RegionalEc2
from ..spec import ResourceSpec
from ..values import UNKNOWN

Props = dict[str, Any]
DEFAULT_TIMEOUT_S = 15 * 60.0  # Terraform's default create/delete timeout for these types


def deadline(timeout: float) -> float:
    """The monotonic deadline of an operation given the engine's timeout (0 = default)."""
    return time.monotonic() + (timeout if timeout > 0 else DEFAULT_TIMEOUT_S)


@dataclass(frozen=True)
class Checked:
    inputs: Props
    failures: list[CheckFailure]


class ResourceHandler(ABC):
    """One resource type: Check and Diff are pure; the rest call EC2 (never in a preview)."""

    spec: ResourceSpec

    def check(self, name: str, olds: Props, news: Props, seed: bytes) -> Checked:
        """Defaults and validation; the returned inputs are what Diff and Create receive."""
        return Checked(dict(news), self.validate(news))

    def validate(self, inputs: Props) -> list[CheckFailure]:
        return [
            CheckFailure(name, f"Missing required argument: {name!r} must be set")
            for name, prop in self.spec.inputs.items()
            if prop.required and inputs.get(name) is None
        ]

    def diff(self, olds: Props, news: Props, ignore: Sequence[str]) -> DiffResponse:
        return diff(self.spec, olds, news, ignore)

    def preview(self, inputs: Props, olds: Props | None = None) -> Props:
        """Outputs of a preview: the inputs, old computed values, unknown for the rest."""
        outputs = {k: v for k, v in inputs.items() if not k.startswith("__")}
        for name in self.spec.computed_outputs:
            if outputs.get(name) is None:
                outputs[name] = (olds or {}).get(name, UNKNOWN)
        return outputs

    def refreshed_inputs(self, old_inputs: Props, outputs: Props) -> Props:
        """Inputs after a Read: each input the program set takes the value found in EC2. An
        import (a Read with no inputs) gets every input property EC2 holds, as pulumi-aws
        derives them, so the engine's Check and Diff compare the program against EC2."""
        if not old_inputs:
            return {
                name: outputs[name]
                for name in self.spec.inputs
                if outputs.get(name) not in (None, "")
            }
        inputs = dict(old_inputs)
        for name in old_inputs:
            if name in self.spec.inputs and name in outputs:
                inputs[name] = outputs[name]
        return inputs

    @abstractmethod
    def create(
        self, ec2: RegionalEc2, name: str, inputs: Props, timeout: float
    ) -> tuple[str, Props]:
        """Create it; returns (id, outputs)."""

    @abstractmethod
    def read(self, ec2: RegionalEc2, resource_id: str, state: Props) -> Props | None:
        """Its outputs as EC2 has them now; None once it is gone."""

    @abstractmethod
    def update(
        self, ec2: RegionalEc2, resource_id: str, olds: Props, news: Props, timeout: float
    ) -> Props:
        """Apply ``news`` to it; returns the new outputs."""

    @abstractmethod
    def delete(self, ec2: RegionalEc2, resource_id: str, state: Props, timeout: float) -> None:
        """Delete it; already gone is success."""


def tag_list(tags: Mapping[str, Any] | None) -> list[dict[str, str]]:
    return [{"Key": str(k), "Value": str(v)} for k, v in sorted((tags or {}).items())]


def tag_specifications(resource_type: str, tags: Mapping[str, Any] | None) -> list[Props]:
    """``TagSpecifications`` for a create call (none when there are no tags)."""
    if not tags:
        return []
    return [{"ResourceType": resource_type, "Tags": tag_list(tags)}]


def tags_from(api_tags: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
    return {str(t["Key"]): str(t["Value"]) for t in api_tags or []}


def sync_tags(
    ec2: RegionalEc2, resource_id: str, have: Mapping[str, str], want: Mapping[str, Any] | None
) -> None:
    """Make ``resource_id``'s tags exactly ``want`` (CreateTags / DeleteTags)."""
    wanted = {str(k): str(v) for k, v in (want or {}).items()}
    stale = [{"Key": k} for k in sorted(have) if k not in wanted]
    if stale:
        ec2.call("delete_tags", Resources=[resource_id], Tags=stale)
    changed = {k: v for k, v in wanted.items() if have.get(k) != v}
    if changed:
        ec2.call("create_tags", Resources=[resource_id], Tags=tag_list(changed))


def output_tags(cloud: Mapping[str, str], configured: Any) -> dict[str, str] | None:
    """``tags`` as pulumi-aws reports them: null when none are configured and none exist."""
    if not cloud and not configured:
        return None
    return dict(cloud)
