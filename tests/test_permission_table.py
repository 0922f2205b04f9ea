"""The committed operator permissions table (resource_types/operator_permissions.json) is what
scripts/regen-permissions makes of the installed cfn-lint, and the policy builders route it
into their statements as the types' records say."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import handler_permissions
from provisioner.config.ml import MlTier
from provisioner.policy.handler_grants import GrantedActions, route
from provisioner.resource_types import permission_table
from provisioner.resource_types.permission_table import (
    HANDLER_OPERATIONS,
    TABLE_FILE,
    committed_table,
    derive_table,
    handler_actions,
    render_table,
    schema_handlers,
)
from provisioner.resource_types.record import StatementGrant
from provisioner.resource_types.registry import RESOURCE_TYPES, ml_types, resource_type
from provisioner.resource_types.reviewed_handlers import REVIEWED_HANDLERS

_HINT = "run scripts/regen-permissions and review the diff"


def test_the_committed_table_is_what_regeneration_writes() -> None:
    committed = Path(permission_table.__file__).with_name(TABLE_FILE).read_text(encoding="utf-8")
    assert render_table(derive_table(schema_handlers)) == committed, _HINT


def test_the_table_holds_every_registered_type_and_handler() -> None:
    assert set(committed_table()) == {t.cfn_type for t in RESOURCE_TYPES}
    assert all(set(ops) == set(HANDLER_OPERATIONS) for ops in committed_table().values())


@pytest.mark.parametrize("region", ["us-west-1", "us-west-2", "us-gov-west-1"])
def test_the_handlers_are_the_same_in_the_regions_the_examples_use(region: str) -> None:
    """The table is read from one region's schemas; it holds for the others."""
    for record in RESOURCE_TYPES:
        if record.cfn_type in REVIEWED_HANDLERS:
            continue
        here = handler_permissions(region, record.cfn_type)
        there = handler_permissions(permission_table.SCHEMA_REGION, record.cfn_type)
        assert {op: sorted(here.get(op, [])) for op in HANDLER_OPERATIONS} == {
            op: sorted(there.get(op, [])) for op in HANDLER_OPERATIONS
        }, record.cfn_type


def test_exclusions_are_left_out_and_reviewed_handlers_filled_in() -> None:
    bucket = handler_actions("AWS::S3::Bucket")
    assert "s3:PutBucketWebsite" not in bucket  # excluded: WebsiteConfiguration never set
    assert "s3:PutBucketVersioning" in bucket
    assert handler_actions("AWS::CodeBuild::Project") == (
        "codebuild:BatchGetProjects",
        "codebuild:CreateProject",
        "codebuild:DeleteProject",
        "codebuild:UpdateProject",
        "iam:PassRole",
    )


def test_a_schema_that_gains_handlers_retires_the_reviewed_list() -> None:
    with pytest.raises(ValueError, match="AWS::CodeBuild::Project: its schema now lists"):
        derive_table(lambda t: {"create": ["codebuild:CreateProject"]})


def test_a_type_without_any_handler_list_is_refused() -> None:
    with pytest.raises(ValueError, match="AWS::SageMaker::ModelPackageGroup: no handler"):
        derive_table(lambda t: {})


GRANT = StatementGrant("Scoped", unscoped_sid="Unscoped", also=("Also",), objects_sid="Objects")


@pytest.mark.parametrize(
    ("cfn_type", "action", "sids"),
    [
        ("AWS::KMS::Key", "kms:DescribeKey", ("Scoped", "Also")),
        ("AWS::KMS::Key", "kms:CreateKey", ("Unscoped",)),  # no resource until it returns
        ("AWS::KMS::Key", "kms:TagResource", ("Scoped", "Also", "Unscoped")),  # before it exists
        ("AWS::S3::Bucket", "s3:DeleteObject", ("Objects",)),
        ("AWS::IAM::Role", "iam:CreateRole", ()),  # the guardrails' (boundary condition)
        ("AWS::IAM::Role", "iam:PassRole", ()),
        ("AWS::CodePipeline::Pipeline", "iam:GetRole", ()),  # the role's type grants it
    ],
)
def test_route(cfn_type: str, action: str, sids: tuple[str, ...]) -> None:
    assert route(action, resource_type(cfn_type), GRANT) == sids


def test_an_unscopable_action_without_an_unscoped_statement_is_a_wiring_error() -> None:
    with pytest.raises(ValueError, match="kms:CreateKey needs an unscoped statement"):
        route("kms:CreateKey", resource_type("AWS::KMS::Key"), StatementGrant("Scoped"))


def test_every_planned_types_actions_are_laid_out_or_the_builder_says_which() -> None:
    granted = GrantedActions(ml_types(MlTier.STARTER), lambda t: t.ml_grant, {})
    granted.take("SageMakerScoped")
    with pytest.raises(ValueError, match=r"no statement laid out for .*'CodeBuildManagement'"):
        granted.check_all_taken()


def test_another_services_action_needs_its_type_planned() -> None:
    """A pipeline's handler reads the role it passes: granted only where roles are."""
    pipeline = resource_type("AWS::CodePipeline::Pipeline")
    with pytest.raises(ValueError, match=r"iam:GetRole \(AWS::CodePipeline::Pipeline\)"):
        GrantedActions([pipeline], lambda t: t.ml_grant, {})


def test_the_seed_floor_joins_the_statement_its_type_routes_it_to() -> None:
    """The seed lists CreateModelPackageGroup on "*"; IAM can scope it, so it is scoped."""
    registry = resource_type("AWS::SageMaker::ModelPackageGroup")
    seed = {"SageMakerUnscoped": ("sagemaker:CreateModelPackageGroup",)}
    granted = GrantedActions([registry], lambda t: t.ml_grant, seed)
    assert "sagemaker:CreateModelPackageGroup" in granted.take("SageMakerScoped")
    assert granted.take("SageMakerUnscoped") == ()  # its handlers' list call is not CRUD


def test_a_seed_statement_of_a_type_not_planned_adds_nothing() -> None:
    seed = {"S3ArtifactsBucketManagement": ("s3:CreateBucket",)}
    granted = GrantedActions(ml_types(MlTier.STARTER), lambda t: t.ml_grant, seed)
    assert granted.take("S3ArtifactsBucketManagement") == ()
