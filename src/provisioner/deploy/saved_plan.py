"""The saved plan: what `show-changes --save-plan FILE` reviewed, for `deploy --plan FILE` to
execute exactly that and nothing else (docs/saved-plans.md).

Pure: the file's model, how it is read and checked against the config and the clock. Whether
AWS still holds what was reviewed is the engine's to check (deploy/apply_plan.py).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from provisioner.errors import InputError
from provisioner.files import write_atomic
from provisioner.results.base import FROZEN
from provisioner.results.changes import AccessChange, Change

PLAN_SCHEMA_VERSION: Literal[1] = 1
# Long enough to review and approve a change, short enough that what was reviewed is recent.
DEFAULT_TTL = timedelta(hours=1)
MAX_TTL = timedelta(days=7)


def saved_plan_change_set_name(tool: str) -> str:
    """A saved plan's change sets carry one name per tool, so at most one plan's change set
    waits on a stack and a later show-changes finds it by name (no ListChangeSets, which no
    operator policy grants) to clean it up."""
    return f"{tool}-saved-plan"


def utc_now() -> datetime:
    """The clock the plan's expiry is read against (tests move it)."""
    return datetime.now(UTC)


def sha256_hex(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


class ReviewedStack(BaseModel):
    """A stack as the review left it: its state then, and the change set it kept."""

    model_config = FROZEN

    stack: str
    stack_id: str = Field(description="the stack's ARN; a stack to create has one already")
    operation: Literal["CREATE", "UPDATE"]
    change_set_id: str | None = Field(
        description="the change set's ARN; null: no changes, nothing to execute"
    )
    template_sha256: str = Field(description="SHA-256 of the template body reviewed")
    status: str = Field(
        description="the stack's status when reviewed (REVIEW_IN_PROGRESS for a stack to create)"
    )
    last_updated: datetime | None = Field(
        description="the stack's LastUpdatedTime when reviewed; null: never updated"
    )
    changes: list[Change]
    security: AccessChange


class SavedPlan(BaseModel):
    """A reviewed deploy: its change sets, kept in CloudFormation, and what they do."""

    model_config = FROZEN

    schema_version: Literal[1] = PLAN_SCHEMA_VERSION
    kind: Literal["provisioner-saved-plan"] = "provisioner-saved-plan"
    tool: str
    config: str = Field(description="the --config argument, as given")
    config_stem: str
    config_sha256: str = Field(description="SHA-256 of the config file's bytes when reviewed")
    region: str
    account_id: str | None
    production: bool
    created: datetime
    expires: datetime
    executed: datetime | None = Field(
        default=None, description="when deploy --plan started executing it; null: unused"
    )
    stacks: list[ReviewedStack] = Field(description="in deploy order")

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    @property
    def broadening(self) -> list[str]:
        return [s.stack for s in self.stacks if s.security.broadens_access]


def parse_ttl(minutes: str | None) -> timedelta:
    """--plan-ttl MINUTES: a whole number of minutes, 1 up to 7 days."""
    if minutes is None:
        return DEFAULT_TTL
    limit = int(MAX_TTL.total_seconds() // 60)
    if not minutes.isdigit() or not 1 <= int(minutes) <= limit:
        raise InputError(
            "--plan-ttl", f"{minutes!r} is not a whole number of minutes from 1 to {limit}"
        )
    return timedelta(minutes=int(minutes))


def read_plan(path: Path) -> SavedPlan:
    """The plan in the file; InputError when it is missing or not a plan."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            str(path), "no such plan file; save one with --action show-changes --save-plan FILE"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the plan file: {exc}") from None
    try:
        return SavedPlan.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise InputError(
            str(path),
            f"is not a saved plan of this version ({where}: {first['msg']}); save a new one "
            "with --action show-changes --save-plan FILE",
        ) from None


def check_plan(
    plan: SavedPlan,
    path: Path,
    *,
    tool: str,
    config_stem: str,
    config_sha256: str,
    now: datetime,
) -> None:
    """Refuse a plan that is not this tool's, not this config's as it is now, spent or old."""
    again = "; nothing was changed. Review again with --action show-changes --save-plan FILE"
    if plan.tool != tool:
        raise InputError(
            str(path), f"is a plan of {plan.tool}, not {tool}; run it with {plan.tool}{again}"
        )
    if plan.config_stem != config_stem:
        raise InputError(
            str(path), f"is a plan for config {plan.config_stem}, not {config_stem}{again}"
        )
    if plan.executed is not None:
        raise InputError(
            str(path), f"was already executed at {plan.executed:%Y-%m-%d %H:%M:%S} UTC{again}"
        )
    if plan.config_sha256 != config_sha256:
        raise InputError(
            str(path), f"the config {plan.config} changed since the plan was saved{again}"
        )
    if now >= plan.expires:
        raise InputError(
            str(path), f"the plan expired at {plan.expires:%Y-%m-%d %H:%M:%S} UTC{again}"
        )


def check_templates(plan: SavedPlan, path: Path, rendered: dict[str, str]) -> None:
    """The config renders now the templates that were reviewed (stack name → body)."""
    again = "; nothing was changed. Review again with --action show-changes --save-plan FILE"
    reviewed = [s.stack for s in plan.stacks]
    if reviewed != list(rendered):
        raise InputError(
            str(path),
            f"the plan holds stacks {', '.join(reviewed)}, the config "
            f"now {', '.join(rendered)}{again}",
        )
    for stack in plan.stacks:
        if sha256_hex(rendered[stack.stack]) != stack.template_sha256:
            raise InputError(
                str(path),
                f"{stack.stack}: the template the config renders now "
                f"differs from the one reviewed{again}",
            )


def write_plan(path: Path, plan: SavedPlan) -> None:
    """All or nothing: a reader never finds half a plan."""
    write_atomic(path, plan.to_json())
