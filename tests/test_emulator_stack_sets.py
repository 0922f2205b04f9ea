"""Stack sets in the emulator, over HTTP with boto3: operations with ids and per-instance
results, OperationPreferences, OperationInProgressException, and instance stacks in the target
accounts' and Regions' backends (extension stack_set_operations). Where plain moto differs, the
test shows it."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

ADMIN = "123456789012"
ACCOUNTS = ["111111111111", "222222222222", "333333333333"]
REGIONS = ["us-east-1", "eu-west-1"]
FAILING = ("222222222222", "us-east-1")

TEMPLATE = json.dumps({
    "Parameters": {"Value": {"Type": "String", "Default": "one"}},
    "Resources": {"Param": {"Type": "AWS::SSM::Parameter", "Properties": {
        "Name": "/stack-set/param", "Type": "String", "Value": {"Ref": "Value"}}}},
})  # fmt: skip


def client(url: str, service: str, account: str = ADMIN, region: str = "us-west-2") -> Any:
    """A boto3 client acting in `account` (moto takes the account from this header)."""
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t",
                                    region_name=region)  # fmt: skip
    made = session.client(service, endpoint_url=url)  # type: ignore[call-overload]

    def act_in(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account

    made.meta.events.register("before-send.*.*", act_in)
    return made


def reset(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()


def operation(cf: Any, operation_id: str, name: str = "set") -> dict[str, Any]:
    found: dict[str, Any] = cf.describe_stack_set_operation(
        StackSetName=name, OperationId=operation_id
    )["StackSetOperation"]
    return found


def wait(cf: Any, operation_id: str, name: str = "set") -> str:
    deadline = time.monotonic() + 60
    while (status := operation(cf, operation_id, name)["Status"]) in ("RUNNING", "STOPPING"):
        assert time.monotonic() < deadline, "operation never ended"
        time.sleep(0.05)
    return str(status)


def results(cf: Any, operation_id: str) -> dict[tuple[str, str], str]:
    found = cf.list_stack_set_operation_results(StackSetName="set", OperationId=operation_id)
    return {(s["Account"], s["Region"]): s["Status"] for s in found["Summaries"]}


def instance_states(cf: Any) -> dict[tuple[str, str], tuple[str, str]]:
    found = cf.list_stack_instances(StackSetName="set")["Summaries"]
    return {(i["Account"], i["Region"]): (i["Status"], i["StackInstanceStatus"]["DetailedStatus"])
            for i in found}  # fmt: skip


def occupy_parameter(url: str, account: str, region: str) -> None:
    """Make the template's parameter exist already in one account and Region, so that
    instance fails there as it would in AWS (the name is taken)."""
    client(url, "ssm", account, region).put_parameter(
        Name="/stack-set/param", Value="taken", Type="String"
    )


def create_instances(cf: Any, **preferences: Any) -> str:
    cf.create_stack_set(StackSetName="set", TemplateBody=TEMPLATE)
    operation_id: str = cf.create_stack_instances(
        StackSetName="set", Accounts=ACCOUNTS, Regions=REGIONS,
        OperationPreferences=preferences,
    )["OperationId"]  # fmt: skip
    return operation_id


@pytest.fixture
def slow_resources() -> Any:
    from provisioner.emulator.settings import SETTINGS

    SETTINGS.resource_delay = 0.15
    yield SETTINGS
    SETTINGS.resource_delay = 0.0


def test_instances_run_as_an_operation_and_land_in_each_account_and_region(
    emulator: Any, slow_resources: Any
) -> None:
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    operation_id = create_instances(cf, MaxConcurrentCount=3, FailureToleranceCount=2,
                                    RegionConcurrencyType="PARALLEL")  # fmt: skip
    assert operation(cf, operation_id)["Status"] == "RUNNING"
    assert operation(cf, operation_id)["Action"] == "CREATE"
    assert wait(cf, operation_id) == "SUCCEEDED"
    done = operation(cf, operation_id)
    assert done["EndTimestamp"] >= done["CreationTimestamp"]
    everywhere = {(a, r) for a in ACCOUNTS for r in REGIONS}
    assert results(cf, operation_id) == dict.fromkeys(everywhere, "SUCCEEDED")
    assert instance_states(cf) == dict.fromkeys(everywhere, ("CURRENT", "SUCCEEDED"))
    summaries = cf.list_stack_instances(StackSetName="set")["Summaries"]
    for account, region in everywhere:
        stacks = client(emulator.url, "cloudformation", account, region).describe_stacks()
        (stack,) = stacks["Stacks"]
        assert stack["StackName"].startswith("StackSet-set-")
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        assert stack["StackId"] in {s["StackId"] for s in summaries}
        ssm = client(emulator.url, "ssm", account, region)
        assert ssm.get_parameter(Name="/stack-set/param")["Parameter"]["Value"] == "one"
    # nothing in the administrator's own account or Region
    assert client(emulator.url, "cloudformation").describe_stacks()["Stacks"] == []
    listed = cf.list_stack_set_operations(StackSetName="set")["Summaries"]
    assert [(o["OperationId"], o["Status"]) for o in listed] == [(operation_id, "SUCCEEDED")]


def test_an_update_reaches_every_instance_stack(emulator: Any) -> None:
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    assert wait(cf, create_instances(cf, MaxConcurrentPercentage=100)) == "SUCCEEDED"
    updated = cf.update_stack_set(
        StackSetName="set",
        TemplateBody=TEMPLATE,
        Parameters=[{"ParameterKey": "Value", "ParameterValue": "two"}],
    )
    assert wait(cf, updated["OperationId"]) == "SUCCEEDED"
    assert operation(cf, updated["OperationId"])["Action"] == "UPDATE"
    for account in ACCOUNTS:
        for region in REGIONS:
            ssm = client(emulator.url, "ssm", account, region)
            assert ssm.get_parameter(Name="/stack-set/param")["Parameter"]["Value"] == "two"
    overridden = cf.update_stack_instances(
        StackSetName="set", Accounts=[ACCOUNTS[0]], Regions=[REGIONS[0]],
        ParameterOverrides=[{"ParameterKey": "Value", "ParameterValue": "three"}],
    )  # fmt: skip
    assert wait(cf, overridden["OperationId"]) == "SUCCEEDED"
    assert results(cf, overridden["OperationId"]) == {(ACCOUNTS[0], REGIONS[0]): "SUCCEEDED"}
    ssm = client(emulator.url, "ssm", ACCOUNTS[0], REGIONS[0])
    assert ssm.get_parameter(Name="/stack-set/param")["Parameter"]["Value"] == "three"
    described = cf.describe_stack_instance(
        StackSetName="set", StackInstanceAccount=ACCOUNTS[0], StackInstanceRegion=REGIONS[0]
    )["StackInstance"]
    assert described["ParameterOverrides"] == [{"ParameterKey": "Value",
                                                "ParameterValue": "three"}]  # fmt: skip
    with pytest.raises(ClientError) as missing:
        cf.update_stack_instances(StackSetName="set", Accounts=["444444444444"],
                                  Regions=[REGIONS[0]], ParameterOverrides=[])  # fmt: skip
    assert missing.value.response["Error"]["Code"] == "StackInstanceNotFoundException"


def test_a_second_operation_while_one_runs_is_refused(emulator: Any, slow_resources: Any) -> None:
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    running = create_instances(cf)  # one instance at a time: it runs a while
    attempts: list[Callable[[], Any]] = [
        lambda: cf.update_stack_set(StackSetName="set", TemplateBody=TEMPLATE),
        lambda: cf.delete_stack_instances(StackSetName="set", Accounts=ACCOUNTS,
                                          Regions=REGIONS, RetainStacks=False),
        lambda: cf.delete_stack_set(StackSetName="set"),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(ClientError) as refused:
            attempt()
        assert refused.value.response["Error"]["Code"] == "OperationInProgressException"
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert operation(cf, running)["Status"] == "RUNNING"
    assert wait(cf, running) == "SUCCEEDED"
    assert wait(cf, cf.update_stack_set(StackSetName="set", TemplateBody=TEMPLATE)[
        "OperationId"]) == "SUCCEEDED"  # fmt: skip


def test_a_failure_within_the_tolerance_leaves_the_operation_succeeded(emulator: Any) -> None:
    emulator.reset()
    occupy_parameter(emulator.url, *FAILING)
    cf = client(emulator.url, "cloudformation")
    operation_id = create_instances(cf, FailureToleranceCount=1)
    assert wait(cf, operation_id) == "SUCCEEDED"
    everywhere = {(a, r) for a in ACCOUNTS for r in REGIONS}
    assert results(cf, operation_id) == {**dict.fromkeys(everywhere, "SUCCEEDED"),
                                         FAILING: "FAILED"}  # fmt: skip
    assert instance_states(cf) == {**dict.fromkeys(everywhere, ("CURRENT", "SUCCEEDED")),
                                   FAILING: ("OUTDATED", "FAILED")}  # fmt: skip
    failed = cf.describe_stack_instance(
        StackSetName="set", StackInstanceAccount=FAILING[0], StackInstanceRegion=FAILING[1]
    )["StackInstance"]
    assert "Param" in failed["StatusReason"]
    assert operation(cf, operation_id)["StatusDetails"]["FailedStackInstancesCount"] == 1
    stack = client(emulator.url, "cloudformation", *FAILING).describe_stacks(
        StackName=failed["StackId"])["Stacks"][0]  # fmt: skip
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"


def test_failures_beyond_the_tolerance_cancel_the_rest(emulator: Any) -> None:
    emulator.reset()
    occupy_parameter(emulator.url, *FAILING)
    cf = client(emulator.url, "cloudformation")
    # one at a time, us-east-1 first: account 1 succeeds, account 2 fails, the rest is cancelled
    operation_id = create_instances(cf, FailureToleranceCount=0, MaxConcurrentCount=1,
                                    RegionOrder=["us-east-1", "eu-west-1"])  # fmt: skip
    assert wait(cf, operation_id) == "FAILED"
    cancelled = {("333333333333", "us-east-1")} | {(a, "eu-west-1") for a in ACCOUNTS}
    assert results(cf, operation_id) == {
        ("111111111111", "us-east-1"): "SUCCEEDED",
        FAILING: "FAILED",
        **dict.fromkeys(cancelled, "CANCELLED"),
    }
    assert instance_states(cf) == {
        ("111111111111", "us-east-1"): ("CURRENT", "SUCCEEDED"),
        FAILING: ("OUTDATED", "FAILED"),
        **dict.fromkeys(cancelled, ("OUTDATED", "CANCELLED")),
    }
    for account, region in cancelled:  # never started: no stack there
        found = client(emulator.url, "cloudformation", account, region).describe_stacks()
        assert found["Stacks"] == []


def _intervals(url: str, region: str) -> list[tuple[datetime, datetime]]:
    """When each instance stack in a Region was being created."""
    spans = []
    for account in ACCOUNTS:
        cf = client(url, "cloudformation", account, region)
        (stack,) = cf.describe_stacks()["Stacks"]
        found = cf.describe_stack_events(StackName=stack["StackId"])["StackEvents"]
        own = {e["ResourceStatus"]: e["Timestamp"] for e in found
               if e["LogicalResourceId"] == stack["StackName"]}  # fmt: skip
        spans.append((own["CREATE_IN_PROGRESS"], own["CREATE_COMPLETE"]))
    return spans


def _most_at_once(spans: list[tuple[datetime, datetime]]) -> int:
    return max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)


def test_at_most_max_concurrent_instances_run_at_once(emulator: Any, slow_resources: Any) -> None:
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    operation_id = create_instances(cf, MaxConcurrentCount=2, FailureToleranceCount=1,
                                    RegionOrder=["eu-west-1", "us-east-1"])  # fmt: skip
    assert wait(cf, operation_id) == "SUCCEEDED"
    first, second = _intervals(emulator.url, "eu-west-1"), _intervals(emulator.url, "us-east-1")
    assert _most_at_once(first) == 2 and _most_at_once(second) == 2
    # SEQUENTIAL (the default) in RegionOrder: us-east-1 starts once eu-west-1 is done
    assert min(s for s, _ in second) >= max(e for _, e in first)


def test_strict_failure_tolerance_bounds_concurrency(emulator: Any, slow_resources: Any) -> None:
    """In the default STRICT_FAILURE_TOLERANCE mode, at most FailureToleranceCount + 1
    instances run at once, whatever MaxConcurrentCount says; PARALLEL runs Regions together."""
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    operation_id = create_instances(cf, MaxConcurrentCount=3, FailureToleranceCount=0,
                                    RegionConcurrencyType="PARALLEL")  # fmt: skip
    assert wait(cf, operation_id) == "SUCCEEDED"
    east, west = _intervals(emulator.url, "us-east-1"), _intervals(emulator.url, "eu-west-1")
    assert _most_at_once(east) == 1 and _most_at_once(west) == 1
    assert _most_at_once(east + west) == 2  # the two Regions at the same time


def test_count_and_percentage_together_are_refused(emulator: Any) -> None:
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    with pytest.raises(ClientError) as refused:
        create_instances(cf, MaxConcurrentCount=1, MaxConcurrentPercentage=50)
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert cf.list_stack_instances(StackSetName="set")["Summaries"] == []


def test_a_set_with_instances_cannot_be_deleted_until_they_are(emulator: Any) -> None:
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    assert wait(cf, create_instances(cf, MaxConcurrentPercentage=100)) == "SUCCEEDED"
    stack_ids = {(i["Account"], i["Region"]): i["StackId"]
                 for i in cf.list_stack_instances(StackSetName="set")["Summaries"]}  # fmt: skip
    with pytest.raises(ClientError) as refused:
        cf.delete_stack_set(StackSetName="set")
    assert refused.value.response["Error"]["Code"] == "StackSetNotEmptyException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    deleted = cf.delete_stack_instances(StackSetName="set", Accounts=ACCOUNTS, Regions=REGIONS,
                                        RetainStacks=False)["OperationId"]  # fmt: skip
    assert wait(cf, deleted) == "SUCCEEDED"
    assert operation(cf, deleted)["Action"] == "DELETE"
    assert cf.list_stack_instances(StackSetName="set")["Summaries"] == []
    for (account, region), stack_id in stack_ids.items():
        target = client(emulator.url, "cloudformation", account, region)
        status = target.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]
        assert status == "DELETE_COMPLETE"
        with pytest.raises(ClientError):
            client(emulator.url, "ssm", account, region).get_parameter(Name="/stack-set/param")
    cf.delete_stack_set(StackSetName="set")
    with pytest.raises(ClientError) as gone:
        cf.describe_stack_set(StackSetName="set")
    assert gone.value.response["Error"]["Code"] == "StackSetNotFoundException"


def test_retained_stacks_stay_when_their_instances_go(emulator: Any) -> None:
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    assert wait(cf, create_instances(cf, MaxConcurrentPercentage=100)) == "SUCCEEDED"
    deleted = cf.delete_stack_instances(StackSetName="set", Accounts=[ACCOUNTS[0]],
                                        Regions=[REGIONS[0]], RetainStacks=True)  # fmt: skip
    assert wait(cf, deleted["OperationId"]) == "SUCCEEDED"
    assert (ACCOUNTS[0], REGIONS[0]) not in instance_states(cf)
    kept = client(emulator.url, "cloudformation", ACCOUNTS[0], REGIONS[0]).describe_stacks()
    assert [s["StackStatus"] for s in kept["Stacks"]] == ["CREATE_COMPLETE"]


def organization(url: str) -> tuple[str, list[str]]:
    """An OU with two member accounts (one in a nested OU): its id and the accounts."""
    org = client(url, "organizations", region="us-east-1")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    unit = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]
    nested = org.create_organizational_unit(ParentId=unit["Id"], Name="ml")["OrganizationalUnit"]
    members = []
    for name, parent in (("one", unit["Id"]), ("two", nested["Id"])):
        made = org.create_account(AccountName=name, Email=f"{name}@example.com")
        account = made["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
        members.append(account)
    return str(unit["Id"]), members


def test_service_managed_sets_target_organizational_units(emulator: Any) -> None:
    emulator.reset()
    unit_id, members = organization(emulator.url)
    unit = {"Id": unit_id}
    cf = client(emulator.url, "cloudformation")
    auto = {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    cf.create_stack_set(StackSetName="set", TemplateBody=TEMPLATE,
                        PermissionModel="SERVICE_MANAGED",
                        AutoDeployment=auto, CallAs="DELEGATED_ADMIN")  # fmt: skip
    operation_id = cf.create_stack_instances(
        StackSetName="set", DeploymentTargets={"OrganizationalUnitIds": [unit["Id"]]},
        Regions=["us-east-1"], CallAs="DELEGATED_ADMIN",
    )["OperationId"]  # fmt: skip
    assert wait(cf, operation_id) == "SUCCEEDED"
    found = cf.list_stack_instances(StackSetName="set", CallAs="DELEGATED_ADMIN")["Summaries"]
    assert {(i["Account"], i["OrganizationalUnitId"]) for i in found} == {
        (members[0], unit["Id"]), (members[1], unit["Id"])}  # fmt: skip
    for account in members:
        ssm = client(emulator.url, "ssm", account, "us-east-1")
        assert ssm.get_parameter(Name="/stack-set/param")["Parameter"]["Value"] == "one"
    with pytest.raises(ClientError) as refused:
        cf.create_stack_instances(
            StackSetName="set", Regions=["us-east-1"],
            DeploymentTargets={"OrganizationalUnitIds": ["ou-abcd-12345678"]},
        )  # fmt: skip
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert "ou-abcd-12345678" in str(refused.value) and "Organizations API" in str(refused.value)


def failing_instance(url: str) -> tuple[str, dict[tuple[str, str], tuple[str, str]]]:
    """One instance's parameter name is taken: the operation's status, and the instances'."""
    occupy_parameter(url, *FAILING)
    cf = client(url, "cloudformation")
    cf.create_stack_set(StackSetName="set", TemplateBody=TEMPLATE)
    try:
        operation_id = cf.create_stack_instances(
            StackSetName="set", Accounts=ACCOUNTS, Regions=REGIONS,
            OperationPreferences={"FailureToleranceCount": 0, "MaxConcurrentCount": 1},
        )["OperationId"]  # fmt: skip
    except ClientError as error:
        return f"{error.response['Error']['Code']} on CreateStackInstances", instance_states(cf)
    return wait(cf, operation_id), instance_states(cf)


