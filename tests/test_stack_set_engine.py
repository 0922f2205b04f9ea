"""The stack-set engine (deploy/stack_set_*.py) against the emulator over HTTP: a set created
with its instances in every account and region, updated, grown, waited behind another run's
operation, failing instances named with account, region and reason, status per instance,
and delete (instances, then the set). The templates are small on purpose: what is tested is
the engine's handling of operations, not the tools' templates."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import boto3
import pytest

from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.stack_set_apply import deploy_stack_sets
from provisioner.deploy.stack_set_delete import delete_stack_sets
from provisioner.deploy.stack_set_status import stack_set_status
from provisioner.deploy.stack_set_target import StackSetTarget
from provisioner.deploy.target import DeployTarget, StackTemplate
from provisioner.exit_codes import ExitCode
from provisioner.results.stack_sets import StackSetEntry
from test_emulator_stack_sets import client, organization

ADMIN = "123456789012"
ACCOUNTS = ("111111111111", "222222222222", "333333333333")
REGIONS = ("us-east-1", "eu-west-1")
STACK = "acme-dev-t001-us-west-2-teams-01-sec-stack"


def sets_of(done: Any) -> list[StackSetEntry]:
    found: list[StackSetEntry] | None = done.result.stack_sets
    assert found is not None
    return found


def template(value: str) -> str:
    return json.dumps({"Resources": {"Param": {"Type": "AWS::SSM::Parameter", "Properties": {
        "Name": "/engine/param", "Type": "String", "Value": value}}}})  # fmt: skip


def target(value: str = "one", **stack_set: Any) -> DeployTarget:
    given: dict[str, Any] = {
        "permission_model": "SELF_MANAGED", "regions": REGIONS, "accounts": ACCOUNTS,
        "administration_role_arn": f"arn:aws:iam::{ADMIN}:role/acme-dev-t001-role-stackset-admin",
        "execution_role_name": "acme-dev-t001-role-stackset-exec",
        "preferences": {"FailureToleranceCount": 0, "MaxConcurrentCount": 1},
    } | stack_set  # fmt: skip
    return DeployTarget(
        tool="sec-provisioner", config_stem="acme-dev-t001-us-west-2-sec", region="us-west-2",
        stacks=(StackTemplate(STACK, template(value)),), ssm_path="/acme/dev/t001",
        production=False, tags={"managed-by": "sec-provisioner"},
        stack_set=StackSetTarget(**given),
    )  # fmt: skip


@pytest.fixture
def gateway(emulator: Any) -> AwsGateway:
    emulator.reset()
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t")
    return AwsGateway(session, "us-west-2", endpoint_url=emulator.url)


def value_in(url: str, account: str, region: str) -> str | None:
    ssm = client(url, "ssm", account, region)
    try:
        return str(ssm.get_parameter(Name="/engine/param")["Parameter"]["Value"])
    except ssm.exceptions.ParameterNotFound:
        return None


def test_a_set_is_created_with_an_instance_in_every_account_and_region(
    gateway: AwsGateway, emulator: Any
) -> None:
    said: list[str] = []
    done = deploy_stack_sets(gateway, target(), said.append)
    assert done.code == ExitCode.OK, said
    entry = sets_of(done)[0]
    assert (entry.stack_set, entry.result) == (STACK, "created")
    assert [o.action for o in entry.operations] == ["CREATE"]
    assert {(i.account, i.region) for i in entry.operations[0].instances} == {
        (a, r) for a in ACCOUNTS for r in REGIONS}  # fmt: skip
    for account in ACCOUNTS:
        for region in REGIONS:
            assert value_in(emulator.url, account, region) == "one"
    # Progress names every instance as its state changes.
    assert any(f"{STACK} CREATE 222222222222/eu-west-1: SUCCEEDED" == line for line in said)
    # Again, unchanged: no operation at all.
    again = deploy_stack_sets(gateway, target(), said.append)
    assert sets_of(again)[0].result == "no changes"
    assert sets_of(again)[0].operations == []


def test_an_update_reaches_every_instance_and_new_targets_are_added(
    gateway: AwsGateway, emulator: Any
) -> None:
    first = target(accounts=ACCOUNTS[:2])
    assert deploy_stack_sets(gateway, first, lambda _: None).code == ExitCode.OK
    said: list[str] = []
    done = deploy_stack_sets(gateway, target("two"), said.append)
    assert done.code == ExitCode.OK, said
    entry = sets_of(done)[0]
    assert entry.result == "updated"
    # The update reaches the two accounts' instances; the third account is added after.
    assert [o.action for o in entry.operations] == ["UPDATE", "CREATE"]
    assert {i.account for i in entry.operations[1].instances} == {ACCOUNTS[2]}
    for account in ACCOUNTS:
        for region in REGIONS:
            assert value_in(emulator.url, account, region) == "two"


def test_a_deploy_waits_behind_another_runs_operation_and_never_fails_on_it(
    gateway: AwsGateway, emulator: Any
) -> None:
    from provisioner.emulator.settings import SETTINGS

    assert deploy_stack_sets(gateway, target(), lambda _: None).code == ExitCode.OK
    SETTINGS.resource_delay = 0.1
    try:
        other = client(emulator.url, "cloudformation", ADMIN, "us-west-2")
        running = other.update_stack_set(
            StackSetName=STACK, TemplateBody=template("other"), Capabilities=["CAPABILITY_IAM"]
        )["OperationId"]
        said: list[str] = []
        done = deploy_stack_sets(gateway, target("mine"), said.append)
    finally:
        SETTINGS.resource_delay = 0.0
    assert done.code == ExitCode.OK, said
    entry = sets_of(done)[0]
    assert entry.waited_for == [running]
    assert any("another operation runs on the stack set" in line for line in said)
    # Mine ran after the other run's: its value is the one left everywhere.
    assert value_in(emulator.url, ACCOUNTS[1], REGIONS[1]) == "mine"


def occupy(url: str, account: str, region: str) -> None:
    client(url, "ssm", account, region).put_parameter(
        Name="/engine/param", Value="taken", Type="String")  # fmt: skip


def test_a_failing_instance_is_named_with_its_account_region_and_reason(
    gateway: AwsGateway, emulator: Any
) -> None:
    occupy(emulator.url, ACCOUNTS[1], REGIONS[0])
    said: list[str] = []
    done = deploy_stack_sets(gateway, target(), said.append)
    assert done.code == ExitCode.AWS_FAILURE
    entry = sets_of(done)[0]
    assert entry.result == "failed"
    failed = [(i.account, i.region) for i in entry.instances if i.status == "FAILED"]
    assert failed == [(ACCOUNTS[1], REGIONS[0])]
    line = next(s for s in said if s.startswith(f"{STACK}: {ACCOUNTS[1]}/{REGIONS[0]} FAILED"))
    assert "already exists" in line  # CloudFormation's reason, as the instance stack gave it
    assert done.result.failing_resources() == [f"{STACK}/{ACCOUNTS[1]}/{REGIONS[0]}"]


def test_a_failure_within_the_tolerance_still_fails_the_deploy_and_status_says_so(
    gateway: AwsGateway, emulator: Any
) -> None:
    occupy(emulator.url, ACCOUNTS[1], REGIONS[0])
    tolerant = target(preferences={"FailureToleranceCount": 1, "MaxConcurrentCount": 2})
    said: list[str] = []
    done = deploy_stack_sets(gateway, tolerant, said.append)
    entry = sets_of(done)[0]
    assert entry.operations[0].status == "SUCCEEDED"  # CloudFormation's verdict
    assert done.code == ExitCode.AWS_FAILURE  # ours: one target was not reached
    assert [(i.account, i.region) for i in entry.instances] == [(ACCOUNTS[1], REGIONS[0])]
    status = stack_set_status(gateway, tolerant, said.append)
    assert status.code == ExitCode.AWS_FAILURE
    states = {(i.account, i.region): i for i in sets_of(status)[0].instances}
    assert len(states) == 6
    assert states[(ACCOUNTS[1], REGIONS[0])].status == "OUTDATED"
    assert states[(ACCOUNTS[0], REGIONS[0])].status == "CURRENT"
    # Freed, the next deploy brings the outdated instance up to date.
    client(emulator.url, "ssm", ACCOUNTS[1], REGIONS[0]).delete_parameter(Name="/engine/param")
    again = deploy_stack_sets(gateway, tolerant, said.append)
    assert again.code == ExitCode.OK, said
    assert stack_set_status(gateway, tolerant, said.append).code == ExitCode.OK


def test_delete_removes_the_instances_then_the_set(gateway: AwsGateway, emulator: Any) -> None:
    assert deploy_stack_sets(gateway, target(), lambda _: None).code == ExitCode.OK
    said: list[str] = []
    done = delete_stack_sets(gateway, target(), said.append)
    assert done.code == ExitCode.OK, said
    entry = sets_of(done)[0]
    assert entry.result == "deleted"
    assert [o.action for o in entry.operations] == ["DELETE"]
    assert value_in(emulator.url, ACCOUNTS[2], REGIONS[1]) is None
    cf = client(emulator.url, "cloudformation", ADMIN, "us-west-2")
    with pytest.raises(cf.exceptions.StackSetNotFoundException):
        cf.describe_stack_set(StackSetName=STACK)
    status = stack_set_status(gateway, target(), said.append)
    assert sets_of(status)[0].result == "not deployed"
    again = delete_stack_sets(gateway, target(), said.append)
    assert sets_of(again)[0].result == "not deployed"


def test_polls_of_an_operation_take_the_runs_api_budget(emulator: Any) -> None:
    from provisioner.fleet.budget import ApiBudget

    emulator.reset()
    budget = ApiBudget(50)
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t")
    gateway = AwsGateway(session, "us-west-2", endpoint_url=emulator.url, budget=budget)
    assert deploy_stack_sets(gateway, target(), lambda _: None).code == ExitCode.OK
    polled = gateway.calls.count("cloudformation:DescribeStackSetOperation")
    assert polled >= 1
    assert len(budget.taken) == polled + gateway.calls.count(
        "cloudformation:ListStackSetOperationResults")  # fmt: skip


def test_a_service_managed_set_deploys_to_an_ou_as_delegated_administrator(
    gateway: AwsGateway, emulator: Any
) -> None:
    unit, members = organization(emulator.url)
    managed = target(
        permission_model="SERVICE_MANAGED", accounts=None, organizational_units=(unit,),
        call_as="DELEGATED_ADMIN", auto_deployment=(True, False), regions=("us-east-1",),
        administration_role_arn=None, execution_role_name=None,
    )  # fmt: skip
    said: list[str] = []
    done = deploy_stack_sets(gateway, managed, said.append)
    assert done.code == ExitCode.OK, said
    assert {i.account for i in sets_of(done)[0].operations[0].instances} == set(members)
    for account in members:
        assert value_in(emulator.url, account, "us-east-1") == "one"
    # A region added later: instances in it for the OU's accounts, the others left alone.
    assert managed.stack_set is not None
    wider = replace(managed.stack_set, regions=("us-east-1", "eu-west-1"))
    grown = replace(managed, stack_set=wider)
    again = deploy_stack_sets(gateway, grown, said.append)
    assert again.code == ExitCode.OK, said
    assert [o.action for o in sets_of(again)[0].operations] == ["CREATE"]
    assert {i.region for i in sets_of(again)[0].operations[0].instances} == {"eu-west-1"}
    assert delete_stack_sets(gateway, grown, said.append).code == ExitCode.OK
    for account in members:
        assert value_in(emulator.url, account, "eu-west-1") is None


def test_instances_the_targets_no_longer_name_are_left_and_said(
    gateway: AwsGateway, emulator: Any
) -> None:
    assert deploy_stack_sets(gateway, target(), lambda _: None).code == ExitCode.OK
    said: list[str] = []
    fewer = target(accounts=ACCOUNTS[:1])
    assert deploy_stack_sets(gateway, fewer, said.append).code == ExitCode.OK
    warning = next(line for line in said if line.startswith("warning:"))
    assert "222222222222/eu-west-1" in warning and "333333333333/us-east-1" in warning
    assert "111111111111" not in warning
    assert value_in(emulator.url, ACCOUNTS[2], REGIONS[0]) == "one"  # left as it was


def test_drift_is_detected_per_instance(gateway: AwsGateway, emulator: Any) -> None:
    from provisioner.deploy.stack_set_drift import detect_stack_set_drift

    assert deploy_stack_sets(gateway, target(), lambda _: None).code == ExitCode.OK
    said: list[str] = []
    clean = detect_stack_set_drift(gateway, target(), said.append)
    assert clean.code == ExitCode.OK, said
    assert sets_of(clean)[0].result == "in sync"
    assert {i.status for i in sets_of(clean)[0].instances} == {"IN_SYNC"}
    client(emulator.url, "ssm", ACCOUNTS[2], REGIONS[1]).put_parameter(
        Name="/engine/param", Value="by hand", Type="String", Overwrite=True)  # fmt: skip
    found = detect_stack_set_drift(gateway, target(), said.append)
    assert found.code == ExitCode.DRIFT
    entry = sets_of(found)[0]
    assert (entry.result, found.result.drifted) == ("drifted", True)
    assert [(i.account, i.region) for i in entry.instances if i.status == "DRIFTED"] == [
        (ACCOUNTS[2], REGIONS[1])]  # fmt: skip
    assert len(entry.instances) == 6
    assert [o.action for o in entry.operations] == ["DETECT_DRIFT"]
    assert f"  {ACCOUNTS[2]}/{REGIONS[1]}: DRIFTED" in said
