"""The AWS actions both CLIs share: argument checks, opening the gateway, mapping the engine's
errors to exit codes; each ends in an outcome whose document the shell also writes to
`reports/{stem}-{action}.json`."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from provisioner.cli.invocation import Invocation
from provisioner.cli.saved_plans import PlanSaver, checked_plan, spend
from provisioner.cli.tool import ActionSpec, Outcome, TargetLoader
from provisioner.deploy.errors import AwsFailure, CredentialsProblem, Interrupted, StackBusy
from provisioner.deploy.result import ActionResult
from provisioner.deploy.target import DeployTarget

if TYPE_CHECKING:  # boto3 loads only for the AWS actions: local ones stay fast and offline
    import botocore.session

    from provisioner.deploy.gateway import AwsGateway, RetryMode
    from provisioner.deploy.progress import Say
from provisioner.errors import InputError
from provisioner.exit_codes import ExitCode
from provisioner.files import check_writable
from provisioner.results.base import Result
from provisioner.results.delete import DeleteResult
from provisioner.results.deploy import DeployResult
from provisioner.results.document import ApiCalls, AwsRun
from provisioner.results.drift import DriftResult
from provisioner.results.show_changes import ShowChangesResult
from provisioner.results.status import StatusResult
from provisioner.results.test_deploy import TestDeployResult

Run = Callable[["AwsGateway", "Say"], ActionResult[Result]]


def endpoint_url(inv: Invocation) -> str | None:
    """The endpoint to use instead of AWS's own, if any: an http(s) URL with a host."""
    flag = inv.endpoint_url or None
    endpoint = flag or inv.env.get("AWS_ENDPOINT_URL") or None
    if endpoint is None:
        return None
    try:
        parts = urlsplit(endpoint)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        valid = valid and not any(char.isspace() for char in endpoint)
        valid = valid and (parts.port is None or parts.port > 0)
    except ValueError:  # a port that is no number, a bracket left open
        valid = False
    if not valid:
        hint = f"; did you mean http://{endpoint}?" if "://" not in endpoint else ""
        raise InputError(
            "--endpoint-url" if flag else "AWS_ENDPOINT_URL",
            f"{endpoint!r} is not an http:// or https:// URL with a host and an optional port, "
            f"e.g. http://localhost:4566{hint}",
        )
    return endpoint


def open_gateway(inv: Invocation, region: str) -> AwsGateway:
    import boto3
    from botocore.exceptions import ProfileNotFound

    from provisioner.deploy.gateway import AwsGateway

    profile = inv.profile or inv.env.get("AWS_PROFILE") or None
    endpoint = endpoint_url(inv)
    retry_mode = _retry_mode(inv)
    # Keys in the environment are handed over as given, unless a profile was named.
    keys = not profile and bool(inv.env.get("AWS_ACCESS_KEY_ID"))
    try:
        session = boto3.session.Session(
            aws_access_key_id=inv.env.get("AWS_ACCESS_KEY_ID") if keys else None,
            aws_secret_access_key=inv.env.get("AWS_SECRET_ACCESS_KEY") if keys else None,
            aws_session_token=inv.env.get("AWS_SESSION_TOKEN") if keys else None,
            region_name=region,
            profile_name=profile,
            botocore_session=_botocore_session(profile),
        )
    except ProfileNotFound as exc:
        raise CredentialsProblem(
            inv.action, f"the AWS profile {profile!r} does not exist ({exc})"
        ) from exc
    return AwsGateway(
        session,
        region,
        endpoint_url=endpoint,
        profile=profile,
        action=inv.action,
        retry_mode=retry_mode,
        cancel=inv.cancel,
        budget=inv.budget,
        shared_reads=inv.shared_reads,
    )


def _botocore_session(profile: str | None) -> botocore.session.Session:
    """A session of its own for each config, over one loader of botocore's service models for
    the process: a run over many configs reads each model once, not once per config (about
    0.15 s of CPU each time). ProfileNotFound for a profile that does not exist, here, as
    boto3 raises it for a session of its own making."""
    import botocore.session

    global _SHARED_LOADER
    session = botocore.session.Session(profile=profile)
    session.get_scoped_config()  # reads the profile: raises ProfileNotFound now, not later
    with _LOADER_LOCK:
        if _SHARED_LOADER is None:
            _SHARED_LOADER = session.get_component("data_loader")
        loader = _SHARED_LOADER
    session.register_component("data_loader", loader)
    return session


_SHARED_LOADER: Any = None  # botocore's Loader: read-only once loaded, shared by the threads
_LOADER_LOCK = threading.Lock()