def test_plain_moto_fails_the_call_on_a_failing_instance(emulator: Any, plain_moto: str) -> None:
    emulator.reset()
    assert failing_instance(emulator.url) == ("FAILED", {
        ("111111111111", "us-east-1"): ("CURRENT", "SUCCEEDED"),
        FAILING: ("OUTDATED", "FAILED"),
        **{key: ("OUTDATED", "CANCELLED") for key in [("333333333333", "us-east-1")]
           + [(a, "eu-west-1") for a in ACCOUNTS]},
    })  # fmt: skip
    reset(plain_moto)
    # moto creates the instances inside the call: the failure is the call's, no instance is
    # listed, and the stacks it made before the failure are left behind unlisted
    assert failing_instance(plain_moto) == ("ParameterAlreadyExists on CreateStackInstances", {})


def updated_values(url: str) -> tuple[list[str], list[str]]:
    """Update a set's parameter: the instance stacks' names and their parameters' values."""
    cf = client(url, "cloudformation")
    create_instances(cf)
    cf.update_stack_set(
        StackSetName="set",
        TemplateBody=TEMPLATE,
        Parameters=[{"ParameterKey": "Value", "ParameterValue": "two"}],
    )
    deadline = time.monotonic() + 30
    while any(
        o["Status"] == "RUNNING"
        for o in cf.list_stack_set_operations(StackSetName="set")["Summaries"]
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)  # fmt: skip
    names, values = [], []
    for account in ACCOUNTS:
        for region in REGIONS:
            names += [
                s["StackName"]
                for s in client(url, "cloudformation", account, region).describe_stacks()["Stacks"]
            ]
            ssm = client(url, "ssm", account, region)
            values.append(ssm.get_parameter(Name="/stack-set/param")["Parameter"]["Value"])
    return names, values


