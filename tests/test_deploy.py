"""The AWS actions of both CLIs, end to end against the local emulator over HTTP with boto3:
show-changes, deploy, test-deploy, status, detect-drift, delete — in the emulator's synchronous
mode and in its asynchronous one (resources take time, stacks pass through *_IN_PROGRESS)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from conftest import CliResult, CliRunner
from provisioner.cli import sec as sec_cli
from provisioner.config.ml_loader import load_ml_config
from provisioner.config.sec_loader import load_sec_config
from provisioner.emulator.examples import (
    EMULATOR_ACCOUNT,
    ML_SUFFIX,
    add_tag,
    create_network,
    tenant_sec_config,
    tenant_setup,
    use_account,
)
from provisioner.emulator.faults import FAULTS, Fault
from provisioner.emulator.settings import SETTINGS
from provisioner.exit_codes import ExitCode
from provisioner.ml.operator_policy import operator_policy as ml_operator_policy
from provisioner.ml.plan import plan_stack
from provisioner.sec.operator_policy import operator_policy as sec_operator_policy
from provisioner.sec.plan import plan_stacks

if TYPE_CHECKING:
    from provisioner.deploy.clients import ServiceName

ACCOUNT = EMULATOR_ACCOUNT
STARTER = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
PROFESSIONAL = "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"
ENTERPRISE = "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit.yaml"
SEC_MEDIUM = "edge-prod-b001-us-west-1-sec.yaml"
SEC_SMALL = "techcorp-dev-a001-us-west-2-sec.yaml"
SEC_ENTERPRISE = "globalbank-prod-c001-us-east-1-sec.yaml"


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    """Synchronous (moto's way) or asynchronous (each resource takes time, as in AWS)."""
    SETTINGS.resource_delay = 0.01 if request.param == "async" else 0.0
    yield request.param
    SETTINGS.resource_delay = 0.0


@pytest.fixture
def cloud(emulator: Any, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A reset emulator the CLIs reach through AWS_ENDPOINT_URL; the example configs point at
    its account; boto3 clients for the test's own checks."""
    FAULTS.clear()
    emulator.reset()
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for config in (workdir / "configs").glob("*.yaml"):
        use_account(config, ACCOUNT)
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t")

    class Cloud:
        url = emulator.url

        def client(self, service: ServiceName, region: str = "us-west-2") -> Any:
            return session.client(service, endpoint_url=emulator.url, region_name=region)

        def stacks(self, region: str = "us-west-2") -> dict[str, str]:
            """Every stack that exists (deleted ones aside): name → status."""
            listed = self.client("cloudformation", region).list_stacks()["StackSummaries"]
            return {s["StackName"]: s["StackStatus"] for s in listed
                    if s["StackStatus"] != "DELETE_COMPLETE"}  # fmt: skip

        def stack(self, name: str, region: str = "us-west-2") -> dict[str, Any]:
            cf = self.client("cloudformation", region)
            return dict(cf.describe_stacks(StackName=name)["Stacks"][0])

        def parameters(self, path: str, region: str = "us-west-2") -> dict[str, str]:
            pages = self.client("ssm", region).get_paginator("get_parameters_by_path")
            return {p["Name"]: p["Value"]
                    for page in pages.paginate(Path=path, Recursive=True)
                    for p in page["Parameters"]}  # fmt: skip

    yield Cloud()
    FAULTS.clear()  # what a test queued and did not use must not reach the next one
    SETTINGS.resource_delay = 0.0


@pytest.fixture
def run_sec_here(workdir: Path) -> CliRunner:
    import io

    def run(*argv: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        code = sec_cli.main(list(argv), cwd=workdir, stdout=out, stderr=err)
        return CliResult(int(code), out.getvalue(), err.getvalue())

    return run


Tenant = Callable[[str], dict[str, str]]


@pytest.fixture
def tenant(cloud: Any, workdir: Path, run_sec_here: CliRunner) -> Tenant:
    """`tenant(config)` sets the config's tenant up as a user does, with the real CLI: the
    administrator's bootstrap (the permission boundaries every role carries) and, for an ML
    config, the tenant's SEC stacks (which publish the use case's team). Returns the stacks
    that then exist in the config's region, which the test's own actions leave alone."""

    def ready(config: str) -> dict[str, str]:
        path = workdir / "configs" / config
        delay = SETTINGS.resource_delay
        SETTINGS.resource_delay = 0.0  # the setup is not under test: no time per resource
        try:
            for argv in tenant_setup(path):
                expect(run_sec_here(*argv), 0)
        finally:
            SETTINGS.resource_delay = delay
        loaded = load_ml_config(path) if config.endswith(ML_SUFFIX) else load_sec_config(path)
        stacks: dict[str, str] = cloud.stacks(loaded.region)
        return stacks

    return ready


def enterprise_network(cloud: Any, workdir: Path) -> None:
    """The enterprise example names a VPC: make one in the emulator and point the config at it."""
    create_network(workdir / "configs" / ENTERPRISE, cloud.client("ec2"))


def ml_config(workdir: Path, name: str) -> Any:
    return load_ml_config(workdir / "configs" / name)


def report(workdir: Path, stem: str, action: str) -> dict[str, Any]:
    """The action's JSON document, as written to reports/ (docs/output-json.md)."""
    data: dict[str, Any] = json.loads((workdir / "reports" / f"{stem}-{action}.json").read_text())
    return data


def report_result(workdir: Path, stem: str, action: str) -> dict[str, Any]:
    """What the action's report says it did or found: the document's `result`."""
    found: dict[str, Any] = report(workdir, stem, action)["result"]
    return found


def expect(result: CliResult, code: int) -> CliResult:
    assert result.code == code, f"exit {result.code}\n--- out\n{result.out}\n--- err\n{result.err}"
    return result


# -- the whole lifecycle, every ML tier, both emulator modes ---------------------------------
@pytest.mark.parametrize("example", [STARTER, PROFESSIONAL, ENTERPRISE], ids=str.split)
def test_ml_lifecycle(cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant, mode: str,
                      example: str) -> None:  # fmt: skip
    if example == ENTERPRISE:
        enterprise_network(cloud, workdir)
    config = ml_config(workdir, example)
    plan = plan_stack(config)
    stem = example.removesuffix(".yaml")
    name = plan.stack_name
    tenants = tenant(example)  # bootstrap and SEC stacks, deployed with sec-provisioner
    assert name not in tenants

    refused = expect(run_ml("-con", example, "-act", "deploy"), 2)
    assert "--force" in refused.err and cloud.stacks() == tenants

    preview = expect(run_ml("-con", example, "-act", "show-changes"), 0)
    assert f"{name}: would create" in preview.out
    assert all(f"Add     {r.logical_id}" in preview.out for r in plan.resources)
    assert cloud.stacks() == tenants, "show-changes must leave nothing behind"
    shown = report_result(workdir, stem, "show-changes")["stacks"][0]
    assert {c["logical_id"] for c in shown["changes"]} == {r.logical_id for r in plan.resources}

    deployed = expect(run_ml("-con", example, "-act", "deploy", "--force", "--allow-broadening"), 0)
    stack = cloud.stack(name)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert stack["EnableTerminationProtection"] is True  # prod
    total = len(plan.resources)
    for resource in plan.resources:  # one progress line per resource event, counted
        assert re.search(rf"\[\s*\d+/{total}\] CREATE_COMPLETE\s+\S+\s+{resource.logical_id}\n",
                         deployed.out), resource.logical_id  # fmt: skip
    assert f"[{total}/{total}] CREATE_COMPLETE" in deployed.out
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    parameters = cloud.parameters(f"/ml/{name.removesuffix('-stack')}")
    assert sorted(parameters.values()) == sorted(outputs.values())  # SPEC §2: SSM mirrors outputs

    status = expect(run_ml("-con", example, "-act", "status"), 0)
    assert f"{name}: CREATE_COMPLETE" in status.out and "termination protection  on" in status.out
    assert all(value in status.out for value in parameters.values())

    expect(run_ml("-con", example, "-act", "detect-drift"), 0)
    edited = next(iter(parameters))
    cloud.client("ssm").put_parameter(Name=edited, Value="edited", Type="String", Overwrite=True)
    drift = expect(run_ml("-con", example, "-act", "detect-drift"), 3)
    assert "DRIFTED" in drift.out and "actual edited" in drift.out
    drifted = [r for r in report_result(workdir, stem, "detect-drift")["stacks"][0]["resources"]
               if r["status"] == "MODIFIED"]  # fmt: skip
    assert [r["physical_id"] for r in drifted] == [edited]

    add_tag(workdir / "configs" / example, "edited", "by-test")
    changed = expect(run_ml("-con", example, "-act", "show-changes"), 0)
    assert f"{name}: would update" in changed.out and "Modify" in changed.out
    # A new tag is a change to each resource's Tags, made in place (Tags is create-only for
    # no type here): the change set says so per resource, and the table shows it.
    modified = [c for c in report_result(workdir, stem, "show-changes")["stacks"][0]["changes"]
                if c["action"] == "Modify"]  # fmt: skip
    assert modified and all(c["replacement"] == "False" for c in modified)
    assert all({"attribute": "Properties", "name": "Tags", "requires_recreation": "Never"}
               in c["changed"] for c in modified)  # fmt: skip
    assert re.search(r"Modify\s+\S+\s+\S+\s+False\s+(\S+, )*Tags\b", changed.out)
    expect(run_ml("-con", example, "-act", "deploy", "--force"), 0)  # a tag: no broadening
    assert cloud.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    assert cloud.parameters(f"/ml/{name.removesuffix('-stack')}")[edited] != "edited"

    protected = expect(run_ml("-con", example, "-act", "delete", "--force"), 2)
    assert "--disable-termination-protection" in protected.err
    assert cloud.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    deleted = expect(run_ml("-con", example, "-act", "delete", "--force",
                            "--disable-termination-protection"), 0)  # fmt: skip
    assert cloud.stacks() == tenants  # the tenant's stacks are not the use case's to delete
    assert cloud.parameters(f"/ml/{name.removesuffix('-stack')}") == {}
    kept = report_result(workdir, stem, "delete")["retained"]
    assert sorted(k["logical_id"] for k in kept) == sorted(
        r.logical_id for r in plan.resources if r.retain)  # fmt: skip
    assert all(k["name"] and f"kept (DeletionPolicy Retain): {k['type']} {k['name']}" in
               deleted.out for k in kept)  # fmt: skip

    again = expect(run_ml("-con", example, "-act", "delete", "--force"), 0)
    assert "does not exist" in again.out


def test_delete_lists_retained_resources_by_name(cloud: Any, workdir: Path, run_ml: CliRunner,
                                                 tenant: Tenant) -> None:  # fmt: skip
    enterprise_network(cloud, workdir)
    tenant(ENTERPRISE)
    plan = plan_stack(ml_config(workdir, ENTERPRISE))
    expect(run_ml("-con", ENTERPRISE, "-act", "deploy", "--force", "--allow-broadening"), 0)
    result = expect(run_ml("-con", ENTERPRISE, "-act", "delete", "--force",
                           "--disable-termination-protection"), 0)  # fmt: skip
    kept = [line for line in result.out.splitlines() if line.startswith("kept")]
    retained = [r for r in plan.resources if r.retain]
    assert {r.type for r in retained} == {"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup"}
    assert len(kept) == len(retained)
    bucket = next(r for r in retained if r.type == "AWS::S3::Bucket")
    assert any(bucket.physical_name in line for line in kept)
    cloud.client("s3").head_bucket(Bucket=bucket.physical_name)  # really kept


# -- the tenant's trust root: bootstrap → SEC → ML ---------------------------------------------
STARTER_SEC = "techcorp-prod-a001-us-west-2-sec.yaml"  # the starter example's tenant


def test_ml_deploy_without_the_tenants_trust_root_is_refused(cloud: Any, run_ml: CliRunner,
                                                             workdir: Path) -> None:  # fmt: skip
    for action, *flags in (("deploy", "--force"), ("test-deploy",)):
        result = expect(run_ml("-con", STARTER, "-act", action, *flags), 2)
        assert result.err.startswith("error: ") and "Traceback" not in result.err
        assert ("the tenant's trust root (techcorp-prod-a001-us-west-2-bootstrap-stack) is not "
                "deployed") in result.err  # fmt: skip
        assert (f"an administrator runs: sec-provisioner --config {STARTER_SEC} --action "
                "bootstrap --force; nothing was changed") in result.err  # fmt: skip
    assert cloud.stacks() == {}
    assert cloud.client("iam").list_roles()["Roles"] == []
    assert cloud.parameters("/ml") == {} and cloud.parameters("/security") == {}


def test_ml_deploy_needs_its_team_in_the_tenants_sec_stacks(
    cloud: Any, run_ml: CliRunner, run_sec_here: CliRunner, workdir: Path
) -> None:
    expect(
        run_sec_here(
            "--config", STARTER_SEC, "--action", "bootstrap", "--force", "--allow-broadening"
        ),
        0,
    )
    bootstrapped = cloud.stacks()
    assert list(bootstrapped) == ["techcorp-prod-a001-us-west-2-bootstrap-stack"]

    # The trust root is there, but no SEC stack has published the team yet.
    result = expect(run_ml("-con", STARTER, "-act", "deploy", "--force"), 2)
    assert "team 'churn' is not deployed in the tenant's SEC stacks" in result.err
    assert (f"add it to {STARTER_SEC} and run: sec-provisioner --config {STARTER_SEC} --action "
            "deploy --force; nothing was changed") in result.err  # fmt: skip
    assert cloud.stacks() == bootstrapped

    # The tenant's SEC stacks are deployed, but the use case names a team they do not define.
    expect(
        run_sec_here(
            "--config", STARTER_SEC, "--action", "deploy", "--force", "--allow-broadening"
        ),
        0,
    )
    tenants = cloud.stacks()
    path = workdir / "configs" / STARTER
    original = path.read_text()
    path.write_text(original.replace("team: churn\n", "team: retention\n"))
    result = expect(run_ml("-con", STARTER, "-act", "deploy", "--force"), 2)
    assert "team 'retention' is not deployed in the tenant's SEC stacks" in result.err
    assert cloud.stacks() == tenants
    assert not [r for r in cloud.client("iam").list_roles()["Roles"]
                if "customer-churn" in r["RoleName"]]  # fmt: skip

    path.write_text(original)  # its own team: it deploys
    expect(run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 0)


def test_sec_deploy_without_the_tenants_trust_root_is_refused(
    cloud: Any, run_sec_here: CliRunner
) -> None:
    for action, *flags in (("deploy", "--force"), ("test-deploy",)):
        result = expect(run_sec_here("--config", SEC_SMALL, "--action", action, *flags), 2)
        assert "Traceback" not in result.err
        assert "trust root (techcorp-dev-a001-us-west-2-bootstrap-stack" in result.err
        assert (f"sec-provisioner --config {SEC_SMALL} --action bootstrap --force; nothing was "
                "changed") in result.err  # fmt: skip
    assert cloud.stacks() == {}
    assert cloud.client("iam").list_roles()["Roles"] == []
    assert cloud.parameters("/security") == {}


def test_a_tenant_in_order_and_every_role_carries_its_boundary(
    cloud: Any, run_ml: CliRunner, run_sec_here: CliRunner, workdir: Path
) -> None:
    """The whole tenant as its people deploy it: the administrator's bootstrap, the SEC
    operator's stacks, then the ML use case; every role carries the tenant's boundary."""
    from provisioner.naming.tenant import TenantNames

    sec_name = tenant_sec_config(workdir / "configs" / STARTER).name
    assert sec_name == STARTER_SEC
    expect(
        run_sec_here(
            "--config", sec_name, "--action", "bootstrap", "--force", "--allow-broadening"
        ),
        0,
    )
    expect(
        run_sec_here("--config", sec_name, "--action", "deploy", "--force", "--allow-broadening"), 0
    )
    expect(run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 0)

    ml = ml_config(workdir, STARTER)
    sec = load_sec_config(workdir / "configs" / sec_name)
    names = TenantNames.of(ml)
    assert names == TenantNames.of(sec)
    boundary = {kind: f"arn:aws:iam::{ACCOUNT}:policy/techcorp-prod-a001-us-west-2-{kind}-boundary"
                for kind in ("sec", "ml")}  # fmt: skip
    assert cloud.parameters(names.bootstrap_path) == {
        f"/security/techcorp-prod-a001-us-west-2/bootstrap/{kind}-boundary-arn": arn
        for kind, arn in boundary.items()
    }
    assert cloud.parameters(names.team_path(ml.team))  # the team, published by SEC
    iam = cloud.client("iam")
    for arn in boundary.values():
        iam.get_policy(PolicyArn=arn)  # the boundary policies exist

    def boundary_of(role: str) -> dict[str, str]:
        found: dict[str, str] = iam.get_role(RoleName=role)["Role"]["PermissionsBoundary"]
        return found

    # An ML workload role and a SEC persona role, by name.
    assert boundary_of("techcorp-prod-a001-customer-churn-pipeline-role") == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary["ml"]}  # fmt: skip
    assert boundary_of("techcorp-prod-a001-role-churn-ds") == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary["sec"]}  # fmt: skip
    # And every other role of both tools.
    for kind, plans in (("ml", [plan_stack(ml)]), ("sec", plan_stacks(sec))):
        roles = [r.physical_name for p in plans for r in p.resources if r.type == "AWS::IAM::Role"]
        assert roles, kind
        for role in roles:
            assert boundary_of(role)["PermissionsBoundaryArn"] == boundary[kind], role


def test_show_changes_reviews_a_new_stack_in_a_tagged_stack_it_deletes(
    cloud: Any, run_ml: CliRunner, run_sec_here: CliRunner, workdir: Path, tenant: Tenant
) -> None:
    """The stack show-changes must create to review a new one carries the review tag (which
    lets the reviewer policy delete it, and no other stack) and is gone afterwards."""
    from provisioner.cfn.tags import REVIEW_STACK_TAG

    review_tag = {"Key": REVIEW_STACK_TAG, "Value": "true"}
    assert REVIEW_STACK_TAG == "provisioner-review"
    cf = cloud.client("cloudformation")

    def deleted_stacks(names: list[str]) -> list[dict[str, Any]]:
        """Deleted stacks of these names, read by stack id (as AWS answers for deleted ones)."""
        ids = [s["StackId"] for s in cf.list_stacks()["StackSummaries"]
               if s["StackName"] in names and s["StackStatus"] == "DELETE_COMPLETE"]  # fmt: skip
        return [cf.describe_stacks(StackName=i)["Stacks"][0] for i in ids]

    tenants = tenant(STARTER)
    name = plan_stack(ml_config(workdir, STARTER)).stack_name
    expect(run_ml("-con", STARTER, "-act", "show-changes"), 0)
    assert cloud.stacks() == tenants, "show-changes must leave nothing behind"
    [review] = deleted_stacks([name])
    assert review_tag in review["Tags"]

    # A deployed stack is no review stack, and reviewing a change to it makes none.
    expect(run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 0)
    add_tag(workdir / "configs" / STARTER, "edited", "by-test")
    expect(run_ml("-con", STARTER, "-act", "show-changes"), 0)
    assert cloud.stacks() == {**tenants, name: "CREATE_COMPLETE"}
    assert REVIEW_STACK_TAG not in {t["Key"] for t in cloud.stack(name).get("Tags", [])}
    assert len(deleted_stacks([name])) == 1

    # sec-provisioner's show-changes: one review stack per new stack, each tagged, all gone.
    sec_names = [
        p.stack_name for p in plan_stacks(load_sec_config(workdir / "configs" / SEC_SMALL))
    ]
    expect(run_sec_here("--config", SEC_SMALL, "--action", "show-changes"), 0)
    assert cloud.stacks() == {**tenants, name: "CREATE_COMPLETE"}
    reviews = deleted_stacks(sec_names)
    assert sorted(r["StackName"] for r in reviews) == sorted(sec_names)
    assert all(review_tag in r["Tags"] for r in reviews)


# -- sec-provisioner: several stacks, deploy by URL, reverse-order delete ---------------------
def test_sec_lifecycle_uploads_large_templates_and_deletes_in_reverse(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant, mode: str
) -> None:
    config = load_sec_config(workdir / "configs" / SEC_MEDIUM)
    bootstrap = tenant(SEC_MEDIUM)
    trust_root = cloud.parameters(f"/security/edge-prod-b001-{config.region}/bootstrap",
                                  config.region)  # fmt: skip
    assert len(trust_root) == 2
    region = config.region
    assert config.template_bucket is not None
    cloud.client("s3", region).create_bucket(
        Bucket=config.template_bucket,
        CreateBucketConfiguration={"LocationConstraint": region},
    )
    plans = plan_stacks(config)
    large = [p for p in plans if p.needs_template_url]
    assert large, "the medium example must exercise deploy by TemplateURL"

    expect(
        run_sec_here("--config", SEC_MEDIUM, "--action", "deploy", "--force", "--allow-broadening"),
        0,
    )
    assert cloud.stacks(region) == {**bootstrap, **{p.stack_name: "CREATE_COMPLETE" for p in plans}}
    keys = {o["Key"] for o in cloud.client("s3", region).list_objects_v2(
        Bucket=config.template_bucket)["Contents"]}  # fmt: skip
    for plan in large:
        digest = hashlib.sha256(plan.render().encode()).hexdigest()
        assert f"templates/{digest}.json" in keys
    parameters = cloud.parameters(f"/security/edge-prod-b001-{region}", region)
    outputs = [o for p in plans for o in cloud.stack(p.stack_name, region).get("Outputs", [])]
    assert sorted(v for k, v in parameters.items() if k not in trust_root) == sorted(
        o["OutputValue"] for o in outputs)  # fmt: skip

    deleted = expect(run_sec_here("--config", SEC_MEDIUM, "--action", "delete", "--force",
                                  "--disable-termination-protection"), 0)  # fmt: skip
    order = [line.split(":")[0] for line in deleted.out.splitlines() if line.endswith(": deleting")]
    assert order == [p.stack_name for p in reversed(plans)]
    # The tenant's trust root is the administrator's: a SEC delete leaves it alone.
    assert cloud.stacks(region) == bootstrap
    assert cloud.parameters(f"/security/edge-prod-b001-{region}", region) == trust_root


def test_security_diff_flags_broadening_and_prod_needs_the_flag(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant
) -> None:
    config = load_sec_config(workdir / "configs" / SEC_ENTERPRISE)
    region = config.region
    assert config.template_bucket is not None and config.env == "prod"
    cloud.client("s3", region).create_bucket(Bucket=config.template_bucket)
    bootstrap = tenant(SEC_ENTERPRISE)
    # A first create in production grants everything it adds: gated like any broadening.
    gate = ("--config", SEC_ENTERPRISE, "--action", "show-changes", "--fail-on-broadening")
    reviewed = json.loads(expect(run_sec_here(*gate, "--output", "json"), 4).out)
    first = expect(run_sec_here("--config", SEC_ENTERPRISE, "--action", "deploy", "--force"), 2)
    assert "broadens access in production" in first.err and "--allow-broadening" in first.err
    for stack in reviewed["result"]["stacks"]:  # what each grants, as the review counted it
        granted = [g for g in stack["security"]["added"] if g["broadens"]]
        trust = sum(g["kind"] == "trust" for g in granted)
        assert granted and trust, stack["stack"]
        assert f"{stack['stack']} (first create): grants {len(granted)} (" in first.err
        assert f"trust {trust}" in first.err
    assert cloud.stacks(region) == bootstrap, "a refused first create creates nothing"
    assert not (
        workdir / "reports" / f"{SEC_ENTERPRISE.removesuffix('.yaml')}-deploy.json"
    ).exists()
    expect(run_sec_here("--config", SEC_ENTERPRISE, "--action", "deploy", "--force",
                        "--allow-broadening"), 0)  # fmt: skip
    before = {p.stack_name: cloud.stack(p.stack_name, region).get("LastUpdatedTime")
              for p in plan_stacks(config)}  # fmt: skip

    path = workdir / "configs" / SEC_ENTERPRISE
    text = path.read_text()
    first_team = config.teams[0].name
    assert "personas: [viewer]" not in text
    # give the first team's viewers nothing new, but add ml-engineer to a team that lacks it
    team = next(t for t in config.teams if "ml-engineer" not in [p.value for p in t.personas])
    personas = ", ".join([p.value for p in team.personas] + ["ml-engineer"])
    text = re.sub(rf"(name: {team.name}, personas: )\[[^\]]*\]", rf"\g<1>[{personas}]", text)
    assert text != path.read_text(), first_team
    path.write_text(text)

    preview = expect(run_sec_here("--config", SEC_ENTERPRISE, "--action", "show-changes"), 0)
    assert "BROADENS ACCESS" in preview.out and "broaden access" in preview.out
    security = [s["security"] for s in report_result(workdir, path.stem, "show-changes")["stacks"]]
    assert any(s["broadens_access"] for s in security)

    refused = expect(run_sec_here("--config", SEC_ENTERPRISE, "--action", "deploy", "--force"), 2)
    assert "--allow-broadening" in refused.err and "broadens access" in refused.err
    after = {p.stack_name: cloud.stack(p.stack_name, region).get("LastUpdatedTime")
             for p in plan_stacks(config)}  # fmt: skip
    assert after == before, "a refused deploy must not touch the stacks"

    expect(run_sec_here("--config", SEC_ENTERPRISE, "--action", "deploy", "--force",
                        "--allow-broadening"), 0)  # fmt: skip
    quiet = expect(run_sec_here("--config", SEC_ENTERPRISE, "--action", "show-changes"), 0)
    assert "no changes" in quiet.out and "BROADENS" not in quiet.out


def test_fail_on_broadening_gates_ci_without_a_terminal(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant
) -> None:
    """show-changes --fail-on-broadening: exit 4 when access broadens (a first create
    broadens from nothing), 0 on no change or a narrowing one; the JSON document carries the
    security diff the gate read."""
    assert ExitCode.BROADENING.value == 4
    tenant(SEC_SMALL)
    gate = ("--config", SEC_SMALL, "--action", "show-changes", "--fail-on-broadening")
    path = workdir / "configs" / SEC_SMALL
    names = [p.stack_name for p in plan_stacks(load_sec_config(path))]

    first = expect(run_sec_here(*gate, "--output", "json"), ExitCode.BROADENING)
    document = json.loads(first.out)
    stacks = document["result"]["stacks"]
    assert [s["stack"] for s in stacks] == names and document["exit_code"] == 4
    assert all(s["operation"] == "CREATE" and s["security"]["broadens_access"] for s in stacks)
    added = [g for s in stacks for g in s["security"]["added"]]
    assert added and all(g["broadens"] for g in added if g["effect"] == "Allow")
    assert "sts:AssumeRole" in {g["action"] for g in added}
    assert f"access broadens in {', '.join(names)}: exit 4" in first.err
    assert report(workdir, path.stem, "show-changes") == document  # CI keeps the report too

    expect(run_sec_here("--config", SEC_SMALL, "--action", "deploy", "--force"), 0)
    quiet = expect(run_sec_here(*gate), 0)
    assert "no changes" in quiet.out and "access broadens" not in quiet.out

    original = path.read_text()
    wider = original.replace("personas: [data-scientist, viewer]",
                             "personas: [data-scientist, ml-engineer, viewer]")  # fmt: skip
    assert wider != original
    path.write_text(wider)
    broader = expect(run_sec_here(*gate), ExitCode.BROADENING)
    assert "BROADENS ACCESS" in broader.out and "access broadens in" in broader.out
    wide = [s for s in report_result(workdir, path.stem, "show-changes")["stacks"]
            if s["security"]["broadens_access"]]  # fmt: skip
    assert wide and all(s["operation"] == "UPDATE" for s in wide)
    # deploy --dry-run is that show-changes, gate included; without the gate it exits 0
    expect(run_sec_here("--config", SEC_SMALL, "--action", "deploy", "--dry-run",
                        "--fail-on-broadening"), ExitCode.BROADENING)  # fmt: skip
    expect(run_sec_here("--config", SEC_SMALL, "--action", "show-changes"), 0)

    expect(run_sec_here("--config", SEC_SMALL, "--action", "deploy", "--force"), 0)
    path.write_text(original)  # take ml-engineer away again: access narrows
    narrower = expect(run_sec_here(*gate), 0)
    assert "access broadens" not in narrower.out
    security = [s["security"] for s in report_result(workdir, path.stem, "show-changes")["stacks"]]
    assert any(s["removed"] for s in security)
    assert not any(s["broadens_access"] for s in security)


# -- test-deploy ------------------------------------------------------------------------------
def test_test_deploy_beside_a_live_stack(cloud: Any, workdir: Path, run_ml: CliRunner,
                                         tenant: Tenant, mode: str) -> None:  # fmt: skip
    enterprise_network(cloud, workdir)
    plan = plan_stack(ml_config(workdir, ENTERPRISE))
    tenants = tenant(ENTERPRISE)
    expect(run_ml("-con", ENTERPRISE, "-act", "deploy", "--force", "--allow-broadening"), 0)
    live_parameters = cloud.parameters(f"/ml/{plan.stack_name.removesuffix('-stack')}")

    result = expect(run_ml("-con", ENTERPRISE, "-act", "test-deploy"), 0)
    data = report_result(workdir, ENTERPRISE.removesuffix(".yaml"), "test-deploy")
    suffix = data["suffix"]
    assert re.fullmatch(r"t[0-9a-f]{4}", suffix)
    smoke = data["smoke"]
    assert {s["type"] for s in smoke} == {r.type for r in plan.resources}
    assert all(s["ok"] for s in smoke), [s for s in smoke if not s["ok"]]
    assert "stages Source → Build" in result.out or "stages" in result.out
    test_stack = plan_stack(ml_config(workdir, ENTERPRISE), suffix).stack_name
    assert test_stack in data["stacks"] and test_stack != plan.stack_name
    assert cloud.stacks() == {**tenants, plan.stack_name: "CREATE_COMPLETE"}  # test stack gone
    assert cloud.parameters(f"/ml/{plan.stack_name.removesuffix('-stack')}") == live_parameters
    assert data["cleanup"]["retained"] == [], "a test-deploy leaves nothing behind, even in prod"
    buckets = [b["Name"] for b in cloud.client("s3").list_buckets()["Buckets"]]
    assert not [b for b in buckets if suffix in b]


def test_test_deploy_keep_keeps_it(cloud: Any, run_ml: CliRunner, workdir: Path,
                                   tenant: Tenant) -> None:  # fmt: skip
    tenants = tenant(STARTER)
    expect(run_ml("-con", STARTER, "-act", "test-deploy", "--keep"), 0)
    suffix = report_result(workdir, STARTER.removesuffix(".yaml"), "test-deploy")["suffix"]
    name = plan_stack(ml_config(workdir, STARTER), suffix).stack_name
    assert cloud.stacks() == {**tenants, name: "CREATE_COMPLETE"}
    assert cloud.stack(name).get("EnableTerminationProtection") is not True  # not production


def test_test_deploy_cleans_up_when_the_smoke_check_fails(
    cloud: Any, run_ml: CliRunner, workdir: Path, tenant: Tenant
) -> None:
    tenants = tenant(STARTER)
    FAULTS.add(Fault("GetPipeline", 400, "AccessDeniedException", 1, "not allowed"))
    result = expect(run_ml("-con", STARTER, "-act", "test-deploy"), 1)
    assert "FAIL" in result.out and "not allowed" in result.out
    assert cloud.stacks() == tenants


def test_sec_test_deploy_smoke_checks_trust(cloud: Any, run_sec_here: CliRunner,
                                            workdir: Path, tenant: Tenant) -> None:  # fmt: skip
    bootstrap = tenant(SEC_SMALL)
    result = expect(run_sec_here("--config", SEC_SMALL, "--action", "test-deploy"), 0)
    smoke = report_result(workdir, SEC_SMALL.removesuffix(".yaml"), "test-deploy")["smoke"]
    roles = [s for s in smoke if s["type"] == "AWS::IAM::Role"]
    assert roles and all(s["ok"] and s["detail"].startswith("trusts") for s in roles)
    assert "smoke check:" in result.out
    assert cloud.stacks() == bootstrap


# -- failures and faults ------------------------------------------------------------------------
def test_failed_create_rolls_back_then_rerun_recovers(
    cloud: Any, run_ml: CliRunner, workdir: Path, tenant: Tenant, mode: str
) -> None:
    plan = plan_stack(ml_config(workdir, STARTER))
    tenants = tenant(STARTER)
    role = next(r for r in plan.resources if r.type == "AWS::IAM::Role")
    iam = cloud.client("iam")
    iam.create_role(RoleName=role.physical_name, AssumeRolePolicyDocument="{}")  # in the way

    failed = expect(run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 1)
    assert f"FAILED: {plan.stack_name} ended in ROLLBACK_COMPLETE" in failed.out
    assert re.search(rf"{role.logical_id} \(AWS::IAM::Role\) CREATE_FAILED: .+", failed.out)
    assert cloud.stacks() == {**tenants, plan.stack_name: "ROLLBACK_COMPLETE"}

    iam.delete_role(RoleName=role.physical_name)
    recovered = expect(
        run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 0
    )
    assert "left in ROLLBACK_COMPLETE" in recovered.out
    assert cloud.stacks() == {**tenants, plan.stack_name: "CREATE_COMPLETE"}


def test_throttling_and_server_errors_are_retried(cloud: Any, run_ml: CliRunner,
                                                  tenant: Tenant) -> None:  # fmt: skip
    tenants = tenant(STARTER)  # before the faults: they are for the ML deploy
    FAULTS.add(
        Fault("DescribeStackEvents", 400, "Throttling", 2),
        Fault("CreateChangeSet", 503, "ServiceUnavailable", 1, "try later"),
        Fault("GetParametersByPath", 400, "ThrottlingException", 1),
    )
    expect(run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 0)
    assert FAULTS.take("*") is None, "every injected fault was served and survived"
    assert len(cloud.stacks()) == len(tenants) + 1


def test_expired_credentials_name_the_profile_and_action(cloud: Any, run_ml: CliRunner,
                                                         workdir: Path) -> None:  # fmt: skip
    FAULTS.add(Fault("*", 403, "ExpiredToken", 5, "The security token included is expired"))
    result = expect(run_ml("-con", STARTER, "-act", "status"), 2)
    assert "ExpiredToken" in result.err and "credentials from the environment" in result.err
    assert result.err.startswith("error: status:") and "Traceback" not in result.err
    assert not (workdir / "reports").exists() or not list((workdir / "reports").iterdir())


def test_missing_credentials(cloud: Any, run_ml: CliRunner, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    result = expect(run_ml("-con", STARTER, "-act", "deploy", "--force"), 2)
    assert "no usable AWS credentials" in result.err and "deploy" in result.err
    missing = expect(run_ml("-con", STARTER, "-act", "status", "--profile", "nope"), 2)
    assert "'nope'" in missing.err and "does not exist" in missing.err


def test_unwritable_reports_dir_stops_before_aws(cloud: Any, run_ml: CliRunner,
                                                 workdir: Path) -> None:  # fmt: skip
    (workdir / "reports").write_text("not a directory")
    result = expect(run_ml("-con", STARTER, "-act", "deploy", "--force"), 2)
    assert "reports" in result.err
    assert cloud.stacks() == {}


def test_interrupted_deploy_is_picked_up_by_the_next_run(
    cloud: Any, run_ml: CliRunner, workdir: Path, tenant: Tenant
) -> None:
    """Ctrl-C (a real SIGINT to a real process) leaves CloudFormation running; the next run
    follows that operation to its end, then carries on."""
    tenant(STARTER)
    SETTINGS.resource_delay = 0.15
    try:
        env = dict(os.environ)
        process = subprocess.Popen(
            [sys.executable, "-m", "provisioner.cli.ml", "-con", STARTER, "-act", "deploy",
             "--force", "--allow-broadening"],
            cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert process.stdout is not None
        for line in process.stdout:
            if "CREATE_IN_PROGRESS" in line and "AWS::CloudFormation::Stack" not in line:
                break
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert process.returncode == ExitCode.INTERRUPTED.value == 130, err
        assert "CloudFormation goes on" in err and "Traceback" not in err
        name = plan_stack(ml_config(workdir, STARTER)).stack_name
        assert cloud.stack(name)["StackStatus"] == "CREATE_IN_PROGRESS"

        resumed = expect(
            run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 0
        )
        assert "still running; following it" in resumed.out
        assert "ended in CREATE_COMPLETE" in resumed.out
        assert f"{name}: no changes" in resumed.out
    finally:
        SETTINGS.resource_delay = 0.0


def test_two_deploys_of_one_stack_at_once(cloud: Any, run_ml: CliRunner, workdir: Path,
                                          tenant: Tenant) -> None:  # fmt: skip
    tenant(STARTER)
    expect(run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 0)
    add_tag(workdir / "configs" / STARTER, "edited", "two-at-once")
    SETTINGS.resource_delay = 0.02
    results: list[CliResult] = []
    try:
        argv = ("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening")
        threads = [threading.Thread(target=lambda: results.append(run_ml(*argv)))
                   for _ in range(2)]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        SETTINGS.resource_delay = 0.0
    assert sorted(r.code for r in results) == [0, 0], [r.err for r in results]
    plan = plan_stack(ml_config(workdir, STARTER))
    stack = cloud.stack(plan.stack_name)
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    resources = cloud.client("cloudformation").describe_stack_resources(
        StackName=plan.stack_name)["StackResources"]  # fmt: skip
    assert sorted(r["LogicalResourceId"] for r in resources) == sorted(
        r.logical_id for r in plan.resources)  # fmt: skip
    waited = [r for r in results if "waiting for that operation" in r.out
              or "still running; following it" in r.out]  # fmt: skip
    assert len(waited) == 1 and "no changes" in waited[0].out


# -- the operator policy allows every call the tool makes ------------------------------------
# Every API call each tool action made in the lifecycle below, per tool and action
# ("bootstrap": sec-provisioner's, --dry-run included). With RECORD_CALLS=1 the test writes them
# to tests/recorded_calls.json, where a test can check each policy variant against exactly
# the calls of its actions (policy/variants.py: Variant.actions).
RECORDED_CALLS_FILE = Path(__file__).with_name("recorded_calls.json")
RECORDED_CALLS: dict[str, dict[str, set[str]]] = {"ml": {}, "sec": {}}
EDIT = ("edit",)
LIFECYCLE: tuple[tuple[str, ...], ...] = (
    ("show-changes",),  # of a new stack: a review stack made and deleted again
    ("deploy", "--force", "--allow-broadening"),  # create
    ("status",),
    ("detect-drift",),
    EDIT,
    ("show-changes",),  # of a live stack
    ("deploy", "--force"),  # update: not broadening
    ("test-deploy",),
    ("delete", "--force", "--disable-termination-protection"),
)


def _run_recorded(run: CliRunner, tool: str, config: str, stem: str, workdir: Path,
                  steps: tuple[tuple[str, ...], ...]) -> set[str]:  # fmt: skip
    """Run the steps, record each action's calls; return every call made."""
    calls: set[str] = set()
    for step in steps:
        if step == EDIT:
            add_tag(workdir / "configs" / config, "edited", "recorded-lifecycle")
            continue
        action, *flags = step
        expect(run("--config", config, "--action", action, *flags), 0)
        reported = "show-changes" if "--dry-run" in flags else action  # what the report says
        made = set(report(workdir, stem, reported)["aws"]["api_calls"]["by_operation"])
        RECORDED_CALLS[tool].setdefault(action, set()).update(made)
        calls |= made
    return calls


def _not_allowed(calls: set[str], allowed: set[str]) -> list[str]:
    return sorted(c for c in calls if not (allowed | {"*"}) & _iam_actions(c))


def test_every_call_of_the_lifecycle_is_allowed_by_the_operator_policy(
    cloud: Any, run_ml: CliRunner, run_sec_here: CliRunner, workdir: Path, tenant: Tenant
) -> None:
    from provisioner.bootstrap.admin_policy import bootstrap_policy
    from provisioner.naming.tenant import TenantNames

    # sec-provisioner, medium tier in prod (templates by URL from the template bucket,
    # termination protection): bootstrap by its administrator, then the operator's lifecycle.
    sec_config = load_sec_config(workdir / "configs" / SEC_MEDIUM)
    assert sec_config.template_bucket is not None and sec_config.is_prod
    cloud.client("s3", sec_config.region).create_bucket(
        Bucket=sec_config.template_bucket,
        CreateBucketConfiguration={"LocationConstraint": sec_config.region},
    )
    trust_root = TenantNames.of(sec_config)
    bootstrap_calls = _run_recorded(
        run_sec_here, "sec", SEC_MEDIUM, trust_root.config_stem, workdir,
        (("bootstrap", "--dry-run"), ("bootstrap", "--force", "--allow-broadening")),
    )  # fmt: skip
    admin = bootstrap_policy(trust_root, sec_config.is_prod)
    denied = _not_allowed(bootstrap_calls, admin.actions)
    assert not denied, f"the bootstrap administrator's policy lacks {denied}"
    sec_calls = _run_recorded(run_sec_here, "sec", SEC_MEDIUM, SEC_MEDIUM.removesuffix(".yaml"),
                              workdir, LIFECYCLE)  # fmt: skip
    denied = _not_allowed(sec_calls, sec_operator_policy(sec_config).actions)
    assert not denied, f"sec operator policy lacks {denied}"

    # ml-provisioner, enterprise tier (every resource type) in its tenant, set up beforehand.
    enterprise_network(cloud, workdir)
    tenant(ENTERPRISE)
    calls = _run_recorded(run_ml, "ml", ENTERPRISE, ENTERPRISE.removesuffix(".yaml"), workdir,
                          LIFECYCLE)  # fmt: skip
    denied = _not_allowed(calls, ml_operator_policy(ml_config(workdir, ENTERPRISE)).actions)
    assert not denied, f"ml operator policy lacks {denied}"

    assert set(RECORDED_CALLS["ml"]) == set(RECORDED_CALLS["sec"]) - {"bootstrap"} == {
        "show-changes", "deploy", "status", "detect-drift", "test-deploy", "delete"}  # fmt: skip
    if os.environ.get("RECORD_CALLS") == "1":
        recorded = {tool: {action: sorted(calls) for action, calls in sorted(actions.items())}
                    for tool, actions in RECORDED_CALLS.items()}  # fmt: skip
        RECORDED_CALLS_FILE.write_text(json.dumps(recorded, indent=2) + "\n")


def _iam_actions(call: str) -> set[str]:
    """The IAM action a boto3 call needs (service prefixes that differ are mapped)."""
    if call == "sts:GetCallerIdentity":  # AWS: "No permissions are required"
        return {"*"}
    service, operation = call.split(":")
    prefix = {"monitoring": "cloudwatch"}.get(service, service)
    # The S3 API's GetPublicAccessBlock is authorized as s3:GetBucketPublicAccessBlock.
    # HeadBucket is authorized as s3:ListBucket, GetBucketEncryption as
    # s3:GetEncryptionConfiguration (the service authorization reference).
    operation = {
        "s3:GetPublicAccessBlock": "GetBucketPublicAccessBlock",
        "s3:HeadBucket": "ListBucket",
        "s3:GetBucketEncryption": "GetEncryptionConfiguration",
    }.get(call, operation)
    return {f"{prefix}:{operation}"}


def test_reading_a_stack_mid_create_does_not_disturb_it(cloud: Any, workdir: Path,
                                                        tenant: Tenant) -> None:  # fmt: skip
    """What sceptre and the AWS CLI do: CreateStack, then DescribeStacks and
    DescribeStackResources while it runs (emulator gap `stack_reads_in_progress`)."""
    plan = plan_stack(ml_config(workdir, STARTER))
    tenant(STARTER)  # the roles' boundary must exist
    cf = cloud.client("cloudformation")
    SETTINGS.resource_delay = 0.02
    try:
        cf.create_stack(StackName=plan.stack_name, TemplateBody=plan.render(),
                        Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
        seen_in_progress = False
        while (status := cloud.stack(plan.stack_name)["StackStatus"]).endswith("_IN_PROGRESS"):
            seen_in_progress = True
            cf.describe_stack_resources(StackName=plan.stack_name)
    finally:
        SETTINGS.resource_delay = 0.0
    assert seen_in_progress and status == "CREATE_COMPLETE"
    outputs = cloud.stack(plan.stack_name)["Outputs"]
    assert {o["OutputKey"] for o in outputs} == {o.logical_id for o in plan.outputs}


def test_unreachable_endpoint_is_bad_input(cloud: Any, run_ml: CliRunner,
                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://localhost:{port}")
    result = expect(run_ml("-con", STARTER, "-act", "status"), 2)
    assert f"cannot reach http://localhost:{port}" in result.err and "Traceback" not in result.err


def test_deploy_dry_run_is_show_changes(cloud: Any, run_ml: CliRunner, workdir: Path) -> None:
    result = expect(run_ml("-con", STARTER, "-act", "deploy", "--dry-run"), 0)
    assert "would create" in result.out
    assert cloud.stacks() == {}
    assert report(workdir, STARTER.removesuffix(".yaml"), "show-changes")["action"] == (
        "show-changes"
    )


def test_credentials_for_another_account_are_refused(cloud: Any, run_ml: CliRunner,
                                                     workdir: Path) -> None:  # fmt: skip
    path = workdir / "configs" / STARTER
    path.write_text(path.read_text().replace(f'"{ACCOUNT}"', '"111122223333"'))
    result = expect(run_ml("-con", STARTER, "-act", "deploy", "--force"), 2)
    assert f"act in account {ACCOUNT}" in result.err and "111122223333" in result.err
    assert cloud.stacks() == {}


def test_drift_with_a_stack_not_deployed(cloud: Any, workdir: Path, run_sec_here: CliRunner,
                                         tenant: Tenant) -> None:  # fmt: skip
    plans = plan_stacks(load_sec_config(workdir / "configs" / SEC_SMALL))
    assert len(plans) == 2
    tenant(SEC_SMALL)  # the roles' boundary must exist
    cf = cloud.client("cloudformation")
    cf.create_stack(StackName=plans[0].stack_name, TemplateBody=plans[0].render(),
                    Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
    assert cloud.stack(plans[0].stack_name)["StackStatus"] == "CREATE_COMPLETE"
    result = expect(run_sec_here("--config", SEC_SMALL, "--action", "detect-drift"), 2)
    assert f"{plans[0].stack_name}: IN_SYNC" in result.out
    assert f"{plans[1].stack_name}: not deployed" in result.out
    stacks = report_result(workdir, SEC_SMALL.removesuffix(".yaml"), "detect-drift")["stacks"]
    assert [s["status"] for s in stacks] == ["IN_SYNC", "NOT_DEPLOYED"]


def _drifted(workdir: Path, config: str) -> dict[str, dict[str, Any]]:
    """The drifted resources of detect-drift's report, by logical id, with their
    differences by path."""
    found = {}
    for stack in report_result(workdir, config.removesuffix(".yaml"), "detect-drift")["stacks"]:
        for resource in stack["resources"]:
            if resource["status"] != "IN_SYNC" and resource["differences"]:
                paths = {d["path"]: d for d in resource["differences"]}
                found[resource["logical_id"]] = {**resource, "by_path": paths}
    return found


def _stack_resources(cloud: Any, stack: str, kind: str) -> list[tuple[str, str]]:
    listed = cloud.client("cloudformation").describe_stack_resources(StackName=stack)
    return sorted((r["LogicalResourceId"], r["PhysicalResourceId"])
                  for r in listed["StackResources"] if r["ResourceType"] == kind)  # fmt: skip


ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})  # fmt: skip


def test_drift_of_roles_and_groups_cloudformation_does_not_report(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant
) -> None:
    """An inline policy put on a role, a managed policy attached to a role, a boundary removed
    and one changed, an inline policy put on a group and a managed policy attached to it: the
    emulator's drift detection, as CloudFormation's, reports only the boundaries; detect-drift
    reads the rest itself (cloudformation-coverage-roadmap #936)."""
    tenant(SEC_SMALL)
    expect(run_sec_here("--config", SEC_SMALL, "--action", "deploy", "--force"), 0)
    teams = plan_stacks(load_sec_config(workdir / "configs" / SEC_SMALL))[0].stack_name
    roles = _stack_resources(cloud, teams, "AWS::IAM::Role")
    groups = _stack_resources(cloud, teams, "AWS::IAM::Group")
    assert len(roles) >= 4 and groups
    in_sync = expect(run_sec_here("--config", SEC_SMALL, "--action", "detect-drift"), 0)
    assert f"{teams}: IN_SYNC" in in_sync.out
    assert (
        f"access read for {len(groups)} group" in in_sync.out
        and f"{len(roles)} roles" in in_sync.out
    )

    iam = cloud.client("iam")
    stray = iam.create_policy(PolicyName="out-of-band", PolicyDocument=ALLOW_ALL)["Policy"]["Arn"]
    (inline_role, inline_name), (attached_role, attached_name) = roles[0], roles[1]
    (unbounded_role, unbounded_name), (rebounded_role, rebounded_name) = roles[2], roles[3]
    group, group_name = groups[0]
    iam.put_role_policy(RoleName=inline_name, PolicyName="backdoor", PolicyDocument=ALLOW_ALL)
    iam.attach_role_policy(RoleName=attached_name, PolicyArn=stray)
    iam.delete_role_permissions_boundary(RoleName=unbounded_name)
    iam.put_role_permissions_boundary(RoleName=rebounded_name, PermissionsBoundary=stray)
    iam.put_group_policy(GroupName=group_name, PolicyName="backdoor", PolicyDocument=ALLOW_ALL)
    iam.attach_group_policy(GroupName=group_name, PolicyArn=stray)

    drift = expect(run_sec_here("--config", SEC_SMALL, "--action", "detect-drift"), 3)
    assert f"{teams}: DRIFTED" in drift.out
    found = _drifted(workdir, SEC_SMALL)
    assert set(found) == {inline_role, attached_role, unbounded_role, rebounded_role, group}
    added = found[inline_role]["by_path"]["/Policies/backdoor"]
    assert (added["kind"], added["actual"], added["found_by"]) == (
        "ADD",
        "inline policy backdoor",
        "provisioner",
    )
    assert found[attached_role]["by_path"][f"/ManagedPolicyArns/{stray}"]["kind"] == "ADD"
    assert found[unbounded_role]["by_path"]["/PermissionsBoundary"]["kind"] == "REMOVE"
    changed = found[rebounded_role]["by_path"]["/PermissionsBoundary"]
    assert changed["kind"] == "NOT_EQUAL" and stray in changed["actual"]
    # A group's declared Policies CloudFormation compares as a whole; the tool names the one added.
    by_path = found[group]["by_path"]
    assert set(by_path) == {"/Policies", "/Policies/backdoor", f"/ManagedPolicyArns/{stray}"}
    assert by_path["/Policies"]["found_by"] == "cloudformation"
    assert all(r["status"] == "MODIFIED" for r in found.values())
    assert f"{inline_role} ({inline_name})" in drift.out
    assert (
        "ADD       /Policies/backdoor" in drift.out
        and "not compared by CloudFormation" in drift.out
    )


def test_drift_of_key_and_bucket_policies_and_public_access(
    cloud: Any, workdir: Path, run_ml: CliRunner, tenant: Tenant
) -> None:
    """A statement added to the key policy, one added to the bucket policy, the bucket's
    public access block loosened: read by detect-drift itself (the emulator's drift detection
    does not check keys or buckets; CloudFormation's misses what the template leaves out)."""
    enterprise_network(cloud, workdir)
    tenant(ENTERPRISE)
    expect(run_ml("-con", ENTERPRISE, "-act", "deploy", "--force", "--allow-broadening"), 0)
    stack = plan_stack(ml_config(workdir, ENTERPRISE)).stack_name
    in_sync = expect(run_ml("-con", ENTERPRISE, "-act", "detect-drift"), 0)
    assert "1 bucket" in in_sync.out and "1 key" in in_sync.out

    [(key, key_id)] = _stack_resources(cloud, stack, "AWS::KMS::Key")
    [(bucket, bucket_name)] = _stack_resources(cloud, stack, "AWS::S3::Bucket")
    [(bucket_policy, _)] = _stack_resources(cloud, stack, "AWS::S3::BucketPolicy")
    kms, s3 = cloud.client("kms"), cloud.client("s3")
    stranger = {"AWS": "arn:aws:iam::444455556666:root"}
    grant = {"Sid": "Stranger", "Effect": "Allow", "Principal": stranger, "Action": "kms:Decrypt",
             "Resource": "*"}  # fmt: skip
    key_policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    key_policy["Statement"].append(grant)
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(key_policy))
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket_name)["Policy"])
    policy["Statement"].append({**grant, "Action": "s3:GetObject",
                                "Resource": f"arn:aws:s3:::{bucket_name}/*"})  # fmt: skip
    s3.put_bucket_policy(Bucket=bucket_name, Policy=json.dumps(policy))
    s3.put_public_access_block(Bucket=bucket_name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False})  # fmt: skip

    drift = expect(run_ml("-con", ENTERPRISE, "-act", "detect-drift"), 3)
    assert f"{stack}: DRIFTED" in drift.out
    found = _drifted(workdir, ENTERPRISE)
    assert set(found) == {key, bucket, bucket_policy}
    added = found[key]["by_path"]["/KeyPolicy/Statement/Stranger"]
    assert added["kind"] == "ADD" and "444455556666" in added["actual"]
    assert set(found[bucket_policy]["by_path"]) == {"/PolicyDocument/Statement/Stranger"}
    loosened = found[bucket]["by_path"]
    assert set(loosened) == {"/PublicAccessBlockConfiguration/BlockPublicPolicy",
                             "/PublicAccessBlockConfiguration/RestrictPublicBuckets"}  # fmt: skip
    assert {(d["expected"], d["actual"]) for d in loosened.values()} == {("true", "false")}

    s3.delete_bucket_policy(Bucket=bucket_name)  # gone entirely: declared, absent
    expect(run_ml("-con", ENTERPRISE, "-act", "detect-drift"), 3)
    removed = _drifted(workdir, ENTERPRISE)[bucket_policy]["by_path"]["/PolicyDocument"]
    assert removed["kind"] == "REMOVE" and removed["actual"] == "(absent)"


