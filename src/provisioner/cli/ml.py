"""ml-provisioner: what is its own in the shared shell (shell.py) — the ML use case's local
actions, and what its AWS actions deploy."""

from __future__ import annotations

from provisioner.cli import local_actions
from provisioner.cli.image_tier import check_ml_config
from provisioner.cli.invocation import Invocation
from provisioner.cli.local_actions import (
    policy_summary,
    stack_summaries,
    write_policies,
    write_report,
    write_templates,
)
from provisioner.cli.outputs import write_all
from provisioner.cli.shell import actions_of, make_main
from provisioner.cli.stack_set_roles import write_stack_set_roles
from provisioner.cli.stack_sets import (
    Regional,
    canary_forms,
    planned_templates_of,
    published_test_suffix,
    stack_set_deployment,
    stack_set_forms,
    stack_set_policies,
    stack_set_policy_stem,
)
from provisioner.cli.tool import ActionSpec
from provisioner.cli.wrong_tool import load_or_name_the_tool
from provisioner.config.ml import MlConfig
from provisioner.config.ml_loader import load_ml_config
from provisioner.deploy.target import DeployTarget, Prerequisite, StackTemplate
from provisioner.errors import InputError
from provisioner.files import resolve_config_path
from provisioner.ml.operator_policy import operator_policies, operator_policy
from provisioner.ml.plan import plan_stack
from provisioner.ml.plan_checks import MlPlan, checked_plan
from provisioner.naming.ml import TEST_SUFFIX_PATTERN, MlNames, config_file_stem, ml_name
from provisioner.naming.tenant import TenantNames
from provisioner.policy.files import variant_file_stem
from provisioner.results.deployment import summary_of
from provisioner.results.policies import PoliciesWritten
from provisioner.results.report_files import ReportWritten
from provisioner.results.resources import ResourceList
from provisioner.results.seed_code import SeedCodeWritten
from provisioner.results.stack_set_roles import StackSetRolesWritten
from provisioner.results.templates import TemplatesWritten
from provisioner.results.validate import MlValidation, TeamCheck
from provisioner.stack_sets.service_managed_policy import ServiceManagedSubject

PROG = "ml-provisioner"
DESCRIPTION = "Provision one ML use case's infrastructure on AWS from a YAML config."


def _load_and_plan(inv: Invocation) -> MlPlan:
    """Load the config once, plan it once, and check the plan (ml/plan_checks.py)."""
    from provisioner.config.sec import SecConfig

    path = resolve_config_path(inv.config, inv.cwd)
    config = load_or_name_the_tool(
        path, load_ml_config, MlConfig, SecConfig, "sec-provisioner", inv.config
    )
    check_ml_config(config, inv.env, inv.config)  # a tier image takes its tier and below
    return checked_plan(config, str(path))


def validate(inv: Invocation) -> MlValidation:
    plan = _load_and_plan(inv)
    config = plan.config
    team = None
    if inv.sec_config is not None:
        _check_against_sec(inv, config)
        team = TeamCheck(team=config.team, sec_config=inv.sec_config)
    return MlValidation(
        ml_name=ml_name(config),
        tier=config.tier.value,
        stacks=stack_summaries([plan.live]),
        policy=policy_summary(operator_policy(config)),
        team=team,
        deployment=summary_of(
            config.deployment,
            config.account_id,
            config.region,
            planned_templates_of(config.deployment, config.region, [plan.live], _regional(config)),
        ),
    )


def _check_against_sec(inv: Invocation, config: MlConfig) -> None:
    """Offline, what deploy checks in AWS: the tenant's SEC config defines the owning team."""
    assert inv.sec_config is not None
    from provisioner.config.sec import SecConfig
    from provisioner.config.sec_loader import load_sec_config
    from provisioner.sec.plan_checks import checked_plan as checked_sec_plan

    path = resolve_config_path(inv.sec_config, inv.cwd)
    sec = load_or_name_the_tool(
        path, load_sec_config, SecConfig, MlConfig, "ml-provisioner", inv.sec_config
    )
    checked_sec_plan(sec, str(path))  # a SEC config its own tool would refuse defines nothing
    mine, theirs = TenantNames.of(config), TenantNames.of(sec)
    if mine != theirs:
        raise InputError(
            inv.sec_config,
            f"is for tenant {theirs.regional} in account {theirs.account}, but "
            f"{inv.config} is for {mine.regional} in account {mine.account}",
        )
    teams = [t.name for t in sec.teams]
    if config.team not in teams:
        raise InputError(
            inv.config,
            f"team: {config.team!r} is not a team of {inv.sec_config} "
            f"(its teams: {', '.join(teams)})",
        )


def create_template(inv: Invocation) -> TemplatesWritten:
    plan = _load_and_plan(inv)
    config = plan.config
    forms = stack_set_forms(
        config.deployment, config.account_id, config.region, [plan.live], _regional(config)
    )
    publish = config.deployment.template_bucket if config.deployment else None
    return write_templates(
        inv, config_file_stem(config), [plan.live], None, forms, publish, _canaries(plan)
    )


def _service_managed_subject(plan: MlPlan) -> ServiceManagedSubject | None:
    """The service-managed stack-set operator policy's subject: the set templates and the
    canary's forms it pins; None when the section cannot be deployed."""
    from provisioner.stack_sets.subjects import service_managed_subject

    config = plan.config
    forms = stack_set_forms(
        config.deployment, config.account_id, config.region, [plan.live], _regional(config)
    )
    if forms is None:
        return None
    return service_managed_subject(config, forms, _canaries(plan) or {})