def test_plain_moto_leaves_instance_stacks_out_of_an_update(emulator: Any, plain_moto: str) -> None:
    emulator.reset()
    names, values = updated_values(emulator.url)
    assert all(n.startswith("StackSet-set-") for n in names) and values == ["two"] * 6
    reset(plain_moto)
    plain_names, plain_values = updated_values(plain_moto)
    # moto names the stacks `StackSet:set`, which CloudFormation's stack names cannot be, and
    # an update changes the set but none of its stacks
    assert plain_names == ["StackSet:set"] * 6 and plain_values == ["one"] * 6


def test_plain_moto_ignores_operation_preferences(emulator: Any, plain_moto: str) -> None:
    reset(plain_moto)
    cf = client(plain_moto, "cloudformation")
    create_instances(cf, MaxConcurrentCount=1, MaxConcurrentPercentage=50)  # accepted
    assert len(cf.list_stack_instances(StackSetName="set")["Summaries"]) == 6


def test_a_stopped_operation_cancels_what_has_not_started(
    emulator: Any, slow_resources: Any
) -> None:
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    operation_id = create_instances(cf, MaxConcurrentCount=1)
    while "RUNNING" not in results(cf, operation_id).values():  # the first has started
        time.sleep(0.01)
    cf.stop_stack_set_operation(StackSetName="set", OperationId=operation_id)
    assert operation(cf, operation_id)["Status"] == "STOPPING"
    assert wait(cf, operation_id) == "STOPPED"
    outcome = results(cf, operation_id)
    assert list(outcome.values()).count("SUCCEEDED") == 1  # the one running when it stopped
    assert list(outcome.values()).count("CANCELLED") == 5
    with pytest.raises(ClientError) as refused:
        cf.stop_stack_set_operation(StackSetName="set", OperationId=operation_id)
    assert refused.value.response["Error"]["Code"] == "InvalidOperationException"


