"""Load once, plan once: a run reads its config once and plans each form of its stacks once.

Validation needs the live plan (region, sizes, for SEC the stacks' names) and, for ML, the
test-deploy form under the widest suffix (its template is the larger); a test-deploy plans
its own suffix's form besides. Whatever else a run does (summary, templates, report, deploy
target) works from those plans. The reports' access matrix plans configs of its own (the
tenant's SEC config, example use cases): those are other configs, not counted here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CliRunner
from provisioner.cli import aws_actions
from provisioner.cli.tool import Outcome
from provisioner.deploy.target import DeployTarget
from provisioner.naming.ml import TEST_SUFFIX_PATTERN, WIDEST_TEST_SUFFIX

ML_CONFIG = "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"
SEC_CONFIG = "edge-prod-b001-us-west-1-sec.yaml"  # medium: more than one stack, a bucket


class Calls:
    """Every call of one function, wherever the package imported it: (arguments, result)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: str, name: str) -> None:
        # Import what the CLIs import only when an action needs it, so it is counted too.
        for lazy in ("provisioner.report.ml_report", "provisioner.report.sec_report"):
            __import__(lazy)
        original: Callable[..., Any] = getattr(sys.modules[module], name)
        self.made: list[tuple[tuple[Any, ...], Any]] = []

        def counted(*args: Any) -> Any:
            result = original(*args)
            self.made.append((args, result))
            return result

        holders = [
            m
            for m in list(sys.modules.values())
            if m is not None
            and m.__name__.startswith("provisioner")
            and getattr(m, name, None) is original
        ]
        assert sys.modules[module] in holders
        for holder in holders:
            monkeypatch.setattr(holder, name, counted)

    def of(self, config: object) -> list[str | None]:
        """The suffix of each call for `config` (None: the live form)."""
        return [args[1] if len(args) > 1 else None for args, _ in self.made if args[0] == config]


@pytest.fixture
def targets(monkeypatch: pytest.MonkeyPatch) -> list[DeployTarget]:
    """The AWS actions stop at the target they built: no gateway, no AWS."""
    built: list[DeployTarget] = []

    def stop(inv: Any, target: DeployTarget, run: Any) -> Outcome:
        built.append(target)
        return Outcome(None)

    monkeypatch.setattr(aws_actions, "run_aws_action", stop)
    return built


ML_RUNS = [
    ("validate",),
    ("create-template",),
    ("create-policy",),
    ("create-report",),
    ("list-resources",),
    ("create-seed-code",),
    ("deploy", "--force"),
    ("show-changes",),
    ("test-deploy",),
]


@pytest.mark.parametrize("action", ML_RUNS, ids=lambda a: a[0])
def test_an_ml_run_loads_once_and_plans_each_form_once(
    run_ml: CliRunner, monkeypatch: pytest.MonkeyPatch, targets: list[DeployTarget],
    action: tuple[str, ...],
) -> None:  # fmt: skip
    loads = Calls(monkeypatch, "provisioner.config.ml_loader", "load_ml_config")
    plans = Calls(monkeypatch, "provisioner.ml.plan", "plan_stack")
    bootstraps = Calls(monkeypatch, "provisioner.bootstrap.plan", "plan_bootstrap")
    result = run_ml("-con", ML_CONFIG, "-act", *action)
    assert result.code == 0, result.err
    ((_, config),) = loads.made
    suffixes = plans.of(config)
    expected: list[str | None] = [None, WIDEST_TEST_SUFFIX]
    if action[0] == "test-deploy":
        own = suffixes[-1]
        assert own is not None and TEST_SUFFIX_PATTERN.fullmatch(own)
        expected.append(own)
    assert suffixes == expected
    assert len(bootstraps.made) == 1  # the tenant's trust root, for the region check
    if action[0] in ("deploy", "show-changes", "test-deploy"):
        (target,) = targets
        assert len(target.stacks) == 1


SEC_RUNS = [
    ("validate",),
    ("create-template",),
    ("export-iam-policy",),
    ("create-report",),
    ("list-resources",),
    ("deploy", "--force"),
    ("test-deploy",),
    ("bootstrap", "--force"),
]


@pytest.mark.parametrize("action", SEC_RUNS, ids=lambda a: a[0])
def test_a_sec_run_loads_once_and_plans_each_form_once(
    run_sec: CliRunner, monkeypatch: pytest.MonkeyPatch, targets: list[DeployTarget],
    workdir: Path, action: tuple[str, ...],
) -> None:  # fmt: skip
    loads = Calls(monkeypatch, "provisioner.config.sec_loader", "load_sec_config")
    plans = Calls(monkeypatch, "provisioner.sec.plan", "plan_stacks_by_part")
    bootstraps = Calls(monkeypatch, "provisioner.bootstrap.plan", "plan_bootstrap")
    result = run_sec("-con", SEC_CONFIG, "-act", *action)
    assert result.code == 0, result.err
    ((_, config),) = loads.made
    suffixes = plans.of(config)
    expected: list[str | None] = [None]
    if action[0] == "test-deploy":
        own = suffixes[-1]
        assert own is not None and TEST_SUFFIX_PATTERN.fullmatch(own)
        expected.append(own)
    assert suffixes == expected
    assert len(bootstraps.made) == 1  # the region check's, and the bootstrap action's target
    if action[0] in ("deploy", "test-deploy"):
        (target,) = targets
        assert len(target.stacks) == len(plans.made[0][1]) > 1
    if action[0] == "bootstrap":
        (target,) = targets
        ((_, trust_root),) = bootstraps.made
        assert target.stack_names == [trust_root.stack_name]
