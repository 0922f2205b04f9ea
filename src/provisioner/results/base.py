"""The base of every action's result: an immutable model with its text form."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Result(BaseModel):
    """What one action returns. Its fields are its JSON form; `text` is how it prints."""

    model_config = ConfigDict(frozen=True)

    def text(self, config: str) -> list[str]:
        """The lines the action prints without `--output json` (`config`: the config file as
        given). An AWS action prints its progress as it goes, which says it all: none."""
        return []


class Entry(BaseModel):
    """A part of a result (a stack, a file, a resource): immutable, no text of its own."""

    model_config = ConfigDict(frozen=True)
