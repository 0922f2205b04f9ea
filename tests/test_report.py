"""create-report: self-contained HTML + Markdown with resources, marks, matrix and diagram."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import CliRunner, all_ml_configs, all_sec_configs
from provisioner.config.ml import MlConfig
from provisioner.ml.operator_policy import operator_policy
from provisioner.ml.permission_summary import COLUMNS, permission_summary
from provisioner.ml.plan import plan_stack
from provisioner.report.ml_report import render_ml_report
from provisioner.report.sec_report import render_sec_report
from provisioner.sec.plan import plan_stacks

EXTERNAL_LOAD = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE)


def assert_self_contained(html: str) -> None:
    assert not EXTERNAL_LOAD.search(html)
    assert "<script" not in html and "<link" not in html and "@import" not in html


def test_ml_report_lists_every_resource(ml_config: MlConfig) -> None:
    html, markdown = render_ml_report(ml_config)
    assert_self_contained(html)
    plan = plan_stack(ml_config)
    for resource in plan.resources:
        escaped = resource.physical_name.replace("&", "&amp;").replace("'", "&#x27;")
        assert escaped in html and resource.physical_name in markdown
    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL)
    assert svg is not None
    assert svg.group(0).count('class="node"') == len(plan.resources)
    assert markdown.count("```mermaid") == 1


def test_ml_report_permission_marks(ml_config: MlConfig) -> None:
    _html, markdown = render_ml_report(ml_config)
    policy = operator_policy(ml_config)
    rows = {r.action: r.needs for r in permission_summary(policy)}
    assert not any(rows["create-template"])  # local actions need nothing
    assert all(
        rows["deploy"][i] == (service in {a.split(":")[0] for a in policy.actions})
        for i, (service, _) in enumerate(COLUMNS)
    )
    assert rows["show-changes"][0] and sum(rows["show-changes"]) == 1
    ec2 = [label for _, label in COLUMNS].index("EC2")
    assert rows["deploy"][ec2] == (ml_config.tier.value == "enterprise")
    deploy_line = next(line for line in markdown.splitlines() if line.startswith("| deploy |"))
    assert deploy_line.count("✓") == sum(rows["deploy"])
    assert deploy_line.count("✗") == len(COLUMNS) - sum(rows["deploy"])


def test_sec_report_matrix_and_trust() -> None:
    for config in all_sec_configs():
        html, markdown = render_sec_report(config)
        assert_self_contained(html)
        for team in config.teams:
            for persona in team.personas:
                line = next(
                    line
                    for line in markdown.splitlines()
                    if line.startswith(f"| {team.name} | {persona.value} |")
                )
                marks = line.split("|")[3:-1]
                approve = marks[6].strip()
                assert approve == ("✓" if persona.value == "ml-engineer" else "✗")
                write = marks[2].strip()
                assert write == ("✗" if persona.value == "viewer" else "✓")
        for account in config.trusted_accounts:
            assert f"arn:aws:iam::{account.account_id}:root" in markdown
            assert account.external_id in markdown
        roles = [r for p in plan_stacks(config) for r in p.resources if r.type == "AWS::IAM::Role"]
        for role in roles:
            assert role.physical_name in html
        assert "<svg" in html and "```mermaid" in markdown


def test_cli_writes_both_reports(run_ml: CliRunner, workdir: Path) -> None:
    for config in all_ml_configs()[:1]:
        name = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit"
        assert config
        assert run_ml("-con", f"{name}.yaml", "-act", "create-report").code == 0
        assert (
            (workdir / "reports" / f"{name}-create-report.html")
            .read_text()
            .startswith("<!DOCTYPE html>")
        )
        assert (workdir / "reports" / f"{name}-create-report.md").is_file()
