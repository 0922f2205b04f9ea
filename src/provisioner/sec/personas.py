"""The permission model: what each persona may do, scoped to its own team.

Team ownership is the `team` tag on SageMaker and CodePipeline resources (creation must carry
it: `aws:RequestTag/team`; later use requires it: `aws:ResourceTag/team`) and the bucket name
prefix `{prefix}-{env}-{tenant}-{region}-{team}--*` for data. Personas are cumulative:

- viewer: reads the team's registry, pipelines, jobs, endpoints and data. For reviewers,
  auditors, product owners: see everything of the team, change nothing.
- data-scientist: + runs training and processing jobs as the team's SageMaker execution role,
  registers model versions into the team's model package groups, writes the team's data. Cannot
  approve models or deploy endpoints: separation of duties between who builds a model and who
  releases it.
- ml-engineer: + approves model versions, manages SageMaker pipelines and endpoints, starts the
  team's CodePipelines. The release role.

Registering a model version (`CreateModelPackage`) is authorized on both the model package group
and the new model package: the group must carry the team's tag (`aws:ResourceTag/team`; a
condition on the request's tags alone would let any team register versions into another team's
group), see register_model_statements. Reading an ML use case's artifacts bucket
(`{ml_name}-artifacts`) is granted by the ML stack, not here: its name does not carry the team
and IAM cannot scope S3 objects by the bucket's `team` tag, so the bucket policy (and the
enterprise key policy) name the owning team's data-scientist and ml-engineer roles
(ml/context.py artifact_reader_arns); access_matrix.py evaluates it.
"""

from __future__ import annotations

from typing import Any

from provisioner.config.sec import Persona
from provisioner.naming.sec import SecNames
from provisioner.policy.statements import allow_statement

Statement = dict[str, Any]

_READ_SAGEMAKER = [
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
]
# List calls IAM cannot scope to a resource (the SEC boundary allows these same ones).
LIST_UNSCOPED = (
    "sagemaker:ListEndpoints",
    "sagemaker:ListModelPackageGroups",
    "sagemaker:ListModels",
    "sagemaker:ListPipelines",
    "sagemaker:ListProcessingJobs",
    "sagemaker:ListTrainingJobs",
)


_allow = allow_statement


def _own_buckets(names: SecNames) -> dict[str, Any]:
    """S3 ARNs hold no account and bucket names are global: a team's bucket pattern would
    match buckets of that name in any account. Only the tenant account's own."""
    return {"StringEquals": {"s3:ResourceAccount": names.account}}


def _team_tag(key: str, teams: list[str]) -> dict[str, Any]:
    value: Any = teams[0] if len(teams) == 1 else sorted(teams)
    return {"StringEquals": {f"{key}/team": value}}


def register_model_statements(names: SecNames, sid: str, team: str) -> list[Statement]:
    """CreateModelPackage into the team's model package groups only.

    IAM authorizes it on the group and on the new model package. The group must carry the
    team's tag: that is the gate. A version cannot carry tags of its own (CreateModelPackage
    refuses `Tags` with `ModelPackageGroupName`; versions take the group's tags), so the
    request has no `aws:RequestTag/team` and the model-package statement can only require it
    *if* tags are given (an unversioned package, which has no group to check).
    """
    return [
        _allow(
            f"{sid}Groups",
            ["sagemaker:CreateModelPackage"],
            names.regional_arn("sagemaker", "model-package-group/*"),
            _team_tag("aws:ResourceTag", [team]),
        ),
        _allow(
            f"{sid}Versions",
            ["sagemaker:CreateModelPackage"],
            names.regional_arn("sagemaker", "model-package/*"),
            {"StringEqualsIfExists": {"aws:RequestTag/team": team}},
        ),
    ]


def read_statements(names: SecNames, teams: list[str]) -> list[Statement]:
    sagemaker_any = names.regional_arn("sagemaker", "*")
    buckets = [names.s3_arn(names.team_data_bucket_pattern(t)) for t in sorted(teams)]
    return [
        _allow(
            "ReadTeamSageMaker", _READ_SAGEMAKER, sagemaker_any, _team_tag("aws:ResourceTag", teams)
        ),
        _allow("ListSageMaker", list(LIST_UNSCOPED), "*"),
        _allow(
            "ListTeamData", ["s3:GetBucketLocation", "s3:ListBucket"], buckets, _own_buckets(names)
        ),
        _allow(
            "ReadTeamData",
            ["s3:GetObject", "s3:GetObjectVersion"],
            [f"{b}/*" for b in buckets],
            _own_buckets(names),
        ),
        _allow(
            "ReadTeamReleasePipelines",
            ["codepipeline:GetPipeline", "codepipeline:GetPipelineState"],
            names.regional_arn("codepipeline", "*"),
            _team_tag("aws:ResourceTag", teams),
        ),
    ]


