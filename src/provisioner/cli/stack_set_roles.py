"""create-stackset-roles, both tools: write the self-managed stack set's administration and
execution role templates (stack_sets/roles.py) beside the config's stack templates."""

from __future__ import annotations

from collections.abc import Callable

from provisioner.cli.invocation import Invocation
from provisioner.cli.outputs import write_all
from provisioner.errors import InputError, Problem
from provisioner.results.stack_set_roles import StackSetRolesWritten
from provisioner.stack_sets.roles import (
    ACCOUNT_REFERENCE,
    StackSetRolesProblem,
    StackSetSubject,
    administration_template,
    execution_policies,
    execution_template,
    name_problems,
    policy_sizes,
    render_template,
)


def template_paths(config_stem: str) -> tuple[str, str]:
    return (
        f"templates/{config_stem}-stackset-administration-role.json",
        f"templates/{config_stem}-stackset-execution-role.json",
    )


def write_stack_set_roles(
    inv: Invocation, config_stem: str, subject_of: Callable[[], StackSetSubject]
) -> StackSetRolesWritten:
    """Both templates, or nothing (InputError) when the config has no self-managed stack set
    (`subject_of` refuses it) or a name or policy would not fit."""
    try:
        subject = subject_of()
        problems = name_problems(subject)
        if problems:
            raise InputError(inv.config, [Problem("deployment", p) for p in problems])
        administration = render_template(administration_template(subject))
        execution = render_template(execution_template(subject))
        sizes = policy_sizes(execution_policies(subject, ACCOUNT_REFERENCE))
    except StackSetRolesProblem as exc:
        raise InputError(inv.config, str(exc)) from None
    admin_rel, exec_rel = template_paths(config_stem)
    write_all({inv.path(admin_rel): administration, inv.path(exec_rel): execution})
    return StackSetRolesWritten(
        administration_template=str(inv.path(admin_rel)),
        execution_template=str(inv.path(exec_rel)),
        administration_role=subject.names.administration_role,
        execution_role=subject.names.execution_role,
        target_accounts=list(subject.target_accounts),
        regions=list(subject.regions),
        execution_policy_characters=sizes,
    )
