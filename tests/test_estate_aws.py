"""An estate run against the emulator (docs/estate.md): a tenant's SEC stacks before its ML use
cases, other tenants beside them, a failure that stops only what depends on it, and Ctrl-C."""

from __future__ import annotations

import _thread
import io
import json
import math
import re
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import test_deploy
from conftest import EXAMPLES, CliResult
from provisioner.cli import estate
from provisioner.config.ml_loader import load_ml_config
from provisioner.emulator.estates import write_estate
from provisioner.emulator.examples import make_deployable
from provisioner.emulator.faults import FAULTS, Fault
from provisioner.emulator.settings import SETTINGS
from provisioner.ml.plan import plan_stack

cloud = test_deploy.cloud  # the emulator fixture, reset per test

STARTER = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
TECHCORP_SEC = "techcorp-prod-a001-us-west-2-sec.yaml"
DEV_SEC = "techcorp-dev-a001-us-west-2-sec.yaml"
CHOSEN = (STARTER, TECHCORP_SEC, DEV_SEC)


def only(workdir: Path, names: tuple[str, ...]) -> None:
    for config in (workdir / "configs").iterdir():
        if config.name not in names:
            config.unlink()


def run(workdir: Path, *argv: str) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    code = estate.main(list(argv), cwd=workdir, stdout=out, stderr=err)
    return CliResult(int(code), out.getvalue(), err.getvalue())


def estate_document(result: CliResult) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.out)
    return document


def test_two_tenants_deploy_in_order_and_beside_each_other(cloud: Any, workdir: Path) -> None:
    only(workdir, CHOSEN)
    boot = run(workdir, "--config-dir", "configs", "-act", "bootstrap", "--force",
               "--allow-broadening")  # fmt: skip
    assert boot.code == 0, boot.out + boot.err
    assert "left out: ml-provisioner has no action bootstrap" in boot.out
    deployed = run(workdir, "--config-dir", "configs", "-act", "deploy", "--force",
                   "--allow-broadening", "--output", "json")  # fmt: skip
    assert deployed.code == 0, deployed.err
    document = estate_document(deployed)
    plan = {entry["config"]: entry for entry in document["plan"]}
    assert plan[f"configs/{STARTER}"]["after"] == [f"configs/{TECHCORP_SEC}"]
    assert plan[f"configs/{STARTER}"]["wave"] == 2 and plan[f"configs/{DEV_SEC}"]["wave"] == 1
    # The plan is printed before anything runs (progress on stderr beside the JSON).
    assert deployed.err.index("plan: deploy over 3 configs") < deployed.err.index("creating")
    runs = {entry["config"]: entry for entry in document["configs"]}
    sec_run = runs[f"configs/{TECHCORP_SEC}"]["document"]["aws"]
    ml_run = runs[f"configs/{STARTER}"]["document"]["aws"]

    def ended(aws: dict[str, Any]) -> float:
        return datetime.fromisoformat(aws["started"]).timestamp() + float(aws["seconds"])

    assert datetime.fromisoformat(ml_run["started"]).timestamp() >= ended(sec_run)
    # Every line of a config's progress carries its config.
    for line in deployed.err.splitlines():
        if "CREATE_COMPLETE" in line:
            assert re.match(r"\[[a-z0-9-]+\] ", line), line
    assert all(entry["exit_code"] == 0 for entry in document["configs"])
    assert set(cloud.stacks()) >= {
        "techcorp-prod-a001-us-west-2-customer-churn-ml-stack",
        "techcorp-prod-a001-us-west-2-teams-01-sec-stack",
        "techcorp-dev-a001-us-west-2-teams-01-sec-stack",
    }


def test_a_failing_sec_deploy_stops_its_use_case_and_not_the_other_tenant(
    cloud: Any, workdir: Path
) -> None:
    only(workdir, CHOSEN)
    assert run(workdir, "--config-dir", "configs", "-act", "bootstrap", "--force",
               "--allow-broadening").code == 0  # fmt: skip
    # In the way of the techcorp prod SEC stack: a group of the name it creates.
    cloud.client("iam").create_group(GroupName="techcorp-prod-a001-group-churn-ds")
    result = run(workdir, "--config-dir", "configs", "-act", "deploy", "--force",
                 "--allow-broadening")  # fmt: skip
    assert result.code == 1, result.out + result.err
    rows = {
        line.split()[0]: line for line in result.out.splitlines() if line.startswith("configs/")
    }
    assert " failed " in rows[f"configs/{TECHCORP_SEC}"]
    assert "ChurnDsGroup" in rows[f"configs/{TECHCORP_SEC}"]  # its failing resource, named
    assert f"not run: configs/{TECHCORP_SEC} failed" in rows[f"configs/{STARTER}"]
    assert " ok " in rows[f"configs/{DEV_SEC}"]
    assert "techcorp-prod-a001-us-west-2-customer-churn-ml-stack" not in cloud.stacks()
    assert cloud.stacks()["techcorp-dev-a001-us-west-2-teams-01-sec-stack"] == "CREATE_COMPLETE"


