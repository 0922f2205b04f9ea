"""What a smoke check is: after a test-deploy, one resource read back through its own
service's API and compared with what the template declared, where the declaration is a
literal. Each type's check lives in its module; the deploy engine runs them
(deploy/smoke.py) with `deploy/service_reads.py`, which this protocol describes, so the
checks stay pure (no boto3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class ServiceReads(Protocol):
    """The read-only calls smoke checks make, one per service read."""

    def get_role(self, name: str) -> dict[str, Any]: ...
    def get_group(self, name: str) -> dict[str, Any]: ...
    def get_managed_policy(self, arn: str) -> dict[str, Any]: ...
    def get_repository(self, name: str) -> dict[str, Any]: ...
    def get_build_project(self, name: str) -> dict[str, Any] | None: ...
    def get_pipeline(self, name: str) -> dict[str, Any]: ...
    def get_model_package_group(self, name: str) -> dict[str, Any]: ...
    def get_parameter(self, name: str) -> str: ...
    def bucket_versioning(self, bucket: str) -> str: ...
    def bucket_policy(self, bucket: str) -> dict[str, Any]: ...
    def describe_key(self, key_id: str) -> dict[str, Any]: ...
    def key_rotation_enabled(self, key_id: str) -> bool: ...
    def log_group(self, name: str) -> dict[str, Any] | None: ...
    def topic_attributes(self, arn: str) -> dict[str, str]: ...
    def events_rule(self, name: str) -> dict[str, Any]: ...
    def dashboard(self, name: str) -> dict[str, Any]: ...
    def security_group(self, group_id: str) -> dict[str, Any]: ...
    def vpc_endpoint(self, endpoint_id: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Declared:
    """A resource as the template declared it, and what CloudFormation made of it."""

    logical_id: str
    type: str
    physical_id: str
    properties: dict[str, Any]
    physical_ids: dict[str, str]  # every logical id of the stack → its physical id

    def name(self, key: str) -> str:
        """The resource's name as declared, else its physical id (which is not always the
        name: a repository's is its id, a model package group's its ARN)."""
        declared = self.literal(key)
        return declared if isinstance(declared, str) and declared else self.physical_id

    def literal(self, key: str) -> Any:
        value = self.properties.get(key)
        if (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)).startswith(("Fn::", "Ref"))
        ):
            if "Ref" in value and isinstance(value["Ref"], str):
                return self.physical_ids.get(value["Ref"])
            return None
        return value


# Returns what it saw; raises SmokeMismatch when that is not what the template declared.
SmokeCheck = Callable[[ServiceReads, Declared], str]


class SmokeMismatch(Exception):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeMismatch(message)
