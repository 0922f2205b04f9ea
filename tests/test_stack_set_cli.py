"""deploy, status, detect-drift and delete of a config with a `deployment` section, through
the CLI against the emulator: the stacks go out as stack sets (one per stack) in their neutral
form, their instances in the config's own account or in several, each naming its own, with a
report of every operation and instance; show-changes previews them, and a production deploy
that broadens access needs --allow-broadening."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import test_deploy
from test_deploy import ACCOUNT
from test_emulator_stack_sets import client

cloud = test_deploy.cloud  # the emulator fixture, reset per test

DEV_SEC = "techcorp-dev-a001-us-west-2-sec.yaml"
STARTER = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
TECHCORP_SEC = "techcorp-prod-a001-us-west-2-sec.yaml"


def target_accounts(
    workdir: Path,
    name: str,
    accounts: tuple[str, ...] = (ACCOUNT,),
    tolerance: int = 0,
    concurrent: int | None = None,
    regions: tuple[str, ...] = ("us-west-2",),
) -> None:
    """The config's `deployment` section: a self-managed set over `accounts` in `regions`."""
    config = workdir / "configs" / name
    listed = ", ".join(f'"{a}"' for a in accounts)
    at_once = f"\n    max_concurrent_count: {concurrent}" if concurrent else ""
    config.write_text(config.read_text() + f"""
deployment:
  permission_model: self-managed
  targets:
    accounts: [{listed}]
    regions: [{", ".join(regions)}]
  operation_preferences:
    failure_tolerance_count: {tolerance}{at_once}
""")  # fmt: skip


def own_target(workdir: Path, name: str) -> None:
    target_accounts(workdir, name)


def report(workdir: Path, stem: str, action: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (workdir / "reports" / f"{stem}-{action}.json").read_text()
    )
    return document


def test_a_sec_config_deploys_through_a_stack_set_and_is_deleted(
    cloud: Any, workdir: Path, run_sec: Any
) -> None:
    own_target(workdir, DEV_SEC)
    stem = DEV_SEC.removesuffix(".yaml")
    boot = run_sec("-con", DEV_SEC, "-act", "bootstrap", "--force")
    assert boot.code == 0, boot.out + boot.err
    deployed = run_sec("-con", DEV_SEC, "-act", "deploy", "--force")
    assert deployed.code == 0, deployed.out + deployed.err
    sets = report(workdir, stem, "deploy")["result"]["stack_sets"]
    names = [s["stack_set"] for s in sets]
    assert names == ["techcorp-dev-a001-us-west-2-teams-01-sec-stack",
                     "techcorp-dev-a001-us-west-2-xacct-sec-stack"]  # fmt: skip
    assert all(s["result"] == "created" for s in sets)
    for entry in sets:
        (operation,) = entry["operations"]
        assert operation["status"] == "SUCCEEDED"
        assert [(i["account"], i["region"], i["status"]) for i in operation["instances"]] == [
            (ACCOUNT, "us-west-2", "SUCCEEDED")]  # fmt: skip
    # The instance stacks are CloudFormation's, named for their sets, and made the roles.
    stacks = cloud.stacks()
    for name in names:
        assert any(s.startswith(f"StackSet-{name}-") and status == "CREATE_COMPLETE"
                   for s, status in stacks.items()), stacks  # fmt: skip
    assert f"{names[0]}: created" in deployed.out
    status = run_sec("-con", DEV_SEC, "-act", "status")
    assert status.code == 0, status.out + status.err
    assert f"  {ACCOUNT}/us-west-2: CURRENT (SUCCEEDED)" in status.out
    drift = run_sec("-con", DEV_SEC, "-act", "detect-drift")
    assert drift.code == 0, drift.out + drift.err
    assert [s["result"] for s in report(workdir, stem, "detect-drift")["result"]["stack_sets"]] == [
        "in sync", "in sync"]  # fmt: skip
    again = run_sec("-con", DEV_SEC, "-act", "deploy", "--force")
    assert again.code == 0
    assert all(s["result"] == "no changes"
               for s in report(workdir, stem, "deploy")["result"]["stack_sets"])  # fmt: skip
    deleted = run_sec("-con", DEV_SEC, "-act", "delete", "--force")
    assert deleted.code == 0, deleted.out + deleted.err
    assert [s["result"] for s in report(workdir, stem, "delete")["result"]["stack_sets"]] == [
        "deleted", "deleted"]  # fmt: skip
    assert not any(s.startswith("StackSet-") for s in cloud.stacks())
    cf = cloud.client("cloudformation")
    assert all(s["Status"] == "DELETED" for s in cf.list_stack_sets()["Summaries"])


