"""detect-drift: CloudFormation's drift detection on every stack, then the tool's own reads of
the access CloudFormation does not compare (deploy/access_drift.py); each drifted resource
shown with its property differences; exit 3 on drift."""

from __future__ import annotations

from provisioner.cfn.declared_access import Context
from provisioner.deploy.access_drift import AccessDrift, access_drift
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.records import ResourceDrift as CfnResourceDrift
from provisioner.deploy.render import shorten
from provisioner.deploy.result import ActionResult
from provisioner.deploy.service_reads import ServiceReads
from provisioner.deploy.target import DeployTarget
from provisioner.exit_codes import ExitCode
from provisioner.partition import partition_of
from provisioner.results.drift import DriftResult, PropertyDifference, ResourceDrift, StackDrift


def detect_drift(
    gateway: AwsGateway, target: DeployTarget, say: Say, poller: Poller | None = None
) -> ActionResult[DriftResult]:
    stacks: list[StackDrift] = []
    drifted_any = False
    missing = []
    reads = ServiceReads(gateway)
    account: str | None = target.account_id
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
        while True:
            with gateway.polling():
                detection = gateway.drift_detection(detection_id)
            if detection.detection_status != "DETECTION_IN_PROGRESS":
                break
            wait.wait(activity=False)
        drifts = gateway.resource_drifts(stack.stack_id)
        account = account or gateway.caller_account()
        own = _own_reads(gateway, reads, stack.stack_id, target.region, account,
                         stack.name, drifts)  # fmt: skip
        resources = [_merged(d, own) for d in drifts]
        drifted = [r for r in resources if r.status in ("MODIFIED", "DELETED")]
        drifted_any = drifted_any or bool(drifted)
        checked = sum(d.status != "NOT_CHECKED" for d in drifts)
        state = "DRIFTED" if drifted else "IN_SYNC"
        say(f"{stack.name}: {state} ({checked} of {len(drifts)} resources checked by "
            f"CloudFormation; access read for {_counted(own)})")  # fmt: skip
        if detection.detection_status == "DETECTION_FAILED":
            say(f"  detection incomplete: {detection.reason}")
        for problem in own.not_compared:
            say(f"  not compared: {problem}")
        for resource in drifted:
            say(f"  {resource.status:<9} {resource.type:<28} {resource.logical_id} "
                f"({resource.physical_id})")  # fmt: skip
            for difference in resource.differences:
                expected = shorten(difference.expected, 120)
                actual = shorten(difference.actual, 120)
                own_read = difference.found_by == "provisioner"
                by = " (not compared by CloudFormation)" if own_read else ""
                say(f"      {difference.kind:<9} {difference.path}: expected {expected} "
                    f"actual {actual}{by}")  # fmt: skip
        stacks.append(
            StackDrift(stack=stack.name, status=state, detection=detection.detection_status,
                       resources=resources, not_compared=own.not_compared)
        )  # fmt: skip
    result = DriftResult(stacks=stacks, drifted=drifted_any)
    if drifted_any:
        return ActionResult(result, ExitCode.DRIFT)
    if missing:  # in sync as far as it goes, but part of the config is not deployed at all
        say(f"error: not deployed: {', '.join(missing)} (deploy first)")
        return ActionResult(result, ExitCode.BAD_INPUT)
    return ActionResult(result)


def _own_reads(
    gateway: AwsGateway,
    reads: ServiceReads,
    stack_id: str,
    region: str,
    account: str,
    stack_name: str,
    drifts: list[CfnResourceDrift],
) -> AccessDrift:
    """The access the deployed template declares, read back from IAM, KMS and S3."""
    template = gateway.template_of(stack_id)
    # DescribeStackResourceDrifts pages through every resource; DescribeStackResources (at most
    # 100 in AWS) adds any it did not list.
    listed = [(r.logical_id, r.physical_id, r.resource_type)
              for r in gateway.stack_resources(stack_id)]  # fmt: skip
    listed += [(d.logical_id, d.physical_id, d.resource_type) for d in drifts]
    context = Context(
        physical={logical_id: physical for logical_id, physical, _ in listed if physical},
        types={logical_id: kind for logical_id, _, kind in listed if kind},
        account=account,
        region=region,
        partition=partition_of(region),
        stack_name=stack_name,
    )
    gone = {d.logical_id for d in drifts if d.status == "DELETED"}
    return access_drift(reads, template.get("Resources", {}), context, gone)


def _merged(drift: CfnResourceDrift, own: AccessDrift) -> ResourceDrift:
    """CloudFormation's finding on a resource with the tool's own added (a difference
    CloudFormation reported on the same path is not repeated); MODIFIED when either found one."""
    cloudformation = [PropertyDifference(**p) for p in drift.differences]
    paths = {d.path for d in cloudformation}
    found = [PropertyDifference(kind=d.kind, path=d.path, expected=d.expected, actual=d.actual,
                                found_by="provisioner")
             for d in own.differences.get(drift.logical_id, []) if d.path not in paths]  # fmt: skip
    status = drift.status
    if found and status in ("IN_SYNC", "NOT_CHECKED"):
        status = "MODIFIED"
    return ResourceDrift(logical_id=drift.logical_id, physical_id=drift.physical_id,
                         type=drift.resource_type, status=status,
                         differences=cloudformation + found)  # fmt: skip


def _counted(own: AccessDrift) -> str:
    labels = {"AWS::IAM::Role": "role", "AWS::IAM::Group": "group", "AWS::KMS::Key": "key",
              "AWS::S3::Bucket": "bucket"}  # fmt: skip
    parts = [f"{n} {labels.get(t, t)}{'s' if n != 1 else ''}" for t, n in sorted(own.read.items())]
    return ", ".join(parts) or "no resources"
