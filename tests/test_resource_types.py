"""The resource-type registry: every type either tool deploys has exactly one record, and
what the records say (tier, names' limits, emulator adapters) is what the planners do."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, all_ml_configs, all_sec_configs, largest_sec_config
from provisioner.aws_limits import NameKind
from provisioner.bootstrap.plan import plan_bootstrap
from provisioner.cfn.template import PlannedResource, StackPlan
from provisioner.config.ml import MlConfig, MlTier
from provisioner.config.sec import SecTier
from provisioner.ml.plan import plan_stack
from provisioner.ml.plan_checks import live_names, name_problems, names_in_test_form, plan_use_case
from provisioner.naming.sec import SecNames
from provisioner.naming.sec import named_things as sec_named_things
from provisioner.naming.tenant import TenantNames
from provisioner.resource_types.registry import (
    RESOURCE_TYPES,
    ml_types,
    resource_type,
    sec_types,
)
from provisioner.sec.plan import plan_stacks, stack_parts

EXTENSIONS_DIR = ROOT / "src" / "provisioner" / "emulator" / "extensions"


def ml_at_every_tier() -> list[MlConfig]:
    """Each ML example at each tier it can take (enterprise needs a network)."""
    configs = []
    for config in all_ml_configs():
        for tier in MlTier:
            variant = config.model_copy(update={"tier": tier})
            if tier is not MlTier.ENTERPRISE or variant.network is not None:
                configs.append(variant)
    return configs


ML_CONFIGS = ml_at_every_tier()


@pytest.mark.parametrize(
    "config", ML_CONFIGS, ids=[f"{c.company_prefix}-{c.tier.value}" for c in ML_CONFIGS]
)
def test_an_ml_tier_plans_exactly_the_types_its_records_give_it(config: MlConfig) -> None:
    planned = {r.type for r in plan_stack(config).resources}
    assert planned == {t.cfn_type for t in ml_types(config.tier)}


def test_each_type_is_introduced_by_the_lowest_tier_that_plans_it() -> None:
    lowest: dict[str, MlTier] = {}
    for config in sorted(ML_CONFIGS, key=lambda c: c.tier.rank):
        for r in plan_stack(config).resources:
            lowest.setdefault(r.type, config.tier)
    assert lowest == {t.cfn_type: t.ml_tier for t in RESOURCE_TYPES if t.ml_tier is not None}


def sec_resources() -> list[PlannedResource]:
    configs = [*all_sec_configs(), *(largest_sec_config(t.value) for t in SecTier)]
    return [r for c in configs for p in plan_stacks(c) for r in p.resources]


def test_sec_plans_exactly_the_types_its_records_give_it() -> None:
    assert {r.type for r in sec_resources()} == {t.cfn_type for t in sec_types()}


def test_the_bootstrap_stack_holds_only_sec_types() -> None:
    bootstrap = plan_bootstrap(TenantNames("acme", "prod", "a001", "us-west-2", "111122223333"))
    assert {r.type for r in bootstrap.resources} <= {t.cfn_type for t in sec_types()}


def test_an_unregistered_type_is_named() -> None:
    with pytest.raises(KeyError, match="AWS::SQS::Queue is not a registered resource type"):
        resource_type("AWS::SQS::Queue")


def test_every_planned_ml_resource_whose_type_has_a_limit_is_measured() -> None:
    """Live and in the test-deploy form: each resource whose type's record has a name_kind is
    measured against that limit, every SSM parameter included."""
    for config in ML_CONFIGS:
        plan = plan_use_case(config)
        for stack, measured in (
            (plan.live, live_names(plan)),
            (plan.bootstrap, live_names(plan)),
            (plan.test_form, names_in_test_form(plan)),
        ):
            things = {(t.kind, t.name) for t in measured}
            for r in stack.resources:
                kind = resource_type(r.type).name_kind
                if kind is not None:
                    assert (kind, r.physical_name) in things, r.logical_id
            assert (NameKind.STACK, stack.stack_name) in things


def _with(stack: StackPlan, cfn_type: str, name: str) -> StackPlan:
    """`stack` with one more resource of `cfn_type`, physically named `name`."""
    added = PlannedResource("Added", cfn_type, {}, physical_name=name, arn="arn:added")
    return replace(stack, resources=(*stack.resources, added))


def test_a_resource_added_to_the_plan_is_measured_by_its_types_limit() -> None:
    """The rule, not a list: a resource of a type the ML stack never plans (an IAM group,
    128 characters at most) is measured as soon as it is in the plan."""
    plan = plan_use_case(all_ml_configs()[0])
    assert name_problems(plan) == []
    group = "g" * 129
    over = replace(plan, live=_with(plan.live, "AWS::IAM::Group", group))
    assert [p.message for p in name_problems(over)] == [
        f"IAM group name {group!r} is 129 characters; AWS allows at most 128"
    ]
    # A type whose record has no name_kind is named by AWS: nothing of the tool's to measure.
    keyed = replace(plan, live=_with(plan.live, "AWS::KMS::Key", "k" * 5000))
    assert name_problems(keyed) == []


def test_the_test_deploy_forms_names_count_only_when_the_live_ones_fit() -> None:
    plan = plan_use_case(all_ml_configs()[0])
    live_group, test_group = "l" * 129, "t" * 130
    test_only = replace(plan, test_form=_with(plan.test_form, "AWS::IAM::Group", test_group))
    assert [p.message for p in name_problems(test_only)] == [
        f"IAM group name {test_group!r} is 130 characters; AWS allows at most 128"
        " (test-deploy form)"
    ]
    both = replace(test_only, live=_with(plan.live, "AWS::IAM::Group", live_group))
    assert [p.message for p in name_problems(both)] == [
        f"IAM group name {live_group!r} is 129 characters; AWS allows at most 128"
    ]


def test_sec_names_are_held_to_their_types_limits() -> None:
    """A cross-account policy is measured in its longest form (part 9 of a split); SSM
    parameter names are not measured: the longest stays far within SSM's limit."""
    for config in all_sec_configs():
        things = sec_named_things(SecNames(config), stack_parts(config))
        for r in (r for p in plan_stacks(config) for r in p.resources):
            kind = resource_type(r.type).name_kind
            assert kind is not None
            if r.type == "AWS::SSM::Parameter":
                assert len(r.physical_name) < kind.max_length // 4
                continue
            assert any(
                t.kind is kind and t.name in (r.physical_name, f"{r.physical_name}-9")
                for t in things
            ), r.logical_id


