"""Handler permissions for resource types whose registry schema declares none.

`AWS::CodeBuild::Project` is not a registry (Cloud Control) resource: its schema carries no
`handlers`. This list is reviewed against the CodeBuild API the legacy handler calls: create
and update pass the service role; read is a batch get.
"""

from __future__ import annotations

REVIEWED_HANDLERS: dict[str, dict[str, list[str]]] = {
    "AWS::CodeBuild::Project": {
        "create": ["codebuild:CreateProject", "iam:PassRole"],
        "read": ["codebuild:BatchGetProjects"],
        "update": ["codebuild:UpdateProject", "iam:PassRole"],
        "delete": ["codebuild:DeleteProject"],
    },
}
