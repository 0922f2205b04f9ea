"""The `deployment` section (issue 14, point 1): what it accepts, its defaults, each
combination CloudFormation refuses (refused here, naming the field), and what the AWS
actions refuse of it: the actions not built for stack sets, and targets one neutral template
cannot serve."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from conftest import EXAMPLES
from provisioner.config import deployment as deployment_module
from provisioner.config.deployment import (
    OU_ID_PATTERN,
    AccountFilter,
    CallAs,
    DeploymentConfig,
    PermissionModel,
    RegionConcurrency,
)
from provisioner.config.loader import problems_from
from provisioner.config.ml import MlConfig
from provisioner.config.sec import SecConfig

ML = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
SEC = "techcorp-prod-a001-us-west-2-sec.yaml"
ACCOUNTS = ["444455556666", "777788889999"]
OU = "ou-ab12-cdef5678"


def _example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / name).read_text())
    return data


def _problems(model: type[MlConfig] | type[SecConfig], deployment: Any) -> list[str]:
    data = _example(ML if model is MlConfig else SEC)
    try:
        model.model_validate({**data, "deployment": deployment})
    except ValidationError as exc:
        return [p.render() for p in problems_from(exc, model)]
    return []


def _self_managed(**extra: Any) -> dict[str, Any]:
    return {
        "permission_model": "self-managed",
        "targets": {"accounts": ACCOUNTS, "regions": ["us-west-2", "eu-west-1"]},
        **extra,
    }


def _service_managed(**extra: Any) -> dict[str, Any]:
    return {
        "permission_model": "service-managed",
        "template_bucket": "techcorp-reviewed-templates",
        "targets": {"organizational_units": [OU], "regions": ["us-west-2"]},
        **extra,
    }


@pytest.mark.parametrize("model", [MlConfig, SecConfig], ids=["ml", "sec"])
def test_both_configs_take_the_section(model: type[MlConfig] | type[SecConfig]) -> None:
    assert _problems(model, _self_managed()) == []
    assert _problems(model, _service_managed()) == []
    data = _example(ML if model is MlConfig else SEC)
    assert model.model_validate(data).deployment is None


def test_defaults() -> None:
    """The documented defaults: CloudFormation's most careful rollout, one account at a time,
    one region after another, in the order the regions are given."""
    d = DeploymentConfig.model_validate(_self_managed())
    p = d.operation_preferences
    assert p.failure_tolerance_count_or_default == 0
    assert p.max_concurrent_count_or_default == 1
    assert p.failure_tolerance_percentage is None and p.max_concurrent_percentage is None
    assert p.region_concurrency is RegionConcurrency.SEQUENTIAL
    assert d.region_order == ["us-west-2", "eu-west-1"]
    assert d.auto_deployment_or_default is None and d.call_as_or_default is None
    s = DeploymentConfig.model_validate(_service_managed())
    auto = s.auto_deployment_or_default
    assert auto is not None and auto.enabled and not auto.retain_stacks_on_account_removal
    assert s.call_as_or_default is CallAs.SELF


def test_api_values() -> None:
    """The words the config uses, as CloudFormation's API spells them."""
    assert PermissionModel.SELF_MANAGED.api == "SELF_MANAGED"
    assert PermissionModel.SERVICE_MANAGED.api == "SERVICE_MANAGED"
    assert CallAs.DELEGATED_ADMIN.api == "DELEGATED_ADMIN" and CallAs.SELF.api == "SELF"
    assert {f.api for f in AccountFilter} == {"INTERSECTION", "DIFFERENCE", "UNION"}
    assert {r.api for r in RegionConcurrency} == {"SEQUENTIAL", "PARALLEL"}


