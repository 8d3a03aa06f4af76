"""Refusals: what the chain cannot hold, why, and what the user can do about it.

A mapping step records every misfit it finds before anything raises, so one run lists them all:
someone fixing a VPC by hand wants the whole list, not one item per run.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from tiered_sg.adopt.inventory import AwsGroup, AwsRule


@dataclass(frozen=True)
class Misfit:
    """Something the chain cannot hold: what, why, and what the user can do."""

    subject: str
    reason: str
    fix: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.reason}; {self.fix}"


class UnmappableError(Exception):
    """The VPC cannot be mapped; ``misfits`` says why, each with its fix."""

    def __init__(self, misfits: Sequence[Misfit]) -> None:
        self.misfits = tuple(misfits)
        super().__init__(f"{len(misfits)} rule(s) or group(s) do not fit the chain")

    @classmethod
    def of(cls, subject: str, reason: str, fix: str) -> "UnmappableError":
        """A refusal that ends the mapping at once: nothing after it could be judged."""
        return cls([Misfit(subject, reason, fix)])


class Refusals:
    """The misfits found so far; ``groups`` (id -> group) names a rule's groups in messages."""

    def __init__(self, groups: dict[str, AwsGroup]) -> None:
        self.groups = groups
        self.misfits: list[Misfit] = []

    def add(self, subject: str, reason: str, fix: str) -> None:
        self.misfits.append(Misfit(subject, reason, fix))

    def rule(self, rule: AwsRule, reason: str, fix: str) -> None:
        """A rule that does not fit; the fix also offers to leave it out, which always works."""
        self.add(f"rule {rule.shown(self.groups)}", reason, f"{fix}, {leave_out_fix(rule)}")

    def raise_any(self) -> None:
        """End the mapping here if anything was refused so far."""
        if self.misfits:
            raise UnmappableError(self.misfits)


def leave_out_fix(rule: AwsRule) -> str:
    return f"or pass --leave-out {rule.id} to keep it in AWS unmanaged (exclusiveRules turns off)"
