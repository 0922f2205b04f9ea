"""What an AWS action hands back to the CLI: an exit code and the JSON report it writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from provisioner.exit_codes import ExitCode


@dataclass
class ActionResult:
    code: int = ExitCode.OK
    report: dict[str, Any] = field(default_factory=dict)
