"""Many configs in one run (docs/estate.md): `--config` given several times or as a glob,
`--config-dir`, and the `provisioner` entry point for both tools' configs; their order, their
parallel run, their summary and exit code."""

from __future__ import annotations

import _thread
import io
import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import EXAMPLES, ROOT, CliResult
from provisioner.cli import estate, ml, sec
from provisioner.exit_codes import ExitCode
from provisioner.fleet.members import ML, SEC, Member, read_member
from provisioner.fleet.order import plan_steps, waves
from provisioner.fleet.runner import run_steps, worst

STARTER = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
TECHCORP_SEC = "techcorp-prod-a001-us-west-2-sec.yaml"
DEV_SEC = "techcorp-dev-a001-us-west-2-sec.yaml"
SEC_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("*-sec.yaml"))
ML_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("*-ml-codecommit.yaml"))


def run(main: Any, argv: list[str], cwd: Path) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, cwd=cwd, stdout=out, stderr=err, env={})
    return CliResult(int(code), out.getvalue(), err.getvalue())


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "configs" not in p.parts}  # fmt: skip


# -- which configs -----------------------------------------------------------------------------
def test_config_dir_runs_each_config_and_writes_what_each_run_alone_writes(
    workdir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    together = run(ml.main, ["--config-dir", "configs", "-act", "create-template"], workdir)
    assert together.code == 0, together.err
    alone_dir = tmp_path_factory.mktemp("alone")
    shutil.copytree(EXAMPLES, alone_dir / "configs")
    for name in ML_EXAMPLES:
        assert run(ml.main, ["-con", name, "-act", "create-template"], alone_dir).code == 0
    assert files_under(workdir) == files_under(alone_dir)
    assert len(files_under(workdir)) == 2 * len(ML_EXAMPLES)  # a template and a manifest each
    # The SEC configs in the directory are left out, and said so; nothing of theirs is written.
    for name in SEC_EXAMPLES:
        row = next(line for line in together.out.splitlines() if line.startswith(f"configs/{name}"))
        assert "left out: sec-provisioner's config" in row


def test_config_given_twice_and_as_a_glob(workdir: Path) -> None:
    twice = run(sec.main, ["-con", TECHCORP_SEC, "-con", DEV_SEC, "-act", "validate"], workdir)
    assert twice.code == 0, twice.err
    assert f"{TECHCORP_SEC}: valid" in twice.out and f"{DEV_SEC}: valid" in twice.out
    assert twice.out.strip().endswith("2 configs, exit 0")
    # A bare pattern is looked up in ./configs/, as a bare file name is; each file runs once.
    glob = run(sec.main, ["-con", "techcorp-*-sec.yaml", "-con", DEV_SEC, "-act", "validate"],
               workdir)  # fmt: skip
    assert glob.code == 0, glob.err
    assert glob.out.count(": valid") == 2 and glob.out.strip().endswith("2 configs, exit 0")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-con", "nothing-*.yaml"], "nothing-*.yaml: matches no config file"),
        (["--config-dir", "missing"], "--config-dir: missing: No such file or directory"),
        (["--config-dir", f"configs/{STARTER}"], "is a file, not a directory"),
        (["--config-dir", "empty"], "empty holds no config file (.yaml or .yml)"),
        ([], "the following arguments are required: -con/--config (or --config-dir)"),
    ],
)
def test_a_selection_of_nothing_is_refused(workdir: Path, argv: list[str], message: str) -> None:
    (workdir / "empty").mkdir()
    result = run(ml.main, [*argv, "-act", "validate"], workdir)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("error: ") and message in result.err
    assert result.err.count("\n") == 1


def test_a_bad_config_among_good_ones_fails_alone_and_sets_the_exit_code(workdir: Path) -> None:
    (workdir / "configs" / "broken-ml-codecommit.yaml").write_text("use_case: [unclosed\n")
    result = run(ml.main, ["--config-dir", "configs", "-act", "create-template"], workdir)
    assert result.code == ExitCode.BAD_INPUT
    assert "broken-ml-codecommit.yaml" in result.err
    for name in ML_EXAMPLES:  # the others ran to their end
        assert (workdir / "templates" / name.replace("-codecommit.yaml", "-stack.json")).exists()
    row = next(line for line in result.out.splitlines()
               if line.startswith("configs/broken-ml-codecommit.yaml "))  # fmt: skip
    assert " bad input: " in row


def test_json_is_one_document_with_each_configs_own(workdir: Path) -> None:
    result = run(estate.main, ["--config-dir", "configs", "-act", "validate", "--output", "json"],
                 workdir)  # fmt: skip
    assert result.code == 0, result.err
    document = json.loads(result.out)  # stdout holds the one document and nothing else
    assert document["tool"] == "provisioner" and document["exit_code"] == 0
    by_config = {run["config"]: run for run in document["configs"]}
    assert set(by_config) == {f"configs/{n}" for n in SEC_EXAMPLES + ML_EXAMPLES}
    schemas = ROOT / "docs" / "schemas"
    for config, entry in by_config.items():
        tool = SEC if config.endswith("-sec.yaml") else ML
        assert entry["tool"] == tool and entry["document"]["tool"] == tool
        schema = json.loads((schemas / f"{tool}-validate.v2.json").read_text())
        jsonschema.validate(entry["document"], schema)
    jsonschema.validate(document, json.loads((schemas / "estate.v2.json").read_text()))


