"""One action over several configs (docs/estate.md): `--config` given more than once or as a
glob, or `--config-dir`, for either tool, and the `provisioner` entry point for both.

Each config runs as it would alone: the same checks, outputs, report file and exit code. Local
actions run one after another in this process. AWS actions first print the run's plan — which
configs wait for which — then run independent configs at the same time (`--max-parallel`),
each line of their progress marked with the config. A summary (text, or one JSON document)
lists every config's result; the exit code is the worst of theirs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TextIO, cast

from provisioner.cli.delivery import deliver, run_action
from provisioner.cli.invocation import Invocation
from provisioner.cli.live_board import BoardLines, LiveBoard
from provisioner.cli.prefixed import PrefixedLines
from provisioner.cli.tool import ActionSpec, Outcome
from provisioner.errors import InputError
from provisioner.exit_codes import ExitCode
from provisioner.fleet.budget import DEFAULT_MAX_API_RATE, ApiBudget
from provisioner.fleet.members import ML, SEC, Member, ToolName, read_member
from provisioner.fleet.order import Step, plan_steps, waves
from provisioner.fleet.runner import DEFAULT_MAX_PARALLEL, StepRun, run_steps, worst
from provisioner.fleet.selection import Selection
from provisioner.fleet.shared_reads import SharedReads
from provisioner.results.base import Result
from provisioner.results.document import Document
from provisioner.results.estate import ApiBudgetUse, ConfigRun, EstateDocument, PlannedConfig

# The actions that call AWS: they run in parallel, in the plan's order.
AWS_ACTIONS = frozenset(
    {"show-changes", "deploy", "test-deploy", "status", "detect-drift", "delete", "bootstrap"}
)
# The action a tool takes for a config: None when it has no such action (`bootstrap` over an
# ML use case's config): that config is left out of the run, and the summary says so.
SpecFor = Callable[[ToolName], ActionSpec | None]


def tool_name(prog: str) -> ToolName | None:
    """The tool a CLI's configs are for; None for one that takes both."""
    return next((name for name in (ML, SEC) if name == prog), None)


def spec_of_tool(prog: str, spec: ActionSpec) -> SpecFor:
    """One tool's run: its action, for its own configs only."""
    return lambda tool: spec if tool == prog else None


_WORDS = {
    ExitCode.OK: "ok",
    ExitCode.AWS_FAILURE: "failed",
    ExitCode.BAD_INPUT: "bad input",
    ExitCode.DRIFT: "drift",
    ExitCode.BROADENING: "broadens access",
    ExitCode.INTERRUPTED: "interrupted",
}


def run_many(prog: str, base: Invocation, selection: Selection, spec_for: SpecFor,
             tool: ToolName | None = None) -> int:  # fmt: skip
    """Run `base`'s action over the selection; the run's exit code. `tool`: the tool every
    config is for (None: the estate entry point, each config's tool told from its fields)."""
    try:
        if base.save_plan is not None or base.plan is not None:
            # One plan file per config: the configs of a run would overwrite each other's.
            flag = "--save-plan" if base.save_plan is not None else "--plan"
            raise InputError(
                prog,
                f"{flag} is for one config at a time (a plan file holds one config's "
                "change sets); nothing was done",
            )
        configs = selection.resolve(base.cwd)
    except InputError as exc:
        print(f"error: {exc.render()}", file=base.stderr)
        return ExitCode.BAD_INPUT
    everything = [read_member(config, base.cwd, tool) for config in configs]
    reasons = {
        m.config: why for m in everything if (why := left_out(m, spec_for, base.action, tool))
    }
    members = [m for m in everything if m.config not in reasons]
    steps = plan_steps(members, base.action)
    aws = base.action in AWS_ACTIONS
    parallel = (base.max_parallel or DEFAULT_MAX_PARALLEL) if aws else 1
    plan = _plan(steps)
    budget = ApiBudget(base.max_api_rate or DEFAULT_MAX_API_RATE) if aws else None
    if budget is not None:
        _say_plan(base, plan, parallel, budget)
        base = replace(base, budget=budget, shared_reads=SharedReads())
    documents: dict[int, Document[Result]] = {}
    lock = threading.Lock()
    # On a terminal, the text run's progress is a board of live rows; elsewhere, whole lines.
    board = LiveBoard(base.stdout, lock) if parallel > 1 and _is_terminal(base) else None

    def work(index: int, cancel: threading.Event) -> int:
        member = members[index]
        inv = replace(base, config=member.config, cancel=cancel)
        label = member.stem
        if board is not None:
            out = cast(TextIO, BoardLines(board, label))  # a text stream in all uses of it
            inv = replace(inv, stdout=out, stderr=out)
        elif parallel > 1:
            out = cast(TextIO, PrefixedLines(base.stdout, label, lock))
            err = cast(TextIO, PrefixedLines(base.stderr, label, lock))
            inv = replace(inv, stdout=out, stderr=err)
        else:
            inv.say(f"== {member.config} ==")
        outcome, prog_of = _outcome(member, inv, spec_for, prog)
        documents[index] = deliver(prog_of, inv, outcome, print_json=False)
        for stream in (inv.stdout, inv.stderr):
            stream.flush()
        if board is not None:
            board.done(label)
        return outcome.exit_code

    runs = run_steps(steps, work, max_parallel=parallel, name=lambda i: members[i].config)
    estate = EstateDocument(
        tool=prog,
        action=base.action,
        exit_code=worst([run.exit_code for run in runs]),
        max_parallel=parallel,
        plan=plan,
        configs=[
            *(
                _config_run(members[index], runs[index], documents.get(index))
                for index in _in_plan_order(steps)
            ),
            *(
                _config_run(m, StepRun(ExitCode.OK, 0.0, reasons[m.config]))
                for m in everything
                if m.config in reasons
            ),
        ],
        api_budget=None if budget is None else ApiBudgetUse(
            max_api_rate=budget.ceiling, polls=len(budget.taken), throttled=budget.throttles,
            peak_calls_per_second=budget.peak_per_second(),
        ),
    )  # fmt: skip
    if base.output == "json":
        base.stdout.write(estate.to_json())
        base.stdout.flush()
    else:
        for line in summary_lines(estate):
            base.print_result(line)
    return estate.exit_code


