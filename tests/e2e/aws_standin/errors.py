"""The errors the stand-in reports to the engine: their text is what `pulumi` prints."""

NOT_FOUND_CODES = frozenset(
    {
        "InvalidGroup.NotFound",
        "InvalidSecurityGroupRuleId.NotFound",
        "InvalidPermission.NotFound",
        "InvalidVpcID.NotFound",
    }
)
"""EC2 codes meaning "already gone": success for a delete, a vanished resource for a read."""


class StandinError(Exception):
    """An error for the user (bad input, refused endpoint, EC2 refusal); its text is final.

    The SDK's server appends ``traceback.extract_tb(err.__traceback__)`` to the text of every
    error it reports; a user-facing error shows none (the interpreter still keeps the real
    traceback, which only Python-level reads of the attribute miss).
    """

    @property
    def __traceback__(self) -> None:
        return None

    @__traceback__.setter
    def __traceback__(self, value: object) -> None:
        """Tracebacks are kept by the interpreter, not through this attribute."""


class Ec2Error(StandinError):
    """EC2 refused a call: its own error code and message, unchanged."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"{operation}: {code}: {message}")
        self.operation = operation
        self.code = code
        self.message = message

    @property
    def not_found(self) -> bool:
        return self.code in NOT_FOUND_CODES