def test_the_estate_entry_point_sends_each_config_to_its_tool(workdir: Path) -> None:
    result = run(estate.main, ["--config-dir", "configs", "-act", "create-policy"], workdir)
    assert result.code == 0, result.err
    written = {p.name for p in (workdir / "policies").iterdir()}
    assert any(n.startswith("techcorp-prod-a001-us-west-2-customer-churn-ml-") for n in written)
    assert any(n.startswith("techcorp-prod-a001-us-west-2-sec-") for n in written)
    seed = run(estate.main, ["--config-dir", "configs", "-act", "create-seed-code"], workdir)
    assert seed.code == 0
    assert "left out: sec-provisioner has no action create-seed-code" in seed.out
    unknown = run(estate.main, ["--config-dir", "configs", "-act", "launch"], workdir)
    assert unknown.code == 2 and "unknown action 'launch'" in unknown.err


def test_a_config_of_neither_tool_is_bad_input_for_the_estate(workdir: Path) -> None:
    (workdir / "configs" / "stray.yaml").write_text("colour: blue\n")
    result = run(estate.main, ["--config-dir", "configs", "-act", "validate"], workdir)
    assert result.code == 2
    assert "stray.yaml: is neither an ML use case's config nor a SEC config" in result.err


# -- the order ---------------------------------------------------------------------------------
def members() -> list[Member]:
    return [read_member(f"configs/{name}", ROOT / "examples", None)
            for name in [*ML_EXAMPLES, *SEC_EXAMPLES]]  # fmt: skip


def test_a_tenants_sec_config_deploys_before_its_use_cases_and_deletes_after() -> None:
    found = members()
    deploy = plan_steps(found, "deploy")
    for step in deploy:
        if step.member.tool == ML:
            (after,) = step.after  # the examples have one SEC config per tenant and region
            sec_config = found[after].config
            assert sec_config.endswith("-sec.yaml")
            assert step.member.config.startswith(sec_config.removesuffix("sec.yaml"))
        else:
            assert step.after == ()
    delete = plan_steps(found, "delete")
    for step in delete:
        if step.member.tool == SEC:
            assert all(found[a].tool == ML for a in step.after)
    # The us-east-1 SEC config and the edge us-west-1 one have no use case: nothing waits.
    assert sum(1 for step in delete if step.after) == len(ML_EXAMPLES)
    assert [len(w) for w in waves(deploy)] == [len(SEC_EXAMPLES), len(ML_EXAMPLES)]
    for action in ("status", "detect-drift", "validate", "test-deploy"):
        assert all(step.after == () for step in plan_steps(found, action))


# -- the runner --------------------------------------------------------------------------------
def test_a_failure_stops_what_depends_on_it_and_nothing_else() -> None:
    found = members()
    steps = plan_steps(found, "deploy")
    failing = next(i for i, m in enumerate(found) if m.config.endswith(TECHCORP_SEC))
    ran: list[int] = []

    def work(index: int, cancel: threading.Event) -> int:
        ran.append(index)
        return ExitCode.AWS_FAILURE if index == failing else ExitCode.OK

    runs = run_steps(steps, work, max_parallel=3, name=lambda i: found[i].config)
    starter = next(i for i, m in enumerate(found) if m.config.endswith(STARTER))
    assert starter not in ran
    assert runs[starter].skipped == f"not run: configs/{TECHCORP_SEC} failed"
    assert sorted(ran) == sorted(set(range(len(found))) - {starter})
    assert worst([r.exit_code for r in runs]) == ExitCode.AWS_FAILURE


def test_at_most_max_parallel_run_at_once_and_independent_ones_overlap() -> None:
    found = members()
    steps = plan_steps(found, "status")  # no order: all independent
    lock, now, peak = threading.Lock(), [0], [0]

    def work(index: int, cancel: threading.Event) -> int:
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        time.sleep(0.05)
        with lock:
            now[0] -= 1
        return 0

    run_steps(steps, work, max_parallel=3)
    assert peak[0] == 3
    run_steps(steps, work, max_parallel=1)
    assert peak[0] == 3 and now[0] == 0