def test_the_trust_root_is_checked_first_where_the_config_s_own_account_is_a_target(
    cloud: Any, workdir: Path, run_sec: Any
) -> None:
    own_target(workdir, DEV_SEC)
    refused = run_sec("-con", DEV_SEC, "-act", "deploy", "--force")
    assert refused.code == 2, refused.out + refused.err
    assert "trust root (techcorp-dev-a001-us-west-2-bootstrap-stack" in refused.err
    assert cloud.client("cloudformation").list_stack_sets()["Summaries"] == []


def test_production_needs_allow_broadening_for_a_stack_set(
    cloud: Any, workdir: Path, run_sec: Any, run_ml: Any
) -> None:
    """As for single stacks: a first create broadens from nothing, so in production it needs
    the flag; a deploy that changes nothing, or narrows, does not."""
    own_target(workdir, STARTER)
    # The tenant's trust root and team first (checked before anything else, as alone).
    for argv in (("-act", "bootstrap"), ("-act", "deploy")):
        done = run_sec("-con", TECHCORP_SEC, *argv, "--force", "--allow-broadening")
        assert done.code == 0, done.out + done.err
    refused = run_ml("-con", STARTER, "-act", "deploy", "--force")
    assert refused.code == 2
    assert "this change broadens access in production" in refused.err
    assert "techcorp-prod-a001-us-west-2-customer-churn-ml-stack (first create): grants" in (
        refused.err
    )
    assert cloud.client("cloudformation").list_stack_sets()["Summaries"] == []
    # With the flag given, it deploys.
    deployed = run_ml("-con", STARTER, "-act", "deploy", "--force", "--allow-broadening")
    assert deployed.code == 0, deployed.out + deployed.err
    assert "techcorp-prod-a001-us-west-2-customer-churn-ml-stack: created" in deployed.out
    again = run_ml("-con", STARTER, "-act", "deploy", "--force")
    assert again.code == 0, again.out + again.err
    assert "customer-churn-ml-stack: no changes" in again.out


