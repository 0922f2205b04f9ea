"""Gap: moto's `AWS::S3::Bucket` ignores `PublicAccessBlockConfiguration`
(GetPublicAccessBlock: NoSuchPublicAccessBlockConfiguration), on create and on update."""

from __future__ import annotations

from typing import Any

from moto.s3.models import FakeBucket, s3_backends

from provisioner.emulator.extensions._patch import (
    CREATE,
    UPDATE,
    arguments,
    partition,
    properties,
    wrap_classmethod,
)


def _block(bucket: FakeBucket, props: dict[str, Any], account_id: str) -> None:
    s3 = s3_backends[account_id][partition(bucket.region_name)]
    declared = props.get("PublicAccessBlockConfiguration")
    if declared:
        s3.put_public_access_block(bucket.name, declared)
    else:  # left out on update: CloudFormation removes the configuration
        s3.delete_public_access_block(bucket.name)


def _create(original: Any, *args: Any, **kwargs: Any) -> Any:
    bucket = original(*args, **kwargs)
    _, template, account_id, _ = arguments(CREATE, args, kwargs)
    _block(bucket, properties(template), account_id)
    return bucket


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    bucket = original(*args, **kwargs)
    _, _, template, account_id, _ = arguments(UPDATE, args, kwargs)
    _block(bucket, properties(template), account_id)
    return bucket


def install() -> None:
    wrap_classmethod(FakeBucket, "create_from_cloudformation_json", _create)
    wrap_classmethod(FakeBucket, "update_from_cloudformation_json", _update)
