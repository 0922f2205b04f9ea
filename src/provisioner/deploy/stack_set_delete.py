"""delete through stack sets, in reverse deploy order: each set's instances (one operation
over every account and region it has them in), then the set. Retention is the templates'
own, as for single stacks: DeleteStackInstances never retains stacks, and a production
template's `DeletionPolicy: Retain` keeps its bucket, key and log groups in each account.

A set with instances left after its delete operation (some failed, within tolerance or not)
is not deleted: CloudFormation would refuse it (StackSetNotEmptyException), and the failures
are named with their accounts, regions and reasons (exit 1).
"""

from __future__ import annotations

from functools import partial

from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.result import ActionResult
from provisioner.deploy.stack_set_gateway import StackSetGateway
from provisioner.deploy.stack_set_operations import run_operation
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.results.delete import DeleteResult
from provisioner.results.stack_sets import InstanceEntry, StackSetEntry, not_deployed
from provisioner.stack_sets.names import stack_set_name


def delete_stack_sets(
    gateway: AwsGateway, target: DeployTarget, say: Say, poller: Poller | None = None
) -> ActionResult[DeleteResult]:
    sets = StackSetGateway.of(gateway, target)
    done: list[StackSetEntry] = []
    for name in reversed([stack_set_name(s) for s in target.stack_names]):
        if sets.describe(name) is None:
            say(f"{name}: not deployed; nothing to delete")
            done.append(not_deployed(name))
            continue
        instances = sets.instances(name)
        operations = []
        waited: list[str] = []
        if instances:
            accounts = tuple(sorted({i.account for i in instances}))
            regions = tuple(r for r in dict.fromkeys(i.region for i in instances))
            say(f"{name}: deleting {len(instances)} instance(s) in {len(regions)} region(s)")
            only = accounts if sets.target.self_managed else None
            start = partial(sets.delete_instances, name, regions=regions, accounts=only)
            ran = run_operation(sets, name, start, say, poller)
            operations.append(ran.operation)
            waited += ran.waited_for
        left = sets.instances(name) if instances else []
        if left:
            failed = [
                InstanceEntry(account=i.account, region=i.region, status=i.status,
                              detailed_status=i.detailed_status, reason=i.reason)
                for i in left
            ]  # fmt: skip
            for i in failed:
                say(f"{name}: {i.account}/{i.region} still there ({i.status}): "
                    f"{i.reason or 'no reason given'}")  # fmt: skip
            say(f"{name}: the stack set is kept while it has instances")
            done.append(StackSetEntry(stack_set=name, result="failed", operations=operations,
                                      instances=failed, waited_for=waited))  # fmt: skip
            return ActionResult(_result(done), ExitCode.AWS_FAILURE)
        sets.delete(name)
        say(f"{name}: deleted")
        done.append(StackSetEntry(stack_set=name, result="deleted", operations=operations,
                                  instances=[], waited_for=waited))  # fmt: skip
    return ActionResult(_result(done))


def _result(done: list[StackSetEntry]) -> DeleteResult:
    return DeleteResult(stacks=[], retained=[], deleted_parameters=[], stack_sets=done)