def persona_statements(names: SecNames, team: str, persona: Persona) -> list[Statement]:
    statements = read_statements(names, [team])
    if persona is Persona.VIEWER:
        return statements
    sagemaker_any = names.regional_arn("sagemaker", "*")
    bucket = names.s3_arn(names.team_data_bucket_pattern(team))
    statements += [
        _allow(
            "CreateTeamJobs",
            ["sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob"],
            sagemaker_any,
            _team_tag("aws:RequestTag", [team]),
        ),
        *register_model_statements(names, "RegisterTeamModel", team),
        _allow(
            "TagOnCreate",
            ["sagemaker:AddTags"],
            sagemaker_any,
            {
                "StringEquals": {
                    "aws:RequestTag/team": team,
                    "sagemaker:TaggingAction": [
                        "CreateModelPackage",
                        "CreateProcessingJob",
                        "CreateTrainingJob",
                        "CreatePipeline",
                        "CreateModel",
                        "CreateEndpointConfig",
                        "CreateEndpoint",
                    ],
                },
            },
        ),
        _allow(
            "ManageTeamJobs",
            ["sagemaker:StopProcessingJob", "sagemaker:StopTrainingJob"],
            sagemaker_any,
            _team_tag("aws:ResourceTag", [team]),
        ),
        _allow(
            "WriteTeamData",
            ["s3:DeleteObject", "s3:PutObject"],
            f"{bucket}/*",
            _own_buckets(names),
        ),
        _allow(
            "PassTeamExecutionRole",
            ["iam:PassRole"],
            names.iam_arn(f"role/{names.execution_role(team)}"),
            {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
    ]
    if persona is Persona.DATA_SCIENTIST:
        return statements
    statements += [
        _allow(
            "CreateTeamReleases",
            [
                "sagemaker:CreateEndpoint",
                "sagemaker:CreateEndpointConfig",
                "sagemaker:CreateModel",
                "sagemaker:CreatePipeline",
            ],
            sagemaker_any,
            _team_tag("aws:RequestTag", [team]),
        ),
        _allow(
            "ManageTeamReleases",
            [
                "sagemaker:DeleteEndpoint",
                "sagemaker:DeleteEndpointConfig",
                "sagemaker:DeleteModel",
                "sagemaker:DeletePipeline",
                "sagemaker:StartPipelineExecution",
                "sagemaker:StopPipelineExecution",
                "sagemaker:UpdateEndpoint",
                "sagemaker:UpdateModelPackage",
                "sagemaker:UpdatePipeline",
            ],
            sagemaker_any,
            _team_tag("aws:ResourceTag", [team]),
        ),
        _allow(
            "RunTeamReleasePipelines",
            ["codepipeline:StartPipelineExecution"],
            names.regional_arn("codepipeline", "*"),
            _team_tag("aws:ResourceTag", [team]),
        ),
    ]
    return statements


def execution_role_statements(names: SecNames, team: str) -> list[Statement]:
    """What the team's SageMaker jobs may do: the team's data, logs, images, registry."""
    bucket = names.s3_arn(names.team_data_bucket_pattern(team))
    return [
        _allow(
            "TeamDataBuckets",
            ["s3:GetBucketLocation", "s3:ListBucket"],
            bucket,
            _own_buckets(names),
        ),
        _allow(
            "TeamDataObjects", ["s3:GetObject", "s3:PutObject"], f"{bucket}/*", _own_buckets(names)
        ),
        _allow(
            "JobLogs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            names.regional_arn("logs", "log-group:/aws/sagemaker/*"),
        ),
        _allow(
            "JobMetrics",
            ["cloudwatch:PutMetricData"],
            "*",
            {"StringEquals": {"cloudwatch:namespace": "/aws/sagemaker/TrainingJobs"}},
        ),
        _allow("PullImagesToken", ["ecr:GetAuthorizationToken"], "*"),
        _allow(
            "PullImages",
            [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
            ],
            names.partition.arn("ecr", names.region, "*", "repository/*"),
        ),
        *register_model_statements(names, "RegisterTeamModel", team),
    ]


def document(statements: list[Statement]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}