def _canaries(plan: MlPlan) -> dict[str, tuple[str, str]] | None:
    """A service-managed set's canary form (live stack → test stack and its neutral body),
    where it names the canary's account (test-deploy runs only then)."""
    config = plan.config
    account, region = config.account_id, config.region
    suffix = published_test_suffix(config.deployment, account, region, [plan.live])
    if suffix is None or config.deployment is None or config.deployment.canary_account is None:
        return None
    return canary_forms(account, region, [plan.live], [plan_stack(config, suffix)])


def create_policy(inv: Invocation) -> PoliciesWritten:
    """The operator's policy in its four variants (policy/variants.py)."""
    plan = _load_and_plan(inv)
    config = plan.config
    stem = config_file_stem(config)
    policies = {
        variant_file_stem(stem, variant): policy
        for variant, policy in operator_policies(config).items()
    }
    from provisioner.stack_sets.subjects import ml_subject

    policies |= stack_set_policies(
        stem,
        config.deployment,
        lambda: ml_subject(config),
        lambda: _service_managed_subject(plan),
    )
    optional = (stack_set_policy_stem(stem),)
    return write_policies(inv, policies, config.tier.value, optional)


def create_report(inv: Invocation) -> ReportWritten:
    plan = _load_and_plan(inv)
    from provisioner.report.ml_report import render_ml_report

    report = render_ml_report(plan.config, plan.live)
    return write_report(inv, config_file_stem(plan.config), *report)


def list_resources(inv: Invocation) -> ResourceList:
    return local_actions.list_resources([_load_and_plan(inv).live])


def create_seed_code(inv: Invocation) -> SeedCodeWritten:
    config = _load_and_plan(inv).config
    from provisioner.ml.seed_code import seed_code_files

    root = inv.path("seed-code", ml_name(config))
    written = write_all({root / rel: text for rel, text in seed_code_files(config).items()})
    return SeedCodeWritten(directory=str(root), files=[str(path) for path in written])


def create_stackset_roles(inv: Invocation) -> StackSetRolesWritten:
    """A self-managed stack set's administration and execution role templates."""
    from provisioner.stack_sets.subjects import ml_subject

    config = _load_and_plan(inv).config
    return write_stack_set_roles(inv, config_file_stem(config), lambda: ml_subject(config))


def _target(inv: Invocation, suffix: str | None) -> DeployTarget:
    checked = _load_and_plan(inv)
    config = checked.config
    from provisioner.stack_sets.subjects import ml_subject

    if suffix is not None:  # a service-managed canary's is its published templates'
        suffix = (
            published_test_suffix(
                config.deployment, config.account_id, config.region, [checked.live]
            )
            or suffix
        )
    # A test-deploy's own suffix gives its own names: that form is planned for it alone.
    stack = checked.live if suffix is None else plan_stack(config, suffix)
    stacks = (StackTemplate(stack.stack_name, stack.render()),)
    via = stack_set_deployment(
        inv, config.deployment, lambda: ml_subject(config), config.account_id, config.region,
        stacks, _regional(config, suffix),
    )  # fmt: skip
    names = MlNames(config, suffix)
    return DeployTarget(
        tool=PROG,
        config_stem=config_file_stem(config),
        region=config.region,
        stacks=stacks if via is None else via.stacks,
        ssm_path=names.path_root,
        production=config.env == "prod" and suffix is None,
        account_id=config.account_id,
        foreign_children=None if suffix else TEST_SUFFIX_PATTERN.pattern.strip("^$"),
        prerequisites=_tenant_prerequisites(config),
        stack_set=None if via is None else via.target,
        test_suffix=suffix,
    )


def _regional(config: MlConfig, suffix: str | None = None) -> Regional:
    """The stack (in the form for `suffix`) as planned for the config moved to a region."""

    def bodies(region: str) -> list[str]:
        return [plan_stack(config.model_copy(update={"region": region}), suffix).render()]

    return bodies


def _tenant_prerequisites(config: MlConfig) -> tuple[Prerequisite, ...]:
    """The use case's roles carry the tenant's ML boundary, and its team must exist."""
    tenant = TenantNames.of(config)
    sec_config = f"{tenant.regional}-sec.yaml"
    return (
        Prerequisite(
            tenant.bootstrap_path,
            f"the tenant's trust root ({tenant.bootstrap_stack}) is not deployed; an "
            f"administrator runs: sec-provisioner --config {sec_config} --action bootstrap "
            "--force",
        ),
        Prerequisite(
            tenant.team_path(config.team),
            f"team {config.team!r} is not deployed in the tenant's SEC stacks; add it to "
            f"{sec_config} and run: sec-provisioner --config {sec_config} --action deploy "
            "--force",
        ),
    )


LOCAL_ACTIONS = (
    ActionSpec("validate", "check the config and every derived name", validate, MlValidation),
    ActionSpec(
        "create-template", "write the CloudFormation template", create_template, TemplatesWritten
    ),
    ActionSpec(
        "create-policy",
        "write the operator's least-privilege IAM policy",
        create_policy,
        PoliciesWritten,
        aliases=("export-iam-policy",),
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
        "create-seed-code",
        "write the model-build code for the repo",
        create_seed_code,
        SeedCodeWritten,
    ),
)


class MlTool:
    """ml-provisioner in the shell: its local actions, and its use case's stack as target."""

    prog = PROG
    description = DESCRIPTION

    def own_actions(self) -> tuple[ActionSpec, ...]:
        return LOCAL_ACTIONS

    def target(self, inv: Invocation, suffix: str | None) -> DeployTarget:
        return _target(inv, suffix)


TOOL = MlTool()
ACTIONS = actions_of(TOOL)
main = make_main(TOOL)


if __name__ == "__main__":
    raise SystemExit(main())
