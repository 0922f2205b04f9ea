"""Saved plans, end to end against the emulator: show-changes --save-plan keeps its change
sets and writes them to a plan; deploy --plan executes exactly those, or refuses (exit 2,
nothing changed) when the config, a stack or the change sets changed since, or the plan is
old, spent or another tool's; a later show-changes, or a delete, cleans up an unused plan."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import test_deploy
from conftest import CliRunner
from provisioner.config.sec_loader import load_sec_config
from provisioner.deploy import saved_plan
from provisioner.emulator.examples import add_tag
from provisioner.ml.plan import plan_stack
from provisioner.sec.plan import plan_stacks
from test_deploy import SEC_MEDIUM, SEC_SMALL, STARTER, Tenant, expect, ml_config, report
from test_output_json import SCHEMAS, document

# The emulator fixtures, under their names: pytest finds them in this module.
cloud, tenant, run_sec_here = test_deploy.cloud, test_deploy.tenant, test_deploy.run_sec_here
mode = test_deploy.mode  # synchronous, and asynchronous as in AWS

SAVED_NAME = "ml-provisioner-saved-plan"


def _plan(workdir: Path, name: str = "plan.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((workdir / name).read_text())
    return data


def _change_sets(cloud: Any, stack: str) -> list[dict[str, Any]]:
    """The stack's saved-plan change sets (deploys leave theirs, executed, in the list)."""
    listed = cloud.client("cloudformation").list_change_sets(StackName=stack)["Summaries"]
    return [c for c in listed if c["ChangeSetName"] == SAVED_NAME]


def _save(run: CliRunner, config: str, *extra: str) -> dict[str, Any]:
    done = expect(run("-con", config, "-act", "show-changes", "--save-plan", "plan.json",
                      "--output", "json", *extra), 0)  # fmt: skip
    return document(done)  # valid against show-changes' published schema


def test_a_saved_plan_of_a_new_stack_is_executed_as_it_was_reviewed(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant, mode: str
) -> None:
    tenants = tenant(STARTER)
    name = plan_stack(ml_config(workdir, STARTER)).stack_name
    gated = expect(run_ml("-con", STARTER, "-act", "show-changes", "--save-plan", "plan.json",
                          "--fail-on-broadening"), 4)  # fmt: skip
    assert "saved the plan to plan.json" in gated.out, "a broadening plan is saved all the same"
    reviewed = _save(run_ml, STARTER)  # and saved again: the newer replaces it
    assert reviewed["result"]["plan"]["path"] == "plan.json"
    assert reviewed["result"]["plan"]["expires"] == _plan(workdir)["expires"]
    plan = _plan(workdir)
    [stack] = plan["stacks"]
    assert (plan["tool"], plan["config"], stack["stack"]) == ("ml-provisioner", STARTER, name)
    assert stack["operation"] == "CREATE" and stack["status"] == "REVIEW_IN_PROGRESS"
    assert stack["security"] == reviewed["result"]["stacks"][0]["security"]
    assert stack["security"]["broadens_access"], "a first create broadens from nothing"
    created, expires = (datetime.fromisoformat(plan[k]) for k in ("created", "expires"))
    assert expires - created == timedelta(hours=1)
    # The change set is kept, on the stack the CREATE made (under review, not created).
    assert cloud.stacks() == {**tenants, name: "REVIEW_IN_PROGRESS"}
    [kept] = _change_sets(cloud, name)
    assert kept["ChangeSetId"] == stack["change_set_id"] and kept["ChangeSetName"] == SAVED_NAME
    assert "provisioner-review" not in {t["Key"] for t in cloud.stack(name).get("Tags", [])}

    deploy = ("-con", STARTER, "-act", "deploy", "--plan", "plan.json")
    assert "--force" in expect(run_ml(*deploy), 2).err
    # Production: the reviewed diff broadens access, and the gate holds for a plan too.
    refused = expect(run_ml(*deploy, "--force"), 2)
    assert "broadens access in production" in refused.err and "--allow-broadening" in refused.err
    assert _plan(workdir)["executed"] is None, "a refused plan is not spent"

    done = expect(run_ml(*deploy, "--force", "--allow-broadening"), 0)
    assert "as reviewed" in done.out
    assert cloud.stacks() == {**tenants, name: "CREATE_COMPLETE"}
    executed = cloud.client("cloudformation").describe_change_set(
        ChangeSetName=stack["change_set_id"]
    )
    assert executed["ExecutionStatus"] == "EXECUTE_COMPLETE"
    assert cloud.stack(name)["StackId"] == stack["stack_id"]
    assert cloud.stack(name)["EnableTerminationProtection"], "production: protected as always"
    deployed = report(workdir, STARTER.removesuffix(".yaml"), "deploy")
    assert deployed["result"]["plan"] == "plan.json"
    calls = deployed["aws"]["api_calls"]["by_operation"]
    assert calls["cloudformation:ExecuteChangeSet"] == 1
    assert "cloudformation:CreateChangeSet" not in calls, "the plan's change set, no new one"
    assert deployed["result"]["stacks"][0]["security"] == stack["security"]
    assert _plan(workdir)["executed"] is not None

    again = expect(run_ml(*deploy, "--force", "--allow-broadening"), 2)
    assert "already executed" in again.err


