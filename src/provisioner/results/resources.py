"""list-resources: every resource the config plans, with its physical name."""

from __future__ import annotations

from pydantic import Field

from provisioner.results.base import Entry, Result


class PlannedResource(Entry):
    stack: str
    logical_id: str
    type: str = Field(description="the CloudFormation resource type")
    physical_name: str


class ResourceList(Result):
    stacks: list[str] = Field(description="the stacks, in deploy order")
    resources: list[PlannedResource]

    def text(self, config: str) -> list[str]:
        rows = [("STACK", "LOGICAL ID", "TYPE", "PHYSICAL NAME")]
        rows += [(r.stack, r.logical_id, r.type, r.physical_name) for r in self.resources]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            f"{stack:<{widths[0]}}  {logical_id:<{widths[1]}}  {kind:<{widths[2]}}  {name}"
            for stack, logical_id, kind, name in rows
        ]
        count = len(self.stacks)
        lines.append(f"{len(self.resources)} resources in {count} stack{'s' if count > 1 else ''}")
        return lines
