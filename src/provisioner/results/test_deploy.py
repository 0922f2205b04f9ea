"""test-deploy: a deploy under a random suffix, a smoke check of every resource through its
own service API, and the cleanup."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from provisioner.results.base import Entry, Result
from provisioner.results.delete import DeleteResult
from provisioner.results.deploy import DeployResult


class SmokeCheck(Entry):
    stack: str
    logical_id: str
    type: str
    physical_id: str
    ok: bool = Field(description="the resource is as declared")
    detail: str = Field(description="what the check saw, or what differs")


class TestDeployResult(Result):
    __test__: ClassVar[bool] = False  # a result, not a test class for pytest to collect

    suffix: str = Field(description="the random suffix the stacks were deployed under")
    stacks: list[str] = Field(description="the suffixed stacks, in deploy order")
    deploy: DeployResult | None = Field(description="null: interrupted before it ended")
    smoke: list[SmokeCheck] | None = Field(
        description="null: the deploy did not succeed, or went through stack sets (no smoke "
        "check there: the instances are in the target accounts)"
    )
    interrupted: str | None = Field(description="what Ctrl-C interrupted; null if nothing")
    kept: bool = Field(description="--keep: the stacks were left deployed")
    cleanup: DeleteResult | None = Field(description="null with --keep")
    canary: list[str] | None = Field(
        default=None,
        description="through stack sets: the canary's `{account}/{region}`, where the test "
        "stack sets had their one instance; null otherwise",
    )

    def failing_resources(self) -> list[str]:
        return [] if self.deploy is None else self.deploy.failing_resources()
