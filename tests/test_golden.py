"""The generated templates, policies and reports of every bundled example match the reviewed
golden files under tests/golden/ byte for byte (tests/golden_outputs.py says what is kept).

A difference is either a regression or an intended change: for the latter, run
scripts/regen-golden and commit the reviewed diff.
"""

from __future__ import annotations

import contextlib
import difflib
import json
from pathlib import Path

import pytest

from golden_outputs import GOLDEN, committed, example_configs, generate

_DIFF_LINES = 40
_HINT = "if the change is intended, run scripts/regen-golden and review the diff"


def _lines(content: bytes) -> list[str]:
    """A file as lines to diff; a template is one line of JSON, so it is indented first."""
    text = content.decode("utf-8", errors="replace")
    if text.count("\n") <= 1:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), indent=1, sort_keys=False)
    return text.splitlines(keepends=False)


def _short_diff(rel: str, golden: bytes, generated: bytes) -> str:
    diff = list(
        difflib.unified_diff(
            _lines(golden),
            _lines(generated),
            f"golden/{rel}",
            f"generated/{rel}",
            lineterm="",
            n=2,
        )
    )
    if not diff:  # the same lines, other bytes: line endings, a trailing newline, indentation
        return f"(same text after re-indenting; {len(golden)} vs {len(generated)} bytes)"
    more = len(diff) - _DIFF_LINES
    return "\n".join(diff[:_DIFF_LINES]) + (f"\n… {more} more diff lines" if more > 0 else "")


def differences(stem: str, generated: dict[str, bytes], golden: dict[str, bytes]) -> list[str]:
    """Every way the generated files of one example differ from its golden files."""
    found = []
    for rel in sorted(golden.keys() - generated.keys()):
        found.append(f"stale golden file {stem}/{rel}: the actions no longer write it")
    for rel in sorted(generated.keys() - golden.keys()):
        found.append(f"no golden file for {stem}/{rel}, which the actions write")
    for rel in sorted(golden.keys() & generated.keys()):
        if golden[rel] != generated[rel]:
            found.append(
                f"{stem}/{rel} differs from its golden file:\n"
                + _short_diff(f"{stem}/{rel}", golden[rel], generated[rel])
            )
    return found


@pytest.mark.parametrize("config", example_configs(), ids=lambda path: path.stem)
def test_outputs_match_the_golden_files(config: Path) -> None:
    found = differences(config.stem, generate(config), committed(config.stem))
    assert not found, "\n\n".join([*found, _HINT])


def test_every_golden_directory_belongs_to_an_example() -> None:
    stems = {config.stem for config in example_configs()}
    stale = sorted(p.name for p in GOLDEN.iterdir() if p.name not in stems)
    assert not stale, f"golden directories of no example in examples/configs/: {stale}; {_HINT}"


def test_every_example_has_golden_files_of_each_kind() -> None:
    """What the byte comparison cannot see: a kind of output that was never committed."""
    for config in example_configs():
        kinds = {rel.split("/")[0] for rel in committed(config.stem)}
        assert kinds == {"templates", "manifests", "policies", "reports"}, config.stem


def test_a_changed_file_is_named_with_a_short_diff() -> None:
    golden = {
        "templates/a-stack.json": b'{"Resources":{"A":{"Type":"AWS::IAM::Role"}}}',
        "policies/p.json": b"{}\n",
    }
    generated = {
        "templates/a-stack.json": b'{"Resources":{"A":{"Type":"AWS::IAM::Group"}}}',
        "reports/r.md": b"# r\n",
    }
    found = differences("x", generated, golden)
    assert found[0] == "stale golden file x/policies/p.json: the actions no longer write it"
    assert found[1] == "no golden file for x/reports/r.md, which the actions write"
    assert found[2].startswith("x/templates/a-stack.json differs from its golden file:\n")
    assert '-   "Type": "AWS::IAM::Role"' in found[2]
    assert '+   "Type": "AWS::IAM::Group"' in found[2]


def test_a_long_diff_is_cut_short() -> None:
    golden = {"reports/r.md": "".join(f"line {i}\n" for i in range(200)).encode()}
    generated = {"reports/r.md": "".join(f"LINE {i}\n" for i in range(200)).encode()}
    (found,) = differences("x", generated, golden)
    assert found.count("\n") <= 42
    assert found.endswith("more diff lines")
