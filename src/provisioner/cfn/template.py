"""A planned stack: resources that know their physical name and ARN, rendered as JSON.

Rendering is deterministic (sorted keys, no whitespace), so the same config always gives
byte-identical templates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES
from provisioner.cfn.intrinsics import Json, referenced_ids

RETAIN = "Retain"


@dataclass(frozen=True)
class PlannedResource:
    """One CloudFormation resource plus what the operator policy must cover for it."""

    logical_id: str
    type: str
    properties: dict[str, Json]
    physical_name: str
    arn: str
    retain: bool = False
    depends_on: tuple[str, ...] = ()
    description: str = ""

    @property
    def service(self) -> str:
        return self.type.split("::")[1].lower()

    def references(self) -> set[str]:
        return referenced_ids(self.properties) | set(self.depends_on)

    def to_cfn(self) -> dict[str, Json]:
        body: dict[str, Json] = {"Type": self.type, "Properties": self.properties}
        if self.retain:
            body["DeletionPolicy"] = RETAIN
            body["UpdateReplacePolicy"] = RETAIN
        if self.depends_on:
            body["DependsOn"] = sorted(self.depends_on)
        return body


@dataclass(frozen=True)
class Output:
    logical_id: str
    value: Json
    description: str


@dataclass(frozen=True)
class StackPlan:
    """Everything one stack will hold."""

    stack_name: str
    description: str
    resources: tuple[PlannedResource, ...]
    outputs: tuple[Output, ...] = ()
    metadata: dict[str, Json] = field(default_factory=dict)

    def resource(self, logical_id: str) -> PlannedResource:
        for resource in self.resources:
            if resource.logical_id == logical_id:
                return resource
        raise KeyError(logical_id)

    def to_cfn(self) -> dict[str, Json]:
        template: dict[str, Json] = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": self.description,
            "Resources": {r.logical_id: r.to_cfn() for r in self.resources},
        }
        if self.metadata:
            template["Metadata"] = self.metadata
        if self.outputs:
            template["Outputs"] = {
                o.logical_id: {"Description": o.description, "Value": o.value} for o in self.outputs
            }
        return template

    def render(self) -> str:
        return render_json(self.to_cfn())

    @property
    def body_bytes(self) -> int:
        return len(self.render().encode("utf-8"))

    @property
    def needs_template_url(self) -> bool:
        return self.body_bytes > TEMPLATE_BODY_MAX_BYTES


def render_json(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