def test_given_preferences_and_order() -> None:
    d = DeploymentConfig.model_validate(
        _self_managed(
            operation_preferences={
                "failure_tolerance_count": 2,
                "max_concurrent_count": 3,
                "region_concurrency": "parallel",
                "region_order": ["eu-west-1", "us-west-2"],
            }
        )
    )
    assert d.region_order == ["eu-west-1", "us-west-2"]
    assert d.operation_preferences.region_concurrency is RegionConcurrency.PARALLEL
    percentages = {"failure_tolerance_percentage": 10, "max_concurrent_percentage": 50}
    assert DeploymentConfig.model_validate(_self_managed(operation_preferences=percentages))


def test_service_managed_with_account_filter_and_delegated_admin() -> None:
    d = DeploymentConfig.model_validate(
        {
            "permission_model": "service-managed",
            "template_bucket": "techcorp-reviewed-templates",
            "targets": {
                "organizational_units": [OU, "r-ab12"],
                "accounts": ACCOUNTS[:1],
                "account_filter": "difference",
                "regions": ["us-west-2"],
            },
            "auto_deployment": {"enabled": True, "retain_stacks_on_account_removal": True},
            "call_as": "delegated-admin",
        }
    )
    assert d.targets.account_filter is AccountFilter.DIFFERENCE
    assert d.call_as_or_default is CallAs.DELEGATED_ADMIN


