"""Gap: moto's `AWS::S3::Bucket` ignores `VersioningConfiguration` (GetBucketVersioning shows
no status), on create and on update."""

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


def _version(bucket: FakeBucket, props: dict[str, Any], account_id: str) -> None:
    # Leaving the property out changes nothing: a bucket once versioned can only be suspended.
    if "VersioningConfiguration" in props:
        status = props["VersioningConfiguration"]["Status"]
        s3_backends[account_id][partition(bucket.region_name)].put_bucket_versioning(
            bucket.name, status
        )


def _create(original: Any, *args: Any, **kwargs: Any) -> Any:
    bucket = original(*args, **kwargs)
    _, template, account_id, _ = arguments(CREATE, args, kwargs)
    _version(bucket, properties(template), account_id)
    return bucket


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    bucket = original(*args, **kwargs)
    _, _, template, account_id, _ = arguments(UPDATE, args, kwargs)
    _version(bucket, properties(template), account_id)
    return bucket


def install() -> None:
    wrap_classmethod(FakeBucket, "create_from_cloudformation_json", _create)
    wrap_classmethod(FakeBucket, "update_from_cloudformation_json", _update)
