"""Ctrl-C at each step of the AWS actions, and a stack left in CREATE_FAILED, against the
emulator (fixtures of test_deploy). Ctrl-C is injected deterministically: one gateway call
raises KeyboardInterrupt, as Python raises it wherever the signal lands, before the call
reaches AWS or just after it answered."""

# ruff: noqa: F811 - the emulator fixtures of test_deploy, imported by name, are parameters here
from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CliRunner
from provisioner.config.sec_loader import load_sec_config
from provisioner.deploy.gateway import AwsGateway
from provisioner.emulator.examples import add_tag
from provisioner.emulator.settings import SETTINGS
from provisioner.exit_codes import ExitCode
from provisioner.ml.plan import plan_stack
from provisioner.sec.plan import plan_stacks
from test_deploy import (  # noqa: F401 - fixtures, used by name
    PROFESSIONAL,
    SEC_SMALL,
    STARTER,
    Tenant,
    cloud,
    expect,
    ml_config,
    report,
    run_sec_here,
    tenant,
)
from test_output_json import document

INTERRUPTED = ExitCode.INTERRUPTED.value
DEPLOY_ML = ("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening")
DEPLOY_SEC = ("--config", SEC_SMALL, "--action", "deploy", "--force")
SHOW_SEC = ("--config", SEC_SMALL, "--action", "show-changes")
# A resource event line as follow() prints it: elapsed seconds, [count], status, type, id.
EVENT_LINE = re.compile(
    r"^\s+\d+\.\ds \[\s*\d+(/\d+)?\] \S+_(IN_PROGRESS|COMPLETE)\s+AWS::\S+ +\S+", re.MULTILINE
)


def ctrl_c_at(monkeypatch: pytest.MonkeyPatch, method: str, *calls: int,
              after: bool = False) -> list[int]:  # fmt: skip
    """Make the given calls (1-based) of AwsGateway.<method> raise KeyboardInterrupt: before
    the request goes out, or (`after`) once it was answered. Returns the calls counted."""
    real: Callable[..., Any] = getattr(AwsGateway, method)
    count: list[int] = []

    def interrupted(self: AwsGateway, *args: Any, **kwargs: Any) -> Any:
        count.append(1)
        if len(count) in calls and not after:
            raise KeyboardInterrupt
        answer = real(self, *args, **kwargs)
        if len(count) in calls:
            raise KeyboardInterrupt
        return answer

    monkeypatch.setattr(AwsGateway, method, interrupted)
    return count


def stem(config: str) -> str:
    return config.removesuffix(".yaml")


def change_sets_of(cloud: Any, stack: str) -> list[dict[str, Any]]:
    summaries: list[dict[str, Any]] = cloud.client("cloudformation").list_change_sets(
        StackName=stack
    )["Summaries"]
    return summaries


def sec_stacks(workdir: Path) -> list[str]:
    return [p.stack_name for p in plan_stacks(load_sec_config(workdir / "configs" / SEC_SMALL))]


# -- Ctrl-C before a change set is executed: removed, and a report --------------------------
@pytest.mark.parametrize(
    ("method", "after"),
    [("describe_change_set", False), ("create_change_set", True)],
    ids=["while-polling", "as-create-change-set-answers"],
)
def test_ctrl_c_while_the_change_set_is_made_removes_it_and_its_empty_stack(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch, method: str, after: bool,
) -> None:  # fmt: skip
    """Also just as CreateChangeSet answered, before its id was known: found by its name."""
    tenants = tenant(STARTER)
    name = plan_stack(ml_config(workdir, STARTER)).stack_name
    ctrl_c_at(monkeypatch, method, 1, after=after)

    result = expect(run_ml(*DEPLOY_ML), INTERRUPTED)
    assert cloud.stacks() == tenants, "no change set, no REVIEW_IN_PROGRESS stack is left"
    assert f"{name}: removed its change set and the empty stack" in result.out
    line = f"interrupted: the change set of {name} was removed before it was executed"
    assert result.err.startswith(line) and "Traceback" not in result.err
    document = report(workdir, stem(STARTER), "deploy")
    assert document["exit_code"] == INTERRUPTED and document["error"]["message"].startswith(line)
    assert document["result"]["stacks"] == []
    assert document["result"]["interrupted"] == {
        "stack": name, "operation": "change set", "cloudformation_goes_on": False,
        "left_behind": [],
    }  # fmt: skip


