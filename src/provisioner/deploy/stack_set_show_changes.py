"""show-changes (and deploy --dry-run) through stack sets: per set, the template diff and the
security diff (deploy/stack_set_preview.py), and what the deploy would do to each instance.
Read-only: stack sets have no change sets, so nothing is made and nothing is left behind."""

from __future__ import annotations

from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Say
from provisioner.deploy.render import change_table, security_table
from provisioner.deploy.result import ActionResult
from provisioner.deploy.show_changes import gated
from provisioner.deploy.stack_set_gateway import StackSetGateway
from provisioner.deploy.stack_set_preview import SetPreview, preview
from provisioner.deploy.target import DeployTarget
from provisioner.results.changes import AccessChange, Change
from provisioner.results.show_changes import ShowChangesResult
from provisioner.results.stack_sets import InstancePreview, StackSetPreview


def show_stack_set_changes(
    gateway: AwsGateway, target: DeployTarget, say: Say, *, fail_on_broadening: bool = False
) -> ActionResult[ShowChangesResult]:
    """With `fail_on_broadening`, exit BROADENING when a set's change broadens access (a
    first create broadens from nothing), as for single stacks."""
    sets = StackSetGateway.of(gateway, target)
    previews = [_shown(preview(sets, t, target.tags), say) for t in target.stacks]
    result = ShowChangesResult(stacks=[], stack_sets=previews)
    wide = [
        p.stack_set
        for p in previews
        if p.security.broadens_access
        or (p.security_where_created is not None and p.security_where_created.broadens_access)
    ]
    return gated(result, wide, say, fail_on_broadening=fail_on_broadening)


def _shown(seen: SetPreview, say: Say) -> StackSetPreview:
    name, new = seen.name, seen.existing is None
    if seen.no_changes:
        say(f"{name}: no changes")
    else:
        if new:
            say(f"{name}: would create the stack set")
        elif seen.updating:
            say(f"{name}: would update the stack set")
        else:
            say(f"{name}: would add instances (its template as it is)")
        for line in change_table(seen.changes):
            say(line)
    say(f"{name}: security changes (the same in every instance: one template, no overrides)")
    for line in security_table(seen.access, new_stack=new):
        say(line)
    if seen.access.broadening and not new:
        say(f"  {len(seen.access.broadening)} change(s) broaden access")
    if seen.access_where_created is not None:
        where = ", ".join(seen.created_where)
        say(f"{name}: security changes where instances are created ({where}): every grant "
            "of the template, from nothing")  # fmt: skip
        for line in security_table(seen.access_where_created, new_stack=True):
            say(line)
    say(f"{name}: instances")
    for account, region, action in seen.plan:
        say(f"  {account or '(its OUs)'}/{region}: {action}")
    return StackSetPreview(
        stack_set=name,
        operation="CREATE" if new else "UPDATE",
        no_changes=seen.no_changes,
        changes=[Change.of(c) for c in seen.changes],
        security=AccessChange.of(seen.access),
        security_where_created=(
            None
            if seen.access_where_created is None
            else AccessChange.of(seen.access_where_created)
        ),
        instances=[InstancePreview(account=a, region=r, action=x) for a, r, x in seen.plan],
    )
