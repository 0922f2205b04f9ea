"""The least-privilege policy for the operator who deploys an ML use case.

The statements are the seed's (Sids and scoping kept, ml/operator_seed.py) and their actions
the seed's plus what CloudFormation's resource handlers need for create, read, update and
delete of every resource type the tier plans (the committed permissions table, routed to
their statements by each type's record: policy/handler_grants.py); tests prove it
sufficient, valid, scoped and within IAM's size limit. Where the seed differs from IAM, IAM
wins (see docs/operator-policy.md):

- `s3:PutBucketEncryption` is not an IAM action; the permission is `s3:PutEncryptionConfiguration`.
- `sagemaker:UpdateModelPackageGroup` is not an IAM action; it is dropped.
- `cloudformation:ValidateTemplate`, `sagemaker:CreateModelPackageGroup`' companions and other
  actions IAM cannot scope move to `*Unscoped` statements; `CreateModelPackageGroup` itself is
  scopable, so it moves to the scoped statement.
"""

from __future__ import annotations

from provisioner.config.ml import MlConfig
from provisioner.ml.operator_seed import seed_floor
from provisioner.naming.ml import TEST_SUFFIX_PATTERN, MlNames
from provisioner.naming.tenant import ML_BOUNDARY, TenantNames
from provisioner.policy.document import Condition, PolicyDocument, Statement, build_document
from provisioner.policy.guardrails import CLOUDFORMATION, pass_role, role_statements
from provisioner.policy.handler_grants import GrantedActions
from provisioner.policy.operator_common import CLOUDFORMATION_STACK_ACTIONS, cloudformation_unscoped
from provisioner.policy.unscopable import unscoped_statement
from provisioner.policy.variants import OperatorScope, Variant, operator_variant
from provisioner.resource_types.registry import ml_types

# The role of each type that passes one to its service (ML names roles by purpose); the
# SageMaker execution role is passed by the build at run time, never by the operator.
_PASSED_ROLE_PURPOSE = {
    "AWS::CodeBuild::Project": "build",
    "AWS::CodePipeline::Pipeline": "pipeline",
    "AWS::Events::Rule": "events",
}
# Beyond the seed and the handlers: delete removes the parameters its stack leaves behind,
# ten at a time (an API whose permission is not the seed's ssm:DeleteParameter).
_ENGINE_SSM_ACTIONS = ("ssm:DeleteParameters",)

# The bucket's test-deploy name is `{ml_name}-t` + 4 hex digits (see naming.ml).
_TEST_BUCKET_SUFFIX = "-t????"
assert TEST_SUFFIX_PATTERN.pattern == r"^t[0-9a-f]{4}$"


