"""The one JSON document of a run over several configs (docs/estate.md): the order it ran
them in, and for each config its own document, as a run of that config alone prints it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from provisioner.results.base import FROZEN, Entry, Result
from provisioner.results.document import SCHEMA_VERSION, Document


class PlannedConfig(Entry):
    config: str = Field(description="the config, as --config would name it")
    tool: str | None = Field(description="the tool it is for; null: neither tool's config")
    wave: int = Field(description="1 for those that wait for nothing, 2 for those after them…")
    after: list[str] = Field(description="the configs it waits for (its tenant's SEC config)")


class ConfigRun(Entry):
    config: str
    tool: str | None
    exit_code: int = Field(description="its exit code, as a run of this config alone")
    seconds: float = Field(description="how long it ran; 0 when it did not run")
    skipped: str | None = Field(description="why it did not run; null when it ran")
    failing_resources: list[str] = Field(description="`{stack}/{logical id}` of what failed")
    document: Document[Result] | None = Field(
        description="its own document (docs/output-json.md); null when it did not run"
    )


class ApiBudgetUse(Entry):
    """How the run's polls used their shared budget (fleet/budget.py)."""

    max_api_rate: float = Field(description="the ceiling, calls a second (--max-api-rate)")
    polls: int = Field(description="polling calls let through, botocore's retries included")
    throttled: int = Field(description="answers that were CloudFormation throttling a call")
    peak_calls_per_second: int = Field(description="the most polls within any one second")


class EstateDocument(BaseModel):
    """A run of one action over several configs."""

    model_config = FROZEN

    schema_version: Literal[2] = Field(SCHEMA_VERSION)
    tool: str = Field(description="ml-provisioner, sec-provisioner or provisioner (both)")
    action: str
    exit_code: int = Field(description="the worst of the configs' (docs/estate.md)")
    max_parallel: int = Field(description="how many configs ran at once at most")
    plan: list[PlannedConfig] = Field(description="every config, in the order they start")
    configs: list[ConfigRun] = Field(description="every config's run, in the plan's order")
    api_budget: ApiBudgetUse | None = Field(
        description="the AWS actions' shared budget; null for a local action"
    )

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, serialize_as_any=True) + "\n"
