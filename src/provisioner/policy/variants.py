"""The operator policy in the variants the seeds' "Separate roles by environment" asks for.

Each tool builds its deployer policy; the other variants are cut from it here, so they can
never grant what the deployer does not:

- deployer: show-changes, deploy, test-deploy, delete (dev); `…-iam-policy.json`, the seed's
  file name;
- deployer-no-delete: the same, but the live stacks can never be deleted (staging);
  `…-no-delete-iam-policy.json`;
- reviewer: status, detect-drift and show-changes (change sets made, looked at and deleted,
  never executed); `…-reviewer-iam-policy.json`;
- read-only: status and detect-drift, read actions only; `…-read-only-iam-policy.json`.

In production every variant that changes anything denies changes made without MFA.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from provisioner.cfn.tags import REVIEW_STACK_TAG
from provisioner.naming.tenant import TenantNames
from provisioner.policy.document import DENY, PolicyDocument, Statement, build_document
from provisioner.policy.guardrails import (
    deny_resource_import,
    is_read,
    require_mfa,
    trust_root_denies,
)


class Variant(StrEnum):
    DEPLOYER = "deployer"
    DEPLOYER_NO_DELETE = "deployer-no-delete"
    REVIEWER = "reviewer"
    READ_ONLY = "read-only"

    @property
    def file_infix(self) -> str:
        """Between the stem and `-iam-policy`: the deployer keeps the seed's file name."""
        return {
            Variant.DEPLOYER: "",
            Variant.DEPLOYER_NO_DELETE: "-no-delete",
            Variant.REVIEWER: "-reviewer",
            Variant.READ_ONLY: "-read-only",
        }[self]

    @property
    def actions(self) -> tuple[str, ...]:
        """The tool actions (SPEC §4) this variant is for."""
        reads = ("status", "detect-drift")
        return {
            Variant.DEPLOYER: ("show-changes", "deploy", "test-deploy", "delete", *reads),
            Variant.DEPLOYER_NO_DELETE: ("show-changes", "deploy", "test-deploy", *reads),
            Variant.REVIEWER: ("show-changes", *reads),
            Variant.READ_ONLY: reads,
        }[self]


# What show-changes does beyond reading: make change sets, look at them, delete them.
_REVIEW_STACK_ACTIONS = (
    "cloudformation:CreateChangeSet",
    "cloudformation:DeleteChangeSet",
    "cloudformation:DescribeChangeSet",
)


@dataclass(frozen=True)
class OperatorScope:
    """What a tool tells the variants about its deployer policy."""

    tenant: TenantNames
    production: bool
    deployer: Sequence[Statement]  # the deployer's Allow statements
    stack_statement: str  # Sid of the statement granting the stack actions
    live_stacks: Sequence[str]  # ARN patterns of the live stacks (not test-deploy copies)
    # Sids of statements the reviewer keeps whole (template uploads for show-changes).
    review_statements: Sequence[str] = ()
    # Resource types an IMPORT change set may bring into the stacks: what they retain on delete.
    adoptable_types: Sequence[str] = ()


def operator_variant(scope: OperatorScope, variant: Variant) -> PolicyDocument:
    allows = list(scope.deployer)
    stacks = next(s for s in scope.deployer if s.sid == scope.stack_statement)
    # Only a deployer adopts; the reviewer's show-changes never imports.
    deploys = variant in (Variant.DEPLOYER, Variant.DEPLOYER_NO_DELETE)
    adoptable = scope.adoptable_types if deploys else ()
    denies = [*trust_root_denies(scope.tenant), deny_resource_import(stacks.resources, adoptable)]
    if variant is Variant.READ_ONLY:
        allows = _reads(allows)
    elif variant is Variant.REVIEWER:
        allows = _reads(allows) + _review(scope)
    elif variant is Variant.DEPLOYER_NO_DELETE:
        denies.append(
            Statement(
                "DenyDeletingLiveStacks",
                ("cloudformation:DeleteStack",),
                tuple(scope.live_stacks),
                # show-changes of a new stack deletes the empty stack it made for the review.
                {"StringNotEquals": {f"aws:ResourceTag/{REVIEW_STACK_TAG}": "true"}},
                effect=DENY,
            )
        )
    changing = {a for s in allows for a in s.actions if not is_read(a)}
    if scope.production and changing:
        denies.append(require_mfa(a.split(":", 1)[0] for s in allows for a in s.actions))
    return build_document([*allows, *denies])


def _reads(statements: Sequence[Statement]) -> list[Statement]:
    kept = []
    for statement in statements:
        actions = tuple(a for a in statement.actions if is_read(a))
        if actions:
            kept.append(replace(statement, actions=actions))
    return kept


def _review(scope: OperatorScope) -> list[Statement]:
    stacks = next(s for s in scope.deployer if s.sid == scope.stack_statement)
    # The reviewer's change sets are for looking at: review stacks only, nothing imported.
    extra = [
        replace(stacks, sid="ReviewChangeSets", actions=_REVIEW_STACK_ACTIONS),
        # A stack show-changes had to create for the review (REVIEW_IN_PROGRESS) is deleted
        # again; the tag tells it from a live stack, which the reviewer can never delete.
        replace(
            stacks,
            sid="DeleteReviewStacks",
            actions=("cloudformation:DeleteStack",),
            condition={"StringEquals": {f"aws:ResourceTag/{REVIEW_STACK_TAG}": "true"}},
        ),
    ]
    extra += [s for s in scope.deployer if s.sid in scope.review_statements]
    return extra