def test_throttling_at_the_rate_limit_fails_nothing_and_polls_stay_under_it(
    cloud: Any, workdir: Path
) -> None:
    only(workdir, CHOSEN)
    assert run(workdir, "--config-dir", "configs", "-act", "bootstrap", "--force",
               "--allow-broadening").code == 0  # fmt: skip
    FAULTS.add(Fault("DescribeStackEvents", 400, "Throttling", 4),
               Fault("DescribeChangeSet", 400, "Throttling", 2),
               Fault("CreateChangeSet", 400, "Throttling", 1))  # fmt: skip
    result = run(workdir, "--config-dir", "configs", "-act", "deploy", "--force",
                 "--allow-broadening", "--max-parallel", "3", "--max-api-rate", "5",
                 "--output", "json")  # fmt: skip
    assert result.code == 0, result.err
    assert FAULTS.take("*") is None, "every injected fault was served and survived"
    budget = estate_document(result)["api_budget"]
    assert budget["max_api_rate"] == 5
    assert budget["throttled"] == 7  # every throttled CloudFormation answer tells the budget
    assert 0 < budget["peak_calls_per_second"] <= 5
    assert budget["polls"] > 10
    # The budget holds the calls that wait (each attempt: the 6 throttled polls were tried
    # again), not a stack's one-off reads of its state and outputs (DescribeStacks).
    calls: Counter[str] = Counter()
    for entry in estate_document(result)["configs"]:
        calls.update(entry["document"]["aws"]["api_calls"]["by_operation"])
    waiting = (
        calls["cloudformation:DescribeStackEvents"] + calls["cloudformation:DescribeChangeSet"]
    )
    assert calls["cloudformation:DescribeStacks"] > 0
    assert budget["polls"] == waiting + 6
    assert "polling at most 5 calls a second (--max-api-rate)" in result.err


# -- a made-up estate in asynchronous mode ------------------------------------------------------
def estate_of(cloud: Any, workdir: Path, tenants: int, use_cases: int) -> list[Path]:
    """`tenants` tenants × (a SEC config + `use_cases` ML use cases, every tier in turn), made
    deployable in the emulator, in place of the examples."""
    for config in (workdir / "configs").iterdir():
        config.unlink()
    written = write_estate(EXAMPLES, workdir / "configs", tenants, use_cases)
    for config in written:
        make_deployable(config, cloud.client)
    return written


def started_and_ended(entry: dict[str, Any]) -> tuple[float, float]:
    aws = entry["document"]["aws"]
    started = datetime.fromisoformat(aws["started"]).timestamp()
    return started, started + float(aws["seconds"])


def test_three_tenants_of_a_sec_config_and_three_use_cases_in_order(
    cloud: Any, workdir: Path
) -> None:
    configs = estate_of(cloud, workdir, 3, 3)
    assert run(workdir, "--config-dir", "configs", "-act", "bootstrap", "--force",
               "--allow-broadening").code == 0  # fmt: skip
    SETTINGS.resource_delay = 0.01  # every resource takes time, as in AWS
    result = run(workdir, "--config-dir", "configs", "-act", "deploy", "--force",
                 "--allow-broadening", "--max-parallel", "4", "--output", "json")  # fmt: skip
    assert result.code == 0, result.err[-3000:]
    document = estate_document(result)
    runs = {Path(entry["config"]).name: entry for entry in document["configs"]}
    assert len(runs) == len(configs) == 12
    for config in configs:
        if config.name.endswith("-sec.yaml"):
            continue
        sec_name = config.name.split("-use-case-")[0] + "-sec.yaml"
        assert started_and_ended(runs[config.name])[0] >= started_and_ended(runs[sec_name])[1]
    # Independent configs ran at the same time: the three SEC configs overlap.
    spans = [started_and_ended(runs[c.name]) for c in configs if c.name.endswith("-sec.yaml")]
    assert max(start for start, _ in spans) < min(end for _, end in spans)
    stacks = cloud.stacks()
    assert sum(1 for name in stacks if name.endswith("-ml-stack")) == 9
    assert all(status == "CREATE_COMPLETE" for status in stacks.values())
    # Reads every config would make alike are made once for the run: the credentials' account
    # once in all; each tenant's trust root and each team once, however many use cases need
    # them; and every config its own parameters after deploying.
    calls: Counter[str] = Counter()
    for entry in document["configs"]:
        calls.update(entry["document"]["aws"]["api_calls"]["by_operation"])
    assert calls["sts:GetCallerIdentity"] == 1
    teams = {(c.name.split("-use-case-")[0], load_ml_config(c).team)
             for c in configs if not c.name.endswith("-sec.yaml")}  # fmt: skip
    assert len(teams) == 3  # one team a tenant: 9 use cases, 3 team reads (not 9)
    # Each config's own parameters after deploying (SSM answers 10 a page), each tenant's
    # trust root once (its SEC config and use cases ask alike), each team once.
    own_pages = sum(max(1, math.ceil(len(e["document"]["result"]["ssm_parameters"]) / 10))
                    for e in document["configs"])  # fmt: skip
    assert calls["ssm:GetParametersByPath"] == own_pages + 3 + len(teams)


