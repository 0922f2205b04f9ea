"""The least-privilege policy for the operator who deploys an ML use case.

Starts from the seed's statements (Sids and scoping kept) and adds what CloudFormation's
resource handlers need for create, read, update and delete of every resource in the stack;
tests prove it sufficient, valid, scoped and within IAM's size limit. Where the seed differs
from IAM, IAM wins (see docs/operator-policy.md):

- `s3:PutBucketEncryption` is not an IAM action; the permission is `s3:PutEncryptionConfiguration`.
- `sagemaker:UpdateModelPackageGroup` is not an IAM action; it is dropped.
- `cloudformation:ValidateTemplate`, `sagemaker:CreateModelPackageGroup`' companions and other
  actions IAM cannot scope move to `*Unscoped` statements; `CreateModelPackageGroup` itself is
  scopable, so it moves to the scoped statement.
"""

from __future__ import annotations

from provisioner.config.ml import MlConfig, MlTier
from provisioner.naming.ml import TEST_SUFFIX_PATTERN, MlNames
from provisioner.naming.tenant import ML_BOUNDARY, TenantNames
from provisioner.policy.document import PolicyDocument, Statement, build_document
from provisioner.policy.guardrails import CLOUDFORMATION, pass_role, role_statements
from provisioner.policy.operator_common import (
    CLOUDFORMATION_STACK_ACTIONS,
    SSM_PARAMETER_ACTIONS,
    cloudformation_unscoped,
)
from provisioner.policy.unscopable import unscoped_statement
from provisioner.policy.variants import OperatorScope, Variant, operator_variant

# The roles CloudFormation passes to a service: the build project's, the pipeline's and the
# EventBridge rules' (professional+). The SageMaker execution role is passed by the build at run
# time, never by the operator.
_PASSED_ROLES = (("build", "codebuild"), ("pipeline", "codepipeline"), ("events", "events"))
_PASSED_ROLE_TIER = {"events": MlTier.PROFESSIONAL}

# The bucket's test-deploy name is `{ml_name}-t` + 4 hex digits (see naming.ml).
_TEST_BUCKET_SUFFIX = "-t????"
assert TEST_SUFFIX_PATTERN.pattern == r"^t[0-9a-f]{4}$"


def _s(sid: str, actions: list[str], resources: list[str]) -> Statement:
    return Statement(sid, tuple(actions), tuple(resources))


