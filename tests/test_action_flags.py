"""Each action takes only its own flags (cli/flags.py): any other is refused with exit 2, the
flags it does take named, before anything is read or written; so is any option given twice.
And the shell's own exits: Ctrl-C and a broken pipe."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from provisioner.cli import ml, sec
from provisioner.cli.flags import ACTION_FLAGS, TOOL_ACTION_FLAGS, flags_of
from provisioner.cli.invocation import Invocation
from provisioner.cli.shell import parse_invocation
from provisioner.cli.shell import run as run_shell
from provisioner.cli.tool import ActionSpec
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.results.base import Result

TOOLS = {ml.PROG: ml, sec.PROG: sec}
# Every flag but --config and --action, with a value where it takes one.
FLAGS = {
    "--force": [],
    "--dry-run": [],
    "--keep": [],
    "--allow-broadening": [],
    "--fail-on-broadening": [],
    "--disable-termination-protection": [],
    "--profile": ["dev"],
    "--endpoint-url": ["http://localhost:4566"],
    "--sec-config": ["other-sec.yaml"],
    "--output": ["json"],
    "--max-parallel": ["2"],
    "--max-api-rate": ["5"],
    "--save-plan": ["plan.json"],
    "--plan-ttl": ["30"],
    "--plan": ["plan.json"],
}
CASES = [(prog, spec.name) for prog, tool in TOOLS.items() for spec in tool.ACTIONS]


def run(prog: str, argv: list[str], cwd: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = TOOLS[prog].main(argv, cwd=cwd, stdout=out, stderr=err, env={})
    return int(code), out.getvalue(), err.getvalue()


def parse(prog: str, argv: list[str]) -> Invocation:
    _, invocation = parse_invocation(
        TOOLS[prog].TOOL, argv, cwd=Path("."), stdout=io.StringIO(), stderr=io.StringIO(), env={}
    )
    return invocation


def test_the_table_covers_every_action_of_both_tools_and_only_known_flags() -> None:
    names = {name for _, name in CASES}
    assert set(ACTION_FLAGS) == names
    assert {action for _, action in TOOL_ACTION_FLAGS} <= names
    for prog, action in CASES:
        assert set(flags_of(prog, action)) <= set(FLAGS), (prog, action)


def test_every_action_takes_output() -> None:
    assert all("--output" in flags_of(prog, action) for prog, action in CASES)


def test_what_the_issue_found_ignored_is_refused() -> None:
    assert "--dry-run" not in flags_of(ml.PROG, "create-template")
    assert "--keep" not in flags_of(ml.PROG, "deploy")
    assert "--sec-config" not in flags_of(sec.PROG, "validate")
    assert "--dry-run" not in flags_of(sec.PROG, "delete")  # it would delete anyway


@pytest.mark.parametrize(("prog", "action"), [(ml.PROG, "deploy"), (sec.PROG, "deploy"),
                                              (sec.PROG, "bootstrap")])  # fmt: skip
def test_fail_on_broadening_gates_a_dry_run_only(prog: str, action: str, tmp_path: Path) -> None:
    """A deploy gates broadening itself (in production, --allow-broadening): the CI gate
    belongs to its --dry-run, a show-changes. Refused before the config is looked for."""
    argv = ["-con", "missing.yaml", "-act", action, "--force", "--fail-on-broadening"]
    code, out, err = run(prog, argv, tmp_path)
    assert code == 2 and out == ""
    assert f"{action} takes --fail-on-broadening with --dry-run only" in err
    assert "missing.yaml" in err and "not found" not in err
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(("prog", "action"), CASES)
def test_a_flag_the_action_does_not_take_is_refused_with_its_flags(
    prog: str, action: str, tmp_path: Path
) -> None:
    accepted = flags_of(prog, action)
    for flag, value in FLAGS.items():
        if flag in accepted:
            continue
        # Before the config is even looked for: this one does not exist.
        code, out, err = run(prog, ["-con", "missing.yaml", "-act", action, flag, *value], tmp_path)
        assert code == 2, (flag, err)
        takes = ", ".join(accepted) or "none"
        assert err == (
            f"error: {prog}: --action {action} does not take {flag} (its flags besides "
            f"--config and --action: {takes}); nothing was done\n"
        )
        assert out == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("prog", "action"), CASES)
def test_the_flags_the_action_takes_are_taken(prog: str, action: str) -> None:
    argv = ["-con", "x.yaml", "-act", action]
    for flag in flags_of(prog, action):
        argv += [flag, *FLAGS[flag]]
    invocation = parse(prog, argv)
    assert invocation.action == action


@pytest.mark.parametrize(("prog", "action"), CASES)
def test_an_option_given_twice_is_refused(prog: str, action: str, tmp_path: Path) -> None:
    base = ["-con", "missing.yaml", "-act", action]
    twice = [
        (["-con", "missing.yaml", "--action", action, "--action", action], "--action", "--action"),
        # --config given twice is a run over both configs (tests/test_estate.py).
        (
            ["-act", action, "--config-dir", "a", "--config-dir", "b"],
            "--config-dir",
            "--config-dir",
        ),
        *(
            ([*base, flag, *FLAGS[flag], flag, *FLAGS[flag]], flag, flag)
            for flag in flags_of(prog, action)
        ),
    ]
    for argv, name, second in twice:
        code, out, err = run(prog, argv, tmp_path)
        assert code == 2, (argv, err)
        assert f"error: {prog}: {name} given twice (" in err and f", then {second}" in err, err
        assert err.count("\n") == 1 and out == "" and list(tmp_path.iterdir()) == []


def test_two_actions_are_refused_rather_than_the_last_kept(tmp_path: Path) -> None:
    code, _, err = run(ml.PROG, ["-con", "x.yaml", "-act", "validate", "-act", "delete"], tmp_path)
    assert code == 2
    assert err == (
        "error: ml-provisioner: --action given twice (-act validate, then -act delete); "
        "give it once\n"
    )


def test_an_alias_takes_the_flags_of_its_action(tmp_path: Path) -> None:
    code, _, err = run(sec.PROG, ["-con", "x.yaml", "-act", "create-policy", "--force"], tmp_path)
    assert code == 2 and "--action export-iam-policy does not take --force" in err


@pytest.mark.parametrize("prog", sorted(TOOLS))
def test_help_lists_each_actions_flags(prog: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        TOOLS[prog].main(["--help"])
    assert done.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    for spec in TOOLS[prog].ACTIONS:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"  {spec.name} "))
        flags = " ".join(flags_of(prog, spec.name)) or "none"
        assert lines[at + 1].split() == ["flags:", *flags.split()], spec.name


# -- interrupted, or the reader gone: ExitCode names both -----------------------------------
class _Raising:
    """A tool whose one action raises `error`."""

    prog = ml.PROG
    description = ""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def own_actions(self) -> tuple[ActionSpec, ...]:
        def handler(inv: Invocation) -> Result:
            raise self.error

        return (ActionSpec("validate", "raises", handler, Result),)

    def target(self, inv: Invocation, suffix: str | None) -> DeployTarget:
        raise AssertionError("no AWS action runs here")


def test_ctrl_c_exits_130_with_one_line() -> None:
    err = io.StringIO()
    code = run_shell(_Raising(KeyboardInterrupt()), ["-con", "x", "-act", "validate"],
                     cwd=Path("."), stdout=io.StringIO(), stderr=err, env={})  # fmt: skip
    assert code == ExitCode.INTERRUPTED.value == 130 and err.getvalue() == "interrupted\n"


def test_a_broken_pipe_exits_141_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "stderr", sys.stderr)  # the handler silences it for the exit
    err = io.StringIO()
    code = run_shell(_Raising(BrokenPipeError()), ["-con", "x", "-act", "validate"],
                     cwd=Path("."), stdout=io.StringIO(), stderr=err, env={})  # fmt: skip
    assert code == ExitCode.BROKEN_PIPE.value == 141 and err.getvalue() == ""


def test_the_readme_flags_table_is_the_flags_module() -> None:
    """README's "Flags by action" table says, for every action of each tool, exactly the flags
    cli/flags.py accepts."""
    import re

    from conftest import ROOT
    from provisioner.cli.flags import ACTION_FLAGS, flags_of

    section = (ROOT / "README.md").read_text().split("### Flags by action", 1)[1]
    table = section.split("| action | flags besides", 1)[1].split("\n\n", 1)[0]
    documented: dict[tuple[str, str], set[str]] = {}
    for line in table.splitlines()[2:]:
        actions_cell, flags_cell = (c.strip() for c in line.strip("|").split("|"))
        actions = re.findall(r"`([a-z-]+)`", actions_cell)
        tools = ["sec-provisioner"] if "(sec-provisioner)" in actions_cell else [
            "ml-provisioner", "sec-provisioner"]  # fmt: skip
        for tool in tools:
            part = flags_cell
            if "ml-provisioner:" in flags_cell:  # per tool: "ml-provisioner: …; sec-…: …"
                part = next(p for p in flags_cell.split(";") if tool in p)
            for action in actions:
                documented[(tool, action)] = set(re.findall(r"`(--[a-z-]+)`", part))
    for tool in ("ml-provisioner", "sec-provisioner"):
        for action in ACTION_FLAGS:
            if action == "bootstrap" and tool == "ml-provisioner":
                continue
            assert documented[(tool, action)] == set(flags_of(tool, action)), (tool, action)
