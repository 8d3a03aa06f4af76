"""The one error type of preflight: bad input it reports in a sentence and exits 2 on."""


class PreflightError(Exception):
    """A stack, config or program problem the user must fix; the message says how."""
