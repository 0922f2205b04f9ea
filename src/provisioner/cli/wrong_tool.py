"""A config given to the other tool (a SEC config to ml-provisioner, or the reverse) is named as
the other tool's, with the command that takes it, instead of a list of unknown fields."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from provisioner.errors import InputError
from provisioner.yaml_loader import load_yaml_mapping

ConfigT = TypeVar("ConfigT")


def other_tools_fields(data: dict[str, object], own: type[BaseModel],
                       other: type[BaseModel]) -> list[str]:  # fmt: skip
    """The fields only the other tool's config has, when the data has some and none of the
    fields only this tool's config has; empty otherwise."""
    own_fields, other_fields = set(own.model_fields), set(other.model_fields)
    theirs = sorted(set(data) & (other_fields - own_fields))
    mine = set(data) & (own_fields - other_fields)
    return theirs if theirs and not mine else []


def load_or_name_the_tool(
    path: Path,
    load: Callable[[Path], ConfigT],
    own: type[BaseModel],
    other: type[BaseModel],
    other_tool: str,
    given: str,
) -> ConfigT:
    """`load(path)`; if that fails on a config of the other tool, say so instead."""
    try:
        return load(path)
    except InputError as failure:
        try:
            data = load_yaml_mapping(path)
        except InputError:
            raise failure from None
        theirs = other_tools_fields(data, own, other)
        if not theirs:
            raise
        raise InputError(
            str(path),
            f"is a config for {other_tool} (it has {', '.join(theirs)}); give it to "
            f"{other_tool}: {other_tool} --config {given} --action validate",
        ) from None