def test_show_changes_previews_each_set_and_its_instances_and_gates_broadening(
    cloud: Any, workdir: Path, run_sec: Any
) -> None:
    """The template diff and the security diff of each set, and what the deploy does to each
    instance; nothing made in AWS. In production a broadening deploy is refused, naming the
    grants; a narrowing one is not."""
    own_target(workdir, TECHCORP_SEC)
    stem = TECHCORP_SEC.removesuffix(".yaml")
    name = "techcorp-prod-a001-us-west-2-teams-01-sec-stack"
    first = run_sec("-con", TECHCORP_SEC, "-act", "show-changes")
    assert first.code == 0, first.out + first.err
    assert f"{name}: would create the stack set" in first.out
    assert f"  {ACCOUNT}/us-west-2: create" in first.out
    (preview,) = report(workdir, stem, "show-changes")["result"]["stack_sets"]
    assert (preview["stack_set"], preview["operation"], preview["no_changes"]) == (
        name, "CREATE", False)  # fmt: skip
    assert preview["instances"] == [{"account": ACCOUNT, "region": "us-west-2", "action": "create"}]
    assert {c["action"] for c in preview["changes"]} == {"Add"}
    assert preview["security"]["broadens_access"] is True
    gated = run_sec("-con", TECHCORP_SEC, "-act", "deploy", "--dry-run", "--fail-on-broadening")
    assert gated.code == 4, gated.out + gated.err
    assert cloud.client("cloudformation").list_stack_sets()["Summaries"] == []  # nothing made
    for argv in (("-act", "bootstrap"), ("-act", "deploy")):
        done = run_sec("-con", TECHCORP_SEC, *argv, "--force", "--allow-broadening")
        assert done.code == 0, done.out + done.err
    same = run_sec("-con", TECHCORP_SEC, "-act", "show-changes", "--fail-on-broadening")
    assert same.code == 0, same.out + same.err
    assert f"{name}: no changes" in same.out
    assert f"  {ACCOUNT}/us-west-2: unchanged" in same.out
    # A second team: its groups, roles and policies added, its grants broaden access.
    config = workdir / "configs" / TECHCORP_SEC
    narrow = config.read_text()
    config.write_text(narrow.replace("teams:\n", "teams:\n  - name: growth\n"
                                     "    personas: [viewer]\n"))  # fmt: skip
    wider = run_sec("-con", TECHCORP_SEC, "-act", "show-changes")
    assert wider.code == 0, wider.out + wider.err
    assert f"{name}: would update the stack set" in wider.out
    assert f"  {ACCOUNT}/us-west-2: update" in wider.out
    (preview,) = report(workdir, stem, "show-changes")["result"]["stack_sets"]
    added = {c["logical_id"] for c in preview["changes"] if c["action"] == "Add"}
    assert {"GrowthViewerRole", "GrowthViewerPolicy"} <= added, added
    assert preview["security"]["broadens_access"] is True
    refused = run_sec("-con", TECHCORP_SEC, "-act", "deploy", "--force")
    assert refused.code == 2
    assert "this change broadens access in production" in refused.err
    assert f"{name}: GrowthViewerPolicy" in refused.err
    done = run_sec("-con", TECHCORP_SEC, "-act", "deploy", "--force", "--allow-broadening")
    assert done.code == 0, done.out + done.err
    assert report(workdir, stem, "deploy")["result"]["stack_sets"][0]["result"] == "updated"
    # Back to one team: it narrows, so it needs no flag.
    config.write_text(narrow)
    narrowed = run_sec("-con", TECHCORP_SEC, "-act", "deploy", "--force")
    assert narrowed.code == 0, narrowed.out + narrowed.err
    assert report(workdir, stem, "deploy")["result"]["stack_sets"][0]["result"] == "updated"
    # A new target account: the template is the same, but the new instance gets every grant
    # of it there, from nothing: that broadens access, as a first create does.
    other = OTHER_ACCOUNTS[0]
    bootstrap_elsewhere(cloud.url, workdir, TECHCORP_SEC, other)
    config.write_text(
        narrow.replace(f'accounts: ["{ACCOUNT}"]', f'accounts: ["{ACCOUNT}", "{other}"]')
    )
    grows = run_sec("-con", TECHCORP_SEC, "-act", "show-changes", "--fail-on-broadening")
    assert grows.code == 4, grows.out + grows.err
    assert f"  {other}/us-west-2: create" in grows.out
    assert f"security changes where instances are created ({other}/us-west-2)" in grows.out
    (preview,) = report(workdir, stem, "show-changes")["result"]["stack_sets"]
    assert preview["security"]["added"] == [] and preview["security"]["broadens_access"] is False
    assert preview["security_where_created"]["broadens_access"] is True
    refused = run_sec("-con", TECHCORP_SEC, "-act", "deploy", "--force")
    assert refused.code == 2, refused.out + refused.err
    assert f"{name} in {other}/us-west-2 (first create): grants" in refused.err
    grown = run_sec("-con", TECHCORP_SEC, "-act", "deploy", "--force", "--allow-broadening")
    assert grown.code == 0, grown.out + grown.err


OTHER_ACCOUNTS = ("444455556666", "777788889999")


def bootstrap_elsewhere(url: str, workdir: Path, name: str, account: str) -> None:
    """What an administrator of `account` does before a stack set reaches it: deploys the
    tenant's trust root there (its permission boundaries, which every role of the instances
    carries)."""
    from provisioner.bootstrap.plan import plan_bootstrap
    from provisioner.config.sec_loader import load_sec_config
    from provisioner.naming.tenant import TenantNames
    from provisioner.sec.plan_checks import spanned_tenants

    config = load_sec_config(workdir / "configs" / name)
    moved = config.model_copy(update={"account_id": account})
    plan = plan_bootstrap(TenantNames.of(moved), spanned_tenants(moved))
    cf = client(url, "cloudformation", account)
    cf.create_stack(StackName=plan.stack_name, TemplateBody=plan.render(),
                    Capabilities=["CAPABILITY_NAMED_IAM"])  # fmt: skip
    cf.get_waiter("stack_create_complete").wait(
        StackName=plan.stack_name, WaiterConfig={"Delay": 0.2}
    )


def deleted_everywhere(url: str, run_sec: Any, accounts: Any, role: str) -> None:
    """delete through the stack sets succeeds and leaves the tenant's role in none of
    `accounts`."""
    deleted = run_sec("-con", DEV_SEC, "-act", "delete", "--force")
    assert deleted.code == 0, deleted.out + deleted.err
    for account in accounts:
        iam = client(url, "iam", account)
        assert role not in [r["RoleName"] for r in iam.list_roles()["Roles"]]


