"""What a change set changes, resource by resource, and what it does to access: shared by
show-changes and deploy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from provisioner.results.base import Entry

if TYPE_CHECKING:  # what the engine converts from: the results load without it
    from provisioner.cfn.security_diff import Grant as SecurityGrant
    from provisioner.cfn.security_diff import SecurityDiff
    from provisioner.deploy.records import ResourceChange


class ChangedTarget(Entry):
    """One property (or resource attribute) a Modify changes, from the change set's Details."""

    attribute: str = Field(description="Properties, Metadata, Tags, DeletionPolicy, ...")
    name: str = Field(description="the top-level property, for Properties; else empty")
    requires_recreation: str = Field(
        description="Never, Conditionally or Always: whether changing it replaces the resource"
    )


class Change(Entry):
    action: str = Field(description="CloudFormation's: Add, Modify, Remove, Import or Dynamic")
    logical_id: str
    type: str = Field(description="the CloudFormation resource type")
    replacement: str = Field(
        description="Modify: True, False or Conditional, as CloudFormation says; else empty"
    )
    changed: list[ChangedTarget] = Field(
        description="Modify: what changes, one entry per property or attribute; else empty"
    )

    @classmethod
    def of(cls, change: ResourceChange) -> Change:
        return cls(
            action=change.action,
            logical_id=change.logical_id,
            type=change.resource_type,
            replacement=change.replacement,
            changed=[
                ChangedTarget(
                    attribute=t.attribute, name=t.name, requires_recreation=t.requires_recreation
                )
                for t in change.targets
            ],
        )


class Grant(Entry):
    """One thing a policy document of the template says, about one resource."""

    resource: str = Field(description="the logical id of the resource holding the document")
    document: str = Field(description="e.g. AssumeRolePolicyDocument, Policies/read, attachment")
    kind: str = Field(description="trust, identity, key, resource or attachment")
    effect: str
    principal: str = Field(description="'-' for an identity policy")
    action: str
    target: str = Field(description="the resource the grant is on; '-' for none")
    condition: str = Field(description="'-' for none")
    broadens: bool = Field(description="this change broadens access")


class AccessChange(Entry):
    """The grants a change adds and removes, IAM statements, trust, key and resource policies
    and policy attachments alike."""

    added: list[Grant]
    removed: list[Grant]
    broadens_access: bool

    @classmethod
    def of(cls, diff: SecurityDiff) -> AccessChange:
        wide = set(diff.broadening)
        return cls(
            added=[_grant(g, g in wide) for g in diff.added],
            removed=[_grant(g, g in wide) for g in diff.removed],
            broadens_access=bool(wide),
        )


def _grant(grant: SecurityGrant, broadens: bool) -> Grant:
    return Grant(
        resource=grant.resource,
        document=grant.document,
        kind=grant.kind,
        effect=grant.effect,
        principal=grant.principal,
        action=grant.action,
        target=grant.target,
        condition=grant.condition,
        broadens=broadens,
    )
