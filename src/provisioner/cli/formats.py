"""The two forms of an action's outcome: the text it prints, and its JSON document
(results/document.py) — what `--output json` prints and an AWS action writes to `reports/`."""

from __future__ import annotations

from provisioner.cli.invocation import Invocation
from provisioner.cli.tool import Outcome
from provisioner.exit_codes import ExitCode
from provisioner.results.base import Result
from provisioner.results.document import Document, Failure


def document_of(prog: str, inv: Invocation, outcome: Outcome) -> Document[Result]:
    return Document[Result](
        tool=prog,
        action=outcome.action or inv.action,
        config=inv.config,
        exit_code=ExitCode(outcome.exit_code),
        result=outcome.result,
        error=None if outcome.error is None else Failure(message=outcome.error),
        aws=outcome.aws,
    )


def error_line(outcome: Outcome) -> str | None:
    """The one line on stderr for an outcome that stopped early: `error: …`, or for Ctrl-C
    the message alone, as a shell reports an interrupted command."""
    if outcome.error is None:
        return None
    if outcome.exit_code == ExitCode.INTERRUPTED:
        return outcome.error
    return f"error: {outcome.error}"


def text_lines(inv: Invocation, outcome: Outcome) -> list[str]:
    """The result as the action prints it without --output json."""
    return [] if outcome.result is None else outcome.result.text(inv.config)
