"""Every resource type the tools deploy, one module each, and the questions asked of them.

Who reads what: tier membership — ml/components (which tier a component comes with) and the
operator policies; names' limits — naming/planned.py, with which ml/plan_checks.py measures
the planned resources; labels — the SEC duplicate-name check; statements — ml/ and
sec/operator_policy.py, with the permissions table (operator_permissions.json); smoke
checks — deploy/smoke.py; emulator adapters — emulator/extensions. Adding a type:
docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.config.ml import MlTier
from provisioner.resource_types import (
    cloudwatch_dashboard,
    codebuild_project,
    codecommit_repository,
    codepipeline_pipeline,
    ec2_security_group,
    ec2_vpc_endpoint,
    events_rule,
    iam_group,
    iam_managed_policy,
    iam_role,
    kms_alias,
    kms_key,
    logs_log_group,
    s3_bucket,
    s3_bucket_policy,
    sagemaker_model_package_group,
    sns_topic,
    sns_topic_policy,
    ssm_parameter,
)
from provisioner.resource_types.record import ResourceType

# In the order of the ML template, then what only SEC deploys.
RESOURCE_TYPES: tuple[ResourceType, ...] = tuple(
    m.RESOURCE_TYPE
    for m in (
        sagemaker_model_package_group,
        codecommit_repository,
        iam_role,
        iam_managed_policy,
        codebuild_project,
        codepipeline_pipeline,
        ssm_parameter,
        s3_bucket,
        s3_bucket_policy,
        events_rule,
        cloudwatch_dashboard,
        kms_key,
        kms_alias,
        logs_log_group,
        sns_topic,
        sns_topic_policy,
        ec2_security_group,
        ec2_vpc_endpoint,
        iam_group,
    )
)

BY_CFN_TYPE: Mapping[str, ResourceType] = {t.cfn_type: t for t in RESOURCE_TYPES}
assert len(BY_CFN_TYPE) == len(RESOURCE_TYPES), "a type registered twice"


def resource_type(cfn_type: str) -> ResourceType:
    try:
        return BY_CFN_TYPE[cfn_type]
    except KeyError:
        raise KeyError(f"{cfn_type} is not a registered resource type") from None


def ml_types(tier: MlTier) -> tuple[ResourceType, ...]:
    """The types an ML stack of `tier` holds (tiers are cumulative)."""
    return tuple(t for t in RESOURCE_TYPES if t.ml_tier is not None and tier.includes(t.ml_tier))


def ml_plans(tier: MlTier, cfn_type: str) -> bool:
    introduced = resource_type(cfn_type).ml_tier
    return introduced is not None and tier.includes(introduced)


def sec_types() -> tuple[ResourceType, ...]:
    """The types sec-provisioner's stacks hold, in every SEC tier."""
    return tuple(t for t in RESOURCE_TYPES if t.sec)