def test_changing_which_teams_an_account_reads_deploys(
    cloud: Any, workdir: Path, run_sec_here: CliRunner, tenant: Tenant
) -> None:
    tenant(SEC_SMALL)
    expect(run_sec_here("--config", SEC_SMALL, "--action", "deploy", "--force"), 0)
    path = workdir / "configs" / SEC_SMALL
    text = path.read_text()
    anchor = "    external_id: techcorp-reporting-5e1a9c3b7d\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + "    teams: [churn]\n"))
    result = expect(run_sec_here("--config", SEC_SMALL, "--action", "deploy", "--force"), 0)
    assert "UPDATE_COMPLETE" in result.out


def test_output_closed_midway_does_not_stop_a_deploy(cloud: Any, workdir: Path,
                                                     tenant: Tenant) -> None:  # fmt: skip
    """`ml-provisioner … deploy --force | head -3`: the deploy still finishes and reports."""
    import io

    tenant(STARTER)

    from provisioner.cli import ml as ml_cli

    class ClosedAfter(io.StringIO):
        def __init__(self, lines: int) -> None:
            super().__init__()
            self.left = lines

        def write(self, text: str) -> int:
            if self.left <= 0:
                raise BrokenPipeError
            self.left -= text.count("\n")
            return super().write(text)

    code = ml_cli.main(["-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"],
                       cwd=workdir,
                       stdout=ClosedAfter(3), stderr=io.StringIO())  # fmt: skip
    assert code == 0
    name = plan_stack(ml_config(workdir, STARTER)).stack_name
    assert cloud.stack(name)["StackStatus"] == "CREATE_COMPLETE"
    assert report(workdir, STARTER.removesuffix(".yaml"), "deploy")["exit_code"] == 0


