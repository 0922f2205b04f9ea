"""How a retained resource is found again once its stack is gone, so that deploy can adopt it
through CloudFormation's resource import instead of failing on the name it still holds.

A type that can be adopted has an `Adoption` in its record: its primary identifier (the
registry schema's `primaryIdentifier`, the key of ResourcesToImport) and a finder, which
reads the account through `AdoptionReads` (deploy/service_reads.py) and returns the
identifier's value of the existing resource, or None. The finders stay pure (no boto3).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class AdoptionReads(Protocol):
    """The read-only calls the finders make."""

    def bucket_exists(self, name: str) -> bool: ...
    def bucket_kms_key(self, name: str) -> str | None: ...
    def log_group(self, name: str) -> dict[str, Any] | None: ...
    def key_if_exists(self, key_id: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Retained:
    """A retained resource of a template whose stack does not exist, and what was found of the
    template's other retained resources so far (logical id → identifier value)."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    resources: Mapping[str, Any]  # the template's Resources
    found: Mapping[str, str]

    def literal_name(self, key: str) -> str | None:
        """A name the template spells out (not computed by an intrinsic function)."""
        value = self.properties.get(key)
        return value if isinstance(value, str) and value else None


Finder = Callable[[AdoptionReads, Retained], str | None]


@dataclass(frozen=True)
class Adoption:
    identifier: str  # the primaryIdentifier property, e.g. BucketName
    find: Finder
    # Found through the other retained resources (a key through what it encrypts): those are
    # looked up first.
    through_others: bool = False
