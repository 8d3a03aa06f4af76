"""The package's one error type."""


class GuardrailsError(ValueError):
    """A value the pack cannot accept, e.g. a bad policy config.

    Messages read ``<what> <value!r>: <problem>; <hint>`` so the CLI output says what to change.
    """