def test_a_sec_plan_of_several_stacks_deployed_by_url_then_one_of_no_changes(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant, mode: str
) -> None:
    """Several stacks, templates over the body limit uploaded and deployed by URL; the JSON
    documents and the plan file are valid against their published schemas."""
    config = load_sec_config(workdir / "configs" / SEC_MEDIUM)
    region, bucket = config.region, config.template_bucket
    assert bucket is not None
    tenant(SEC_MEDIUM)
    cloud.client("s3", region).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
    )
    names = [p.stack_name for p in plan_stacks(config)]
    assert len(names) > 1
    save = ("--config", SEC_MEDIUM, "--action", "show-changes", "--save-plan", "plan.json",
            "--output", "json")  # fmt: skip
    saved = document(expect(run_sec_here(*save), 0))
    assert saved["result"]["plan"]["path"] == "plan.json"
    plan = _plan(workdir)
    jsonschema.validate(plan, json.loads((SCHEMAS / "saved-plan.v1.json").read_text()))
    assert [s["stack"] for s in plan["stacks"]] == names
    ids = [s["change_set_id"] for s in plan["stacks"]]
    deploy = ("--config", SEC_MEDIUM, "--action", "deploy", "--plan", "plan.json", "--force",
              "--allow-broadening", "--output", "json")  # fmt: skip
    deployed = document(expect(run_sec_here(*deploy), 0))
    assert deployed["result"]["plan"] == "plan.json"
    assert [s["stack"] for s in deployed["result"]["stacks"]] == names
    cf = cloud.client("cloudformation", region)
    for name, change_set in zip(names, ids, strict=True):
        assert cloud.stack(name, region)["StackStatus"] == "CREATE_COMPLETE"
        described = cf.describe_change_set(ChangeSetName=change_set)
        assert described["StackName"] == name
        assert described["ExecutionStatus"] == "EXECUTE_COMPLETE"

    # Reviewed again with nothing to change: a plan with nothing to execute.
    expect(run_sec_here(*save), 0)
    plan = _plan(workdir)
    assert [s["change_set_id"] for s in plan["stacks"]] == [None] * len(names)
    before = {n: cloud.stack(n, region).get("LastUpdatedTime") for n in names}
    done = expect(run_sec_here(*deploy[:-2]), 0)
    assert done.out.count(": no changes") == len(names)
    assert {n: cloud.stack(n, region).get("LastUpdatedTime") for n in names} == before


def _deployed_then_edited(workdir: Path, run_ml: CliRunner, tenant: Tenant) -> str:
    """The starter stack deployed, then its config edited: a plan of it is an UPDATE."""
    tenant(STARTER)
    expect(run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 0)
    add_tag(workdir / "configs" / STARTER, "edited", "by-test")
    name: str = plan_stack(ml_config(workdir, STARTER)).stack_name
    return name


def _refused(run_ml: CliRunner, cloud: Any, name: str, why: str) -> None:
    before = cloud.stack(name)
    refused = expect(run_ml("-con", STARTER, "-act", "deploy", "--plan", "plan.json",
                            "--force", "--allow-broadening"), 2)  # fmt: skip
    assert why in refused.err and "nothing was changed" in refused.err, refused.err
    assert "Traceback" not in refused.err
    after = cloud.stack(name)
    assert (after["StackStatus"], after.get("LastUpdatedTime")) == (
        before["StackStatus"], before.get("LastUpdatedTime"),
    )  # fmt: skip


