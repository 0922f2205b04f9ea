"""Who may do what to an ML use case: persona × use case, computed, never hand-written.

Each cell evaluates (policy/evaluation.py) the requests IAM would see when a persona role calls
one key action on the use case's planned resources, against exactly the policies the SEC
templates attach to that role (sec/plan.py) and the permissions boundary it carries (the
tenant's SEC boundary, bootstrap/boundaries.py), plus the resource's own policy where it has
one (the artifacts bucket's). The request context is what IAM sees: `aws:ResourceTag/*` of the
resource acted on (the ML plan's tags; a model version takes its group's tags),
`aws:PrincipalArn` and `aws:PrincipalTag/*` of the persona role, and the action's own keys.

The permission model (docs/sec-permission-model.md) promises: a persona of the team that owns
the use case can do exactly its persona's actions (cumulative: viewer < data-scientist <
ml-engineer), a persona of any other team none of them. `deviations` lists every cell that
breaks that promise. Pure: no AWS call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from provisioner.bootstrap.boundaries import boundary
from provisioner.cfn.template import PlannedResource, StackPlan
from provisioner.config.ml import MlConfig, MlTier
from provisioner.config.sec import Persona, SecConfig
from provisioner.ml.plan import plan_stack
from provisioner.naming.ml import ml_name
from provisioner.naming.sec import SecNames
from provisioner.naming.tenant import BOUNDARY_KINDS, TenantNames
from provisioner.partition import partition_of
from provisioner.policy.evaluation import ContextValue, Json, Request, Result, evaluate
from provisioner.sec.plan import plan_stacks

# Cumulative personas, least first.
PERSONAS = (Persona.VIEWER, Persona.DATA_SCIENTIST, Persona.ML_ENGINEER)
_RANK = {p: i for i, p in enumerate(PERSONAS)}

# The session a person gets by assuming a persona role (only its role's name matters to IAM).
SESSION_NAME = "access-matrix"
# An object the pipeline writes to the artifacts bucket.
ARTIFACT_KEY = "model-build/output/model.tar.gz"

COMPUTED_NOTE = (
    "Computed, not hand-written: each cell evaluates, with the tool's IAM policy evaluator, the "
    "requests IAM sees for that call (the resource's tags, the persona role's ARN and tags) "
    "against the persona role's deployed managed policy and the tenant's SEC permissions "
    "boundary, and the resource's own policy where it has one."
)
ARTIFACTS_NOTE = (
    "s3:GetObject on the artifacts bucket: granted by the bucket's own policy to the owning "
    "team's data-scientist and ml-engineer roles by ARN (IAM does not evaluate the bucket's "
    "tags for object reads, and the bucket's name does not carry the team), and in the "
    "enterprise tier kms:Decrypt by the key policy to the same roles, only through S3."
)


@dataclass(frozen=True)
class Capability:
    """A column: one key action of a persona on the use case's resources."""

    key: str
    action: str
    persona: Persona  # the least persona meant to have it
    resource: str  # what it acts on, for the reader

    @property
    def label(self) -> str:
        return f"{self.action} ({self.persona.value})"


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "describe-registry",
        "sagemaker:DescribeModelPackageGroup",
        Persona.VIEWER,
        "the model package group",
    ),
    Capability("get-pipeline", "codepipeline:GetPipeline", Persona.VIEWER, "the CodePipeline"),
    Capability(
        "get-pipeline-state", "codepipeline:GetPipelineState", Persona.VIEWER, "the CodePipeline"
    ),
    Capability(
        "register-model",
        "sagemaker:CreateModelPackage",
        Persona.DATA_SCIENTIST,
        "the model package group and the new version model-package/{group}/1 (a version takes "
        "the group's tags and cannot be given its own)",
    ),
    Capability(
        "read-artifacts",
        "s3:GetObject",
        Persona.DATA_SCIENTIST,
        "an object of the artifacts bucket (professional and enterprise tiers), and in the "
        "enterprise tier kms:Decrypt of its key through S3",
    ),
    Capability(
        "approve-model",
        "sagemaker:UpdateModelPackage",
        Persona.ML_ENGINEER,
        "a version of the group, ModelApprovalStatus=Approved",
    ),
    Capability(
        "start-pipeline",
        "codepipeline:StartPipelineExecution",
        Persona.ML_ENGINEER,
        "the CodePipeline",
    ),
)


def expected(capability: Capability, persona: Persona, own_team: bool) -> bool:
    """What the permission model promises for this cell."""
    return own_team and _RANK[persona] >= _RANK[capability.persona]


