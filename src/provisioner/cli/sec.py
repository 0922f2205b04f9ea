"""sec-provisioner: what is its own in the shared shell (shell.py) — a tenant's ML-team IAM:
its local actions, the bootstrap, and what its AWS actions deploy."""

from __future__ import annotations

from provisioner.bootstrap.admin_policy import bootstrap_policy
from provisioner.cli import local_actions
from provisioner.cli.aws_actions import aws_action_specs
from provisioner.cli.image_tier import check_sec_config
from provisioner.cli.invocation import Invocation
from provisioner.cli.local_actions import (
    policy_summary,
    stack_summaries,
    template_key,
    write_policies,
    write_report,
    write_templates,
)
from provisioner.cli.shell import actions_of, make_main
from provisioner.cli.stack_set_roles import write_stack_set_roles
from provisioner.cli.stack_sets import (
    Regional,
    bootstrap_targets,
    canary_forms,
    planned_templates_of,
    published_test_suffix,
    stack_set_deployment,
    stack_set_forms,
    stack_set_policies,
    stack_set_policy_stem,
)
from provisioner.cli.tool import ActionSpec, Outcome
from provisioner.cli.wrong_tool import load_or_name_the_tool
from provisioner.config.sec import SecConfig
from provisioner.config.sec_loader import load_sec_config
from provisioner.deploy.target import DeployTarget, Prerequisite, StackTemplate
from provisioner.errors import InputError
from provisioner.files import resolve_config_path
from provisioner.naming.ml import TEST_SUFFIX_PATTERN
from provisioner.naming.sec import SecNames, config_file_stem
from provisioner.naming.tenant import TenantNames
from provisioner.policy.files import variant_file_stem
from provisioner.results.base import Result
from provisioner.results.deploy import DeployResult
from provisioner.results.deployment import summary_of
from provisioner.results.policies import PoliciesWritten
from provisioner.results.report_files import ReportWritten
from provisioner.results.resources import ResourceList
from provisioner.results.stack_set_roles import StackSetRolesWritten
from provisioner.results.templates import TemplatesWritten
from provisioner.results.validate import SecValidation
from provisioner.sec.operator_policy import operator_policies, operator_policy
from provisioner.sec.plan import plan_stacks
from provisioner.sec.plan_checks import SecPlan, checked_plan, spanned_tenants
from provisioner.stack_sets.service_managed_policy import ServiceManagedSubject

PROG = "sec-provisioner"
DESCRIPTION = "Provision the IAM groups, roles and policies of a tenant's ML teams."


def _load_and_plan(inv: Invocation) -> SecPlan:
    """Load the config once, plan it once, and check the plan (sec/plan_checks.py)."""
    from provisioner.config.ml import MlConfig

    path = resolve_config_path(inv.config, inv.cwd)
    config = load_or_name_the_tool(
        path, load_sec_config, SecConfig, MlConfig, "ml-provisioner", inv.config
    )
    check_sec_config(config, inv.env, inv.config)  # a tier image takes its tier and below
    return checked_plan(config, str(path))


def validate(inv: Invocation) -> SecValidation:
    plan = _load_and_plan(inv)
    config = plan.config
    return SecValidation(
        tier=config.tier.value,
        teams=len(config.teams),
        max_teams=config.tier.max_teams,
        trusted_accounts=len(config.trusted_accounts),
        max_trusted_accounts=config.tier.max_trusted_accounts,
        stacks=stack_summaries(plan.stacks),
        policy=policy_summary(operator_policy(config)),
        deployment=summary_of(
            config.deployment,
            config.account_id,
            config.region,
            planned_templates_of(config.deployment, config.region, plan.stacks, _regional(config)),
        ),
    )


def create_template(inv: Invocation) -> TemplatesWritten:
    plan = _load_and_plan(inv)
    config = plan.config
    forms = stack_set_forms(
        config.deployment, config.account_id, config.region, plan.stacks, _regional(config)
    )
    stem = config_file_stem(config)
    publish = config.deployment.template_bucket if config.deployment else None
    return write_templates(
        inv, stem, plan.stacks, config.template_bucket, forms, publish, _canaries(plan)
    )


