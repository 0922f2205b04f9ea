"""Running one action on one config and delivering its outcome: the message of an early stop,
the report file of an AWS action, and the result as text or as its JSON document."""

from __future__ import annotations

from provisioner.cli.formats import document_of, error_line, text_lines
from provisioner.cli.invocation import Invocation
from provisioner.cli.tool import ActionSpec, Outcome
from provisioner.errors import InputError
from provisioner.exit_codes import ExitCode
from provisioner.files import write_atomic
from provisioner.results.base import Result
from provisioner.results.document import Document


def run_action(spec: ActionSpec, inv: Invocation) -> Outcome:
    try:
        done = spec.handler(inv)
    except InputError as exc:
        return Outcome(None, ExitCode.BAD_INPUT, error=exc.render())
    except KeyboardInterrupt:
        return Outcome(None, ExitCode.INTERRUPTED, error="interrupted")
    return done if isinstance(done, Outcome) else Outcome(done)


def deliver(prog: str, inv: Invocation, outcome: Outcome, *, print_json: bool) -> Document[Result]:
    """Say why it stopped, write the report, print the result (as text, or as its document
    when `print_json`); the document, which a run over several configs collects."""
    line = error_line(outcome)
    if line is not None:
        print(line, file=inv.stderr, flush=True)
    document = document_of(prog, inv, outcome)
    if outcome.report is not None or (inv.output == "json" and print_json):
        # One serialization: the report file and stdout hold the same bytes.
        text = document.to_json()
        if outcome.report is not None:
            write_atomic(outcome.report, text)
            inv.say(f"wrote {outcome.report}")
        if inv.output == "json" and print_json:
            inv.stdout.write(text)
            inv.stdout.flush()
    if inv.output == "text":
        for text_line in text_lines(inv, outcome):
            inv.print_result(text_line)
    return document
