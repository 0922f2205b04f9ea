"""Process exit codes shared by both CLIs (SPEC §5)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    AWS_FAILURE = 1
    BAD_INPUT = 2
    DRIFT = 3