def test_a_plan_is_refused_when_the_config_changed_since(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    name = _deployed_then_edited(workdir, run_ml, tenant)
    _save(run_ml, STARTER)
    [stack] = _plan(workdir)["stacks"]
    assert stack["operation"] == "UPDATE" and stack["change_set_id"]
    add_tag(workdir / "configs" / STARTER, "edited-again", "by-test")
    _refused(run_ml, cloud, name, "changed since the plan was saved")
    assert [c["ChangeSetId"] for c in _change_sets(cloud, name)] == [stack["change_set_id"]]


def test_a_plan_is_refused_when_its_stack_changed_since(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    name = _deployed_then_edited(workdir, run_ml, tenant)
    _save(run_ml, STARTER)
    # Someone deploys the same config without the plan: the stack is no longer as reviewed.
    expect(run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 0)
    _refused(run_ml, cloud, name, "the stack changed since the review")


def test_a_plan_is_refused_once_expired(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _deployed_then_edited(workdir, run_ml, tenant)
    _save(run_ml, STARTER, "--plan-ttl", "30")
    plan = _plan(workdir)
    expires = datetime.fromisoformat(plan["expires"])
    assert expires - datetime.fromisoformat(plan["created"]) == timedelta(minutes=30)
    monkeypatch.setattr(saved_plan, "utc_now", lambda: expires)
    _refused(run_ml, cloud, name, "the plan expired at")
    monkeypatch.setattr(saved_plan, "utc_now", lambda: expires - timedelta(seconds=1))
    expect(run_ml("-con", STARTER, "-act", "deploy", "--plan", "plan.json", "--force",
                  "--allow-broadening"), 0)  # fmt: skip


def test_a_plan_is_refused_when_its_change_sets_are_gone(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    name = _deployed_then_edited(workdir, run_ml, tenant)
    _save(run_ml, STARTER)
    [stack] = _plan(workdir)["stacks"]
    cloud.client("cloudformation").delete_change_set(ChangeSetName=stack["change_set_id"])
    _refused(run_ml, cloud, name, "its change set is gone")


def test_a_plan_is_refused_by_the_other_tool(
    cloud: Any, workdir: Path, run_ml: CliRunner, run_sec_here: CliRunner, tenant: Tenant
) -> None:
    tenant(STARTER)
    _save(run_ml, STARTER)
    sec = "techcorp-prod-a001-us-west-2-sec.yaml"  # the starter's tenant
    before = cloud.stacks()
    refused = expect(run_sec_here("--config", sec, "--action", "deploy", "--plan", "plan.json",
                                  "--force", "--allow-broadening"), 2)  # fmt: skip
    assert "is a plan of ml-provisioner, not sec-provisioner" in refused.err
    assert cloud.stacks() == before


def test_a_later_show_changes_cleans_up_an_unused_plan(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    tenants = tenant(STARTER)
    name = plan_stack(ml_config(workdir, STARTER)).stack_name
    _save(run_ml, STARTER)
    old = (workdir / "plan.json").rename(workdir / "old.json")
    assert cloud.stacks() == {**tenants, name: "REVIEW_IN_PROGRESS"}
    # A new plan replaces the old one: the old change set and its stack are gone first.
    _save(run_ml, STARTER)
    [kept] = _change_sets(cloud, name)
    assert kept["ChangeSetId"] == _plan(workdir)["stacks"][0]["change_set_id"]
    assert kept["ChangeSetId"] != json.loads(old.read_text())["stacks"][0]["change_set_id"]
    refused = expect(run_ml("-con", STARTER, "-act", "deploy", "--plan", "old.json",
                            "--force", "--allow-broadening"), 2)  # fmt: skip
    assert "is another stack than the one reviewed" in refused.err
    # A show-changes that saves nothing cleans up too, leaving nothing behind.
    shown = expect(run_ml("-con", STARTER, "-act", "show-changes"), 0)
    assert "deleted the change set of an unused saved plan" in shown.out
    assert cloud.stacks() == tenants
    refused = expect(run_ml("-con", STARTER, "-act", "deploy", "--plan", "plan.json",
                            "--force", "--allow-broadening"), 2)  # fmt: skip
    assert "the stack is gone since the review" in refused.err
    assert cloud.stacks() == tenants


def test_a_later_show_changes_deletes_an_unused_update_plan(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    name = _deployed_then_edited(workdir, run_ml, tenant)
    _save(run_ml, STARTER)
    assert len(_change_sets(cloud, name)) == 1
    expect(run_ml("-con", STARTER, "-act", "show-changes"), 0)
    assert _change_sets(cloud, name) == []
    assert cloud.stack(name)["StackStatus"] == "CREATE_COMPLETE"
    _refused(run_ml, cloud, name, "its change set is gone")


def test_delete_cleans_up_an_unused_plan(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    tenants = tenant(STARTER)
    _save(run_ml, STARTER)
    assert cloud.stacks() != tenants
    done = expect(run_ml("-con", STARTER, "-act", "delete", "--force"), 0)
    assert "deleted the empty stack that plan would have created" in done.out
    assert cloud.stacks() == tenants


@pytest.mark.parametrize(
    ("argv", "why"),
    [
        (("-act", "deploy", "--plan", "p.json", "--dry-run"), "give one of them"),
        (("-act", "deploy", "--plan", "p.json", "--fail-on-broadening"), "give one of them"),
        (("-act", "show-changes", "--plan-ttl", "5"), "give it with --save-plan"),
        (("-act", "show-changes", "--save-plan", "p.json", "--plan-ttl", "0"), "from 1 to 10080"),
        (("-act", "show-changes", "--save-plan", "p.json", "--plan-ttl", "1h"), "whole number"),
        (("-act", "show-changes", "--save-plan", "configs"), "is a directory"),
        (("-act", "deploy", "--plan", "none.json", "--force"), "no such plan file"),
        (("-act", "deploy", "--plan", "configs/" + SEC_SMALL, "--force"), "not a saved plan"),
        (("-act", "status", "--plan", "p.json"), "does not take --plan"),
    ],
    ids=[
        "dry-run",
        "gate",
        "ttl-alone",
        "ttl-zero",
        "ttl-unit",
        "dir",
        "missing",
        "garbage",
        "status",
    ],
)
def test_plan_arguments_refused_before_aws(
    cloud: Any, workdir: Path, run_ml: CliRunner, argv: tuple[str, ...], why: str
) -> None:
    refused = expect(run_ml("-con", STARTER, *argv), 2)
    assert why in refused.err, refused.err
    assert cloud.stacks() == {}
    assert not (workdir / "p.json").exists()


def test_a_reviewer_not_allowed_to_delete_a_plans_stack_reviews_on(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    """The reviewer policy deletes only review-tagged stacks; a plan's stack to create is not
    one (it would keep the tag once created): left as it is, it holds no change set, and a
    deploy creates the stack in it."""
    from provisioner.emulator.faults import FAULTS, Fault

    tenants = tenant(STARTER)
    name = plan_stack(ml_config(workdir, STARTER)).stack_name
    _save(run_ml, STARTER)
    FAULTS.add(Fault("DeleteStack", 403, "AccessDenied", 1, "not authorized"))
    shown = expect(run_ml("-con", STARTER, "-act", "show-changes"), 0)
    assert "is left (not allowed to delete it" in shown.out
    assert cloud.stacks() == {**tenants, name: "REVIEW_IN_PROGRESS"}
    assert _change_sets(cloud, name) == []
    # A plan's CREATE change set attaches to it (as a deploy's does), and is executed in it.
    _save(run_ml, STARTER)
    [reviewed] = _plan(workdir)["stacks"]
    assert reviewed["operation"] == "CREATE" and reviewed["status"] == "REVIEW_IN_PROGRESS"
    expect(run_ml("-con", STARTER, "-act", "deploy", "--plan", "plan.json", "--force",
                  "--allow-broadening"), 0)  # fmt: skip
    assert cloud.stacks() == {**tenants, name: "CREATE_COMPLETE"}


def test_a_plan_that_fails_in_aws_is_spent_and_a_rolled_back_stack_takes_no_plan(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    plan = plan_stack(ml_config(workdir, STARTER))
    tenants = tenant(STARTER)
    role = next(r for r in plan.resources if r.type == "AWS::IAM::Role")
    cloud.client("iam").create_role(RoleName=role.physical_name, AssumeRolePolicyDocument="{}")
    _save(run_ml, STARTER)
    failed = expect(run_ml("-con", STARTER, "-act", "deploy", "--plan", "plan.json", "--force",
                           "--allow-broadening"), 1)  # fmt: skip
    assert f"FAILED: {plan.stack_name} ended in ROLLBACK_COMPLETE" in failed.out
    deployed = report(workdir, STARTER.removesuffix(".yaml"), "deploy")["result"]
    assert deployed["plan"] == "plan.json" and deployed["stacks"][0]["result"] == "failed"
    assert _plan(workdir)["executed"] is not None, "executed, if in vain: spent"

    (workdir / "plan.json").unlink()
    refused = expect(run_ml("-con", STARTER, "-act", "show-changes", "--save-plan",
                            "plan.json"), 2)  # fmt: skip
    assert "is in ROLLBACK_COMPLETE" in refused.err and "no plan was saved" in refused.err
    assert not (workdir / "plan.json").exists()
    assert cloud.stacks() == {**tenants, plan.stack_name: "ROLLBACK_COMPLETE"}
    assert _change_sets(cloud, plan.stack_name) == []