def _service_managed_subject(plan: SecPlan) -> ServiceManagedSubject | None:
    """The service-managed stack-set operator policy's subject: the set templates and the
    canary's forms it pins; None when the section cannot be deployed."""
    from provisioner.stack_sets.subjects import service_managed_subject

    config = plan.config
    forms = stack_set_forms(
        config.deployment, config.account_id, config.region, plan.stacks, _regional(config)
    )
    if forms is None:
        return None
    return service_managed_subject(config, forms, _canaries(plan) or {})


def _canaries(plan: SecPlan) -> dict[str, tuple[str, str]] | None:
    """A service-managed set's canary forms (live stack → test stack and its neutral body),
    where it names the canary's account (test-deploy runs only then)."""
    config = plan.config
    account, region = config.account_id, config.region
    suffix = published_test_suffix(config.deployment, account, region, plan.stacks)
    if suffix is None or config.deployment is None or config.deployment.canary_account is None:
        return None
    return canary_forms(account, region, plan.stacks, plan_stacks(config, suffix))


def export_iam_policy(inv: Invocation) -> PoliciesWritten:
    """The operator's policy in its four variants, and the bootstrap administrator's."""
    plan = _load_and_plan(inv)
    config = plan.config
    stem = config_file_stem(config)
    policies = {
        variant_file_stem(stem, variant): policy
        for variant, policy in operator_policies(config).items()
    }
    tenant = TenantNames.of(config)
    policies[f"{tenant.config_stem}-iam-policy"] = bootstrap_policy(tenant, config.is_prod)
    from provisioner.stack_sets.subjects import sec_subject

    policies |= stack_set_policies(
        stem,
        config.deployment,
        lambda: sec_subject(config),
        lambda: _service_managed_subject(plan),
    )
    optional = (stack_set_policy_stem(stem),)
    return write_policies(inv, policies, config.tier.value, optional)


def create_report(inv: Invocation) -> ReportWritten:
    plan = _load_and_plan(inv)
    from provisioner.report.sec_report import render_sec_report

    report = render_sec_report(plan.config, plan.stacks)
    return write_report(inv, config_file_stem(plan.config), *report)


def list_resources(inv: Invocation) -> ResourceList:
    return local_actions.list_resources(_load_and_plan(inv).stacks)


def create_stackset_roles(inv: Invocation) -> StackSetRolesWritten:
    """A self-managed stack set's administration and execution role templates."""
    from provisioner.stack_sets.subjects import sec_subject

    config = _load_and_plan(inv).config
    return write_stack_set_roles(inv, config_file_stem(config), lambda: sec_subject(config))


def _target(inv: Invocation, suffix: str | None) -> DeployTarget:
    checked = _load_and_plan(inv)
    config = checked.config
    from provisioner.stack_sets.subjects import sec_subject

    stacks = []
    if suffix is not None:  # a service-managed canary's is its published templates'
        suffix = (
            published_test_suffix(
                config.deployment, config.account_id, config.region, checked.stacks
            )
            or suffix
        )
    # A test-deploy's own suffix gives its own names: that form is planned for it alone.
    for plan in checked.stacks if suffix is None else plan_stacks(config, suffix):
        body = plan.render()
        upload = None
        if plan.needs_template_url:
            if config.template_bucket is None:  # validation requires it above the small tier
                raise InputError(inv.config, f"{plan.stack_name} needs template_bucket")
            upload = (config.template_bucket, template_key(body))
        stacks.append(StackTemplate(plan.stack_name, body, upload))
    via = stack_set_deployment(
        inv, config.deployment, lambda: sec_subject(config), config.account_id, config.region,
        tuple(stacks), _regional(config, suffix), config.template_bucket,
    )  # fmt: skip
    return DeployTarget(
        tool=PROG,
        config_stem=config_file_stem(config),
        region=config.region,
        stacks=tuple(stacks) if via is None else via.stacks,
        ssm_path=SecNames(config, suffix).ssm_root,
        production=config.env == "prod" and suffix is None,
        account_id=config.account_id,
        # Live targets leave alone the test-deploys' parameters and the bootstrap's.
        foreign_children=None if suffix else f"{TEST_SUFFIX_PATTERN.pattern.strip('^$')}|bootstrap",
        prerequisites=(_trust_root(inv, config), *_boundary_reach(inv, config)),
        stack_set=None if via is None else via.target,
        test_suffix=suffix,
    )