def _retry_mode(inv: Invocation) -> RetryMode:
    """AWS_RETRY_MODE, one of botocore's retry modes (default: standard)."""
    from provisioner.deploy.gateway import RETRY_MODES

    given = inv.env.get("AWS_RETRY_MODE") or "standard"
    for mode in RETRY_MODES:
        if mode == given:
            return mode
    raise InputError(
        "AWS_RETRY_MODE",
        f"{given!r} is not one of botocore's retry modes: {', '.join(RETRY_MODES)}",
    )


def _check_account(inv: Invocation, gateway: AwsGateway, account_id: str) -> None:
    acting = gateway.caller_account()
    if acting != account_id:
        raise InputError(
            inv.config,
            f"the credentials act in account {acting}, but the config is for account "
            f"{account_id}; use credentials for {account_id} (--profile) or fix account_id "
            "(nothing was changed)",
        )


def _report_path(inv: Invocation, target: DeployTarget) -> str:
    return f"reports/{target.config_stem}-{inv.action}.json"


def run_aws_action(inv: Invocation, target: DeployTarget, run: Run) -> Outcome:
    check_writable(inv.path("reports"))  # before touching AWS: fail early, change nothing
    gateway = open_gateway(inv, target.region)
    started = datetime.now(UTC)
    result: Result | None = None
    error: str | None = None
    code: int
    try:
        if target.account_id is not None:
            _check_account(inv, gateway, target.account_id)
        done = run(gateway, inv.say)
        result, code = done.result, done.code
    except AwsFailure as exc:
        error, code = str(exc), ExitCode.AWS_FAILURE
    except StackBusy as exc:
        error, code = f"another operation keeps the stack busy: {exc}", ExitCode.AWS_FAILURE
    except Interrupted as exc:  # with what was done so far, for the report
        result, error, code = exc.result, exc.message, ExitCode.INTERRUPTED
    except KeyboardInterrupt:  # outside what the engine follows: a read, nothing changed
        error, code = "interrupted", ExitCode.INTERRUPTED
    calls = ApiCalls(
        count=len(gateway.calls), by_operation=dict(sorted(Counter(gateway.calls).items()))
    )
    aws = AwsRun(
        region=target.region,
        started=started,
        seconds=round((datetime.now(UTC) - started).total_seconds(), 3),
        api_calls=calls,
    )
    report = inv.path(_report_path(inv, target))
    return Outcome(result, code, error=error, aws=aws, report=report, action=inv.action)


def _refuse_without_force(inv: Invocation, what: str, hint: str) -> None:
    if not inv.force:
        raise InputError(
            inv.config,
            f"{inv.action} {what}; nothing was changed. Run it again with --force ({hint})",
        )


def _deploy_stack_sets(inv: Invocation, target: DeployTarget) -> Outcome:
    from provisioner.deploy.stack_set_apply import deploy_stack_sets

    return run_aws_action(
        inv, target,
        lambda g, say: deploy_stack_sets(g, target, say, allow_broadening=inv.allow_broadening),
    )  # fmt: skip


def _show_stack_set_changes(inv: Invocation, target: DeployTarget) -> Outcome:
    from provisioner.deploy.stack_set_show_changes import show_stack_set_changes

    if inv.save_plan is not None:
        raise InputError(
            f"{inv.config}: deployment",
            "a saved plan holds change sets, and stack sets have none: --save-plan is not for "
            "a config that deploys through stack sets (nothing was done)",
        )
    gate = inv.fail_on_broadening
    return run_aws_action(
        inv, target, lambda g, say: show_stack_set_changes(g, target, say, fail_on_broadening=gate)
    )


