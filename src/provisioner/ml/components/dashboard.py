"""The CloudWatch dashboard (professional+): build and pipeline health at a glance."""

from __future__ import annotations

from provisioner.cfn.template import PlannedResource, render_json
from provisioner.ml.context import MlContext


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    region = n.region

    def metric_widget(title: str, metrics: list[list[str]], x: int) -> dict[str, object]:
        return {
            "type": "metric",
            "x": x,
            "y": 0,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": region,
                "stat": "Sum",
                "period": 3600,
                "view": "timeSeries",
                "metrics": metrics,
            },
        }

    body = {
        "widgets": [
            metric_widget(
                "Builds",
                [
                    ["AWS/CodeBuild", "SucceededBuilds", "ProjectName", n.build_project],
                    ["AWS/CodeBuild", "FailedBuilds", "ProjectName", n.build_project],
                ],
                0,
            ),
            metric_widget(
                "Build duration (s)",
                [["AWS/CodeBuild", "Duration", "ProjectName", n.build_project]],
                12,
            ),
        ]
    }
    name = n.dashboard
    return [
        PlannedResource(
            logical_id="Dashboard",
            type="AWS::CloudWatch::Dashboard",
            properties={
                "DashboardName": name,
                "DashboardBody": render_json(body),
                "Tags": ctx.tag_list,
            },
            physical_name=name,
            arn=n.partition.arn("cloudwatch", "", n.account, f"dashboard/{name}"),
            description="Build metrics",
        )
    ]
