"""deploy through stack sets: each of the config's stacks is a stack set of its name, its
instances in every target account and region.

- A set that does not exist is created, then its instances (one operation over the targets).
- A set that exists is updated when its template or tags differ (one operation that reaches
  every instance), and instances the targets name but the set lacks are added.
- An instance that is not CURRENT (an earlier operation failed on it) is brought up to date
  by the same update, even when nothing else differs.
- Nothing differs and every instance is there and CURRENT: no operation, "no changes".

Each set is read once, first, as show-changes reads it (stack_set_preview.py): in
production a change that broadens access is refused before anything changes, unless
--allow-broadening says it may, as for single stacks: a first create broadens from nothing,
and so does each instance a set grows by.

A stack's set is deployed before the next stack's, as single stacks are: a SEC tenant's
second stack may need its first. The first set that fails stops the deploy (exit 1); an
operation within its failure tolerance that left instances failed counts as failed too,
naming each: a rollout that did not reach every target is not done.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from provisioner.deploy.apply import check_prerequisites, refuse_broadening
from provisioner.deploy.change_sets import upload_templates
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.progress import Poller, Say
from provisioner.deploy.result import ActionResult
from provisioner.deploy.stack_set_gateway import StackInstance, StackSetGateway, StackSetInfo
from provisioner.deploy.stack_set_operations import Ran, run_operation
from provisioner.deploy.stack_set_preview import SetPreview, gate_inputs, preview
from provisioner.deploy.target import DeployTarget, StackTemplate
from provisioner.exit_codes import ExitCode
from provisioner.results.deploy import DeployResult
from provisioner.results.stack_sets import InstanceEntry, StackSetEntry


def deploy_stack_sets(
    gateway: AwsGateway,
    target: DeployTarget,
    say: Say,
    poller: Poller | None = None,
    *,
    allow_broadening: bool = False,
) -> ActionResult[DeployResult]:
    """In production, a change that broadens access (a first create broadens from nothing)
    is refused before anything changes, unless allowed, as for single stacks."""
    sets = StackSetGateway.of(gateway, target)
    if target.account_id in (sets.target.accounts or ()):
        # The config's own account is a target: what its instance needs is checked there
        # first, as for single stacks. Other accounts the operator cannot read; their
        # instances fail with IAM's own reason, named.
        check_prerequisites(gateway, target)
    previews = [preview(sets, template, target.tags) for template in target.stacks]
    if target.production and not allow_broadening:
        refuse_broadening(target, *gate_inputs(previews))
    upload_templates(gateway, target)
    for template in target.stacks:  # every published one checked before any set changes
        _url(gateway, template)
    done: list[StackSetEntry] = []
    for template, seen in zip(target.stacks, previews, strict=True):
        entry = _deploy_one(sets, target, template, seen, say, poller)
        done.append(entry)
        if entry.result == "failed":
            return ActionResult(_result(done), ExitCode.AWS_FAILURE)
    return ActionResult(_result(done))


def _result(done: list[StackSetEntry]) -> DeployResult:
    # The instances' stacks, and the SSM parameters their outputs make, are in the target
    # accounts: the stack-set entries say where they went.
    return DeployResult(
        stacks=[], ssm_parameters=None, parameters_not_matching_outputs=[], stack_sets=done
    )


def _url(gateway: AwsGateway, template: StackTemplate) -> str | None:
    """The TemplateURL to deploy `template` by; None to send its body (once per run each)."""
    if template.published is not None:
        at = template.published
        return gateway.published_template_url(at.bucket, at.key, template.body, at.how, at.owner)
    if template.upload_to is None:
        return None
    return gateway.upload_template(*template.upload_to, template.body)


def _deploy_one(
    sets: StackSetGateway,
    target: DeployTarget,
    template: StackTemplate,
    seen: SetPreview,
    say: Say,
    poller: Poller | None,
) -> StackSetEntry:
    """The set as the preview read it: created, updated (seen.updating) and grown."""
    name = seen.name
    url = _url(sets.gateway, template)
    body = None if url else template.body
    description = f"{target.tool} {target.config_stem}"
    existing = seen.existing
    ran: list[Ran] = []
    instances = list(seen.instances)
    if existing is None:
        say(f"{name}: creating the stack set ({sets.target.permission_model.lower()})")
        sets.create(name, body=body, url=url, description=description, tags=target.tags)
    else:
        _warn_of_untargeted(name, sets, instances, say)
        if seen.updating:
            stale = [i for i in instances if i.status != "CURRENT"]
            why = f" ({len(stale)} not current)" if stale else ""
            say(f"{name}: updating the stack set and its {len(instances)} instance(s){why}")
            update = partial(sets.update, name, body=body, url=url,
                             description=description, tags=target.tags)  # fmt: skip
            ran.append(run_operation(sets, name, update, say, poller))
    if all(r.succeeded and not r.failed_instances for r in ran):
        for accounts, regions in _missing(sets, instances):
            where = f"{len(regions)} region(s)" + (f" × {len(accounts)} account(s)"
                                                   if accounts else " of its OUs")  # fmt: skip
            say(f"{name}: adding instances in {where}")
            add = partial(sets.create_instances, name, regions=regions, accounts=accounts)
            ran.append(run_operation(sets, name, add, say, poller))
            if not ran[-1].succeeded or ran[-1].failed_instances:
                break
    return _entry(name, existing, ran, say)


def _warn_of_untargeted(
    name: str, sets: StackSetGateway, instances: list[StackInstance], say: Say
) -> None:
    """Instances the targets no longer name are left as they are (removing them deletes what
    they hold): said, with how to remove them."""
    wanted = sets.target.wanted()
    if wanted is None:
        return
    extra = sorted(i.where for i in instances if (i.account, i.region) not in wanted)
    if extra:
        say(
            f"warning: {name} has instances its targets no longer name, left as they are: "
            f"{', '.join(extra)}; remove them with aws cloudformation delete-stack-instances"
        )


def _missing(
    sets: StackSetGateway, instances: list[StackInstance]
) -> list[tuple[tuple[str, ...] | None, tuple[str, ...]]]:
    """The CreateStackInstances calls that add what the targets lack: (accounts, regions)
    pairs whose every combination is missing (accounts None: the OUs'). Regions that lack the
    same accounts go in one call, in the deployment's region order."""
    t = sets.target
    have = {(i.account, i.region) for i in instances}
    wanted = t.wanted()
    if wanted is None:  # OUs: a region is missing when no instance is in it yet
        regions = tuple(r for r in t.regions if not any(i.region == r for i in instances))
        return [(None, regions)] if regions else []
    lacking: defaultdict[tuple[str, ...], list[str]] = defaultdict(list)
    for region in t.regions:
        accounts = tuple(a for a in t.accounts or () if (a, region) not in have)
        if accounts:
            lacking[accounts].append(region)
    return [(accounts, tuple(regions)) for accounts, regions in lacking.items()]


def _entry(name: str, existing: StackSetInfo | None, ran: list[Ran], say: Say) -> StackSetEntry:
    failed: list[InstanceEntry] = [i for r in ran for i in r.failed_instances]
    ok = all(r.succeeded for r in ran) and not failed
    if not ok:
        for r in ran:
            if not r.succeeded:
                say(f"{name}: operation {r.operation.operation_id} {r.operation.status}"
                    + (f": {r.operation.reason}" if r.operation.reason else ""))  # fmt: skip
        for instance in failed:
            say(f"{name}: {instance.account}/{instance.region} {instance.status}: "
                f"{instance.reason or 'no reason given'}")  # fmt: skip
    result = (
        "failed" if not ok
        else "created" if existing is None
        else "updated" if ran
        else "no changes"
    )  # fmt: skip
    say(f"{name}: {result}")
    return StackSetEntry(
        stack_set=name,
        result=result,
        operations=[r.operation for r in ran],
        instances=failed,
        waited_for=[w for r in ran for w in r.waited_for],
    )
