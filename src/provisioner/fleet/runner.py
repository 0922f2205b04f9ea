"""Running an estate's steps: each as soon as what it waits for has succeeded, at most
`max_parallel` at a time; a step whose prerequisite failed is skipped, and nothing else is.

Ctrl-C starts nothing new. The steps running are told through `cancel`: their AWS calls stop
at the next one (an operation CloudFormation runs goes on, and the next run follows it), and
the run waits for them to say so.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from provisioner.exit_codes import ExitCode
from provisioner.fleet.order import Step

DEFAULT_MAX_PARALLEL = 4
_TICK = 0.2  # seconds: how soon the main thread sees Ctrl-C while steps run
# What stops the steps that wait for this one: it did not do its job. Drift found or access
# broadening (a show-changes gate) are findings, not failures.
_FAILED = frozenset({ExitCode.AWS_FAILURE, ExitCode.BAD_INPUT, ExitCode.INTERRUPTED})
# The order exit codes are "worse" in, for the run's own exit code: an interrupted run first,
# then a failure in AWS, bad input, access broadening, drift.
_SEVERITY = (
    ExitCode.INTERRUPTED, ExitCode.AWS_FAILURE, ExitCode.BAD_INPUT, ExitCode.BROADENING,
    ExitCode.DRIFT, ExitCode.OK,
)  # fmt: skip


def worst(codes: Sequence[int]) -> int:
    """The run's exit code: the worst of its steps' (an unknown code counts as a failure)."""
    rank = {int(code): place for place, code in enumerate(_SEVERITY)}
    return min(codes, key=lambda c: rank.get(c, 1), default=ExitCode.OK)


@dataclass(frozen=True)
class StepRun:
    exit_code: int
    seconds: float
    skipped: str | None = None  # why it did not run: the prerequisite that failed, or Ctrl-C


Work = Callable[[int, threading.Event], int]  # (step index, cancel) → exit code


class _Run:
    """The state of one run, shared by the main thread and the steps' threads."""

    def __init__(self, steps: Sequence[Step], work: Work, name: Callable[[int], str]) -> None:
        self.steps, self.work, self.name = steps, work, name
        self.cancel = threading.Event()
        self.changed = threading.Condition()
        self.runs: dict[int, StepRun] = {}
        self.running: set[int] = set()
        self.pending = list(range(len(steps)))
        self.errors: list[BaseException] = []

    def step(self, index: int) -> None:
        started = time.monotonic()
        try:
            code = self.work(index, self.cancel)
        except KeyboardInterrupt:
            code = ExitCode.INTERRUPTED
        except BaseException as exc:  # a defect: raised in the main thread once all have ended
            self.errors.append(exc)
            code = ExitCode.AWS_FAILURE
        with self.changed:
            self.runs[index] = StepRun(code, time.monotonic() - started)
            self.running.discard(index)
            self.changed.notify_all()

    def skip_blocked(self) -> None:
        for index in list(self.pending):
            after = self.steps[index].after
            failed = [a for a in after if a in self.runs and self.runs[a].exit_code in _FAILED]
            if failed:
                self.pending.remove(index)
                why = f"not run: {', '.join(self.name(a) for a in failed)} failed"
                self.runs[index] = StepRun(ExitCode.BAD_INPUT, 0.0, why)

    def ready(self) -> list[int]:
        return [i for i in self.pending if all(a in self.runs for a in self.steps[i].after)]


def run_steps(
    steps: Sequence[Step],
    work: Work,
    *,
    max_parallel: int = DEFAULT_MAX_PARALLEL,
    name: Callable[[int], str] = str,
) -> list[StepRun]:
    """Every step's run, in the steps' order."""
    state = _Run(steps, work, name)
    # Own threads, each listed before it starts: Ctrl-C may land anywhere, even inside a
    # thread's start, and every thread that did start is still waited for below.
    threads: list[threading.Thread] = []
    try:
        with state.changed:
            while state.pending or state.running:
                state.skip_blocked()
                for index in state.ready()[: max(0, max_parallel - len(state.running))]:
                    state.pending.remove(index)
                    state.running.add(index)
                    thread = threading.Thread(
                        target=state.step, args=(index,), name=f"step-{index}", daemon=True
                    )
                    threads.append(thread)
                    thread.start()
                if state.running:
                    # With a timeout: a wait without one may not see Ctrl-C until it ends.
                    state.changed.wait(_TICK)
    except KeyboardInterrupt:
        state.cancel.set()
        for index in state.pending:
            state.runs[index] = StepRun(ExitCode.INTERRUPTED, 0.0, "not run: interrupted")
        state.pending.clear()
    try:
        for thread in threads:  # cancelled, they end at their next AWS call
            if thread.ident is not None:
                thread.join()
    except KeyboardInterrupt:  # a second Ctrl-C: stop waiting; what has not ended says so
        state.cancel.set()
    if state.errors:
        raise state.errors[0]
    return [
        state.runs.get(index) or _unfinished(index in state.running) for index in range(len(steps))
    ]


def _unfinished(started: bool) -> StepRun:
    """A step with no run of its own: a second Ctrl-C stopped the wait for it, or the first
    came between taking it and starting its thread."""
    why = "interrupted: still running when the run stopped" if started else "not run: interrupted"
    return StepRun(ExitCode.INTERRUPTED, 0.0, why)