def _is_terminal(inv: Invocation) -> bool:
    """Text on a terminal: the one case the board's cursor movements are for."""
    try:
        return inv.output == "text" and inv.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def _outcome(member: Member, inv: Invocation, spec_for: SpecFor,
             prog: str) -> tuple[Outcome, str]:  # fmt: skip
    if member.tool is None:
        error = InputError(
            member.config,
            "is neither an ML use case's config nor a SEC config (it has neither tool's own "
            "fields); check it with ml-provisioner or sec-provisioner --action validate",
        )
        return Outcome(None, ExitCode.BAD_INPUT, error=error.render()), prog
    spec = spec_for(member.tool)
    assert spec is not None  # left out before the run otherwise
    return run_action(spec, inv), member.tool


def left_out(member: Member, spec_for: SpecFor, action: str, single: ToolName | None) -> str | None:
    """Why the run leaves this config out, if it does: the other tool's config in one tool's
    run, or a config whose tool has no such action."""
    if member.tool is None:
        return None
    if spec_for(member.tool) is not None:
        return None
    if single is not None and member.tool != single:
        return f"left out: {member.tool}'s config (provisioner runs both tools')"
    return f"left out: {member.tool} has no action {action}"


def _wave_of(steps: Sequence[Step]) -> dict[int, int]:
    return {index: number for number, wave in enumerate(waves(steps), 1) for index in wave}


def _in_plan_order(steps: Sequence[Step]) -> list[int]:
    wave_of = _wave_of(steps)
    return sorted(range(len(steps)), key=lambda i: (wave_of[i], i))


def _plan(steps: Sequence[Step]) -> list[PlannedConfig]:
    wave_of = _wave_of(steps)
    return [
        PlannedConfig(
            config=steps[i].member.config,
            tool=steps[i].member.tool,
            wave=wave_of[i],
            after=[steps[a].member.config for a in steps[i].after],
        )
        for i in _in_plan_order(steps)
    ]


def _say_plan(base: Invocation, plan: Sequence[PlannedConfig], parallel: int,
              budget: ApiBudget) -> None:  # fmt: skip
    base.say(
        f"plan: {base.action} over {len(plan)} configs, at most {parallel} at a time "
        f"(--max-parallel), polling at most {budget.ceiling:g} calls a second (--max-api-rate)"
    )
    for entry in plan:
        after = f"  after {', '.join(entry.after)}" if entry.after else ""
        base.say(f"  {entry.wave}. {entry.config} ({entry.tool or 'neither tool'}){after}")


def _config_run(
    member: Member, run: StepRun, document: Document[Result] | None = None
) -> ConfigRun:
    result = document.result if document is not None else None
    return ConfigRun(
        config=member.config,
        tool=member.tool,
        exit_code=run.exit_code,
        seconds=round(run.seconds, 3),
        skipped=run.skipped,
        failing_resources=result.failing_resources() if result is not None else [],
        document=document,
    )


def summary_lines(estate: EstateDocument) -> list[str]:
    """The table after a run: one row per config, then the run's exit code."""
    rows = [("config", "result", "exit", "seconds", "failing resources")]
    for run in estate.configs:
        word = run.skipped or _WORDS.get(ExitCode(run.exit_code), str(run.exit_code))
        if run.document is not None and run.document.error is not None:
            word = f"{word}: {_cut(run.document.error.message.splitlines()[0])}"
        failing = ", ".join(run.failing_resources) or "-"
        rows.append((run.config, word, str(run.exit_code), f"{run.seconds:.2f}", failing))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
             + "  " + row[4] for row in rows]  # fmt: skip
    return [*lines, f"{len(estate.configs)} configs, exit {estate.exit_code}"]


def _cut(text: str, limit: int = 70) -> str:
    """A message in a table cell; the whole message is on stderr above, and in the JSON."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
