"""status through stack sets: each set and every instance, with CloudFormation's status,
detailed status and reason. Exit 1 when an instance needs attention (not CURRENT, or its last
operation failed), with what to do; a set not deployed is reported, as for single stacks."""

from __future__ import annotations

from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Say
from provisioner.deploy.result import ActionResult
from provisioner.deploy.stack_set_gateway import StackSetGateway
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.results.stack_sets import InstanceEntry, StackSetEntry, not_deployed
from provisioner.results.status import StatusResult
from provisioner.stack_sets.names import stack_set_name


def stack_set_status(
    gateway: AwsGateway, target: DeployTarget, say: Say
) -> ActionResult[StatusResult]:
    sets = StackSetGateway.of(gateway, target)
    entries: list[StackSetEntry] = []
    code = ExitCode.OK
    for name in (stack_set_name(s) for s in target.stack_names):
        if sets.describe(name) is None:
            say(f"{name}: not deployed")
            entries.append(not_deployed(name))
            continue
        instances = [
            InstanceEntry(account=i.account, region=i.region, status=i.status,
                          detailed_status=i.detailed_status, reason=i.reason)
            for i in sets.instances(name)
        ]  # fmt: skip
        attention = [i for i in instances if i.status != "CURRENT" or i.detailed_status
                     in ("FAILED", "INOPERABLE", "CANCELLED")]  # fmt: skip
        say(f"{name}: {len(instances)} instance(s), {len(attention)} needing attention")
        for i in instances:
            reason = f": {i.reason}" if i.reason else ""
            say(f"  {i.account}/{i.region}: {i.status} ({i.detailed_status}){reason}")
        if attention:
            say(f"{name}: deploy again to bring every instance up to date")
            code = ExitCode.AWS_FAILURE
        entries.append(StackSetEntry(
            stack_set=name, result="needs attention" if attention else "deployed",
            operations=[], instances=instances,
        ))  # fmt: skip
    return ActionResult(StatusResult(stacks=[], ssm_parameters={}, stack_sets=entries), code)
