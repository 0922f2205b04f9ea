"""test-deploy: deploy under a random suffix (names stay inside the operator policy's scope),
smoke-check every resource through its own API, report, and delete it all unless `keep` —
also when the deploy or the smoke check fails."""

from __future__ import annotations

from provisioner.deploy.apply import deploy
from provisioner.deploy.delete import delete
from provisioner.deploy.errors import Interrupted, interruption
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.result import ActionResult
from provisioner.deploy.smoke import smoke_check
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.results.delete import DeleteResult
from provisioner.results.deploy import DeployResult
from provisioner.results.test_deploy import SmokeCheck, TestDeployResult


def test_deploy(
    gateway: AwsGateway,
    target: DeployTarget,
    suffix: str,
    say: Say,
    *,
    keep: bool = False,
    poller: Poller | None = None,
) -> ActionResult[TestDeployResult]:
    code: int = ExitCode.OK
    deployed: DeployResult | None = None
    smoke: list[SmokeCheck] | None = None
    interrupted: str | None = None
    cleanup: DeleteResult | None = None

    def tested() -> TestDeployResult:
        return TestDeployResult(
            suffix=suffix, stacks=target.stack_names, deploy=deployed, smoke=smoke,
            interrupted=interrupted, kept=keep, cleanup=cleanup,
        )  # fmt: skip

    say(f"test-deploy under suffix {suffix}: {', '.join(target.stack_names)}")
    try:
        deployment = deploy(gateway, target, say, allow_broadening=True, poller=poller)
        deployed = deployment.result
        if deployment.code != ExitCode.OK:
            code = deployment.code
        else:
            results = [r for t in target.stacks for r in smoke_check(gateway, t)]
            smoke = [SmokeCheck.model_validate(r, from_attributes=True) for r in results]
            failed = [r for r in results if not r.ok]
            say(
                f"smoke check: {len(results) - len(failed)} of {len(results)} resources as declared"
            )
            for check in results:
                mark = "ok  " if check.ok else "FAIL"
                say(f"  {mark} {check.type:<34} {check.logical_id}: {check.detail}")
            if failed:
                code = ExitCode.AWS_FAILURE
    except (Interrupted, KeyboardInterrupt) as caught:
        # Unlike a deploy, a test-deploy is not left running: it is cleaned up below.
        stopped = interruption(caught, "smoke check")
        if isinstance(stopped.result, DeployResult):
            deployed = stopped.result
        say(f"interrupted during the {stopped}: cleaning up (Ctrl-C again stops that)")
        interrupted = str(stopped)
        code = ExitCode.INTERRUPTED
    finally:
        if keep:
            say(f"kept (--keep): {', '.join(target.stack_names)}; delete them with the same "
                "test-deploy suffix or in the CloudFormation console")  # fmt: skip
        else:
            say("cleaning up")
            try:
                removal = delete(gateway, target, say, disable_protection=True, poller=poller)
                cleanup = removal.result
            except Interrupted as cut:  # a second Ctrl-C: the test stacks may stay
                if isinstance(cut.result, DeleteResult):
                    cleanup = cut.result
                interrupted = f"{interrupted or 'nothing'}, then the cleanup ({cut})"
                gone = (
                    f"make sure the test stacks are gone: {', '.join(target.stack_names)} "
                    "(CloudFormation console, or aws cloudformation delete-stack)"
                )
                if cut.goes_on:
                    cut.then = gone
                else:
                    cut.left = (*cut.left, f"maybe test stacks; {gone}")
                raise cut.with_result(tested()) from None
    if interrupted is not None:  # cleaned up (or kept): one line says so
        what = "kept (--keep)" if keep else "deleted"
        summary = f"interrupted during the {interrupted}; the test stacks were {what}"
        raise Interrupted(None, "test-deploy", goes_on=False, summary=summary).with_result(tested())
    return ActionResult(tested(), code)
