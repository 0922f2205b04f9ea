"""What validate says of the plan: each stack's size and how it deploys, and the operator
policy's size against IAM's limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from provisioner.results.base import Entry

DeployWith = Literal["TemplateBody", "TemplateURL"]


class StackSummary(Entry):
    stack: str
    resources: int
    bytes: int = Field(description="the template's size, UTF-8")
    deploy_with: DeployWith = Field(
        description="TemplateURL when over CloudFormation's 51,200-byte TemplateBody limit"
    )


class PolicySummary(Entry):
    characters: int = Field(description="the operator policy's size as IAM counts it")
    limit: int = Field(description="IAM's managed-policy limit, in characters")
    parts: int = Field(description="how many managed policies it is split into to fit")


def summary_lines(stacks: Sequence[StackSummary], policy: PolicySummary) -> list[str]:
    lines = []
    for stack in stacks:
        how = (
            "TemplateURL (too big for TemplateBody: deploy uploads it to template_bucket)"
            if stack.deploy_with == "TemplateURL"
            else "TemplateBody"
        )
        lines.append(
            f"  stack        {stack.stack}: {stack.resources} resources, "
            f"{stack.bytes:,} bytes → {how}"
        )
    lines.append(
        f"  policy       {policy.characters:,} characters (IAM limit {policy.limit:,}"
        f" per policy: {policy.parts} part{'s' if policy.parts > 1 else ''})"
    )
    return lines
