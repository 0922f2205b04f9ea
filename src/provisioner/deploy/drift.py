"""detect-drift: CloudFormation's drift detection on every stack, each drifted resource shown
with its property differences; exit 3 on drift."""

from __future__ import annotations

from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.render import shorten
from provisioner.deploy.result import ActionResult
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.results.drift import DriftResult, PropertyDifference, ResourceDrift, StackDrift


def detect_drift(
    gateway: AwsGateway, target: DeployTarget, say: Say, poller: Poller | None = None
) -> ActionResult[DriftResult]:
    stacks: list[StackDrift] = []
    drifted_any = False
    missing = []
    for template in target.stacks:
        stack = gateway.describe_stack(template.stack_name)
        if stack is None or stack.status == "DELETE_COMPLETE":
            say(f"{template.stack_name}: not deployed; nothing to compare")
            stacks.append(
                StackDrift(stack=template.stack_name, status="NOT_DEPLOYED", detection=None,
                           resources=[])
            )  # fmt: skip
            missing.append(template.stack_name)
            continue
        detection_id = gateway.start_drift_detection(stack.stack_id)
        wait = poller or Poller()
        while (detection := gateway.drift_detection(detection_id)).detection_status == (
            "DETECTION_IN_PROGRESS"
        ):
            wait.wait(activity=False)
        drifts = gateway.resource_drifts(stack.stack_id)
        drifted = [d for d in drifts if d.status in ("MODIFIED", "DELETED")]
        drifted_any = drifted_any or bool(drifted)
        checked = sum(d.status != "NOT_CHECKED" for d in drifts)
        state = "DRIFTED" if drifted else "IN_SYNC"
        say(f"{stack.name}: {state} ({checked} of {len(drifts)} resources checked)")
        if detection.detection_status == "DETECTION_FAILED":
            say(f"  detection incomplete: {detection.reason}")
        for drift in drifted:
            say(
                f"  {drift.status:<9} {drift.resource_type:<28} {drift.logical_id} "
                f"({drift.physical_id})"
            )
            for difference in drift.differences:
                expected = shorten(difference["expected"], 120)
                actual = shorten(difference["actual"], 120)
                say(f"      {difference['kind']:<9} {difference['path']}: expected {expected} "
                    f"actual {actual}")  # fmt: skip
        stacks.append(
            StackDrift(
                stack=stack.name,
                status=state,
                detection=detection.detection_status,
                resources=[
                    ResourceDrift(logical_id=d.logical_id, physical_id=d.physical_id,
                                  type=d.resource_type, status=d.status,
                                  differences=[PropertyDifference(**p) for p in d.differences])
                    for d in drifts
                ],
            )
        )  # fmt: skip
    result = DriftResult(stacks=stacks, drifted=drifted_any)
    if drifted_any:
        return ActionResult(result, ExitCode.DRIFT)
    if missing:  # in sync as far as it goes, but part of the config is not deployed at all
        say(f"error: not deployed: {', '.join(missing)} (deploy first)")
        return ActionResult(result, ExitCode.BAD_INPUT)
    return ActionResult(result)
