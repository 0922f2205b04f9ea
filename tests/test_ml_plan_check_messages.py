"""ml-provisioner's plan checks word for word, with their fields (ml/plan_checks.py): a name
over AWS's limit has no field of its own (the names come from several), a region without a
tier's service names `region` or the target region's entry, and says which tier and scenario
plan the missing type. The limits are AWS's (model package group 63, IAM role 64, S3 bucket 63,
EventBridge rule 64); the region data is cfn-lint's."""

from __future__ import annotations

from pathlib import Path

from provisioner.config.deployment import DeploymentConfig
from provisioner.config.ml_loader import load_ml_config
from provisioner.errors import Problem
from provisioner.ml.plan_checks import name_problems, plan_use_case, region_problems

EDGE = (
    Path(__file__).parent.parent
    / "examples"
    / "configs"
    / ("edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml")
)


def _over(kind: str, name: str, limit: int) -> str:
    return f"{kind} name {name!r} is {len(name)} characters; AWS allows at most {limit}"


def test_names_over_their_limits_are_each_refused_without_a_field() -> None:
    config = load_ml_config(EDGE).model_copy(update={"use_case": "customer-churn-predictor"})
    base = "edge-prod-b001-us-west-2-customer-churn-predictor-realtime-ml"
    assert name_problems(plan_use_case(config)) == [
        Problem("", _over("SageMaker model package group", f"{base}-mpg", 63)),
        Problem("", _over("S3 bucket", f"{base}-artifacts", 63)),
        Problem("", _over("EventBridge rule", f"{base}-push", 64)),
        Problem("", _over("EventBridge rule", f"{base}-appr", 64)),
    ]


def _missing(service: str, kind: str) -> str:
    return (
        f"{service} is not available in ap-south-2: resource type {kind}, which the "
        f"professional tier (scenario codecommit) plans, does not exist there; choose a region "
        f"that offers {service}"
    )


def test_a_region_without_the_tiers_services_is_refused_naming_the_tier_and_field() -> None:
    config = load_ml_config(EDGE)
    expected = [
        _missing("CodeCommit", "AWS::CodeCommit::Repository"),
        _missing("SageMaker", "AWS::SageMaker::ModelPackageGroup"),
    ]
    moved = config.model_copy(update={"region": "ap-south-2"})
    assert region_problems(plan_use_case(moved)) == [Problem("region", m) for m in expected]
    section = DeploymentConfig.model_validate({"permission_model": "self-managed", "targets": {
        "accounts": [config.account_id], "regions": ["us-west-2", "ap-south-2"]}})  # fmt: skip
    targeted = config.model_copy(update={"deployment": section})
    assert region_problems(plan_use_case(targeted)) == [
        Problem("deployment.targets.regions[1]", m) for m in expected
    ]


def test_names_that_fit_live_but_not_in_the_test_deploy_form_say_so() -> None:
    starter = EDGE.parent / "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
    config = load_ml_config(starter).model_copy(update={"use_case": "customer-churn-predictor"})
    group = "techcorp-prod-a001-us-west-2-customer-churn-predictor-ml-tffff-mpg"  # widest suffix
    assert name_problems(plan_use_case(config)) == [
        Problem("", _over("SageMaker model package group", group, 63) + " (test-deploy form)")
    ]
