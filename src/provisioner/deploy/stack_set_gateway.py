"""Typed calls to CloudFormation's stack sets, over the run's AwsGateway (its clients, its
retries, its error mapping, its API budget): what the stack-set engine is given back are the
records below, never botocore's dictionaries.

Every call names `CallAs` for a service-managed set run by a delegated administrator: without
it CloudFormation looks for the set among the caller's own and answers StackSetNotFound.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from provisioner.deploy.errors import AwsFailure
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.stack_set_target import StackSetTarget
from provisioner.deploy.target import DeployTarget

if TYPE_CHECKING:
    from types_boto3_cloudformation.client import CloudFormationClient

# An operation is over when it reaches one of these (QUEUED and RUNNING are not).
OPERATION_DONE = frozenset({"SUCCEEDED", "FAILED", "STOPPED"})
OPERATION_RUNNING = frozenset({"RUNNING", "QUEUED", "STOPPING"})


@dataclass(frozen=True)
class StackSetInfo:
    name: str
    stack_set_id: str
    status: str  # ACTIVE | DELETED
    template_body: str
    tags: dict[str, str]


@dataclass(frozen=True)
class StackInstance:
    account: str
    region: str
    status: str  # CURRENT | OUTDATED | INOPERABLE
    detailed_status: str  # SUCCEEDED | FAILED | CANCELLED | PENDING | RUNNING | INOPERABLE…
    reason: str
    stack_id: str
    drift_status: str = "NOT_CHECKED"  # DRIFTED | IN_SYNC | NOT_CHECKED, as last detected

    @property
    def where(self) -> str:
        return f"{self.account}/{self.region}"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    action: str  # CREATE | UPDATE | DELETE | DETECT_DRIFT
    status: str
    reason: str


@dataclass(frozen=True)
class InstanceResult:
    """One account and region's part of an operation."""

    account: str
    region: str
    status: str  # PENDING | RUNNING | SUCCEEDED | FAILED | CANCELLED
    reason: str

    @property
    def where(self) -> str:
        return f"{self.account}/{self.region}"


def _missing(exc: AwsFailure) -> bool:
    return "StackSetNotFound" in str(exc)


