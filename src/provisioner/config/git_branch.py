"""Git's rules for a branch name (`git check-ref-format --branch`), each with its own message.

CodePipeline and the EventBridge rule take the branch as given; one git cannot create would
leave the pipeline waiting on a branch that can never be pushed.
"""

from __future__ import annotations

# Characters git refuses anywhere in a ref name, besides ASCII control characters.
_FORBIDDEN_CHARACTERS = {
    " ": "space",
    "~": "'~'",
    "^": "'^'",
    ":": "':'",
    "?": "'?'",
    "*": "'*'",
    "[": "'['",
    "\\": "'\\\\'",
}


def _is_control(character: str) -> bool:
    return ord(character) < 0x20 or ord(character) == 0x7F


def branch_name_problems(name: str) -> list[str]:
    """Every rule of git's the branch name breaks; empty when git would accept it."""
    if not name:
        return ["a git branch name cannot be empty"]
    problems = []
    if name == "@":
        problems.append("'@' alone is not a valid git branch name")
    if name == "HEAD":
        problems.append("'HEAD' is not a valid git branch name")
    if name.startswith("-"):
        problems.append("a git branch name cannot begin with '-'")
    if ".." in name:
        problems.append("a git branch name cannot contain '..'")
    if "@{" in name:
        problems.append("a git branch name cannot contain '@{'")
    if any(_is_control(c) for c in name):
        problems.append("a git branch name cannot contain ASCII control characters")
    forbidden = [label for c, label in _FORBIDDEN_CHARACTERS.items() if c in name]
    if forbidden:
        problems.append(f"a git branch name cannot contain {', '.join(forbidden)}")
    if name.startswith("/") or name.endswith("/"):
        problems.append("a git branch name cannot begin or end with '/'")
    if "//" in name:
        problems.append("a git branch name cannot contain '//'")
    if name.endswith("."):
        problems.append("a git branch name cannot end with '.'")
    components = [c for c in name.split("/") if c]
    if any(c.startswith(".") for c in components):
        problems.append("no '/'-separated part of a git branch name can begin with '.'")
    if any(c.endswith(".lock") for c in components):
        problems.append("no '/'-separated part of a git branch name can end with '.lock'")
    return problems