# -- the two sides: persona roles as the SEC templates deploy them, ML resources as planned ----
@dataclass(frozen=True)
class PersonaRole:
    team: str
    persona: Persona
    arn: str
    tags: Mapping[str, str]
    policies: tuple[Json, ...]  # identity policy documents, as deployed
    boundaries: tuple[Json, ...]  # the permissions boundary's document (or none)

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]

    @property
    def session_arn(self) -> str:
        role_name = self.arn.rsplit("/", 1)[1]
        partition = self.arn.split(":")[1]
        return f"arn:{partition}:sts::{self.account}:assumed-role/{role_name}/{SESSION_NAME}"


def _tags(resource: PlannedResource) -> dict[str, str]:
    tags = resource.properties.get("Tags", [])
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    return {str(t["Key"]): str(t["Value"]) for t in tags}


def _role_documents(role: PlannedResource, resources: Sequence[PlannedResource]) -> list[Json]:
    if role.properties.get("ManagedPolicyArns"):
        raise ValueError(f"{role.physical_name}: attached policies outside the plan are unknown")
    documents: list[Json] = [p["PolicyDocument"] for p in role.properties.get("Policies", [])]
    documents += [
        r.properties["PolicyDocument"]
        for r in resources
        if r.type == "AWS::IAM::ManagedPolicy"
        and {"Ref": role.logical_id} in r.properties.get("Roles", [])
    ]
    return documents


def persona_roles(
    config: SecConfig, plans: Sequence[StackPlan] | None = None
) -> dict[tuple[str, Persona], PersonaRole]:
    """Every persona role of the config, with the documents its templates give it; `plans`
    are the config's stacks, if the caller has them."""
    names = SecNames(config)
    tenant = TenantNames.of(config)
    known_boundaries = {
        tenant.boundary_arn(k): boundary(tenant, k).to_json() for k in BOUNDARY_KINDS
    }
    resources = [r for plan in plans or plan_stacks(config) for r in plan.resources]
    roles = {r.physical_name: r for r in resources if r.type == "AWS::IAM::Role"}
    found: dict[tuple[str, Persona], PersonaRole] = {}
    for team in config.teams:
        for persona in team.personas:
            role = roles[names.persona_role(team.name, persona)]
            boundary_arn = role.properties.get("PermissionsBoundary")
            if boundary_arn is not None and boundary_arn not in known_boundaries:
                raise ValueError(f"{role.physical_name}: unknown boundary {boundary_arn!r}")
            found[(team.name, persona)] = PersonaRole(
                team=team.name,
                persona=persona,
                arn=role.arn,
                tags=_tags(role),
                policies=tuple(_role_documents(role, resources)),
                boundaries=() if boundary_arn is None else (known_boundaries[boundary_arn],),
            )
    return found


@dataclass(frozen=True)
class UseCase:
    """The ML resources personas act on, from the ML plan."""

    name: str
    team: str
    region: str
    model_package_group: PlannedResource
    pipeline: PlannedResource
    artifacts_bucket: PlannedResource | None  # created by the professional tier and up
    artifacts_bucket_policy: Json | None
    key: PlannedResource | None  # the enterprise tier's customer-managed key

    @classmethod
    def of(cls, config: MlConfig, plan: StackPlan | None = None) -> UseCase:
        """`plan` is the config's stack, if the caller has planned it."""
        plan = plan or plan_stack(config)

        def one(kind: str) -> PlannedResource:
            (resource,) = [r for r in plan.resources if r.type == kind]
            return resource

        bucket = next((r for r in plan.resources if r.type == "AWS::S3::Bucket"), None)
        policy = None
        if bucket is not None:
            (policy,) = [
                r.properties["PolicyDocument"]
                for r in plan.resources
                if r.type == "AWS::S3::BucketPolicy"
                and r.properties["Bucket"] == {"Ref": bucket.logical_id}
            ]
        key = next((r for r in plan.resources if r.type == "AWS::KMS::Key"), None)
        return cls(
            name=ml_name(config),
            team=config.team,
            region=config.region,
            model_package_group=one("AWS::SageMaker::ModelPackageGroup"),
            pipeline=one("AWS::CodePipeline::Pipeline"),
            artifacts_bucket=bucket,
            artifacts_bucket_policy=policy,
            key=key,
        )


# -- the requests IAM sees ---------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    request: Request
    result: Result


@dataclass(frozen=True)
class _Call:
    request: Request
    resource_policy: Json | None = None


def _resource_tags(tags: Mapping[str, str]) -> dict[str, ContextValue]:
    return {f"aws:ResourceTag/{k}": v for k, v in tags.items()}


