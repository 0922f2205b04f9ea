"""What the engine is given: rendered templates in deploy order and where their outputs go.

The CLI builds a target from the core's plans; the engine never builds templates itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from provisioner.deploy.stack_set_target import StackSetTarget


@dataclass(frozen=True)
class PublishedAt:
    """Where an administrator publishes a template the operator may deploy but not write (a
    service-managed stack set's), and how, for the refusal when it is not there."""

    bucket: str
    key: str
    how: str
    owner: str  # the account the bucket must belong to (the config's): read with that expectation


@dataclass(frozen=True)
class StackTemplate:
    stack_name: str
    body: str
    # (bucket, key) when the body is over CloudFormation's TemplateBody limit: upload, deploy by URL
    upload_to: tuple[str, str] | None = None
    # Deployed by URL from there, never uploaded by the deploy; read back and compared first.
    published: PublishedAt | None = None

    @cached_property
    def document(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    @property
    def resource_count(self) -> int:
        return len(self.document.get("Resources", {}))

    def retained(self) -> list[tuple[str, str]]:
        """(logical id, type) of the resources kept when the stack is deleted."""
        return [
            (logical_id, body["Type"])
            for logical_id, body in sorted(self.document.get("Resources", {}).items())
            if body.get("DeletionPolicy") == "Retain"
        ]


@dataclass(frozen=True)
class Prerequisite:
    """What must exist before a deploy: at least one SSM parameter under `path`."""

    path: str
    missing: str  # what to tell the user when it does not


@dataclass(frozen=True)
class DeployTarget:
    tool: str
    config_stem: str
    region: str
    stacks: tuple[StackTemplate, ...]  # in deploy order; deleted in reverse
    ssm_path: str  # the outputs' parameters live under this path
    production: bool
    account_id: str | None = None  # the credentials must act in this account
    tags: dict[str, str] = field(default_factory=dict)
    # Live targets skip the parameters of test-deploys, which live in child paths of theirs.
    foreign_children: str | None = None
    prerequisites: tuple[Prerequisite, ...] = ()
    # Set when the config deploys its stacks through stack sets (its `deployment` section).
    stack_set: StackSetTarget | None = None
    # A test-deploy's suffix where the target chose it (a service-managed set's canary, whose
    # templates are published ahead of the run); None: the run's own.
    test_suffix: str | None = None

    def own_parameters(self, found: Mapping[str, str]) -> dict[str, str]:
        """Of the parameters found under `ssm_path`, those of this target."""
        return {name: value for name, value in found.items() if self._owns(name)}

    def _owns(self, name: str) -> bool:
        if self.foreign_children is None:
            return True
        rest = name[len(self.ssm_path) :].lstrip("/")
        child = rest.split("/", 1)[0] if "/" in rest else ""
        return not re.fullmatch(self.foreign_children, child)

    @property
    def stack_names(self) -> list[str]:
        return [s.stack_name for s in self.stacks]
