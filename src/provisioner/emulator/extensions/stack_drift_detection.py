"""Gap: moto implements no drift detection (`DetectStackDrift`,
`DescribeStackDriftDetectionStatus`, `DescribeStackResourceDrifts`).

Detection compares what the stack declared (its template's properties, intrinsics resolved)
with what the service backends hold now, for the properties a reader below knows; other
resource types are reported NOT_CHECKED, as CloudFormation does for types it cannot check.

As in CloudFormation, only the properties the template declares are checked: a reader's
property the template leaves out is never compared (a role's permissions boundary set outside
the stack on a role declared without one is IN_SYNC), and a declared property the resource no
longer has (a reader's None) is a REMOVE difference. A role's inline policies and managed
policy attachments are not read at all: CloudFormation does not report those added outside
the stack to a role whose template declares no `Policies` / `ManagedPolicyArns`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult
from moto.iam.models import iam_backends
from moto.moto_api._internal import mock_random
from moto.ssm.models import ssm_backends

from provisioner.emulator.extensions._patch import partition

Reader = Callable[[Any, str, str], dict[str, Any] | None]  # resource, account, region


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _ssm_parameter(resource: Any, account: str, region: str) -> dict[str, Any] | None:
    parameter = ssm_backends[account][region].get_parameter(resource.name)
    if parameter is None:
        return None
    return {"Value": parameter.value, "Type": parameter.parameter_type}


def _managed_policy(resource: Any, account: str, region: str) -> dict[str, Any] | None:
    iam = iam_backends[account][partition(region)]
    policy = iam.managed_policies.get(resource.arn)
    if policy is None:
        return None
    version = next(v for v in policy.versions if v.version_id == policy.default_version_id)
    return {"PolicyDocument": _json(version.document)}


def _role(resource: Any, account: str, region: str) -> dict[str, Any] | None:
    iam = iam_backends[account][partition(region)]
    role = iam.roles.get(resource.id)
    if role is None:
        return None
    return {
        "AssumeRolePolicyDocument": _json(role.assume_role_policy_document),
        "Description": role.description,
        "PermissionsBoundary": role.permissions_boundary_arn or None,
    }


def _group(resource: Any, account: str, region: str) -> dict[str, Any] | None:
    iam = iam_backends[account][partition(region)]
    group = iam.groups.get(resource.name)
    if group is None:
        return None
    return {
        "Policies": [
            {"PolicyName": name, "PolicyDocument": _json(document)}
            for name, document in sorted(group.policies.items())
        ]
    }


READERS: dict[str, Reader] = {
    "AWS::SSM::Parameter": _ssm_parameter,
    "AWS::IAM::ManagedPolicy": _managed_policy,
    "AWS::IAM::Role": _role,
    "AWS::IAM::Group": _group,
}


def differences(expected: Any, actual: Any, path: str = "") -> list[dict[str, str]]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                found.append(_difference(f"{path}/{key}", expected[key], None, "REMOVE"))
            elif key not in expected:
                found.append(_difference(f"{path}/{key}", None, actual[key], "ADD"))
            else:
                found += differences(expected[key], actual[key], f"{path}/{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        found = []
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            found += differences(left, right, f"{path}/{index}")
        return found
    if _normal(expected) != _normal(actual):
        return [_difference(path, expected, actual, "NOT_EQUAL")]
    return []


def _normal(value: Any) -> Any:
    # IAM accepts a single string where a list of one is meant, and numbers as strings.
    if isinstance(value, list) and len(value) == 1:
        return _normal(value[0])
    return str(value) if isinstance(value, int | float | bool) else value


def _difference(path: str, expected: Any, actual: Any, kind: str) -> dict[str, str]:
    return {
        "PropertyPath": path,
        "ExpectedValue": json.dumps(expected) if not isinstance(expected, str) else expected,
        "ActualValue": json.dumps(actual) if not isinstance(actual, str) else actual,
        "DifferenceType": kind,
    }


def detect(stack: Any) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    results = []
    resource_map = stack.resource_map
    for logical_id, resource_json in resource_map._resource_json_map.items():
        resource = resource_map._parsed_resources.get(logical_id)
        kind = resource_json["Type"]
        drift: dict[str, Any] = {
            "StackId": stack.stack_id,
            "LogicalResourceId": logical_id,
            "PhysicalResourceId": str(getattr(resource, "physical_resource_id", "") or ""),
            "ResourceType": kind,
            "Timestamp": now,
        }
        reader = READERS.get(kind)
        if reader is None or resource is None:
            drift["StackResourceDriftStatus"] = "NOT_CHECKED"
            results.append(drift)
            continue
        declared = parsing.clean_json(resource_json.get("Properties", {}), resource_map)
        actual = reader(resource, stack.account_id, stack.region_name)
        if actual is None:
            drift["StackResourceDriftStatus"] = "DELETED"
            results.append(drift)
            continue
        expected = {key: declared[key] for key in actual if key in declared}
        actual = {key: actual[key] for key in expected if actual[key] is not None}
        found = differences(expected, actual)
        drift.update(
            ExpectedProperties=json.dumps(expected, sort_keys=True),
            ActualProperties=json.dumps(actual, sort_keys=True),
            PropertyDifferences=found,
            StackResourceDriftStatus="MODIFIED" if found else "IN_SYNC",
        )
        results.append(drift)
    return results


def _detect_stack_drift(self: CloudFormationResponse) -> ActionResult:
    backend = self.cloudformation_backend
    stack = backend.get_stack(self._get_param("StackName"))
    detection_id = str(mock_random.uuid4())
    drifts = detect(stack)
    drifted = [d for d in drifts if d["StackResourceDriftStatus"] in ("MODIFIED", "DELETED")]
    stack.resource_drifts = drifts  # type: ignore[attr-defined]
    detections = backend.__dict__.setdefault("drift_detections", {})
    detections[detection_id] = {
        "StackId": stack.stack_id,
        "StackDriftDetectionId": detection_id,
        "StackDriftStatus": "DRIFTED" if drifted else "IN_SYNC",
        "DetectionStatus": "DETECTION_COMPLETE",
        "DriftedStackResourceCount": len(drifted),
        "Timestamp": datetime.now(UTC),
    }
    stack.drift_information = {  # type: ignore[attr-defined]
        "StackDriftStatus": detections[detection_id]["StackDriftStatus"]
    }
    return ActionResult({"StackDriftDetectionId": detection_id})


def _describe_status(self: CloudFormationResponse) -> ActionResult:
    from moto.cloudformation.exceptions import ValidationError

    detections = self.cloudformation_backend.__dict__.get("drift_detections", {})
    detection_id = self._get_param("StackDriftDetectionId")
    if detection_id not in detections:
        raise ValidationError(message=f"Drift detection {detection_id} does not exist")
    return ActionResult(detections[detection_id])


def _describe_resource_drifts(self: CloudFormationResponse) -> ActionResult:
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    wanted = self._get_param("StackResourceDriftStatusFilters") or []
    drifts = getattr(stack, "resource_drifts", [])
    if wanted:
        drifts = [d for d in drifts if d["StackResourceDriftStatus"] in wanted]
    return ActionResult({"StackResourceDrifts": drifts})


def install() -> None:
    CloudFormationResponse.detect_stack_drift = _detect_stack_drift  # type: ignore[attr-defined]
    CloudFormationResponse.describe_stack_drift_detection_status = (  # type: ignore[attr-defined]
        _describe_status
    )
    CloudFormationResponse.describe_stack_resource_drifts = (  # type: ignore[attr-defined]
        _describe_resource_drifts
    )