def _deployer(config: MlConfig) -> PolicyDocument:
    n = MlNames(config)
    account, ml = n.account, n.ml_name
    short = n.short_prefix
    tier = config.tier

    def regional(service: str, resource: str) -> str:
        return n.regional_arn(service, resource)

    tenant = TenantNames.of(config)

    def iam(resource: str) -> str:
        return n.iam_arn(resource)

    roles, own_policies = iam(f"role/{short}-*"), iam(f"policy/{short}-*")

    statements = [
        _s(
            "CloudFormationManagement",
            list(CLOUDFORMATION_STACK_ACTIONS),
            [regional("cloudformation", f"stack/{ml}-*")],
        ),
        cloudformation_unscoped(),
        unscoped_statement("SageMakerUnscoped", ["sagemaker:ListModelPackageGroups"]),
        _s(
            "SageMakerScoped",
            [
                "sagemaker:CreateModelPackageGroup",
                "sagemaker:DeleteModelPackageGroup",
                "sagemaker:DescribeModelPackageGroup",
                # handler: group policy and tags on create/read/update/delete
                "sagemaker:GetModelPackageGroupPolicy",
                "sagemaker:PutModelPackageGroupPolicy",
                "sagemaker:DeleteModelPackageGroupPolicy",
                "sagemaker:AddTags",
                "sagemaker:DeleteTags",
                "sagemaker:ListTags",
            ],
            [regional("sagemaker", f"*/{ml}-*")],
        ),
        _s(
            "CodeCommitManagement",
            [
                "codecommit:CreateRepository",
                "codecommit:DeleteRepository",
                "codecommit:GetRepository",
                "codecommit:TagResource",
                # handler: read and update
                "codecommit:UntagResource",
                "codecommit:ListTagsForResource",
                "codecommit:GetRepositoryTriggers",
                "codecommit:PutRepositoryTriggers",
                "codecommit:UpdateRepositoryDescription",
                "codecommit:UpdateRepositoryName",
            ],
            [regional("codecommit", f"{ml}-*")],
        ),
        unscoped_statement("CodeCommitUnscoped", ["codecommit:ListRepositories"]),
        _s(
            "CodeBuildManagement",
            [
                "codebuild:CreateProject",
                "codebuild:DeleteProject",
                "codebuild:UpdateProject",
                "codebuild:BatchGetProjects",
            ],
            [regional("codebuild", f"project/{ml}-*")],
        ),
        _s(
            "CodePipelineManagement",
            [
                "codepipeline:CreatePipeline",
                "codepipeline:DeletePipeline",
                "codepipeline:UpdatePipeline",
                "codepipeline:GetPipeline",
                "codepipeline:GetPipelineState",
                "codepipeline:StartPipelineExecution",
                # handler: stage transitions and tags
                "codepipeline:DisableStageTransition",
                "codepipeline:EnableStageTransition",
                "codepipeline:TagResource",
                "codepipeline:UntagResource",
                "codepipeline:ListTagsForResource",
            ],
            [regional("codepipeline", f"{ml}-*")],
        ),
        _s(
            "IAMRoleManagement",
            [
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:CreatePolicy",
                "iam:DeletePolicy",
                "iam:GetPolicy",
                "iam:TagRole",
                "iam:TagPolicy",
                # role handler: delete needs these lists; update changes the description
                "iam:ListAttachedRolePolicies",
                "iam:ListRolePolicies",
                "iam:GetRolePolicy",
                "iam:UntagRole",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
                # managed-policy handler: versions on update, attachments on delete
                "iam:GetPolicyVersion",
                "iam:ListPolicyVersions",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:ListEntitiesForPolicy",
                "iam:UntagPolicy",
            ],
            [roles, own_policies],
        ),
        # The seed's CreateRole, AttachRolePolicy, DetachRolePolicy and PassRole, and the
        # handlers' other role writes, only with the tenant's boundary, the tool's own
        # policies, and each role passed to its own service (policy/guardrails.py).
        *role_statements("IAM", [roles], tenant.boundary_arn(ML_BOUNDARY), [own_policies]),
        *(
            pass_role(
                f"IAMPassRoleTo{service.title()}",
                iam(f"role/{short}-*{purpose}-role"),
                f"{service}.amazonaws.com",
            )
            for purpose, service in _PASSED_ROLES
            if tier.includes(_PASSED_ROLE_TIER.get(purpose, MlTier.STARTER))
        ),
        _s(
            "SSMManageMlParameters",
            list(SSM_PARAMETER_ACTIONS),
            # GetParametersByPath is authorized on the path itself, which `/*` does not match.
            [regional("ssm", f"parameter/ml/{ml}"), regional("ssm", f"parameter/ml/{ml}/*")],
        ),
        # deploy: the tenant's trust root and the owning team must exist (SEC's parameters)
        _s(
            "SSMReadTenant",
            ["ssm:GetParametersByPath"],
            [
                regional("ssm", f"parameter{tenant.bootstrap_path}"),
                regional("ssm", f"parameter{tenant.team_path(config.team)}"),
            ],
        ),
    ]

    if tier.includes(MlTier.PROFESSIONAL):
        statements += [
            _s(
                "S3ArtifactsBucketManagement",
                [
                    "s3:CreateBucket",
                    "s3:DeleteBucket",
                    "s3:GetBucketVersioning",
                    "s3:PutBucketVersioning",
                    "s3:PutEncryptionConfiguration",
                    "s3:PutBucketPublicAccessBlock",
                    "s3:PutBucketTagging",
                    # handler: create/delete checks, tagging, the TLS-only bucket policy
                    "s3:ListBucket",
                    "s3:GetBucketAcl",
                    "s3:TagResource",
                    "s3:UntagResource",
                    "s3:GetBucketPolicy",
                    "s3:PutBucketPolicy",
                    "s3:DeleteBucketPolicy",
                    # handler: read (drift detection, updates) of every bucket setting
                    "s3:GetAccelerateConfiguration",
                    "s3:GetLifecycleConfiguration",
                    "s3:GetBucketPublicAccessBlock",
                    "s3:GetAnalyticsConfiguration",
                    "s3:GetBucketCORS",
                    "s3:GetEncryptionConfiguration",
                    "s3:GetInventoryConfiguration",
                    "s3:GetBucketLogging",
                    "s3:GetMetricsConfiguration",
                    "s3:GetBucketNotification",
                    "s3:GetReplicationConfiguration",
                    "s3:GetBucketWebsite",
                    "s3:GetBucketObjectLockConfiguration",
                    "s3:GetBucketTagging",
                    "s3:ListTagsForResource",
                    "s3:GetBucketAbac",
                    "s3:GetBucketOwnershipControls",
                    "s3:GetIntelligentTieringConfiguration",
                    "s3:GetBucketMetadataTableConfiguration",
                ],
                [n.s3_arn(n.artifacts_bucket), n.s3_arn(f"{ml}{_TEST_BUCKET_SUFFIX}")],
            ),
            # handler: the bucket handler deletes objects (e.g. cleaning up a failed create)
            _s(
                "S3ArtifactsObjectCleanup",
                ["s3:DeleteObject"],
                [
                    n.s3_arn(f"{n.artifacts_bucket}/*"),
                    n.s3_arn(f"{ml}{_TEST_BUCKET_SUFFIX}/*"),
                ],
            ),
            _s(
                "EventBridgeManagement",
                [
                    "events:PutRule",
                    "events:DeleteRule",
                    "events:DescribeRule",
                    "events:PutTargets",
                    "events:RemoveTargets",
                    "events:TagResource",
                    # handler: read and update
                    "events:ListTargetsByRule",
                    "events:ListTagsForResource",
                    "events:UntagResource",
                ],
                [regional("events", f"rule/{ml}-*")],
            ),
            _s(
                "CloudWatchDashboardManagement",
                [
                    "cloudwatch:PutDashboard",
                    "cloudwatch:DeleteDashboards",
                    "cloudwatch:GetDashboard",
                    # handler: tags
                    "cloudwatch:TagResource",
                    "cloudwatch:UntagResource",
                    "cloudwatch:ListTagsForResource",
                ],
                [n.partition.arn("cloudwatch", "", account, f"dashboard/{ml}-*")],
            ),
        ]

    if tier.includes(MlTier.ENTERPRISE):
        network = config.network
        assert network is not None
        statements += [
            unscoped_statement("KMSListAliases", ["kms:ListAliases"]),
            # A key has no name to scope by: it is this use case's by its tags, which it must
            # carry from its creation on (aws:RequestTag) and which every later call checks
            # (aws:ResourceTag). Creating and tagging need "*" (KMS checks TagResource on every
            # key); they are allowed only within a stack operation (aws:CalledVia), where
            # CloudFormation tags only keys of its own stack, and the operator policies deny
            # importing existing resources into a stack (DenyResourceImport), so no other key
            # can be given this use case's tags.
            Statement(
                "KMSKeyCreate",
                ("kms:CreateKey", "kms:TagResource"),
                ("*",),
                {
                    "StringEquals": _key_tags("aws:RequestTag", config),
                    "ForAnyValue:StringEquals": {"aws:CalledVia": [CLOUDFORMATION]},
                },
            ),
            Statement(
                "KMSKeyManagement",
                (
                    "kms:DescribeKey",
                    "kms:EnableKeyRotation",
                    "kms:ScheduleKeyDeletion",
                    "kms:CreateAlias",
                    "kms:DeleteAlias",
                    "kms:TagResource",
                    # handler: key policy, rotation status, tags, enable/disable, alias update
                    "kms:PutKeyPolicy",
                    "kms:GetKeyPolicy",
                    "kms:GetKeyRotationStatus",
                    "kms:ListResourceTags",
                    "kms:UntagResource",
                    "kms:DisableKey",
                    "kms:EnableKey",
                    "kms:DisableKeyRotation",
                    "kms:UpdateKeyDescription",
                    "kms:UpdateAlias",
                ),
                (regional("kms", "key/*"),),
                {"StringEquals": _key_tags("aws:ResourceTag", config)},
            ),
            _s(
                "KMSAliasManagement",
                ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
                [regional("kms", f"alias/{ml}*")],
            ),
            _s(
                "CloudWatchLogsManagement",
                [
                    "logs:CreateLogGroup",
                    "logs:DeleteLogGroup",
                    "logs:PutRetentionPolicy",
                    "logs:TagLogGroup",
                    # handler: tags, the KMS key, retention, data-protection reads
                    "logs:TagResource",
                    "logs:UntagResource",
                    "logs:ListTagsForResource",
                    "logs:AssociateKmsKey",
                    "logs:DisassociateKmsKey",
                    "logs:DeleteRetentionPolicy",
                    "logs:GetDataProtectionPolicy",
                    "logs:DeleteDataProtectionPolicy",
                ],
                [regional("logs", f"log-group:/ml/{ml}/*")],
            ),
            unscoped_statement(
                "CloudWatchLogsUnscoped",
                [
                    "logs:DescribeLogGroups",
                    "logs:DescribeResourcePolicies",
                    "logs:DescribeIndexPolicies",
                ],
            ),
            _s(
                "SNSManagement",
                [
                    "sns:CreateTopic",
                    "sns:DeleteTopic",
                    "sns:GetTopicAttributes",
                    "sns:Subscribe",
                    "sns:Unsubscribe",
                    "sns:TagResource",
                    # handler: attributes (KMS key, topic policy), tags, subscriptions
                    "sns:SetTopicAttributes",
                    "sns:UntagResource",
                    "sns:ListTagsForResource",
                    "sns:ListSubscriptionsByTopic",
                    "sns:GetDataProtectionPolicy",
                ],
                [regional("sns", f"{ml}-*")],
            ),
            unscoped_statement(
                "VPCDescribe",
                [
                    "ec2:DescribeVpcEndpoints",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeInstances",
                ],
            ),
            _s(
                "VPCEndpointManagement",
                [
                    "ec2:CreateVpcEndpoint",
                    "ec2:DeleteVpcEndpoints",
                    "ec2:ModifyVpcEndpoint",
                    "ec2:CreateSecurityGroup",
                    "ec2:DeleteSecurityGroup",
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:CreateTags",
                    # handler: replacing the default egress rule, updates, tag removal
                    "ec2:RevokeSecurityGroupEgress",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
                    "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
                    "ec2:DeleteTags",
                ],
                [
                    regional("ec2", f"vpc/{network.vpc_id}"),
                    *(regional("ec2", f"subnet/{s}") for s in network.subnet_ids),
                    regional("ec2", "security-group/*"),
                    regional("ec2", "security-group-rule/*"),
                    regional("ec2", "vpc-endpoint/*"),
                ],
            ),
        ]

    return build_document(statements)


def _key_tags(key: str, config: MlConfig) -> dict[str, str]:
    """The tags that make a KMS key this use case's (ml/context.py sets them on the key)."""
    return {
        f"{key}/company": config.company_prefix,
        f"{key}/env": config.env,
        f"{key}/tenant": config.tenant_id,
        f"{key}/use-case": config.use_case,
    }


def operator_scope(config: MlConfig) -> OperatorScope:
    n = MlNames(config)
    return OperatorScope(
        tenant=TenantNames.of(config),
        production=config.is_prod,
        deployer=_deployer(config).statements,
        stack_statement="CloudFormationManagement",
        live_stacks=(n.regional_arn("cloudformation", f"stack/{n.stack}/*"),),
    )


def operator_policy(config: MlConfig, variant: Variant = Variant.DEPLOYER) -> PolicyDocument:
    return operator_variant(operator_scope(config), variant)


def operator_policies(config: MlConfig) -> dict[Variant, PolicyDocument]:
    scope = operator_scope(config)
    return {v: operator_variant(scope, v) for v in Variant}
