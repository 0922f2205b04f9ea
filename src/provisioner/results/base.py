"""The base of every action's result: an immutable model with its text form."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

# Immutable; and in the published schema every field is required: the JSON form always has it
# (null where it has no value), so a consumer never has to guess a default.
FROZEN = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True, defer_build=True)


class Result(BaseModel):
    """What one action returns. Its fields are its JSON form; `text` is how it prints."""

    model_config = FROZEN

    def text(self, config: str) -> list[str]:
        """The lines the action prints without `--output json` (`config`: the config file as
        given). An AWS action prints its progress as it goes, which says it all: none."""
        return []

    def failing_resources(self) -> list[str]:
        """`{stack}/{logical id}` of the resources that failed; an estate run lists them."""
        return []


class Entry(BaseModel):
    """A part of a result (a stack, a file, a resource): immutable, no text of its own."""

    model_config = FROZEN
