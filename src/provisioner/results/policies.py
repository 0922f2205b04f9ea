"""create-policy / export-iam-policy: the policy files written, and which policies had to be
split to fit IAM's managed-policy limit."""

from __future__ import annotations

from pydantic import Field

from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS
from provisioner.results.base import Entry, Result


class PolicyFile(Entry):
    path: str = Field(description="the file written")
    characters: int = Field(description="its size as IAM counts it")
    limit: int = Field(description="IAM's managed-policy limit, in characters")


class SplitPolicy(Entry):
    policy: str = Field(description="the policy's file stem")
    parts: int = Field(description="how many policies it is split into: attach them all")


class PoliciesWritten(Result):
    tier: str
    files: list[PolicyFile]
    split: list[SplitPolicy]
    removed: list[str] = Field(description="parts of an earlier, differently split policy, removed")

    def text(self, config: str) -> list[str]:
        lines = [f"wrote {f.path} ({f.characters:,} of {f.limit:,} characters)" for f in self.files]
        lines += [
            f"{s.policy}: the {self.tier} tier's policy exceeds IAM's "
            f"{MANAGED_POLICY_MAX_CHARS:,}-character managed-policy limit, so it is split into "
            f"{s.parts} policies: attach all {s.parts} to the operator"
            for s in self.split
        ]
        return lines