def test_ctrl_c_starts_nothing_new_and_tells_the_running_ones() -> None:
    found = members()
    steps = plan_steps(found, "status")
    cancelled: list[int] = []

    def work(index: int, cancel: threading.Event) -> int:
        if index == 0:
            _thread.interrupt_main()  # Ctrl-C, as the main thread gets it
        if cancel.wait(5):  # what the gateway's next call sees
            cancelled.append(index)
            return ExitCode.INTERRUPTED
        return ExitCode.OK

    runs = run_steps(steps, work, max_parallel=2)
    assert cancelled and all(runs[i].exit_code == ExitCode.INTERRUPTED for i in cancelled)
    not_started = [r for r in runs if r.skipped == "not run: interrupted"]
    assert len(not_started) == len(found) - len(cancelled)
    assert worst([r.exit_code for r in runs]) == ExitCode.INTERRUPTED


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([0, 3, 0], 3),
        ([3, 4], 4),
        ([4, 2], 2),
        ([2, 1], 1),
        ([1, 130, 0], 130),
        ([], 0),
    ],
)
def test_the_exit_code_is_the_worst(codes: list[int], expected: int) -> None:
    assert worst(codes) == expected


def test_a_saved_plan_is_for_one_config_at_a_time(workdir: Path) -> None:
    for flag in (["-act", "show-changes", "--save-plan", "plan.json"],
                 ["-act", "deploy", "--force", "--plan", "plan.json"]):  # fmt: skip
        result = run(ml.main, ["--config-dir", "configs", *flag], workdir)
        assert result.code == 2 and result.out == ""
        assert f"{flag[2 if flag[1] == 'show-changes' else 3]} is for one config at a time" in (
            result.err
        )
        assert not (workdir / "plan.json").exists() and not (workdir / "reports").exists()


# -- the live board on a terminal ----------------------------------------------------------------
def test_the_board_redraws_one_row_per_running_config_and_keeps_what_failed() -> None:
    from provisioner.cli.live_board import BoardLines, LiveBoard

    screen = io.StringIO()
    board = LiveBoard(screen, threading.Lock())
    a, b = BoardLines(board, "tenant-a"), BoardLines(board, "tenant-b")
    a.write("  0.1s [1/3] CREATE_IN_PROGRESS  AWS::IAM::Role  Role\n")
    b.write("  0.1s [1/2] CREATE_IN_PROGRESS  AWS::S3::Bucket  Bucket\n")
    a.write("  0.5s [2/3] CREATE_COMPLETE  AWS::IAM::Role  Role\n")
    b.write("FAILED: b-stack ended in ROLLBACK_COMPLETE\n")
    board.done("tenant-a")
    text = screen.getvalue()
    # Each new line redraws the board in place: cursor up over the rows drawn, clear, redraw.
    assert text.count("\x1b[1F\x1b[J") >= 1 and "\x1b[2F\x1b[J" in text
    final = text.rsplit("\x1b[J", 1)[1]  # what the terminal shows last
    assert final == "[tenant-a] 0.5s [2/3] CREATE_COMPLETE  AWS::IAM::Role  Role\n" + (
        "tenant-b  FAILED: b-stack ended in ROLLBACK_COMPLETE\n"
    )
    # What failed stays above the board: printed once whole, never redrawn away.
    assert "[tenant-b] FAILED: b-stack ended in ROLLBACK_COMPLETE\n" in text


def test_the_configs_of_a_run_share_botocore_s_service_models(tmp_path: Path) -> None:
    """Each config gets its own session (its own credentials and region), but botocore's
    service models are read once for the process, not once per config."""
    from provisioner.cli.aws_actions import open_gateway
    from provisioner.cli.invocation import Invocation

    def gateway(region: str) -> Any:
        inv = Invocation(config="x.yaml", action="status", force=False, dry_run=False,
                         cwd=tmp_path, stdout=io.StringIO(), stderr=io.StringIO(),
                         env={"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"})  # fmt: skip
        return open_gateway(inv, region)

    first, second = gateway("us-west-2"), gateway("eu-west-1")
    assert first.session is not second.session
    loaders = [g.session._session.get_component("data_loader") for g in (first, second)]
    assert loaders[0] is loaders[1]
    assert second.session.region_name == "eu-west-1"


# -- reads shared by the configs of a run --------------------------------------------------------
def test_shared_reads_make_a_read_once_and_read_a_missing_prerequisite_again() -> None:
    from provisioner.fleet.shared_reads import SharedReads

    shared = SharedReads()
    reads: list[str] = []
    gate = threading.Event()

    def account() -> str:
        reads.append("sts")
        gate.wait(1)  # the other configs ask while this read is still out
        return "123456789012"

    threads = [threading.Thread(target=lambda: shared.account(("url", None), account))
               for _ in range(4)]  # fmt: skip
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    gate.set()
    for thread in threads:
        thread.join()
    assert reads == ["sts"]
    assert shared.account(("url", None), account) == "123456789012"
    assert shared.account(("url", "other-profile"), account) == "123456789012"
    assert reads == ["sts", "sts"]  # other credentials: asked again

    answers = iter([False, True, False])
    asked: list[str] = []

    def trust_root() -> bool:
        asked.append("ssm")
        return next(answers)

    assert shared.present("/t", trust_root) is False
    assert shared.present("/t", trust_root) is True  # missing is asked again: now deployed
    assert shared.present("/t", trust_root) is True  # present is kept
    assert asked == ["ssm", "ssm"]
