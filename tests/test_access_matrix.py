"""The access matrix: persona × use case, evaluated from the deployed policies and boundary."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import replace
from html import escape
from typing import Any

import pytest

from conftest import all_ml_configs, all_sec_configs
from provisioner import access_matrix
from provisioner.access_matrix import (
    CAPABILITIES,
    COMPUTED_NOTE,
    PERSONAS,
    UseCase,
    deviations,
    evaluate_row,
    ml_access_matrix,
    other_team_name,
    persona_roles,
    sec_access_matrix,
    tenant_sec_config,
)
from provisioner.bootstrap.boundaries import sec_boundary
from provisioner.config.ml import MlConfig, MlTier
from provisioner.config.sec import Persona
from provisioner.naming.sec import SecNames
from provisioner.naming.tenant import SEC_BOUNDARY, TenantNames
from provisioner.policy.document import PolicyDocument
from provisioner.policy.evaluation import statement_applies
from provisioner.report.ml_report import render_ml_report
from provisioner.report.sec_report import render_sec_report
from provisioner.sec import personas
from provisioner.sec.plan import plan_stacks

# What docs/sec-permission-model.md promises a persona of the owning team (cumulative), written
# out here rather than derived, so the test does not share the module's notion of "expected".
VIEWER = {"describe-registry", "get-pipeline", "get-pipeline-state"}
SCIENTIST = VIEWER | {"register-model", "read-artifacts"}
ENGINEER = SCIENTIST | {"approve-model", "start-pipeline"}
OWN_TEAM_MAY = {
    Persona.VIEWER: VIEWER,
    Persona.DATA_SCIENTIST: SCIENTIST,
    Persona.ML_ENGINEER: ENGINEER,
}


def allowed_keys(row: access_matrix.Row) -> set[str]:
    return {c.capability.key for c in row.cells if c.allowed}


def test_full_matrix_of_every_ml_example(ml_config: MlConfig) -> None:
    rows = ml_access_matrix(ml_config)
    other = other_team_name([ml_config.team])
    assert [(r.team, r.persona) for r in rows] == [
        (team, p) for team in (ml_config.team, other) for p in PERSONAS
    ]
    # The starter tier reads no bucket of its own (its artifact_bucket exists already).
    no_bucket = set() if ml_config.tier.includes(MlTier.PROFESSIONAL) else {"read-artifacts"}
    for row in rows:
        assert row.owner == ml_config.team
        may = OWN_TEAM_MAY[row.persona] - no_bucket
        assert allowed_keys(row) == (may if row.own_team else set()), (
            row.team,
            row.persona,
        )
        artifacts = row.cell("read-artifacts")
        assert artifacts.applicable == ml_config.tier.includes(MlTier.PROFESSIONAL)
        # Enterprise objects are SSE-KMS: reading one needs the key too.
        assert [c.request.action for c in artifacts.checks] == (
            ["s3:GetObject", "kms:Decrypt"][: 1 + ml_config.tier.includes(MlTier.ENTERPRISE)]
            if artifacts.applicable
            else []
        )
        assert access_matrix.marks(row).count("allowed") == len(allowed_keys(row))
    assert deviations(rows) == []


def test_every_allow_passed_the_sec_boundary_too(ml_config: MlConfig) -> None:
    """Granted by the persona's policy within its boundary, or by the resource's own policy
    (the artifacts bucket and key, to Principal "*" fixed by aws:PrincipalArn). AWS does not
    say plainly whether a boundary caps a "*" grant to a role session, so those requests must
    lie within the SEC boundary as well: the grant holds on either reading."""
    boundary = sec_boundary(TenantNames.of(tenant_sec_config(ml_config))).to_json()
    by_resource_policy = 0
    for row in ml_access_matrix(ml_config):
        for cell in row.cells:
            for check in cell.checks if cell.allowed else ():
                matched = check.result.matched
                if any(m.startswith("resource:") for m in matched):
                    by_resource_policy += 1
                    assert cell.capability.key == "read-artifacts"
                    assert any(
                        s["Effect"] == "Allow" and statement_applies(s, check.request)
                        for s in boundary["Statement"]
                    ), check.request
                else:
                    assert any(m.startswith("identity[0]:") for m in matched)
                    assert any(m.startswith("boundary[0]:") for m in matched)
    # Each owning reader (data scientist, ML engineer) reads an object and, in enterprise,
    # decrypts it.
    tier = ml_config.tier
    assert by_resource_policy == 2 * (
        tier.includes(MlTier.PROFESSIONAL) + tier.includes(MlTier.ENTERPRISE)
    )


def test_the_documents_are_the_deployed_ones(ml_config: MlConfig) -> None:
    sec = tenant_sec_config(ml_config)
    resources = [r for p in plan_stacks(sec) for r in p.resources]
    tenant = TenantNames.of(sec)
    for (team, persona), role in persona_roles(sec).items():
        (planned,) = [r for r in resources if r.arn == role.arn]
        assert planned.properties["PermissionsBoundary"] == tenant.boundary_arn(SEC_BOUNDARY)
        assert role.boundaries == (sec_boundary(tenant).to_json(),)
        attached = [
            r.properties["PolicyDocument"]
            for r in resources
            if r.type == "AWS::IAM::ManagedPolicy"
            and {"Ref": planned.logical_id} in r.properties["Roles"]
        ]
        assert list(role.policies) == attached
        assert attached == [
            personas.document(personas.persona_statements(SecNames(sec), team, persona))
        ]


def test_requests_carry_what_iam_sees() -> None:
    config = all_ml_configs()[0]
    use_case = UseCase.of(config)
    (engineer,) = [
        r for r in ml_access_matrix(config) if r.own_team and r.persona is Persona.ML_ENGINEER
    ]
    group_tags = {t["Key"]: t["Value"] for t in use_case.model_package_group.properties["Tags"]}
    assert group_tags["team"] == config.team
    on_group, on_version = engineer.cell("register-model").checks
    assert on_group.request.resource == use_case.model_package_group.arn
    assert on_version.request.resource.endswith(
        f":model-package/{use_case.model_package_group.physical_name}/1"
    )
    for check in (on_group, on_version):
        context = {k.lower(): v for k, v in check.request.context.items()}
        assert context["aws:principalarn"] == engineer_role_arn(config)
        assert context["aws:principaltag/team"] == config.team
        # A version cannot be given tags of its own: no aws:RequestTag in the request.
        assert not any(k.startswith("aws:requesttag/") for k in context)
    group_context = {k.lower(): v for k, v in on_group.request.context.items()}
    assert {k: group_context[f"aws:resourcetag/{k}".lower()] for k in group_tags} == group_tags
    (approve,) = engineer.cell("approve-model").checks
    assert approve.request.context["aws:ResourceTag/team"] == config.team  # the group's tags
    (start,) = engineer.cell("start-pipeline").checks
    assert start.request.resource == use_case.pipeline.arn
    assert start.request.context["aws:ResourceTag/team"] == config.team


def engineer_role_arn(config: MlConfig) -> str:
    sec = tenant_sec_config(config)
    return persona_roles(sec)[(config.team, Persona.ML_ENGINEER)].arn


def test_tagging_a_version_with_ones_own_team_opens_no_other_group(ml_config: MlConfig) -> None:
    """SageMaker refuses tags on a version; were they accepted, they still would not help."""
    roles = persona_roles(tenant_sec_config(ml_config))
    use_case = UseCase.of(ml_config)
    for (team, _), role in roles.items():
        row = evaluate_row(role, use_case, {"team": team})
        expected = role.persona is not Persona.VIEWER and team == ml_config.team
        assert row.cell("register-model").allowed == expected, (team, role.persona)


def test_every_sec_example_keeps_the_promise() -> None:
    for config in all_sec_configs():
        rows = sec_access_matrix(config)
        assert len(rows) == 2 * sum(len(t.personas) for t in config.teams)
        for row in rows:
            assert allowed_keys(row) == (OWN_TEAM_MAY[row.persona] if row.own_team else set())
            assert row.cell("read-artifacts").applicable  # the example use case is professional
        assert deviations(rows) == []
        # Each team is shown against its own use case and another team's.
        for team in config.teams:
            owners = {r.owner for r in rows if r.team == team.name}
            assert team.name in owners and len(owners) == 2


def test_other_team_name_is_never_a_taken_one() -> None:
    assert other_team_name(["fraud"]) == "other-team"
    assert other_team_name(["other-team", "other-team-2"]) == "other-team-3"


# -- a widened persona policy shows in the matrix ----------------------------------------------
def widened(
    change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> Callable[..., list[dict[str, Any]]]:
    original = personas.persona_statements

    def statements(*args: Any) -> list[dict[str, Any]]:
        return change(copy.deepcopy(original(*args)))

    return statements


def without_condition(sid: str) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def change(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for s in statements:
            if s["Sid"] == sid:
                del s["Condition"]
        return statements

    return change


@pytest.fixture
def patch_personas(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def patch(change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> None:
        monkeypatch.setattr(personas, "persona_statements", widened(change))

    yield patch


@pytest.mark.parametrize(
    ("sid", "capability", "persona"),
    [
        ("ReadTeamSageMaker", "describe-registry", Persona.VIEWER),
        ("ReadTeamReleasePipelines", "get-pipeline-state", Persona.VIEWER),
        ("RegisterTeamModelGroups", "register-model", Persona.DATA_SCIENTIST),
        ("ManageTeamReleases", "approve-model", Persona.ML_ENGINEER),
        ("RunTeamReleasePipelines", "start-pipeline", Persona.ML_ENGINEER),
    ],
)
def test_dropping_a_team_condition_is_caught(
    patch_personas: Callable[..., None], sid: str, capability: str, persona: Persona
) -> None:
    config = all_ml_configs()[0]
    assert deviations(ml_access_matrix(config)) == []
    patch_personas(without_condition(sid))
    rows = ml_access_matrix(config)
    (other,) = [r for r in rows if not r.own_team and r.persona is persona]
    assert other.cell(capability).allowed  # another team's persona now gets in
    found = deviations(rows)
    assert any(capability_action(capability) in d and other.team in d for d in found), found


def capability_action(key: str) -> str:
    return next(c.action for c in CAPABILITIES if c.key == key)


def test_the_old_request_tag_only_grant_is_caught(patch_personas: Callable[..., None]) -> None:
    """CreateModelPackage granted on `*` by aws:RequestTag alone (as before): another team's
    data scientist registers versions into this team's group by tagging them with its own team,
    and this team's cannot register without tags (which SageMaker refuses on a version)."""

    def request_tag_only(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = [s for s in statements if not s["Sid"].startswith("RegisterTeamModel")]
        for s in kept:
            if s["Sid"] == "CreateTeamJobs":
                s["Action"] = sorted([*s["Action"], "sagemaker:CreateModelPackage"])
        return kept

    config = all_ml_configs()[0]
    current = personas.persona_statements(
        SecNames(tenant_sec_config(config)), config.team, Persona.DATA_SCIENTIST
    )
    assert "CreateTeamJobs" in {s["Sid"] for s in current}
    patch_personas(request_tag_only)
    roles = persona_roles(tenant_sec_config(config))
    use_case = UseCase.of(config)
    other = other_team_name([config.team])
    intruder = evaluate_row(roles[(other, Persona.DATA_SCIENTIST)], use_case, {"team": other})
    assert intruder.cell("register-model").allowed
    assert deviations([intruder])
    owner = evaluate_row(roles[(config.team, Persona.DATA_SCIENTIST)], use_case)
    assert not owner.cell("register-model").allowed and deviations([owner])


START = "codepipeline:StartPipelineExecution"


def test_a_boundary_without_an_action_shows_as_denied(monkeypatch: pytest.MonkeyPatch) -> None:
    from provisioner.bootstrap.boundaries import boundary as original

    def narrower(tenant: TenantNames, kind: str) -> PolicyDocument:
        document = original(tenant, kind)
        if kind != SEC_BOUNDARY:
            return document
        statements = tuple(
            replace(s, actions=tuple(a for a in s.actions if a != START))
            for s in document.statements
        )
        assert statements != document.statements
        return PolicyDocument(statements)

    monkeypatch.setattr("provisioner.access_matrix.boundary", narrower)
    rows = ml_access_matrix(all_ml_configs()[0])
    (engineer,) = [r for r in rows if r.own_team and r.persona is Persona.ML_ENGINEER]
    assert not engineer.cell("start-pipeline").allowed
    assert any("StartPipelineExecution" in d for d in deviations(rows))


# -- both reports show it ------------------------------------------------------------------
def table_lines(markdown: str, section: str) -> list[str]:
    body = markdown.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return [line for line in body.splitlines() if line.startswith("| ")]


def test_ml_report_shows_the_matrix(ml_config: MlConfig) -> None:
    html, markdown = render_ml_report(ml_config)
    rows = ml_access_matrix(ml_config)
    lines = table_lines(markdown, "Access matrix: personas × this use case")
    assert lines[0] == "| " + " | ".join(["Team", "Persona", *access_matrix.headers()]) + " |"
    for row in rows:
        who = f"{row.team} ({'owns the use case' if row.own_team else 'another team'})"
        line = f"| {who} | {row.persona.value} | " + " | ".join(access_matrix.marks(row)) + " |"
        assert line in lines
    section = markdown.split("## Access matrix", 1)[1].split("\n## ", 1)[0]
    assert COMPUTED_NOTE in section and access_matrix.ARTIFACTS_NOTE in section
    assert "✓" not in section and "✗" not in section  # neutral marks
    table = html.split("<h2>Access matrix", 1)[1].split("</table>", 1)[0]
    assert escape(COMPUTED_NOTE) in html.split("<h2>Access matrix", 1)[1]
    assert table.count("<td>allowed</td>") == sum(len(allowed_keys(r)) for r in rows)
    assert table.count("<tr>") == len(rows) + 1


def test_sec_report_shows_the_matrix() -> None:
    for config in all_sec_configs():
        html, markdown = render_sec_report(config)
        rows = sec_access_matrix(config)
        lines = table_lines(markdown, "Access matrix: personas × ML use cases")
        for row in rows:
            owner = "own team" if row.own_team else f"another team ({row.owner})"
            marks = " | ".join(access_matrix.marks(row))
            assert f"| {row.team} | {row.persona.value} | {owner} | {marks} |" in lines
        assert len(lines) == len(rows) + 1  # header, rows
        section = markdown.split("## Access matrix", 1)[1].split("\n## ", 1)[0]
        assert COMPUTED_NOTE in section and "✓" not in section
        table = html.split("<h2>Access matrix", 1)[1].split("</table>", 1)[0]
        assert table.count("<td>allowed</td>") == sum(len(allowed_keys(r)) for r in rows)
