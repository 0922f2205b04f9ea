"""The one JSON document an action prints with `--output json`, and an AWS action also writes
to `reports/{stem}-{action}.json`: the same envelope for every action of both tools, its
`result` the action's own.

Versioning (docs/output-json.md): a field added keeps `schema_version`; a field removed,
renamed or changed in meaning or type raises it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from provisioner.exit_codes import ExitCode
from provisioner.results.base import FROZEN, Entry, Result

SCHEMA_VERSION: Literal[2] = 2

R = TypeVar("R", bound=Result)


class Failure(Entry):
    """Why the action stopped: the message it printed on stderr."""

    message: str = Field(
        description="the message printed on stderr, without its 'error: ' prefix (exit code "
        "130: the message is the whole line)"
    )


class ApiCalls(Entry):
    count: int = Field(description="AWS API calls made, retries included")
    by_operation: dict[str, int] = Field(description="'service:Operation' → how many times")


class AwsRun(Entry):
    """Where and how long an AWS action ran, and what it asked of AWS."""

    region: str
    started: datetime = Field(description="when the action started, UTC")
    seconds: float = Field(description="how long it ran, to the millisecond")
    api_calls: ApiCalls


class Document(BaseModel, Generic[R]):
    """One run of one action: who ran what on which config, how it ended, what it found."""

    model_config = FROZEN

    schema_version: Literal[2] = Field(
        SCHEMA_VERSION, description="raised only by a change that is not an addition"
    )
    tool: str = Field(description="ml-provisioner or sec-provisioner")
    action: str = Field(description="the action that ran (an alias given is named by its action)")
    config: str = Field(description="the --config argument, as given")
    exit_code: ExitCode = Field(description="the process's exit code")
    result: R | None = Field(
        description="what the action did or found; null when it stopped before a result (see error)"
    )
    error: Failure | None = Field(
        None, description="why the action stopped early; null when it ran to its end"
    )
    aws: AwsRun | None = Field(
        None,
        description="an AWS action that ran (and wrote its report): region, timing, API calls; "
        "null for a local action and for one refused as bad input",
    )

    def to_json(self) -> str:
        """The document as printed and written: indented, one trailing newline."""
        # The result is declared by its base type when the action is not known in advance:
        # serialize what it is.
        return self.model_dump_json(indent=2, serialize_as_any=True) + "\n"
