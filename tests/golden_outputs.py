"""The golden files: what the CLIs' own local actions write for every bundled example
(examples/configs/*.yaml), kept under tests/golden/<config stem>/ so that any change to a
generated template, policy or report shows up as a reviewed diff.

Kept of each example: the templates and their deploy-order manifest (create-template), every
policy file: the operator's four variants with all their parts and, for a SEC config, the
bootstrap administrator's (create-policy / export-iam-policy), and the Markdown report
(create-report). The HTML report is left out: it renders the same content as the Markdown one,
plus layout and an inline diagram whose diffs no reviewer reads.

Nothing needs normalizing: the local actions write no timestamp, tool version or absolute path
(the test fails, naming the file, if one ever does: it would differ from run to run or machine
to machine), so the files are compared byte for byte.

Run as a script (scripts/regen-golden) it rewrites tests/golden/ from scratch.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
from pathlib import Path

from provisioner.cli import ml, sec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "configs"
GOLDEN = ROOT / "tests" / "golden"

# Each tool's local actions whose files are golden.
_ML_ACTIONS = ("create-template", "create-policy", "create-report")
_SEC_ACTIONS = ("create-template", "export-iam-policy", "create-report")
# The outputs kept, relative to the directory the actions ran in.
_KEPT = ("templates/*.json", "manifests/*.json", "policies/*.json", "reports/*.md")


def example_configs() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


def generate(config: Path) -> dict[str, bytes]:
    """Run the local actions on one config in a fresh directory: relative path → content."""
    is_sec = config.stem.endswith("-sec")
    main = sec.main if is_sec else ml.main
    actions = _SEC_ACTIONS if is_sec else _ML_ACTIONS
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "configs").mkdir()
        shutil.copyfile(config, work / "configs" / config.name)
        for action in actions:
            out, err = io.StringIO(), io.StringIO()
            code = main(
                ["--config", config.name, "--action", action], cwd=work, stdout=out, stderr=err
            )
            if code != 0:
                raise RuntimeError(
                    f"{config.name} --action {action} exited {code}: {err.getvalue()}"
                )
        return {
            path.relative_to(work).as_posix(): path.read_bytes()
            for pattern in _KEPT
            for path in sorted(work.glob(pattern))
        }


def generate_all() -> dict[str, dict[str, bytes]]:
    """Every example's outputs, by config stem (the directory under tests/golden/)."""
    return {config.stem: generate(config) for config in example_configs()}


def committed(stem: str) -> dict[str, bytes]:
    """The golden files of one example as committed, relative to its directory."""
    directory = GOLDEN / stem
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def regenerate() -> int:
    outputs = generate_all()  # all of it first: a failing example leaves the old files alone
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for stem, files in outputs.items():
        for rel, content in files.items():
            path = GOLDEN / stem / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    count = sum(len(files) for files in outputs.values())
    print(f"wrote {count} golden files for {len(outputs)} examples to {GOLDEN.relative_to(ROOT)}/")
    print("review them (git diff; see README, Testing) before committing")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
