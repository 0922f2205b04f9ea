"""The tags every generated resource carries, in the two shapes CloudFormation uses."""

from __future__ import annotations

from collections.abc import Mapping

MANAGED_BY = "managed-by"
# The tag show-changes puts on a stack it creates only to review (REVIEW_IN_PROGRESS): the
# reviewer policy may delete such stacks, and no other.
REVIEW_STACK_TAG = "provisioner-review"


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": tags[key]} for key in sorted(tags)]


def tag_map(tags: Mapping[str, str]) -> dict[str, str]:
    return {key: tags[key] for key in sorted(tags)}
