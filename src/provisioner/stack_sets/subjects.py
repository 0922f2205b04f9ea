"""Each tool's config as a stack-set subject: for a self-managed set (roles.py) its stacks, its
role names, and its operator policy's scope moved to a target account and region; for a
service-managed one (service_managed_policy.py) its stacks' published templates."""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.config.deployment import CallAs, DeploymentConfig, PermissionModel
from provisioner.config.ml import MlConfig
from provisioner.config.sec import SecConfig
from provisioner.partition import partition_of
from provisioner.policy.variants import OperatorScope
from provisioner.stack_sets.names import StackSetRoleNames, test_stack_pattern
from provisioner.stack_sets.published import published_templates
from provisioner.stack_sets.roles import StackSetRolesProblem, StackSetSubject
from provisioner.stack_sets.service_managed_policy import ServiceManagedSubject


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
    # The artifacts bucket holds the account only if the section reaches other accounts than
    # the config's (naming/ml.py): decided for the config, not for the account it is moved
    # to, so the execution role names the bucket the set's template makes.
    reaches = deployment.reaches_other_accounts(config.account_id)

    def scope(account: str, region: str) -> OperatorScope:
        moved = {"account_id": account, "region": region}
        return operator_scope(
            config.model_copy(update=moved if reaches else {**moved, "deployment": None})
        )

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


def service_managed_subject(
    config: MlConfig | SecConfig,
    set_bodies: Mapping[str, str],
    canary_forms: Mapping[str, tuple[str, str]],
) -> ServiceManagedSubject:
    """The service-managed operator policy's subject for `config`, whose stacks' set templates
    (stack → body as its stack set deploys it) are published, with their test-deploy
    canary's (stack → its test stack and that one's neutral body)."""
    deployment = config.deployment
    if (
        deployment is None
        or deployment.permission_model is not PermissionModel.SERVICE_MANAGED
        or deployment.template_bucket is None  # validation requires it for service-managed
    ):
        raise StackSetRolesProblem("has no service-managed `deployment` section")
    if isinstance(config, MlConfig):
        from provisioner.ml.operator_policy import operator_scope as ml_scope

        def scope() -> OperatorScope:
            return ml_scope(config)
    else:
        from provisioner.sec.operator_policy import operator_scope as sec_scope

        def scope() -> OperatorScope:
            return sec_scope(config)

    partition = partition_of(config.region)
    return ServiceManagedSubject(
        partition=partition,
        account=config.account_id,
        home_region=config.region,
        delegated_admin=deployment.call_as_or_default is CallAs.DELEGATED_ADMIN,
        organizational_units=tuple(deployment.targets.organizational_units or ()),
        accounts=tuple(deployment.targets.accounts or ()),
        regions=tuple(deployment.region_order),
        published=published_templates(
            set_bodies, partition, config.region, deployment.template_bucket
        ),
        canary=published_templates(
            dict(canary_forms.values()), partition, config.region, deployment.template_bucket
        ),
        canary_account=deployment.canary_account,
        operator_scope=scope,
    )
