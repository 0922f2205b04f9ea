"""Process exit codes shared by both CLIs (SPEC §5)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    AWS_FAILURE = 1
    BAD_INPUT = 2
    DRIFT = 3
    # show-changes --fail-on-broadening: the change broadens access (a CI gate, no terminal).
    BROADENING = 4
    # As a shell reports a process ended by a signal: 128 + its number.
    INTERRUPTED = 130  # SIGINT (Ctrl-C)
    BROKEN_PIPE = 141  # SIGPIPE: the reader of the output went away (`| head`)
