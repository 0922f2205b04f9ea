"""The least-privilege policy for the operator who deploys a tenant's SEC stacks.

The seed's five statements with their Sids and resource patterns (sec/operator_seed.py; the two
S3 ones only for medium and enterprise, which upload templates); their actions the seed's plus
what CloudFormation's IAM and SSM handlers need (the committed permissions table, routed by
each type's record: policy/handler_grants.py). Actions IAM cannot scope move to `*Unscoped`
statements (see docs/operator-policy.md).
"""

from __future__ import annotations

from provisioner.config.sec import SecConfig, SecTier
from provisioner.naming.sec import regional_prefix, tenant_prefix
from provisioner.naming.tenant import SEC_BOUNDARY, TenantNames
from provisioner.policy.document import PolicyDocument, Statement, build_document
from provisioner.policy.guardrails import pass_role, role_statements
from provisioner.policy.handler_grants import GrantedActions
from provisioner.policy.operator_common import CLOUDFORMATION_STACK_ACTIONS, cloudformation_unscoped
from provisioner.policy.unscopable import unscoped_statement
from provisioner.policy.variants import OperatorScope, Variant, operator_variant
from provisioner.resource_types.registry import sec_types
from provisioner.sec.operator_seed import SEED_STATEMENTS

SAGEMAKER = "sagemaker.amazonaws.com"
# Beyond the seed and the handlers: delete removes the parameters its stacks leave behind,
# ten at a time (an API whose permission is not the seed's ssm:DeleteParameter).
_ENGINE_SSM_ACTIONS = ("ssm:DeleteParameters",)


def _deployer(config: SecConfig) -> PolicyDocument:
    tenant_p, regional = tenant_prefix(config), regional_prefix(config)
    tenant = TenantNames.of(config)
    partition, iam = tenant.partition, tenant.iam_arn
    roles = [iam(f"role/{tenant_p}-role-*"), iam(f"role/{tenant_p}-xacct-*")]
    own_policies = iam(f"policy/{tenant_p}-policy-*")
    granted = GrantedActions(sec_types(), lambda t: t.sec_grant, SEED_STATEMENTS)
    statements = [
        Statement(
            "IAMManagement",
            granted.take("IAMManagement"),
            (iam(f"group/{tenant_p}-group-*"), *roles, own_policies),
        ),
        # The seed's CreateRole, Attach/DetachRolePolicy, Put/DeleteRolePolicy and the
        # handlers' other role writes only with the tenant's boundary and the tool's own
        # policies; PassRole only of a team's execution role, to SageMaker
        # (policy/guardrails.py).
        *role_statements("IAM", roles, tenant.boundary_arn(SEC_BOUNDARY), [own_policies]),
        pass_role("IAMPassExecutionRoles", iam(f"role/{tenant_p}-role-*-sagemaker"), SAGEMAKER),
        # The seed lists these in IAMManagement; IAM defines no resource for them.
        unscoped_statement("IAMUnscoped", list(granted.take("IAMUnscoped"))),
        Statement(
            "CloudFormationManagement",
            CLOUDFORMATION_STACK_ACTIONS,
            (tenant.regional_arn("cloudformation", f"stack/{regional}-*-sec-stack/*"),),
        ),
        cloudformation_unscoped(),
    ]
    if config.tier is not SecTier.SMALL:
        statements += [
            Statement(
                "S3TemplateAccess",
                SEED_STATEMENTS["S3TemplateAccess"],
                (partition.s3_arn(f"{regional}-*/templates/*"),),
            ),
            Statement(
                "S3BucketList",
                SEED_STATEMENTS["S3BucketList"],
                (partition.s3_arn(f"{regional}-*"),),
            ),
        ]
    statements.append(
        Statement(
            "SSMParameterManagement",
            granted.take("SSMParameterManagement") + _ENGINE_SSM_ACTIONS,
            # GetParametersByPath is authorized on the path itself, which `/*` does not match.
            (
                tenant.ssm_arn(f"/security/{regional}"),
                tenant.ssm_arn(f"/security/{regional}/*"),
            ),
        )
    )
    granted.check_all_taken()
    return build_document(statements)


def operator_scope(config: SecConfig) -> OperatorScope:
    regional = regional_prefix(config)
    stacks = TenantNames.of(config).regional_arn("cloudformation", "stack")
    return OperatorScope(
        tenant=TenantNames.of(config),
        production=config.is_prod,
        deployer=_deployer(config).statements,
        stack_statement="CloudFormationManagement",
        live_stacks=(
            f"{stacks}/{regional}-teams-*-sec-stack/*",
            f"{stacks}/{regional}-xacct*-sec-stack/*",
        ),
        review_statements=("S3TemplateAccess", "S3BucketList"),
    )


def operator_policy(config: SecConfig, variant: Variant = Variant.DEPLOYER) -> PolicyDocument:
    return operator_variant(operator_scope(config), variant)


def operator_policies(config: SecConfig) -> dict[Variant, PolicyDocument]:
    scope = operator_scope(config)
    return {v: operator_variant(scope, v) for v in Variant}
