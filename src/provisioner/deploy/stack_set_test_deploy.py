"""test-deploy through stack sets: the stacks' test-deploy form (a random suffix) as stack sets
of their own, with one instance on a canary account and region (cli/stack_sets.py picks it),
then deleted, instances and sets, unless `keep`: also when the deploy fails or is
interrupted.

No smoke check: a single stack's reads each resource with the operator's credentials, in the
operator's account, but an instance's resources are made in the target account by the
execution role, and the stack-set operator policy grants no reads of them. The canary's
check is CloudFormation's: each instance's operation SUCCEEDED, its stack created.
"""

from __future__ import annotations

from provisioner.deploy.errors import Interrupted, interruption
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.result import ActionResult
from provisioner.deploy.stack_set_apply import deploy_stack_sets
from provisioner.deploy.stack_set_delete import delete_stack_sets
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.results.delete import DeleteResult
from provisioner.results.deploy import DeployResult
from provisioner.results.test_deploy import TestDeployResult


def test_deploy_stack_sets(
    gateway: AwsGateway,
    target: DeployTarget,
    suffix: str,
    say: Say,
    *,
    keep: bool = False,
    poller: Poller | None = None,
) -> ActionResult[TestDeployResult]:
    assert target.stack_set is not None
    sets = target.stack_set
    canary = [f"{a}/{r}" for r in sets.regions for a in sets.accounts or ()]
    code: int = ExitCode.OK
    deployed: DeployResult | None = None
    interrupted: str | None = None
    cleanup: DeleteResult | None = None

    def tested() -> TestDeployResult:
        return TestDeployResult(
            suffix=suffix, stacks=target.stack_names, deploy=deployed, smoke=None,
            interrupted=interrupted, kept=keep, cleanup=cleanup, canary=canary,
        )  # fmt: skip

    say(
        f"test-deploy under suffix {suffix}, through stack sets on the canary "
        f"{', '.join(canary)}: {', '.join(target.stack_names)}"
    )
    try:
        deployment = deploy_stack_sets(gateway, target, say, poller, allow_broadening=True)
        deployed = deployment.result
        code = deployment.code
        if code == ExitCode.OK:
            say("canary: every instance's operation SUCCEEDED (no smoke check through stack "
                "sets: the instances are the execution role's, in the target account)")  # fmt: skip
    except (Interrupted, KeyboardInterrupt) as caught:
        stopped = interruption(caught, "deploy")
        say(f"interrupted during the {stopped}: cleaning up (Ctrl-C again stops that)")
        interrupted = str(stopped)
        code = ExitCode.INTERRUPTED
    finally:
        if keep:
            say(f"kept (--keep): {', '.join(target.stack_names)}; delete them with "
                "aws cloudformation delete-stack-instances and delete-stack-set")  # fmt: skip
        else:
            say("cleaning up")
            removal = delete_stack_sets(gateway, target, say, poller)
            cleanup = removal.result
            if removal.code != ExitCode.OK and code == ExitCode.OK:
                code = removal.code
    if interrupted is not None:
        what = "kept (--keep)" if keep else "deleted"
        summary = f"interrupted during the {interrupted}; the test stack sets were {what}"
        raise Interrupted(None, "test-deploy", goes_on=False, summary=summary).with_result(tested())
    return ActionResult(tested(), code)