def test_every_emulator_adapter_a_record_names_exists_once() -> None:
    modules = [m for t in RESOURCE_TYPES for m in t.emulation.modules]
    assert len(modules) == len(set(modules))
    assert [m for m in modules if not (EXTENSIONS_DIR / f"{m}.py").is_file()] == []
    # and every CloudFormation adapter of the emulator belongs to a type
    adapters = {p.stem for p in Path(EXTENSIONS_DIR).glob("cfn_*.py")}
    assert adapters == set(modules)


def test_a_record_grants_exactly_where_its_tool_plans_it() -> None:
    from provisioner.resource_types.record import ResourceType, StatementGrant

    smoke = RESOURCE_TYPES[0].smoke
    with pytest.raises(ValueError, match="ML plans it exactly when ML grants it"):
        ResourceType("AWS::X::Y", "x", None, smoke, ml_tier=MlTier.STARTER)
    with pytest.raises(ValueError, match="SEC plans it exactly when SEC grants it"):
        ResourceType("AWS::X::Y", "x", None, smoke, sec_grant=StatementGrant("X"))


def test_the_worked_example_of_docs_architecture_is_a_valid_record() -> None:
    """docs/architecture.md's new type, as written: a record whose smoke check runs."""
    from typing import Any

    from provisioner.resource_types import record, smoke

    text = (ROOT / "docs" / "architecture.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {**vars(record), **vars(smoke), "MlTier": MlTier}
    exec("\n".join(line.removeprefix("   ") for line in code.splitlines()), namespace)
    example = namespace["RESOURCE_TYPE"]
    assert example.cfn_type not in {t.cfn_type for t in RESOURCE_TYPES}

    class Reads:
        def topic_attributes(self, arn: str) -> dict[str, str]:
            return {"SubscriptionsPending": "1"} if arn == "arn:topic" else {}

    declared = smoke.Declared("Sub", example.cfn_type, "arn:sub", {"TopicArn": "arn:topic"}, {})
    assert example.smoke(Reads(), declared) == "subscribed to arn:topic"
    with pytest.raises(smoke.SmokeMismatch, match="has no subscription"):
        example.smoke(Reads(), smoke.Declared("Sub", example.cfn_type, "x", {"TopicArn": "b"}, {}))