def aws_action_specs(load: TargetLoader) -> tuple[ActionSpec, ...]:
    """The six AWS actions over a tool's own way of turning a config into a target."""

    def show_changes(inv: Invocation) -> Outcome:
        from provisioner.deploy.show_changes import show_changes as run

        if inv.plan_ttl is not None and inv.save_plan is None:
            raise InputError(
                inv.config, "--plan-ttl is the expiry of a plan: give it with --save-plan FILE"
            )
        target = load(inv, None)
        if target.stack_set is not None:
            return _show_stack_set_changes(inv, target)
        gate = inv.fail_on_broadening
        save = PlanSaver(inv, target, inv.save_plan) if inv.save_plan is not None else None
        return run_aws_action(
            inv, target, lambda g, say: run(g, target, say, fail_on_broadening=gate, save=save)
        )

    def deploy_saved_plan(inv: Invocation, file: str) -> Outcome:
        if inv.dry_run or inv.fail_on_broadening:
            raise InputError(
                inv.config,
                "--plan executes a saved plan and --dry-run (--fail-on-broadening) previews a "
                "new one: give one of them; nothing was done",
            )
        target = load(inv, None)
        if target.stack_set is not None:
            raise InputError(
                f"{inv.config}: deployment",
                "a saved plan holds change sets, and stack sets have none: --plan is not for a "
                "config that deploys through stack sets (nothing was done)",
            )
        _refuse_without_force(
            inv,
            f"executes the saved plan {file} on {', '.join(target.stack_names)}",
            "the plan is what show-changes --save-plan showed",
        )
        plan, path = checked_plan(inv, target, file)
        from provisioner.deploy.apply_plan import deploy_plan as run

        return run_aws_action(
            inv, target,
            lambda g, say: run(g, target, plan, file, say, spend=lambda: spend(path, plan),
                               allow_broadening=inv.allow_broadening),
        )  # fmt: skip

    def deploy(inv: Invocation) -> Outcome:
        if inv.plan is not None:
            return deploy_saved_plan(inv, inv.plan)
        if inv.dry_run:
            return show_changes(replace(inv, action="show-changes"))
        if inv.fail_on_broadening:  # a deploy gates broadening itself, in production
            raise InputError(
                inv.config,
                f"{inv.action} takes --fail-on-broadening with --dry-run only (a show-changes); "
                "nothing was done",
            )
        target = load(inv, None)
        _refuse_without_force(
            inv,
            f"changes {', '.join(target.stack_names)} in AWS",
            "see what would change first with --action show-changes",
        )
        if target.stack_set is not None:
            return _deploy_stack_sets(inv, target)
        from provisioner.deploy.apply import deploy as run

        return run_aws_action(
            inv, target,
            lambda g, say: run(g, target, say, allow_broadening=inv.allow_broadening),
        )  # fmt: skip

    def test_deploy(inv: Invocation) -> Outcome:
        from provisioner.deploy.test_deploy import test_deploy as run

        given = "t" + secrets.token_hex(2)
        target = load(inv, given)
        suffix = target.test_suffix or given  # a service-managed canary's is its templates'
        if target.stack_set is not None:
            from provisioner.deploy.stack_set_test_deploy import test_deploy_stack_sets

            return run_aws_action(
                inv, target,
                lambda g, say: test_deploy_stack_sets(g, target, suffix, say, keep=inv.keep),
            )  # fmt: skip
        return run_aws_action(
            inv, target, lambda g, say: run(g, target, suffix, say, keep=inv.keep)
        )

    def status(inv: Invocation) -> Outcome:
        from provisioner.deploy.status import status as run

        target = load(inv, None)
        if target.stack_set is not None:
            from provisioner.deploy.stack_set_status import stack_set_status

            return run_aws_action(inv, target, lambda g, say: stack_set_status(g, target, say))
        return run_aws_action(inv, target, lambda g, say: run(g, target, say))

    def detect_drift(inv: Invocation) -> Outcome:
        from provisioner.deploy.drift import detect_drift as run

        target = load(inv, None)
        if target.stack_set is not None:
            from provisioner.deploy.stack_set_drift import detect_stack_set_drift

            return run_aws_action(
                inv, target, lambda g, say: detect_stack_set_drift(g, target, say)
            )
        return run_aws_action(inv, target, lambda g, say: run(g, target, say))

    def delete(inv: Invocation) -> Outcome:
        target = load(inv, None)
        _refuse_without_force(
            inv,
            f"deletes {', '.join(target.stack_names)}",
            "see what is deployed first with --action status",
        )
        if target.stack_set is not None:
            from provisioner.deploy.stack_set_delete import delete_stack_sets

            return run_aws_action(inv, target, lambda g, say: delete_stack_sets(g, target, say))
        from provisioner.deploy.delete import delete as run

        return run_aws_action(
            inv, target,
            lambda g, say: run(g, target, say,
                               disable_protection=inv.disable_termination_protection),
        )  # fmt: skip

    return (
        ActionSpec(
            "show-changes",
            "preview a deploy: change set and security diff",
            show_changes,
            ShowChangesResult,
        ),
        ActionSpec("deploy", "create or update the stacks (needs --force)", deploy, DeployResult),
        ActionSpec(
            "test-deploy",
            "deploy under a random suffix, smoke-check, clean up",
            test_deploy,
            TestDeployResult,
        ),
        ActionSpec(
            "status", "print stack status, outputs and SSM parameters", status, StatusResult
        ),
        ActionSpec(
            "detect-drift", "compare the stacks with what AWS holds now", detect_drift, DriftResult
        ),
        ActionSpec(
            "delete",
            "delete the stacks and their SSM parameters (needs --force)",
            delete,
            DeleteResult,
        ),
    )