def _regional(config: SecConfig, suffix: str | None = None) -> Regional:
    """The stacks (in the form for `suffix`) as planned for the config moved to a region."""

    def bodies(region: str) -> list[str]:
        moved = config.model_copy(update={"region": region})
        return [p.render() for p in plan_stacks(moved, suffix)]

    return bodies


def _boundary_reach(inv: Invocation, config: SecConfig) -> tuple[Prerequisite, ...]:
    """A set over several regions makes the roles in the config's region, carrying its trust
    root's SEC boundary: that boundary must have been made for the set's regions."""
    tenant = TenantNames.of(config)
    return tuple(
        Prerequisite(
            tenant.boundary_reach_path(other.region),
            f"the tenant's trust root ({tenant.bootstrap_stack}) has a SEC boundary that does "
            f"not reach {other.region}, a region of the stack set: the roles would be cut off "
            f"there. An administrator runs bootstrap again with this config: sec-provisioner "
            f"--config {inv.config} --action bootstrap --force"
            + (" --allow-broadening" if config.is_prod else ""),
        )
        for other in spanned_tenants(config)
    )


def _trust_root(inv: Invocation, config: SecConfig) -> Prerequisite:
    tenant = TenantNames.of(config)
    return Prerequisite(
        tenant.bootstrap_path,
        f"the tenant's trust root ({tenant.bootstrap_stack}: the permission boundaries every "
        f"role carries) is not deployed; an administrator runs it once per tenant and region: "
        f"sec-provisioner --config {inv.config} --action bootstrap --force"
        + (" --allow-broadening" if config.is_prod else ""),
    )


def _bootstrap_target(inv: Invocation, suffix: str | None) -> DeployTarget:
    if suffix is not None:
        raise InputError(inv.config, "the bootstrap has no test-deploy")
    checked = _load_and_plan(inv)
    config = checked.config
    tenant = TenantNames.of(config)
    plan = checked.bootstrap
    bootstrap_targets(
        inv, config.deployment, config.account_id, config.region, checked.stacks,
        _regional(config),
    )  # fmt: skip
    return DeployTarget(
        tool=PROG,
        config_stem=tenant.config_stem,
        region=config.region,
        stacks=(StackTemplate(plan.stack_name, plan.render()),),
        ssm_path=tenant.bootstrap_path,
        production=config.is_prod,
        account_id=config.account_id,
    )


_BOOTSTRAP = {spec.name: spec.handler for spec in aws_action_specs(_bootstrap_target)}


def bootstrap(inv: Invocation) -> Result | Outcome:
    """Deploy the tenant's trust root (needs --force; --dry-run shows the changes)."""
    return _BOOTSTRAP["deploy"](inv)


OWN_ACTIONS = (
    ActionSpec("validate", "check the config and every derived name", validate, SecValidation),
    ActionSpec(
        "create-template", "write the CloudFormation templates", create_template, TemplatesWritten
    ),
    ActionSpec(
        "export-iam-policy",
        "write the operator's least-privilege IAM policy",
        export_iam_policy,
        PoliciesWritten,
        aliases=("create-policy",),
    ),
    ActionSpec("create-report", "write the HTML and Markdown report", create_report, ReportWritten),
    ActionSpec(
        "list-resources",
        "print every resource and its physical name",
        list_resources,
        ResourceList,
    ),
    ActionSpec(
        "create-stackset-roles",
        "write a self-managed stack set's administration and execution role templates",
        create_stackset_roles,
        StackSetRolesWritten,
    ),
    ActionSpec(
        "bootstrap",
        "deploy the tenant's permission boundaries, once per tenant and region (administrator; "
        "needs --force)",
        bootstrap,
        DeployResult,
    ),
)


class SecTool:
    """sec-provisioner in the shell: its local actions and the bootstrap, and its teams'
    stacks as target."""

    prog = PROG
    description = DESCRIPTION

    def own_actions(self) -> tuple[ActionSpec, ...]:
        return OWN_ACTIONS

    def target(self, inv: Invocation, suffix: str | None) -> DeployTarget:
        return _target(inv, suffix)


TOOL = SecTool()
ACTIONS = actions_of(TOOL)
main = make_main(TOOL)


if __name__ == "__main__":
    raise SystemExit(main())
