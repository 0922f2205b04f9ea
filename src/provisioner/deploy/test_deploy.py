"""test-deploy: deploy under a random suffix (names stay inside the operator policy's scope),
smoke-check every resource through its own API, report, and delete it all unless `keep` —
also when the deploy or the smoke check fails."""

from __future__ import annotations

from typing import Any

from provisioner.deploy.apply import deploy
from provisioner.deploy.delete import delete
from provisioner.deploy.errors import Interrupted
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.result import ActionResult
from provisioner.deploy.smoke import smoke_check
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode


def test_deploy(
    gateway: AwsGateway,
    target: DeployTarget,
    suffix: str,
    say: Say,
    *,
    keep: bool = False,
    poller: Poller | None = None,
) -> ActionResult:
    report: dict[str, Any] = {"suffix": suffix, "stacks": target.stack_names}
    code: int = ExitCode.OK
    say(f"test-deploy under suffix {suffix}: {', '.join(target.stack_names)}")
    try:
        deployed = deploy(gateway, target, say, allow_broadening=True, poller=poller)
        report["deploy"] = deployed.report
        if deployed.code != ExitCode.OK:
            code = deployed.code
        else:
            results = [r for t in target.stacks for r in smoke_check(gateway, t)]
            report["smoke"] = [r.to_json() for r in results]
            failed = [r for r in results if not r.ok]
            say(
                f"smoke check: {len(results) - len(failed)} of {len(results)} resources as declared"
            )
            for result in results:
                mark = "ok  " if result.ok else "FAIL"
                say(f"  {mark} {result.type:<34} {result.logical_id}: {result.detail}")
            if failed:
                code = ExitCode.AWS_FAILURE
    except Interrupted as stopped:
        # Unlike a deploy, a test-deploy is not left running: it is cleaned up below.
        say(f"interrupted during the {stopped.operation} of {stopped.stack}: cleaning up")
        report["interrupted"] = str(stopped)
        code = ExitCode.INTERRUPTED
    finally:
        if keep:
            say(f"kept (--keep): {', '.join(target.stack_names)}; delete them with the same "
                "test-deploy suffix or in the CloudFormation console")  # fmt: skip
            report["kept"] = True
        else:
            say("cleaning up")
            report["cleanup"] = delete(
                gateway, target, say, disable_protection=True, poller=poller
            ).report
    return ActionResult(code, report)
