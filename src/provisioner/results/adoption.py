"""A resource an earlier delete of the config's stack retained, which deploy adopts."""

from __future__ import annotations

from pydantic import Field

from provisioner.results.base import Entry


class AdoptedResource(Entry):
    """Kept by DeletionPolicy Retain when the stack was deleted, found again under its name
    (a key: as the key the found bucket or log groups are encrypted with): deploy imports it
    into the new stack through an IMPORT change set instead of creating it."""

    logical_id: str
    type: str
    identifier: dict[str, str] = Field(
        description="the type's primary identifier and its value, e.g. {BucketName: …}"
    )
