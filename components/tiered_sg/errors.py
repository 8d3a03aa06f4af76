"""The package's one error type: a bad input, explained in one sentence with its fix."""

import difflib
from collections.abc import Iterable

import pulumi


class TieredSgError(ValueError):
    """An input tiered-sg refuses, raised before any resource is registered.

    The message always reads ``<what> <value!r>: <problem>; <hint>``, for example
    ``port 'tcp:65536': port 65536 is out of range 0-65535; use a port from 0 to 65535``.
    The parts stay available as attributes so callers can re-anchor the error on the config key
    or argument path the value came from (see :meth:`at`).
    """

    def __init__(self, what: str, value: object, problem: str, hint: str) -> None:
        self.what = what
        self.value = value
        self.problem = problem
        self.hint = hint
        super().__init__(f"{what} {shown(value)}: {problem}; {hint}")

    def at(self, what: str) -> "TieredSgError":
        """The same error, naming ``what`` (a config key, an argument path) as its subject."""
        return TieredSgError(what, self.value, self.problem, self.hint)


def shown(value: object) -> str:
    """``repr(value)``, except an Output: its repr is a memory address, so it reads ``<Output>``."""
    return "<Output>" if isinstance(value, pulumi.Output) else repr(value)


def did_you_mean(word: str, choices: Iterable[str], otherwise: str = "") -> str:
    """A hint naming the closest known choice; else ``otherwise``, else every choice."""
    options = sorted(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return otherwise or f"expected one of: {', '.join(options)}"
