"""The client's errors: the pack failed, or a policy config is one the CLI would refuse."""

from __future__ import annotations

from collections.abc import Sequence


class AnalyzerError(RuntimeError):
    """The pack could not be started or a call to it failed; the message carries its stderr."""


class PolicyConfigError(ValueError):
    """A policy config the CLI would refuse; ``errors`` lists every problem found."""

    def __init__(self, message: str, errors: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)
