"""One run of a CLI: the parsed arguments, and where to read, write and print."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    from provisioner.fleet.budget import ApiBudget
    from provisioner.fleet.shared_reads import SharedReads

OutputFormat = Literal["text", "json"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("text", "json")


@dataclass(frozen=True)
class Invocation:
    config: str
    action: str
    force: bool
    dry_run: bool
    cwd: Path
    stdout: TextIO
    stderr: TextIO
    env: Mapping[str, str] = field(default_factory=dict)
    profile: str | None = None
    endpoint_url: str | None = None
    keep: bool = False
    allow_broadening: bool = False
    fail_on_broadening: bool = False
    disable_termination_protection: bool = False
    sec_config: str | None = None
    save_plan: str | None = None  # show-changes: the plan file to write
    plan_ttl: str | None = None  # show-changes --save-plan: minutes until the plan expires
    plan: str | None = None  # deploy: the saved plan to execute
    # json: stdout holds the one JSON document, so progress goes to stderr.
    output: OutputFormat = "text"
    max_parallel: int | None = None  # over several configs: how many run at once
    max_api_rate: float | None = None  # over several configs: their polls' calls a second
    # Set when a run over several configs is interrupted: the AWS calls of this one stop.
    cancel: threading.Event | None = None
    # Shared by the configs of such a run: one rate limit on their polls (fleet/budget.py).
    budget: ApiBudget | None = None
    # And the reads they would all make alike (fleet/shared_reads.py).
    shared_reads: SharedReads | None = None

    def say(self, text: str) -> None:
        """A progress line: on stdout as text, on stderr beside a JSON document."""
        self._print("stderr" if self.output == "json" else "stdout", text)

    def print_result(self, text: str) -> None:
        """What the action found or did, on stdout."""
        self._print("stdout", text)

    def _print(self, stream: Literal["stdout", "stderr"], text: str) -> None:
        try:
            print(text, file=getattr(self, stream), flush=True)
        except BrokenPipeError:
            # The reader went away (`| head`): an AWS action must still finish what it started
            # (and write its report), so carry on without printing.
            object.__setattr__(self, stream, open(os.devnull, "w"))  # noqa: SIM115

    def path(self, *parts: str) -> Path:
        return self.cwd.joinpath(*parts)