def _calls(
    capability: Capability,
    role: PersonaRole,
    use_case: UseCase,
    request_tags: Mapping[str, str] | None = None,
) -> list[_Call]:
    """The requests one call of `capability` makes IAM decide; none: no such resource.

    `request_tags` gives the version being registered tags of its own, which SageMaker refuses
    (a version takes its group's tags); evaluating it anyway shows that no tag a caller chooses
    opens another team's group.
    """
    context: dict[str, ContextValue] = {
        "aws:PrincipalArn": role.arn,
        "aws:PrincipalAccount": role.account,
        "aws:PrincipalType": "AssumedRole",
        "aws:RequestedRegion": use_case.region,
        "aws:SecureTransport": True,
        **{f"aws:PrincipalTag/{k}": v for k, v in role.tags.items()},
    }

    def call(
        resource: str,
        extra: Mapping[str, ContextValue],
        policy: Json | None = None,
        action: str = capability.action,
    ) -> _Call:
        request = Request(action, resource, {**context, **extra}, principal=role.session_arn)
        return _Call(request, policy)

    group = use_case.model_package_group
    group_tags = _tags(group)
    # A version's ARN: model-package/{group}/{n}; it carries its group's tags.
    version = group.arn.replace(":model-package-group/", ":model-package/", 1) + "/1"
    pipeline = use_case.pipeline
    if capability.key == "describe-registry":
        return [call(group.arn, _resource_tags(group_tags))]
    if capability.key in ("get-pipeline", "get-pipeline-state", "start-pipeline"):
        return [call(pipeline.arn, _resource_tags(_tags(pipeline)))]
    if capability.key == "register-model":
        # Authorized on the group (its tags) and on the new version (no tags of its own:
        # CreateModelPackage refuses Tags with ModelPackageGroupName).
        tagged: dict[str, ContextValue] = {}
        if request_tags:
            tagged = {f"aws:RequestTag/{k}": v for k, v in request_tags.items()}
            tagged["aws:TagKeys"] = sorted(request_tags)
        return [call(group.arn, {**_resource_tags(group_tags), **tagged}), call(version, tagged)]
    if capability.key == "approve-model":
        return [
            call(
                version,
                {**_resource_tags(group_tags), "sagemaker:ModelApprovalStatus": "Approved"},
            )
        ]
    if capability.key == "read-artifacts":
        bucket = use_case.artifacts_bucket
        if bucket is None:
            return []
        # S3 puts no aws:ResourceTag of the bucket in an object request's context.
        calls = [call(f"{bucket.arn}/{ARTIFACT_KEY}", {}, use_case.artifacts_bucket_policy)]
        key = use_case.key
        if key is not None:
            # S3 decrypts an SSE-KMS object with the caller's credentials: KMS sees the
            # caller, kms:ViaService of S3 and the key's tags.
            via_s3: dict[str, ContextValue] = {
                **_resource_tags(_tags(key)),
                "kms:ViaService": partition_of(use_case.region).regional_service(
                    "s3", use_case.region
                ),
                "aws:CalledVia": ["s3.amazonaws.com"],
            }
            calls.append(call(key.arn, via_s3, key.properties["KeyPolicy"], "kms:Decrypt"))
        return calls
    raise ValueError(f"no requests for capability {capability.key!r}")


# -- the matrix --------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    capability: Capability
    checks: tuple[Check, ...]  # empty: the use case has no such resource

    @property
    def applicable(self) -> bool:
        return bool(self.checks)

    @property
    def allowed(self) -> bool:
        """Every request of the call is allowed (IAM needs all of them)."""
        return self.applicable and all(c.result.allowed for c in self.checks)


@dataclass(frozen=True)
class Row:
    team: str
    persona: Persona
    use_case: str
    owner: str  # the team that owns the use case
    cells: tuple[Cell, ...]

    @property
    def own_team(self) -> bool:
        return self.team == self.owner

    def cell(self, key: str) -> Cell:
        return next(c for c in self.cells if c.capability.key == key)


def evaluate_row(
    role: PersonaRole, use_case: UseCase, request_tags: Mapping[str, str] | None = None
) -> Row:
    cells = []
    for capability in CAPABILITIES:
        checks = tuple(
            Check(
                c.request,
                evaluate(
                    c.request,
                    role.policies,
                    boundaries=role.boundaries,
                    resource_policy=c.resource_policy,
                ),
            )
            for c in _calls(capability, role, use_case, request_tags)
        )
        cells.append(Cell(capability, checks))
    return Row(role.team, role.persona, use_case.name, use_case.team, tuple(cells))


def deviations(rows: Sequence[Row]) -> list[str]:
    """Every cell that differs from what the permission model promises."""
    found = []
    for row in rows:
        for cell in row.cells:
            promised = expected(cell.capability, row.persona, row.own_team)
            if cell.applicable and cell.allowed != promised:
                whose = "own" if row.own_team else f"team {row.owner}'s"
                found.append(
                    f"{row.team} {row.persona.value} on {whose} use case {row.use_case}: "
                    f"{cell.capability.action} is "
                    f"{'allowed' if cell.allowed else 'denied'}, the model says "
                    f"{'allowed' if promised else 'denied'}"
                )
    return found