REFUSALS = [
    (
        "OUs in a self-managed stack set",
        _self_managed(targets={"organizational_units": [OU], "regions": ["us-west-2"]}),
        ["deployment.targets.organizational_units: service-managed only",
         "deployment.targets.accounts: required for a self-managed stack set"],
    ),
    (
        "auto-deployment in a self-managed stack set",
        _self_managed(auto_deployment={"enabled": True}),
        ["deployment.auto_deployment: service-managed only"],
    ),
    (
        "CallAs in a self-managed stack set",
        _self_managed(call_as="delegated-admin"),
        ["deployment.call_as: service-managed only"],
    ),
    (
        "an account filter in a self-managed stack set",
        _self_managed(targets={"accounts": ACCOUNTS, "account_filter": "union",
                               "regions": ["us-west-2"]}),
        ["deployment.targets.account_filter: service-managed only"],
    ),
    (
        "a service-managed stack set without OUs",
        _service_managed(targets={"accounts": ACCOUNTS, "account_filter": "union",
                                  "regions": ["us-west-2"]}),
        ["deployment.targets.organizational_units: required for a service-managed stack set"],
    ),
    (
        "accounts without a filter in a service-managed stack set",
        _service_managed(targets={"organizational_units": [OU], "accounts": ACCOUNTS,
                                  "regions": ["us-west-2"]}),
        ["deployment.targets.account_filter: required with targets.accounts"],
    ),
    (
        "a filter without accounts",
        _service_managed(targets={"organizational_units": [OU], "account_filter": "intersection",
                                  "regions": ["us-west-2"]}),
        ["deployment.targets.account_filter: filters by targets.accounts"],
    ),
    (
        "retaining stacks without auto-deployment",
        _service_managed(auto_deployment={"enabled": False,
                                          "retain_stacks_on_account_removal": True}),
        ["deployment.auto_deployment.retain_stacks_on_account_removal: only with enabled: true"],
    ),
    (
        "failure tolerance as count and percentage",
        _self_managed(operation_preferences={"failure_tolerance_count": 1,
                                             "failure_tolerance_percentage": 10}),
        ["deployment.operation_preferences.failure_tolerance_percentage: give "
         "failure_tolerance_count or failure_tolerance_percentage, not both"],
    ),
    (
        "max concurrency as count and percentage",
        _self_managed(operation_preferences={"max_concurrent_count": 1,
                                             "max_concurrent_percentage": 10}),
        ["deployment.operation_preferences.max_concurrent_percentage: give "
         "max_concurrent_count or max_concurrent_percentage, not both"],
    ),
    (
        "more concurrent accounts than failures tolerated + 1",
        _self_managed(operation_preferences={"max_concurrent_count": 2}),
        ["deployment.operation_preferences.max_concurrent_count: 2 exceeds failure tolerance + 1 "
         "(1)"],
    ),
    (
        "a negative failure tolerance",
        _self_managed(operation_preferences={"failure_tolerance_count": -1}),
        ["deployment.operation_preferences.failure_tolerance_count: Input should be greater "
         "than or equal to 0"],
    ),
    (
        "no concurrency",
        _self_managed(operation_preferences={"max_concurrent_count": 0}),
        ["deployment.operation_preferences.max_concurrent_count: Input should be greater than "
         "or equal to 1"],
    ),
    (
        "a percentage over 100",
        _self_managed(operation_preferences={"failure_tolerance_percentage": 101}),
        ["deployment.operation_preferences.failure_tolerance_percentage: Input should be less "
         "than or equal to 100"],
    ),
    (
        "a max concurrent percentage of 0",
        _self_managed(operation_preferences={"max_concurrent_percentage": 0}),
        ["deployment.operation_preferences.max_concurrent_percentage: Input should be greater "
         "than or equal to 1"],
    ),
    (
        "a region order missing a region",
        _self_managed(operation_preferences={"region_order": ["us-west-2"]}),
        ["deployment.operation_preferences.region_order: must name each of targets.regions once"],
    ),
    (
        "a region order repeating a region",
        _self_managed(operation_preferences={"region_order": ["us-west-2", "us-west-2",
                                                              "eu-west-1"]}),
        ["deployment.operation_preferences.region_order: must name each of targets.regions once"],
    ),
    (
        "an unknown region concurrency",
        _self_managed(operation_preferences={"region_concurrency": "random"}),
        ["deployment.operation_preferences.region_concurrency: must be one of: sequential, "
         "parallel"],
    ),
    (
        "an unknown permission model",
        _self_managed(permission_model="self"),
        ["deployment.permission_model: must be one of: self-managed, service-managed"],
    ),
    (
        "a repeated account",
        _self_managed(targets={"accounts": [ACCOUNTS[0]] * 2, "regions": ["us-west-2"]}),
        ["deployment.targets.accounts: must not repeat: 444455556666"],
    ),
    (
        "a repeated region",
        _self_managed(targets={"accounts": ACCOUNTS, "regions": ["us-west-2", "us-west-2"]}),
        ["deployment.targets.regions: must not repeat: us-west-2"],
    ),
    (
        "an empty account list",
        _self_managed(targets={"accounts": [], "regions": ["us-west-2"]}),
        ["deployment.targets.accounts: is an empty list"],
    ),
    (
        "no regions",
        _self_managed(targets={"accounts": ACCOUNTS, "regions": []}),
        ["deployment.targets.regions: List should have at least 1 item"],
    ),
    (
        "an unknown region",
        _self_managed(targets={"accounts": ACCOUNTS, "regions": ["us-westt-2"]}),
        ["deployment.targets.regions[0]: unknown AWS region 'us-westt-2'"],
    ),
    (
        "a region of another partition",
        _self_managed(targets={"accounts": ACCOUNTS, "regions": ["us-west-2", "us-gov-west-1"]}),
        ["deployment.targets.regions[1]: 'us-gov-west-1' is in partition aws-us-gov, but the "
         "config's region 'us-west-2' is in aws"],
    ),
    (
        "an account id of eleven digits",
        _self_managed(targets={"accounts": ["44445555666"], "regions": ["us-west-2"]}),
        ["deployment.targets.accounts[0]: '44445555666' does not match the allowed pattern"],
    ),
    (
        "an account id unquoted",
        _self_managed(targets={"accounts": [444455556666], "regions": ["us-west-2"]}),
        ["deployment.targets.accounts[0]: must be text"],
    ),
    (
        "an OU id of the wrong form",
        _service_managed(targets={"organizational_units": ["ou-AB12-cdef5678"],
                                  "regions": ["us-west-2"]}),
        ["deployment.targets.organizational_units[0]: 'ou-AB12-cdef5678' does not match"],
    ),
    (
        "an unknown field",
        _self_managed(rollout="fast"),
        ["deployment.rollout: unknown field; allowed fields here: auto_deployment, call_as, "
         "canary_account, operation_preferences, permission_model, targets, template_bucket"],
    ),
    (
        "no targets",
        {"permission_model": "self-managed"},
        ["deployment.targets: required field is missing"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("deployment", "expected"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
@pytest.mark.parametrize("model", [MlConfig, SecConfig], ids=["ml", "sec"])
def test_refusals_name_the_field(
    model: type[MlConfig] | type[SecConfig], deployment: Any, expected: list[str]
) -> None:
    problems = _problems(model, deployment)
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start), problem


def test_too_many_stack_instances() -> None:
    accounts = [f"{n:012d}" for n in range(1, 101)]
    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
               "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1",
               "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
               "ca-central-1", "sa-east-1", "eu-south-1", "me-south-1", "af-south-1",
               "ap-east-1"]  # fmt: skip
    problems = _problems(
        MlConfig,
        {"permission_model": "self-managed", "targets": {"accounts": accounts, "regions": regions}},
    )
    assert problems == [
        "deployment.targets: 2100 stack instances exceed CloudFormation's 2000 per stack set"
    ]


@pytest.mark.parametrize(
    "digit", ["\u0664", "\uff14", "\u09ea"], ids=["arabic-indic", "full-width", "bengali"]
)
def test_ids_are_ascii_only(digit: str) -> None:
    """An account or OU id with a non-ASCII digit or letter would go into ARNs: refused."""
    account = "44445555666" + digit
    assert _problems(MlConfig, _self_managed(targets={"accounts": [account],
                                                      "regions": ["us-west-2"]}))  # fmt: skip
    ou = "ou-ab1" + digit + "-cdef5678"
    assert _problems(MlConfig, _service_managed(targets={"organizational_units": [ou],
                                                         "regions": ["us-west-2"]}))  # fmt: skip
    dotless = "ou-ab1\u0131-cdef5678"  # a Turkish dotless i among the letters
    assert _problems(MlConfig, _service_managed(targets={"organizational_units": [dotless],
                                                         "regions": ["us-west-2"]}))  # fmt: skip


def test_every_pattern_is_ascii_only() -> None:
    """The section's patterns use ASCII classes only: no `\\d`, `\\w` or `\\s`, which a
    Unicode regex engine widens beyond ASCII."""
    source = Path(deployment_module.__file__).read_text(encoding="utf-8")
    patterns = re.findall(r'r"(\^[^"]*\$)"', source)
    assert OU_ID_PATTERN in patterns
    for pattern in patterns:
        assert pattern.isascii()
        assert not re.search(r"\\[dwsDWS]", pattern), pattern


# -- the CLI ------------------------------------------------------------------------------
_SECTION = """
deployment:
  permission_model: self-managed
  targets:
    accounts: ["444455556666"]
    regions: [us-west-2]
"""
_SERVICE_MANAGED = """
deployment:
  permission_model: service-managed
  template_bucket: techcorp-reviewed-templates
  targets:
    organizational_units: [ou-ab12-cdef5678]
    regions: [us-west-2]
"""
STACK_SET_ACTIONS = [
    ("show-changes", ()),
    ("deploy", ("--dry-run",)),
    ("deploy", ("--force",)),
    ("test-deploy", ()),
    ("status", ()),
    ("detect-drift", ()),
    ("delete", ("--force",)),
]


def _add_section(workdir: Path, name: str, section: str = _SECTION) -> None:
    path = workdir / "configs" / name
    path.write_text(path.read_text() + section)


@pytest.mark.parametrize(
    ("action", "flags"), STACK_SET_ACTIONS, ids=[" ".join((a, *f)) for a, f in STACK_SET_ACTIONS]
)
def test_an_ml_use_case_to_an_ou_is_refused_by_every_aws_action(
    workdir: Path, run_ml: Any, action: str, flags: tuple[str, ...]
) -> None:
    """An OU's accounts are other accounts than the config's: the starter tier's artifact
    bucket, named exactly and not created by the stack, would be the config's account's in
    every one of them."""
    _add_section(workdir, ML, _SERVICE_MANAGED)
    result = run_ml("-con", ML, "-act", action, *flags, "--endpoint-url", "http://127.0.0.1:9")
    assert result.code == 2, result.err
    assert "which it does not create and whose name holds no account" in result.err
    assert "Target the config's own account only" in result.err
    assert not (workdir / "reports").exists()


def test_test_deploy_of_a_service_managed_set_needs_a_canary_account(
    workdir: Path, run_sec: Any
) -> None:
    """The tool cannot list an OU's accounts: the canary's is named, or nothing runs."""
    _add_section(workdir, SEC, _SERVICE_MANAGED)
    result = run_sec("-con", SEC, "-act", "test-deploy", "--endpoint-url", "http://127.0.0.1:9")
    assert result.code == 2, result.err
    assert "test-deploy of a service-managed stack set needs deployment.canary_account" in (
        result.err
    )
    assert not (workdir / "reports").exists()


def test_a_self_managed_canary_account_is_one_of_the_targets() -> None:
    assert _problems(MlConfig, _self_managed(canary_account=ACCOUNTS[1])) == []
    assert _problems(MlConfig, _self_managed(canary_account="123412341234")) == [
        "deployment.canary_account: 123412341234 is not one of targets.accounts: the canary "
        "is one of the set's own targets"
    ]


@pytest.mark.parametrize(
    ("model", "section", "expected"),
    [
        (
            model,
            section,
            expected,
        )
        for model in (MlConfig, SecConfig)
        for section, expected in (
            (
                {k: v for k, v in _service_managed().items() if k != "template_bucket"},
                "deployment.template_bucket: required for a service-managed stack set: "
                "CloudFormation deploys it with administrator rights in every member account, "
                "so the operator may deploy only templates an administrator has published to "
                "this bucket (the operator policy pins their URLs)",
            ),
            (
                _self_managed(template_bucket="techcorp-reviewed-templates"),
                "deployment.template_bucket: service-managed only: a self-managed stack set "
                "deploys the templates the tool generates, bounded by its execution role",
            ),
            (
                _service_managed(template_bucket="xn--techcorp-templates"),
                "deployment.template_bucket: must not begin with 'xn--' (S3 reserves that prefix)",
            ),
        )
    ],
)
def test_the_template_bucket_is_required_exactly_for_service_managed_sets(
    model: type[MlConfig] | type[SecConfig], section: dict[str, Any], expected: str
) -> None:
    problems = _problems(model, section)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


def own_target(workdir: Path, name: str) -> None:
    """The section, targeting the config's own account and region (us-west-2)."""
    config = workdir / "configs" / name
    account = re.search(r'account_id: "(\d{12})"', config.read_text())
    assert account is not None
    _add_section(workdir, name, _SECTION.replace("444455556666", account.group(1)))


def test_a_saved_plan_is_refused_for_stack_sets(workdir: Path, run_ml: Any) -> None:
    own_target(workdir, ML)
    (workdir / "plan.json").write_text("{}")
    result = run_ml("-con", ML, "-act", "deploy", "--force", "--plan", "plan.json",
                    "--endpoint-url", "http://127.0.0.1:9")  # fmt: skip
    assert result.code == 2, result.err
    assert "stack sets have none: --plan is not for a config" in result.err
    saving = run_ml("-con", ML, "-act", "show-changes", "--save-plan", "new-plan.json",
                    "--endpoint-url", "http://127.0.0.1:9")  # fmt: skip
    assert saving.code == 2, saving.err
    assert "stack sets have none: --save-plan is not for a config" in saving.err
    assert not (workdir / "new-plan.json").exists()


def _two_regions(workdir: Path, name: str) -> None:
    """The section, over the config's own account and a second region."""
    own_target(workdir, name)
    config = workdir / "configs" / name
    config.write_text(config.read_text().replace("regions: [us-west-2]",
                                                 "regions: [us-west-2, eu-west-1]"))  # fmt: skip


def test_bootstrap_refuses_a_section_one_template_cannot_serve(
    workdir: Path, run_sec: Any, run_ml: Any
) -> None:
    """bootstrap is SEC's; an ML use case's stack refuses the same way in every action (below),
    and a SEC tenant whose own region is not a target cannot make its IAM anywhere."""
    _two_regions(workdir, SEC)
    config = workdir / "configs" / SEC
    config.write_text(
        config.read_text().replace("[us-west-2, eu-west-1]", "[us-east-1, eu-west-1]")
    )
    result = run_sec("-con", SEC, "-act", "bootstrap", "--force")
    assert result.code == 2
    assert (
        "its IAM resources (ChurnDsGroup…) are made in the config's region only, us-west-2, and "
        "the targets span several regions without it: add us-west-2 to targets.regions"
    ) in result.err


MEDIUM = "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"


@pytest.mark.parametrize(
    ("action", "flags"), STACK_SET_ACTIONS, ids=[" ".join((a, *f)) for a, f in STACK_SET_ACTIONS]
)
def test_targets_one_template_cannot_serve_are_refused(
    workdir: Path, run_ml: Any, run_sec: Any, action: str, flags: tuple[str, ...]
) -> None:
    """One template goes to every target, its account and region as pseudo parameters: what
    would then clash between instances, or point one at another account's bucket, is
    refused before any AWS call, naming the stack and the resource."""
    endpoint = ("--endpoint-url", "http://127.0.0.1:9")
    # The starter tier uses an artifact bucket it does not create, named without an account.
    _add_section(workdir, ML)  # another account
    result = run_ml("-con", ML, "-act", action, *flags, *endpoint)
    assert result.code == 2, result.err
    # (test-deploy's stacks are in their test-deploy form: `…-ml-t1a2b-stack`)
    assert re.search(
        r"techcorp-prod-a001-us-west-2-customer-churn-ml(-t[0-9a-f]{4})?-stack: it names the "
        r"bucket 'techcorp-prod-a001-\$\{AWS::Region\}-pipeline-artifacts', which it does not "
        r"create",
        result.err,
    ), result.err
    # Over two regions, IAM is made in the config's region only: a policy that names its own
    # stack's regional resources (the pipeline's repository) would reach that region's alone.
    starter = workdir / "configs" / ML
    starter.write_text(starter.read_text().split("\ndeployment:")[0])
    _two_regions(workdir, ML)
    result = run_ml("-con", ML, "-act", action, *flags, *endpoint)
    assert result.code == 2, result.err
    assert re.search(
        r"techcorp-prod-a001-us-west-2-customer-churn-ml(-t[0-9a-f]{4})?-stack: "
        r"PipelinePolicy's policy refers to Repository of its own stack, which each region's "
        r"instance makes",
        result.err,
    ), result.err
    # A bucket it creates, in two accounts: its name holds the account, one per account, and
    # this use case's name leaves no room for it.
    account = re.search(r'account_id: "(\d{12})"', (workdir / "configs" / MEDIUM).read_text())
    assert account is not None
    _add_section(
        workdir, MEDIUM, _SECTION.replace('"444455556666"', f'"{account.group(1)}", "999988887777"')
    )
    result = run_ml("-con", MEDIUM, "-act", action, *flags, *endpoint)
    assert result.code == 2, result.err
    assert (
        f"S3 bucket name 'edge-prod-b001-us-west-2-fraud-detection-realtime-ml-{account.group(1)}'"
        " is 65 characters; AWS allows at most 63 (the deployment section reaches accounts other "
        "than the config's, so the artifacts bucket is named {ml_name}-{account id}, one per "
        "account: shorten use_case or workload)"
    ) in result.err, result.err
    assert not (workdir / "reports").exists()


def test_validate_says_the_section_was_read(workdir: Path, run_ml: Any, run_sec: Any) -> None:
    _add_section(workdir, ML)
    result = run_ml("-con", ML, "-act", "validate")
    assert result.code == 0, result.err
    assert "deployment   self-managed stack set: 1 account(s) x 1 region(s) (us-west-2)" in (
        result.out
    )
    assert "not deployable yet: techcorp-prod-a001-us-west-2-customer-churn-ml-stack: it " \
        "names the bucket" in result.out  # fmt: skip
    as_json = run_ml("-con", ML, "-act", "validate", "--output", "json")
    assert '"deployable": false' in as_json.out
    # A SEC tenant in another account: one template serves it (and the config's own).
    for section in (_SECTION, _SECTION.replace('"444455556666"', '"444455556666", "777788889999"')):
        config = workdir / "configs" / SEC
        config.write_text(config.read_text().split("\ndeployment:")[0] + section)
        other = run_sec("-con", SEC, "-act", "validate", "--output", "json")
        summary = json.loads(other.out)["result"]["deployment"]
        assert (summary["deployable"], summary["not_deployable_because"]) == (True, None)
    text = run_sec("-con", SEC, "-act", "validate")
    assert "deployable: the AWS actions run through stack sets" in text.out


def test_validate_without_the_section_says_nothing_of_it(run_ml: Any) -> None:
    result = run_ml("-con", ML, "-act", "validate")
    assert result.code == 0 and "deployment" not in result.out


def test_a_target_region_without_the_tiers_services_is_refused(workdir: Path, run_ml: Any) -> None:
    """ap-south-2 has no SageMaker model package groups (cfn-lint's region data): a target
    region there is refused as the config's own region would be, naming the entry."""
    path = workdir / "configs" / ML
    path.write_text(path.read_text() + _SECTION.replace("[us-west-2]", "[us-west-2, ap-south-2]"))
    result = run_ml("-con", ML, "-act", "validate")
    assert result.code == 2
    assert "deployment.targets.regions[1]: SageMaker is not available in ap-south-2" in result.err


def test_create_policy_adds_the_stack_set_operators_policy(
    workdir: Path, run_ml: Any, run_sec: Any
) -> None:
    """For a self-managed section, beside the operator's usual variants: the policy of deploy,
    status and delete through the stack sets (its proofs: test_stack_set_operator_policy.py)."""
    for run, name, action in ((run_ml, ML, "create-policy"), (run_sec, SEC, "export-iam-policy")):
        before = run("-con", name, "-act", action)
        assert before.code == 0, before.err
        stem = name.removesuffix(".yaml")
        written = workdir / "policies" / f"{stem}-stackset-operator-policy.json"
        assert not written.exists()
        _add_section(workdir, name)
        after = run("-con", name, "-act", action)
        assert after.code == 0, after.err
        document = json.loads(written.read_text())
        sids = {s["Sid"] for s in document["Statement"]}
        assert {"CloudFormationStackSetManagement", "CloudFormationStackSetCreate"} <= sids
        create = next(
            s for s in document["Statement"] if s["Sid"] == "CloudFormationStackSetCreate"
        )
        assert create["Action"] in (
            "cloudformation:CreateStackSet",
            ["cloudformation:CreateStackSet"],
        )
        assert "cloudformation:RoleArn" in json.dumps(create["Condition"])
        # Service-managed: the set is created and updated only from the published templates'
        # URLs (its proofs: test_service_managed_policy.py), under no role of the operator's.
        config = workdir / "configs" / name
        config.write_text(config.read_text().split("\ndeployment:")[0] + _SERVICE_MANAGED)
        managed = run("-con", name, "-act", action)
        assert managed.code == 0, managed.err
        if name == ML:
            # The starter tier cannot go to an OU (its artifact bucket is the config's
            # account's): nothing to pin, and the self-managed section's file is removed.
            assert not written.exists()
            assert (workdir / "policies" / f"{stem}-read-only-iam-policy.json").exists()
            continue
        document = json.loads(written.read_text())
        create = next(
            s for s in document["Statement"] if s["Sid"] == "CloudFormationStackSetCreate"
        )
        pinned = create["Condition"]["StringEquals"]["cloudformation:TemplateUrl"]
        pinned = [pinned] if isinstance(pinned, str) else pinned
        assert pinned
        assert all(
            u.startswith(
                "https://techcorp-reviewed-templates.s3.us-west-2.amazonaws.com/templates/"
            )
            for u in pinned
        ), pinned
        assert "cloudformation:RoleArn" not in json.dumps(document)
        assert "iam:PassRole" not in json.dumps(document)


@pytest.mark.parametrize("model", [MlConfig], ids=["ml"])
def test_names_are_measured_in_each_target_region(
    model: type[MlConfig] | type[SecConfig],
) -> None:
    """An instance's names hold its own region: a name that fits in the config's region
    (us-west-2, 9 characters) but not in a longer target region (ap-southeast-2, 14) is
    refused, naming the target region. (SEC's names that hold a region, its SSM paths and
    stack names, are bounded by its fields' own limits well below AWS's: no team name
    reaches them.)"""
    from provisioner.errors import InputError
    from provisioner.ml.plan_checks import checked_plan as ml_checked
    from provisioner.sec.plan_checks import checked_plan as sec_checked

    checked: Any = ml_checked if model is MlConfig else sec_checked
    data = _example(ML if model is MlConfig else SEC)

    def config(name: str, regions: list[str] | None) -> Any:
        """The example with a longer use case (ML) or first team (SEC), and the section."""
        given = dict(data)
        if model is MlConfig:
            given["use_case"] = name
        else:
            given["teams"] = [{**data["teams"][0], "name": name}]
        if regions is not None:
            given["deployment"] = {"permission_model": "self-managed",
                                   "targets": {"accounts": [data["account_id"]],
                                               "regions": regions}}  # fmt: skip
        return model.model_validate(given)

    def plans(name: str, regions: list[str] | None = None) -> bool:
        try:
            checked(config(name, regions), "c.yaml")
        except (InputError, ValidationError):
            return False
        return True

    longest = next("a" * n for n in range(64, 2, -1) if plans("a" * n))
    assert plans(longest, ["us-west-2"])
    with pytest.raises(InputError) as refused:
        checked(config(longest, ["ap-southeast-2"]), "c.yaml")
    assert "deployment.targets.regions[0]" in str(refused.value)
    assert "(in ap-southeast-2)" in str(refused.value)


def test_create_template_writes_each_stacks_stack_set_form_beside_it(
    workdir: Path, run_sec: Any
) -> None:
    """What a stack set deploys, for review and cfn-lint: the neutral form, `{stack}-set.json`
    beside `{stack}.json`, named in the manifest; gone again with the section."""
    from provisioner.stack_sets.neutral_template import neutral_body

    _add_section(workdir, SEC)
    written = run_sec("-con", SEC, "-act", "create-template", "--output", "json")
    assert written.code == 0, written.err
    (entry,) = json.loads(written.out)["result"]["templates"]
    stack = "techcorp-prod-a001-us-west-2-teams-01-sec-stack"
    live, form = (
        workdir / "templates" / f"{stack}.json",
        workdir / "templates" / f"{stack}-set.json",
    )
    assert entry["stack_set_path"] == str(form)
    assert form.read_text() == neutral_body(live.read_text(), "111122223333", "us-west-2")
    assert "111122223333" in live.read_text() and "111122223333" not in form.read_text()
    manifest = json.loads((workdir / "manifests" / f"{SEC[:-5]}-manifest.json").read_text())
    assert manifest["stacks"][0]["stack_set_template"] == f"templates/{stack}-set.json"
    config = workdir / "configs" / SEC
    config.write_text(config.read_text().split("\ndeployment:")[0])
    again = run_sec("-con", SEC, "-act", "create-template", "--output", "json")
    assert json.loads(again.out)["result"]["removed"] == [str(form)]
    assert live.is_file() and not form.exists()
