"""What an AWS action hands back to the CLI: its typed result (provisioner/results/) and the
exit code it ends with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from provisioner.exit_codes import ExitCode
from provisioner.results.base import Result

R = TypeVar("R", bound=Result, covariant=True)


@dataclass(frozen=True)
class ActionResult(Generic[R]):
    result: R
    code: int = ExitCode.OK