def test_a_sec_tenant_deploys_to_three_accounts_each_instance_naming_its_own(
    cloud: Any, workdir: Path, run_sec: Any
) -> None:
    """One template for every target (its account and region as pseudo parameters): each
    account's roles trust that account, carry that account's boundary, and grant on that
    account's resources; none names the config's account."""
    accounts = (ACCOUNT, *OTHER_ACCOUNTS)
    target_accounts(workdir, DEV_SEC, accounts, tolerance=2, concurrent=3)
    validated = run_sec("-con", DEV_SEC, "-act", "validate", "--output", "json")
    assert validated.code == 0, validated.err
    summary = json.loads(validated.out)["result"]["deployment"]
    assert (summary["deployable"], summary["accounts"]) == (True, list(accounts))
    assert run_sec("-con", DEV_SEC, "-act", "bootstrap", "--force").code == 0
    for account in OTHER_ACCOUNTS:
        bootstrap_elsewhere(cloud.url, workdir, DEV_SEC, account)
    deployed = run_sec("-con", DEV_SEC, "-act", "deploy", "--force")
    assert deployed.code == 0, deployed.out + deployed.err
    stem = DEV_SEC.removesuffix(".yaml")
    for entry in report(workdir, stem, "deploy")["result"]["stack_sets"]:
        (operation,) = entry["operations"]
        assert sorted(i["account"] for i in operation["instances"]) == sorted(accounts)
    role = "techcorp-dev-a001-role-churn-ds"
    for account in accounts:
        cf = client(cloud.url, "cloudformation", account)
        instances = [s["StackName"] for s in cf.list_stacks()["StackSummaries"]
                     if s["StackName"].startswith("StackSet-")
                     and s["StackStatus"] == "CREATE_COMPLETE"]  # fmt: skip
        assert len(instances) == 2, (account, instances)
        found = client(cloud.url, "iam", account).get_role(RoleName=role)["Role"]
        assert found["Arn"] == f"arn:aws:iam::{account}:role/{role}"
        assert found["PermissionsBoundary"]["PermissionsBoundaryArn"] == (
            f"arn:aws:iam::{account}:policy/techcorp-dev-a001-us-west-2-sec-boundary"
        )
        trust = json.dumps(found["AssumeRolePolicyDocument"])
        assert f"arn:aws:iam::{account}:root" in trust
        iam = client(cloud.url, "iam", account)
        policy_arn = f"arn:aws:iam::{account}:policy/techcorp-dev-a001-policy-churn-ds"
        version = iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"]
        document = json.dumps(
            iam.get_policy_version(PolicyArn=policy_arn, VersionId=version)["PolicyVersion"][
                "Document"
            ]
        )
        assert f":us-west-2:{account}:" in document
        assert f'"s3:ResourceAccount": "{account}"' in document  # its own account's buckets
        for other in accounts:
            if other != account:
                assert other not in trust + document, (account, other)
    status = run_sec("-con", DEV_SEC, "-act", "status")
    assert status.code == 0, status.out + status.err
    for account in accounts:
        assert f"  {account}/us-west-2: CURRENT (SUCCEEDED)" in status.out
    deleted_everywhere(cloud.url, run_sec, OTHER_ACCOUNTS, role)


