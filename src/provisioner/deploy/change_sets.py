"""Creating, reading and discarding the change set of one stack."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from provisioner.cfn.security_diff import SecurityDiff, security_diff
from provisioner.cfn.tags import REVIEW_STACK_TAG
from provisioner.deploy.change_set_cleanup import Unexecuted, removed_if_interrupted
from provisioner.deploy.errors import AwsFailure
from provisioner.deploy.gateway import AwsGateway, ChangeSetKind
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.records import ChangeSetInfo, StackInfo
from provisioner.deploy.target import DeployTarget, StackTemplate

_PENDING = {"CREATE_PENDING", "CREATE_IN_PROGRESS"}


@dataclass(frozen=True)
class PlannedChange:
    """A stack's change set, created and read, not yet executed."""

    template: StackTemplate
    change_set: ChangeSetInfo
    change_set_type: str  # CREATE | UPDATE

    @property
    def no_changes(self) -> bool:
        return self.change_set.has_no_changes

    @property
    def stack_id(self) -> str:
        return self.change_set.stack_id

    @property
    def unexecuted(self) -> Unexecuted:
        """What Ctrl-C removes until it is executed."""
        cs = self.change_set
        return Unexecuted(self.template.stack_name, cs.change_set_id, self.change_set_type,
                          cs.change_set_id)  # fmt: skip


def access_change(
    gateway: AwsGateway, template: StackTemplate, existing: StackInfo | None
) -> SecurityDiff:
    old: dict[str, Any] | None = gateway.template_of(existing.stack_id) if existing else None
    return security_diff(old, template.document)


def upload_templates(gateway: AwsGateway, target: DeployTarget) -> None:
    """Every template that is deployed by URL, uploaded before any stack changes: a missing
    template bucket stops the action with nothing changed, not after the first stack."""
    for template in target.stacks:
        if template.upload_to is not None:
            gateway.upload_template(*template.upload_to, template.body)


def change_set_name(tool: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{tool}-{stamp}-{secrets.token_hex(3)}"


def create(
    gateway: AwsGateway,
    target: DeployTarget,
    template: StackTemplate,
    existing: StackInfo | None,
    poller: Poller | None = None,
    *,
    review: bool = False,
    name: str | None = None,
    say: Say = lambda _: None,
) -> PlannedChange:
    """`review`: for show-changes; a stack it must create to review is tagged so (see
    cfn/tags.py), which lets the reviewer policy delete it again and no other stack. `name`:
    the change set's, when not a fresh one (a saved plan's). Ctrl-C while it is made removes
    it (change_set_cleanup), saying so with `say`."""
    url = None
    if template.upload_to is not None:
        bucket, key = template.upload_to
        url = gateway.upload_template(bucket, key, template.body)
    kind: ChangeSetKind = "UPDATE" if existing is not None else "CREATE"
    poller = poller or Poller()
    made = Unexecuted(template.stack_name, name or change_set_name(target.tool), kind)
    with removed_if_interrupted(gateway, made, say, poller):
        made.change_set_id = gateway.create_change_set(
            template.stack_name,
            made.name,
            kind,
            body=None if url else template.body,
            url=url,
            description=f"{target.tool} {target.config_stem}",
            tags={**target.tags, REVIEW_STACK_TAG: "true"}
            if review and kind == "CREATE"
            else target.tags,
        )
        while True:
            with gateway.polling():
                info = gateway.describe_change_set(made.change_set_id)
            if info.status not in _PENDING:
                break
            poller.wait(activity=False)
    if info.status == "FAILED" and not info.has_no_changes:
        discard(gateway, PlannedChange(template, info, kind))
        raise AwsFailure(f"{template.stack_name}: change set failed: {info.status_reason}")
    return PlannedChange(template, info, kind)


def discard(gateway: AwsGateway, planned: PlannedChange) -> None:
    """Delete the change set and, for a stack that never existed, the empty stack it made."""
    gateway.delete_change_set(planned.change_set.change_set_id)
    if planned.change_set_type == "CREATE":
        stack = gateway.describe_stack(planned.stack_id or planned.template.stack_name)
        if stack is not None and stack.status == "REVIEW_IN_PROGRESS":
            gateway.delete_stack(stack.stack_id)