def test_drift_detection_checks_every_instance_stack(emulator: Any) -> None:
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    assert wait(cf, create_instances(cf, MaxConcurrentPercentage=100)) == "SUCCEEDED"
    changed = (ACCOUNTS[1], REGIONS[1])
    client(emulator.url, "ssm", *changed).put_parameter(
        Name="/stack-set/param", Value="changed by hand", Type="String", Overwrite=True
    )
    detection = cf.detect_stack_set_drift(StackSetName="set")["OperationId"]
    assert wait(cf, detection) == "SUCCEEDED"
    described = operation(cf, detection)
    assert described["Action"] == "DETECT_DRIFT"
    details = described["StackSetDriftDetectionDetails"]
    assert (details["DriftStatus"], details["DriftDetectionStatus"]) == ("DRIFTED", "COMPLETED")
    assert (details["TotalStackInstancesCount"], details["DriftedStackInstancesCount"],
            details["InSyncStackInstancesCount"]) == (6, 1, 5)  # fmt: skip
    found = cf.list_stack_instances(StackSetName="set")["Summaries"]
    drift = {(i["Account"], i["Region"]): i["DriftStatus"] for i in found}
    assert drift == {**{(a, r): "IN_SYNC" for a in ACCOUNTS for r in REGIONS},
                     changed: "DRIFTED"}  # fmt: skip
    assert all("LastDriftCheckTimestamp" in i for i in found)
    # the instance stack itself says what drifted, as DetectStackDrift would
    target = client(emulator.url, "cloudformation", *changed)
    stack_id = next(i["StackId"] for i in found if (i["Account"], i["Region"]) == changed)
    drifts = target.describe_stack_resource_drifts(StackName=stack_id)["StackResourceDrifts"]
    assert [(d["LogicalResourceId"], d["StackResourceDriftStatus"]) for d in drifts] == [
        ("Param", "MODIFIED")]  # fmt: skip


def test_plain_moto_has_no_stack_set_drift_detection(plain_moto: str) -> None:
    reset(plain_moto)
    cf = client(plain_moto, "cloudformation")
    create_instances(cf)
    with pytest.raises(ResponseParserError):  # moto fails: an HTML error page (HTTP 500)
        cf.detect_stack_set_drift(StackSetName="set")


def test_an_operation_id_is_used_once(emulator: Any) -> None:
    emulator.reset()
    cf = client(emulator.url, "cloudformation")
    cf.create_stack_set(StackSetName="set", TemplateBody=TEMPLATE)
    given = cf.create_stack_instances(StackSetName="set", Accounts=ACCOUNTS[:1],
                                      Regions=REGIONS[:1], OperationId="mine")  # fmt: skip
    assert given["OperationId"] == "mine" and wait(cf, "mine") == "SUCCEEDED"
    with pytest.raises(ClientError) as refused:
        cf.update_stack_set(StackSetName="set", TemplateBody=TEMPLATE, OperationId="mine")
    assert refused.value.response["Error"]["Code"] == "OperationIdAlreadyExistsException"