def test_ctrl_c_before_an_update_is_executed_leaves_the_stack_as_it_was(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    tenant(STARTER)
    name = plan_stack(ml_config(workdir, STARTER)).stack_name
    expect(run_ml(*DEPLOY_ML), 0)
    before, executed = cloud.stack(name), change_sets_of(cloud, name)  # the first deploy's
    add_tag(workdir / "configs" / STARTER, "edited", "interrupted")
    ctrl_c_at(monkeypatch, "execute_change_set", 1)

    result = expect(run_ml(*DEPLOY_ML), INTERRUPTED)
    assert change_sets_of(cloud, name) == executed
    after = cloud.stack(name)
    assert (after["StackStatus"], after.get("LastUpdatedTime"), after.get("Tags")) == (
        before["StackStatus"], before.get("LastUpdatedTime"), before.get("Tags")
    )  # fmt: skip
    assert f"{name}: removed its change set" in result.out
    assert "the empty stack" not in result.out, "an update's stack is not the change set's"


def test_ctrl_c_at_the_second_stack_reports_the_first_as_done(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    tenants = tenant(SEC_SMALL)
    first, second = sec_stacks(workdir)
    ctrl_c_at(monkeypatch, "describe_change_set", 2)  # the second stack's change set

    result = expect(run_sec_here(*DEPLOY_SEC, "--output", "json"), INTERRUPTED)
    assert cloud.stacks() == {**tenants, first: "CREATE_COMPLETE"}
    done = document(result)["result"]  # valid against the deploy schema, objects closed
    assert report(workdir, stem(SEC_SMALL), "deploy")["result"] == done
    assert [(s["stack"], s["result"]) for s in done["stacks"]] == [(first, "CREATE_COMPLETE")]
    assert done["interrupted"]["stack"] == second
    assert done["ssm_parameters"] is None


def test_ctrl_c_during_the_review_removes_the_change_set(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """show-changes: the first stack reviewed, Ctrl-C as the second's review ends."""
    tenants = tenant(SEC_SMALL)
    first, second = sec_stacks(workdir)
    ctrl_c_at(monkeypatch, "delete_change_set", 2)

    result = expect(run_sec_here(*SHOW_SEC), INTERRUPTED)
    assert cloud.stacks() == tenants
    assert f"the change set of {second} was removed" in result.err
    done = report(workdir, stem(SEC_SMALL), "show-changes")["result"]
    assert [s["stack"] for s in done["stacks"]] == [first]
    assert done["interrupted"]["operation"] == "change set"


def test_a_second_ctrl_c_cuts_the_cleanup_short_and_says_what_it_left(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    tenants = tenant(SEC_SMALL)
    first, _ = sec_stacks(workdir)
    with monkeypatch.context() as patched:  # the review's discard, then the cleanup's
        ctrl_c_at(patched, "delete_change_set", 1, 2)
        result = expect(run_sec_here(*SHOW_SEC, "--output", "json"), INTERRUPTED)
    document(result)
    assert "and again while removing what it made" in result.err
    assert f"delete-change-set --stack-name {first}" in result.err
    assert f"delete-stack --stack-name {first}" in result.err
    # True to what it says: both are there.
    assert cloud.stacks() == {**tenants, first: "REVIEW_IN_PROGRESS"}
    assert len(change_sets_of(cloud, first)) == 1
    left = report(workdir, stem(SEC_SMALL), "show-changes")["result"]["interrupted"]
    assert len(left["left_behind"]) == 2

    # Nor do they stand in the way: the next deploy creates the stack in the one under review.
    expect(run_sec_here(*DEPLOY_SEC), 0)
    assert cloud.stack(first)["StackStatus"] == "CREATE_COMPLETE"


# -- Ctrl-C once CloudFormation has the change set: it goes on, the next run follows --------
def test_ctrl_c_as_the_change_set_executes_leaves_it_running_and_the_next_run_follows(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    tenant(STARTER)
    name = plan_stack(ml_config(workdir, STARTER)).stack_name
    SETTINGS.resource_delay = 0.1
    with monkeypatch.context() as patched:
        ctrl_c_at(patched, "execute_change_set", 1, after=True)
        result = expect(run_ml(*DEPLOY_ML), INTERRUPTED)
    assert "its change set was executed already" in result.out
    assert f"interrupted: CloudFormation goes on with the CREATE of {name}" in result.err
    assert cloud.stack(name)["StackStatus"] == "CREATE_IN_PROGRESS"
    interrupted = report(workdir, stem(STARTER), "deploy")["result"]["interrupted"]
    assert interrupted["operation"] == "CREATE" and interrupted["cloudformation_goes_on"]

    resumed = expect(run_ml(*DEPLOY_ML), 0)
    assert f"{name}: CREATE_IN_PROGRESS — an operation started earlier" in resumed.out
    following = resumed.out.split("following it", 1)[1].split("that operation ended", 1)[0]
    assert EVENT_LINE.search(following), f"no event printed while following:\n{resumed.out}"
    assert f"{name}: that operation ended in CREATE_COMPLETE" in resumed.out
    assert f"{name}: no changes" in resumed.out


def test_ctrl_c_while_following_a_test_deploy_still_cleans_up(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    tenants = tenant(STARTER)
    SETTINGS.resource_delay = 0.02
    ctrl_c_at(monkeypatch, "events_since", 2)  # the create's second poll of events

    result = expect(run_ml("-con", STARTER, "-act", "test-deploy", "--output", "json"), INTERRUPTED)
    assert "cleaning up" in result.err  # progress, with --output json
    line = r"^interrupted during the CREATE of \S+t[0-9a-f]{4}\S*; the test stacks were deleted$"
    assert re.search(line, result.err, re.MULTILINE), result.err
    assert cloud.stacks() == tenants
    tested = document(result)["result"]
    assert tested["interrupted"] and tested["cleanup"] is not None
    assert tested["deploy"]["interrupted"]["cloudformation_goes_on"] is True


def test_ctrl_c_during_a_delete_leaves_it_running(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    tenant(SEC_SMALL)
    expect(run_sec_here(*DEPLOY_SEC), 0)
    first, second = sec_stacks(workdir)
    SETTINGS.resource_delay = 0.05
    ctrl_c_at(monkeypatch, "events_since", 2)

    result = expect(
        run_sec_here("--config", SEC_SMALL, "--action", "delete", "--force"), INTERRUPTED
    )
    assert f"CloudFormation goes on with the DELETE of {second}" in result.err
    deleted = report(workdir, stem(SEC_SMALL), "delete")["result"]
    assert deleted["stacks"] == [] and deleted["interrupted"]["stack"] == second
    assert first in cloud.stacks()


def test_ctrl_c_during_a_read_still_writes_the_report(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    tenant(SEC_SMALL)
    ctrl_c_at(monkeypatch, "describe_stack", 1)
    result = expect(run_sec_here("--config", SEC_SMALL, "--action", "status"), INTERRUPTED)
    assert result.err.strip() == "interrupted"
    document = report(workdir, stem(SEC_SMALL), "status")
    assert document["exit_code"] == INTERRUPTED and document["result"] is None


# -- a stack left in CREATE_FAILED (rollback disabled, outside this tool) ------------------
def test_the_emulator_stops_a_create_without_rollback_at_create_failed(emulator: Any) -> None:
    """DisableRollback (CreateStack, ExecuteChangeSet) and OnFailure DO_NOTHING: what the
    create made stays; AWS's "preserve successfully provisioned resources"."""
    import boto3

    emulator.reset()
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t")
    cf: Any = session.client("cloudformation", endpoint_url=emulator.url, region_name="us-west-2")
    ssm = session.client("ssm", endpoint_url=emulator.url, region_name="us-west-2")
    session.client("iam", endpoint_url=emulator.url, region_name="us-west-2").create_role(
        RoleName="taken", AssumeRolePolicyDocument="{}"
    )

    def template(stack: str) -> str:
        return json.dumps({"Resources": {
            "Param": {"Type": "AWS::SSM::Parameter",
                      "Properties": {"Name": f"/{stack}", "Type": "String", "Value": "v"}},
            "Role": {"Type": "AWS::IAM::Role", "DependsOn": "Param", "Properties": {
                "RoleName": "taken", "AssumeRolePolicyDocument": {"Statement": []}}}}})  # fmt: skip

    named = {"Capabilities": ["CAPABILITY_NAMED_IAM"]}
    cf.create_stack(StackName="kept", TemplateBody=template("kept"), DisableRollback=True, **named)
    cf.create_stack(StackName="nothing", TemplateBody=template("nothing"), OnFailure="DO_NOTHING",
                    **named)  # fmt: skip
    made = cf.create_change_set(StackName="by-change-set", ChangeSetName="c",
                                ChangeSetType="CREATE", TemplateBody=template("by-change-set"),
                                **named)  # fmt: skip
    cf.execute_change_set(ChangeSetName=made["Id"], DisableRollback=True)
    cf.create_stack(StackName="rolled", TemplateBody=template("rolled"), **named)
    for stack in ("kept", "nothing", "by-change-set"):
        described = cf.describe_stacks(StackName=stack)["Stacks"][0]
        assert (described["StackStatus"], described.get("DisableRollback")) == (
            "CREATE_FAILED",
            True,
        ), stack
        assert ssm.get_parameter(Name=f"/{stack}")["Parameter"]["Value"] == "v"
    assert cf.describe_stacks(StackName="rolled")["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"
    assert not ssm.get_parameters(Names=["/rolled"])["Parameters"]


def _create_failed(cloud: Any, run: CliRunner, argv: tuple[str, ...], role: str) -> None:
    """The config's first stack made CREATE_FAILED as someone outside the tool would: its own
    change set, executed with rollback disabled, a role of it in the way."""
    iam = cloud.client("iam")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}")

    def execute_without_rollback(self: AwsGateway, change_set_id: str) -> None:
        self.client("cloudformation").execute_change_set(
            ChangeSetName=change_set_id, DisableRollback=True
        )

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(AwsGateway, "execute_change_set", execute_without_rollback)
        failed = expect(run(*argv), 1)
    assert "ended in CREATE_FAILED" in failed.out
    iam.delete_role(RoleName=role)


def test_create_failed_with_nothing_retained_is_created_anew(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant
) -> None:
    """A dev SEC stack: a delete keeps nothing of it, so deploy deletes it (with what the
    failed create made) and creates it anew; status and show-changes say so first."""
    tenants = tenant(SEC_SMALL)
    plan = plan_stacks(load_sec_config(workdir / "configs" / SEC_SMALL))[0]
    role = next(r for r in plan.resources if r.type == "AWS::IAM::Role")
    _create_failed(cloud, run_sec_here, DEPLOY_SEC, role.physical_name)
    assert cloud.stacks() == {**tenants, plan.stack_name: "CREATE_FAILED"}

    status = expect(run_sec_here("--config", SEC_SMALL, "--action", "status"), 1)
    assert "first create failed with rollback disabled" in status.out
    assert "deploy --force (it deletes the stack, with what that create made" in status.out
    shown = expect(run_sec_here(*SHOW_SEC), 0)
    assert f"{plan.stack_name}: would create (left in CREATE_FAILED" in shown.out
    preview = report(workdir, stem(SEC_SMALL), "show-changes")["result"]["stacks"][0]
    assert preview["operation"] == "CREATE" and len(preview["changes"]) == len(plan.resources)

    deployed = expect(run_sec_here(*DEPLOY_SEC), 0)
    assert f"{plan.stack_name}: left in CREATE_FAILED by a create with rollback disabled" in (
        deployed.out
    )
    assert cloud.stack(plan.stack_name)["StackStatus"] == "CREATE_COMPLETE"
    stacks = report(workdir, stem(SEC_SMALL), "deploy")["result"]["stacks"]
    assert stacks[0]["result"] == "CREATE_COMPLETE"


def test_create_failed_holding_retained_resources_is_refused_with_how_to_roll_back(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    """A production ML stack retains its artifact bucket: a delete would orphan it, and the new
    create would fail on its name. deploy and show-changes refuse, changing nothing; status
    says to roll back with RetainExceptOnCreate first."""
    tenants = tenant(PROFESSIONAL)
    plan = plan_stack(ml_config(workdir, PROFESSIONAL))
    bucket = next(r for r in plan.resources if r.type == "AWS::S3::Bucket")
    assert plan.to_cfn()["Resources"][bucket.logical_id]["DeletionPolicy"] == "Retain"
    deploy = ("-con", PROFESSIONAL, "-act", "deploy", "--force", "--allow-broadening")
    _create_failed(cloud, run_ml, deploy, late_role(plan))
    assert bucket.physical_name in [b["Name"] for b in cloud.client("s3").list_buckets()["Buckets"]]
    rollback = f"aws cloudformation rollback-stack --stack-name {plan.stack_name} "
    rollback += "--retain-except-on-create"

    status = expect(run_ml("-con", PROFESSIONAL, "-act", "status"), 1)
    assert f"a delete would keep what it made of {bucket.logical_id} (" in status.out
    assert rollback in status.out
    assert "deploy --force --allow-broadening" in status.out  # production: a first create
    for argv in (deploy, ("-con", PROFESSIONAL, "-act", "show-changes")):
        refused = expect(run_ml(*argv), 1)
        assert f"error: {plan.stack_name} is in CREATE_FAILED" in refused.err
        assert rollback in refused.err and "nothing was changed" in refused.err
    assert cloud.stacks() == {**tenants, plan.stack_name: "CREATE_FAILED"}


def late_role(plan: Any) -> str:
    """The role created after the artifact bucket: in its way, the create fails once the
    bucket is made."""
    return str(next(r.physical_name for r in plan.resources if r.logical_id == "EventsRole"))


def test_the_cleanup_waits_for_a_change_set_still_being_made_before_deleting_it() -> None:
    """DeleteChangeSet refuses a change set in CREATE_IN_PROGRESS (InvalidChangeSetStatus):
    the cleanup polls until it is made, then deletes it and the empty stack. (The emulator
    makes change sets at once: a recording stand-in for the gateway plays AWS's pace.)"""
    from datetime import UTC, datetime
    from typing import cast

    from provisioner.deploy.change_set_cleanup import Unexecuted, remove
    from provisioner.deploy.progress import Poller
    from provisioner.deploy.records import ChangeSetInfo, StackInfo

    calls: list[str] = []
    statuses = ["CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "CREATE_COMPLETE"]

    class PacedGateway:
        def polling(self) -> contextlib.nullcontext[None]:
            return contextlib.nullcontext()

        def describe_change_set(self, change_set: str, stack: str | None = None) -> ChangeSetInfo:
            calls.append(f"describe {change_set} on {stack}")
            status = statuses.pop(0)
            available = "AVAILABLE" if status == "CREATE_COMPLETE" else "UNAVAILABLE"
            return ChangeSetInfo("arn:cs", "arn:stack", status, "", available, datetime.now(UTC))

        def delete_change_set(self, change_set: str) -> None:
            assert not statuses, "deleted while still being made"
            calls.append(f"delete change set {change_set}")

        def describe_stack(self, name: str) -> StackInfo:
            calls.append(f"describe stack {name}")
            return StackInfo(name, "s", "REVIEW_IN_PROGRESS", "", {}, False, None, None)

        def delete_stack(self, stack: str) -> None:
            calls.append(f"delete stack {stack}")

    said: list[str] = []
    stopped = remove(
        cast(AwsGateway, PacedGateway()), Unexecuted("s", "cs-name", "CREATE"), said.append,
        Poller(sleep=lambda _: None),
    )  # fmt: skip
    assert calls == [
        "describe cs-name on s", "describe cs-name on s", "describe cs-name on s",
        "delete change set arn:cs", "describe stack arn:stack", "delete stack arn:stack",
    ]  # fmt: skip
    assert not stopped.goes_on and not stopped.left
    assert said[-1] == "s: removed its change set and the empty stack"