def test_failed_first_create_in_prod_leaves_nothing_retained(
    cloud: Any, run_ml: CliRunner, workdir: Path, tenant: Tenant
) -> None:
    """Professional in prod retains its bucket on delete; a failed first create must not leave
    it behind, or the re-run after the fix fails on the orphaned bucket's name."""
    tenant(PROFESSIONAL)
    plan = plan_stack(ml_config(workdir, PROFESSIONAL))
    bucket = next(r for r in plan.resources if r.type == "AWS::S3::Bucket")
    assert bucket.retain
    role = next(r for r in plan.resources if r.type == "AWS::IAM::Role")
    iam = cloud.client("iam")
    iam.create_role(RoleName=role.physical_name, AssumeRolePolicyDocument="{}")
    expect(run_ml("-con", PROFESSIONAL, "-act", "deploy", "--force", "--allow-broadening"), 1)
    iam.delete_role(RoleName=role.physical_name)
    buckets = [b["Name"] for b in cloud.client("s3").list_buckets()["Buckets"]]
    assert bucket.physical_name not in buckets
    expect(run_ml("-con", PROFESSIONAL, "-act", "deploy", "--force", "--allow-broadening"), 0)


def test_deploy_warns_of_a_parameter_changed_out_of_band(cloud: Any, run_ml: CliRunner,
                                                         workdir: Path,
                                                         tenant: Tenant) -> None:  # fmt: skip
    tenant(STARTER)
    expect(run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening"), 0)
    name = plan_stack(ml_config(workdir, STARTER)).stack_name.removesuffix("-stack")
    edited = f"/ml/{name}/pipeline-name"
    cloud.client("ssm").put_parameter(Name=edited, Value="hacked", Type="String", Overwrite=True)
    again = expect(run_ml("-con", STARTER, "-act", "deploy", "--force"), 0)  # no change: no flag
    assert "no changes" in again.out
    assert re.search(rf"warning: 1 SSM parameter\(s\) .*\({re.escape(edited)}\)", again.out)
    assert report_result(workdir, STARTER.removesuffix(".yaml"), "deploy")[
        "parameters_not_matching_outputs"] == [edited]  # fmt: skip


# -- another partition: GovCloud, end to end ---------------------------------------------
GOVCLOUD = "us-gov-west-1"


def in_region(workdir: Path, example: str, region: str) -> str:
    """The example copied into `region` (its text and file name say us-west-2 throughout)."""
    moved = example.replace("us-west-2", region)
    text = (workdir / "configs" / example).read_text().replace("us-west-2", region)
    (workdir / "configs" / moved).write_text(text)
    return moved


def test_a_govcloud_tenant_deploys_updates_and_deletes(
    cloud: Any, run_ml: CliRunner, run_sec_here: CliRunner, workdir: Path
) -> None:
    """The partition reaches the emulator too: every ARN is arn:aws-us-gov, and updating the
    IAM resources finds them (the emulator keeps them per partition, as AWS does)."""
    sec = in_region(workdir, STARTER_SEC, GOVCLOUD)
    ml = in_region(workdir, STARTER, GOVCLOUD)
    expect(
        run_sec_here("--config", sec, "--action", "bootstrap", "--force", "--allow-broadening"), 0
    )
    expect(run_sec_here("--config", sec, "--action", "deploy", "--force", "--allow-broadening"), 0)
    expect(run_ml("-con", ml, "-act", "deploy", "--force", "--allow-broadening"), 0)

    iam = cloud.client("iam", GOVCLOUD)
    boundary = f"arn:aws-us-gov:iam::{ACCOUNT}:policy/techcorp-prod-a001-{GOVCLOUD}-ml-boundary"
    role = iam.get_role(RoleName="techcorp-prod-a001-customer-churn-pipeline-role")["Role"]
    assert role["Arn"].startswith("arn:aws-us-gov:iam::")
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary

    # Updates of both tools' IAM resources: roles, managed policies, groups, parameters.
    for config, run in ((sec, run_sec_here), (ml, run_ml)):
        add_tag(workdir / "configs" / config, "edited", "by-test")
        expect(run("--config", config, "--action", "deploy", "--force"), 0)
        expect(run("--config", config, "--action", "detect-drift"), 0)
    stacks = cloud.stacks(GOVCLOUD)
    assert stacks and set(stacks.values()) <= {"CREATE_COMPLETE", "UPDATE_COMPLETE"}, stacks
    assert "UPDATE_COMPLETE" in stacks.values()
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=role["RoleName"])["Tags"]}
    assert tags["edited"] == "by-test"

    for config, run in ((ml, run_ml), (sec, run_sec_here)):
        expect(run("--config", config, "--action", "delete", "--force",
                   "--disable-termination-protection"), 0)  # fmt: skip
    assert set(cloud.stacks(GOVCLOUD)) == {f"techcorp-prod-a001-{GOVCLOUD}-bootstrap-stack"}