def test_test_deploy_runs_one_canary_then_cleans_up(
    cloud: Any, workdir: Path, run_sec: Any
) -> None:
    """The stacks' test-deploy form as stack sets of their own, one instance on the canary
    (the config's own account and region, where the section targets them), then deleted;
    the live sets are not touched."""
    accounts = (OTHER_ACCOUNTS[0], ACCOUNT)
    target_accounts(workdir, DEV_SEC, accounts)
    assert run_sec("-con", DEV_SEC, "-act", "bootstrap", "--force").code == 0
    tested = run_sec("-con", DEV_SEC, "-act", "test-deploy")
    assert tested.code == 0, tested.out + tested.err
    assert f"through stack sets on the canary {ACCOUNT}/us-west-2" in tested.out
    result = report(workdir, DEV_SEC.removesuffix(".yaml"), "test-deploy")["result"]
    assert result["canary"] == [f"{ACCOUNT}/us-west-2"]
    suffix = result["suffix"]
    regional = f"techcorp-dev-a001-us-west-2-{suffix}"
    assert result["stacks"] == [f"{regional}-teams-01-sec-stack", f"{regional}-xacct-sec-stack"]
    for entry in result["deploy"]["stack_sets"]:
        assert entry["result"] == "created"
        (operation,) = entry["operations"]
        assert [(i["account"], i["region"], i["status"]) for i in operation["instances"]] == [
            (ACCOUNT, "us-west-2", "SUCCEEDED")]  # fmt: skip
    assert [s["result"] for s in result["cleanup"]["stack_sets"]] == ["deleted", "deleted"]
    # Nothing left: no set but deleted ones, no instance stack, none in the other account.
    cf = cloud.client("cloudformation")
    assert all(s["Status"] == "DELETED" for s in cf.list_stack_sets()["Summaries"])
    assert not any(s.startswith("StackSet-") for s in cloud.stacks())
    other = client(cloud.url, "cloudformation", OTHER_ACCOUNTS[0])
    assert not [s for s in other.list_stacks()["StackSummaries"]
                if s["StackStatus"] != "DELETE_COMPLETE"]  # fmt: skip
    # --keep leaves them, and says how to remove them.
    kept = run_sec("-con", DEV_SEC, "-act", "test-deploy", "--keep")
    assert kept.code == 0, kept.out + kept.err
    assert "kept (--keep)" in kept.out
    assert sum(s["Status"] == "ACTIVE" for s in cf.list_stack_sets()["Summaries"]) == 2


def test_an_account_without_the_trust_root_fails_its_instance_by_name(
    cloud: Any, workdir: Path, run_sec: Any
) -> None:
    """The tool cannot read other accounts' trust roots: IAM refuses a role whose boundary
    does not exist (the emulator as IAM does), and that instance fails, named with its account,
    region and the reason; the deploy exits 1."""
    missing = OTHER_ACCOUNTS[1]
    accounts = (ACCOUNT, missing)
    target_accounts(workdir, DEV_SEC, accounts, tolerance=1, concurrent=2)
    assert run_sec("-con", DEV_SEC, "-act", "bootstrap", "--force").code == 0
    deployed = run_sec("-con", DEV_SEC, "-act", "deploy", "--force")
    assert deployed.code == 1, deployed.out + deployed.err
    boundary = f"arn:aws:iam::{missing}:policy/techcorp-dev-a001-us-west-2-sec-boundary"
    failed = [line for line in (deployed.out + deployed.err).splitlines()
              if f"{missing}/us-west-2" in line and "FAILED" in line]  # fmt: skip
    assert failed and boundary in failed[0], deployed.out + deployed.err
    entry = report(workdir, DEV_SEC.removesuffix(".yaml"), "deploy")["result"]["stack_sets"][0]
    assert entry["result"] == "failed"
    (instance,) = entry["instances"]
    assert (instance["account"], instance["region"], instance["status"]) == (
        missing, "us-west-2", "FAILED")  # fmt: skip
    assert f"Scope ARN: {boundary} does not exist" in instance["reason"]


TEMPLATES = "techcorp-dev-a001-stackset-templates"


def target_unit(workdir: Path, name: str, unit: str, canary: str) -> None:
    """The config's `deployment` section: a service-managed set over the OU `unit`, run as
    its delegated administrator, its templates published to TEMPLATES, its test-deploy
    canary in the account `canary`."""
    config = workdir / "configs" / name
    config.write_text(config.read_text() + f"""
deployment:
  permission_model: service-managed
  call_as: delegated-admin
  template_bucket: {TEMPLATES}
  canary_account: "{canary}"
  targets:
    organizational_units: [{unit}]
    regions: [us-west-2]
""")  # fmt: skip


