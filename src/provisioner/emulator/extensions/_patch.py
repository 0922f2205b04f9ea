"""Wrapping moto's CloudFormation classmethods so that several extensions can each add a step.

Property gaps of a type moto already models are closed by wrapping the type's own
`create_from_cloudformation_json`, `update_from_cloudformation_json` or
`delete_from_cloudformation_json` rather than subclassing it: moto keeps one model class per
CloudFormation type, so two subclasses would not compose, wrappers do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from moto.utilities.utils import get_partition

Wrapper = Callable[..., Any]  # (original, *args, **kwargs) → result


def wrap_classmethod(model: type, name: str, wrapper: Wrapper) -> None:
    """Replace `model.<name>` by `wrapper(original, *args, **kwargs)`, where `original` is
    the previous implementation bound to the class the call was made on (subclasses keep
    their `cls`). Calls arrive positionally or by keyword, as moto makes both."""
    previous = getattr(model, name).__func__

    def method(cls: type, *args: Any, **kwargs: Any) -> Any:
        return wrapper(functools.partial(previous, cls), *args, **kwargs)

    setattr(model, name, classmethod(method))


def arguments(names: tuple[str, ...], args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    """The named arguments of a call however they were passed."""
    bound = dict(zip(names, args, strict=False))
    bound.update({k: v for k, v in kwargs.items() if k in names})
    return [bound.get(n) for n in names]


CREATE = ("resource_name", "cloudformation_json", "account_id", "region_name")
UPDATE = (
    "original_resource",
    "new_resource_name",
    "cloudformation_json",
    "account_id",
    "region_name",
)
DELETE = CREATE


def partition(region_name: str | None) -> str:
    """The partition moto keeps a region's global resources (IAM, S3) under: `aws`,
    `aws-us-gov` or `aws-cn`. Keying by "aws" alone loses a GovCloud stack's IAM resources."""
    return get_partition(region_name or "us-east-1")


def properties(cloudformation_json: Any) -> dict[str, Any]:
    found: dict[str, Any] = (cloudformation_json or {}).get("Properties") or {}
    return found


def tag_map(tags: Any) -> dict[str, str]:
    """CloudFormation tags, as a list of {Key, Value} or (SSM) a map, as a map."""
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    return {t["Key"]: t["Value"] for t in tags or []}


def retag_ec2(resource: Any, declared: dict[str, str]) -> None:
    """Make an EC2 resource's tags the declared ones, plus the `aws:` ones CloudFormation
    adds (aws:cloudformation:stack-name, ...), which no one else may change."""
    ec2 = resource.ec2_backend
    current = ec2.tags.get(resource.id, {})
    stale = [k for k in current if k not in declared and not k.startswith("aws:")]
    ec2.delete_tag_keys([resource.id], stale)
    resource.add_tags(declared)


def replacement_refused(name: str) -> ValueError:
    """CloudFormation's refusal to replace a custom-named resource: the new one could not take
    the name the old one still holds."""
    return ValueError(
        "CloudFormation cannot update a stack when a custom-named resource requires "
        f"replacing. Rename {name} and update the stack again."
    )