def _deployer(config: MlConfig) -> PolicyDocument:
    n = MlNames(config)
    account, ml = n.account, n.ml_name
    short = n.short_prefix
    planned = ml_types(config.tier)
    granted = GrantedActions(planned, lambda t: t.ml_grant, seed_floor())

    def regional(service: str, resource: str) -> str:
        return n.regional_arn(service, resource)

    def scoped(
        sid: str,
        resources: list[str],
        condition: Condition | None = None,
        extra: tuple[str, ...] = (),
    ) -> list[Statement]:
        """The statement `sid` with its types' actions, if the tier plans any of them."""
        actions = granted.take(sid)
        if actions and not resources:
            raise ValueError(f"{sid}: the config gives nothing to scope it to")
        return [Statement(sid, actions + extra, tuple(resources), condition)] if actions else []

    def unscoped(sid: str) -> list[Statement]:
        actions = granted.take(sid)
        return [unscoped_statement(sid, list(actions))] if actions else []

    tenant = TenantNames.of(config)

    def iam(resource: str) -> str:
        return n.iam_arn(resource)

    roles, own_policies = iam(f"role/{short}-*"), iam(f"policy/{short}-*")
    bucket_scopes = [n.artifacts_bucket, f"{ml}{_TEST_BUCKET_SUFFIX}"]
    network = config.network
    vpc_scope = (
        [
            regional("ec2", f"vpc/{network.vpc_id}"),
            *(regional("ec2", f"subnet/{s}") for s in network.subnet_ids),
            regional("ec2", "security-group/*"),
            regional("ec2", "security-group-rule/*"),
            regional("ec2", "vpc-endpoint/*"),
        ]
        if network is not None
        else []
    )

    statements = [
        Statement(
            "CloudFormationManagement",
            CLOUDFORMATION_STACK_ACTIONS,
            (regional("cloudformation", f"stack/{ml}-*"),),
        ),
        cloudformation_unscoped(),
        *unscoped("SageMakerUnscoped"),
        *scoped("SageMakerScoped", [regional("sagemaker", f"*/{ml}-*")]),
        *scoped("CodeCommitManagement", [regional("codecommit", f"{ml}-*")]),
        *unscoped("CodeCommitUnscoped"),
        *scoped("CodeBuildManagement", [regional("codebuild", f"project/{ml}-*")]),
        *scoped("CodePipelineManagement", [regional("codepipeline", f"{ml}-*")]),
        *scoped("IAMRoleManagement", [roles, own_policies]),
        # The seed's CreateRole, AttachRolePolicy, DetachRolePolicy and PassRole, and the
        # handlers' other role writes, only with the tenant's boundary, the tool's own
        # policies, and each role passed to its own service (policy/guardrails.py).
        *role_statements("IAM", [roles], tenant.boundary_arn(ML_BOUNDARY), [own_policies]),
        *(
            pass_role(
                f"IAMPassRoleTo{t.passes_role.service.split('.')[0].title()}",
                iam(f"role/{short}-*{_PASSED_ROLE_PURPOSE[t.cfn_type]}-role"),
                t.passes_role.service,
            )
            for t in planned
            if t.passes_role is not None
        ),
        *scoped(
            "SSMManageMlParameters",
            # GetParametersByPath is authorized on the path itself, which `/*` does not match.
            [regional("ssm", f"parameter/ml/{ml}"), regional("ssm", f"parameter/ml/{ml}/*")],
            extra=_ENGINE_SSM_ACTIONS,
        ),
        # deploy: the tenant's trust root and the owning team must exist (SEC's parameters)
        Statement(
            "SSMReadTenant",
            ("ssm:GetParametersByPath",),
            (
                regional("ssm", f"parameter{tenant.bootstrap_path}"),
                regional("ssm", f"parameter{tenant.team_path(config.team)}"),
            ),
        ),
        *scoped("S3ArtifactsBucketManagement", [n.s3_arn(b) for b in bucket_scopes]),
        *scoped("S3ArtifactsObjectCleanup", [n.s3_arn(f"{b}/*") for b in bucket_scopes]),
        *scoped("EventBridgeManagement", [regional("events", f"rule/{ml}-*")]),
        *scoped(
            "CloudWatchDashboardManagement",
            [n.partition.arn("cloudwatch", "", account, f"dashboard/{ml}-*")],
        ),
        *unscoped("KMSListAliases"),
        # A key has no name to scope by: it is this use case's by its tags, which it must
        # carry from its creation on (aws:RequestTag) and which every later call checks
        # (aws:ResourceTag). Creating and tagging need "*" (KMS checks TagResource on every
        # key); they are allowed only within a stack operation (aws:CalledVia), where
        # CloudFormation tags only keys of its own stack, and the operator policies deny
        # importing existing resources into a stack (DenyResourceImport) but the retained
        # types, whose import reads a key through KMSKeyManagement, by the tags it already
        # has; so no other key can be given this use case's tags.
        *scoped(
            "KMSKeyCreate",
            ["*"],
            {
                "StringEquals": _key_tags("aws:RequestTag", config),
                "ForAnyValue:StringEquals": {"aws:CalledVia": [CLOUDFORMATION]},
            },
        ),
        *scoped(
            "KMSKeyManagement",
            [regional("kms", "key/*")],
            {"StringEquals": _key_tags("aws:ResourceTag", config)},
        ),
        *scoped("KMSAliasManagement", [regional("kms", f"alias/{ml}*")]),
        *scoped("CloudWatchLogsManagement", [regional("logs", f"log-group:/ml/{ml}/*")]),
        *unscoped("CloudWatchLogsUnscoped"),
        *scoped("SNSManagement", [regional("sns", f"{ml}-*")]),
        *unscoped("VPCDescribe"),
        *scoped("VPCEndpointManagement", vpc_scope),
    ]
    granted.check_all_taken()
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
        # Production retains the data-bearing resources on delete; deploy adopts them again.
        adoptable_types=tuple(t.cfn_type for t in ml_types(config.tier) if t.adoption is not None)
        if config.is_prod
        else (),
    )


def operator_policy(config: MlConfig, variant: Variant = Variant.DEPLOYER) -> PolicyDocument:
    return operator_variant(operator_scope(config), variant)


def operator_policies(config: MlConfig) -> dict[Variant, PolicyDocument]:
    scope = operator_scope(config)
    return {v: operator_variant(scope, v) for v in Variant}