def other_team_name(taken: Sequence[str]) -> str:
    """A team name none of `taken` has: "another team of the same tenant"."""
    name, n = "other-team", 1
    while name in taken:
        n += 1
        name = f"other-team-{n}"
    return name


def _tenant(config: MlConfig | SecConfig) -> dict[str, Any]:
    return {
        "company_prefix": config.company_prefix,
        "env": config.env,
        "tenant_id": config.tenant_id,
        "region": config.region,
        "account_id": config.account_id,
    }


def tenant_sec_config(config: MlConfig) -> SecConfig:
    """The use case's tenant as sec-provisioner sees it in the use case's region: the owning
    team and another team, every persona each. A persona's policy depends only on the tenant,
    region, account and team, so these are the policies the tenant's SEC stacks deploy."""
    teams = (config.team, other_team_name([config.team]))
    return SecConfig.model_validate(
        {
            **_tenant(config),
            "tier": "small",
            "teams": [{"name": t, "personas": [p.value for p in PERSONAS]} for t in teams],
        }
    )


def ml_access_matrix(config: MlConfig, plan: StackPlan | None = None) -> list[Row]:
    """Every persona of the use case's owning team, then of another team of the tenant;
    `plan` is the config's stack, if the caller has planned it."""
    sec = tenant_sec_config(config)
    roles = persona_roles(sec)
    use_case = UseCase.of(config, plan)
    return [evaluate_row(roles[(t.name, p)], use_case) for t in sec.teams for p in PERSONAS]


def example_use_case(config: SecConfig, team: str) -> MlConfig:
    """A use case of the tenant owned by `team` (professional tier: it has an artifacts
    bucket), for showing a SEC config's personas against ML resources."""
    return MlConfig.model_validate(
        {
            **_tenant(config),
            "use_case": f"{team}-use-case",
            "team": team,
            "scenario": "codecommit",
            "tier": MlTier.PROFESSIONAL.value,
        }
    )


def sec_access_matrix(config: SecConfig, plans: Sequence[StackPlan] | None = None) -> list[Row]:
    """Each team's personas against a use case the team owns and one another team owns (the
    next team of the config, or a team of another name when there is only one); `plans` are
    the config's stacks, if the caller has them."""
    teams = [t.name for t in config.teams]
    roles = persona_roles(config, plans)
    use_cases: dict[str, UseCase] = {}

    def use_case(team: str) -> UseCase:
        if team not in use_cases:
            use_cases[team] = UseCase.of(example_use_case(config, team))
        return use_cases[team]

    rows = []
    for index, team in enumerate(config.teams):
        other = teams[(index + 1) % len(teams)] if len(teams) > 1 else other_team_name(teams)
        for owner in (team.name, other):
            rows += [
                evaluate_row(roles[(team.name, p)], use_case(owner))
                for p in PERSONAS
                if p in team.personas
            ]
    return rows


# -- for the reports ---------------------------------------------------------------------
ALLOWED = "allowed"
DENIED = "—"
NOT_APPLICABLE = "n/a"


def mark(cell: Cell) -> str:
    if not cell.applicable:
        return NOT_APPLICABLE
    if cell.allowed:
        return ALLOWED
    return DENIED


def headers() -> list[str]:
    return [c.label for c in CAPABILITIES]


def marks(row: Row) -> list[str]:
    return [mark(c) for c in row.cells]


def promise_sentence(rows: Sequence[Row]) -> str:
    found = deviations(rows)
    if not found:
        return (
            "Every cell is as the permission model promises: the owning team's personas can do "
            "exactly their persona's actions (cumulative), another team's personas none."
        )
    return "Differs from the permission model: " + "; ".join(found) + "."


def notes(rows: Sequence[Row]) -> list[str]:
    """The sentences that go with a matrix: how it is computed, whether it keeps the model's
    promise, and what its marks other than allowed/— mean."""
    found = [COMPUTED_NOTE, promise_sentence(rows), ARTIFACTS_NOTE]
    if any(not c.applicable for r in rows for c in r.cells):
        found.append(
            f"{NOT_APPLICABLE}: the starter tier creates no artifacts bucket (it uses the config's "
            "existing artifact_bucket)."
        )
    return found


def request_rows(rows: Sequence[Row]) -> list[tuple[str, str, str]]:
    """Column → the requests evaluated for it, as the owning team's most able persona makes
    them (other rows differ only in the caller), for the reader."""
    row = max((r for r in rows if r.own_team), key=lambda r: _RANK[r.persona])
    out = []
    for cell in row.cells:
        requests = "\n".join(f"{c.request.action} on {c.request.resource}" for c in cell.checks)
        out.append((cell.capability.label, cell.capability.resource, requests or NOT_APPLICABLE))
    return out
