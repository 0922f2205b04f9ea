"""create-template: the templates written, in deploy order, and their manifest."""

from __future__ import annotations

from pydantic import Field

from provisioner.aws_limits import TEMPLATE_BODY_MAX_BYTES
from provisioner.results.base import Result
from provisioner.results.plan_summary import StackSummary


class TemplateFile(StackSummary):
    order: int = Field(description="deploy order, from 1")
    path: str = Field(description="the file written")
    template_bucket: str | None = Field(description="TemplateURL: the bucket deploy uploads to")
    template_key: str | None = Field(description="TemplateURL: its key, by content hash")
    stack_set_path: str | None = Field(
        default=None,
        description="with a `deployment` section: the file holding the template as its stack "
        "set deploys it (the config's account and region as pseudo parameters); null otherwise",
    )
    stack_set_publish_to: str | None = Field(
        default=None,
        description="a service-managed section's: the S3 URI an administrator publishes the "
        "stack-set form to (key by content hash), the only template the operator policy lets "
        "deploy use; null otherwise",
    )
    canary_stack_set_path: str | None = Field(
        default=None,
        description="a service-managed section's: the file holding the stack-set form of the "
        "stack's test-deploy canary (its suffix derived from the live templates); null "
        "otherwise",
    )
    canary_publish_to: str | None = Field(
        default=None, description="where an administrator publishes that canary form"
    )


class TemplatesWritten(Result):
    templates: list[TemplateFile]
    manifest: str = Field(description="the manifest written: the stacks in deploy order")
    removed: list[str] = Field(
        description="templates an earlier run of this config wrote and this one does not"
    )

    def text(self, config: str) -> list[str]:
        lines = []
        for t in self.templates:
            line = f"wrote {t.path} ({t.bytes:,} bytes, {t.resources} resources)"
            if t.deploy_with == "TemplateURL":
                line += (
                    f" — over the {TEMPLATE_BODY_MAX_BYTES:,}-byte TemplateBody limit: deploy "
                    f"uploads it to s3://{t.template_bucket}/{t.template_key}"
                )
            lines.append(line)
            if t.stack_set_path is not None:
                lines.append(f"wrote {t.stack_set_path} (as its stack set deploys it)")
            if t.stack_set_path is not None and t.stack_set_publish_to is not None:
                lines.append(_publish(t.stack_set_path, t.stack_set_publish_to))
            if t.canary_stack_set_path is not None and t.canary_publish_to is not None:
                lines.append(
                    f"wrote {t.canary_stack_set_path} (its test-deploy canary, as its stack set "
                    "deploys it)"
                )
                lines.append(_publish(t.canary_stack_set_path, t.canary_publish_to))
        lines.append(f"wrote {self.manifest} (stacks in deploy order)")
        lines += [
            f"removed {path} (an earlier run of this config wrote it; this one does not)"
            for path in self.removed
        ]
        return lines


def _publish(path: str, to: str) -> str:
    return (
        f"  an administrator publishes it after review: aws s3 cp {path} {to} "
        "--content-type application/json"
    )
