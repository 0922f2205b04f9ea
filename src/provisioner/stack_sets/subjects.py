"""Each tool's config as a stack-set subject (roles.py): its stacks, its role names, and its
operator policy's scope moved to a target account and region."""

from __future__ import annotations

from provisioner.config.deployment import DeploymentConfig, PermissionModel
from provisioner.config.ml import MlConfig
from provisioner.config.sec import SecConfig
from provisioner.partition import partition_of
from provisioner.policy.variants import OperatorScope
from provisioner.stack_sets.names import StackSetRoleNames, test_stack_pattern
from provisioner.stack_sets.roles import StackSetRolesProblem, StackSetSubject


def _self_managed(deployment: DeploymentConfig | None) -> DeploymentConfig:
    if deployment is None:
        raise StackSetRolesProblem(
            "has no `deployment` section: the stack-set roles are for a config that deploys "
            "through a self-managed stack set"
        )
    if deployment.permission_model is not PermissionModel.SELF_MANAGED:
        raise StackSetRolesProblem(
            "deployment.permission_model is service-managed: CloudFormation makes that model's "
            "roles itself through AWS Organizations; the tool writes roles for self-managed "
            "stack sets only"
        )
    return deployment


def ml_subject(config: MlConfig) -> StackSetSubject:
    from provisioner.ml.operator_policy import operator_scope
    from provisioner.ml.plan import plan_stack
    from provisioner.naming.ml import WIDEST_TEST_SUFFIX, MlNames

    deployment = _self_managed(config.deployment)
    names = MlNames(config)

    def scope(account: str, region: str) -> OperatorScope:
        return operator_scope(config.model_copy(update={"account_id": account, "region": region}))

    return StackSetSubject(
        partition=partition_of(config.region),
        administration_account=config.account_id,
        home_region=config.region,
        target_accounts=tuple(deployment.targets.accounts or ()),
        regions=tuple(deployment.region_order),
        stacks=(names.stack,),
        test_stacks=(
            test_stack_pattern(
                [plan_stack(config, WIDEST_TEST_SUFFIX).stack_name], WIDEST_TEST_SUFFIX
            ),
        ),
        names=StackSetRoleNames(
            administration_role=names.role("ss-admin"),
            execution_role=names.role("ss-exec"),
            execution_policy_stem=f"{names.iam_base}-ss-exec",
        ),
        operator_scope=scope,
    )


def sec_subject(config: SecConfig) -> StackSetSubject:
    from provisioner.naming.ml import WIDEST_TEST_SUFFIX
    from provisioner.naming.sec import tenant_prefix
    from provisioner.sec.operator_policy import operator_scope
    from provisioner.sec.plan import plan_stacks

    deployment = _self_managed(config.deployment)
    tenant = tenant_prefix(config)

    def scope(account: str, region: str) -> OperatorScope:
        return operator_scope(config.model_copy(update={"account_id": account, "region": region}))

    return StackSetSubject(
        partition=partition_of(config.region),
        administration_account=config.account_id,
        home_region=config.region,
        target_accounts=tuple(deployment.targets.accounts or ()),
        regions=tuple(deployment.region_order),
        stacks=tuple(p.stack_name for p in plan_stacks(config)),
        test_stacks=(
            test_stack_pattern(
                [p.stack_name for p in plan_stacks(config, WIDEST_TEST_SUFFIX)], WIDEST_TEST_SUFFIX
            ),
        ),
        names=StackSetRoleNames(
            administration_role=f"{tenant}-role-stackset-admin",
            execution_role=f"{tenant}-role-stackset-exec",
            execution_policy_stem=f"{tenant}-policy-stackset-exec",
        ),
        operator_scope=scope,
        template_bucket=config.template_bucket,
    )
