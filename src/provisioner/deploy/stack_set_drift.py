"""detect-drift through stack sets: each set's drift detection runs as a stack-set operation
over every instance (CloudFormation checks each instance's stack as DetectStackDrift would),
then every instance's drift status is listed. Exit 3 when an instance drifted, as for single
stacks; 1 when the detection failed (an instance it could not check is named, with why)."""

from __future__ import annotations

from functools import partial

from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.result import ActionResult
from provisioner.deploy.stack_set_gateway import StackSetGateway
from provisioner.deploy.stack_set_operations import run_operation
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.results.drift import DriftResult
from provisioner.results.stack_sets import InstanceEntry, StackSetEntry, not_deployed
from provisioner.stack_sets.names import stack_set_name


def detect_stack_set_drift(
    gateway: AwsGateway, target: DeployTarget, say: Say, poller: Poller | None = None
) -> ActionResult[DriftResult]:
    sets = StackSetGateway.of(gateway, target)
    entries: list[StackSetEntry] = []
    failed = False
    for name in (stack_set_name(s) for s in target.stack_names):
        if sets.describe(name) is None:
            say(f"{name}: not deployed; nothing to compare")
            entries.append(not_deployed(name))
            continue
        say(f"{name}: detecting drift on every instance")
        ran = run_operation(sets, name, partial(sets.detect_drift, name), say, poller)
        instances = [
            InstanceEntry(account=i.account, region=i.region, status=i.drift_status,
                          detailed_status=i.status, reason=i.reason)
            for i in sets.instances(name)
        ]  # fmt: skip
        drifted = [i for i in instances if i.status == "DRIFTED"]
        for i in instances:
            say(f"  {i.account}/{i.region}: {i.status}")
        if not ran.succeeded:
            failed = True
            for i in ran.failed_instances:
                say(f"{name}: {i.account}/{i.region} not checked: {i.reason or 'no reason given'}")
        result = "failed" if not ran.succeeded else "drifted" if drifted else "in sync"
        say(f"{name}: {result}" + (f" ({len(drifted)} instance(s) drifted)" if drifted else ""))
        entries.append(StackSetEntry(
            stack_set=name, result=result, operations=[ran.operation], instances=instances,
            waited_for=list(ran.waited_for),
        ))  # fmt: skip
    drifted_any = any(e.result == "drifted" for e in entries)
    code = (
        ExitCode.AWS_FAILURE if failed else ExitCode.DRIFT if drifted_any else ExitCode.OK
    )  # fmt: skip
    return ActionResult(DriftResult(stacks=[], drifted=drifted_any, stack_sets=entries), code)