def test_a_sec_tenant_deploys_to_an_ou_through_a_service_managed_set_from_published_templates(
    cloud: Any, workdir: Path, run_sec: Any
) -> None:
    """Deploy sends only the templates an administrator published (by content hash), and
    reads each back first: unpublished or different, it refuses with nothing changed; then
    every account of the OU gets the tenant's roles, naming its own account."""
    from test_emulator_stack_sets import organization

    unit, members = organization(cloud.url)
    target_unit(workdir, DEV_SEC, unit, members[1])
    stem = DEV_SEC.removesuffix(".yaml")
    validated = run_sec("-con", DEV_SEC, "-act", "validate", "--output", "json")
    assert validated.code == 0, validated.err
    assert json.loads(validated.out)["result"]["deployment"]["deployable"] is True
    written = run_sec("-con", DEV_SEC, "-act", "create-template", "--output", "json")
    assert written.code == 0, written.err
    forms = json.loads(written.out)["result"]["templates"]
    publish = {Path(t["stack_set_path"]): t["stack_set_publish_to"] for t in forms}
    canaries = {Path(t["canary_stack_set_path"]): t["canary_publish_to"] for t in forms}
    for to in (*publish.values(), *canaries.values()):
        assert to.startswith(f"s3://{TEMPLATES}/templates/") and to.endswith(".json")
    assert len(set(publish.values()) | set(canaries.values())) == 2 * len(forms)
    s3 = cloud.client("s3")
    s3.create_bucket(
        Bucket=TEMPLATES, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    cf = cloud.client("cloudformation")

    def deploy() -> Any:
        return run_sec("-con", DEV_SEC, "-act", "deploy", "--force")

    refused = deploy()
    assert refused.code == 2, refused.out + refused.err
    first = forms[0]  # the first stack in deploy order is the first one checked
    assert f"the template is not published at {first['stack_set_publish_to']}" in refused.err
    assert f"aws s3 cp templates/{Path(first['stack_set_path']).name} " in refused.err
    assert cf.list_stack_sets(CallAs="DELEGATED_ADMIN")["Summaries"] == []
    # Something else at the key (not the reviewed template) is refused too.
    for to in publish.values():
        s3.put_object(Bucket=TEMPLATES, Key=to.split("/", 3)[3], Body=b'{"Resources": {}}')
    refused = deploy()
    assert refused.code == 2, refused.out + refused.err
    assert "does not hold the template this config generates" in refused.err
    assert cf.list_stack_sets(CallAs="DELEGATED_ADMIN")["Summaries"] == []
    # The administrator publishes the reviewed files, as create-template says.
    for path, to in publish.items():
        s3.put_object(Bucket=TEMPLATES, Key=to.split("/", 3)[3], Body=path.read_bytes())
    for account in members:
        bootstrap_elsewhere(cloud.url, workdir, DEV_SEC, account)
    deployed = deploy()
    assert deployed.code == 0, deployed.out + deployed.err
    for entry in report(workdir, stem, "deploy")["result"]["stack_sets"]:
        (operation,) = entry["operations"]
        assert sorted(i["account"] for i in operation["instances"]) == sorted(members)
    role = "techcorp-dev-a001-role-churn-ds"
    for account in members:
        found = client(cloud.url, "iam", account).get_role(RoleName=role)["Role"]
        assert found["PermissionsBoundary"]["PermissionsBoundaryArn"] == (
            f"arn:aws:iam::{account}:policy/techcorp-dev-a001-us-west-2-sec-boundary"
        )
        assert ACCOUNT not in json.dumps(found["AssumeRolePolicyDocument"])
    # Service-managed sets (that each is made from its published URL, never a body, is
    # recorded in test_service_managed_policy.py).
    for described in (
        cf.describe_stack_set(StackSetName=s["StackSetName"], CallAs="DELEGATED_ADMIN")
        for s in cf.list_stack_sets(CallAs="DELEGATED_ADMIN")["Summaries"]
    ):
        assert described["StackSet"]["PermissionModel"] == "SERVICE_MANAGED"
    status = run_sec("-con", DEV_SEC, "-act", "status")
    assert status.code == 0, status.out + status.err
    for account in members:
        assert f"  {account}/us-west-2: CURRENT (SUCCEEDED)" in status.out
    assert run_sec("-con", DEV_SEC, "-act", "detect-drift").code == 0
    # test-deploy: its canary's forms are published too, then it runs on the canary only.
    unpublished = run_sec("-con", DEV_SEC, "-act", "test-deploy")
    assert unpublished.code == 2, unpublished.out + unpublished.err
    assert "the template is not published at s3://" in unpublished.err
    for path, to in canaries.items():
        s3.put_object(Bucket=TEMPLATES, Key=to.split("/", 3)[3], Body=path.read_bytes())
    live = {s["StackSetName"] for s in cf.list_stack_sets(CallAs="DELEGATED_ADMIN")["Summaries"]}
    tested = run_sec("-con", DEV_SEC, "-act", "test-deploy")
    assert tested.code == 0, tested.out + tested.err
    result = report(workdir, stem, "test-deploy")["result"]
    assert result["canary"] == [f"{members[1]}/us-west-2"]
    suffix = result["suffix"]
    # The suffix is the published templates': the one their file names hold.
    assert all(f"-{suffix}-" in p.name for p in canaries)
    for made in result["deploy"]["stack_sets"]:
        (operation,) = made["operations"]
        assert [i["account"] for i in operation["instances"]] == [members[1]]
    assert [s["result"] for s in result["cleanup"]["stack_sets"]] == ["deleted"] * len(forms)
    after = cf.list_stack_sets(CallAs="DELEGATED_ADMIN")["Summaries"]
    assert {s["StackSetName"] for s in after if s["Status"] == "ACTIVE"} == live
    deleted_everywhere(cloud.url, run_sec, members, role)


def test_a_sec_tenant_deploys_to_three_accounts_times_two_regions(
    cloud: Any, workdir: Path, run_sec: Any
) -> None:
    """IAM is global to an account: each account's roles are made once, by its instance in the
    config's region, and grant in both target regions; every instance, in both regions, makes
    the tenant's SSM parameters naming those roles (stack_sets/spanning_template.py)."""
    accounts = (ACCOUNT, *OTHER_ACCOUNTS)
    regions = ("us-west-2", "us-east-1")
    target_accounts(workdir, DEV_SEC, accounts, tolerance=2, concurrent=3, regions=regions)
    validated = run_sec("-con", DEV_SEC, "-act", "validate", "--output", "json")
    assert validated.code == 0, validated.err
    summary = json.loads(validated.out)["result"]["deployment"]
    assert summary["deployable"] is True, summary
    stem = DEV_SEC.removesuffix(".yaml")
    preview = run_sec("-con", DEV_SEC, "-act", "show-changes")
    assert preview.code == 0, preview.out + preview.err
    for account in accounts:
        for region in regions:
            assert f"  {account}/{region}: create" in preview.out
    # The grants of the set's one template: the roles' in both regions, made once.
    grants = json.dumps(report(workdir, stem, "show-changes")["result"]["stack_sets"])
    assert "arn:aws:sagemaker:us-east-1:${AWS::AccountId}:" in grants  # the second region's
    assert "arn:aws:sagemaker:${AWS::Region}:${AWS::AccountId}:" in grants  # the config's
    assert run_sec("-con", DEV_SEC, "-act", "bootstrap", "--force").code == 0
    for account in OTHER_ACCOUNTS:
        bootstrap_elsewhere(cloud.url, workdir, DEV_SEC, account)
    deployed = run_sec("-con", DEV_SEC, "-act", "deploy", "--force")
    assert deployed.code == 0, deployed.out + deployed.err
    for entry in report(workdir, stem, "deploy")["result"]["stack_sets"]:
        (operation,) = entry["operations"]
        assert sorted((i["account"], i["region"]) for i in operation["instances"]) == sorted(
            (a, r) for a in accounts for r in regions
        )
        assert {i["status"] for i in operation["instances"]} == {"SUCCEEDED"}
    role = "techcorp-dev-a001-role-churn-ds"
    policy = "techcorp-dev-a001-policy-churn-ds"
    for account in accounts:
        iam = client(cloud.url, "iam", account)
        found = iam.get_role(RoleName=role)["Role"]
        bound = f"arn:aws:iam::{account}:policy/techcorp-dev-a001-us-west-2-sec-boundary"
        assert found["PermissionsBoundary"]["PermissionsBoundaryArn"] == bound
        # The boundary it carries, the config's region's, lets it act in both regions.
        version = iam.get_policy(PolicyArn=bound)["Policy"]["DefaultVersionId"]
        ceiling = json.dumps(
            iam.get_policy_version(PolicyArn=bound, VersionId=version)["PolicyVersion"]["Document"]
        )
        for region in regions:
            assert f"arn:aws:sagemaker:{region}:{account}:*" in ceiling, (account, region)
        arn = f"arn:aws:iam::{account}:policy/{policy}"
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = json.dumps(
            iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
        )
        for region in regions:  # one role, granting in each target region
            assert f"arn:aws:sagemaker:{region}:{account}:" in document, (account, region)
        for other in accounts:
            if other != account:
                assert other not in document
        for region in regions:  # the tenant's parameters in every region name that one role
            ssm = client(cloud.url, "ssm", account, region)
            name = f"/security/techcorp-dev-a001-{region}/churn/data-scientist-role-arn"
            value = ssm.get_parameter(Name=name)["Parameter"]["Value"]
            assert value == f"arn:aws:iam::{account}:role/{role}", (account, region)
    status = run_sec("-con", DEV_SEC, "-act", "status")
    assert status.code == 0, status.out + status.err
    for account in accounts:
        for region in regions:
            assert f"  {account}/{region}: CURRENT (SUCCEEDED)" in status.out
    again = run_sec("-con", DEV_SEC, "-act", "show-changes")
    assert again.code == 0, again.out + again.err
    assert "no changes" in again.out
    drift = run_sec("-con", DEV_SEC, "-act", "detect-drift")
    assert drift.code == 0, drift.out + drift.err
    deleted_everywhere(cloud.url, run_sec, accounts, role)


def test_a_trust_root_made_before_the_set_spanned_a_region_is_refused_by_name(
    cloud: Any, workdir: Path, run_sec: Any
) -> None:
    """The roles made in the config's region carry its trust root's SEC boundary: bootstrapped
    for one region, it would cut a second region's grants off, so deploy refuses until an
    administrator runs bootstrap again with the spanning config."""
    target_accounts(workdir, DEV_SEC)
    assert run_sec("-con", DEV_SEC, "-act", "bootstrap", "--force").code == 0
    config = workdir / "configs" / DEV_SEC
    config.write_text(config.read_text().replace("regions: [us-west-2]",
                                                 "regions: [us-west-2, us-east-1]"))  # fmt: skip
    refused = run_sec("-con", DEV_SEC, "-act", "deploy", "--force")
    assert refused.code == 2, refused.out + refused.err
    assert "has a SEC boundary that does not reach us-east-1, a region of the stack set" in (
        refused.err
    )
    assert cloud.client("cloudformation").list_stack_sets()["Summaries"] == []
    assert run_sec("-con", DEV_SEC, "-act", "bootstrap", "--force").code == 0
    deployed = run_sec("-con", DEV_SEC, "-act", "deploy", "--force")
    assert deployed.code == 0, deployed.out + deployed.err


EDGE_ML = "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"
EDGE_SEC = "edge-prod-b001-us-west-2-sec.yaml"


def test_an_ml_use_case_deploys_to_an_ou_each_account_with_its_own_bucket(
    cloud: Any, workdir: Path, run_ml: Any
) -> None:
    """Service-managed, as delegated administrator, from published templates: every account
    of the OU gets the use case's pipeline, and its own artifacts bucket, named with its
    account (S3 names are global); none names the config's account."""
    from test_emulator_stack_sets import organization

    unit, members = organization(cloud.url)
    # A shorter use case: `{ml_name}-{account id}` must fit S3's 63 characters.
    source = (workdir / "configs" / EDGE_ML).read_text()
    name = "edge-prod-b001-us-west-2-fraud-realtime-ml-codecommit.yaml"
    (workdir / "configs" / name).write_text(
        source.replace("use_case: fraud-detection", "use_case: fraud")
    )
    target_unit(workdir, name, unit, members[0])
    account = re.search(r'account_id: "(\d{12})"', source)
    assert account is not None
    written = run_ml("-con", name, "-act", "create-template", "--output", "json")
    assert written.code == 0, written.out + written.err
    forms = json.loads(written.out)["result"]["templates"]
    s3 = cloud.client("s3")
    s3.create_bucket(
        Bucket=TEMPLATES, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    for t in forms:
        key = t["stack_set_publish_to"].split("/", 3)[3]
        s3.put_object(Bucket=TEMPLATES, Key=key, Body=Path(t["stack_set_path"]).read_bytes())
    for member in members:
        bootstrap_elsewhere(cloud.url, workdir, EDGE_SEC, member)
    deployed = run_ml("-con", name, "-act", "deploy", "--force", "--allow-broadening")
    assert deployed.code == 0, deployed.out + deployed.err
    (entry,) = report(workdir, name.removesuffix(".yaml"), "deploy")["result"]["stack_sets"]
    (operation,) = entry["operations"]
    assert sorted(i["account"] for i in operation["instances"]) == sorted(members)
    for member in members:
        buckets = [b["Name"] for b in client(cloud.url, "s3", member).list_buckets()["Buckets"]]
        assert f"edge-prod-b001-us-west-2-fraud-realtime-ml-{member}" in buckets, buckets
        assert not [b for b in buckets if account.group(1) in b]
    status = run_ml("-con", name, "-act", "status")
    assert status.code == 0, status.out + status.err
    deleted = run_ml("-con", name, "-act", "delete", "--force")
    assert deleted.code == 0, deleted.out + deleted.err
