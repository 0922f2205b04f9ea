"""The operator's policy for a config that deploys through a self-managed stack set: what the
identity in the administration account (the config's account) needs to run deploy, status and
delete through the stack-set engine (deploy/stack_set_*.py), and nothing else.

The operator never acts in the target accounts: CloudFormation does, with the administration
role this policy lets the operator pass, which may only assume the execution role of each
target account (roles.py). So what a stack set can do there is bounded by the execution role;
what is bounded here is which stack sets the operator may drive, where, and under which role:

- the config's stack sets only (`stackset/{stack}:*`), and its test-deploy canary's (the
  stacks' test-deploy form, `t????` for the suffix), in the config's region and account;
- instances only in the config's target accounts (`stackset-target`) and regions
  (`cloudformation:TargetRegion`);
- a new stack set only with the administration role (`cloudformation:RoleArn`), and that role
  passed only to CloudFormation. A set created under another name gets no instances (the
  instance actions name the config's sets), and one naming another execution role reaches
  nothing: the administration role may assume only the tool's execution roles.

IAM's Service Authorization Reference lists `stackset-target` and `type` resources for
CreateStackInstances, DeleteStackInstances and UpdateStackSet beside the stack set itself; a
request must be allowed on each resource it names. AWS documents them with service-managed
examples; they are granted here too (scoped), so a self-managed request is allowed whichever
of them CloudFormation checks. Resource types are not limited: the execution role bounds what
a template can create.

No aws:RequestTag condition: the tool puts no tags on its stack sets (DeployTarget.tags stays
empty), so a condition would only refuse the create.
"""

from __future__ import annotations

from provisioner.policy.document import PolicyDocument, Statement, build_document
from provisioner.policy.guardrails import CLOUDFORMATION, pass_role, require_mfa, trust_root_denies
from provisioner.stack_sets.names import stack_set_name
from provisioner.stack_sets.roles import StackSetSubject

# Every stack-set call the engine makes on a set, and the two it may need when someone stops a
# stuck operation or checks drift by hand with the same identity.
STACK_SET_ACTIONS = (
    "cloudformation:CreateStackInstances",
    "cloudformation:DeleteStackInstances",
    "cloudformation:DeleteStackSet",
    "cloudformation:DescribeStackSet",
    "cloudformation:DescribeStackSetOperation",
    "cloudformation:DetectStackSetDrift",
    "cloudformation:ListStackInstances",
    "cloudformation:ListStackSetOperationResults",
    "cloudformation:ListStackSetOperations",
    "cloudformation:StopStackSetOperation",
    "cloudformation:UpdateStackSet",
)
# The actions IAM also authorizes on the set's targets and its template's resource types.
TARGETED_ACTIONS = (
    "cloudformation:CreateStackInstances",
    "cloudformation:DeleteStackInstances",
    "cloudformation:UpdateStackSet",
)
TARGET_REGION = "cloudformation:TargetRegion"
# Where deploy puts an uploaded template in the bucket (cli/local_actions.template_key).
TEMPLATE_KEY_PREFIX = "templates/"


def stack_set_operator_policy(subject: StackSetSubject) -> PolicyDocument:
    """The operator's policy for `subject`'s self-managed stack sets (see the module's
    docstring): deploy, status, detect-drift and delete through the stack-set engine."""
    p, account, home = subject.partition, subject.administration_account, subject.home_region
    sets = tuple(
        p.arn("cloudformation", home, account, f"stackset/{stack_set_name(s)}:*")
        for s in subject.all_stacks
    )
    administration_role = p.iam_arn(account, f"role/{subject.names.administration_role}")
    # ForAllValues: a request naming no target region (a read, a set-level call) is not held
    # back by it; one naming any region outside the config's is.
    in_regions = {"ForAllValues:StringEqualsIgnoreCase": {TARGET_REGION: list(subject.regions)}}
    # `stackset-target/{stack set id}/{account or OU}`; AWS's examples write its region as `*`.
    targets = tuple(
        p.arn("cloudformation", "*", account, f"stackset-target/{stack_set_name(s)}:*/{a}")
        for s in subject.all_stacks
        for a in subject.target_accounts
    )
    any_type = p.arn("cloudformation", "*", "*", "type/resource/*")
    statements = [
        Statement("CloudFormationStackSetManagement", STACK_SET_ACTIONS, sets, in_regions),
        Statement(
            "CloudFormationStackSetTargets", TARGETED_ACTIONS, (*targets, any_type), in_regions
        ),
        # IAM defines no resource for CreateStackSet: only the role it runs under is bounded.
        Statement(
            "CloudFormationStackSetCreate",
            ("cloudformation:CreateStackSet",),
            ("*",),
            {"StringEquals": {"cloudformation:RoleArn": administration_role}},
        ),
        pass_role("PassAdministrationRole", administration_role, CLOUDFORMATION),
    ]
    if subject.template_bucket is not None:
        # Put: deploy uploads what is over TemplateBody's limit; Get: CloudFormation reads a
        # TemplateURL with the caller's credentials.
        statements.append(
            Statement(
                "S3TemplateUpload",
                ("s3:GetObject", "s3:PutObject"),
                (p.s3_arn(f"{subject.template_bucket}/{TEMPLATE_KEY_PREFIX}*"),),
            )
        )
    scope = subject.operator_scope(account, home)
    denies = trust_root_denies(scope.tenant)
    if scope.production:
        # The operator's own calls start every stack-set operation: in production, with MFA.
        denies.append(require_mfa(a.split(":", 1)[0] for s in statements for a in s.actions))
    return build_document([*statements, *denies])