def test_ctrl_c_mid_run_leaves_cloudformation_running_and_a_rerun_finishes(
    cloud: Any, workdir: Path
) -> None:
    estate_of(cloud, workdir, 2, 2)
    assert run(workdir, "--config-dir", "configs", "-act", "bootstrap", "--force",
               "--allow-broadening").code == 0  # fmt: skip
    SETTINGS.resource_delay = 0.05
    cf = cloud.client("cloudformation")

    def interrupt_once_an_ml_stack_is_being_created() -> None:
        for _ in range(600):
            listed = cf.list_stacks(StackStatusFilter=["CREATE_IN_PROGRESS"])["StackSummaries"]
            if any(s["StackName"].endswith("-ml-stack") for s in listed):
                _thread.interrupt_main()  # Ctrl-C, as the main thread gets it
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=interrupt_once_an_ml_stack_is_being_created, daemon=True)
    watcher.start()
    stopped = run(workdir, "--config-dir", "configs", "-act", "deploy", "--force",
                  "--allow-broadening", "--max-parallel", "1")  # fmt: skip
    watcher.join()
    assert stopped.code == 130, stopped.out + stopped.err
    found = re.search(r"interrupted: CloudFormation goes on with the CREATE of (\S+);", stopped.err)
    assert found, stopped.err
    interrupted = found.group(1)
    assert interrupted.endswith("-ml-stack") and interrupted in cloud.stacks()  # left running
    assert "not run: interrupted" in stopped.out  # one at a time: the others never started
    rerun = run(workdir, "--config-dir", "configs", "-act", "deploy", "--force",
                "--allow-broadening", "--max-parallel", "4")  # fmt: skip
    assert rerun.code == 0, rerun.out[-3000:] + rerun.err[-3000:]
    # The rerun follows the interrupted create to its end, or finds it ended and unchanged.
    picked_up = (f"{interrupted}: CREATE_IN_PROGRESS — an operation started earlier is still "
                 "running; following it", f"{interrupted}: no changes")  # fmt: skip
    assert any(line in rerun.out for line in picked_up), rerun.out
    stacks = cloud.stacks()
    assert sum(1 for name in stacks if name.endswith("-ml-stack")) == 4
    assert all(status == "CREATE_COMPLETE" for status in stacks.values()), stacks


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_running_configs_are_a_live_board(cloud: Any, workdir: Path) -> None:
    only(workdir, (TECHCORP_SEC, DEV_SEC))
    out, err = Terminal(), io.StringIO()
    code = estate.main(["--config-dir", "configs", "-act", "bootstrap", "--force",
                        "--allow-broadening", "--max-parallel", "2"], cwd=workdir, stdout=out,
                       stderr=err)  # fmt: skip
    assert code == 0, out.getvalue() + err.getvalue()
    screen = out.getvalue()
    assert "\x1b[1F\x1b[J" in screen  # rows redrawn in place
    # Each config's last line stays once it ends, and the summary follows the board.
    for stem in (TECHCORP_SEC, DEV_SEC):
        assert f"[{stem.removesuffix('.yaml')}] wrote " in screen
    assert screen.rstrip().endswith("2 configs, exit 0")
    # Off a terminal the same run prints every line whole instead (the other tests).
    assert err.getvalue() == ""


def test_a_failing_use_case_leaves_its_siblings_to_finish(cloud: Any, workdir: Path) -> None:
    configs = estate_of(cloud, workdir, 1, 3)
    assert run(workdir, "--config-dir", "configs", "-act", "bootstrap", "--force",
               "--allow-broadening").code == 0  # fmt: skip
    failing = next(c for c in configs if "use-case-01" in c.name)
    plan = plan_stack(load_ml_config(failing))
    role = next(r for r in plan.resources if r.type == "AWS::IAM::Role")
    cloud.client("iam").create_role(RoleName=role.physical_name, AssumeRolePolicyDocument="{}")
    SETTINGS.resource_delay = 0.01
    result = run(workdir, "--config-dir", "configs", "-act", "deploy", "--force",
                 "--allow-broadening", "--output", "json")  # fmt: skip
    assert result.code == 1, result.err[-3000:]
    runs = {Path(e["config"]).name: e for e in estate_document(result)["configs"]}
    assert runs[failing.name]["exit_code"] == 1
    assert runs[failing.name]["failing_resources"] == [f"{plan.stack_name}/{role.logical_id}"]
    siblings = [c.name for c in configs if c != failing]
    assert all(runs[name]["exit_code"] == 0 for name in siblings)
    stacks = cloud.stacks()
    assert stacks[plan.stack_name] == "ROLLBACK_COMPLETE"
    assert sum(1 for s in stacks.values() if s == "CREATE_COMPLETE") >= len(siblings)
