"""`python -m tiered_sg.adopt` on failures it cannot map: one line, exit 2, nothing written."""

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tiered_sg.adopt import __main__ as command
from tiered_sg.errors import TieredSgError

ARGS = ["--vpc-id", "vpc-0123456789abcdef0", "--stack", "dev", "--region", "us-east-1"]


def fail_with(error: Exception):
    def read_vpc(*_args, **_kwargs):
        raise error

    return read_vpc


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, "Describe"),
            "error: vpc-0123456789abcdef0: reading the VPC failed: An error occurred "
            "(UnauthorizedOperation) when calling the Describe operation: no\n",
        ),
        (
            TieredSgError("cidr", "10.0.0.5/24", "has host bits set", "use '10.0.0.0/24'"),
            "error: vpc-0123456789abcdef0: cidr '10.0.0.5/24': has host bits set; "
            "use '10.0.0.0/24'; nothing written\n",
        ),
    ],
)
def test_a_failure_is_one_line_and_exit_2_with_nothing_written(
    monkeypatch, capsys, tmp_path: Path, error, expected
):
    monkeypatch.setattr(command, "read_vpc", fail_with(error))
    code = command.main([*ARGS, "--project", str(tmp_path)])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", expected)
    assert list(tmp_path.iterdir()) == []
