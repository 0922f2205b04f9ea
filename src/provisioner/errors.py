"""The one error type the CLI turns into a clear message and exit code 2."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# However large the input, a message stays readable: a value echoed back is cut in the middle,
# and a long list of problems ends with how many more there are.
MAX_PROBLEM_CHARS = 2000
MAX_PROBLEMS_SHOWN = 25


def bounded(text: str, limit: int = MAX_PROBLEM_CHARS) -> str:
    """The text, or its start and end with how much was left out between them."""
    if len(text) <= limit:
        return text
    keep = (limit - 40) // 2
    return f"{text[:keep]} …[{len(text) - 2 * keep:,} characters left out]… {text[-keep:]}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what is allowed."""

    field: str
    message: str

    def render(self) -> str:
        return bounded(f"{self.field}: {self.message}" if self.field else self.message)


class InputError(Exception):
    """Bad input of any kind: config, arguments, files. Always exit code 2."""

    def __init__(self, source: str, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.source = source
        self.problems = tuple(problems)
        super().__init__(self.render())

    def render(self) -> str:
        source = bounded(self.source, 500)
        if len(self.problems) == 1:
            return f"{source}: {self.problems[0].render()}"
        lines = [f"{source}: {len(self.problems)} problems"]
        lines += [f"  - {p.render()}" for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"  … and {len(self.problems) - MAX_PROBLEMS_SHOWN} more")
        return "\n".join(lines)
