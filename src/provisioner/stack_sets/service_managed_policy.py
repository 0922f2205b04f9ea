"""The operator's policy for a config that deploys through a service-managed stack set: what
the identity in the organization's management account, or in a delegated administrator
account, needs to run deploy, status, detect-drift and delete through the stack-set engine,
and nothing else (pure).

CloudFormation deploys a service-managed set's instances with the StackSets service-linked
role of each member account, which holds administrator rights there. No policy of the tool's
reaches that role, so what is bounded is what the operator submits (published.py):

- a stack set is created only with the TemplateURL of a template an administrator published,
  and updated only with its own (`cloudformation:TemplateUrl`, StringEquals: a request with a
  TemplateBody carries no such key and is refused); so the service-linked roles only
  ever deploy templates the tool generated and an administrator published, whose grants the
  tool's proofs cover;
- the config's stack sets only (`stackset/{stack}:*`), instances only in the config's OUs and
  listed accounts (`stackset-target`) and regions (`cloudformation:TargetRegion`);
- the published templates are read, never written (no s3:PutObject), and only from a bucket of
  the config's account (`s3:ResourceAccount`).

A delegated administrator's stack sets live in the management account (CloudFormation's
`CallAs` documentation), whose id the config does not hold: their ARNs name any account
there, which a delegated administrator's calls cannot leave (CloudFormation takes them only
for its own organization's management account).

test-deploy's canary sets (their suffix derived from the live templates, published.py) are
created from their own published templates, on the canary account only; they are never
updated (one suffix, one template), so no UpdateStackSet is allowed on them.

What IAM cannot hold (docs/operator-policy.md): CreateStackSet has no resource, so a set of
one of the config's names may be created from any of the config's published templates; no
instance action names the template, so a set spreads what it holds until it is updated or
deleted; no condition key holds the account filter, so the OUs are the bound. And an account
that joins an OU later gets the set's current template from CloudFormation, without a run of
the tool (which is what auto-deployment means).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from provisioner.partition import Partition
from provisioner.policy.document import PolicyDocument, Statement, build_document
from provisioner.policy.guardrails import require_mfa, trust_root_denies
from provisioner.policy.variants import OperatorScope
from provisioner.stack_sets.names import stack_set_name
from provisioner.stack_sets.operator_policy import STACK_SET_ACTIONS, TARGET_REGION
from provisioner.stack_sets.published import PublishedTemplate

TEMPLATE_URL = "cloudformation:TemplateUrl"


@dataclass(frozen=True)
class ServiceManagedSubject:
    """What the policy needs of one config, whichever tool made it."""

    partition: Partition
    account: str  # the config's: the management account, or the delegated administrator's
    home_region: str  # where the stack sets live
    delegated_admin: bool
    organizational_units: tuple[str, ...]
    accounts: tuple[str, ...]  # the account filter's, if any
    regions: tuple[str, ...]
    published: Mapping[str, PublishedTemplate]  # stack → its published template, in order
    # test-deploy's: its stacks (under the suffix published.canary_suffix derives) → their
    # published templates, and the one account its canary deploys to (None: no test-deploy).
    canary: Mapping[str, PublishedTemplate]
    canary_account: str | None
    # The operator's scope for the config (its trust root, whether it is production).
    operator_scope: Callable[[], OperatorScope]

    @property
    def stacks(self) -> tuple[str, ...]:
        return tuple(self.published)

    @property
    def all_published(self) -> tuple[PublishedTemplate, ...]:
        """The live stacks' templates, and the canary's where test-deploy can run."""
        canary = tuple(self.canary.values()) if self.canary_account is not None else ()
        return (*self.published.values(), *canary)


def service_managed_operator_policy(subject: ServiceManagedSubject) -> PolicyDocument:
    """The operator's policy for `subject`'s service-managed stack sets (the module's
    docstring)."""
    p, home = subject.partition, subject.home_region
    owner = "*" if subject.delegated_admin else subject.account

    def stack_set(stack: str) -> str:
        return p.arn("cloudformation", home, owner, f"stackset/{stack_set_name(stack)}:*")

    # `stackset-target/{stack set id}/{OU or account}`, its region as `*` as for self-managed
    # sets (operator_policy.py). Any set's: every call naming a target names its set too, and
    # the set's own ARN is the config's alone; so the policy stays within IAM's size.
    canary = (subject.canary_account,) if subject.canary_account is not None else ()
    targets = tuple(
        p.arn("cloudformation", "*", owner, f"stackset-target/*/{t}")
        for t in dict.fromkeys((*subject.organizational_units, *subject.accounts, *canary))
    )
    sets = tuple(stack_set(t.stack) for t in subject.all_published)

    in_regions = {"ForAllValues:StringEqualsIgnoreCase": {TARGET_REGION: list(subject.regions)}}
    any_type = p.arn("cloudformation", "*", "*", "type/resource/*")
    urls = [t.url for t in subject.all_published]
    statements = [
        Statement(
            "CloudFormationStackSetManagement",
            tuple(a for a in STACK_SET_ACTIONS if a != "cloudformation:UpdateStackSet"),
            sets,
            in_regions,
        ),
        Statement(
            "CloudFormationStackSetTargets",
            ("cloudformation:CreateStackInstances", "cloudformation:DeleteStackInstances"),
            (*targets, any_type),
            # These always name their regions: one that names none is refused.
            {**in_regions, "Null": {TARGET_REGION: "false"}},
        ),
        # IAM defines no resource for CreateStackSet: what it deploys is bounded by its URL.
        Statement(
            "CloudFormationStackSetCreate",
            ("cloudformation:CreateStackSet",),
            ("*",),
            {"StringEquals": {TEMPLATE_URL: urls}},
        ),
    ]
    for number, (stack, published) in enumerate(subject.published.items(), start=1):
        statements.append(
            Statement(
                f"CloudFormationStackSetUpdate{number}",
                ("cloudformation:UpdateStackSet",),
                (stack_set(stack), *targets, any_type),
                {**in_regions, "StringEquals": {TEMPLATE_URL: published.url}},
            )
        )
    statements.append(
        # Deploy reads each back to compare it with the reviewed one; CloudFormation reads a
        # TemplateURL with the caller's credentials. Only from the config's account's bucket:
        # a bucket of that name anyone else holds (a typo, a deleted bucket taken) is refused.
        Statement(
            "S3PublishedTemplates",
            ("s3:GetObject",),
            tuple(p.s3_arn(f"{t.bucket}/{t.key}") for t in subject.all_published),
            {"StringEquals": {"s3:ResourceAccount": subject.account}},
        )
    )
    scope = subject.operator_scope()
    denies = trust_root_denies(scope.tenant)
    if scope.production:
        denies.append(require_mfa(a.split(":", 1)[0] for s in statements for a in s.actions))
    return build_document([*statements, *denies])