class StackSetGateway:
    def __init__(self, gateway: AwsGateway, target: StackSetTarget) -> None:
        self.gateway = gateway
        self.target = target

    @classmethod
    def of(cls, gateway: AwsGateway, target: DeployTarget) -> StackSetGateway:
        """The stack-set calls for `target`, which must deploy through stack sets."""
        if target.stack_set is None:
            raise ValueError(f"{target.config_stem}: no stack-set deployment in the target")
        return cls(gateway, target.stack_set)

    @property
    def _cf(self) -> CloudFormationClient:
        return self.gateway.client("cloudformation")

    def _as(self) -> dict[str, Any]:
        return {"CallAs": self.target.call_as} if self.target.call_as else {}

    def _call(self, what: str, operation: Any, **kwargs: Any) -> Any:
        return self.gateway.call(what, partial(operation, **kwargs, **self._as()))

    # -- the set -----------------------------------------------------------------------------
    def describe(self, name: str) -> StackSetInfo | None:
        try:
            raw = self._call("DescribeStackSet", self._cf.describe_stack_set, StackSetName=name)
        except AwsFailure as exc:
            if _missing(exc):
                return None
            raise
        found = raw["StackSet"]
        if found.get("Status") == "DELETED":
            return None
        return StackSetInfo(
            name=found["StackSetName"],
            stack_set_id=found.get("StackSetId", ""),
            status=found.get("Status", ""),
            template_body=found.get("TemplateBody", ""),
            tags={t["Key"]: t["Value"] for t in found.get("Tags", [])},
        )

    def _template(self, body: str | None, url: str | None) -> dict[str, str]:
        if url:
            return {"TemplateURL": url}
        if body is None:
            raise ValueError("a stack set needs a template body or URL")
        return {"TemplateBody": body}

    def _settings(self, name: str, body: str | None, url: str | None, description: str,
                  tags: dict[str, str]) -> dict[str, Any]:  # fmt: skip
        """What CreateStackSet and UpdateStackSet both set: template, tags, roles."""
        t = self.target
        settings: dict[str, Any] = {
            "StackSetName": name,
            "Description": description[:1024],
            "Capabilities": ["CAPABILITY_NAMED_IAM"],
            "Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())],
            **self._template(body, url),
        }
        if t.administration_role_arn:
            settings["AdministrationRoleARN"] = t.administration_role_arn
        if t.execution_role_name:
            settings["ExecutionRoleName"] = t.execution_role_name
        return settings

    def _start(self, what: str, operation: Any, operation_id: str, **kwargs: Any) -> str:
        """An operation under its own id and the target's preferences; its id."""
        raw = self._call(what, operation, OperationPreferences=self.target.preferences,
                         OperationId=operation_id, **kwargs)  # fmt: skip
        return str(raw["OperationId"])

    def create(self, name: str, *, body: str | None, url: str | None, description: str,
               tags: dict[str, str]) -> None:  # fmt: skip
        kwargs = self._settings(name, body, url, description, tags)
        kwargs["PermissionModel"] = self.target.permission_model
        if self.target.auto_deployment is not None:
            enabled, retain = self.target.auto_deployment
            kwargs["AutoDeployment"] = {
                "Enabled": enabled,
                "RetainStacksOnAccountRemoval": retain,
            }
        self._call("CreateStackSet", self._cf.create_stack_set, **kwargs)

    def update(self, name: str, operation_id: str, *, body: str | None, url: str | None,
               description: str, tags: dict[str, str]) -> str:  # fmt: skip
        return self._start("UpdateStackSet", self._cf.update_stack_set, operation_id,
                           **self._settings(name, body, url, description, tags))  # fmt: skip

    def delete(self, name: str) -> None:
        self._call("DeleteStackSet", self._cf.delete_stack_set, StackSetName=name)

    # -- its instances -------------------------------------------------------------------------
    def instances(self, name: str) -> list[StackInstance]:
        found: list[StackInstance] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"StackSetName": name}
            if token:
                kwargs["NextToken"] = token
            raw = self._call("ListStackInstances", self._cf.list_stack_instances, **kwargs)
            for item in raw.get("Summaries", []):
                detailed = item.get("StackInstanceStatus", {}).get("DetailedStatus", "")
                found.append(
                    StackInstance(
                        account=item["Account"],
                        region=item["Region"],
                        status=item.get("Status", ""),
                        detailed_status=detailed,
                        reason=item.get("StatusReason", ""),
                        stack_id=item.get("StackId", ""),
                        drift_status=item.get("DriftStatus", "NOT_CHECKED"),
                    )
                )
            token = raw.get("NextToken")
            if not token:
                return sorted(found, key=lambda i: (i.region, i.account))

    def _targets(self, accounts: tuple[str, ...] | None) -> dict[str, Any]:
        t = self.target
        if t.organizational_units is None:
            return {"Accounts": list(accounts if accounts is not None else t.accounts or ())}
        targets: dict[str, Any] = {"OrganizationalUnitIds": list(t.organizational_units)}
        if t.accounts:
            targets["Accounts"] = list(t.accounts)
            targets["AccountFilterType"] = t.account_filter or "NONE"
        return {"DeploymentTargets": targets}

    def create_instances(self, name: str, operation_id: str, regions: tuple[str, ...],
                         accounts: tuple[str, ...] | None = None) -> str:  # fmt: skip
        return self._start("CreateStackInstances", self._cf.create_stack_instances,
                           operation_id, StackSetName=name, Regions=list(regions),
                           **self._targets(accounts))  # fmt: skip

    def delete_instances(self, name: str, operation_id: str, regions: tuple[str, ...],
                         accounts: tuple[str, ...] | None = None) -> str:  # fmt: skip
        # RetainStacks False: the templates' own DeletionPolicy keeps what must be kept.
        return self._start("DeleteStackInstances", self._cf.delete_stack_instances,
                           operation_id, StackSetName=name, Regions=list(regions),
                           RetainStacks=False, **self._targets(accounts))  # fmt: skip

    def detect_drift(self, name: str, operation_id: str) -> str:
        return self._start("DetectStackSetDrift", self._cf.detect_stack_set_drift,
                           operation_id, StackSetName=name)  # fmt: skip

    # -- operations ----------------------------------------------------------------------------
    def operation(self, name: str, operation_id: str) -> Operation:
        raw = self._call(
            "DescribeStackSetOperation",
            self._cf.describe_stack_set_operation,
            StackSetName=name,
            OperationId=operation_id,
        )["StackSetOperation"]
        return Operation(
            operation_id=raw["OperationId"],
            action=raw.get("Action", ""),
            status=raw.get("Status", ""),
            reason=raw.get("StatusReason", ""),
        )

    def running(self, name: str) -> Operation | None:
        """The operation running on the set, if any (another run's, or one this run lost)."""
        raw = self._call(
            "ListStackSetOperations", self._cf.list_stack_set_operations, StackSetName=name
        )
        for item in raw.get("Summaries", []):
            if item.get("Status") in OPERATION_RUNNING:
                return Operation(
                    operation_id=item["OperationId"],
                    action=item.get("Action", ""),
                    status=item["Status"],
                    reason=item.get("StatusReason", ""),
                )
        return None

    def results(self, name: str, operation_id: str) -> list[InstanceResult]:
        found: list[InstanceResult] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"StackSetName": name, "OperationId": operation_id}
            if token:
                kwargs["NextToken"] = token
            raw = self._call(
                "ListStackSetOperationResults", self._cf.list_stack_set_operation_results,
                **kwargs,
            )  # fmt: skip
            found += [
                InstanceResult(
                    account=item.get("Account", ""),
                    region=item.get("Region", ""),
                    status=item.get("Status", ""),
                    reason=item.get("StatusReason", ""),
                )
                for item in raw.get("Summaries", [])
            ]
            token = raw.get("NextToken")
            if not token:
                return sorted(found, key=lambda r: (r.region, r.account))
